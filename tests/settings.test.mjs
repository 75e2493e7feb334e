// An admin's settings against wrangler dev + D1: sites and their allowed
// origins (which decide at once which pages may send submissions), people's
// roles on a site (a change applies to their next request; a site always
// keeps an admin), and one-time sign-in tokens (working once, for a while).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { caller, makeAccount, signIn } from "./support/people.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, poster, submission } from "./support/requests.mjs";

const SITE = "/v1/sites/acme-growth";
let stack;
let call;
let admin;
const ids = {};

before(async () => {
  // Forms (with their site's origins) are read afresh on every request;
  // the test build, so a token's making can be paused.
  stack = await startStack({ FORM_CACHE_SECONDS: "0" }, { faults: true });
  call = caller(stack);
  ids.admin = (await makeAccount(stack, "admin@acme.example", [{ site: "acme-growth", role: "admin" }])).id;
  ids.viewer = (await makeAccount(stack, "vera@acme.example", [{ site: "acme-growth", role: "viewer" }])).id;
  admin = await signIn(stack, "admin@acme.example");
});
after(async () => {
  await stack?.stop();
});

describe("sites", () => {
  const fromPage = (origin) =>
    poster(stack)(SUBMISSIONS, submission({ email: `p${Math.random().toString(36).slice(2)}@acme.example`, first_name: "P" }), {
      "Content-Type": "application/json",
      Origin: origin,
    });

  test("allowed origins are checked, and decide at once which pages may send submissions", async () => {
    const listed = await (await call("GET", "/v1/sites", { as: admin })).json();
    assert.deepEqual(listed.sites.map((s) => [s.id, s.role]), [["acme-growth", "admin"]]);
    assert.equal((await fromPage("https://www.acme.example")).status, 403, "not allowed yet");

    const bad = await expectProblem(
      await call("PATCH", SITE, { as: admin, body: { allowed_origins: ["https://www.acme.example/landing"] } }),
      400,
      "bad-body",
    );
    assert.match(bad.detail, /no path/);
    const changed = await call("PATCH", SITE, {
      as: admin,
      body: { allowed_origins: ["https://www.acme.example", "http://127.0.0.1:*"], settings: { rate_limit: "shared" } },
    });
    assert.equal(changed.status, 200, await changed.clone().text());
    const site = await changed.json();
    assert.deepEqual(site.allowed_origins, ["https://www.acme.example", "http://127.0.0.1:*"]);
    assert.equal(site.settings.rate_limit, "shared");
    assert.equal(site.name, "Acme Growth (demo)", "what is left out stays");
    assert.equal((await fromPage("https://www.acme.example")).status, 201);
    await call("PATCH", SITE, { as: admin, body: { allowed_origins: ["http://127.0.0.1:*", "http://localhost:*"] } });
    assert.equal((await fromPage("https://www.acme.example")).status, 403, "taken away at once");
    const [{ n }] = await stack.d1("SELECT count(*) AS n FROM audit_log WHERE action = 'site-changed'");
    assert.equal(n, 2);
  });

  test("an admin makes a new site and administers it; an id is never taken twice", async () => {
    const made = await call("POST", "/v1/sites", { as: admin, body: { id: "acme-events", name: "Acme Events", allowed_origins: ["https://events.acme.example"] } });
    assert.equal(made.status, 201, await made.clone().text());
    assert.equal((await made.json()).role, "admin");
    const mine = await (await call("GET", "/v1/sites", { as: admin })).json();
    assert.deepEqual(mine.sites.map((s) => [s.id, s.role]), [["acme-events", "admin"], ["acme-growth", "admin"]]);
    await expectProblem(await call("POST", "/v1/sites", { as: admin, body: { id: "acme-events", name: "Otra" } }), 409, "conflict");
    await expectProblem(await call("POST", "/v1/sites", { as: admin, body: { id: "Con Espacios", name: "X" } }), 400, "bad-body");
  });
});

describe("people on a site", () => {
  test("a role given or taken applies to the person's next request", async () => {
    const vera = await signIn(stack, "vera@acme.example");
    const exporting = () => call("POST", `${SITE}/people/export`, { as: vera, body: { email: "x@acme.example" } });
    await expectProblem(await exporting(), 403, "forbidden");
    const given = await call("PUT", `${SITE}/members/${ids.viewer}`, { as: admin, body: { role: "marketing" } });
    assert.equal(given.status, 200, await given.clone().text());
    assert.equal((await exporting()).status, 200, "marketing may export");
    const removed = await call("DELETE", `${SITE}/members/${ids.viewer}`, { as: admin });
    assert.equal(removed.status, 204);
    await expectProblem(await call("GET", `${SITE}/funnel`, { as: vera }), 403, "forbidden");
    await expectProblem(await call("DELETE", `${SITE}/members/${ids.viewer}`, { as: admin }), 404, "not-found");
    await expectProblem(await call("PUT", `${SITE}/members/999999`, { as: admin, body: { role: "viewer" } }), 404, "not-found");
    const audit = await stack.d1("SELECT action, subject, detail FROM audit_log WHERE action LIKE 'member-%' ORDER BY id");
    assert.deepEqual(audit, [
      { action: "member-set", subject: `account:${ids.viewer}`, detail: '{"role":"marketing"}' },
      { action: "member-removed", subject: `account:${ids.viewer}`, detail: null },
    ]);
  });

  test("a site always keeps an admin", async () => {
    await expectProblem(await call("PUT", `${SITE}/members/${ids.admin}`, { as: admin, body: { role: "viewer" } }), 409, "conflict");
    await expectProblem(await call("DELETE", `${SITE}/members/${ids.admin}`, { as: admin }), 409, "conflict");
    const second = await makeAccount(stack, "segunda@acme.example", [{ site: "acme-growth", role: "admin" }]);
    const stepped = await call("PUT", `${SITE}/members/${ids.admin}`, { as: admin, body: { role: "marketing" } });
    assert.equal(stepped.status, 200, "with another admin, one may step down");
    await expectProblem(await call("PATCH", SITE, { as: admin, body: { name: "x" } }), 403, "forbidden");
    const other = await signIn(stack, "segunda@acme.example");
    assert.equal((await call("PUT", `${SITE}/members/${ids.admin}`, { as: other, body: { role: "admin" } })).status, 200);
    const admins = await stack.d1(`SELECT account_id FROM memberships WHERE site_id = 'acme-growth' AND role = 'admin' ORDER BY account_id`);
    assert.deepEqual(admins.map((a) => a.account_id), [ids.admin, second.id], "both are admins again");
  });
});

