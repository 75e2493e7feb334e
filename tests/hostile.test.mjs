// Hostile input against wrangler dev + D1, in the order the issue lists it:
// XSS payloads, CSV formulas, SQL fragments, oversize bodies, bad UTF-8,
// Unicode confusables and control characters (in submissions and in every
// admin body), writes under a site that does not exist, a wrong Origin, forged and
// expired session cookies, API tokens and signed offer links. Each refused
// request gets a clear 4xx with an `application/problem+json` body (an offer
// link, which a person opens in a browser, gets its short HTML page instead),
// nothing it carries runs, and D1 is read after each: a refused request
// stored nothing, and input that is valid is stored as the inert text it was.
//
// Covered elsewhere, and not repeated here:
// - api.test.mjs: a 17 KB submission with its Content-Length (413), broken
//   JSON, unknown keys, the wrong content type, another site's Origin on a
//   submission and its preflight, a tampered and an expired offer link;
// - access.test.mjs: a session cookie sent from another site's page or from
//   one that does not say where it is, an expired session and one rotated
//   away, sign-out, revoked and made-up API tokens, wrong passwords;
// - defences.test.mjs: the rate limit and Turnstile;
// - dashboard.test.mjs: markup typed into every field shown only as text on
//   every dashboard page, the CSV download neutralising a formula;
// - leads.test.mjs: formula cells in names and companies in the CSV export.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { startStack } from "./support/stack.mjs";
import { PASSWORD, caller, makeAccount, signIn } from "./support/people.mjs";
import { SUBMISSIONS, expectProblem, poster, submission, visitorAddress } from "./support/requests.mjs";

let stack;
let call;
let post;
before(async () => {
  stack = await startStack();
  call = caller(stack);
  post = poster(stack);
  await makeAccount(stack, "admin@acme.example", [{ site: "acme-growth", role: "admin" }]);
});
after(async () => {
  await stack?.stop();
});

const quoted = (text) => `'${text.replaceAll("'", "''")}'`;

/** The stored leads whose e-mail key is `email` (lower-cased as the edge keys it). */
const leadsOf = (email) => stack.d1(`SELECT id, email, fields FROM leads WHERE email_key = ${quoted(email.toLowerCase())}`);

/** Every lead and submission row, to show a refused request added none. */
async function rows() {
  const [row] = await stack.d1("SELECT (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM submissions) AS submissions");
  return row;
}

/** Sends `send()`, expects the problem, and checks D1 gained no lead or submission. */
async function refused(send, status, type) {
  const before = await rows();
  const problem = await expectProblem(await send(), status, type);
  assert.deepEqual(await rows(), before, "nothing is stored");
  return problem;
}

/** Posts a submission of `fields` (consenting to the content) to the demo form. */
const submit = (fields, more = {}) => post(SUBMISSIONS, submission(fields, ["content"], "es", more));

/** Submits `fields`; expects it stored; returns the visitor's answer and the lead's row. */
async function stored(fields, more) {
  const response = await submit(fields, more);
  assert.equal(response.status, 201, await response.clone().text());
  const answer = await response.json();
  const [lead] = await stack.d1(`SELECT l.id, l.email, l.fields FROM leads l JOIN submissions s ON s.lead_id = l.id
    WHERE s.id = ${quoted(answer.submission_id)}`);
  return { answer, lead: { ...lead, fields: JSON.parse(lead.fields) } };
}

