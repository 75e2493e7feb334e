// One lead: its fields, the score explained rule by rule, its timeline
// (submissions and stage changes), consents with their receipts, handoffs,
// notes; stage moves and notes for those who work leads; the person's
// export and erasure (named in the confirmation) for marketing and admins.
import { api } from "../api.js";
import { actingButton, h, replace, sendingForm, when } from "../element.js";
import { language, words } from "../words.js";
import { STAGES, personName, stageBadge } from "./leads.js";
import { deliveryEvent, deliveryStatus } from "./settings/webhooks.js";

/**
 * Draws the page again after a write that is done: a failed reading is
 * said in the status line, never beside the write as if it had failed (a
 * note sent again would be there twice).
 */
const reread = (session, redraw) => redraw().catch((error) => session.say(error.message));

/**
 * A button per consent the person has given now (the latest event of one
 * of its purposes a grant: an item whose purpose changed holds two), to
 * record that they withdrew it, after a confirmation naming them: the
 * ledger cannot take it back.
 */
function withdrawals(session, lead, w, redraw) {
  const latest = new Map(lead.consents.map((c) => [`${c.consent_id} ${c.purpose}`, c]));
  const given = new Set([...latest.values()].filter((c) => c.granted).map((c) => c.consent_id));
  const who = personName(lead.fields) || lead.email;
  return given.size === 0 ? null : h("p", { class: "actions" }, [...given].map((consent) =>
    actingButton(`withdraw-${consent}`, w.withdrawConsent(consent), async () => {
      if (!window.confirm(w.withdrawConfirm(consent, who))) return;
      await api("POST", `/v1/leads/${lead.id}/consents/withdrawals`, { consent });
      session.say(w.consentWithdrawn(consent));
      await reread(session, redraw);
    })));
}

function section(title, ...content) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), content);
}

/** A value as text: lists joined, everything else as it is. */
const shown = (value) => (Array.isArray(value) ? value.join(", ") : String(value ?? ""));

function explanation(lead, w) {
  const rows = lead.explanation.fired.map((fired) =>
    h("tr", {}, h("td", {}, fired.rule), h("td", {}, fired.group ?? ""), h("td", { class: "number" }, fired.points)),
  );
  return h(
    "table",
    { class: "explained" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, w.rule), h("th", { scope: "col" }, w.group), h("th", { scope: "col" }, w.points))),
    h("tbody", {}, rows),
    h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: 2 }, w.total), h("td", { class: "number", id: "total-score" }, lead.score))),
  );
}

/** The reason the rules write (edge/src/capture/mod.rs, `record_move`). */
const RULES_MOVED = /^rules moved the lead from (.+) to (\S+) \(score (-?\d+)\)$/;

/**
 * A stage change's reason in the page's language: the edge writes its own
 * in English (the rules', and the default of a move or an erasure by a
 * person); a reason a person wrote stays as written.
 */
function reasonOf(change, w) {
  const { reason, actor } = change;
  if (actor === "rule") {
    const moved = RULES_MOVED.exec(reason);
    if (moved) {
      const [, from, to, score] = moved;
      return w.reasons.rules(w.stages[from] ?? w.reasons.noStage, w.stages[to] ?? to, score);
    }
    return reason === "new lead" ? w.reasons.newLead : reason;
  }
  return { "moved by hand": w.reasons.byHand, erased: w.reasons.erased }[reason] ?? reason;
}

