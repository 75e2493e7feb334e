// Where sales hears about leads: the site's webhook endpoints (admins),
// each changed in place, paused or resumed, and sent a test event whose
// outcome is said next to it; and the deliveries made to them, a dead one
// sent again (marketing, admins).
import { api } from "../../api.js";
import { actingButton, h, oneAtATime, sendingForm, submitting, when } from "../../element.js";
import { language } from "../../words.js";

/** The stages an endpoint may hear about (handoff::announces). */
const ANNOUNCED = ["mql", "sql"];

/** Checkboxes for the stages sent, `chosen` ticked, ids starting `key`. */
function stagesChoice(key, chosen, legend, w) {
  return h("fieldset", { class: "stages" },
    h("legend", {}, legend),
    ANNOUNCED.map((stage) => [
      h("input", { type: "checkbox", id: `${key}-${stage}`, name: "stages", value: stage, checked: chosen.includes(stage) }),
      h("label", { for: `${key}-${stage}` }, w.stages[stage]),
    ]));
}

function webhookForm(session, w, redraw) {
  return sendingForm("webhook", "inline", async (data) => {
    await api("POST", `/v1/sites/${encodeURIComponent(session.site)}/webhooks`, {
      id: data.get("id"),
      url: data.get("url"),
      stages: data.getAll("stages"),
    });
    await redraw();
  },
  h("label", { for: "webhook-id" }, w.webhookId),
  h("input", { id: "webhook-id", name: "id", required: true, maxlength: 64 }),
  h("label", { for: "webhook-url" }, w.webhookUrl),
  h("input", { id: "webhook-url", name: "url", type: "url", required: true }),
  stagesChoice("webhook", ANNOUNCED, w.stagesSent, w),
  h("button", { type: "submit" }, w.addWebhook));
}

/**
 * One endpoint: its URL and stages saved in place (the page keeps the
 * person's focus), paused or resumed, and a test event sent to it now. The
 * API waits for the endpoint's answer, so the outcome is said here: taken,
 * or why not. Ids are safe in element ids (a-z, 0-9, - and _).
 */
function endpoint(session, hook, w, redraw) {
  const path = `/v1/sites/${encodeURIComponent(session.site)}/webhooks/${encodeURIComponent(hook.id)}`;
  const key = `hook-${hook.id}`;
  const problem = h("p", { class: "problem", id: `${key}-problem`, role: "alert" });
  const tried = h("p", { id: `${key}-tried`, role: "status" });
  const url = h("input", { id: `${key}-url`, name: "url", type: "url", required: true, value: hook.url, class: "url" });
  const told = (good, bad = "") => {
    tried.textContent = good;
    problem.textContent = bad;
  };
  const testing = h("button", {
    type: "button",
    onclick: async () => {
      testing.disabled = true;
      told(w.testSending);
      try {
        const outcome = await api("POST", `${path}/test`);
        if (outcome.delivered) told(w.testDelivered(outcome.status));
        else told("", w.testFailed(outcome.error || outcome.status));
      } catch (error) {
        told("", error.message);
      } finally {
        testing.disabled = false;
      }
    },
  }, w.sendTest(hook.id));
  return h("li", {},
    h("form", {
      class: "inline",
      "aria-describedby": `${key}-problem`,
      onsubmit: submitting(async (event) => {
        const data = new FormData(event.target);
        try {
          const saved = await api("PATCH", path, { url: data.get("url"), stages: data.getAll("stages") });
          // The API keeps the URL as it parsed it (a trailing slash added, say).
          url.value = saved.url;
          told("");
          session.say(w.changesSaved);
        } catch (error) {
          told("", error.message);
        }
      }),
    },
      h("label", { for: `${key}-url` }, w.webhookUrlOf(hook.id)),
      url,
      stagesChoice(key, hook.stages, w.stagesSentTo(hook.id), w),
      h("span", { class: "badge" }, hook.active ? w.webhookActive : w.webhookPaused),
      h("button", { type: "submit" }, w.saveWebhook(hook.id)),
      h("button", { type: "button", onclick: oneAtATime(async () => {
        try {
          await api("PATCH", path, { active: !hook.active });
          await redraw();
        } catch (error) {
          told("", error.message);
        }
      }) }, `${hook.active ? w.pause : w.resume} ${hook.id}`),
      testing),
    problem,
    tried,
    // What the receiving tool checks each event's Embudo-Signature with.
    hook.signing_secret ? secretDetails(session, hook, path, key, w, told, redraw) : null);
}

/**
 * An endpoint's signing secret, and rolling it: kept beside the new one
 * for a day while the receiving tool is switched over, or stopped at once
 * after a leak (asked first: events the tool still checks with it are
 * refused from then on).
 */
function secretDetails(session, hook, path, key, w, told, redraw) {
  // One roll at a time, whichever button: a second would end the first's
  // new secret at once, and the receiving tool's with it.
  const rolling = oneAtATime(async (hours) => {
    if (hours === 0 && !window.confirm(w.rollNowConfirm(hook.id))) return;
    try {
      await api("POST", `${path}/secret`, { previous_valid_hours: hours });
      await redraw();
      session.say(w.secretRolled(hook.id));
    } catch (error) {
      told("", error.message);
    }
  });
  const roll = (hours) => () => rolling(hours);
  return h("details", { class: "secret" },
    h("summary", {}, w.signingSecretOf(hook.id)),
    h("code", { id: `${key}-secret` }, hook.signing_secret),
    hook.previous_secret_expires_at
      ? h("p", { id: `${key}-previous` }, w.previousSecretUntil(when(hook.previous_secret_expires_at, language())))
      : null,
    h("button", { type: "button", onclick: roll(24) }, w.rollSecret(hook.id)),
    h("button", { type: "button", onclick: roll(0) }, w.rollSecretNow(hook.id)));
}

/** What a delivery told sales, in words; an event this page has no words for by its name. */
export function deliveryEvent(delivery, w) {
  return w.deliveryEvent[delivery.event] ?? delivery.event;
}

/**
 * A delivery's state in words, with why it is there: what the receiver
 * answered last, or what kept it from answering.
 */
export function deliveryStatus(delivery, w) {
  const state = w.deliveryStatus[delivery.status] ?? delivery.status;
  const why = delivery.last_status ? w.answered(delivery.last_status) : delivery.last_error;
  return why ? `${state} (${why})` : state;
}

export function webhooksSection(session, webhooks, deliveries, w, redraw) {
  const site = encodeURIComponent(session.site);
  return h("section", { "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title" }, w.webhooks),
    webhooks ? h("ul", { class: "webhooks" }, webhooks.map((hook) => endpoint(session, hook, w, redraw))) : null,
    webhooks ? webhookForm(session, w, redraw) : null,
    h("h3", {}, w.deliveries),
    deliveries.length === 0 ? h("p", { class: "empty" }, w.noDeliveries) : h("table", {},
      h("thead", {}, h("tr", {}, [w.event, "Webhook", w.status, "#", w.created, w.actions].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, deliveries.map((d) => h("tr", {},
        h("td", {}, deliveryEvent(d, w)), h("td", {}, d.webhook_id), h("td", {}, deliveryStatus(d, w)), h("td", { class: "number" }, d.attempts),
        h("td", {}, when(d.created_at, language())),
        h("td", {}, d.status === "dead"
          ? actingButton(`retry-${d.id}`, "↻ " + d.id, async () => {
              await api("POST", `/v1/sites/${site}/deliveries/${encodeURIComponent(d.id)}/retry`);
              await redraw();
            })
          : null))))));
}
