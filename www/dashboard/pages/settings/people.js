// The people with a role on the site: their role changed, taken away, or
// a new person added with one (admins).
import { api } from "../../api.js";
import { actingButton, announce, h, oneAtATime, showOnce, submitting } from "../../element.js";

const ROLES = ["admin", "marketing", "sales", "viewer"];

export function peopleSection(session, accounts, w, redraw) {
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
          // Saved by its button, not on change: arrowing through a closed
          // select changes it once per key, and each would be a role given.
          h("select", { id: label }, ROLES.map((r) => h("option", { value: r, selected: r === role }, w.roles[r]))),
          " ",
          actingButton(label + "-set", `${w.setRole} ${account.email}`, async () => {
            const chosen = document.getElementById(label).value;
            await api("PUT", `/v1/sites/${encodeURIComponent(site)}/members/${account.id}`, { role: chosen });
            session.say(`${account.email}: ${w.roles[chosen]}`);
          })),
        h("td", {}, h("button", {
          type: "button",
          onclick: oneAtATime(async () => {
            if (!window.confirm(w.removeConfirm(account.email))) return;
            try {
              await api("DELETE", `/v1/sites/${encodeURIComponent(site)}/members/${account.id}`);
              await redraw();
            } catch (error) {
              session.say(error.message);
            }
          }),
        }, `${w.remove} ${account.email}`)));
    });
  const added = h("p", { id: "person-added", role: "status" });
  const adding = h("form", {
    class: "inline",
    onsubmit: submitting(async (event) => {
      const data = new FormData(event.target);
      let made;
      try {
        made = await api("POST", "/v1/accounts", {
          email: data.get("email"),
          name: data.get("name"),
          memberships: [{ site, role: data.get("role") }],
        });
      } catch (error) {
        announce(added, error.message);
        return;
      }
      // The person is added: a failed redraw is said apart, never over the password.
      await showOnce("person-added", redraw, made.password ? w.personAdded(made.password) : w.personAddedExisting)
        .catch((error) => session.say(error.message));
    }),
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
