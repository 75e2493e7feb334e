// Working the leads against wrangler dev + D1: the list's filters, order and
// cursor pages; one lead's whole story; stage moves and notes by the people
// whose role allows them, recorded with who, why and when.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { caller, makeAccount, signIn } from "./support/people.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, mqlAnswers, poster, submission } from "./support/requests.mjs";

let stack;
let call;
const answers = new Map();
let sales;
let viewer;
let outsider;

before(async () => {
  stack = await startStack();
  call = caller(stack);
  const post = poster(stack);
  const send = async (email, fields, consents) => {
    const response = await post(SUBMISSIONS, submission(fields, consents), { "Content-Type": "application/json", Origin: stack.url });
    assert.equal(response.status, 201, await response.clone().text());
    answers.set(email, await response.json());
  };
  await send("mql@acme.example", { ...mqlAnswers("mql@acme.example"), first_name: "Marta García" }, ["content", "sales"]);
  await send("iql@acme.example", { email: "iql@acme.example", first_name: "Ignacio", company: "Globex Logística" }, ["content", "newsletter"]);
  await send("lead@acme.example", { email: "lead@acme.example", first_name: "Lucía" }, ["content"]);
  await send("lead2@acme.example", { email: "lead2@acme.example", first_name: "Leo" }, ["content"]);
  await send("lead3@acme.example", { email: "lead3@acme.example", first_name: "Óscar Núñez" }, ["content"]);
  await stack.d1(`INSERT INTO sites (id, name, allowed_origins) VALUES ('globex', 'Globex', '[]')`);
  await makeAccount(stack, "sales@acme.example", [{ site: "acme-growth", role: "sales" }]);
  await makeAccount(stack, "viewer@acme.example", [{ site: "acme-growth", role: "viewer" }]);
  await makeAccount(stack, "admin@globex.example", [{ site: "globex", role: "admin" }]);
  sales = await signIn(stack, "sales@acme.example");
  viewer = await signIn(stack, "viewer@acme.example");
  outsider = await signIn(stack, "admin@globex.example");
});
after(async () => {
  await stack?.stop();
});

/** The e-mails of the leads the list answers `query` with (as the operator). */
async function emails(query, as = stack.token) {
  const response = await call("GET", `/v1/leads?${query}`, { as });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).leads.map((lead) => lead.email);
}

async function leadId(email) {
  const [row] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
  return row.id;
}

describe("the leads list", () => {
  test("filters by stage, consent, score, text, form and day", async () => {
    assert.deepEqual(await emails("stage=mql"), ["mql@acme.example"]);
    assert.deepEqual(await emails("stage=iql"), ["iql@acme.example"]);
    assert.deepEqual(await emails("consent=sales_contact"), ["mql@acme.example"]);
    assert.deepEqual(await emails("consent=marketing_emails"), ["iql@acme.example"]);
    assert.deepEqual(await emails("min_score=50"), ["mql@acme.example"]);
    assert.deepEqual(await emails("q=GARCÍA"), ["mql@acme.example"], "the name, in any case");
    assert.deepEqual(await emails("q=globex"), ["iql@acme.example"], "the company");
    assert.deepEqual(await emails("q=lead2"), ["lead2@acme.example"], "the e-mail");
    // Neither case nor accents count, a capital's included.
    for (const typed of ["Óscar", "óscar", "OSCAR", "nunez", "NÚÑEZ", "o\u0301scar"]) {
      assert.deepEqual(await emails(`q=${encodeURIComponent(typed)}`), ["lead3@acme.example"], typed);
    }
    assert.deepEqual(await emails("q=logistica"), ["iql@acme.example"], "the company, without its accent");
    assert.equal((await emails("form=demo-ebook")).length, 5);
    assert.deepEqual(await emails("form=another-form"), []);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.equal((await emails(`from=${today}&to=${tomorrow}`)).length, 5);
    assert.deepEqual(await emails(`from=${tomorrow}`), []);
    assert.deepEqual(await emails("site=globex"), []);
  });

  test("sorts, and pages with a cursor through every lead exactly once", async () => {
    const newest = await emails("");
    assert.deepEqual(await emails("sort=oldest"), [...newest].reverse());
    const byScore = (await (await call("GET", "/v1/leads?sort=score", { as: stack.token })).json()).leads.map((l) => l.score);
    assert.deepEqual(byScore, [...byScore].sort((a, b) => b - a));
    for (const sort of ["newest", "score"]) {
      const seen = [];
      let cursor = "";
      for (let page = 0; page < 5; page++) {
        const response = await call("GET", `/v1/leads?sort=${sort}&limit=2${cursor}`, { as: stack.token });
        const { leads, next } = await response.json();
        seen.push(...leads.map((lead) => lead.email));
        if (!next) break;
        cursor = `&cursor=${encodeURIComponent(next)}`;
      }
      assert.equal(seen.length, 5, `${sort}: ${seen}`);
      assert.equal(new Set(seen).size, 5, `${sort}: no lead twice`);
    }
  });

  test("refuses what it cannot use with a 400 naming it", async () => {
    for (const query of ["stage=hot", "from=yesterday", "sort=name", "cursor=abc", "limit=0", "colour=red"]) {
      await expectProblem(await call("GET", `/v1/leads?${query}`, { as: stack.token }), 400, "bad-query");
    }
  });

  test("shows each person only the sites they may read", async () => {
    assert.equal((await emails("", viewer)).length, 5);
    assert.deepEqual(await emails("", outsider), []);
  });
});