function timeline(lead, w, locale) {
  const items = [
    ...lead.timeline.map((s) => ({ at: s.created_at, text: `${w.submissions}: ${s.form_id}` })),
    ...lead.stage_history.map((c) => ({
      at: c.created_at,
      text: `${c.from_stage ? `${w.stages[c.from_stage]} → ` : ""}${w.stages[c.to_stage]} · ${reasonOf(c, w)} · ${w.by} ${w.actors[c.actor] ?? c.actor}${c.note ? ` · ${c.note}` : ""}`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return h("ol", { class: "timeline" }, items.map((item) => h("li", {}, h("time", { datetime: item.at }, when(item.at, locale)), " ", item.text)));
}

function stageForm(session, lead, w, redraw) {
  return sendingForm("move", "inline", async (data) => {
    const reason = data.get("reason");
    const moved = await api("POST", `/v1/leads/${lead.id}/stage`, { to: data.get("to"), reason: reason || undefined });
    session.say(w.moved(w.stages[moved.to]));
    await reread(session, redraw);
  },
  h("label", { for: "move-to" }, w.moveTo),
  h("select", { id: "move-to", name: "to" }, STAGES.filter((s) => s !== lead.stage).map((s) => h("option", { value: s }, w.stages[s]))),
  h("label", { for: "move-reason" }, w.reason),
  h("input", { id: "move-reason", name: "reason", type: "text", maxlength: 500 }),
  h("button", { type: "submit" }, w.move));
}

function noteForm(session, lead, w, redraw) {
  return sendingForm("note", "inline", async (data) => {
    await api("POST", `/v1/leads/${lead.id}/notes`, { text: data.get("text") });
    document.getElementById("note-text").value = "";
    await reread(session, redraw);
  },
  h("label", { for: "note-text" }, w.noteText),
  h("textarea", { id: "note-text", name: "text", rows: 2, required: true, maxlength: 5000 }),
  h("button", { type: "submit" }, w.addNote));
}

function personActions(session, lead, w) {
  const who = personName(lead.fields) ? `${personName(lead.fields)} <${lead.email}>` : lead.email;
  const site = encodeURIComponent(lead.site_id);
  return h(
    "div",
    { class: "actions" },
    actingButton("export-person", w.exportPerson, async () => {
      const exported = await api("POST", `/v1/sites/${site}/people/export`, { email: lead.email });
      const file = URL.createObjectURL(new Blob([JSON.stringify(exported, null, 2)], { type: "application/json" }));
      h("a", { href: file, download: `lead-${lead.id}.json` }).click();
      // The person's data is not kept in the page once it is downloaded.
      setTimeout(() => URL.revokeObjectURL(file), 60_000);
    }),
    actingButton("erase-person", w.erase, async () => {
      if (!window.confirm(w.eraseConfirm(who))) return;
      await api("POST", `/v1/sites/${site}/people/erase`, { email: lead.email });
      session.go("#/leads", w.erased(who));
    }, { class: "danger" }),
  );
}

export async function leadPage(main, session, id) {
  const w = words();
  const locale = language();
  const lead = await api("GET", `/v1/leads/${encodeURIComponent(id)}`);
  const redraw = () => leadPage(main, session, id);
  const fields = Object.entries(lead.fields).map(([name, value]) => [h("dt", {}, name), h("dd", {}, shown(value))]);
  replace(
    main,
    h("p", {}, h("a", { href: "#/leads" }, w.back)),
    h("h1", {}, personName(lead.fields) || lead.email, " ", stageBadge(lead.stage, w)),
    section(w.fields, h("dl", { class: "fields" }, h("dt", {}, w.email), h("dd", {}, lead.email), fields)),
    section(w.scoreExplained, explanation(lead, w)),
    session.may("work", lead.site_id) ? section(w.moveStage, stageForm(session, lead, w, redraw)) : null,
    section(w.history, timeline(lead, w, locale)),
    section(w.consents, h("ul", { class: "consents" }, lead.consents.map((c) =>
      h("li", {}, `${c.consent_id} (${w.purposes[c.purpose] ?? c.purpose}): ${c.granted ? w.granted : w.withdrawn} · ${when(c.at, locale)} · `,
        c.withdrawn_by ? `${w.by} ${c.withdrawn_by} · ` : null,
        h("span", { class: "receipt", title: w.receipt }, `${w.receipt} ${c.event_hash.slice(0, 16)}…`)))),
      session.may("work", lead.site_id) ? withdrawals(session, lead, w, redraw) : null),
    section(w.deliveries, lead.deliveries.length === 0 ? h("p", { class: "empty" }, w.notHandedOff) : h("ul", { class: "handoffs" }, lead.deliveries.map((d) =>
      h("li", {}, `${deliveryEvent(d, w)} → ${d.webhook_id} · ${deliveryStatus(d, w)} · ${when(d.created_at, locale)}`)))),
    section(w.notes,
      h("ul", { class: "notes" }, lead.notes.map((n) => h("li", {}, h("p", {}, n.text), h("small", {}, `${n.author} · ${when(n.created_at, locale)}`)))),
      session.may("work", lead.site_id) ? noteForm(session, lead, w, redraw) : null),
    session.may("manage", lead.site_id) ? personActions(session, lead, w) : null,
  );
}
