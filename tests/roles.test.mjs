// Forbidden is forbidden: every protected route of the API, against every
// role on the site (admin, marketing, sales, viewer), an admin of another
// site, and nobody, against wrangler dev + D1. What each role may do is the
// issue's table; the list of routes is checked against the OpenAPI
// document, so a new route cannot be left out of this test.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { caller, makeAccount, signIn } from "./support/people.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, mqlAnswers, poster, submission } from "./support/requests.mjs";

const SITE = "/v1/sites/acme-growth";
const ROLES = ["admin", "marketing", "sales", "viewer"];
/** What each role may do on its own site (access::Role::allows). */
const ALLOWS = {
  admin: ["read", "work", "manage", "administer"],
  marketing: ["read", "work", "manage"],
  sales: ["read", "work"],
  viewer: ["read"],
};

let stack;
let call;
const as = {};
const ids = {};
let spec;

before(async () => {
  stack = await startStack();
  call = caller(stack);
  await stack.d1("INSERT INTO sites (id, name, allowed_origins) VALUES ('globex', 'Globex', '[]')");
  const post = poster(stack);
  const stored = await post(SUBMISSIONS, submission(mqlAnswers("mql@acme.example"), ["content", "sales"]), {
    "Content-Type": "application/json",
    Origin: stack.url,
  });
  assert.equal(stored.status, 201);
  [{ id: ids.lead }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'mql@acme.example'");
  await stack.d1(`INSERT INTO webhooks (id, site_id, url) VALUES ('crm', 'acme-growth', 'http://127.0.0.1:9/hook');
    INSERT INTO deliveries (id, event_id, webhook_id, site_id, lead_id, event, payload, status)
    VALUES ('evt_roles:crm', 'evt_roles', 'crm', 'acme-growth', ${ids.lead}, 'lead.mql', '{}', 'dead')`);
  for (const role of ROLES) {
    ids[role] = (await makeAccount(stack, `${role}@acme.example`, [{ site: "acme-growth", role }])).id;
    as[role] = await signIn(stack, `${role}@acme.example`);
  }
  ids.leaving = (await makeAccount(stack, "leaving@acme.example", [{ site: "acme-growth", role: "viewer" }])).id;
  await makeAccount(stack, "outsider@globex.example", [{ site: "globex", role: "admin" }]);
  as.outsider = await signIn(stack, "outsider@globex.example");
  const job = await call("POST", `${SITE}/forms/demo-ebook/rescore`, { as: stack.token });
  ids.rescore = (await job.json()).id;
  spec = (await (await call("GET", `${SITE}/forms/demo-ebook`, { as: stack.token })).json()).spec;
});
after(async () => {
  await stack?.stop();
});

/**
 * Every protected route: method, path template (as documented), the path
 * called, a body, and what it needs on acme-growth. `hides`: a route on
 * one lead answers 404 to whoever may not read it, rather than confirming
 * the lead exists. `anyone`: any signed-in person (the answer covers only
 * what they may see).
 */
const ROUTES = () => [
  ["GET", "/v1/leads", "/v1/leads", undefined, "anyone"],
  ["GET", "/v1/leads/{lead}", `/v1/leads/${ids.lead}`, undefined, "read", { hides: true }],
  ["POST", "/v1/leads/{lead}/stage", `/v1/leads/${ids.lead}/stage`, { to: "sql" }, "work", { hides: true }],
  ["POST", "/v1/leads/{lead}/notes", `/v1/leads/${ids.lead}/notes`, { text: "Llamar" }, "work", { hides: true }],
  ["POST", "/v1/leads/{lead}/consents/withdrawals", `/v1/leads/${ids.lead}/consents/withdrawals`, { consent: "sales" }, "work", { hides: true }],
  ["GET", "/v1/sites/{site}/funnel", `${SITE}/funnel`, undefined, "read"],
  ["GET", "/v1/sites/{site}/consents/verify", `${SITE}/consents/verify`, undefined, "read"],
  ["GET", "/v1/sites/{site}/forms", `${SITE}/forms`, undefined, "read"],
  ["GET", "/v1/sites/{site}/forms/{form}", `${SITE}/forms/demo-ebook`, undefined, "read"],
  ["GET", "/v1/sites/{site}/rescores/{rescore}", `${SITE}/rescores/${ids.rescore}`, undefined, "read"],
  ["GET", "/v1/sites/{site}/deliveries", `${SITE}/deliveries`, undefined, "manage"],
  ["POST", "/v1/sites/{site}/deliveries/{delivery}/retry", `${SITE}/deliveries/evt_roles:crm/retry`, undefined, "manage"],
  ["GET", "/v1/exports/leads", "/v1/exports/leads?site=acme-growth", undefined, "manage"],
  ["POST", "/v1/sites/{site}/people/export", `${SITE}/people/export`, { email: "mql@acme.example" }, "manage"],
  ["POST", "/v1/sites/{site}/people/erase", `${SITE}/people/erase`, { email: "nobody@acme.example" }, "manage"],
  ["PUT", "/v1/sites/{site}/forms/{form}", `${SITE}/forms/demo-ebook`, { name: "E-book", spec: { ...spec, revision: 99 } }, "manage"],
  ["POST", "/v1/sites/{site}/forms/{form}/preview", `${SITE}/forms/demo-ebook/preview`, { submission: { fields: { email: "p@acme.example" } } }, "manage"],
  ["POST", "/v1/sites/{site}/forms/{form}/rescore", `${SITE}/forms/demo-ebook/rescore`, undefined, "manage"],
  ["GET", "/v1/sites/{site}/webhooks", `${SITE}/webhooks`, undefined, "administer"],
  ["POST", "/v1/sites/{site}/webhooks", `${SITE}/webhooks`, { id: "new-hook", url: "http://127.0.0.1:9/new" }, "administer"],
  ["PATCH", "/v1/sites/{site}/webhooks/{webhook}", `${SITE}/webhooks/crm`, { active: true }, "administer"],
  ["POST", "/v1/sites/{site}/webhooks/{webhook}/test", `${SITE}/webhooks/crm/test`, undefined, "administer"],
  ["POST", "/v1/sites/{site}/webhooks/{webhook}/secret", `${SITE}/webhooks/crm/secret`, { previous_valid_hours: 1 }, "administer"],
  ["PATCH", "/v1/sites/{site}", SITE, { name: "Acme Growth" }, "administer"],
  ["PUT", "/v1/sites/{site}/members/{account}", `${SITE}/members/${ids.viewer}`, { role: "viewer" }, "administer"],
  ["DELETE", "/v1/sites/{site}/members/{account}", `${SITE}/members/${ids.leaving}`, undefined, "administer"],
  ["POST", "/v1/accounts/{account}/sign-in-tokens", `/v1/accounts/${ids.viewer}/sign-in-tokens`, undefined, "administer"],
  ["POST", "/v1/accounts", "/v1/accounts", () => ({ email: `n${Math.random().toString(36).slice(2)}@acme.example`, name: "N", memberships: [{ site: "acme-growth", role: "viewer" }] }), "administer"],
  ["GET", "/v1/accounts", "/v1/accounts", undefined, "anyone"],
  ["GET", "/v1/sites", "/v1/sites", undefined, "anyone"],
  ["POST", "/v1/sites", "/v1/sites", () => ({ id: `s-${Math.random().toString(36).slice(2, 10)}`, name: "Nueva" }), "admin-anywhere"],
  ["GET", "/v1/tokens", "/v1/tokens", undefined, "anyone"],
  ["POST", "/v1/tokens", "/v1/tokens", { name: "script" }, "anyone"],
  ["DELETE", "/v1/tokens/{token}", "/v1/tokens/emt_nope", undefined, "anyone"],
  ["GET", "/v1/session", "/v1/session", undefined, "anyone"],
  ["DELETE", "/v1/session", "/v1/session", undefined, "anyone"],
];

/** Whether `who` may call a route needing `need` on acme-growth. */
function allowed(who, need) {
  if (need === "anyone") return true;
  if (need === "admin-anywhere") return who === "admin" || who === "outsider";
  return who !== "outsider" && ALLOWS[who].includes(need);
}

test("the matrix covers every protected route the API documents", async () => {
  const doc = JSON.parse(await readFile(resolve(import.meta.dirname, "..", "edge", "api", "openapi.json"), "utf8"));
  const documented = Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.entries(item).filter(([, op]) => op?.security?.length).map(([method]) => `${method.toUpperCase()} ${path}`))
    .sort();
  const covered = ROUTES().map(([method, template]) => `${method} ${template}`).sort();
  assert.deepEqual(covered, documented);
});

