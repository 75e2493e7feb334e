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

test("withdrawals sent at the same moment end a grant once: one event, one audit entry, one answer recording it", async () => {
  const email = "doble-clic@acme.example";
  const answer = await (await post(SUBMISSIONS, submission(mqlAnswers(email), ["content", "newsletter"], "en"))).json();
  const [lead] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
  // Each waits 500 ms between reading the consent as given and writing its
  // withdrawal, so all of them read before any writes: staff in two tabs,
  // and the person clicking twice on their consent page.
  const pause = "pause-before-write=500";
  const staff = () =>
    fetch(`${stack.url}/v1/leads/${lead.id}/consents/withdrawals`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json", "Embudo-Fault": pause },
      body: JSON.stringify({ consent: "newsletter" }),
    });
  const click = () =>
    fetch(`${stack.url}${answer.consent_page}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Embudo-Fault": pause },
      body: "consent=newsletter",
    });
  const [first, second, clicked, clickedAgain] = await Promise.all([staff(), staff(), click(), click()]);

  const events = await stack.d1(`SELECT id, granted FROM consent_events WHERE lead_id = ${lead.id} AND consent_id = 'newsletter' ORDER BY id`);
  assert.deepEqual(events.map((e) => e.granted), [1, 0], "the grant, then one withdrawal");
  const [ended] = await stack.d1(`SELECT grant_id, withdrawal_id FROM ended_grants WHERE grant_id = ${events[0].id}`);
  assert.deepEqual(ended, { grant_id: events[0].id, withdrawal_id: events[1].id }, "the withdrawal names the grant it ended");
  const [{ entries }] = await stack.d1(`SELECT count(*) AS entries FROM audit_log WHERE action = 'consent-withdrawn' AND subject = 'lead:${lead.id}'`);
  assert.equal(entries, 1, "one audit entry");

  // Each click is told it is done; staff hear 201 only from the one that
  // recorded it, and 409 (nothing left to withdraw) otherwise.
  assert.deepEqual([clicked.status, clickedAgain.status], [303, 303]);
  const recorded = [first, second].filter((r) => r.status === 201);
  for (const refused of [first, second].filter((r) => r.status !== 201)) await expectProblem(refused, 409, "conflict");
  assert.ok(recorded.length <= 1, "no two staff answers say they recorded it");
  if (recorded.length === 1) {
    const receipt = await recorded[0].json();
    const [withdrawal] = await stack.d1(`SELECT event_hash FROM consent_events WHERE id = ${events[1].id}`);
    assert.equal(receipt.event, withdrawal.event_hash, "the receipt staff got is the withdrawal recorded");
  }
});
