// Forms: the site's list, and one form's editor: its spec (fields,
// consents, offer, rules) as JSON, saved through the API, which names each
// mistake by its path; the real widget showing the saved form; the embed
// snippet to copy; re-scoring the leads with a progress bar.
import { api, ApiError } from "../api.js";
import { h, replace, when } from "../element.js";
import { language, words } from "../words.js";

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
  );
}

/** Polls a re-scoring job into `bar` and `line` until it is done. */
async function follow(session, job, bar, line, w) {
  let current = job;
  while (current.status === "running") {
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

export async function formPage(main, session, id) {
  const w = words();
  const site = encodeURIComponent(session.site);
  const path = `/v1/sites/${site}/forms/${encodeURIComponent(id)}`;
  const form = await api("GET", path);
  const canEdit = session.may("manage");
  const name = h("input", { id: "form-name", name: "name", value: form.name, readonly: !canEdit });
  const spec = h("textarea", { id: "form-spec", name: "spec", rows: 24, spellcheck: "false", readonly: !canEdit, class: "code" });
  spec.value = JSON.stringify(form.spec, null, 2);
  const problems = h("div", { id: "spec-problems", role: "alert" });
  const save = async (event) => {
    event.preventDefault();
    replace(problems);
    let parsed;
    try {
      parsed = JSON.parse(spec.value);
    } catch (error) {
      replace(problems, h("p", { class: "problem" }, error.message));
      spec.focus();
      return;
    }
    try {
      const saved = await api("PUT", path, { name: name.value, spec: parsed });
      await formPage(main, session, id);
      session.say([w.saved(saved.revision), saved.new_consent_versions.length ? w.newVersions(saved.new_consent_versions.join(", ")) : ""].join(" "));
    } catch (error) {
      const listed = error instanceof ApiError ? error.problem?.problems ?? [] : [];
      replace(
        problems,
        h("p", { class: "problem" }, listed.length ? w.specProblems : error.message),
        h("ul", { class: "problems" }, listed.map((p) => h("li", {}, h("code", {}, p.path), " ", p.message))),
      );
      spec.focus();
    }
  };
  const snippet = `<script async src="${location.origin}/embed.js" data-form="${id}"></script>`;
  const bar = h("progress", { id: "rescore-progress", max: 1, value: 0, "aria-label": w.rescore });
  const line = h("p", { id: "rescore-status", role: "status" });
  replace(
    main,
    h("p", {}, h("a", { href: "#/forms" }, w.forms)),
    h("h1", {}, form.name, " ", h("small", {}, `${w.revision} ${form.revision}`)),
    h("form", { class: "editor", onsubmit: save },
      h("label", { for: "form-name" }, w.name),
      name,
      h("label", { for: "form-spec" }, "Spec (JSON)"),
      spec,
      problems,
      canEdit ? h("button", { type: "submit" }, w.save) : null),
    h("section", { "aria-labelledby": "embed-title" },
      h("h2", { id: "embed-title" }, w.embedSnippet),
      h("pre", {}, h("code", { id: "snippet" }, snippet)),
      h("button", { type: "button", onclick: async () => {
        await navigator.clipboard.writeText(snippet);
        session.say(w.copied);
      } }, w.copy)),
    canEdit ? h("section", { "aria-labelledby": "rescore-title" },
      h("h2", { id: "rescore-title" }, w.rescore),
      h("button", { type: "button", id: "rescore", onclick: async () => {
        const job = await api("POST", `${path}/rescore`);
        await follow(session, job, bar, line, w);
      } }, w.rescore),
      bar,
      line) : null,
    h("section", { "aria-labelledby": "preview-title" },
      h("h2", { id: "preview-title" }, w.preview),
      h("embudo-form", { form: id, locale: language() })),
  );
  // The real widget, as a website shows it (the saved revision).
  if (!document.querySelector('script[src="/embed.js"]')) {
    document.head.append(h("script", { src: "/embed.js", async: true }));
  }
}
