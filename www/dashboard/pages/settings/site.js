// The site's own settings: its name and the origins allowed to send
// submissions (admins).
import { api } from "../../api.js";
import { h } from "../../element.js";

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
            allowed_origins: String(data.get("origins")).split("\n").map((o) => o.trim()).filter(Boolean),
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
