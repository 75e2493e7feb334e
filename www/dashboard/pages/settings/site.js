// The site's own settings: its name and the origins allowed to send
// submissions (admins); and a new site, for anyone who administers one.
import { api } from "../../api.js";
import { h, sendingForm } from "../../element.js";

/** The origins typed one per line, blank lines left out. */
function originsOf(text) {
  return String(text).split("\n").map((o) => o.trim()).filter(Boolean);
}

export function siteSection(session, site, w) {
  const origins = h("textarea", { id: "origins", name: "origins", rows: 4, class: "code" });
  origins.value = site.allowed_origins.join("\n");
  return h("section", { "aria-labelledby": "site-title" },
    h("h2", { id: "site-title" }, w.site),
    sendingForm("site", "editor", async (data) => {
      await api("PATCH", `/v1/sites/${encodeURIComponent(site.id)}`, {
        name: data.get("name"),
        allowed_origins: originsOf(data.get("origins")),
      });
      session.say(w.changesSaved);
    },
    h("label", { for: "site-name" }, w.name),
    h("input", { id: "site-name", name: "name", value: site.name }),
    h("label", { for: "origins" }, w.allowedOrigins),
    origins,
    h("button", { type: "submit" }, w.save)));
}

/**
 * A new site. The API lets anyone who administers a site make one, and
 * makes them its admin; the dashboard then works on it, its settings open.
 */
export function newSiteSection(session, w) {
  return h("section", { "aria-labelledby": "new-site-title" },
    h("h2", { id: "new-site-title" }, w.newSite),
    sendingForm("new-site", "editor", async (data) => {
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
    },
    h("label", { for: "new-site-id" }, w.newSiteId),
    h("input", { id: "new-site-id", name: "id", required: true, maxlength: 64, autocomplete: "off" }),
    h("label", { for: "new-site-name" }, w.newSiteName),
    h("input", { id: "new-site-name", name: "name", required: true, maxlength: 200 }),
    h("label", { for: "new-site-origins" }, w.newSiteOrigins),
    h("textarea", { id: "new-site-origins", name: "origins", rows: 3, class: "code" }),
    h("button", { type: "submit" }, w.createSite)));
}
