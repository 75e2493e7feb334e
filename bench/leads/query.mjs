// `make bench-leads`: how long the leads API's common queries take on a
// database of 100,000 leads. Starts the real stack (tests/support/stack.mjs:
// wrangler dev and a fresh local D1), seeds it before the Worker starts
// (seed.mjs), then times each query over HTTP as the operator and prints a
// markdown table (also written to target/bench-leads.md). Numbers, not a
// verdict: the command fails only when a query does not answer 200.
// Build the edge first (scripts/bench-leads.sh does).
//
// Settings (environment):
//   BENCH_LEADS   leads to seed                        (default 100000)
//   BENCH_RUNS    timed runs of each query; median/p90  (default 7)
//   BENCH_WARMUP  untimed runs before them              (default 1)
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { startStack } from "../../tests/support/stack.mjs";
import { RARE_SURNAME } from "./people.mjs";
import { seed } from "./seed.mjs";
import { percentile, settle } from "../measure.mjs";

const ROOT = resolve(import.meta.dirname, "..", "..");

function setting(name, fallback, least) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < least) throw new Error(`${name} must be a whole number of at least ${least}`);
  return value;
}
const LEADS = setting("BENCH_LEADS", 100_000, 1_000);
const RUNS = setting("BENCH_RUNS", 7, 1);
const WARMUP = setting("BENCH_WARMUP", 1, 0);

const DAY_MS = 86_400_000;
/** The day `daysAgo` days before `now`, as the list's from/to take it. */
const day = (now, daysAgo) => new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10);

/** How many records an answer holds. */
const count = {
  list: (body) => JSON.parse(body).leads.length,
  one: (body) => (JSON.parse(body).id ? 1 : 0),
  funnel: (body) => {
    const funnel = JSON.parse(body);
    return funnel.stages.reduce((sum, stage) => sum + stage.current, funnel.disqualified);
  },
  csv: (body) => body.split("\n").filter(Boolean).length - 1,
};

/**
 * The common queries: what the dashboard's list, filters, paging, funnel
 * and exports ask for. `path` may use what the first page answered.
 */
function queries(now, firstPage) {
  const lastMonth = day(now, 30);
  const [oldFrom, oldTo] = [day(now, 300), day(now, 270)];
  const rare = RARE_SURNAME.toLowerCase();
  // The dashboard always names the site it shows; the first rows ask across
  // every site (the operator's view), the filtered ones within acme-growth
  // (85% of the leads), as a person working that site does.
  return [
    { name: "one lead's page (by id, with its history)", path: `/v1/leads/${Math.floor(LEADS * 0.77)}`, rows: count.one },
    { name: "newest first, first page, every site", path: "/v1/leads?limit=50", rows: count.list },
    { name: "next page (the first page's cursor)", path: `/v1/leads?limit=50&cursor=${firstPage.next}`, rows: count.list },
    { name: "a page halfway down the list", path: `/v1/leads?limit=50&cursor=0.${Math.floor(LEADS / 2)}`, rows: count.list },
    { name: "stage: mql (14% of leads)", path: "/v1/leads?site=acme-growth&stage=mql", rows: count.list },
    { name: "stage: customer (1%)", path: "/v1/leads?site=acme-growth&stage=customer", rows: count.list },
    { name: "form: demo-checklist (10%)", path: "/v1/leads?site=acme-growth&form=demo-checklist", rows: count.list },
    { name: "site: nova-saas (15%)", path: "/v1/leads?site=nova-saas", rows: count.list },
    { name: "created in the last 30 days", path: `/v1/leads?site=acme-growth&from=${lastMonth}`, rows: count.list },
    { name: "created in a month 9 to 10 months ago", path: `/v1/leads?site=acme-growth&from=${oldFrom}&to=${oldTo}`, rows: count.list },
    { name: "highest score first", path: "/v1/leads?site=acme-growth&sort=score", rows: count.list },
    { name: "score 50 to 80, highest first", path: "/v1/leads?site=acme-growth&min_score=50&max_score=80&sort=score", rows: count.list },
    { name: "consent: sales_contact (22%)", path: "/v1/leads?site=acme-growth&consent=sales_contact", rows: count.list },
    { name: "search: a common name (garcia, 16%)", path: "/v1/leads?site=acme-growth&q=garcia", rows: count.list },
    { name: `search: a rare name (${rare}, 0.02%)`, path: `/v1/leads?site=acme-growth&q=${rare}`, rows: count.list },
    {
      name: "mql + form + sales consent, by score",
      path: "/v1/leads?site=acme-growth&stage=mql&form=demo-webinar&consent=sales_contact&sort=score",
      rows: count.list,
    },
    { name: "funnel of the demo site", path: "/v1/sites/acme-growth/funnel", rows: count.funnel },
    {
      name: "funnel of one form, one quarter",
      path: `/v1/sites/acme-growth/funnel?form=demo-webinar&from=${day(now, 120)}&to=${day(now, 30)}`,
      rows: count.funnel,
    },
    { name: "CSV export: customers", path: "/v1/exports/leads?site=acme-growth&stage=customer", rows: count.csv },
    { name: "CSV export: nova-saas in the last 30 days", path: `/v1/exports/leads?site=nova-saas&from=${lastMonth}`, rows: count.csv },
  ];
}