describe("XSS payloads", () => {
  const SCRIPT = "<script>alert(1)</script>";
  const IMAGE = `"><img src=x onerror=alert(document.cookie)>`;

  test("in a name or company are stored as the text they are, and the API answers them only as JSON", async () => {
    const { lead } = await stored({ email: "xss@acme.example", first_name: SCRIPT, company: IMAGE });
    assert.deepEqual(lead.fields, { first_name: SCRIPT, company: IMAGE });
    const shown = await call("GET", `/v1/leads/${lead.id}`, { as: stack.token });
    assert.equal(shown.status, 200);
    assert.equal(shown.headers.get("content-type"), "application/json");
    assert.equal(shown.headers.get("x-content-type-options"), "nosniff", "no browser reads it as a page");
    assert.equal((await shown.json()).fields.first_name, SCRIPT);
  });

  test("in an e-mail are refused (422) and nothing is stored", async () => {
    for (const email of [`${SCRIPT}@acme.example`, `ana@acme.example${IMAGE}`, `"<svg/onload=alert(1)>"@acme.example`]) {
      const problem = await refused(() => submit({ email, first_name: "Ana" }), 422, "invalid-fields");
      assert.deepEqual(problem.errors.map((e) => [e.field, e.code]), [["email", "invalid_email"]], email);
    }
  });

  test("in a path get a problem document, never a page that could run them", async () => {
    const paths = [`/v1/forms/${encodeURIComponent(SCRIPT)}`, `/v1/forms/${encodeURIComponent(IMAGE)}/submissions`];
    await refused(() => fetch(`${stack.url}${paths[0]}`), 404, "unknown-form");
    const problem = await fetch(`${stack.url}${paths[0]}`);
    assert.equal(problem.headers.get("x-content-type-options"), "nosniff");
    await refused(() => post(paths[1], submission({ email: "ana@acme.example", first_name: "Ana" })), 404, "unknown-form");
    // The offer link's refusal is a page, and it repeats nothing it was sent.
    const page = await fetch(`${stack.url}/v1/offers/${encodeURIComponent(SCRIPT)}/${encodeURIComponent(IMAGE)}?expires=9999999999&sig=${encodeURIComponent(SCRIPT)}`);
    assert.equal(page.status, 403);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    const html = await page.text();
    assert.ok(!html.includes("<script>alert") && !html.includes("onerror"), html);
    // So is the consent page's, and it says its policy lets nothing run.
    const consents = await fetch(`${stack.url}/v1/consents/${encodeURIComponent(SCRIPT)}?sig=${encodeURIComponent(IMAGE)}`);
    assert.equal(consents.status, 403);
    assert.match(consents.headers.get("content-security-policy"), /^default-src 'none'; style-src 'self';/);
    const text = await consents.text();
    assert.ok(!text.includes("<script>alert") && !text.includes("onerror"), text);
  });
});

describe("CSV formulas", () => {
  test("an e-mail that begins like a formula is a valid address, stored as given and exported as text", async () => {
    const { lead } = await stored({ email: "=1+2@acme.example", first_name: "Fórmula" });
    assert.equal(lead.email, "=1+2@acme.example");
    const exported = await call("GET", "/v1/exports/leads?q=%3D1%2B2", { as: stack.token });
    assert.equal(exported.headers.get("x-content-type-options"), "nosniff", "opened in a tab, it stays CSV");
    const csv = await exported.text();
    const [header, row] = csv.trim().split("\r\n");
    assert.equal(header.split(",")[2], "email");
    assert.equal(row.split(",")[2], "'=1+2@acme.example", "the spreadsheet reads text, not a sum");
  });

  test("a formula that calls a function is no e-mail address (422) and nothing is stored", async () => {
    await refused(() => submit({ email: `=HYPERLINK("http://evil.example","x")@acme.example`, first_name: "Eve" }), 422, "invalid-fields");
    await refused(() => submit({ email: "=cmd|' /C calc'!A0@acme.example", first_name: "Eve" }), 422, "invalid-fields");
  });
});

