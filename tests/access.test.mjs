// People and access against wrangler dev + D1: accounts made by the
// operator and by admins, sign-in with a session cookie (its flags, expiry,
// rotation, sign-out), failed sign-ins slowed, API tokens (shown once,
// revocable), each role allowed exactly what it should on its own site only,
// cross-site requests with a cookie refused, and the audit log.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "./support/stack.mjs";
import { PASSWORD, caller, makeAccount, signIn as signInAs } from "./support/people.mjs";
import { SUBMISSIONS, expectProblem, poster, submission } from "./support/requests.mjs";

let stack;
before(async () => {
  stack = await startStack();
  // A second site, with a lead of its own, that the acme people may not see.
  await stack.d1(`INSERT INTO sites (id, name, allowed_origins) VALUES ('globex', 'Globex', '[]');
    INSERT INTO leads (site_id, email, email_key, fields, score, stage, explanation)
    VALUES ('globex', 'secret@globex.example', 'secret@globex.example', '{}', 0, 'lead', '{"fired":[],"groups":[]}')`);
  // A lead of acme's, through the real path.
  const post = poster(stack);
  const stored = await post(SUBMISSIONS, submission({ email: "visible@acme.example", first_name: "Vi" }), {
    "Content-Type": "application/json",
    Origin: stack.url,
  });
  assert.equal(stored.status, 201);
});
after(async () => {
  await stack?.stop();
});

const call = (...args) => caller(stack)(...args);
const account = (email, memberships, as) => makeAccount(stack, email, memberships, as);
const signIn = (email, password, ip) => signInAs(stack, email, password, ip);

