// Forms: the site's list, and one form's page: the editor (fields,
// consents, offer, rules) with each mistake the edge finds shown beside its
// input; the real widget showing the draft as visitors will see it; the
// embed snippet to copy; re-scoring the leads with a progress bar.
import { api, ApiError } from "../api.js";
import { actingButton, h, replace, sendingForm, submitting, when } from "../element.js";
import { language, said, words } from "../words.js";
import { formEditor } from "./form-editor.js";

/**
 * The smallest form the checks accept: the e-mail, the consent to send the
 * offer, and text to replace; a new form starts from it or from a copy.
 */
function starter(site, id, name) {
  const both = (es, en) => ({ es, en });
  return {
    format: 1, site, id, revision: 1, locales: ["es", "en"],
    heading: both(name, name),
    submit: both("Enviar", "Send"),
    success: both("¡Gracias! Te lo enviamos por correo.", "Thank you! We have e-mailed it to you."),
    offer: {
      id,
      title: both(name, name),
      description: both("Cuenta aquí qué recibe quien rellena el formulario.", "Say here what people get for filling in the form."),
      delivery: { by: "email" },
    },
    fields: [{ id: "email", type: "email", required: true, label: both("Correo electrónico", "E-mail") }],
    consents: [{
      id: "content", purpose: "content_delivery", required: true,
      text: both("Acepto que me enviéis este contenido por correo electrónico.", "I agree to be e-mailed this content."),
    }],
  };
}

/** A new form, empty or a copy of one of the site's forms, opened in the editor. */
function newForm(session, forms, w) {
  const site = encodeURIComponent(session.site);
  return sendingForm("new-form", "inline", async (data) => {
    const id = String(data.get("id")).trim();
    const name = String(data.get("name")).trim();
    // Saving is creating-or-saving: an id in use would save over that form
    // (one made since this list was read is refused by the edge: create only).
    if (forms.some((form) => form.id === id)) throw new Error(w.formIdTaken(id));
    let spec = starter(session.site, id, name);
    if (data.get("base")) {
      const base = await api("GET", `/v1/sites/${site}/forms/${encodeURIComponent(data.get("base"))}`);
      spec = { ...structuredClone(base.spec), site: session.site, id, revision: 1 };
    }
    try {
      await api("PUT", `/v1/sites/${site}/forms/${encodeURIComponent(id)}`, { name, spec }, { "If-None-Match": "*" });
    } catch (error) {
      const listed = error instanceof ApiError ? error.problem?.problems : null;
      throw listed ? new Error(listed.map((p) => `${p.path}: ${said(p)}`).join(" · ")) : error;
    }
    session.go(`#/forms/${encodeURIComponent(id)}`, w.formCreated(name));
  },
  h("label", { for: "new-form-id" }, w.formId),
  h("input", { id: "new-form-id", name: "id", required: true, maxlength: 64, pattern: "[a-z0-9_\\-]+" }),
  h("label", { for: "new-form-name" }, w.name),
  h("input", { id: "new-form-name", name: "name", required: true }),
  h("label", { for: "new-form-base" }, w.basedOn),
  h("select", { id: "new-form-base", name: "base" },
    h("option", { value: "" }, w.emptyForm),
    forms.map((form) => h("option", { value: form.id }, form.name))),
  h("button", { type: "submit" }, w.newForm));
}