/** Asks for `path` as the operator; the whole answer's time in ms. */
async function timed(stack, path) {
  const started = performance.now();
  const response = await fetch(`${stack.url}${path}`, { headers: { Authorization: `Bearer ${stack.token}` } });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function main() {
  const log = (line) => process.stderr.write(`${line}\n`);
  const now = Date.now();
  let seeded;
  log(`starting the stack and seeding ${LEADS.toLocaleString("en")} leads...`);
  const stack = await startStack({}, {
    prepare: async (state) => {
      seeded = await seed(state, { count: LEADS, now, log });
    },
  });
  const results = [];
  let busy = 0;
  try {
    // The Worker's first answers are slower (its wasm is compiled, D1's
    // pages read): a few before any query is timed.
    for (let i = 0; i < 5; i++) await timed(stack, "/v1/leads?limit=50");
    const firstPage = JSON.parse((await timed(stack, "/v1/leads?limit=50")).body);
    for (const query of queries(now, firstPage)) {
      if (!(await settle(15_000))) busy += 1;
      for (let i = 0; i < WARMUP; i++) await timed(stack, query.path);
      const times = [];
      let rows;
      for (let i = 0; i < RUNS; i++) {
        const { ms, body } = await timed(stack, query.path);
        times.push(ms);
        rows ??= query.rows(body);
      }
      times.sort((a, b) => a - b);
      const result = { ...query, rows, median: percentile(times, 50), p90: percentile(times, 90), fastest: times[0] };
      results.push(result);
      log(`  ${query.name}: median ${fmt(result.median)} ms, ${rows} rows`);
    }
  } finally {
    await stack.stop();
  }

  const { stdout: wrangler } = await promisify(execFile)(join(ROOT, "node_modules", ".bin", "wrangler"), ["--version"]);
  const lines = [
    `## make bench-leads: the leads API on ${seeded.leads.toLocaleString("en")} leads, wrangler dev + local D1`,
    "",
    `Seeded ${seeded.leads.toLocaleString("en")} leads (one submission each, ${seeded.events.toLocaleString("en")} consent events, ` +
      `${seeded.moves.toLocaleString("en")} stage moves by sales; ${(seeded.bytes / 1e6).toFixed(0)} MB of SQL in ${seeded.files} files) ` +
      `in **${seeded.seconds.toFixed(1)} s**.`,
    "",
    `Each query: ${WARMUP} untimed run${WARMUP === 1 ? "" : "s"}, then ${RUNS} timed, one after another, as the operator (every site); ` +
      "time from sending the request to the whole answer, over loopback. " +
      `${new Date(now).toISOString()}, ${cpus().length} CPUs, Node ${process.version}, wrangler ${wrangler.trim()}` +
      (busy > 0 ? `; the CPUs were still busy before ${busy} of the queries` : "") +
      ". Rows: leads on the page (50 unless fewer match), leads counted by the funnel, records in the export.",
    "",
    "| query | request | rows | median ms | p90 ms | fastest ms |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...results.map(
      (r) => `| ${r.name} | \`${r.path}\` | ${r.rows.toLocaleString("en")} | ${fmt(r.median)} | ${fmt(r.p90)} | ${fmt(r.fastest)} |`,
    ),
  ];
  const slow = results.filter((r) => r.median > 50);
  lines.push("", slow.length === 0 ? "Every median is under 50 ms." : `Over 50 ms median: ${slow.map((r) => r.name).join("; ")}.`);
  const report = `${lines.join("\n")}\n`;
  process.stdout.write(report);
  await mkdir(join(ROOT, "target"), { recursive: true });
  await writeFile(join(ROOT, "target", "bench-leads.md"), report);
  log("written to target/bench-leads.md");
}

main().catch((error) => {
  process.stderr.write(`bench-leads: ${error.stack ?? error}\n`);
  process.exit(1);
});
