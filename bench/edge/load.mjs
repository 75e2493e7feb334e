// `make bench-edge`: how many realistic submissions per second the edge
// takes on loopback, and how fast it answers, at 1 and at 50 concurrent
// connections, beside two reference Workers built and run the same way in
// the same run: the floor (one D1 insert per submission: D1 has a single
// writer, so nothing that stores can beat it) and the ceiling (stores
// nothing). Prints a markdown table with the ratios and writes it to
// target/bench-edge.md. Build the three Workers first (scripts/bench-edge.sh).
//
// Settings (environment):
//   BENCH_CONCURRENCY  connection counts, comma-separated    (default 1,50)
//   BENCH_REQUESTS     measured requests at each count        (default 300,600)
//   BENCH_WARMUP       unmeasured requests before each run    (default 30,100)
//   BENCH_RUNS         runs per Worker and count; medians     (default 5)
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { cpus } from "node:os";
import { join } from "node:path";
import { ENV, LOGS, PARTS, ROOT, run, startWorker, WRANGLER } from "./servers.mjs";
// Quiet before measuring: wrangler dev goes on working after a Worker's last
// answer (it logs every D1 call the Worker made), and on 2 CPUs that would
// slow whichever Worker is measured next.
import { percentile, settle } from "../measure.mjs";
import { post, submission } from "../../tests/support/crowd.mjs";


/** A comma-separated list of positive integers from the environment. */
function counts(name, fallback) {
  const text = process.env[name] ?? fallback;
  const values = text.split(",").map((part) => Number(part.trim()));
  if (values.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`${name} must be positive integers separated by commas, not ${JSON.stringify(text)}`);
  }
  return values;
}

const CONCURRENCY = counts("BENCH_CONCURRENCY", "1,50");
const REQUESTS = counts("BENCH_REQUESTS", "300,600");
const WARMUP = counts("BENCH_WARMUP", "30,100");
const [RUNS] = counts("BENCH_RUNS", "5");
for (const [name, list] of [["BENCH_REQUESTS", REQUESTS], ["BENCH_WARMUP", WARMUP]]) {
  if (list.length !== CONCURRENCY.length) {
    throw new Error(`${name} needs one count per BENCH_CONCURRENCY entry (${CONCURRENCY.join(",")})`);
  }
}

// Realistic submissions (each from a different person on a different
// address) and the sending of one: tests/support/crowd.mjs, shared with the
// crowd tests.

/** Numbers every request, across Workers and runs: unique e-mails and addresses. */
let sent = 0;

/** Why an answer is not a stored submission, or null when it is one. */
function refusal(worker, { status, text }) {
  if (status < 200 || status > 299) return `${status} ${text}`;
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    return `${status} but not JSON: ${text}`;
  }
  if (typeof answer.submission_id !== "string") return `${status} without a submission_id: ${text}`;
  // The edge gives a bot a success-looking answer without receipts; a real
  // submission always has its required consent's receipt.
  if (worker.receipts && !(answer.consents?.length > 0)) return `${status} without receipts (the bot decoy?): ${text}`;
  // ... and, as deployed, its signed links and visitor token.
  if (worker.receipts && !(answer.offer && answer.visitor && answer.consent_page)) return `${status} without the signed extras: ${text}`;
  return null;
}

