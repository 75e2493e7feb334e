// The site's own settings: its name and the origins allowed to send
// submissions (admins); and a new site, for anyone who administers one.
import { api } from "../../api.js";
import { h } from "../../element.js";

/** The origins typed one per line, blank lines left out. */
function originsOf(text) {
  return String(text).split("\n").map((o) => o.trim()).filter(Boolean);
}

export function siteSection(session, site, w) {
  const problem = h("p", { class: "problem", id: "site-problem", role: "alert" });
  const origins = h("textarea", { id: "origins", name: "origins", rows: 4, class: "code" });
  origins.value = site.allowed_origins.join("\n");
  return h("section", { "aria-labelledby": "site-title" },
    h("h2", { id: "site-title" }, w.site),
    h("form", {
      class: "editor",
      "aria-describedby": "site-problem",
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        try {
          await api("PATCH", `/v1/sites/${encodeURIComponent(site.id)}`, {
            name: data.get("name"),
            allowed_origins: originsOf(data.get("origins")),
          });
          session.say(w.changesSaved);
          problem.textContent = "";
        } catch (error) {
          problem.textContent = error.message;
        }
      },
    },
      h("label", { for: "site-name" }, w.name),
      h("input", { id: "site-name", name: "name", value: site.name }),
      h("label", { for: "origins" }, w.allowedOrigins),
      origins,
      problem,
      h("button", { type: "submit" }, w.save)));
}

/**
 * A new site. The API lets anyone who administers a site make one, and
 * makes them its admin; the dashboard then works on it, its settings open.
 */
export function newSiteSection(session, w) {
  const problem = h("p", { class: "problem", id: "new-site-problem", role: "alert" });
  return h("section", { "aria-labelledby": "new-site-title" },
    h("h2", { id: "new-site-title" }, w.newSite),
    h("form", {
      class: "editor",
      "aria-describedby": "new-site-problem",
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        try {
          const made = await api("POST", "/v1/sites", {
            id: data.get("id"),
            name: data.get("name"),
            allowed_origins: originsOf(data.get("origins")),
          });
          // The person's memberships changed: read them again, so the bar
          // offers the new site, chosen.
          session.choose(made.id);
          await session.signedIn(await api("GET", "/v1/session"));
          session.go("#/settings", w.siteCreated(made.name));
        } catch (error) {
          problem.textContent = error.message;
        }
      },
    },
      h("label", { for: "new-site-id" }, w.newSiteId),
      h("input", { id: "new-site-id", name: "id", required: true, maxlength: 64, autocomplete: "off" }),
      h("label", { for: "new-site-name" }, w.newSiteName),
      h("input", { id: "new-site-name", name: "name", required: true, maxlength: 200 }),
      h("label", { for: "new-site-origins" }, w.newSiteOrigins),
      h("textarea", { id: "new-site-origins", name: "origins", rows: 3, class: "code" }),
      problem,
      h("button", { type: "submit" }, w.createSite)));
}
