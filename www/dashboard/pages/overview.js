// The overview: the site's funnel as an SVG picture (leads → IQL → MQL →
// SQL → opportunity → customer, with counts and conversion rates), and new
// leads and MQLs this week; for one form and a period if chosen. Below it,
// each form's new leads and MQLs in the period, side by side.
import { api, query, through } from "../api.js";
import { h, replace } from "../element.js";
import { language, words } from "../words.js";

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element (text content set as text, like every other element). */
function s(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = String(text);
  return element;
}

/** The week of `date` as the API names weeks (SQLite's `%Y-W%W`: Monday weeks). */
function weekOf(date) {
  const year = date.getUTCFullYear();
  const day = Math.floor((date - Date.UTC(year, 0, 1)) / 86_400_000);
  const monday = (date.getUTCDay() + 6) % 7;
  return `${year}-W${String(Math.floor((day + 7 - monday) / 7)).padStart(2, "0")}`;
}

/** The funnel as bars, widest first, each with its count and conversion. */
function picture(funnel, w) {
  const stages = funnel.stages.filter((stage) => stage.stage !== "disqualified");
  const widest = Math.max(1, ...stages.map((stage) => stage.reached));
  const row = 44;
  const svg = s("svg", {
    viewBox: `0 0 640 ${stages.length * row + 8}`,
    role: "img",
    "aria-labelledby": "funnel-title funnel-desc",
    class: "funnel",
  });
  svg.append(s("title", { id: "funnel-title" }, w.funnelOf(funnel.site)));
  const described = stages.map((stage) => `${w.stages[stage.stage]}: ${stage.reached}`).join(", ");
  svg.append(s("desc", { id: "funnel-desc" }, described));
  const percent = new Intl.NumberFormat(language(), { style: "percent", maximumFractionDigits: 1 });
  stages.forEach((stage, i) => {
    const width = Math.max(4, Math.round((stage.reached / widest) * 420));
    const y = i * row + 4;
    svg.append(s("rect", { x: 110 + (420 - width) / 2, y, width, height: row - 10, rx: 4, class: `bar stage-${stage.stage}` }));
    svg.append(s("text", { x: 0, y: y + 22, class: "label" }, w.stages[stage.stage]));
    svg.append(s("text", { x: 320, y: y + 22, "text-anchor": "middle", class: "count" }, stage.reached));
    const conversion = funnel.conversions.find((c) => c.to === stage.stage);
    if (conversion && conversion.rate !== null) {
      svg.append(s("text", { x: 640, y: y + 22, "text-anchor": "end", class: "rate" }, percent.format(conversion.rate)));
    }
  });
  return svg;
}

/** The new leads and MQLs of every week a funnel counted. */
function arrivals(funnel) {
  return funnel.weeks.reduce(
    (sum, week) => ({ leads: sum.leads + week.new_leads, mqls: sum.mqls + week.new_mqls }),
    { leads: 0, mqls: 0 },
  );
}

/** Each form's arrivals in the period, from its own funnel. */
function perFormTable(forms, funnels, asked, w) {
  return h("table", { class: "per-form" },
    h("caption", {}, `${w.perForm} · ${w.periodOf(asked.from, asked.to)}`),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, w.form),
      h("th", { scope: "col", class: "number" }, w.newLeads),
      h("th", { scope: "col", class: "number" }, w.newMqls))),
    h("tbody", {}, forms.map((form, i) => {
      const counted = arrivals(funnels[i]);
      return h("tr", {},
        h("th", { scope: "row" }, form.name),
        h("td", { class: "number" }, counted.leads),
        h("td", { class: "number" }, counted.mqls));
    })));
}

export async function overviewPage(main, session, params) {
  const w = words();
  const site = session.site;
  const asked = { form: params.get("form") || "", from: params.get("from") || "", to: params.get("to") || "" };
  replace(main, h("p", {}, w.loading));
  const [funnel, { forms }] = await Promise.all([
    api("GET", `/v1/sites/${encodeURIComponent(site)}/funnel${query(through(asked))}`),
    api("GET", `/v1/sites/${encodeURIComponent(site)}/forms`),
  ]);
  // The funnel counts one form at a time: one answer per form, the period the same.
  const perForm = await Promise.all(forms.map((f) =>
    api("GET", `/v1/sites/${encodeURIComponent(site)}/funnel${query({ ...through(asked), form: f.id })}`)));
  const thisWeek = funnel.weeks.find((week) => week.week === weekOf(new Date())) || { new_leads: 0, new_mqls: 0 };
  const form = h(
    "form",
    {
      class: "filters",
      onsubmit: (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(event.target));
        session.go(`#/overview${query(data)}`);
      },
    },
    h("label", { for: "form" }, w.form),
    h("select", { id: "form", name: "form" },
      h("option", { value: "" }, w.allForms),
      forms.map((f) => h("option", { value: f.id, selected: f.id === asked.form }, f.name))),
    h("label", { for: "from" }, w.from),
    h("input", { id: "from", name: "from", type: "date", value: asked.from }),
    h("label", { for: "to" }, w.to),
    h("input", { id: "to", name: "to", type: "date", value: asked.to }),
    h("button", { type: "submit" }, w.apply),
  );
  replace(
    main,
    h("h1", {}, w.funnelOf(site)),
    form,
    h("section", { class: "numbers", "aria-label": w.overview },
      h("p", {}, h("strong", { class: "big", id: "new-leads" }, thisWeek.new_leads), " ", w.newLeadsWeek),
      h("p", {}, h("strong", { class: "big", id: "new-mqls" }, thisWeek.new_mqls), " ", w.newMqlsWeek)),
    h("figure", {}, picture(funnel, w),
      h("figcaption", {}, `${w.stages.disqualified}: ${funnel.disqualified}`)),
    forms.length ? perFormTable(forms, perForm, asked, w) : null,
  );
}