describe("SQL fragments", () => {
  const OR_TRUE = "' OR 1=1 --";
  const DROP = '"; DROP TABLE leads; --';

  test("in a name or company are stored as inert text, and every table is still there", async () => {
    const { lead } = await stored({ email: "bobby@acme.example", first_name: OR_TRUE, company: DROP });
    assert.deepEqual(lead.fields, { first_name: OR_TRUE, company: DROP });
    const tables = (await stack.d1("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name);
    for (const table of ["leads", "submissions", "consent_events", "accounts"]) assert.ok(tables.includes(table), table);
    assert.ok((await rows()).leads > 1);
  });

  test("in an e-mail are refused (422) and nothing is stored", async () => {
    for (const email of [`${OR_TRUE}@acme.example`, `x${DROP}@acme.example`, `ana@acme.example' OR '1'='1`]) {
      await refused(() => submit({ email, first_name: "Ana" }), 422, "invalid-fields");
    }
  });

  test("in the leads search they match only the lead that has them as text", async () => {
    const response = await call("GET", `/v1/leads?q=${encodeURIComponent(OR_TRUE)}`, { as: stack.token });
    assert.equal(response.status, 200);
    const { leads } = await response.json();
    assert.deepEqual(leads.map((l) => l.email), ["bobby@acme.example"], "not every lead");
  });

  test("in a path or a sign-in they name nothing and sign nobody in", async () => {
    await expectProblem(await call("GET", `/v1/leads/${encodeURIComponent("1 OR 1=1")}`, { as: stack.token }), 404, "not-found");
    await refused(() => post(`/v1/forms/${encodeURIComponent("demo-ebook' OR '1'='1")}/submissions`, submission({ email: "ana@acme.example" })), 404, "unknown-form");
    const signingIn = await call("POST", "/v1/session", { body: { email: `admin@acme.example'${OR_TRUE}`, password: `${OR_TRUE}` }, ip: visitorAddress() });
    await expectProblem(signingIn, 401, "sign-in-failed");
    assert.equal(signingIn.headers.get("set-cookie"), null);
  });
});

describe("oversize bodies", () => {
  const big = (bytes) => submission({ email: "big@acme.example", first_name: "Big", company: "x".repeat(bytes) });

  test("a submission streamed without a Content-Length is refused (413) once it passes 16 KB", async () => {
    const body = new TextEncoder().encode(big(20_000));
    const stream = new ReadableStream({
      start(controller) {
        for (let at = 0; at < body.length; at += 4096) controller.enqueue(body.slice(at, at + 4096));
        controller.close();
      },
    });
    const send = () =>
      fetch(`${stack.url}${SUBMISSIONS}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": visitorAddress() },
        body: stream,
        duplex: "half",
      });
    await refused(send, 413, "payload-too-large");
    assert.deepEqual(await leadsOf("big@acme.example"), []);
  });

  test("the admin routes and sign-in refuse one too (413), before reading it", async () => {
    const spec = JSON.stringify({ name: "Grande", spec: { id: "grande", padding: "x".repeat(17_000) } });
    await expectProblem(await call("PUT", "/v1/sites/acme-growth/forms/grande", { as: stack.token, body: JSON.parse(spec) }), 413, "payload-too-large");
    assert.deepEqual(await stack.d1("SELECT id FROM forms WHERE id = 'grande'"), []);
    const failures = () => stack.d1("SELECT count(*) AS n FROM sign_in_failures");
    const before = await failures();
    const signingIn = await call("POST", "/v1/session", { body: { email: "admin@acme.example", password: "p".repeat(17_000) }, ip: visitorAddress() });
    await expectProblem(signingIn, 413, "payload-too-large");
    assert.deepEqual(await failures(), before, "not even counted as a failed sign-in");
  });
});

describe("bad UTF-8 in a JSON body", () => {
  /** A submission whose first name's bytes are `bytes`, as a raw body. */
  const withBytes = (bytes) =>
    Buffer.concat([
      Buffer.from('{"fields":{"email":"utf@acme.example","first_name":"An'),
      Buffer.from(bytes),
      Buffer.from('a"},"consents":{"content":true}}'),
    ]);

  for (const [name, bytes] of [
    ["bytes that are no UTF-8 at all", [0xff, 0xfe]],
    ["an overlong encoding of /", [0xc0, 0xaf]],
    ["a surrogate encoded as UTF-8", [0xed, 0xa0, 0x80]],
    ["a sequence cut short", [0xe2, 0x82]],
  ]) {
    test(`${name} is refused (400) and nothing is stored`, async () => {
      await refused(() => post(SUBMISSIONS, withBytes(bytes)), 400, "malformed-json");
    });
  }

  test("a lone surrogate escape is refused (400) too", async () => {
    await refused(() => post(SUBMISSIONS, withBytes(Buffer.from("\\ud800"))), 400, "malformed-json");
  });

  test("a sign-in with bad UTF-8 is refused (400) before any password is checked", async () => {
    const failures = () => stack.d1("SELECT count(*) AS n FROM sign_in_failures");
    const before = await failures();
    const response = await fetch(`${stack.url}/v1/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: stack.url, "CF-Connecting-IP": visitorAddress() },
      body: Buffer.concat([Buffer.from('{"email":"admin@acme.example","password":"'), Buffer.from([0xff]), Buffer.from('"}')]),
    });
    await expectProblem(response, 400, "malformed-json");
    assert.deepEqual(await failures(), before, "no failed sign-in recorded: no password was tried");
  });
});

