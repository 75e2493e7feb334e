// Where sales hears about leads: the site's webhook endpoints (admins) and
// the deliveries made to them, a dead one sent again (marketing, admins).
import { api } from "../../api.js";
import { h, when } from "../../element.js";
import { language } from "../../words.js";

function webhookForm(session, w, redraw) {
  const problem = h("p", { class: "problem", id: "webhook-problem", role: "alert" });
  return h("form", {
    class: "inline",
    "aria-describedby": "webhook-problem",
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      try {
        await api("POST", `/v1/sites/${encodeURIComponent(session.site)}/webhooks`, {
          id: data.get("id"),
          url: data.get("url"),
          stages: data.getAll("stages"),
        });
        await redraw();
      } catch (error) {
        problem.textContent = error.message;
      }
    },
  },
    h("label", { for: "webhook-id" }, w.webhookId),
    h("input", { id: "webhook-id", name: "id", required: true, maxlength: 64 }),
    h("label", { for: "webhook-url" }, w.webhookUrl),
    h("input", { id: "webhook-url", name: "url", type: "url", required: true }),
    ["mql", "sql"].map((stage) => h("label", {}, h("input", { type: "checkbox", name: "stages", value: stage, checked: true }), ` ${w.stages[stage]}`)),
    h("button", { type: "submit" }, w.addWebhook),
    problem);
}

export function webhooksSection(session, webhooks, deliveries, w, redraw) {
  const site = encodeURIComponent(session.site);
  return h("section", { "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title" }, w.webhooks),
    webhooks ? h("ul", {}, webhooks.map((hook) => h("li", {}, `${hook.id} · ${hook.url} · ${hook.stages.join(", ")} · ${hook.active ? "✓" : "—"} `,
      h("button", { type: "button", onclick: async () => {
        await api("PATCH", `/v1/sites/${site}/webhooks/${encodeURIComponent(hook.id)}`, { active: !hook.active });
        await redraw();
      } }, `${hook.active ? w.pause : w.resume} ${hook.id}`)))) : null,
    webhooks ? webhookForm(session, w, redraw) : null,
    h("h3", {}, w.deliveries),
    h("table", {},
      h("thead", {}, h("tr", {}, ["Event", "Webhook", w.status, "#", w.created, w.actions].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, deliveries.map((d) => h("tr", {},
        h("td", {}, d.event), h("td", {}, d.webhook_id), h("td", {}, d.status), h("td", { class: "number" }, d.attempts),
        h("td", {}, when(d.created_at, language())),
        h("td", {}, d.status === "dead"
          ? h("button", { type: "button", onclick: async () => {
              await api("POST", `/v1/sites/${site}/deliveries/${encodeURIComponent(d.id)}/retry`);
              await redraw();
            } }, "↻ " + d.id)
          : null))))));
}
