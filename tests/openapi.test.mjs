// The OpenAPI document against the real Worker: every documented operation
// is called (a test fails if one is not), and every answer must have a
// documented status, a documented content type and a body that fits the
// documented schema. Together with the edge's unit test comparing the
// document's paths to its route table, route and document cannot disagree.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, mqlAnswers, submission, visitorAddress } from "./support/requests.mjs";

const DOCUMENT = resolve(import.meta.dirname, "..", "edge", "api", "openapi.json");
const METHODS = ["get", "post", "put", "patch", "delete", "options"];

let stack;
let doc;
let ajv;
before(async () => {
  doc = JSON.parse(await readFile(DOCUMENT, "utf8"));
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, "openapi");
  stack = await startStack();
  await stack.d1(`INSERT INTO webhooks (id, site_id, url) VALUES ('crm', 'acme-growth', 'http://127.0.0.1:9/hook')`);
});
after(async () => {
  await stack?.stop();
});

/** The documented operation `method` on `path` (an OpenAPI path template). */
function operation(template, method) {
  return doc.paths[template]?.[method];
}

/** A response object, with a `$ref` to the shared responses followed. */
function responseObject(op, status) {
  const found = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!found?.$ref) return found;
  return doc.components.responses[found.$ref.split("/").at(-1)];
}

const exercised = new Set();

/**
 * Sends a request to a documented operation and checks the answer against
 * the document. Returns the response (body already read into `.body`).
 */
