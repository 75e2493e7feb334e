// The dashboard's shell: who is signed in, the bar (site, pages, language,
// sign-out), and the router. Pages live in `#/page?filters`, so a view,
// filters included, can be bookmarked or shared.
import { api, ApiError } from "./api.js";
import { announce, h, replace } from "./element.js";
import { choose, language, words } from "./words.js";
import { signInFor, signInPage } from "./pages/sign-in.js";
import { overviewPage } from "./pages/overview.js";
import { leadsPage } from "./pages/leads.js";
import { leadPage } from "./pages/lead.js";
import { formPage, formsPage } from "./pages/forms.js";
import { settingsPage } from "./pages/settings.js";

const main = document.getElementById("main");
const bar = document.getElementById("bar");
const status = document.getElementById("status");

/** What the next page drawn tells first (a sign-out, an erasure). */
let told = "";

/** What every page gets: the person, their site, and ways to move on. */
const session = {
  person: null,
  site: null,
  /** The person's role on `site` (the chosen one unless named). */
  role(site = this.site) {
    return this.person?.memberships.find((m) => m.site === site)?.role;
  },
  /**
   * Whether that role may do what `need` names (access::Role::allows), so a
   * page offers only what the API would allow; the API decides anyway.
   */
  may(need, site = this.site) {
    const allows = { admin: 4, marketing: 3, sales: 2, viewer: 1 };
    const needs = { read: 1, work: 2, manage: 3, administer: 4 };
    return (allows[this.role(site)] || 0) >= needs[need];
  },
  /** Shows the page `hash` names, then `message` in the status line. */
  go(hash, message = "") {
    told = message;
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  /** Says `text` in the status line, aloud even when it says it again. */
  say(text) {
    announce(status, text);
  },
  async signedIn(person) {
    this.person = person;
    const kept = localStorage.getItem("embudo.site");
    this.site = person.memberships.some((m) => m.site === kept) ? kept : person.memberships[0]?.site;
    drawBar();
  },
  /** Works on `site` from now on, in this visit and the next ones in this browser. */
  choose(site) {
    this.site = site;
    localStorage.setItem("embudo.site", site);
  },
};

/** The current route: the page and its parameters. */
function where() {
  const [path, search = ""] = location.hash.replace(/^#/, "").split(/\?(.*)/s);
  return { parts: path.split("/").filter(Boolean), params: new URLSearchParams(search) };
}

function drawBar() {
  const w = words();
  if (!session.person) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const sites = h(
    "select",
    {
      id: "site",
      onchange: (event) => {
        session.choose(event.target.value);
        session.go("#/overview");
      },
    },
    session.person.memberships.map((m) => h("option", { value: m.site, selected: m.site === session.site }, m.site)),
  );
  const languages = h(
    "select",
    {
      id: "language",
      onchange: (event) => {
        choose(event.target.value);
        document.documentElement.lang = language();
        drawBar();
        route();
      },
    },
    h("option", { value: "es", selected: language() === "es" }, "Español"),
    h("option", { value: "en", selected: language() === "en" }, "English"),
  );
  replace(
    bar,
    h("span", { class: "brand" }, "Embudo"),
    h(
      "nav",
      { "aria-label": "Embudo" },
      h("a", { href: "#/overview" }, w.overview),
      h("a", { href: "#/leads" }, w.leads),
      h("a", { href: "#/forms" }, w.forms),
      h("a", { href: "#/settings" }, w.settings),
    ),
    h("label", { for: "site" }, w.site),
    sites,
    h("label", { for: "language" }, w.language),
    languages,
    h("span", { class: "who" }, session.person.email),
    h("button", { type: "button", onclick: signOut }, w.signOut),
  );
}

async function signOut() {
  try {
    await api("DELETE", "/v1/session");
  } catch {
    // signed out already
  }
  session.person = null;
  drawBar();
  session.go("#/sign-in", words().signedOut);
}

/** Draws the page the URL names. */
async function route() {
  document.documentElement.lang = language();
  const { parts, params } = where();
  const [page, id] = parts;
  if (!session.person && page !== "sign-in") {
    try {
      await session.signedIn(await api("GET", "/v1/session"));
    } catch {
      session.go(signInFor(location.hash));
      return;
    }
  }
  session.say(told);
  told = "";
  // Each visit draws into its own view. A page still waiting for the API
  // when the visitor has moved on finishes into a view that is no longer
  // shown, so a slow answer never paints over the page asked for last.
  const view = h("div", { class: "view" });
  main.replaceChildren(view);
  try {
    if (page === "sign-in") await signInPage(view, session, params);
    else if (page === "leads" && id) await leadPage(view, session, id);
    else if (page === "leads") await leadsPage(view, session, params);
    else if (page === "forms" && id) await formPage(view, session, decodeURIComponent(id));
    else if (page === "forms") await formsPage(view, session);
    else if (page === "settings") await settingsPage(view, session);
    else await overviewPage(view, session, params);
  } catch (error) {
    if (!view.isConnected) return;
    if (error instanceof ApiError && error.status === 401) {
      session.person = null;
      drawBar();
      session.go(signInFor(location.hash), words().expired);
      return;
    }
    replace(view, h("p", { class: "problem", role: "alert" }, error.message || words().failed));
  }
  if (view.isConnected) main.focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);
route();
