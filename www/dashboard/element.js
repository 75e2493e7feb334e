// Building the page: every element made here, every value from the API set
// as text (never as HTML), so nothing a visitor typed into a form can become
// markup or script in the dashboard.

/**
 * A new element: `h("a", { href: "#/leads", class: "badge" }, "text", child)`.
 * Attributes named `on…` take a listener; `null`/`false` attributes and
 * children are skipped; strings and numbers become text nodes.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Adds `children` (elements, text, arrays of them) to `parent`. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Where the focus was in a part of the page being redrawn, until found again. */
const focusWas = new WeakMap();

/**
 * Replaces everything in `parent` with `children`. A keyboard user's focus
 * inside `parent` is not dropped to the page's top: the element drawn anew
 * in its place (the same id, or the same kind of control with the same
 * words inside the same element with an id) gets it back, once it is drawn
 * (a page may show "loading" in between).
 */
export function replace(parent, ...children) {
  const active = document.activeElement;
  if (active && active !== parent && parent.contains(active)) {
    const within = active.id ? null : active.parentElement.closest("[id]");
    focusWas.set(parent, { id: active.id || within?.id, tag: active.tagName, text: active.textContent, own: Boolean(active.id) });
  }
  parent.replaceChildren();
  append(parent, children);
  const was = focusWas.get(parent);
  const lost = !document.activeElement || document.activeElement === document.body;
  if (was?.id && lost) {
    const place = parent.querySelector(`#${CSS.escape(was.id)}`);
    const again = was.own || !place ? place
      : [...place.querySelectorAll(was.tag)].find((element) => element.textContent === was.text);
    if (again) {
      again.focus();
      focusWas.delete(parent);
    }
  } else if (!lost) {
    focusWas.delete(parent);
  }
  return parent;
}

/** How long a live line stays empty before it says the same words again. */
const REFILL_MS = 150;
/** Each live line's pending refill. */
const refills = new WeakMap();

/**
 * Puts `text` on `line`, a live region (a status line or an alert). Screen
 * readers announce what changes there, so the same words twice in a row (a
 * second refusal, a second save) would go unsaid: the line is emptied first
 * and filled again a moment later.
 */
export function announce(line, text) {
  clearTimeout(refills.get(line));
  const again = text !== "" && line.textContent === text;
  line.textContent = again ? "" : text;
  if (again) refills.set(line, setTimeout(() => (line.textContent = text), REFILL_MS));
}

/**
 * `act`, ignoring a call while its previous one is still on its way: a
 * double click on a button that writes writes once.
 */
export function oneAtATime(act) {
  let busy = false;
  return async (...args) => {
    if (busy) return undefined;
    busy = true;
    try {
      return await act(...args);
    } finally {
      busy = false;
    }
  };
}

/**
 * A form's submit listener running `send(event)` once at a time. The
 * browser's own submission is stopped on every submit, the ones ignored
 * while a send is on its way too (else it would load the page anew).
 */
export function submitting(send) {
  const once = oneAtATime(send);
  return (event) => {
    event.preventDefault();
    return once(event);
  };
}

/**
 * Runs `act()`, then says its failure in `problem` (or clears it when it
 * succeeds): how every form and button here tells a refusal beside itself.
 */
async function telling(problem, act) {
  try {
    await act();
    announce(problem, "");
  } catch (error) {
    announce(problem, error.message);
  }
}

/**
 * A form that hands its data to `send(data)` when submitted and says a
 * failure on a line of its own, `#{name}-problem` (an alert the form is
 * described by), cleared when a send succeeds. `kind` is its class.
 */
export function sendingForm(name, kind, send, ...children) {
  const problem = h("p", { class: "problem", id: `${name}-problem`, role: "alert" });
  // One send at a time: a second click while the first is on its way (a
  // note posted twice) does nothing.
  const submitted = submitting((event) => telling(problem, () => send(new FormData(event.target))));
  return h("form", { id: `${name}-form`, class: kind, "aria-describedby": problem.id, onsubmit: submitted }, children, problem);
}

/**
 * A button that runs `act()` when pressed and says a failure right after
 * itself, `#{name}-problem` (an alert the button is described by). Gives
 * the button and that line, to be placed together.
 */
export function actingButton(name, label, act, attributes = {}) {
  const problem = h("span", { class: "problem", id: `${name}-problem`, role: "alert" });
  const button = h("button", { type: "button", id: name, ...attributes, "aria-describedby": problem.id, onclick: oneAtATime(() => telling(problem, act)) }, label);
  return [button, problem];
}

/**
 * Shows what is shown only once (a new token, a first password) in the
 * line `id`, and keeps it there through `redraw()`: shown before the
 * redraw, so a redraw that fails, or a person who has left the page, cannot
 * lose it. A failed redraw is still thrown, to be told.
 */
export async function showOnce(id, redraw, ...content) {
  const line = document.getElementById(id);
  if (line) replace(line, ...content);
  try {
    await redraw();
  } finally {
    const drawn = document.getElementById(id);
    if (drawn) replace(drawn, ...content);
  }
}

/** A short date and time in the dashboard's language. */
export function when(iso, locale) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}