describe("one lead", () => {
  test("tells its whole story: submissions, stage history, consents as receipted, notes", async () => {
    const id = await leadId("mql@acme.example");
    const response = await call("GET", `/v1/leads/${id}`, { as: viewer });
    assert.equal(response.status, 200);
    const lead = await response.json();
    assert.equal(lead.stage, "mql");
    assert.ok(lead.explanation.fired.length > 0, "the score explained rule by rule");
    assert.equal(lead.timeline.length, 1);
    assert.equal(lead.timeline[0].form_id, "demo-ebook");
    assert.equal(lead.timeline[0].data.fields.first_name, "Marta García");
    assert.deepEqual(lead.stage_history.map((c) => [c.from_stage, c.to_stage, c.actor]), [[null, "mql", "rule"]]);
    const receipts = answers.get("mql@acme.example").consents.map((r) => r.event);
    assert.deepEqual(lead.consents.map((c) => c.event_hash), receipts, "the consents are the ones receipted");
    assert.deepEqual(lead.notes, []);
  });

  test("is missing to anyone who may not read its site, and to a bad id", async () => {
    const id = await leadId("mql@acme.example");
    await expectProblem(await call("GET", `/v1/leads/${id}`, { as: outsider }), 404, "not-found");
    await expectProblem(await call("GET", "/v1/leads/999999", { as: stack.token }), 404, "not-found");
    await expectProblem(await call("GET", "/v1/leads/abc", { as: stack.token }), 404, "not-found");
    await expectProblem(await call("GET", `/v1/leads/${id}`), 401, "unauthorized");
  });
});

describe("the funnel", () => {
  test("counts leads at each stage now and ever, with the conversion from each to the next", async () => {
    const response = await call("GET", "/v1/sites/acme-growth/funnel", { as: viewer });
    assert.equal(response.status, 200);
    const funnel = await response.json();
    const counts = Object.fromEntries(funnel.stages.map((s) => [s.stage, [s.current, s.reached]]));
    assert.deepEqual(counts, { lead: [3, 5], iql: [1, 2], mql: [1, 1], sql: [0, 0], opportunity: [0, 0], customer: [0, 0] });
    assert.deepEqual(funnel.conversions.slice(0, 3).map((c) => [c.from, c.to, c.rate]), [["lead", "iql", 0.4], ["iql", "mql", 0.5], ["mql", "sql", 0]]);
    assert.equal(funnel.conversions.at(-1).rate, null, "nobody reached opportunity: no rate");
    const week = funnel.weeks.at(-1);
    assert.deepEqual([week.new_leads, week.new_mqls], [5, 1]);
    const form = await call("GET", "/v1/sites/acme-growth/funnel?form=another-form", { as: viewer });
    assert.equal((await form.json()).stages[0].reached, 0);
    await expectProblem(await call("GET", "/v1/sites/acme-growth/funnel", { as: outsider }), 403, "forbidden");
    await expectProblem(await call("GET", "/v1/sites/acme-growth/funnel?stage=mql", { as: viewer }), 400, "bad-query");
  });
});