describe("Unicode confusables and control characters", () => {
  for (const [name, first_name] of [
    ["a right-to-left override (gnp.exe shown as exe.png)", "Ana\u202Egnp.exe"],
    ["a bidirectional isolate", "\u2066Ana\u2069"],
    ["a zero-width space", "An\u200Ba"],
    ["a byte order mark", "\uFEFFAna"],
    ["a NUL", "An\u0000a"],
    ["an escape sequence", "Ana\u001B[31m"],
  ]) {
    test(`a name with ${name} is refused (422, named on the field) and nothing is stored`, async () => {
      const problem = await refused(() => submit({ email: "hidden@acme.example", first_name }), 422, "invalid-fields");
      assert.deepEqual(problem.errors.map((e) => [e.field, e.code]), [["first_name", "control_characters"]]);
    });
  }

  test("an e-mail with a lookalike letter, a zero-width space, a full-width @ or a NUL is refused (422)", async () => {
    for (const email of ["\u0430na@acme.example", "ana\u200B@acme.example", "ana\uFF20acme.example", "ana@acme.example\u0000", "ana@acme.example\u202E"]) {
      const problem = await refused(() => submit({ email, first_name: "Ana" }), 422, "invalid-fields");
      assert.deepEqual(problem.errors.map((e) => e.field), ["email"], JSON.stringify(email));
    }
  });

  test("a lookalike domain is kept only in its ASCII form, never as the domain it imitates", async () => {
    const { lead } = await stored({ email: "ceo@\u0430cme.example", first_name: "Ceo" });
    assert.equal(lead.email, "ceo@xn--cme-5cd.example", "punycode shows it is not acme.example");
    assert.deepEqual(await leadsOf("ceo@acme.example"), [], "not merged into the real domain's person");
  });

  test("hidden characters in the page address the widget reports are dropped, not stored", async () => {
    const { answer } = await stored({ email: "page@acme.example", first_name: "Paz" }, { context: { page: "https://acme.example/\u202Efdp.exe", elapsed_ms: 9000 } });
    const [row] = await stack.d1(`SELECT data FROM submissions WHERE id = ${quoted(answer.submission_id)}`);
    assert.equal(JSON.parse(row.data).context.page, "https://acme.example/fdp.exe");
  });
});

describe("control characters and unknown sites in the admin API", () => {
  const count = async (table) => (await stack.d1(`SELECT count(*) AS n FROM ${table}`))[0].n;

  test("a NUL or an escape in any admin body is refused (400, naming where it is) and nothing is stored", async () => {
    const cookie = await signIn(stack, "admin@acme.example");
    const { lead } = await stored({ email: "control@acme.example", first_name: "Nora" });
    const form = await (await call("GET", "/v1/sites/acme-growth/forms/demo-ebook", { as: cookie })).json();
    const label = structuredClone(form.spec);
    label.fields[0].label.es = "Correo\u0000";
    for (const [method, path, body, where, table] of [
      ["POST", "/v1/tokens", { name: "\u0000\u00dfX" }, "name", "api_tokens"],
      ["POST", `/v1/leads/${lead.id}/notes`, { text: "call\u001B[2J back" }, "text", "notes"],
      ["PUT", "/v1/sites/acme-growth/forms/demo-ebook", { name: form.name, spec: label }, "spec.fields[0].label.es", "forms"],
    ]) {
      const before = await count(table);
      const problem = await expectProblem(await call(method, path, { as: cookie, body }), 400, "bad-body");
      assert.ok(problem.detail.startsWith(`${where}: no control characters`), `${path}: ${problem.detail}`);
      assert.equal(await count(table), before, `${path} stored nothing`);
    }
  });

  test("an operator naming a site that does not exist gets 404 on every write under it, and nothing is stored", async () => {
    const spec = { ...(await (await call("GET", "/v1/sites/acme-growth/forms/demo-ebook", { as: stack.token })).json()).spec, site: "nowhere", id: "ghost", revision: 1 };
    const [{ id: account }] = await stack.d1("SELECT id FROM accounts WHERE email = 'admin@acme.example'");
    for (const [method, path, body, table] of [
      ["POST", "/v1/sites/nowhere/webhooks", { id: "ghost-hook", url: "https://hooks.acme.example/in" }, "webhooks"],
      ["PUT", `/v1/sites/nowhere/members/${account}`, { role: "viewer" }, "memberships"],
      ["PUT", "/v1/sites/nowhere/forms/ghost", { name: "Ghost", spec }, "forms"],
    ]) {
      const before = await count(table);
      await expectProblem(await call(method, path, { as: stack.token, body }), 404, "not-found");
      assert.equal(await count(table), before, `${path} stored nothing`);
    }
  });
});

