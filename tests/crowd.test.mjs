// A crowd against the real stack (wrangler dev + local D1): 10,000
// visitors, 100 at a time, each trying again as the widget does until the
// edge settles its submission. With a fifth of D1's writes failing (the
// test-only fault build: half before the write commits, half after, its
// answer lost), and again while the Worker is killed and started midway,
// every submission is stored exactly once; without faults, none even needs
// a second try. CROWD_SUBMISSIONS and CROWD_CONCURRENCY change the size.
import { before, describe, test } from "node:test";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import assert from "node:assert/strict";
import { startStack } from "./support/stack.mjs";
import { caller } from "./support/people.mjs";
import { crowd } from "./support/crowd.mjs";

const COUNT = Number(process.env.CROWD_SUBMISSIONS ?? 10_000);
const CONCURRENCY = Number(process.env.CROWD_CONCURRENCY ?? 100);
const FAULTS = { "Embudo-Fault": "d1-write=20%" };

/** Where the runs' numbers go, for `make bench`'s table (BENCHMARKS.md). */
const REPORT = resolve(import.meta.dirname, "..", "target", "bench-crowd.md");

/** One line on a run for the person reading the output, and a row for the report. */
async function told(name, run) {
  const failures = Object.entries(run.passingFailures).map(([kind, n]) => `${kind} ×${n}`).join(", ") || "none";
  console.log(
    `${name}: ${run.stored} of ${run.visitors.length} stored in ${run.seconds.toFixed(1)} s ` +
      `(${run.perSecond.toFixed(1)}/s, p50 ${run.p50.toFixed(0)} ms, p99 ${run.p99.toFixed(0)} ms), ` +
      `${run.tries} posts; tried again after: ${failures}; ${run.injected} D1 faults injected, ${run.replayed} answered as replays`,
  );
  await appendFile(
    REPORT,
    `| ${name} | ${run.visitors.length} | ${CONCURRENCY} | ${run.stored} | ${run.perSecond.toFixed(1)} | ` +
      `${run.p50.toFixed(0)} | ${run.p99.toFixed(0)} | ${run.tries} | ${failures} | ${run.injected} | ${run.replayed} |\n`,
  );
}

before(async () => {
  await mkdir(dirname(REPORT), { recursive: true });
  await writeFile(
    REPORT,
    "| run | visitors | at once | stored once | stored/s | p50 ms | p99 ms | posts | tried again after | D1 faults injected | answered as replays |\n" +
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n",
  );
});

/**
 * Every visitor was told their submission was stored, and D1 holds each
 * exactly once: one submission per id, one lead per person, each consent
 * given recorded once, and a consent ledger that still verifies.
 */
async function storedOnce(stack, run) {
  const unsettled = run.answers
    .map((answer, n) => ({ answer, n }))
    .filter(({ answer, n }) => !(answer.status === 200 || answer.status === 201) || !answer.text.includes(run.visitors[n].id));
  assert.deepEqual(unsettled.slice(0, 5).map(({ answer }) => `${answer.status} ${answer.text.slice(0, 200)}`), [], `${unsettled.length} not stored`);
  assert.equal(run.stored, COUNT);
  const [held] = await stack.d1(`SELECT
      (SELECT count(*) FROM submissions) AS submissions,
      (SELECT count(DISTINCT id) FROM submissions) AS ids,
      (SELECT count(*) FROM leads) AS leads,
      (SELECT count(*) FROM consent_events) AS consents`);
  const consents = run.visitors.reduce((sum, visitor) => sum + visitor.consents, 0);
  assert.deepEqual(held, { submissions: COUNT, ids: COUNT, leads: COUNT, consents });
  const rows = await stack.d1("SELECT id FROM submissions");
  const sent = new Set(run.visitors.map((visitor) => visitor.id));
  assert.equal(rows.filter((row) => sent.has(row.id)).length, COUNT, "the stored ids are the visitors' ids");
  const verified = await caller(stack)("GET", "/v1/sites/acme-growth/consents/verify", { as: stack.token });
  const chain = await verified.json();
  assert.equal(verified.status, 200, JSON.stringify(chain));
  assert.equal(chain.intact, true, JSON.stringify(chain));
  assert.equal(chain.events, consents, "every consent event is in the chain");
}

describe(`a crowd of ${COUNT} visitors, ${CONCURRENCY} at a time`, { timeout: 30 * 60_000 }, () => {
  test("with a fifth of D1's writes failing, every submission is stored exactly once", async () => {
    const stack = await startStack({}, { faults: true });
    try {
      const run = await crowd({ url: stack.url, count: COUNT, concurrency: CONCURRENCY, headers: FAULTS });
      await told("20 % of D1 writes failing", run);
      // About a fifth of the writes failed; the edge tried again itself,
      // and a write whose answer was lost was answered as a replay.
      assert.ok(run.injected > COUNT / 10, `${run.injected} faults injected`);
      assert.ok(run.replayed > 0, "some stored writes lost their answer and were answered as replays");
      await storedOnce(stack, run);
    } finally {
      await stack.stop();
    }
  });

  test("the same while the Worker is killed and started again midway", async () => {
    const stack = await startStack({}, { faults: true });
    try {
      let restarted = null;
      const run = await crowd({
        url: stack.url,
        count: COUNT,
        concurrency: CONCURRENCY,
        headers: FAULTS,
        during: async (settled) => {
          if (settled === Math.floor(COUNT / 3) && !restarted) {
            restarted = stack.restart();
            await restarted;
          }
        },
      });
      await told("the same, the Worker killed and restarted at a third", run);
      assert.ok(restarted, "the Worker was restarted");
      assert.ok(run.injected > COUNT / 10, `${run.injected} faults injected`);
      assert.ok(run.passingFailures["no answer"] > 0, "visitors found the Worker gone and tried again");
      await storedOnce(stack, run);
    } finally {
      await stack.stop();
    }
  });

  test("without faults, every submission is stored at its first try", async () => {
    const stack = await startStack();
    try {
      const run = await crowd({ url: stack.url, count: COUNT, concurrency: CONCURRENCY });
      await told("no faults (load)", run);
      assert.deepEqual(run.passingFailures, {}, "no errors");
      await storedOnce(stack, run);
    } finally {
      await stack.stop();
    }
  });
});
