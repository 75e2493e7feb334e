// Seeds a local D1 database with many leads for the leads benchmark,
// straight into the tables (posting them through the submissions API would
// take hours): the people of people.mjs as leads, one submission each,
// their consent events (unsealed, as a submission writes them) and their
// stage history. The SQL goes to files of a few thousand leads each, loaded
// with `wrangler d1 execute --local --file` as scripts/local-d1.sh loads the
// demo site.
//
// The database must be prepared by scripts/local-d1.sh (the demo form is
// copied for the other forms) and hold no leads yet.
//
// Usage: node bench/leads/seed.mjs PERSIST_DIR [COUNT]   (default 100000)
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { FORMS, people, SITES } from "./people.mjs";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..", "..");
const EDGE = join(ROOT, "edge");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

/** Leads per file: one `wrangler d1 execute` (one transaction) each. */
const LEADS_PER_FILE = 10_000;
/** Characters per INSERT, well under D1's 100 KB statement limit. */
const STATEMENT_CHARS = 80_000;

/** A SQL literal. */
function literal(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** SHA-256 over each field length-prefixed, as edge/src/ledger.rs hashes. */
function lengthPrefixed(fields) {
  const digest = createHash("sha256");
  for (const field of fields) {
    const bytes = Buffer.from(field, "utf8");
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    digest.update(length).update(bytes);
  }
  return digest.digest("hex");
}

/**
 * An event's detail hash and receipt as edge/src/ledger.rs makes them
 * (scheme 3): page and IP hash hashed first, the receipt over the rest and
 * that digest.
 */
function eventHashes([site, submission, consent, purpose, version, granted, page, ipHash, at]) {
  const detail = lengthPrefixed([page, ipHash]);
  return { detail, hash: lengthPrefixed([site, submission, consent, purpose, version, granted, detail, at]) };
}

/** The version of a consent text: its form, consent and locale stand in for the words. */
const version = (form, consent, locale) => `sha256:${sha256(`${form} ${consent} ${locale}`)}`;

/** Multi-row INSERTs into `table`, each statement kept under STATEMENT_CHARS. */
class Inserts {
  constructor(table, columns) {
    this.head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES\n`;
    this.statements = [];
    this.rows = [];
    this.chars = 0;
  }

  add(values) {
    const row = `(${values.map(literal).join(", ")})`;
    if (this.chars + row.length > STATEMENT_CHARS) this.flush();
    this.rows.push(row);
    this.chars += row.length + 2;
  }

  flush() {
    if (this.rows.length > 0) this.statements.push(`${this.head}${this.rows.join(",\n")};`);
    this.rows = [];
    this.chars = 0;
  }

  sql() {
    this.flush();
    return this.statements.join("\n");
  }
}

/** The benchmark's second site and the forms beyond the demo one, copied from its spec. */
function sitesAndForms() {
  const lines = [];
  for (const site of SITES) {
    lines.push(
      `INSERT INTO sites (id, name, allowed_origins) VALUES (${literal(site.id)}, ${literal(site.name)}, ` +
        `${literal(JSON.stringify([new URL(site.page).origin]))}) ON CONFLICT (id) DO NOTHING;`,
    );
  }
  for (const form of FORMS.filter((f) => f.id !== "demo-ebook")) {
    lines.push(
      `INSERT INTO forms (id, site_id, name, revision, spec)
       SELECT ${literal(form.id)}, ${literal(form.site)}, ${literal(`${form.offer} (benchmark)`)}, 1,
              json_set(spec, '$.id', ${literal(form.id)}, '$.site', ${literal(form.site)}, '$.offer.id', ${literal(form.offer)})
         FROM forms WHERE id = 'demo-ebook'
       ON CONFLICT (id) DO NOTHING;`,
    );
  }
  return lines.join("\n");
}

/** Letters with no decomposition, as the edge folds them (edge/src/leads/search.rs, PLAIN). */
const PLAIN = { ł: "l", ø: "o", đ: "d", ı: "i", ß: "ss", æ: "ae", œ: "oe", ς: "σ" };

/** Text folded as the edge folds it for search (edge/src/leads/search.rs). */
const fold = (text) =>
  [...text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()].map((c) => PLAIN[c] ?? c).join("");

/** What the dashboard's search finds a lead by, as the edge writes it. */
function searchText(lead) {
  const named = ["first_name", "last_name", "company"].map((id) => lead.fields[id]).filter((v) => typeof v === "string");
  return [lead.email, ...named].map(fold).join(" ");
}

/** The SQL storing `leads` (consecutive ids) the way the edge would have. */
function leadsSql(leads) {
  const rows = new Inserts("leads", ["id", "site_id", "email", "email_key", "fields", "score", "stage", "explanation", "search", "created_at", "updated_at"]);
  const submissions = new Inserts("submissions", ["id", "lead_id", "form_id", "body_hash", "data", "answer", "created_at"]);
  const events = new Inserts("consent_events", ["site_id", "lead_id", "submission_id", "consent_id", "purpose", "version", "granted", "page", "ip_hash", "at", "detail_hash", "event_hash"]);
  const moves = new Inserts("stage_changes", ["lead_id", "from_stage", "to_stage", "actor", "reason", "created_at"]);
  let counts = { events: 0, moves: 0 };
  for (const lead of leads) {
    rows.add([lead.id, lead.site, lead.email, lead.email.toLowerCase(), JSON.stringify(lead.fields), lead.score, lead.stage,
      JSON.stringify(lead.explanation), searchText(lead), lead.createdAt, lead.updatedAt]);
    const receipts = [];
    const choices = [];
    for (const event of lead.consents) {
      const v = version(lead.form, event.consent, lead.locale);
      const fields = [lead.site, lead.submissionId, event.consent, event.purpose, v, String(event.granted), lead.page, lead.ipHash, event.at];
      const { detail, hash } = eventHashes(fields);
      events.add([lead.site, lead.id, lead.submissionId, event.consent, event.purpose, v, event.granted, lead.page, lead.ipHash, event.at, detail, hash]);
      counts.events += 1;
      if (event.granted === 1) {
        receipts.push({ consent: event.consent, purpose: event.purpose, version: v, event: hash });
        choices.push({ id: event.consent, purpose: event.purpose, version: v, granted: true });
      }
    }
    const data = {
      form: lead.form,
      offer: lead.offer,
      email: lead.email,
      fields: lead.fields,
      consents: choices,
      locale: lead.locale,
      context: { page: lead.page, elapsed_ms: lead.elapsedMs },
    };
    const answer = { submission_id: lead.submissionId, consents: receipts, lead: lead.id };
    submissions.add([lead.submissionId, lead.id, lead.form, sha256(JSON.stringify(data)), JSON.stringify(data), JSON.stringify(answer), lead.createdAt]);
    for (const move of lead.moves) {
      moves.add([lead.id, move.from, move.to, "operator", move.reason, move.at]);
      counts.moves += 1;
    }
  }
  const [first, last] = [leads[0].id, leads.at(-1).id];
  const sql = [
    rows.sql(),
    // The schema's trigger (migration 0009) recorded each lead's first stage
    // as of now; it happened when the lead was created.
    `UPDATE stage_changes SET created_at = (SELECT l.created_at FROM leads l WHERE l.id = stage_changes.lead_id)
      WHERE lead_id BETWEEN ${first} AND ${last} AND reason = 'new lead';`,
    submissions.sql(),
    events.sql(),
    moves.sql(),
    // Where sales moved a lead on, it stands at its latest move.
    `UPDATE leads SET stage = (SELECT c.to_stage FROM stage_changes c WHERE c.lead_id = leads.id ORDER BY c.id DESC LIMIT 1)
      WHERE id BETWEEN ${first} AND ${last}
        AND id IN (SELECT lead_id FROM stage_changes WHERE actor = 'operator' AND lead_id BETWEEN ${first} AND ${last});`,
  ].join("\n");
  return { sql, ...counts };
}

/** Runs a SQL file, or a command, against the local database in `state`. */
async function d1(state, { file, command }) {
  const input = file ? ["--file", file] : ["--json", "--command", command];
  const { stdout } = await run(WRANGLER, ["d1", "execute", "embudo", "--local", "--persist-to", state, ...input], {
    cwd: EDGE,
    env: ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  return command ? JSON.parse(stdout)[0].results : null;
}

/**
 * Loads one file of leads `first` to `last`. `wrangler d1 execute` now and
 * then fails an internal assertion ("false == true") opening the database;
 * the file is one transaction, so when none of its leads were stored it is
 * run again (up to three times in all).
 */
async function loadOnce(state, file, first, last) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await d1(state, { file });
    } catch (error) {
      const [{ n }] = await d1(state, { command: `SELECT count(*) AS n FROM leads WHERE id BETWEEN ${first} AND ${last}` });
      if (n === last - first + 1) return null; // stored; the failure came after
      if (n > 0 || attempt >= 3) throw error;
    }
  }
}

/**
 * Seeds `count` leads, created over the year before `now`, into the local
 * D1 database persisted in `state`.
 * Returns what was written and how long it took (seconds).
 */
export async function seed(state, { count = 100_000, now = Date.now(), log = () => {} } = {}) {
  const [{ n }] = await d1(state, { command: "SELECT count(*) AS n FROM leads" });
  if (n > 0) throw new Error(`the database in ${state} holds ${n} leads already; seed a fresh one`);
  const started = process.hrtime.bigint();
  const dir = await mkdtemp(join(tmpdir(), "embudo-seed-"));
  const totals = { leads: 0, events: 0, moves: 0, files: 0, bytes: 0 };
  try {
    const setup = join(dir, "0-sites-and-forms.sql");
    await writeFile(setup, sitesAndForms());
    await d1(state, { file: setup });
    let batch = [];
    const load = async () => {
      const { sql, events, moves } = leadsSql(batch);
      const file = join(dir, `${batch[0].id}.sql`);
      await writeFile(file, sql);
      totals.bytes += (await stat(file)).size;
      await loadOnce(state, file, batch[0].id, batch.at(-1).id);
      await rm(file);
      Object.assign(totals, { leads: totals.leads + batch.length, events: totals.events + events, moves: totals.moves + moves, files: totals.files + 1 });
      log(`  seeded ${totals.leads.toLocaleString("en")} of ${count.toLocaleString("en")} leads`);
      batch = [];
    };
    for (const lead of people(count, now)) {
      batch.push(lead);
      if (batch.length === LEADS_PER_FILE) await load();
    }
    if (batch.length > 0) await load();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ...totals, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

// As a command: seed a given persisted database (make dev's is edge/.wrangler/state).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [state, count = "100000"] = process.argv.slice(2);
  if (!state) {
    process.stderr.write("usage: node bench/leads/seed.mjs PERSIST_DIR [COUNT]\n");
    process.exit(2);
  }
  seed(resolve(state), { count: Number(count), log: (line) => process.stderr.write(`${line}\n`) }).then(
    (done) =>
      process.stdout.write(
        `seeded ${done.leads} leads, ${done.events} consent events and ${done.moves} stage moves ` +
          `in ${done.seconds.toFixed(1)} s (${done.files} files, ${(done.bytes / 1e6).toFixed(0)} MB of SQL)\n`,
      ),
    (error) => {
      process.stderr.write(`seed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