describe("working a lead", () => {
  test("sales moves an MQL to SQL with a note; it is recorded with who, why and when", async () => {
    const id = await leadId("mql@acme.example");
    const moved = await call("POST", `/v1/leads/${id}/stage`, { as: sales, body: { to: "sql", note: "Call booked for Tuesday" } });
    assert.equal(moved.status, 200, await moved.clone().text());
    assert.deepEqual(await moved.json(), { lead: id, from: "mql", to: "sql" });
    const lead = await (await call("GET", `/v1/leads/${id}`, { as: viewer })).json();
    assert.equal(lead.stage, "sql");
    const last = lead.stage_history.at(-1);
    const [{ id: account }] = await stack.d1("SELECT id FROM accounts WHERE email = 'sales@acme.example'");
    assert.deepEqual([last.from_stage, last.to_stage, last.actor, last.note], ["mql", "sql", `account:${account}`, "Call booked for Tuesday"]);
    assert.match(last.created_at, /^\d{4}-\d{2}-\d{2}T/);
    const audit = await stack.d1("SELECT actor, action, site_id FROM audit_log WHERE action = 'stage-moved'");
    assert.deepEqual(audit, [{ actor: `account:${account}`, action: "stage-moved", site_id: "acme-growth" }]);
    const funnel = await (await call("GET", "/v1/sites/acme-growth/funnel", { as: viewer })).json();
    assert.deepEqual(funnel.stages.find((s) => s.stage === "sql"), { stage: "sql", current: 1, reached: 1 }, "the chart moves with the lead");
  });

  test("a viewer cannot move or write; nobody disqualifies without a reason", async () => {
    const id = await leadId("iql@acme.example");
    await expectProblem(await call("POST", `/v1/leads/${id}/stage`, { as: viewer, body: { to: "sql" } }), 403, "forbidden");
    await expectProblem(await call("POST", `/v1/leads/${id}/notes`, { as: viewer, body: { text: "hi" } }), 403, "forbidden");
    await expectProblem(await call("POST", `/v1/leads/${id}/stage`, { as: outsider, body: { to: "sql" } }), 404, "not-found");
    await expectProblem(await call("POST", `/v1/leads/${id}/stage`, { as: sales, body: { to: "disqualified" } }), 409, "stage-move");
    await expectProblem(await call("POST", `/v1/leads/${id}/stage`, { as: sales, body: { to: "iql" } }), 409, "stage-move");
    await expectProblem(await call("POST", `/v1/leads/${id}/stage`, { as: sales, body: { to: "hot" } }), 400, "malformed-json");
    const [{ stage }] = await stack.d1(`SELECT stage FROM leads WHERE id = ${id}`);
    assert.equal(stage, "iql", "nothing moved");
    const disqualified = await call("POST", `/v1/leads/${id}/stage`, { as: sales, body: { to: "disqualified", reason: "student, no budget" } });
    assert.equal(disqualified.status, 200);
    const [change] = await stack.d1(`SELECT reason FROM stage_changes WHERE lead_id = ${id} ORDER BY id DESC LIMIT 1`);
    assert.equal(change.reason, "student, no budget");
  });

  test("notes are kept as written and shown with their author", async () => {
    const id = await leadId("lead@acme.example");
    const text = `<script>alert("x")</script> asked about pricing`;
    const written = await call("POST", `/v1/leads/${id}/notes`, { as: sales, body: { text } });
    assert.equal(written.status, 201);
    const note = await written.json();
    assert.equal(note.text, text);
    const lead = await (await call("GET", `/v1/leads/${id}`, { as: viewer })).json();
    assert.deepEqual(lead.notes.map((n) => [n.text, n.author.startsWith("account:")]), [[text, true]]);
    await expectProblem(await call("POST", `/v1/leads/${id}/notes`, { as: sales, body: { text: "   " } }), 400, "bad-body");
    await expectProblem(await call("POST", `/v1/leads/${id}/notes`, { as: sales, body: { text: "x".repeat(5001) } }), 400, "bad-body");
  });
});

