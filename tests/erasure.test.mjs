// A person's right to be forgotten, and retention, against wrangler dev +
// D1: after erasure the database holds nothing of the person (every table
// scanned), the consent ledger still verifies, and nothing brings them
// back; the daily purge erases exactly the leads no form keeps any more.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { caller, makeAccount, signIn } from "./support/people.mjs";
import { serve } from "./support/local-server.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, mqlAnswers, poster, submission } from "./support/requests.mjs";

let stack;
let call;
let post;
let receiver;
/** One of the person's submissions, exactly as sent: the outbox may resend it. */
let resent;

/** Everything that identifies the person erased below. */
const PAULA = {
  email: "paula.olvidable@personal.example",
  name: "Paulaolvidable Rivas",
  company: "Olvidable Industrias",
  phone: "+34 611 22 33 44",
  ip: "203.0.113.77",
  note: "Llamar a Paulaolvidable el lunes",
};

/** Posts `body` to `form` from the Worker's own origin, as the visitor at `ip`. */
async function send(form, body, ip) {
  const headers = { "Content-Type": "application/json", Origin: stack.url };
  if (ip) headers["CF-Connecting-IP"] = ip;
  const response = await post(`/v1/forms/${form}/submissions`, body, headers);
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

async function leadOf(email) {
  const [row] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
  return row?.id;
}

/** Every row of every table, as JSON text: what the database holds. */
async function wholeDatabase() {
  const tables = await stack.d1(
    `SELECT m.name AS name, group_concat(p.name, ',') AS columns
       FROM sqlite_master m, pragma_table_info(m.name) p
      WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%'
      GROUP BY m.name`,
  );
  assert.ok(tables.length >= 15, `every table is read: ${tables.map((t) => t.name)}`);
  const rows = tables.map(({ name, columns }) => {
    const pairs = columns.split(",").map((column) => `'${column}', "${column}"`).join(", ");
    return `SELECT '${name}' AS t, json_object(${pairs}) AS row FROM "${name}"`;
  });
  // D1 allows only a few terms per compound SELECT: a few tables at a time.
  const all = [];
  for (let i = 0; i < rows.length; i += 4) all.push(...(await stack.d1(rows.slice(i, i + 4).join(" UNION ALL "))));
  return all.map((r) => `${r.t} ${r.row}`).join("\n");
}

before(async () => {
  // A sales tool that is down and echoes what it got: the delivery's last
  // error then holds personal data too.
  receiver = await serve((req, body, res) => {
    res.statusCode = 500;
    res.end(`could not take ${body.slice(0, 300)}`);
  });
  stack = await startStack();
  call = caller(stack);
  post = poster(stack);
  const added = await call("POST", "/v1/sites/acme-growth/webhooks", {
    as: stack.token,
    body: { id: "crm", url: `${receiver.url}/crm`, stages: ["mql"] },
  });
  assert.equal(added.status, 200, await added.clone().text());
});
after(async () => {
  await stack?.stop();
  receiver?.close();
});

describe("erasing a person", () => {
  let paula;
  let marketing;

  before(async () => {
    const page = `${stack.url}/?email=${encodeURIComponent(PAULA.email)}&utm_source=newsletter`;
    const fields = { ...mqlAnswers(PAULA.email), first_name: PAULA.name, company: PAULA.company, phone: PAULA.phone };
    await send("demo-ebook", submission(fields, ["content", "sales"], "es", { context: { page, referrer: page } }), PAULA.ip);
    resent = submission({ email: PAULA.email, first_name: PAULA.name }, ["content", "newsletter"], "es", { id: "0a7c5e2b-erased-person-resent" });
    await send("demo-ebook", resent, PAULA.ip);
    await send("demo-ebook", submission({ email: "queda@acme.example", first_name: "Quedasiempre" }), "203.0.113.8");
    paula = await leadOf(PAULA.email);
    // Her consents sealed into the chain first: erasure must keep it whole.
    const sealed = await call("GET", "/v1/sites/acme-growth/consents/verify", { as: stack.token });
    assert.equal((await sealed.json()).intact, true);
    await makeAccount(stack, "mkt@acme.example", [{ site: "acme-growth", role: "marketing" }]);
    await makeAccount(stack, "ventas@acme.example", [{ site: "acme-growth", role: "sales" }]);
    marketing = await signIn(stack, "mkt@acme.example");
    const sales = await signIn(stack, "ventas@acme.example");
    const moved = await call("POST", `/v1/leads/${paula}/stage`, { as: sales, body: { to: "sql", note: PAULA.note } });
    assert.equal(moved.status, 200, await moved.clone().text());
    const noted = await call("POST", `/v1/leads/${paula}/notes`, { as: sales, body: { text: PAULA.note } });
    assert.equal(noted.status, 201);
    // Sales and viewers may not erase.
    await expectProblem(
      await call("POST", "/v1/sites/acme-growth/people/erase", { as: sales, body: { email: PAULA.email } }),
      403,
      "forbidden",
    );
    // Before: the person is everywhere, including the webhook's copy.
    const before = await wholeDatabase();
    for (const value of [PAULA.email, PAULA.name, PAULA.company, PAULA.note, encodeURIComponent(PAULA.email)]) {
      assert.ok(before.includes(value), `the database holds ${value} before erasure`);
    }
    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM deliveries WHERE lead_id = ${paula}`);
    assert.equal(n, 1, "a handoff was written for the MQL");
  });

  test("leaves nothing of the person in any table, only an anonymous tombstone", async () => {
    const [{ ip_hash }] = await stack.d1(`SELECT ip_hash FROM consent_events WHERE lead_id = ${paula} LIMIT 1`);
    assert.match(ip_hash, /^[0-9a-f]{64}$/);
    const response = await call("POST", "/v1/sites/acme-growth/people/erase", {
      as: marketing,
      body: { email: `  ${PAULA.email.toUpperCase()} ` },
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { site: "acme-growth", erased: [paula] });

    const everything = await wholeDatabase();
    // The search text holds the name and company in lower case.
    const folded = [PAULA.name, PAULA.company].map((text) => text.toLowerCase());
    for (const value of [PAULA.email, PAULA.name, "Paulaolvidable", PAULA.company, ...folded, PAULA.phone, "611 22 33", PAULA.note, ip_hash, PAULA.ip]) {
      assert.ok(!everything.includes(value), `nothing left of ${value}:\n${everything.split("\n").filter((l) => l.includes(value)).join("\n")}`);
    }
    assert.ok(everything.includes("Quedasiempre"), "other people are untouched");
    const [tombstone] = await stack.d1(`SELECT stage, email, fields, erased_at FROM leads WHERE id = ${paula}`);
    assert.equal(tombstone.stage, "sql", "the funnel still counts it where it was");
    assert.equal(tombstone.fields, "{}");
    assert.match(tombstone.erased_at, /^\d{4}-\d\d-\d\dT/);
    const audit = await stack.d1(`SELECT actor, subject FROM audit_log WHERE action = 'person-erased'`);
    assert.equal(audit.length, 1);
    assert.match(audit[0].actor, /^account:\d+$/, "who erased");
    assert.equal(audit[0].subject, `lead:${paula}`, "by lead, never by e-mail");
  });

  test("the consent ledger still verifies, and still refuses changes", async () => {
    const verified = await (await call("GET", "/v1/sites/acme-growth/consents/verify", { as: marketing })).json();
    assert.equal(verified.intact, true, JSON.stringify(verified));
    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM consent_events WHERE lead_id = ${paula} AND hash IS NOT NULL`);
    assert.equal(n, 4, "her four consent events are still in the chain");
    await assert.rejects(
      stack.d1(`UPDATE consent_events SET granted = 1 - granted WHERE lead_id = ${paula}`),
      /append-only/,
    );
    await assert.rejects(
      stack.d1(`UPDATE consent_events SET page = 'https://elsewhere.example/' WHERE lead_id = ${paula}`),
      /append-only|CHECK/,
    );
  });

  test("the person is gone from every read, and a replay does not bring them back", async () => {
    await expectProblem(await call("GET", `/v1/leads/${paula}`, { as: marketing }), 404, "not-found");
    const listed = await (await call("GET", "/v1/leads", { as: marketing })).json();
    assert.ok(!listed.leads.some((lead) => lead.id === paula));
    const csv = await (await call("GET", "/v1/exports/leads?format=csv", { as: marketing })).text();
    assert.ok(!csv.includes(PAULA.email) && csv.includes("queda@acme.example"));
    const exported = await (await call("POST", "/v1/sites/acme-growth/people/export", { as: marketing, body: { email: PAULA.email } })).json();
    assert.deepEqual(exported.leads, []);
    const again = await call("POST", "/v1/sites/acme-growth/people/erase", { as: marketing, body: { email: PAULA.email } });
    assert.deepEqual((await again.json()).erased, [], "nothing left to erase");

    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM leads`);
    const [delivery] = await stack.d1(`SELECT id, status, payload FROM deliveries WHERE lead_id = ${paula}`);
    assert.equal(delivery.payload, "{}");
    assert.equal(delivery.status, "dead", "a handoff not yet made is never made");
    await expectProblem(
      await call("POST", `/v1/sites/acme-growth/deliveries/${delivery.id}/retry`, { as: marketing }),
      409,
      "conflict",
    );
    // The widget's outbox resending one of her submissions gets the first
    // answer again; nothing is stored, so she does not come back.
    const replay = await post(SUBMISSIONS, resent, { "Content-Type": "application/json", Origin: stack.url });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(await leadOf(PAULA.email), undefined);
    const [{ n: later }] = await stack.d1(`SELECT count(*) AS n FROM leads`);
    assert.equal(later, n);
  });
});

describe("retention", () => {
  /** Makes form `id` of acme-growth from the demo form, keeping leads `days` (none: forever). */
  async function form(id, days) {
    const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
    const made = { ...JSON.parse(spec), id };
    if (days === undefined) delete made.retention_days;
    else made.retention_days = days;
    const sql = JSON.stringify(made).replaceAll("'", "''");
    await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('${id}', 'acme-growth', '${id}', 1, '${sql}')`);
  }

  /** Sends `email` through `form`, as if `daysAgo` days ago. */
  async function submitted(email, form, daysAgo) {
    const { submission_id } = await send(form, submission({ email, first_name: "Retenida" }));
    await stack.d1(
      `UPDATE submissions SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${daysAgo} days') WHERE id = '${submission_id}'`,
    );
  }

  async function purge() {
    const ran = await fetch(`${stack.url}/__scheduled?cron=0+3+*+*+*`);
    assert.equal(ran.status, 200);
  }

  test("the daily purge erases exactly the leads no form keeps any more", async () => {
    await form("month", 30);
    await form("forever");
    await submitted("vencida@acme.example", "month", 31);
    await submitted("vencida@acme.example", "month", 45);
    await submitted("reciente@acme.example", "month", 29);
    await submitted("mixta@acme.example", "month", 45);
    await submitted("mixta@acme.example", "forever", 400);
    await submitted("volvio@acme.example", "month", 60);
    await submitted("volvio@acme.example", "month", 2);
    await submitted("antigua@acme.example", "demo-ebook", 731);
    await submitted("demo@acme.example", "demo-ebook", 700);
    const ids = {};
    for (const who of ["vencida", "reciente", "mixta", "volvio", "antigua", "demo"]) ids[who] = await leadOf(`${who}@acme.example`);
    const [{ n: erasedBefore }] = await stack.d1("SELECT count(*) AS n FROM leads WHERE erased_at IS NOT NULL");

    await purge();
    const erased = await stack.d1("SELECT id FROM leads WHERE erased_at IS NOT NULL ORDER BY id");
    const purged = erased.map((row) => row.id).filter((id) => Object.values(ids).includes(id));
    assert.deepEqual(purged, [ids.vencida, ids.antigua].sort((a, b) => a - b), JSON.stringify(ids));
    assert.equal(erased.length, erasedBefore + 2, "no one else");
    const [{ fields }] = await stack.d1(`SELECT fields FROM leads WHERE id = ${ids.vencida}`);
    assert.equal(fields, "{}", "purged the way an erasure is");

    const audit = await stack.d1("SELECT actor, subject FROM audit_log WHERE action = 'lead-purged' ORDER BY subject");
    assert.deepEqual(
      audit,
      [ids.vencida, ids.antigua].map((id) => ({ actor: "retention", subject: `lead:${id}` })).sort((a, b) => a.subject.localeCompare(b.subject)),
      "each purge recorded",
    );
    await purge();
    const [{ n }] = await stack.d1("SELECT count(*) AS n FROM audit_log WHERE action = 'lead-purged'");
    assert.equal(n, 2, "a second run finds nothing more");
    const verified = await (await call("GET", "/v1/sites/acme-growth/consents/verify", { as: stack.token })).json();
    assert.equal(verified.intact, true);
  });
});
