// Settings: the site's name and allowed origins, the people with a role on
// it, the signed-in person's API tokens, and the site's webhooks with their
// deliveries (a dead one can be sent again); a new site. Each part is shown
// to the roles the API allows it to; each lives in its own module under
// settings/.
import { api } from "../api.js";
import { h, replace } from "../element.js";
import { words } from "../words.js";
import { newSiteSection, siteSection } from "./settings/site.js";
import { peopleSection } from "./settings/people.js";
import { tokensSection } from "./settings/tokens.js";
import { webhooksSection } from "./settings/webhooks.js";

export async function settingsPage(main, session) {
  const w = words();
  const redraw = () => settingsPage(main, session);
  const site = encodeURIComponent(session.site);
  const [{ sites }, { tokens }] = await Promise.all([api("GET", "/v1/sites"), api("GET", "/v1/tokens")]);
  const current = sites.find((s) => s.id === session.site);
  const administers = session.may("administer");
  const manages = session.may("manage");
  // Administering any site is enough to make a new one (site::admin::create).
  const makesSites = session.person.memberships.some((m) => session.may("administer", m.site));
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
    makesSites ? newSiteSection(session, w) : null,
  );
}
