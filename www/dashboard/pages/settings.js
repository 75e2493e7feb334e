// Settings: the site's name and allowed origins, the people with a role on
// it, the signed-in person's API tokens, and the site's webhooks with their
// deliveries (a dead one can be sent again). Each part is shown to the
// roles the API allows it to.
import { api } from "../api.js";
import { h, replace, when } from "../element.js";
import { language, words } from "../words.js";

const ROLES = ["admin", "marketing", "sales", "viewer"];

function siteSection(session, site, w) {
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

function peopleSection(session, accounts, w, redraw) {
  const site = session.site;
  const rows = accounts
    .filter((account) => account.memberships.some((m) => m.site === site))
    .map((account) => {
      const role = account.memberships.find((m) => m.site === site).role;
      const label = `role-${account.id}`;
      return h("tr", {},
        h("td", {}, account.name),
        h("td", {}, account.email),
        h("td", {},
          h("label", { for: label, class: "visually-hidden" }, `${w.role}: ${account.email}`),
          h("select", {
            id: label,
            onchange: async (event) => {
              try {
                await api("PUT", `/v1/sites/${encodeURIComponent(site)}/members/${account.id}`, { role: event.target.value });
                session.say(w.roles[event.target.value]);
              } catch (error) {
                session.say(error.message);
                await redraw();
              }
            },
          }, ROLES.map((r) => h("option", { value: r, selected: r === role }, w.roles[r])))),
        h("td", {}, h("button", {
          type: "button",
          onclick: async () => {
            if (!window.confirm(w.removeConfirm(account.email))) return;
            try {
              await api("DELETE", `/v1/sites/${encodeURIComponent(site)}/members/${account.id}`);
              await redraw();
            } catch (error) {
              session.say(error.message);
            }
          },
        }, `${w.remove} ${account.email}`)));
    });
  const added = h("p", { id: "person-added", role: "status" });
  const adding = h("form", {
    class: "inline",
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      try {
        const made = await api("POST", "/v1/accounts", {
          email: data.get("email"),
          name: data.get("name"),
          memberships: [{ site, role: data.get("role") }],
        });
        await redraw();
        replace(document.getElementById("person-added"), made.password ? w.personAdded(made.password) : w.personAddedExisting);
      } catch (error) {
        added.textContent = error.message;
      }
    },
  },
    h("label", { for: "person-email" }, w.email),
    h("input", { id: "person-email", name: "email", type: "email", required: true }),
    h("label", { for: "person-name" }, w.name),
    h("input", { id: "person-name", name: "name", required: true, maxlength: 200 }),
    h("label", { for: "person-role" }, w.role),
    h("select", { id: "person-role", name: "role" }, ROLES.map((r) => h("option", { value: r, selected: r === "viewer" }, w.roles[r]))),
    h("button", { type: "submit" }, w.addPerson));
  return h("section", { "aria-labelledby": "people-title" },
    h("h2", { id: "people-title" }, w.people),
    h("table", {},
      h("thead", {}, h("tr", {}, [w.name, w.email, w.role, w.actions].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)),
    adding,
    added);
}

function tokensSection(session, tokens, w, redraw) {
  const shown = h("p", { id: "token-shown", role: "status" });
  return h("section", { "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title" }, w.tokens),
    h("ul", {}, tokens.filter((t) => !t.revoked_at).map((token) =>
      h("li", {}, `${token.name} · ${when(token.created_at, language())} `,
        h("button", { type: "button", onclick: async () => {
          await api("DELETE", `/v1/tokens/${encodeURIComponent(token.id)}`);
          await redraw();
        } }, `${w.revoke} ${token.name}`)))),
    h("form", {
      class: "inline",
      onsubmit: async (event) => {
        event.preventDefault();
        const made = await api("POST", "/v1/tokens", { name: new FormData(event.target).get("name") });
        await redraw();
        const again = document.getElementById("token-shown");
        replace(again, w.tokenShown, " ", h("code", {}, made.token));
      },
    },
      h("label", { for: "token-name" }, w.tokenName),
      h("input", { id: "token-name", name: "name", required: true, maxlength: 100 }),
      h("button", { type: "submit" }, w.makeToken)),
    shown);
}

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

function webhooksSection(session, webhooks, deliveries, w, redraw) {
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

export async function settingsPage(main, session) {
  const w = words();
  const redraw = () => settingsPage(main, session);
  const site = encodeURIComponent(session.site);
  const [{ sites }, { tokens }] = await Promise.all([api("GET", "/v1/sites"), api("GET", "/v1/tokens")]);
  const current = sites.find((s) => s.id === session.site);
  const administers = session.may("administer");
  const manages = session.may("manage");
  const [{ accounts }, webhooks, deliveries] = await Promise.all([
    administers ? api("GET", "/v1/accounts") : { accounts: [] },
    administers ? api("GET", `/v1/sites/${site}/webhooks`) : null,
    manages ? api("GET", `/v1/sites/${site}/deliveries`) : null,
  ]);
  replace(
    main,
    h("h1", {}, w.settings),
    administers && current ? siteSection(session, current, w) : null,
    administers ? peopleSection(session, accounts, w, redraw) : null,
    tokensSection(session, tokens, w, redraw),
    manages ? webhooksSection(session, webhooks?.webhooks, deliveries.deliveries, w, redraw) : null,
  );
}