async function call(template, method, path, init = {}) {
  const op = operation(template, method);
  assert.ok(op, `${method.toUpperCase()} ${template} is documented`);
  exercised.add(`${method} ${template}`);
  const response = await fetch(`${stack.url}${path}`, { method: method.toUpperCase(), redirect: "manual", ...init });
  const text = await response.text();
  const where = `${method.toUpperCase()} ${path} → ${response.status}`;
  const documented = responseObject(op, response.status);
  assert.ok(documented, `${where} is not a documented status: ${text.slice(0, 300)}`);
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  if (!documented.content) {
    assert.equal(text, "", `${where}: documented without a body`);
  } else {
    assert.ok(type in documented.content, `${where}: ${type} is not documented (${Object.keys(documented.content)})`);
    if (type.endsWith("json")) {
      const pointer = jsonPointer(op, response.status, type);
      const validate = ajv.getSchema(`openapi#${pointer}`);
      assert.ok(validate, `no schema at ${pointer}`);
      assert.ok(validate(JSON.parse(text)), `${where}: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
    }
  }
  for (const name of Object.keys(documented.headers ?? {})) {
    if (["Retry-After", "Allow", "WWW-Authenticate", "Location", "ETag"].includes(name)) {
      assert.ok(response.headers.get(name), `${where}: documented header ${name} is missing`);
    }
  }
  response.body_text = text;
  return response;
}

/** The JSON pointer (inside the document) of a response's schema. */
function jsonPointer(op, status, type) {
  const escape = (s) => s.replaceAll("~", "~0").replaceAll("/", "~1");
  const [template, method] = Object.entries(doc.paths)
    .flatMap(([t, item]) => METHODS.filter((m) => item[m] === op).map((m) => [t, m]))[0];
  const key = op.responses[String(status)] ? String(status) : op.responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : "default";
  const ref = op.responses[key].$ref;
  const base = ref ? ref.slice(1) : `/paths/${escape(template)}/${method}/responses/${key}`;
  return `${base}/content/${escape(type)}/schema`;
}

const json = (body, more = {}) => ({
  headers: { "Content-Type": "application/json", Origin: stack.url, "CF-Connecting-IP": visitorAddress(), ...more },
  body,
});
const asAdmin = (token = stack.token) => ({ headers: { Authorization: `Bearer ${token}` } });

test("the document is served at /v1/openapi.json as written", async () => {
  const response = await call("/v1/openapi.json", "get", "/v1/openapi.json");
  assert.deepEqual(JSON.parse(response.body_text), doc);
});

test("the form spec answers as documented", async () => {
  const first = await call("/v1/forms/{form}", "get", "/v1/forms/demo-ebook");
  await call("/v1/forms/{form}", "get", "/v1/forms/demo-ebook", { headers: { "If-None-Match": first.headers.get("etag") } });
  await call("/v1/forms/{form}", "get", "/v1/forms/no-such-form");
});

test("submissions answer as documented, success and every refusal", async () => {
  const S = "/v1/forms/{form}/submissions";
  const id = randomUUID();
  const valid = submission(mqlAnswers("oas@acme.example"), ["content"], "es", { id });
  const stored = await call(S, "post", SUBMISSIONS, json(valid));
  assert.equal(stored.status, 201);
  const replay = await call(S, "post", SUBMISSIONS, json(valid));
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const statuses = [
    (await call(S, "post", SUBMISSIONS, json("{not json"))).status,
    (await call(S, "post", SUBMISSIONS, json(valid, { Origin: "https://evil.example" }))).status,
    (await call(S, "post", "/v1/forms/no-such-form/submissions", json(valid))).status,
    (await call(S, "post", SUBMISSIONS, json(submission(mqlAnswers("other@acme.example"), ["content"], "es", { id })))).status,
    (await call(S, "post", SUBMISSIONS, json(JSON.stringify({ fields: { email: "x".repeat(20_000) } })))).status,
    (await call(S, "post", SUBMISSIONS, { ...json(valid), headers: { ...json(valid).headers, "Content-Type": "text/plain" } })).status,
    (await call(S, "post", SUBMISSIONS, json(submission({ email: "not-an-email" })))).status,
  ];
  assert.deepEqual(statuses, [400, 403, 404, 409, 413, 415, 422]);

  const address = visitorAddress();
  let last;
  for (let i = 0; i < 11; i++) {
    last = await call(S, "post", SUBMISSIONS, json(submission({ email: `burst${i}@acme.example`, first_name: "B" }), { "CF-Connecting-IP": address }));
  }
  assert.equal(last.status, 429);

  const preflight = { "Access-Control-Request-Method": "POST" };
  assert.equal((await call(S, "options", SUBMISSIONS, { headers: { Origin: stack.url, ...preflight } })).status, 204);
  assert.equal((await call(S, "options", SUBMISSIONS, { headers: { Origin: "https://evil.example", ...preflight } })).status, 403);
});

test("a returning visitor's known fields answer as documented", async () => {
  const answer = JSON.parse((await call("/v1/forms/{form}/submissions", "post", SUBMISSIONS, json(submission(mqlAnswers("again@acme.example"))))).body_text);
  assert.match(answer.visitor, /^\d+\.\d+\.[0-9a-f]{64}$/);
  const K = "/v1/forms/{form}/known";
  const known = await call(K, "get", `/v1/forms/demo-ebook/known?visitor=${answer.visitor}`, { headers: { Origin: stack.url } });
  assert.equal(known.status, 200);
  assert.ok(JSON.parse(known.body_text).known.includes("job_role"));
  assert.equal((await call(K, "get", `/v1/forms/demo-ebook/known?visitor=${answer.visitor.replace(/.$/, "x")}`)).status, 403);
});

test("offer links answer as documented", async () => {
  const answer = JSON.parse((await call("/v1/forms/{form}/submissions", "post", SUBMISSIONS, json(submission({ email: "links@acme.example", first_name: "L" })))).body_text);
  const O = "/v1/offers/{form}/{submission}";
  assert.equal((await call(O, "get", answer.offer.url)).status, 302);
  assert.equal((await call(O, "get", answer.offer.url.replace(/sig=./, "sig=x"))).status, 403);
  const past = Math.floor(Date.now() / 1000) - 60;
  const sig = createHmac("sha256", stack.offerKey).update(`demo-ebook\n${answer.submission_id}\n${past}`).digest("hex");
  assert.equal((await call(O, "get", `/v1/offers/demo-ebook/${answer.submission_id}?expires=${past}&sig=${sig}`)).status, 410);
});

test("the visitor's consent page answers as documented", async () => {
  const answer = JSON.parse((await call("/v1/forms/{form}/submissions", "post", SUBMISSIONS, json(submission({ email: "propias@acme.example", first_name: "P" }, ["content", "newsletter"])))).body_text);
  const C = "/v1/consents/{submission}";
  const form = (consent) => ({ headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(consent).toString() });
  assert.equal((await call(C, "get", answer.consent_page)).status, 200);
  assert.equal((await call(C, "get", answer.consent_page.replace(/sig=./, "sig=x"))).status, 403);
  assert.equal((await call(C, "post", answer.consent_page, form({ consent: "newsletter" }))).status, 303);
  assert.equal((await call(C, "post", answer.consent_page, form({ consent: "sales" }))).status, 409);
  assert.equal((await call(C, "post", answer.consent_page, form({}))).status, 400);
  assert.equal((await call(C, "post", answer.consent_page, json("{}"))).status, 415);
  assert.equal((await call(C, "post", answer.consent_page.replace(/sig=./, "sig=x"), form({ consent: "content" }))).status, 403);
  const big = { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `consent=${"x".repeat(17 * 1024)}` };
  assert.equal((await call(C, "post", answer.consent_page, big)).status, 413);
});

test("admin routes answer as documented, with and without the token", async () => {
  const admin = [
    ["/v1/leads", "/v1/leads"],
    ["/v1/sites/{site}/consents/verify", "/v1/sites/acme-growth/consents/verify"],
    ["/v1/sites/{site}/deliveries", "/v1/sites/acme-growth/deliveries"],
    ["/v1/sites/{site}/webhooks", "/v1/sites/acme-growth/webhooks"],
    ["/v1/sites/{site}/funnel", "/v1/sites/acme-growth/funnel"],
  ];
  for (const [template, path] of admin) {
    assert.equal((await call(template, "get", path, asAdmin())).status, 200, path);
    assert.equal((await call(template, "get", path)).status, 401, path);
  }
  assert.equal((await call("/v1/leads", "get", "/v1/leads?limit=0", asAdmin())).status, 400);
});

test("people and tokens answer as documented", async () => {
  const operator = { Authorization: `Bearer ${stack.token}` };
  const newAdmin = JSON.stringify({ email: "oas-admin@acme.example", name: "Oas", memberships: [{ site: "acme-growth", role: "admin" }] });
  const made = await call("/v1/accounts", "post", "/v1/accounts", json(newAdmin, operator));
  assert.equal(made.status, 201);
  const { password } = JSON.parse(made.body_text);
  assert.equal((await call("/v1/accounts", "post", "/v1/accounts", json(newAdmin, operator))).status, 409);
  assert.equal((await call("/v1/accounts", "get", "/v1/accounts", asAdmin())).status, 200);

  const S = "/v1/session";
  const wrong = await call(S, "post", S, json(JSON.stringify({ email: "oas-admin@acme.example", password: "not the password at all" })));
  assert.equal(wrong.status, 401);
  const signed = await call(S, "post", S, json(JSON.stringify({ email: "oas-admin@acme.example", password })));
  assert.equal(signed.status, 200);
  const cookie = { Cookie: signed.headers.get("set-cookie").split(";")[0], Origin: stack.url };
  assert.equal((await call(S, "get", S, { headers: cookie })).status, 200);
  assert.equal((await call(S, "get", S)).status, 401);

  const T = "/v1/tokens";
  const token = await call(T, "post", T, { headers: { ...cookie, "Content-Type": "application/json" }, body: JSON.stringify({ name: "oas" }) });
  assert.equal(token.status, 201);
  const { id } = JSON.parse(token.body_text);
  assert.equal((await call(T, "get", T, { headers: cookie })).status, 200);
  const R = "/v1/tokens/{token}";
  assert.equal((await call(R, "delete", `/v1/tokens/${id}`, { headers: cookie })).status, 204);
  assert.equal((await call(R, "delete", `/v1/tokens/${id}`, { headers: cookie })).status, 404);
  assert.equal((await call(S, "delete", S, { headers: cookie })).status, 204);
});

test("sites, members and one-time sign-in tokens answer as documented", async () => {
  const operator = { Authorization: `Bearer ${stack.token}` };
  assert.equal((await call("/v1/sites", "get", "/v1/sites", asAdmin())).status, 200);
  assert.equal((await call("/v1/sites", "post", "/v1/sites", json(JSON.stringify({ id: "oas-site", name: "OAS" }), operator))).status, 201);
  assert.equal((await call("/v1/sites", "post", "/v1/sites", json(JSON.stringify({ id: "oas-site", name: "OAS" }), operator))).status, 409);
  assert.equal((await call("/v1/sites", "post", "/v1/sites", json(JSON.stringify({ id: "OAS" }), operator))).status, 400);
  const P = "/v1/sites/{site}";
  const patch = (path, body) => call(P, "patch", path, { method: "PATCH", ...json(JSON.stringify(body), operator) });
  assert.equal((await patch("/v1/sites/oas-site", { allowed_origins: ["https://oas.example"] })).status, 200);
  assert.equal((await patch("/v1/sites/oas-site", { allowed_origins: ["oas.example"] })).status, 400);
  assert.equal((await patch("/v1/sites/no-such-site", { name: "x" })).status, 404);
  const made = JSON.parse((await call("/v1/accounts", "post", "/v1/accounts", json(JSON.stringify({ email: "oas-member@acme.example", name: "M", memberships: [{ site: "oas-site", role: "admin" }] }), operator))).body_text);
  const M = "/v1/sites/{site}/members/{account}";
  const put = (body) => call(M, "put", `/v1/sites/oas-site/members/${made.id}`, { method: "PUT", ...json(JSON.stringify(body), operator) });
  assert.equal((await put({ role: "viewer" })).status, 409, "the site's only admin");
  assert.equal((await put({ role: "admin" })).status, 200);
  assert.equal((await put({ role: "owner" })).status, 400);
  assert.equal((await call(M, "delete", `/v1/sites/oas-site/members/${made.id}`, asAdmin())).status, 409);
  assert.equal((await call(M, "delete", "/v1/sites/oas-site/members/999999", asAdmin())).status, 404);
  const O = "/v1/accounts/{account}/sign-in-tokens";
  const minted = await call(O, "post", `/v1/accounts/${made.id}/sign-in-tokens`, asAdmin());
  assert.equal(minted.status, 201);
  assert.equal((await call(O, "post", "/v1/accounts/999999/sign-in-tokens", asAdmin())).status, 404);
  const S = "/v1/session";
  const { token } = JSON.parse(minted.body_text);
  assert.equal((await call(S, "post", S, json(JSON.stringify({ token })))).status, 200);
  assert.equal((await call(S, "post", S, json(JSON.stringify({ token })))).status, 401);
});

test("a lead's page, stage moves, notes and consent withdrawals answer as documented", async () => {
  const answer = JSON.parse((await call("/v1/forms/{form}/submissions", "post", SUBMISSIONS, json(submission(mqlAnswers("work@acme.example"))))).body_text);
  assert.ok(answer.submission_id);
  const [{ id }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'work@acme.example'");
  const L = "/v1/leads/{lead}";
  assert.equal((await call(L, "get", `/v1/leads/${id}`, asAdmin())).status, 200);
  assert.equal((await call(L, "get", "/v1/leads/999999", asAdmin())).status, 404);
  assert.equal((await call(L, "get", "/v1/leads/506631433671145569", asAdmin())).status, 404, "past what D1 can name: none");
  assert.equal((await call(L, "get", `/v1/leads/${id}`)).status, 401);
  const operator = { Authorization: `Bearer ${stack.token}` };
  const M = "/v1/leads/{lead}/stage";
  assert.equal((await call(M, "post", `/v1/leads/${id}/stage`, json(JSON.stringify({ to: "sql", note: "demo booked" }), operator))).status, 200);
  assert.equal((await call(M, "post", `/v1/leads/${id}/stage`, json(JSON.stringify({ to: "sql" }), operator))).status, 409);
  assert.equal((await call(M, "post", `/v1/leads/${id}/stage`, json(JSON.stringify({ to: "nowhere" }), operator))).status, 400);
  const N = "/v1/leads/{lead}/notes";
  assert.equal((await call(N, "post", `/v1/leads/${id}/notes`, json(JSON.stringify({ text: "asked for a quote" }), operator))).status, 201);
  assert.equal((await call(N, "post", `/v1/leads/${id}/notes`, json(JSON.stringify({ text: "" }), operator))).status, 400);
  const C = "/v1/leads/{lead}/consents/withdrawals";
  const withdrawing = (body) => call(C, "post", `/v1/leads/${id}/consents/withdrawals`, json(JSON.stringify(body), operator));
  assert.equal((await withdrawing({ consent: "content" })).status, 201);
  assert.equal((await withdrawing({ consent: "content" })).status, 409);
  assert.equal((await withdrawing({ consent: "content", why: "asked" })).status, 400);
});

test("webhook settings, test events and retries answer as documented", async () => {
  const operator = { Authorization: `Bearer ${stack.token}` };
  const W = "/v1/sites/{site}/webhooks";
  const hook = JSON.stringify({ id: "oas-hook", url: "https://crm.example/hook", stages: ["mql"] });
  assert.equal((await call(W, "post", "/v1/sites/acme-growth/webhooks", json(hook, operator))).status, 200);
  assert.equal((await call(W, "post", "/v1/sites/acme-growth/webhooks", json(hook, operator))).status, 400);
  const C = "/v1/sites/{site}/webhooks/{webhook}";
  const patch = (path, body) => call(C, "patch", path, json(JSON.stringify(body), operator));
  assert.equal((await patch("/v1/sites/acme-growth/webhooks/oas-hook", { active: false })).status, 200);
  assert.equal((await patch("/v1/sites/acme-growth/webhooks/none", { active: false })).status, 404);
  const T = "/v1/sites/{site}/webhooks/{webhook}/test";
  assert.equal((await call(T, "post", "/v1/sites/acme-growth/webhooks/crm/test", asAdmin())).status, 200);
  assert.equal((await call(T, "post", "/v1/sites/acme-growth/webhooks/none/test", asAdmin())).status, 404);
  const S = "/v1/sites/{site}/webhooks/{webhook}/secret";
  assert.equal((await call(S, "post", "/v1/sites/acme-growth/webhooks/oas-hook/secret", asAdmin())).status, 200);
  const roll = (path, body) => call(S, "post", path, json(JSON.stringify(body), operator));
  assert.equal((await roll("/v1/sites/acme-growth/webhooks/oas-hook/secret", { previous_valid_hours: 0 })).status, 200);
  assert.equal((await roll("/v1/sites/acme-growth/webhooks/oas-hook/secret", { previous_valid_hours: 169 })).status, 400);
  assert.equal((await roll("/v1/sites/acme-growth/webhooks/none/secret", {})).status, 404);
  const R = "/v1/sites/{site}/deliveries/{delivery}/retry";
  assert.equal((await call(R, "post", "/v1/sites/acme-growth/deliveries/none/retry", asAdmin())).status, 404);
  await stack.d1(`INSERT INTO deliveries (id, event_id, webhook_id, site_id, lead_id, event, payload, status)
    SELECT 'evt_oas:crm', 'evt_oas', 'crm', 'acme-growth', id, 'lead.mql', '{}', 'dead' FROM leads LIMIT 1`);
  assert.equal((await call(R, "post", "/v1/sites/acme-growth/deliveries/evt_oas:crm/retry", asAdmin())).status, 202);
  assert.equal((await call(R, "post", "/v1/sites/acme-growth/deliveries/evt_oas:crm/retry", asAdmin())).status, 409);
});

test("a person's export answers as documented", async () => {
  const operator = { Authorization: `Bearer ${stack.token}` };
  const P = "/v1/sites/{site}/people/export";
  const found = await call(P, "post", "/v1/sites/acme-growth/people/export", json(JSON.stringify({ email: "OAS@acme.example" }), operator));
  assert.equal(found.status, 200);
  assert.equal(JSON.parse(found.body_text).leads.length, 1);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/people/export", json(JSON.stringify({ email: "nobody" }), operator))).status, 400);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/people/export", json(JSON.stringify({ email: "x@acme.example" })))).status, 401);
});

test("a person's erasure answers as documented", async () => {
  const operator = { Authorization: `Bearer ${stack.token}` };
  const P = "/v1/sites/{site}/people/erase";
  const sent = await fetch(`${stack.url}${SUBMISSIONS}`, { method: "POST", ...json(submission({ email: "olvido@acme.example", first_name: "Olvido" })) });
  assert.equal(sent.status, 201);
  const erased = await call(P, "post", "/v1/sites/acme-growth/people/erase", json(JSON.stringify({ email: "olvido@acme.example" }), operator));
  assert.equal(erased.status, 200);
  assert.equal(JSON.parse(erased.body_text).erased.length, 1);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/people/erase", json(JSON.stringify({ email: "nobody" }), operator))).status, 400);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/people/erase", json(JSON.stringify({ email: "x@acme.example" })))).status, 401);
});

test("forms, previews and re-scoring answer as documented", async () => {
  const admin = { Authorization: `Bearer ${stack.token}` };
  const F = "/v1/sites/{site}/forms/{form}";
  assert.equal((await call("/v1/sites/{site}/forms", "get", "/v1/sites/acme-growth/forms", asAdmin())).status, 200);
  assert.equal((await call("/v1/sites/{site}/forms", "get", "/v1/sites/acme-growth/forms")).status, 401);
  const shown = await call(F, "get", "/v1/sites/acme-growth/forms/demo-ebook", asAdmin());
  assert.equal(shown.status, 200);
  assert.equal((await call(F, "get", "/v1/sites/acme-growth/forms/nope", asAdmin())).status, 404);
  const { spec } = JSON.parse(shown.body_text);
  const put = (path, body) => call(F, "put", path, { method: "PUT", ...json(JSON.stringify(body), admin) });
  assert.equal((await put("/v1/sites/acme-growth/forms/oas-form", { name: "OAS", spec: { ...spec, id: "oas-form", revision: 1 } })).status, 201);
  assert.equal((await put("/v1/sites/acme-growth/forms/demo-ebook", { name: "E-book", spec })).status, 200);
  assert.equal((await put("/v1/sites/acme-growth/forms/demo-ebook", { name: "E-book", spec })).status, 409);
  assert.equal((await put("/v1/sites/acme-growth/forms/demo-ebook", { name: "E-book", spec: { ...spec, locales: ["es"] } })).status, 422);
  assert.equal((await put("/v1/sites/acme-growth/forms/demo-ebook", { name: "" })).status, 400);
  const P = "/v1/sites/{site}/forms/{form}/preview";
  const sample = { fields: { email: "oas@globex.example", first_name: "O" }, consents: { content: true } };
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/forms/demo-ebook/preview", json(JSON.stringify({ submission: sample }), admin))).status, 200);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/forms/demo-ebook/preview", json(JSON.stringify({ submission: { fields: {} } }), admin))).status, 200);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/forms/demo-ebook/preview", json(JSON.stringify({}), admin))).status, 400);
  assert.equal((await call(P, "post", "/v1/sites/acme-growth/forms/demo-ebook/preview", json(JSON.stringify({ spec: { ...spec, locales: [] }, submission: sample }), admin))).status, 422);
  const R = "/v1/sites/{site}/forms/{form}/rescore";
  const started = await call(R, "post", "/v1/sites/acme-growth/forms/demo-ebook/rescore", json("", admin));
  assert.equal(started.status, 202);
  assert.equal((await call(R, "post", "/v1/sites/acme-growth/forms/nope/rescore", json("", admin))).status, 404);
  const G = "/v1/sites/{site}/rescores/{rescore}";
  assert.equal((await call(G, "get", `/v1/sites/acme-growth/rescores/${JSON.parse(started.body_text).id}`, asAdmin())).status, 200);
  assert.equal((await call(G, "get", "/v1/sites/acme-growth/rescores/rsc_nope", asAdmin())).status, 404);
});

test("exports answer as documented", async () => {
  const E = "/v1/exports/leads";
  const csv = await call(E, "get", "/v1/exports/leads", asAdmin());
  assert.equal(csv.status, 200);
  assert.match(csv.body_text, /^id,site,email,stage,/);
  assert.equal((await call(E, "get", "/v1/exports/leads?format=json", asAdmin())).status, 200);
  assert.equal((await call(E, "get", "/v1/exports/leads?format=xls", asAdmin())).status, 400);
  assert.equal((await call(E, "get", "/v1/exports/leads")).status, 401);
});

test("a method a path does not serve is a documented 405 naming the ones it does", async () => {
  for (const [template, item] of Object.entries(doc.paths)) {
    const path = template.replace(/\{[^}]+\}/g, "x1");
    const unserved = ["put", "patch", "delete"].find((m) => !item[m]).toUpperCase();
    const response = await fetch(`${stack.url}${path}`, { method: unserved });
    assert.equal(response.status, 405, `${unserved} ${path}`);
    const allowed = response.headers.get("allow").split(", ").map((m) => m.toLowerCase()).sort();
    assert.deepEqual(allowed, METHODS.filter((m) => item[m]).sort(), `Allow of ${template}`);
  }
  // A method the runtime does not know is not read as GET: no sites listed.
  for (const method of ["QUERY", "PROPFIND"]) {
    const response = await fetch(`${stack.url}/v1/sites`, { method, headers: { Authorization: `Bearer ${stack.token}` } });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "GET, POST");
  }
});

test("every documented operation was called above", () => {
  const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
    METHODS.filter((m) => item[m]).map((m) => `${m} ${template}`),
  );
  assert.deepEqual(documented.filter((op) => !exercised.has(op)), []);
});