describe("accounts", () => {
  test("the operator makes the first admin; an admin makes people for their own site only", async () => {
    const admin = await account("admin@acme.example", [{ site: "acme-growth", role: "admin" }]);
    assert.deepEqual(admin.memberships, [{ site: "acme-growth", role: "admin" }]);
    assert.equal(admin.password, undefined, "a given password is never echoed");
    const cookie = await signIn("admin@acme.example");
    const viewer = await call("POST", "/v1/accounts", {
      as: cookie,
      body: { email: "Viewer@Acme.example", name: "Vera", memberships: [{ site: "acme-growth", role: "viewer" }] },
    });
    assert.equal(viewer.status, 201);
    const made = await viewer.json();
    assert.equal(made.email, "viewer@acme.example");
    assert.match(made.password, /^[0-9a-f]{24}$/, "a made-up password is shown once");
    await signIn("viewer@acme.example", made.password);
    await expectProblem(
      await call("POST", "/v1/accounts", { as: cookie, body: { email: "x@globex.example", name: "X", memberships: [{ site: "globex", role: "viewer" }] } }),
      403,
      "forbidden",
    );
    const listed = await (await call("GET", "/v1/accounts", { as: cookie })).json();
    assert.deepEqual(listed.accounts.map((a) => a.email).sort(), ["admin@acme.example", "viewer@acme.example"]);
  });

  test("an admin can neither take in nor learn of the people of a site that is not theirs", async () => {
    const outsider = await account("staff@globex.example", [{ site: "globex", role: "viewer" }]);
    const cookie = await signIn("admin@acme.example");
    const taking = await call("PUT", `/v1/sites/acme-growth/members/${outsider.id}`, { as: cookie, body: { role: "viewer" } });
    await expectProblem(taking, 404, "not-found");
    const listed = await (await call("GET", "/v1/accounts", { as: cookie })).json();
    assert.ok(!listed.accounts.some((a) => a.email === "staff@globex.example"), "not listed to acme's admin");
    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM memberships WHERE account_id = ${outsider.id}`);
    assert.equal(n, 1, "still only globex's");
    // The operator, who runs every site, can.
    assert.equal((await call("PUT", `/v1/sites/acme-growth/members/${outsider.id}`, { as: stack.token, body: { role: "viewer" } })).status, 200);
    await call("DELETE", `/v1/sites/acme-growth/members/${outsider.id}`, { as: stack.token });
  });

  test("bad accounts are refused clearly and nothing is stored", async () => {
    const make = (body) => call("POST", "/v1/accounts", { as: stack.token, body });
    const role = [{ site: "acme-growth", role: "viewer" }];
    await expectProblem(await make({ email: "admin@acme.example", name: "Again", password: PASSWORD, memberships: role }), 409, "account-exists");
    await expectProblem(await make({ email: "short@acme.example", name: "S", password: "short", memberships: role }), 400, "bad-body");
    await expectProblem(await make({ email: "nobody", name: "N", memberships: role }), 400, "bad-body");
    await expectProblem(await make({ email: "site@acme.example", name: "S", memberships: [{ site: "no-such-site", role: "viewer" }] }), 400, "bad-body");
    await expectProblem(await make({ email: "role@acme.example", name: "R", memberships: [{ site: "acme-growth", role: "owner" }] }), 400, "malformed-json");
    const rows = await stack.d1("SELECT email FROM accounts WHERE email IN ('short@acme.example', 'nobody', 'site@acme.example', 'role@acme.example')");
    assert.deepEqual(rows, []);
  });
});

describe("signing in", () => {
  test("sets an HttpOnly, SameSite=Strict session cookie (not Secure on loopback) that lasts a working day", async () => {
    await account("cookie@acme.example", [{ site: "acme-growth", role: "sales" }]);
    const response = await call("POST", "/v1/session", { body: { email: "COOKIE@acme.example", password: PASSWORD } });
    assert.equal(response.status, 200);
    const cookie = response.headers.get("set-cookie");
    assert.match(cookie, /^embudo_session=ems_[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const me = await (await call("GET", "/v1/session", { as: cookie.split(";")[0] })).json();
    assert.equal(me.email, "cookie@acme.example");
    assert.deepEqual(me.memberships, [{ site: "acme-growth", role: "sales" }]);
    const [row] = await stack.d1("SELECT count(*) AS n FROM sessions WHERE token_hash = '" + cookie.slice(15, 83) + "'");
    assert.equal(row.n, 0, "the table holds a hash, not the token");
  });

  test("a wrong password or unknown e-mail gets the same 401; five failures lock the e-mail for 15 minutes", async () => {
    await account("locked@acme.example", [{ site: "acme-growth", role: "viewer" }]);
    const unknown = await call("POST", "/v1/session", { body: { email: "nobody@acme.example", password: PASSWORD }, ip: "203.0.113.9" });
    const unknownProblem = await expectProblem(unknown, 401, "sign-in-failed");
    for (let i = 0; i < 5; i++) {
      const wrong = await call("POST", "/v1/session", { body: { email: "locked@acme.example", password: `wrong ${i} passphrase` }, ip: `203.0.113.${10 + i}` });
      assert.deepEqual(await expectProblem(wrong, 401, "sign-in-failed"), unknownProblem);
    }
    const locked = await call("POST", "/v1/session", { body: { email: "locked@acme.example", password: PASSWORD }, ip: "203.0.113.50" });
    await expectProblem(locked, 429, "too-many-sign-ins");
    assert.equal(locked.headers.get("retry-after"), "900");
    // Another person is not locked out by it.
    await signIn("cookie@acme.example", PASSWORD, "203.0.113.51");
  });

  test("a session cookie from another site's page cannot change anything", async () => {
    const cookie = await signIn("admin@acme.example");
    for (const origin of ["https://evil.example", null]) {
      const refused = await call("POST", "/v1/tokens", { as: cookie, body: { name: "csrf" }, origin });
      await expectProblem(refused, 403, "cross-site");
    }
    const viaFetchMetadata = await fetch(`${stack.url}/v1/tokens`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site", Origin: stack.url },
      body: JSON.stringify({ name: "csrf" }),
    });
    await expectProblem(viaFetchMetadata, 403, "cross-site");
    const signInFromElsewhere = await call("POST", "/v1/session", { body: { email: "admin@acme.example", password: PASSWORD }, origin: "https://evil.example" });
    await expectProblem(signInFromElsewhere, 403, "cross-site");
    const [{ n }] = await stack.d1("SELECT count(*) AS n FROM api_tokens WHERE name = 'csrf'");
    assert.equal(n, 0);
    assert.equal((await call("POST", "/v1/tokens", { as: cookie, body: { name: "same site" } })).status, 201);
  });

  test("an expired session stops working; an hour-old token is replaced and the old one stops working", async () => {
    const expiring = await signIn("cookie@acme.example");
    await stack.d1(`UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000Z' WHERE account_id = (SELECT id FROM accounts WHERE email = 'cookie@acme.example')`);
    await expectProblem(await call("GET", "/v1/session", { as: expiring }), 401, "unauthorized");

    const aging = await signIn("cookie@acme.example");
    await stack.d1(`UPDATE sessions SET created_at = '2020-01-01T00:00:00.000Z' WHERE expires_at > '2021-01-01'
      AND account_id = (SELECT id FROM accounts WHERE email = 'cookie@acme.example')`);
    const rotated = await call("GET", "/v1/session", { as: aging });
    assert.equal(rotated.status, 200);
    const fresh = rotated.headers.get("set-cookie").split(";")[0];
    assert.notEqual(fresh, aging);
    await expectProblem(await call("GET", "/v1/session", { as: aging }), 401, "unauthorized");
    assert.equal((await call("GET", "/v1/session", { as: fresh })).status, 200);
    assert.equal((await call("GET", "/v1/session", { as: fresh })).headers.get("set-cookie"), null, "a fresh token is kept");
  });

  test("signing out ends the session and clears the cookie", async () => {
    const cookie = await signIn("cookie@acme.example");
    const out = await call("DELETE", "/v1/session", { as: cookie });
    assert.equal(out.status, 204);
    assert.match(out.headers.get("set-cookie"), /^embudo_session=; .*Max-Age=0/);
    await expectProblem(await call("GET", "/v1/session", { as: cookie }), 401, "unauthorized");
  });
});