describe("one-time sign-in tokens", () => {
  test("sign a person in once, within their lifetime, and only an admin of all their sites makes one", async () => {
    await makeAccount(stack, "nuevo@acme.example", [{ site: "acme-growth", role: "sales" }]);
    const [{ id }] = await stack.d1("SELECT id FROM accounts WHERE email = 'nuevo@acme.example'");
    const made = await call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: admin });
    assert.equal(made.status, 201, await made.clone().text());
    const { token, expires_at } = await made.json();
    assert.match(token, /^eso_/);
    const minutes = (Date.parse(expires_at) - Date.now()) / 60_000;
    assert.ok(minutes > 25 && minutes <= 30, `${minutes} minutes`);
    const [{ token_hash }] = await stack.d1(`SELECT token_hash FROM sign_in_tokens WHERE account_id = ${id}`);
    assert.ok(!token_hash.includes(token.slice(4)), "only its hash is kept");

    const signed = await call("POST", "/v1/session", { body: { token } });
    assert.equal(signed.status, 200, await signed.clone().text());
    assert.equal((await signed.json()).email, "nuevo@acme.example");
    const cookie = signed.headers.get("set-cookie").split(";")[0];
    assert.equal((await call("GET", `${SITE}/funnel`, { as: cookie })).status, 200, "signed in as the person");
    await expectProblem(await call("POST", "/v1/session", { body: { token } }), 401, "sign-in-failed");

    const late = await (await call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: admin })).json();
    await stack.d1(`UPDATE sign_in_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL`);
    await expectProblem(await call("POST", "/v1/session", { body: { token: late.token } }), 401, "sign-in-failed");
    await expectProblem(await call("POST", "/v1/session", { body: { token: "eso_forged" } }), 401, "sign-in-failed");

    // Someone who also works on a site this admin does not run is not theirs to let in.
    await stack.d1(`INSERT INTO sites (id, name, allowed_origins) VALUES ('globex', 'Globex', '[]');
      INSERT INTO memberships (account_id, site_id, role) VALUES (${id}, 'globex', 'viewer')`);
    await expectProblem(await call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: admin }), 403, "forbidden");
    assert.equal((await call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: stack.token })).status, 201, "the operator may");
    const audit = await stack.d1("SELECT detail FROM audit_log WHERE action = 'sign-in' AND actor = 'account:" + id + "'");
    assert.deepEqual(audit, [{ detail: '{"by":"one-time token"}' }]);
  });

  test("stop working when their person joins a site or gets a role the admin who made them may not hand out", async () => {
    const { id } = await makeAccount(stack, "llave@acme.example", [{ site: "acme-growth", role: "viewer" }]);
    await stack.d1(`INSERT INTO sites (id, name, allowed_origins) VALUES ('initech', 'Initech', '[]')`);
    const tokenFor = async () => {
      const made = await call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: admin });
      assert.equal(made.status, 201, await made.clone().text());
      return (await made.json()).token;
    };
    const signsIn = async (token) => (await call("POST", "/v1/session", { body: { token } })).status;

    // Made while they work on acme-growth only; then the operator gives
    // them Initech too.
    const joined = await tokenFor();
    const added = await call("PUT", `/v1/sites/initech/members/${id}`, { as: stack.token, body: { role: "viewer" } });
    assert.equal(added.status, 200, await added.clone().text());
    assert.equal(await signsIn(joined), 401, "it would have let acme-growth's admin into Initech");
    assert.equal((await call("DELETE", `/v1/sites/initech/members/${id}`, { as: stack.token })).status, 204);

    // Joined while a token is being made: it is not made.
    const mark = stack.mark();
    const making = call("POST", `/v1/accounts/${id}/sign-in-tokens`, { as: admin, headers: { "Embudo-Fault": "pause-before-write=3000" } });
    await stack.said(/fault: pausing 3000 ms before a write/, mark);
    assert.equal((await call("PUT", `/v1/sites/initech/members/${id}`, { as: stack.token, body: { role: "viewer" } })).status, 200);
    await expectProblem(await making, 409, "conflict");
    assert.equal((await call("DELETE", `/v1/sites/initech/members/${id}`, { as: stack.token })).status, 204);

    // A new role on a site ends the tokens made before it; one made after works.
    const before = await tokenFor();
    assert.equal((await call("PUT", `${SITE}/members/${id}`, { as: admin, body: { role: "marketing" } })).status, 200);
    assert.equal(await signsIn(before), 401);
    assert.equal(await signsIn(await tokenFor()), 200);
  });
});
