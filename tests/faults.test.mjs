// D1 failing under a submission, against wrangler dev and a local D1 with
// the test-only fault-injection build: passing failures are retried inside
// the edge; when D1 stays down the visitor is told 503 + Retry-After and
// nothing is half-written; the same submission sent again is stored once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, mqlAnswers, poster, submission } from "./support/requests.mjs";

let stack;
before(async () => {
  stack = await startStack({}, { faults: true });
});
after(async () => {
  await stack?.stop();
});

const post = (...args) => poster(stack)(...args);
const withFault = (plan) => ({ "Content-Type": "application/json", "Embudo-Fault": plan });

/** Every row one submission may write, counted. */
async function rowsOf(id, email) {
  const [row] = await stack.d1(`SELECT
      (SELECT count(*) FROM submissions WHERE id = '${id}') AS submissions,
      (SELECT count(*) FROM leads WHERE email_key = '${email}') AS leads,
      (SELECT count(*) FROM consent_events WHERE submission_id = '${id}') AS consents,
      (SELECT count(*) FROM stage_changes WHERE lead_id IN (SELECT id FROM leads WHERE email_key = '${email}')) AS changes`);
  return row;
}

test("a passing D1 failure is retried inside the edge: the visitor never sees it", async () => {
  const id = randomUUID();
  const response = await post(SUBMISSIONS, submission(mqlAnswers("paula@acme.example"), ["content"], "es", { id }), withFault("d1-write=2"));
  assert.equal(response.status, 201);
  assert.deepEqual(await rowsOf(id, "paula@acme.example"), { submissions: 1, leads: 1, consents: 1, changes: 1 });
});

test("when D1 stays down: 503 with Retry-After, nothing half-written, and the retry is stored once", async () => {
  const id = randomUUID();
  const body = submission(mqlAnswers("quique@acme.example"), ["content", "sales"], "es", { id });
  const refused = await post(SUBMISSIONS, body, withFault("d1-write=all"));
  await expectProblem(refused, 503, "unavailable");
  assert.ok(Number(refused.headers.get("retry-after")) > 0, "the widget is told when to try again");
  assert.deepEqual(await rowsOf(id, "quique@acme.example"), { submissions: 0, leads: 0, consents: 0, changes: 0 });

  // The widget sends the very same submission again once D1 is back.
  const again = await post(SUBMISSIONS, body);
  assert.equal(again.status, 201);
  const replayed = await post(SUBMISSIONS, body);
  assert.equal(replayed.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(await rowsOf(id, "quique@acme.example"), { submissions: 1, leads: 1, consents: 2, changes: 1 });
});