/** Sends `count` submissions over `concurrency` connections; times each. */
async function load(worker, agent, concurrency, count) {
  const latencies = [];
  const errors = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        sent += 1;
        const answer = await post(worker, agent, submission(sent, `${worker.url}/`));
        const why = refusal(worker, answer);
        if (why) errors.push(why);
        else worker.accepted += 1;
        latencies.push(answer.ms);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (count - errors.length) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/** The edge's ratios to the floor, and which goals they miss. */
function against(edge, floor) {
  const ratios = { throughput: edge.perSecond / floor.perSecond, p50: edge.p50 / floor.p50, p99: edge.p99 / floor.p99 };
  const missed = [];
  if (!(ratios.throughput >= 0.8)) missed.push("throughput");
  if (!(ratios.p50 <= 1.25)) missed.push("p50");
  if (!(ratios.p99 <= 1.25)) missed.push("p99");
  if (edge.errors.length > 0) missed.push("errors");
  return { ...ratios, missed, verdict: missed.length === 0 ? "met" : `NOT met (${missed.join(", ")})` };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---------------------------------------------------------------------------
// The three Workers.

async function startEdge() {
  const key = () => randomBytes(24).toString("hex");
  return startWorker({
    name: "edge",
    dir: join(ROOT, "edge"),
    // Every secret the edge takes (scripts/dev.sh names them), random for
    // each run: its answers carry what a deployed edge's do (offer link,
    // visitor token, consent page link).
    secrets: Object.fromEntries(
      ["ADMIN_TOKEN", "IP_HASH_KEY", "OFFER_LINK_KEY", "WEBHOOK_SIGNING_KEY", "VISITOR_TOKEN_KEY", "CONSENT_LINK_KEY"].map((name) => [name, key()]),
    ),
    // Migrations, the demo site and the form specs, as make dev and the tests have them.
    prepare: (state) => run(join(ROOT, "scripts", "local-d1.sh"), [state], { env: ENV }),
  });
}

async function startFloor() {
  const dir = join(ROOT, "bench", "edge", "floor");
  return startWorker({
    name: "floor",
    dir,
    prepare: (state) =>
      run(WRANGLER, ["d1", "migrations", "apply", "bench-floor", "--local", "--persist-to", state], { cwd: dir, env: ENV }),
  });
}

async function startCeiling() {
  return startWorker({ name: "ceiling", dir: join(ROOT, "bench", "edge", "ceiling") });
}

const WORKERS = [
  { key: "edge", label: "edge (embudo-edge)", database: "embudo", receipts: true, start: startEdge },
  { key: "floor", label: "floor (one D1 insert)", database: "bench-floor", receipts: false, start: startFloor },
  { key: "ceiling", label: "ceiling (stores nothing)", database: null, receipts: false, start: startCeiling },
];

// ---------------------------------------------------------------------------

/** How many errors of each status, e.g. " (500 ×12, 503 ×3)"; "" for none. */
function statuses(errors) {
  if (errors.length === 0) return "";
  const counted = kinds(errors.map((error) => error.split(" ")[0]));
  return ` (${counted.map(([status, n]) => `${status} ×${n}`).join(", ")})`;
}

/** Each distinct error with how often it came, most frequent first. */
function kinds(errors) {
  const counted = new Map();
  for (const error of errors) counted.set(error, (counted.get(error) ?? 0) + 1);
  return [...counted].sort((a, b) => b[1] - a[1]);
}

/**
 * The distinct lines of a server's output worth reading, in order of last
 * appearance: without colours, stack frames, or wrangler's complaint that
 * it cannot fetch `Request.cf` (this machine has no internet).
 */
function distinctLines(text) {
  const lines = text
    .replaceAll(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("at ") && !/Request\.cf|workers\.cloudflare\.com/.test(line));
  return [...new Set(lines.reverse())].reverse();
}

const oneLine = (text) => text.replaceAll(/\s+/g, " ").slice(0, 400);

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function main() {
  const log = (line) => process.stderr.write(`${line}\n`);
  await rm(LOGS, { recursive: true, force: true });
  await mkdir(LOGS, { recursive: true });
  for (const worker of WORKERS) {
    log(`starting ${worker.key} under wrangler dev...`);
    Object.assign(worker, await worker.start(), { accepted: 0 });
  }

  // results[key][concurrency] = [run, ...]
  const results = Object.fromEntries(WORKERS.map((w) => [w.key, Object.fromEntries(CONCURRENCY.map((c) => [c, []]))]));
  const warmupErrors = Object.fromEntries(WORKERS.map((w) => [w.key, []]));
  // How often the machine did not quieten down before a warm-up or a run.
  let busy = 0;
  for (const [level, concurrency] of CONCURRENCY.entries()) {
    for (let runIndex = 0; runIndex < RUNS; runIndex += 1) {
      // Runs interleave the Workers, each run starting with the next one, so
      // a drift in the machine's speed falls on all three alike.
      for (let k = 0; k < WORKERS.length; k += 1) {
        const worker = WORKERS[(runIndex + k) % WORKERS.length];
        const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
        const began = Date.now();
        if (!(await settle())) busy += 1;
        const warm = await load(worker, agent, concurrency, WARMUP[level]);
        warmupErrors[worker.key].push(...warm.errors);
        if (!(await settle())) busy += 1;
        const before = await worker.cpu();
        const measured = await load(worker, agent, concurrency, REQUESTS[level]);
        agent.destroy();
        // What the servers' processes spent on the run, counted once they are
        // quiet again: wrangler goes on logging after the last answer.
        if (!(await settle())) busy += 1;
        const after = await worker.cpu();
        const stored = Math.max(1, REQUESTS[level] - measured.errors.length);
        measured.cpu = Object.fromEntries(PARTS.map((name) => [name, (after[name] - before[name]) / stored]));
        measured.cpu.total = PARTS.reduce((sum, name) => sum + measured.cpu[name], 0);
        results[worker.key][concurrency].push(measured);
        log(
          `  ${worker.key.padEnd(7)} c=${String(concurrency).padEnd(3)} run ${runIndex + 1}/${RUNS}: ` +
            `${fmt(measured.perSecond)}/s, p50 ${fmt(measured.p50)} ms, p99 ${fmt(measured.p99)} ms, ` +
            `${measured.errors.length} errors${statuses(measured.errors)} ` +
            `[${fmt((Date.now() - began) / 1000, 0)} s with waits and warm-up]`,
        );
      }
    }
  }

  // What each storing Worker really holds, against what it said it stored.
  const stored = {};
  for (const worker of WORKERS.filter((w) => w.database)) {
    const [row] = await worker.d1(worker.database, "SELECT count(*) AS n FROM submissions");
    stored[worker.key] = row.n;
  }
  // Before stopping: what a Worker that failed requests logged about it.
  const logged = {};
  for (const worker of WORKERS) logged[worker.key] = distinctLines(worker.output()).slice(-5);
  for (const worker of WORKERS) await worker.stop();

  const { stdout: wranglerVersion } = await run(WRANGLER, ["--version"], { env: ENV });
  const summary = {};
  for (const worker of WORKERS) {
    summary[worker.key] = {};
    for (const concurrency of CONCURRENCY) {
      const runs = results[worker.key][concurrency];
      summary[worker.key][concurrency] = {
        perSecond: median(runs.map((r) => r.perSecond)),
        low: Math.min(...runs.map((r) => r.perSecond)),
        high: Math.max(...runs.map((r) => r.perSecond)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        cpu: Object.fromEntries([...PARTS, "total"].map((name) => [name, median(runs.map((r) => r.cpu[name]))])),
        errors: runs.flatMap((r) => r.errors),
      };
    }
  }

  const lines = [];
  const out = (line = "") => lines.push(line);
  out("## make bench-edge: submissions on loopback, wrangler dev + local D1");
  out();
  out(
    `Medians of ${RUNS} run${RUNS === 1 ? "" : "s"} per row; ` +
      CONCURRENCY.map((c, i) => `${REQUESTS[i]} requests at ${c} connection${c === 1 ? "" : "s"} (after ${WARMUP[i]} unmeasured)`).join(", ") +
      `. ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}, wrangler ${wranglerVersion.trim()}; ` +
      "the load generator shares the machine with the Workers, and each warm-up and run waits for the CPUs to be idle" +
      (busy > 0 ? ` (they were not, after 20 s, ${busy} times: something else was busy)` : "") +
      ". Submissions/s counts stored submissions only; " +
      "latency runs from sending a request to its whole answer, for every answer, errors included.",
  );
  out();
  out("| Worker | connections | submissions/s | runs' range | p50 ms | p99 ms | errors |");
  out("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const concurrency of CONCURRENCY) {
    const level = CONCURRENCY.indexOf(concurrency);
    for (const worker of WORKERS) {
      const s = summary[worker.key][concurrency];
      out(
        `| ${worker.label} | ${concurrency} | ${fmt(s.perSecond)} | ${fmt(s.low)}–${fmt(s.high)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ` +
          `${s.errors.length} of ${REQUESTS[level] * RUNS} |`,
      );
    }
  }
  out();
  out("Ratios (goal: the edge takes at least 0.8 of the floor's submissions/s, at most 1.25 times its latency):");
  out();
  out("| connections | edge/floor submissions/s | edge/floor p50 | edge/floor p99 | edge/ceiling submissions/s | floor/ceiling submissions/s | goals |");
  out("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  const verdicts = [];
  for (const concurrency of CONCURRENCY) {
    const edge = summary.edge[concurrency];
    const floor = summary.floor[concurrency];
    const ceiling = summary.ceiling[concurrency];
    const { throughput, p50, p99, verdict } = against(edge, floor);
    verdicts.push(`${concurrency}: ${verdict}`);
    out(
      `| ${concurrency} | ${fmt(throughput, 2)} | ${fmt(p50, 2)} | ${fmt(p99, 2)} | ${fmt(edge.perSecond / ceiling.perSecond, 2)} | ` +
        `${fmt(floor.perSecond / ceiling.perSecond, 2)} | ${verdict} |`,
    );
  }
  out();
  out(`Goals by connections: ${verdicts.join("; ")}.`);
  out();
  // The medians above can land either side of a goal from one make bench to
  // the next; run by run shows whether a verdict holds or is the noise's.
  out(
    "Run by run: each run of the edge against the floor's run beside it in time (the runs interleave the Workers), " +
      "so a verdict that holds in every run is not the machine's noise:",
  );
  out();
  out("| connections | run | edge/floor submissions/s | edge/floor p50 | edge/floor p99 | goals |");
  out("| ---: | ---: | ---: | ---: | ---: | --- |");
  const held = [];
  for (const concurrency of CONCURRENCY) {
    const pairs = results.edge[concurrency].map((edge, i) => against(edge, results.floor[concurrency][i]));
    pairs.forEach(({ throughput, p50, p99, verdict }, i) =>
      out(`| ${concurrency} | ${i + 1} | ${fmt(throughput, 2)} | ${fmt(p50, 2)} | ${fmt(p99, 2)} | ${verdict} |`),
    );
    held.push(`${concurrency}: ${pairs.filter((pair) => pair.missed.length === 0).length} of ${pairs.length}`);
  }
  out();
  out(`Runs meeting every goal, by connections: ${held.join("; ")}.`);
  out();
  out(
    "Where the CPU went: milliseconds of CPU (user and system, from /proc) per stored submission, medians of the runs, " +
      "by process of each Worker's wrangler dev: the workerd running the Worker and its local D1 database, " +
      "wrangler's proxy workerd in front of it (which also relays the Worker's inspector traffic, every D1 call's answer " +
      "included, to wrangler), and wrangler itself (node, logging that traffic). The load generator is not counted. " +
      `With ${cpus().length} CPUs shared by all of them, the total is what bounds submissions/s at many connections.`,
  );
  out();
  out("| Worker | connections | workerd (Worker + D1) | workerd (proxy) | wrangler (node) | total |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const concurrency of CONCURRENCY) {
    for (const worker of WORKERS) {
      const { cpu } = summary[worker.key][concurrency];
      out(`| ${worker.label} | ${concurrency} | ${[...PARTS, "total"].map((name) => fmt(cpu[name], 2)).join(" | ")} |`);
    }
  }
  out();
  out(
    "Stored rows after the run (warm-ups included): " +
      WORKERS.filter((w) => w.database)
        .map((w) => `${w.key} holds ${stored[w.key]} submissions for ${w.accepted} accepted answers`)
        .join("; ") +
      ".",
  );

  const failures = WORKERS.flatMap((worker) =>
    CONCURRENCY.map((c) => [worker, c, summary[worker.key][c].errors]).filter(([, , errors]) => errors.length > 0),
  );
  const warmFailures = WORKERS.filter((w) => warmupErrors[w.key].length > 0);
  if (failures.length > 0 || warmFailures.length > 0) {
    out();
    out("Errors: answers that were not a stored submission, by kind, most frequent first:");
    out();
    for (const [worker, concurrency, errors] of failures) {
      out(`- ${worker.key} at ${concurrency} connection${concurrency === 1 ? "" : "s"}, ${errors.length} errors:`);
      for (const [error, n] of kinds(errors).slice(0, 3)) out(`  - ${n} × \`${oneLine(error)}\``);
    }
    for (const worker of warmFailures) {
      const [[error, n]] = kinds(warmupErrors[worker.key]);
      out(`- ${worker.key} during warm-ups, ${warmupErrors[worker.key].length} errors, most often (${n} ×): \`${oneLine(error)}\``);
    }
    for (const worker of WORKERS) {
      const failed = failures.some(([w]) => w === worker) || warmFailures.includes(worker);
      if (!failed || logged[worker.key].length === 0) continue;
      out(`- ${worker.key}'s wrangler dev said last:`);
      for (const line of logged[worker.key]) out(`  - \`${oneLine(line)}\``);
    }
  }

  const report = `${lines.join("\n")}\n`;
  process.stdout.write(report);
  await mkdir(join(ROOT, "target"), { recursive: true });
  await writeFile(join(ROOT, "target", "bench-edge.md"), report);
  log("written to target/bench-edge.md; wrangler's own logs are in target/bench-edge-logs/");

  // Numbers below the goals are a finding, not a failure; a Worker that
  // stored nothing at all means the benchmark itself is broken.
  const broken = WORKERS.flatMap((w) => CONCURRENCY.filter((c) => summary[w.key][c].perSecond === 0).map((c) => `${w.key} at ${c}`));
  if (broken.length > 0) {
    log(`bench-edge: no request succeeded for ${broken.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`bench-edge: ${error.stack ?? error}\n`);
  process.exit(1);
});