describe("each role against each route", () => {
  // Signing out ends the session it is called with: last, with its own sessions.
  for (const [method, template, , , need, { hides = false } = {}] of ROUTES()) {
    test(`${method} ${template} (${need})`, async () => {
      // The paths name ids made in before(): read them now.
      const [, , path, body] = ROUTES().find(([m, t]) => m === method && t === template);
      const fresh = template === "/v1/session" && method === "DELETE";
      const got = {};
      for (const who of [...ROLES, "outsider", "nobody"]) {
        const cookie = who === "nobody" ? undefined : fresh ? await signIn(stack, who === "outsider" ? "outsider@globex.example" : `${who}@acme.example`) : as[who];
        const sent = typeof body === "function" ? body() : body;
        const response = await call(method, path, { as: cookie, body: sent });
        got[who] = response.status;
      }
      for (const [who, status] of Object.entries(got)) {
        if (who === "nobody") {
          assert.equal(status, 401, `nobody: ${JSON.stringify(got)}`);
        } else if (allowed(who, need)) {
          assert.ok(![401, 403].includes(status) && !(hides && status === 404), `${who} may: ${JSON.stringify(got)}`);
          assert.ok(status < 500, `${who}: ${JSON.stringify(got)}`);
        } else {
          const refused = hides && who === "outsider" ? 404 : 403;
          assert.equal(status, refused, `${who} may not: ${JSON.stringify(got)}`);
        }
      }
    });
  }
});

describe("what an allowed caller sees", () => {
  test("lists hold only the caller's own sites", async () => {
    const sites = await (await call("GET", "/v1/sites", { as: as.outsider })).json();
    assert.deepEqual(sites.sites.map((s) => [s.id, s.role]).filter(([id]) => !id.startsWith("s-")), [["globex", "admin"]]);
    const leads = await (await call("GET", "/v1/leads", { as: as.outsider })).json();
    assert.deepEqual(leads.leads, []);
    const accounts = await (await call("GET", "/v1/accounts", { as: as.viewer })).json();
    assert.deepEqual(accounts.accounts, [], "a viewer administers nothing");
  });
});