export async function formsPage(main, session) {
  const w = words();
  const { forms } = await api("GET", `/v1/sites/${encodeURIComponent(session.site)}/forms`);
  replace(
    main,
    h("h1", {}, w.forms),
    h("table", {},
      h("thead", {}, h("tr", {}, [w.name, w.revision, w.submissionsCount, w.created].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, forms.map((form) =>
        h("tr", {},
          h("td", {}, h("a", { href: `#/forms/${encodeURIComponent(form.id)}` }, form.name)),
          h("td", { class: "number" }, form.revision),
          h("td", { class: "number" }, form.submissions),
          h("td", {}, when(form.updated_at, language())))))),
    session.may("manage")
      ? h("section", { "aria-labelledby": "new-form-title" }, h("h2", { id: "new-form-title" }, w.newForm), newForm(session, forms, w))
      : null,
  );
}

/** Polls a re-scoring job into `bar` and `line` until it is done. */
async function follow(session, job, bar, line, w) {
  let current = job;
  // Until it is done, or the person has left the page.
  while (current.status === "running" && line.isConnected) {
    bar.max = Math.max(1, current.total);
    bar.value = current.done;
    line.textContent = w.rescoring(current.done, current.total);
    await new Promise((later) => setTimeout(later, 500));
    current = await api("GET", `/v1/sites/${encodeURIComponent(session.site)}/rescores/${encodeURIComponent(current.id)}`);
  }
  bar.max = Math.max(1, current.total);
  bar.value = current.total;
  line.textContent = current.status === "done" ? w.rescored(current.changed) : current.error || current.status;
}

/**
 * The public part of a draft, as the widget gets it from the edge: no
 * rules, and no Turnstile challenge (the preview sends nothing).
 */
function publicPart(draft) {
  const { qualification, turnstile, ...visible } = draft;
  return visible;
}

/** Shows `draft` in the real widget, in a fresh element each time. */
async function showPreview(slot, draft) {
  const host = h("div", { class: "preview-form" });
  try {
    if (!window.embudo?.preview) throw new Error("the widget's loader did not load");
    await window.embudo.preview(host, publicPart(draft), language());
    replace(slot, host);
  } catch (error) {
    console.warn("[embudo] the preview could not render the draft:", error);
    replace(slot, h("p", { class: "problem" }, words().previewUnavailable));
  }
}

/** The widget's loader, once, for its preview. */
function loadWidget() {
  const src = "/embed.js";
  const present = document.querySelector(`script[src="${src}"]`);
  if (window.embudo?.preview) return Promise.resolve();
  const script = present || h("script", { src, async: true });
  // Settled either way: a loader that fails to load leaves the editor
  // working, with the preview saying it is unavailable.
  const loaded = new Promise((done) => {
    script.addEventListener("load", done, { once: true });
    script.addEventListener("error", done, { once: true });
  });
  if (!present) document.head.append(script);
  return loaded;
}

export async function formPage(main, session, id) {
  const w = words();
  const site = encodeURIComponent(session.site);
  const path = `/v1/sites/${site}/forms/${encodeURIComponent(id)}`;
  const form = await api("GET", path);
  const canEdit = session.may("manage");
  const name = h("input", { id: "form-name", name: "name", value: form.name, readonly: !canEdit });
  const slot = h("div", { id: "preview" });
  const checking = h("p", { id: "draft-status", role: "status" });
  let pending;
  // Each edit is checked by the edge (the same checks a save runs, nothing
  // stored) a moment after it; a draft without mistakes shows in the preview.
  const check = async () => {
    // The edge can only check what reads as JSON: until every condition
    // does, the status says so rather than repeat an older verdict.
    if (!editor.readable()) {
      checking.textContent = w.draftUnreadable;
      return;
    }
    try {
      await api("POST", `${path}/preview`, { spec: editor.draft, submission: {} });
      editor.show([]);
      checking.textContent = w.draftFine;
      await showPreview(slot, editor.draft);
    } catch (error) {
      const listed = error instanceof ApiError ? error.problem?.problems : null;
      if (listed) {
        editor.show(listed);
        checking.textContent = w.draftHasProblems(listed.length);
      } else {
        checking.textContent = error.message;
      }
    }
  };
  const editor = formEditor(form.spec, w, {
    readonly: !canEdit,
    changed: () => {
      clearTimeout(pending);
      pending = setTimeout(check, 300);
    },
  });
  // One save at a time (element.js): a double click would send the same
  // revision twice, and the second would be refused as stale.
  const save = submitting(async () => {
    clearTimeout(pending);
    if (!editor.readable()) {
      editor.show([]);
      return editor.focusFirstProblem();
    }
    try {
      const saved = await api("PUT", path, { name: name.value, spec: editor.draft });
      await formPage(main, session, id);
      session.say([w.saved(saved.revision), saved.new_consent_versions.length ? w.newVersions(saved.new_consent_versions.join(", ")) : ""].join(" "));
    } catch (error) {
      const listed = error instanceof ApiError ? error.problem?.problems : null;
      editor.show(listed ?? [{ path: "", message: error.message }]);
      editor.focusFirstProblem();
    }
  });
  const snippet = `<script async src="${location.origin}/embed.js" data-form="${id}"></script>`;
  const bar = h("progress", { id: "rescore-progress", max: 1, value: 0, "aria-label": w.rescore });
  const line = h("p", { id: "rescore-status", role: "status" });
  replace(
    main,
    h("p", {}, h("a", { href: "#/forms" }, w.forms)),
    h("h1", {}, form.name, " ", h("small", {}, `${w.revision} ${form.revision}`)),
    h("div", { class: "form-workbench" },
      h("form", { class: "editor", onsubmit: save, "aria-label": w.editForm },
        h("div", { class: "spec-input" }, h("label", { for: "form-name" }, w.name), name),
        editor.element,
        canEdit ? h("div", { class: "save-bar" }, h("button", { type: "submit" }, w.save), checking) : null),
      h("section", { class: "preview", "aria-labelledby": "preview-title" },
        h("h2", { id: "preview-title" }, w.preview),
        h("p", { class: "hint" }, w.previewHint),
        slot)),
    h("section", { "aria-labelledby": "embed-title" },
      h("h2", { id: "embed-title" }, w.embedSnippet),
      h("pre", {}, h("code", { id: "snippet" }, snippet)),
      actingButton("copy-snippet", w.copy, async () => {
        await navigator.clipboard.writeText(snippet);
        session.say(w.copied);
      })),
    canEdit ? h("section", { "aria-labelledby": "rescore-title" },
      h("h2", { id: "rescore-title" }, w.rescore),
      actingButton("rescore", w.rescore, async () => {
        const job = await api("POST", `${path}/rescore`);
        await follow(session, job, bar, line, w);
      }, { id: "rescore" }),
      bar,
      line) : null,
  );
  await loadWidget();
  await showPreview(slot, editor.draft);
}
