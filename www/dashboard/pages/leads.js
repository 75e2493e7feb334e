// The leads table with the filters the API offers, sortable and paged; the
// URL keeps the filters (and the page's cursor), so a view can be shared.
import { api, query, through } from "../api.js";
import { h, replace, when } from "../element.js";
import { language, words } from "../words.js";

/** Every stage, in funnel order. */
export const STAGES = ["lead", "iql", "mql", "sql", "opportunity", "customer", "disqualified"];
const PURPOSES = ["content_delivery", "marketing_emails", "sales_contact"];
const FILTERS = ["stage", "form", "from", "to", "min_score", "max_score", "consent", "q", "sort"];

/** A stage as a badge. */
export function stageBadge(stage, w) {
  return h("span", { class: `badge stage-${stage}` }, w.stages[stage] || stage);
}

/** A person's name from a lead's fields. */
export function personName(fields) {
  return [fields.first_name, fields.last_name].filter(Boolean).join(" ");
}

function filterForm(session, asked, forms, w) {
  const field = (id, label, control) => h("div", { class: "field" }, h("label", { for: `f-${id}` }, label), control);
  const input = (id, type, extra = {}) => h("input", { id: `f-${id}`, name: id, type, value: asked[id] || "", ...extra });
  const select = (id, options) =>
    h("select", { id: `f-${id}`, name: id }, options.map(([value, text]) => h("option", { value, selected: (asked[id] || "") === value }, text)));
  return h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        session.go(`#/leads${query(Object.fromEntries(new FormData(event.target)))}`);
      },
    },
    field("q", w.search, input("q", "search")),
    field("stage", w.stage, select("stage", [["", w.anyStage], ...STAGES.map((s) => [s, w.stages[s]])])),
    field("form", w.form, select("form", [["", w.allForms], ...forms.map((f) => [f.id, f.name])])),
    field("consent", w.consent, select("consent", [["", w.anyConsent], ...PURPOSES.map((p) => [p, w.purposes[p] ?? p])])),
    field("from", w.from, input("from", "date")),
    field("to", w.to, input("to", "date")),
    field("min_score", w.minScore, input("min_score", "number", { inputmode: "numeric" })),
    field("max_score", w.maxScore, input("max_score", "number", { inputmode: "numeric" })),
    field("sort", w.sort, select("sort", [["newest", w.newest], ["oldest", w.oldest], ["score", w.byScore]])),
    h("button", { type: "submit" }, w.apply),
  );
}

/**
 * A column header that sorts the table: a link to the same view in the
 * column's order (`orders` in turn: newest, then oldest), marked with the
 * order shown now for assistive technology.
 */
function sortable(title, orders, asked) {
  const now = asked.sort || "newest";
  const at = orders.indexOf(now);
  const next = orders[(at + 1) % orders.length];
  const sort = { score: "descending", newest: "descending", oldest: "ascending" };
  const arrow = at < 0 ? "" : sort[now] === "descending" ? " ↓" : " ↑";
  return h("th", { scope: "col", "aria-sort": at < 0 ? null : sort[now] },
    h("a", { href: `#/leads${query({ ...asked, sort: next })}` }, title, arrow));
}

export async function leadsPage(main, session, params) {
  const w = words();
  const asked = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  const cursor = params.get("cursor") || "";
  replace(main, h("p", {}, w.loading));
  const site = encodeURIComponent(session.site);
  const [{ leads, next }, { forms }] = await Promise.all([
    api("GET", `/v1/leads${query({ ...through(asked), site: session.site, cursor })}`),
    api("GET", `/v1/sites/${site}/forms`),
  ]);
  const rows = leads.map((lead) =>
    h(
      "tr",
      {},
      h("td", {}, h("a", { href: `#/leads/${lead.id}` }, personName(lead.fields) || lead.email)),
      h("td", {}, lead.email),
      h("td", {}, lead.fields.company ?? ""),
      h("td", {}, stageBadge(lead.stage, w)),
      h("td", { class: "number" }, h("span", { class: "score" }, lead.score)),
      h("td", {}, when(lead.created_at, language())),
    ),
  );
  const table = leads.length
    ? h(
        "table",
        { class: "leads" },
        h("caption", { class: "visually-hidden" }, w.leads),
        h("thead", {}, h("tr", {},
          [w.name, w.email, w.company, w.stage].map((t) => h("th", { scope: "col" }, t)),
          sortable(w.score, ["score"], asked),
          sortable(w.created, ["newest", "oldest"], asked))),
        h("tbody", {}, rows),
      )
    : h("p", { class: "empty" }, w.noLeads);
  const paging = h(
    "nav",
    { class: "paging", "aria-label": w.leads },
    cursor ? h("a", { href: `#/leads${query(asked)}` }, w.first) : null,
    next ? h("a", { href: `#/leads${query({ ...asked, cursor: next })}`, rel: "next" }, w.next) : null,
  );
  const csv = session.may("manage")
    ? h("a", { class: "button", href: `/v1/exports/leads${query({ ...through(asked), site: session.site, format: "csv" })}`, download: "leads.csv" }, w.exportCsv)
    : null;
  replace(main, h("h1", {}, w.leads), filterForm(session, asked, forms, w), csv, table, paging);
}