describe("API tokens", () => {
  test("are shown once, act as their person, list without secrets, and stop working when revoked", async () => {
    const cookie = await signIn("viewer@acme.example", await passwordOf("viewer@acme.example"));
    const made = await (await call("POST", "/v1/tokens", { as: cookie, body: { name: "weekly report" } })).json();
    assert.match(made.token, /^emt_[0-9a-f]{64}$/);
    const leads = await call("GET", "/v1/leads", { as: made.token });
    assert.equal(leads.status, 200);
    const listed = await (await call("GET", "/v1/tokens", { as: made.token })).json();
    assert.deepEqual(listed.tokens.map((t) => [t.id, t.name, t.revoked_at]), [[made.id, "weekly report", null]]);
    assert.ok(!JSON.stringify(listed).includes(made.token.slice(4)), "no secret in the list");
    // A token acts with its person's roles: a viewer's cannot administer.
    await expectProblem(await call("GET", "/v1/sites/acme-growth/webhooks", { as: made.token }), 403, "forbidden");
    assert.equal((await call("DELETE", `/v1/tokens/${made.id}`, { as: cookie })).status, 204);
    await expectProblem(await call("GET", "/v1/leads", { as: made.token }), 401, "unauthorized");
    await expectProblem(await call("DELETE", `/v1/tokens/${made.id}`, { as: cookie }), 404, "not-found");
    await expectProblem(await call("GET", "/v1/leads", { as: "emt_" + "0".repeat(64) }), 401, "unauthorized");
  });
});

/**
 * The password to sign `email` in with: PASSWORD. An account whose password
 * was made up (and shown once, in another test) is given PASSWORD's hash
 * straight in D1.
 */
async function passwordOf(email) {
  await stack.d1(`UPDATE accounts SET password_hash = (SELECT password_hash FROM accounts WHERE email = 'admin@acme.example')
    WHERE email = '${email}'`);
  return PASSWORD;
}

describe("roles", () => {
  test("each role gets exactly its routes, on its own site only", async () => {
    for (const role of ["marketing", "sales"]) await account(`${role}@acme.example`, [{ site: "acme-growth", role }]);
    await account("outsider@globex.example", [{ site: "globex", role: "admin" }]);
    const routes = [
      ["GET", "/v1/sites/acme-growth/consents/verify"],
      ["GET", "/v1/sites/acme-growth/deliveries"],
      ["GET", "/v1/sites/acme-growth/webhooks"],
      ["GET", "/v1/accounts"],
    ];
    const expected = {
      "admin@acme.example": [200, 200, 200, 200],
      "marketing@acme.example": [200, 200, 403, 200],
      "sales@acme.example": [200, 403, 403, 200],
      "viewer@acme.example": [200, 403, 403, 200],
      "outsider@globex.example": [403, 403, 403, 200],
    };
    for (const [email, statuses] of Object.entries(expected)) {
      const cookie = await signIn(email, await passwordOf(email));
      const got = [];
      for (const [method, path] of routes) got.push((await call(method, path, { as: cookie })).status);
      assert.deepEqual(got, statuses, email);
      const leads = (await (await call("GET", "/v1/leads", { as: cookie })).json()).leads.map((l) => l.site_id);
      const sites = [...new Set(leads)];
      assert.deepEqual(sites, email.endsWith("globex.example") ? ["globex"] : ["acme-growth"], `${email} sees only its site's leads`);
    }
    const everything = (await (await call("GET", "/v1/leads", { as: stack.token })).json()).leads.map((l) => l.site_id);
    assert.deepEqual([...new Set(everything)].sort(), ["acme-growth", "globex"], "the operator sees every site");
  });
});

describe("the audit log", () => {
  test("records sign-ins, accounts and tokens, with who did them", async () => {
    const rows = await stack.d1("SELECT actor, action, subject FROM audit_log ORDER BY id");
    const actions = new Set(rows.map((r) => r.action));
    for (const action of ["account-created", "sign-in", "sign-out", "token-created", "token-revoked"]) {
      assert.ok(actions.has(action), `${action} in ${[...actions]}`);
    }
    const first = rows.find((r) => r.action === "account-created");
    assert.deepEqual(first, { actor: "operator", action: "account-created", subject: "admin@acme.example" });
    assert.equal(rows.filter((r) => r.action === "token-revoked").length, 1, "the refused second revocation left no entry");
  });
});
