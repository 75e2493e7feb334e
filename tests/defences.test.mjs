// The edge's defences that need more than a body check, against wrangler dev
// and a local D1: the per-site, per-address rate limit, and Turnstile for a
// form that asks for it, verified against a local stand-in for Cloudflare's
// siteverify.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./support/local-server.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, poster, submission, visitorAddress } from "./support/requests.mjs";

/**
 * Stands in for siteverify: the token "pass" passes, "verify-down" makes it
 * fail as a server, anything else is refused. Records what it was asked.
 */
async function startSiteverify() {
  const asked = [];
  const server = await serve((_req, body, res) => {
    const check = JSON.parse(body);
    asked.push(check);
    if (check.response === "verify-down") {
      res.writeHead(502).end("bad gateway");
      return;
    }
    const verdict = check.secret === "test-turnstile-secret" && check.response === "pass"
      ? { success: true, "error-codes": [] }
      : { success: false, "error-codes": ["invalid-input-response"] };
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(verdict));
  });
  return { ...server, asked, url: `${server.url}/siteverify` };
}

let stack;
let siteverify;
before(async () => {
  siteverify = await startSiteverify();
  // FORM_CACHE_SECONDS=0: a settings change below must apply at once.
  stack = await startStack({ TURNSTILE_SECRET: "test-turnstile-secret", TURNSTILE_VERIFY_URL: siteverify.url, FORM_CACHE_SECONDS: "0" });
  // A second form on the demo site, the same as the demo one but asking for Turnstile.
  const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
  const guarded = { ...JSON.parse(spec), id: "guarded", turnstile: { site_key: "0x4AAAAAAAtest" } };
  const sql = JSON.stringify(guarded).replaceAll("'", "''");
  await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('guarded', 'acme-growth', 'Guarded', 1, '${sql}')`);
});
after(async () => {
  await stack?.stop();
  siteverify?.close();
});

const post = (...args) => poster(stack)(...args);
const stored = async (email) => (await stack.d1(`SELECT count(*) AS n FROM leads WHERE email_key = '${email}'`))[0].n;

describe("the rate limit", () => {
  const fromOne = (address, i) =>
    post(SUBMISSIONS, submission({ email: `rate${i}@acme.example`, first_name: "Rita" }), {
      "Content-Type": "application/json",
      "CF-Connecting-IP": address,
    });

  test("lets one address send ten submissions a minute to a site, then answers 429 with Retry-After", async () => {
    const address = visitorAddress();
    for (let i = 0; i < 10; i++) assert.equal((await fromOne(address, i)).status, 201, `submission ${i + 1}`);
    const refused = await fromOne(address, 10);
    await expectProblem(refused, 429, "rate-limited");
    assert.equal(refused.headers.get("retry-after"), "60");
    assert.equal(await stored("rate10@acme.example"), 0, "the refused submission is not stored");
    assert.equal((await fromOne(visitorAddress(), 11)).status, 201, "another visitor is not held back");
  });

  test("is higher for a site whose visitors share an address", async () => {
    await stack.d1(`UPDATE sites SET settings = '{"rate_limit":"shared"}' WHERE id = 'acme-growth'`);
    try {
      const address = visitorAddress();
      const answers = [];
      for (let i = 0; i < 15; i++) answers.push((await fromOne(address, 100 + i)).status);
      assert.deepEqual(answers, Array(15).fill(201));
    } finally {
      await stack.d1(`UPDATE sites SET settings = '{}' WHERE id = 'acme-growth'`);
    }
  });
});

describe("Turnstile", () => {
  const GUARDED = "/v1/forms/guarded/submissions";
  const send = (email, token, id = crypto.randomUUID()) =>
    post(GUARDED, submission({ email, first_name: "Tina" }, ["content"], "en", { id, context: { turnstile: token, elapsed_ms: 8000 } }));

  test("is announced to the widget with the form's site key", async () => {
    const spec = await (await fetch(`${stack.url}/v1/forms/guarded`)).json();
    assert.deepEqual(spec.turnstile, { site_key: "0x4AAAAAAAtest" });
  });

  test("a token siteverify accepts lets the lead in; the secret and an idempotency key are sent", async () => {
    const id = crypto.randomUUID();
    const response = await send("tina@acme.example", "pass", id);
    assert.equal(response.status, 201);
    assert.equal(await stored("tina@acme.example"), 1);
    const check = siteverify.asked.at(-1);
    assert.equal(check.secret, "test-turnstile-secret");
    assert.equal(check.response, "pass");
    assert.equal(check.idempotency_key, id, "a retried submission can be verified again");
    const [row] = await stack.d1(`SELECT data FROM submissions WHERE id = '${id}'`);
    assert.ok(!row.data.includes("pass"), "the token is not stored");
  });

  test("a refused or missing token is a 403 and stores nothing", async () => {
    const refused = await expectProblem(await send("forger@acme.example", "forged-token"), 403, "turnstile-failed");
    assert.match(refused.detail, /invalid-input-response/);
    await expectProblem(await send("forger@acme.example", undefined), 403, "turnstile-failed");
    assert.equal(await stored("forger@acme.example"), 0);
  });

  test("fails closed: when siteverify cannot answer, the visitor is asked to retry and nothing is stored", async () => {
    const response = await send("waiting@acme.example", "verify-down");
    await expectProblem(response, 503, "unavailable");
    assert.ok(Number(response.headers.get("retry-after")) > 0);
    assert.equal(await stored("waiting@acme.example"), 0);
  });

  test("is not asked of forms that do not enable it", async () => {
    const before = siteverify.asked.length;
    const response = await post(SUBMISSIONS, submission({ email: "libre@acme.example", first_name: "Libre" }));
    assert.equal(response.status, 201);
    assert.equal(siteverify.asked.length, before);
  });
});