describe("a wrong Origin", () => {
  const port = () => new URL(stack.url).port;

  test("a page with no origin of its own (Origin: null) may not submit (403), and nothing is stored", async () => {
    const send = () => post(SUBMISSIONS, submission({ email: "null@acme.example", first_name: "Nul" }), { "Content-Type": "application/json", Origin: "null" });
    await refused(send, 403, "origin-refused");
  });

  test("origins that only look like an allowed one are refused (403)", async () => {
    for (const origin of [`http://127.0.0.1.evil.example:${port()}`, `https://127.0.0.1:${port()}`, `http://127.0.0.10:${port()}`, `http://localhost.evil.example:${port()}`]) {
      const send = () => post(SUBMISSIONS, submission({ email: "lookalike@acme.example", first_name: "Lo" }), { "Content-Type": "application/json", Origin: origin });
      await refused(send, 403, "origin-refused");
    }
  });

  test("a browser that says the request is cross-site, without an Origin, is refused (403)", async () => {
    const send = () => post(SUBMISSIONS, submission({ email: "crosssite@acme.example", first_name: "Cruz" }), { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" });
    await refused(send, 403, "origin-refused");
    const { answer } = await stored({ email: "returning@acme.example", first_name: "Rita" });
    const known = await fetch(`${stack.url}/v1/forms/demo-ebook/known?visitor=${answer.visitor}`, { headers: { Origin: "https://evil.example" } });
    await expectProblem(known, 403, "origin-refused");
  });
});

describe("forged and expired session cookies", () => {
  const forged = ["ems_" + randomBytes(32).toString("hex"), "' OR 1=1 --", "ems_" + "0".repeat(64) + "'--", "%00"];

  test("a forged cookie is 401 on every route, reading or writing, and changes nothing", async () => {
    const [{ id }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'bobby@acme.example'");
    for (const value of forged) {
      const as = `embudo_session=${value}`;
      await expectProblem(await call("GET", "/v1/session", { as }), 401, "unauthorized");
      await expectProblem(await call("GET", "/v1/leads", { as }), 401, "unauthorized");
      await expectProblem(await call("POST", `/v1/leads/${id}/notes`, { as, body: { text: "forged" } }), 401, "unauthorized");
    }
    assert.deepEqual(await stack.d1(`SELECT id FROM notes WHERE lead_id = ${id}`), []);
  });

  test("an API token sent as the cookie is not a session (401)", async () => {
    const cookie = await signIn(stack, "admin@acme.example", PASSWORD, visitorAddress());
    const { token } = await (await call("POST", "/v1/tokens", { as: cookie, body: { name: "script" } })).json();
    await expectProblem(await call("GET", "/v1/session", { as: `embudo_session=${token}` }), 401, "unauthorized");
  });

  test("an expired session cannot change anything: the note is refused (401) and not stored", async () => {
    const cookie = await signIn(stack, "admin@acme.example", PASSWORD, visitorAddress());
    await stack.d1(`UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000Z'`);
    const [{ id }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'bobby@acme.example'");
    await expectProblem(await call("POST", `/v1/leads/${id}/notes`, { as: cookie, body: { text: "too late" } }), 401, "unauthorized");
    await expectProblem(await call("POST", "/v1/tokens", { as: cookie, body: { name: "too late" } }), 401, "unauthorized");
    assert.deepEqual(await stack.d1(`SELECT id FROM notes WHERE text = 'too late'`), []);
    assert.deepEqual(await stack.d1(`SELECT id FROM api_tokens WHERE name = 'too late'`), []);
  });
});

describe("forged API tokens", () => {
  test("a session token, an SQL fragment or a real token with more after it is no bearer token (401)", async () => {
    const cookie = await signIn(stack, "admin@acme.example", PASSWORD, visitorAddress());
    const { token } = await (await call("POST", "/v1/tokens", { as: cookie, body: { name: "real" } })).json();
    assert.equal((await call("GET", "/v1/leads", { as: token })).status, 200, "the real token works");
    for (const forgery of [cookie.split("=")[1], "' OR 1=1 --", `${token}x`, `${token.slice(0, -1)}`, `emt_${"f".repeat(64)}`]) {
      await expectProblem(await call("GET", "/v1/leads", { as: forgery }), 401, "unauthorized");
    }
  });

  test("a forged token cannot erase anyone: 401, and the person's lead is still there", async () => {
    const erase = await call("POST", "/v1/sites/acme-growth/people/erase", { as: `emt_${randomBytes(32).toString("hex")}`, body: { email: "bobby@acme.example" } });
    await expectProblem(erase, 401, "unauthorized");
    const [lead] = await stack.d1("SELECT erased_at FROM leads WHERE email_key = 'bobby@acme.example'");
    assert.equal(lead.erased_at, null);
  });
});

describe("signed offer links", () => {
  let first;
  let second;
  before(async () => {
    first = (await stored({ email: "offer1@acme.example", first_name: "Uno" })).answer;
    second = (await stored({ email: "offer2@acme.example", first_name: "Dos" })).answer;
  });

  const sign = (key, form, submission, expires) => createHmac("sha256", key).update(`${form}\n${submission}\n${expires}`).digest("hex");
  const follow = (path) => fetch(`${stack.url}${path}`, { redirect: "manual" });

  /** Follows each link; each must be a 403 page, and neither submission's downloads counted. */
  async function refusedLinks(paths) {
    for (const path of paths) {
      const response = await follow(path);
      assert.equal(response.status, 403, path);
      assert.match(response.headers.get("content-type"), /^text\/html/);
      assert.equal(response.headers.get("location"), null);
      assert.match(await response.text(), /no es válido/);
    }
    const counts = await stack.d1(`SELECT downloads FROM submissions WHERE id IN (${quoted(first.submission_id)}, ${quoted(second.submission_id)})`);
    assert.deepEqual(counts, [{ downloads: 0 }, { downloads: 0 }], "nothing counted");
  }

  test("one submission's signature on another's link, or on another form, is refused", async () => {
    const { searchParams } = new URL(first.offer.url, stack.url);
    const query = `expires=${searchParams.get("expires")}&sig=${searchParams.get("sig")}`;
    await refusedLinks([`/v1/offers/demo-ebook/${second.submission_id}?${query}`, `/v1/offers/other-form/${first.submission_id}?${query}`]);
  });

  test("a link whose expiry was pushed later, or that was signed with another key, is refused", async () => {
    const { searchParams } = new URL(first.offer.url, stack.url);
    const later = Number(searchParams.get("expires")) + 365 * 24 * 3600;
    const id = first.submission_id;
    await refusedLinks([
      `/v1/offers/demo-ebook/${id}?expires=${later}&sig=${searchParams.get("sig")}`,
      `/v1/offers/demo-ebook/${id}?expires=${later}&sig=${sign("not the key", "demo-ebook", id, later)}`,
    ]);
  });

  test("an expiry that is no plain number, or no signature at all, is refused", async () => {
    const id = first.submission_id;
    const paths = ["1e99", "-1", "99999999999999999999999", "0x7fffffff", ""].map(
      (expires) => `/v1/offers/demo-ebook/${id}?expires=${encodeURIComponent(expires)}&sig=${sign(stack.offerKey, "demo-ebook", id, expires)}`,
    );
    paths.push(`/v1/offers/demo-ebook/${id}?expires=${new URL(first.offer.url, stack.url).searchParams.get("expires")}`);
    await refusedLinks(paths);
  });
});
