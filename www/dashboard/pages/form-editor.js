// The form editor: a spec's text, offer, fields, consents and rules as
// inputs. Each input is bound to its place in a draft by the same path the
// API names a mistake with (`fields[2].label.en`), so every mistake is shown
// beside the input it is about, and the summary links to it.
import { h, replace } from "../element.js";
import { said } from "../words.js";

const KINDS = [
  "email", "first_name", "last_name", "company", "job_role", "company_size", "industry", "country",
  "phone", "website", "text", "long_text", "number", "single_choice", "multiple_choice", "hidden",
];
/** The kinds whose answers are options (shared's `FieldKind::has_options`, and a country list). */
const WITH_OPTIONS = ["company_size", "industry", "single_choice", "multiple_choice", "country"];
const PURPOSES = ["content_delivery", "marketing_emails", "sales_contact"];
const STAGES = ["iql", "mql", "sql", "opportunity", "customer"];

/** The keys of a path: `fields[2].label.en` → ["fields", 2, "label", "en"]. */
function keys(path) {
  return path.match(/[^.[\]]+/g).map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

function read(draft, path) {
  return keys(path).reduce((at, key) => at?.[key], draft);
}

/** Writes `value` at `path`, making the objects on the way; `undefined` removes it. */
function write(draft, path, value) {
  const all = keys(path);
  const last = all.pop();
  let at = draft;
  for (const key of all) at = at[key] ??= {};
  if (value === undefined) delete at[last];
  else at[last] = value;
}

/** The path one step up: `fields[2].label` → `fields[2]` → `fields`. */
function parent(path) {
  return path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
}

/**
 * An editor over a copy of `spec`. `changed` is called after every edit;
 * with `readonly` the inputs only show. Returns the element, the draft, and
 * `show(problems)` to put the API's mistakes in place.
 */
export function formEditor(spec, w, { readonly = false, changed = () => {} } = {}) {
  const draft = structuredClone(spec);
  const element = h("div", { class: "spec-editor" });
  const summary = h("div", { id: "spec-problems", role: "alert" });
  /** path → { control, error }: where a mistake about that path is shown. */
  let places = new Map();
  /** The list items shown open (`fields[2]`). */
  const opened = new Set();
  /** Paths of condition inputs whose JSON does not parse yet. */
  const unreadable = new Map();
  let shown = [];

  const idOf = (path) => `spec-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;

  const place = (path, control) => {
    const error = h("p", { class: "problem", id: `${idOf(path)}-problem` });
    control.setAttribute("aria-describedby", error.id);
    places.set(path, { control, error });
    return error;
  };

  /** One input bound to `path`; `as` is text, number, check, choice or json. */
  const input = (path, label, { as = "text", options = [], optional = false, after } = {}) => {
    const id = idOf(path);
    const value = read(draft, path);
    let control;
    if (as === "check") {
      control = h("input", { type: "checkbox", id, checked: Boolean(value), disabled: readonly });
    } else if (as === "choice") {
      control = h("select", { id, disabled: readonly },
        options.map(([option, text]) => h("option", { value: option, selected: option === (value ?? "") }, text)));
    } else if (as === "json") {
      control = h("textarea", { id, rows: 3, class: "code", spellcheck: "false", readonly });
      control.value = JSON.stringify(value ?? {});
    } else {
      control = h("input", { id, type: as === "number" ? "number" : "text", value: value ?? "", readonly });
    }
    control.addEventListener("change", () => {
      if (as === "json") {
        try {
          write(draft, path, JSON.parse(control.value));
          unreadable.delete(path);
        } catch (error) {
          unreadable.set(path, error.message);
          show(shown);
          return changed();
        }
      } else if (as === "check") {
        write(draft, path, control.checked);
      } else if (as === "number") {
        write(draft, path, control.value === "" ? undefined : Number(control.value));
      } else {
        write(draft, path, control.value === "" && optional ? undefined : control.value);
      }
      after?.();
      changed();
    });
    const error = place(path, control);
    const labelled = h("label", { for: id }, label);
    return as === "check"
      ? h("div", { class: "spec-input check" }, control, labelled, error)
      : h("div", { class: "spec-input" }, labelled, control, error);
  };

  /** A text in every locale of the form; an optional one left empty is removed. */
  const text = (path, label, optional = false) => {
    const locales = draft.locales?.length ? draft.locales : ["es", "en"];
    const inputs = locales.map((locale) =>
      input(`${path}.${locale}`, `${label} (${locale})`, {
        after: () => {
          const all = read(draft, path) || {};
          if (optional && locales.every((l) => !all[l])) write(draft, path, undefined);
        },
      }));
    // A mistake about the text as a whole goes to its first empty locale.
    const first = locales.map((l) => places.get(`${path}.${l}`));
    places.set(path, { pick: () => first.find((p) => !p.control.value) || first[0] });
    return h("div", { class: "spec-text" }, inputs);
  };

  /** The buttons that reorder and remove item `i` of the list at `path`. */
  const itemActions = (path, i, name) => {
    if (readonly) return null;
    const list = read(draft, path);
    const move = (to) => () => {
      [list[i], list[to]] = [list[to], list[i]];
      opened.clear();
      redraw(`${path}[${to}]`);
    };
    return h("div", { class: "item-actions" },
      h("button", { type: "button", class: "quiet", disabled: i === 0, "aria-label": w.moveUp(name), onclick: move(i - 1) }, "↑"),
      h("button", { type: "button", class: "quiet", disabled: i === list.length - 1, "aria-label": w.moveDown(name), onclick: move(i + 1) }, "↓"),
      h("button", { type: "button", class: "quiet danger", onclick: () => {
        list.splice(i, 1);
        opened.clear();
        redraw(path);
      } }, w.removeItem(name)));
  };

  /** A list section: its items, and a button adding `fresh()` at the end. */
  const list = (path, title, label, drawItem, fresh) => {
    const items = read(draft, path) || [];
    const add = h("button", { type: "button", class: "quiet", onclick: () => {
      const all = read(draft, path) ?? [];
      all.push(fresh(all.length + 1));
      write(draft, path, all);
      opened.clear();
      redraw(`${path}[${all.length - 1}]`);
    } }, w.addItem(label));
    const error = place(path, add);
    return h("fieldset", { class: "spec-list" },
      h("legend", {}, title),
      items.map((item, i) => {
        const at = `${path}[${i}]`;
        const name = `${label} ${i + 1}${item.id ? ` (${item.id})` : ""}`;
        // Closed until asked for (or until it holds a mistake), so a long
        // form reads as a list of its items.
        return h("details", {
          class: "spec-item",
          id: idOf(at),
          open: opened.has(at),
          ontoggle: (event) => (event.target.open ? opened.add(at) : opened.delete(at)),
        },
        h("summary", {}, name),
        h("fieldset", { "aria-label": name },
          drawItem(at, item, i),
          itemActions(path, i, name)));
      }),
      error,
      readonly ? null : add);
  };

  const option = (at) =>
    h("div", { class: "spec-option" },
      input(`${at}.value`, w.optionValue),
      text(`${at}.label`, w.optionLabel));

  const field = (at, item) =>
    h("div", { class: "spec-grid" },
      input(`${at}.id`, w.id),
      input(`${at}.type`, w.fieldType, { as: "choice", options: KINDS.map((k) => [k, w.kinds[k] || k]), after: () => redraw(`${at}.type`) }),
      text(`${at}.label`, w.label),
      text(`${at}.hint`, w.hint, true),
      input(`${at}.required`, w.required, { as: "check" }),
      input(`${at}.priority`, w.priority, { as: "number" }),
      WITH_OPTIONS.includes(item.type) ? list(`${at}.options`, w.options, w.option, option, () => ({ value: "", label: {} })) : null);

  const consent = (at) =>
    h("div", { class: "spec-grid" },
      input(`${at}.id`, w.id),
      input(`${at}.purpose`, w.purpose, { as: "choice", options: PURPOSES.map((p) => [p, w.purposes[p]]) }),
      text(`${at}.text`, w.consentText),
      input(`${at}.required`, w.required, { as: "check" }));

  const group = (at) =>
    h("div", { class: "spec-grid" },
      input(`${at}.id`, w.id),
      input(`${at}.max_points`, w.maxPoints, { as: "number" }));

  const rule = (at) =>
    h("div", { class: "spec-grid" },
      input(`${at}.id`, w.id),
      input(`${at}.group`, w.group, {
        as: "choice",
        optional: true,
        options: [["", w.noGroup], ...(draft.qualification?.groups || []).map((g) => [g.id, g.id])],
      }),
      input(`${at}.points`, w.points, { as: "number" }),
      input(`${at}.disqualify`, w.disqualifies, { as: "check" }),
      input(`${at}.promote_to`, w.promotesTo, {
        as: "choice",
        optional: true,
        options: [["", w.noPromotion], ...STAGES.map((s) => [s, w.stages[s]])],
      }),
      h("div", { class: "wide" }, input(`${at}.when`, w.condition, { as: "json" }), h("p", { class: "hint" }, w.conditionHint)));

  const sections = () => {
    draft.qualification ??= { rules: [], thresholds: { iql: 0, mql: 50, sql: 100 } };
    draft.qualification.thresholds ??= { iql: 0, mql: 50, sql: 100 };
    return [
      h("fieldset", { class: "spec-list" },
        h("legend", {}, w.formText),
        text("heading", w.heading),
        text("submit", w.submitText),
        text("success", w.successText),
        input("retention_days", w.retentionDays, { as: "number" })),
      h("fieldset", { class: "spec-list" },
        h("legend", {}, w.offer),
        h("div", { class: "spec-grid" },
          input("offer.id", w.id),
          input("offer.delivery.by", w.delivery, {
            as: "choice",
            options: ["download", "email", "redirect"].map((by) => [by, w.deliveryBy[by]]),
            after: () => {
              if (draft.offer.delivery.by === "email") delete draft.offer.delivery.url;
              else draft.offer.delivery.url ??= "";
              redraw("offer.delivery.by");
            },
          }),
          draft.offer?.delivery?.by === "email" ? null : input("offer.delivery.url", w.offerUrl)),
        text("offer.title", w.offerTitle),
        text("offer.description", w.offerDescription)),
      list("fields", w.fieldsTitle, w.field, field, (n) => ({ id: `field_${n}`, type: "text", label: {} })),
      list("consents", w.consentsTitle, w.consent, consent, (n) => ({ id: `consent_${n}`, purpose: "marketing_emails", text: {} })),
      h("fieldset", { class: "spec-list" },
        h("legend", {}, w.thresholds),
        h("div", { class: "spec-grid" },
          ["iql", "mql", "sql"].map((stage) => input(`qualification.thresholds.${stage}`, w.stages[stage], { as: "number" })))),
      list("qualification.groups", w.groups, w.group, group, (n) => ({ id: `group_${n}` })),
      list("qualification.rules", w.rules, w.rule, rule, (n) => ({ id: `rule_${n}`, points: 0, when: { if: "consent", purpose: "marketing_emails" } })),
    ];
  };

  /** Draws the editor again (after a list changed) and focuses what `path` names. */
  function redraw(path) {
    if (/\]$/.test(path)) opened.add(path);
    places = new Map();
    // Drawn again from the draft, a condition's unreadable text is gone.
    unreadable.clear();
    replace(element, summary, sections());
    show(shown);
    const target = document.getElementById(idOf(path));
    (target?.matches("details, fieldset") ? target.querySelector("input, select, textarea") : target)?.focus();
    changed();
  }

  /** Where a mistake about `path` is shown: its input, else the nearest one above. */
  function placeOf(path) {
    for (let at = path; at; at = parent(at)) {
      const found = places.get(at);
      if (found) return found.pick ? found.pick() : found;
      if (parent(at) === at) break;
    }
    return null;
  }

  /** Shows `problems` ({ path, message }) beside their inputs and in the summary. */
  function show(problems) {
    shown = problems;
    for (const { control, error } of places.values()) {
      if (!error) continue;
      error.textContent = "";
      control.removeAttribute("aria-invalid");
    }
    const all = [...problems, ...[...unreadable].map(([path, message]) => ({ path, message }))];
    const items = all.map((problem) => {
      const at = placeOf(problem.path);
      const message = said(problem);
      if (!at) return h("li", {}, h("code", {}, problem.path), " ", message);
      at.error.textContent = [at.error.textContent, message].filter(Boolean).join(" · ");
      at.control.setAttribute("aria-invalid", "true");
      for (let item = at.control.closest("details"); item; item = item.parentElement.closest("details")) {
        item.open = true;
      }
      return h("li", {}, h("a", { href: `#${at.control.id}`, onclick: (event) => {
        event.preventDefault();
        at.control.focus();
      } }, problem.path), " ", message);
    });
    replace(summary, items.length ? [h("p", { class: "problem" }, w.specProblems), h("ul", { class: "problems" }, items)] : []);
  }

  replace(element, summary, sections());
  return {
    element,
    draft,
    show,
    /** Whether every condition's JSON could be read. */
    readable: () => unreadable.size === 0,
    /** Moves focus to the first input with a mistake. */
    focusFirstProblem: () => element.querySelector('[aria-invalid="true"]')?.focus(),
  };
}
