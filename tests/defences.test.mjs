// The edge's defences that need more than a body check, against wrangler dev
// and a local D1: the per-site, per-address rate limit, and Turnstile for a
// form that asks for it, verified against a local stand-in for Cloudflare's
// siteverify.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "./support/stack.mjs";
import { SITE_KEY, addGuardedForm, startSiteverify } from "./support/turnstile.mjs";
import { SUBMISSIONS, expectProblem, poster, submission, visitorAddress } from "./support/requests.mjs";

let stack;
let siteverify;
before(async () => {
  siteverify = await startSiteverify();
  // FORM_CACHE_SECONDS=0: a settings change below must apply at once.
  stack = await startStack({ ...siteverify.vars, FORM_CACHE_SECONDS: "0" });
  await addGuardedForm(stack);
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
    assert.deepEqual(spec.turnstile, { site_key: SITE_KEY });
  });

  test("a token siteverify accepts lets the lead in; the secret and an idempotency key are sent", async () => {
    const id = crypto.randomUUID();
    const response = await send("tina@acme.example", "pass", id);
    assert.equal(response.status, 201);
    assert.equal(await stored("tina@acme.example"), 1);
    const check = siteverify.asked.at(-1);
    assert.equal(check.secret, siteverify.secret);
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

  test("a stored submission sent again after its token expired gets its first answer, not a 403", async () => {
    // The widget's outbox resends byte for byte, minutes or days later when
    // the first answer was lost; the token's five minutes may be over.
    const id = crypto.randomUUID();
    const body = submission({ email: "late@acme.example", first_name: "Late" }, ["content"], "en", {
      id,
      context: { turnstile: `once-${id}`, elapsed_ms: 8000 },
    });
    const first = await post(GUARDED, body);
    assert.equal(first.status, 201);
    const again = await post(GUARDED, body);
    assert.equal(again.status, 201, "answered as the replay it is");
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual((await again.json()).consents, (await first.json()).consents, "the first answer's receipts");
    assert.equal(await stored("late@acme.example"), 1);
    // Not stored yet, the same expired token is still refused: fail closed.
    const other = submission({ email: "late2@acme.example", first_name: "Late" }, ["content"], "en", {
      id: crypto.randomUUID(),
      context: { turnstile: `once-${id}`, elapsed_ms: 8000 },
    });
    const refused = await expectProblem(await post(GUARDED, other), 403, "turnstile-failed");
    assert.match(refused.detail, /timeout-or-duplicate/);
    assert.equal(await stored("late2@acme.example"), 0);
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