describe("exporting leads", () => {
  /** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
  function parseCsv(text) {
    const records = [];
    let record = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { record.push(cell); cell = ""; }
      else if (c === "\r" && text[i + 1] === "\n") { record.push(cell); records.push(record); record = []; cell = ""; i++; }
      else cell += c;
    }
    return records;
  }

  test("CSV has every filtered lead, quoted by RFC 4180, formula cells neutralised", async () => {
    const post = poster(stack);
    const evil = { email: "formula@acme.example", first_name: '=HYPERLINK("http://evil.example","clic")', company: "+1, \"Acme\" Ltd" };
    const stored = await post(SUBMISSIONS, submission(evil), { "Content-Type": "application/json", Origin: stack.url });
    assert.equal(stored.status, 201, await stored.clone().text());
    const marketing = await makeAccount(stack, "marketing@acme.example", [{ site: "acme-growth", role: "marketing" }]);
    assert.ok(marketing.id);
    const cookie = await signIn(stack, "marketing@acme.example");
    const response = await call("GET", "/v1/exports/leads?q=formula", { as: cookie });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^text\/csv/);
    assert.match(response.headers.get("content-disposition"), /attachment; filename="leads.csv"/);
    const [header, ...rows] = parseCsv(await response.text());
    assert.equal(rows.length, 1);
    const row = Object.fromEntries(header.map((name, i) => [name, rows[0][i]]));
    assert.equal(row.email, "formula@acme.example");
    assert.equal(row.first_name, `'=HYPERLINK("http://evil.example","clic")`, "a formula is text");
    assert.equal(row.company, "'+1, \"Acme\" Ltd", "quoted, and the leading + neutralised");
    const all = parseCsv(await (await call("GET", "/v1/exports/leads", { as: cookie })).text());
    assert.equal(all.length - 1, (await emails("limit=200")).length, "every lead, one record each");
    const audit = await stack.d1("SELECT action FROM audit_log WHERE action = 'leads-exported'");
    assert.equal(audit.length, 2);
  });

  test("JSON has the same leads; sales and viewers may not export", async () => {
    const json = await (await call("GET", "/v1/exports/leads?format=json&stage=mql", { as: stack.token })).json();
    assert.deepEqual(json.map((lead) => lead.email), await emails("stage=mql"));
    await expectProblem(await call("GET", "/v1/exports/leads", { as: sales }), 403, "forbidden");
    await expectProblem(await call("GET", "/v1/exports/leads", { as: viewer }), 403, "forbidden");
    await expectProblem(await call("GET", "/v1/exports/leads?limit=5", { as: stack.token }), 400, "bad-query");
  });
});

describe("a person's data", () => {
  test("exports everything the site holds about them, found by any spelling of their e-mail", async () => {
    const response = await call("POST", "/v1/sites/acme-growth/people/export", { as: stack.token, body: { email: " MQL@Acme.example " } });
    assert.equal(response.status, 200);
    const exported = await response.json();
    assert.match(exported.email, /^mql@acme\.example$/i, "the address asked about, trimmed");
    assert.equal(exported.leads.length, 1);
    const [lead] = exported.leads;
    assert.equal(lead.email, "mql@acme.example");
    assert.equal(lead.timeline.length, 1, "every submission");
    assert.ok(lead.consents.length >= 2, "every consent");
    assert.ok(lead.stage_history.length >= 2, "every stage change, the person's move too");
    const nobody = await (await call("POST", "/v1/sites/acme-growth/people/export", { as: stack.token, body: { email: "nobody@acme.example" } })).json();
    assert.deepEqual(nobody.leads, [], "nothing held is an empty export, not an error");
    await expectProblem(await call("POST", "/v1/sites/acme-growth/people/export", { as: sales, body: { email: "mql@acme.example" } }), 403, "forbidden");
    const [audit] = await stack.d1("SELECT subject FROM audit_log WHERE action = 'person-exported'");
    assert.match(audit.subject, /^lead:\d+$/, "the log names the lead, not the e-mail");
  });

  test("a lead kept from before the e-mail check refused its address can still be exported and erased", async () => {
    // An IP address for a domain passed until 2026-12; the lead is still someone's.
    await stack.d1(`INSERT INTO leads (site_id, email, email_key, fields, score, stage, explanation)
      VALUES ('globex', 'viejo@10.0.0.1', 'viejo@10.0.0.1', '{}', 0, 'lead', '{"fired":[],"groups":[]}'),
             ('globex', 'vieja@xn--and-6ma2c.123', 'vieja@xn--and-6ma2c.123', '{}', 0, 'lead', '{"fired":[],"groups":[]}')`);
    const person = (what, email) => call("POST", `/v1/sites/globex/people/${what}`, { as: stack.token, body: { email } });
    const exported = await (await person("export", "Viejo@10.0.0.1")).json();
    assert.deepEqual(exported.leads.map((lead) => lead.email), ["viejo@10.0.0.1"]);
    assert.equal((await person("erase", "viejo@10.0.0.1")).status, 200);
    assert.deepEqual((await (await person("export", "viejo@10.0.0.1")).json()).leads, []);
    // Asked as people write it: the domain in Unicode, as it was stored in punycode.
    const hers = await (await person("export", "Vieja@Ñandú.123")).json();
    assert.deepEqual(hers.leads.map((lead) => lead.email), ["vieja@xn--and-6ma2c.123"]);
    await expectProblem(await person("export", "no address"), 400, "bad-body");
  });
});

// Last: its lead would change the counts the tests above read.
describe("searching", () => {
  test("a lead written without a search text (before migration 0023) is found once the cron has given it one", async () => {
    await stack.d1(`INSERT INTO leads (site_id, email, email_key, fields, score, stage, explanation)
      VALUES ('globex', 'angel@globex.example', 'angel@globex.example', '{"first_name":"Ángel Łukasz"}', 0, 'lead', '{"fired":[],"groups":[]}')`);
    assert.deepEqual(await emails("site=globex&q=angel"), [], "no search text yet");
    const cron = await fetch(`${stack.url}/__scheduled?cron=*+*+*+*+*`);
    assert.equal(cron.status, 200, await cron.clone().text());
    for (const typed of ["angel", "ÁNGEL", "lukasz", "angel@globex"]) {
      assert.deepEqual(await emails(`site=globex&q=${encodeURIComponent(typed)}`), ["angel@globex.example"], typed);
    }
  });
});
