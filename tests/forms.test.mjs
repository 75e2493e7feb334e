// Forms and rules through the API, against wrangler dev + D1: marketing
// creates and edits specs (checked by shared, mistakes listed where they
// are, edits guarded by revision), a changed consent text becomes a new
// version in the ledger, a preview shows what the rules make of a sample or
// a real lead, and a re-scoring job applies changed rules to the leads
// already taken, page by page, reporting its progress.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { caller, makeAccount, signIn } from "./support/people.mjs";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, mqlAnswers, poster, submission } from "./support/requests.mjs";

const SITE = "/v1/sites/acme-growth";
let stack;
let call;
let post;
let marketing;
let sales;
let viewer;
let demo;

async function send(form, body) {
  const response = await post(`/v1/forms/${form}/submissions`, body, { "Content-Type": "application/json", Origin: stack.url });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

/** A re-scoring job once it is no longer running (done, checked). */
async function finished(job) {
  let progress = job;
  const deadline = Date.now() + 60_000;
  while (progress.status === "running" && Date.now() < deadline) {
    await new Promise((later) => setTimeout(later, 200));
    progress = await (await call("GET", `${SITE}/rescores/${job.id}`, { as: viewer })).json();
  }
  assert.equal(progress.status, "done", JSON.stringify(progress));
  return progress;
}

async function save(form, name, spec, as = marketing) {
  return call("PUT", `${SITE}/forms/${form}`, { as, body: { name, spec } });
}

before(async () => {
  // Two leads a page, so a re-scoring job takes several; the test build,
  // so a job can be paused between reading and writing.
  stack = await startStack({ RESCORE_PAGE: "2" }, { faults: true });
  call = caller(stack);
  post = poster(stack);
  await makeAccount(stack, "mkt@acme.example", [{ site: "acme-growth", role: "marketing" }]);
  await makeAccount(stack, "ventas@acme.example", [{ site: "acme-growth", role: "sales" }]);
  await makeAccount(stack, "mira@acme.example", [{ site: "acme-growth", role: "viewer" }]);
  marketing = await signIn(stack, "mkt@acme.example");
  sales = await signIn(stack, "ventas@acme.example");
  viewer = await signIn(stack, "mira@acme.example");
  const shown = await call("GET", `${SITE}/forms/demo-ebook`, { as: viewer });
  assert.equal(shown.status, 200, await shown.clone().text());
  demo = await shown.json();
});
after(async () => {
  await stack?.stop();
});

describe("forms", () => {
  test("are listed and shown whole, rules and consent versions included", async () => {
    const { forms } = await (await call("GET", `${SITE}/forms`, { as: viewer })).json();
    assert.deepEqual(forms.map((f) => [f.id, f.revision]), [["demo-ebook", 1]]);
    assert.equal(demo.spec.id, "demo-ebook");
    assert.ok(demo.spec.qualification.rules.length > 3, "the rules are there for the people who own them");
    assert.match(demo.consent_versions.content.es, /^sha256:[0-9a-f]{64}$/);
    await expectProblem(await call("GET", "/v1/sites/acme-growth/forms/nope", { as: viewer }), 404, "unknown-form");
  });

  test("a new form is created from a checked spec and served to the widget", async () => {
    const spec = { ...demo.spec, id: "webinar-q1", revision: 1, heading: { es: "Webinar de enero", en: "January webinar" } };
    await expectProblem(await save("webinar-q1", "Webinar", spec, sales), 403, "forbidden");
    const created = await save("webinar-q1", "Webinar Q1", spec);
    assert.equal(created.status, 201, await created.clone().text());
    assert.deepEqual(await created.json(), { id: "webinar-q1", revision: 1, new_consent_versions: [] });
    const served = await (await fetch(`${stack.url}/v1/forms/webinar-q1`)).json();
    assert.equal(served.heading.en, "January webinar");
    assert.equal(served.qualification, undefined, "the widget never gets the rules");
    await send("webinar-q1", submission({ email: "ana@webinar.example", first_name: "Ana" }));
    const [{ form_id }] = await stack.d1("SELECT form_id FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = 'ana@webinar.example'");
    assert.equal(form_id, "webinar-q1");
    const audit = await stack.d1("SELECT action, subject FROM audit_log WHERE action = 'form-saved'");
    assert.deepEqual(audit, [{ action: "form-saved", subject: "webinar-q1" }]);
  });

  test("a spec's mistakes are each named where they are, and nothing is saved", async () => {
    const broken = structuredClone(demo.spec);
    broken.fields[1].type = "favourite_colour";
    let problem = await expectProblem(await save("demo-ebook", "E-book", broken), 422, "invalid-spec");
    assert.ok(problem.problems.length >= 1, JSON.stringify(problem));
    const wrong = { ...structuredClone(demo.spec), locales: ["es", "en"], heading: { es: "Sólo español" } };
    problem = await expectProblem(await save("demo-ebook", "E-book", wrong), 422, "invalid-spec");
    assert.deepEqual(problem.problems.map((p) => p.path), ["heading"]);
    problem = await expectProblem(await save("otro-id", "E-book", demo.spec), 422, "invalid-spec");
    assert.deepEqual(problem.problems.map((p) => p.path), ["id"]);
    const [{ revision }] = await stack.d1("SELECT revision FROM forms WHERE id = 'demo-ebook'");
    assert.equal(revision, 1);
  });

  test("an edit from a stale revision is refused; a changed consent text is a new version", async () => {
    const edited = structuredClone(demo.spec);
    const content = edited.consents.find((c) => c.id === "content");
    content.text.es = `${content.text.es} Puedes darte de baja cuando quieras.`;
    const saved = await save("demo-ebook", "Guía de inbound", edited);
    assert.equal(saved.status, 200, await saved.clone().text());
    assert.deepEqual(await saved.json(), { id: "demo-ebook", revision: 2, new_consent_versions: ["content"] });
    await expectProblem(await save("demo-ebook", "Guía de inbound", edited), 409, "conflict");
    const now = await (await call("GET", `${SITE}/forms/demo-ebook`, { as: viewer })).json();
    assert.equal(now.revision, 2);
    assert.notEqual(now.consent_versions.content.es, demo.consent_versions.content.es);
    assert.equal(now.consent_versions.content.en, demo.consent_versions.content.en, "the English text did not change");
    // A visitor who agrees now is recorded agreeing to the new text.
    const { consents } = await send("demo-ebook", submission({ email: "nueva@acme.example", first_name: "Nueva" }, ["content"], "es"));
    assert.equal(consents[0].version, now.consent_versions.content.es);
    demo = now;
  });

  test("a visitor shown a text before it was edited is recorded agreeing to the words they read", async () => {
    const spec = { ...structuredClone(demo.spec), id: "aviso-q1", revision: 1 };
    assert.equal((await save("aviso-q1", "Aviso", spec)).status, 201);
    // The widget's copy, with each text's version: the page stays open...
    const shown = await (await fetch(`${stack.url}/v1/forms/aviso-q1`)).json();
    const versionOf = (id) => shown.consents.find((c) => c.id === id).versions.es;
    const admin = await (await call("GET", `${SITE}/forms/aviso-q1`, { as: viewer })).json();
    assert.equal(versionOf("newsletter"), admin.consent_versions.newsletter.es, "the version the edge records");
    assert.notEqual(shown.consents[0].versions.es, shown.consents[0].versions.en);
    // ...while marketing rewrites the newsletter item into a sales one.
    const edited = structuredClone(admin.spec);
    const newsletter = edited.consents.find((c) => c.id === "newsletter");
    newsletter.text.es = "Quiero que ventas me llame.";
    newsletter.purpose = "sales_contact";
    assert.equal((await save("aviso-q1", "Aviso", edited)).status, 200);
    const now = await (await call("GET", `${SITE}/forms/aviso-q1`, { as: viewer })).json();
    const ticked = ["content", "newsletter"];
    const sent = (email, versions) => post(`/v1/forms/aviso-q1/submissions`,
      submission({ email, first_name: "Eva" }, ticked, "es", versions ? { versions } : {}),
      { "Content-Type": "application/json", Origin: stack.url });
    const receipt = async (response) => {
      assert.equal(response.status, 201, await response.clone().text());
      const { consents } = await response.json();
      return Object.fromEntries(consents.map((c) => [c.consent, [c.purpose, c.version]]));
    };

    const first = await sent("eva@aviso.example", { content: versionOf("content"), newsletter: versionOf("newsletter") });
    const { consent_page: evasPage } = await first.clone().json();
    const before = await receipt(first);
    assert.deepEqual(before.newsletter, ["marketing_emails", versionOf("newsletter")], "the text read, with its purpose then");
    assert.deepEqual(before.content, ["content_delivery", now.consent_versions.content.es]);
    // Her own consent page shows her the words she agreed to, not today's.
    const page = await (await fetch(`${stack.url}${evasPage}`)).text();
    assert.ok(page.includes(shown.consents.find((c) => c.id === "newsletter").text.es), page);
    assert.ok(!page.includes("Quiero que ventas me llame."), page);
    const current = await receipt(await sent("leo@aviso.example", { newsletter: now.consent_versions.newsletter.es }));
    assert.deepEqual(current.newsletter, ["sales_contact", now.consent_versions.newsletter.es]);
    const unsaid = await receipt(await sent("ada@aviso.example"));
    assert.deepEqual(unsaid.newsletter, ["sales_contact", now.consent_versions.newsletter.es], "no version: the current text");

    // A version this item never had proves nothing: refused on that consent.
    const made = await sent("sol@aviso.example", { newsletter: versionOf("content") });
    const problem = await expectProblem(made, 422, "invalid-fields");
    assert.deepEqual(problem.errors.map((e) => [e.field, e.code]), [["newsletter", "consent_changed"]]);
    assert.match(problem.errors[0].message, /recarga la página/);

    // Eva agrees to the new text too: one consent id, given for two
    // purposes. Withdrawing it ends both, each with its own ledger event.
    await receipt(await sent("eva@aviso.example", { newsletter: now.consent_versions.newsletter.es }));
    const [{ id: eva }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'eva@aviso.example'");
    const withdraw = () => call("POST", `/v1/leads/${eva}/consents/withdrawals`, { as: marketing, body: { consent: "newsletter" } });
    const withdrawn = await withdraw();
    assert.equal(withdrawn.status, 201, await withdrawn.clone().text());
    assert.equal((await withdrawn.json()).purpose, "sales_contact", "the receipt of the latest grant");
    const events = await stack.d1(
      `SELECT purpose, granted FROM consent_events WHERE lead_id = ${eva} AND consent_id = 'newsletter' ORDER BY id`,
    );
    assert.deepEqual(events.map((e) => [e.purpose, e.granted]), [
      ["marketing_emails", 1], ["sales_contact", 1], ["marketing_emails", 0], ["sales_contact", 0],
    ]);
    await expectProblem(await withdraw(), 409, "conflict");

    // She gives today's text again: one purpose withdrawn, the other given.
    // Her page shows the consent as given, in the words of that grant, and
    // lets her withdraw it; the withdrawal ends only what is given.
    await receipt(await sent("eva@aviso.example", { newsletter: now.consent_versions.newsletter.es }));
    const mixed = await (await fetch(`${stack.url}${evasPage}`)).text();
    const item = mixed.slice(mixed.indexOf("Quiero que ventas me llame."));
    assert.match(item, /^[^<]*<\/p><p>Dado el \d{4}-\d\d-\d\d<\/p><form [^>]*><input type="hidden" name="consent" value="newsletter">/, mixed);
    assert.equal((await withdraw()).status, 201);
    const ended = await stack.d1(
      `SELECT purpose, granted FROM consent_events WHERE lead_id = ${eva} AND consent_id = 'newsletter' ORDER BY id`,
    );
    assert.deepEqual(ended.slice(4).map((e) => [e.purpose, e.granted]), [["sales_contact", 1], ["sales_contact", 0]]);
  });
});

describe("a preview", () => {
  test("scores a sample submission with a draft's rules, storing nothing", async () => {
    const [{ n: before }] = await stack.d1("SELECT count(*) AS n FROM leads");
    const draft = structuredClone(demo.spec);
    draft.qualification.thresholds.mql = 10;
    const sample = { fields: { email: "x@globex.example", first_name: "X" }, consents: { content: true }, locale: "en" };
    const saved = await (await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { submission: sample } })).json();
    const drafted = await (await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { submission: sample, spec: draft } })).json();
    assert.equal(saved.valid, true);
    assert.equal(saved.score, drafted.score, "the same rules, the same points");
    assert.ok(drafted.fired.some((f) => f.rule === "work-email"), JSON.stringify(drafted));
    assert.equal(drafted.stage, "mql", "the draft's lower threshold makes it an MQL");
    assert.notEqual(saved.stage, "mql");
    const invalid = await (await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { submission: { fields: { email: "nope" }, locale: "en" } } })).json();
    assert.equal(invalid.valid, false);
    assert.ok(invalid.errors.some((e) => e.field === "email"));
    draft.locales = ["es"];
    await expectProblem(await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { submission: sample, spec: draft } }), 422, "invalid-spec");
    await expectProblem(await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: viewer, body: { submission: sample } }), 403, "forbidden");
    const [{ n: later }] = await stack.d1("SELECT count(*) AS n FROM leads");
    assert.equal(later, before);
  });

  test("shows where a real lead would go", async () => {
    await send("demo-ebook", submission(mqlAnswers("mql-preview@acme.example"), ["content", "sales"]));
    const [{ id }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'mql-preview@acme.example'");
    const verdict = await (await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { lead: id } })).json();
    assert.equal(verdict.lead_stage, "mql");
    assert.equal(verdict.would_become, "mql");
    await expectProblem(await call("POST", `${SITE}/forms/demo-ebook/preview`, { as: marketing, body: { lead: 999999 } }), 400, "bad-body");
  });
});

describe("re-scoring", () => {
  test("applies changed rules to every lead the form scores, page by page, moving stages only forward", async () => {
    const webhook = await call("POST", `${SITE}/webhooks`, { as: stack.token, body: { id: "crm", url: "http://127.0.0.1:9/hook", stages: ["mql"] } });
    assert.equal(webhook.status, 200);
    for (const who of ["uno", "dos", "tres", "cuatro"]) {
      await send("demo-ebook", submission({ email: `${who}@rescore.example`, first_name: who }));
    }
    const ids = Object.fromEntries(
      (await stack.d1("SELECT id, email_key FROM leads WHERE email_key LIKE '%@rescore.example'")).map((r) => [r.email_key.split("@")[0], r.id]),
    );
    const moved = await call("POST", `/v1/leads/${ids.cuatro}/stage`, { as: sales, body: { to: "customer" } });
    assert.equal(moved.status, 200);
    const before = await stack.d1("SELECT count(*) AS n FROM leads WHERE stage = 'mql'");

    // Marketing rewards everyone who reads the guide: enough for MQL.
    const edited = structuredClone(demo.spec);
    edited.qualification.rules.push({ id: "read-the-guide", when: { if: "consent", purpose: "content_delivery" }, points: 60 });
    const saved = await save("demo-ebook", "Guía de inbound", edited);
    assert.equal(saved.status, 200, await saved.clone().text());
    await expectProblem(await call("POST", `${SITE}/forms/demo-ebook/rescore`, { as: sales }), 403, "forbidden");
    const started = await call("POST", `${SITE}/forms/demo-ebook/rescore`, { as: marketing });
    assert.equal(started.status, 202, await started.clone().text());
    const job = await started.json();
    // The webinar's and the notice's leads sent their latest submission to another form.
    const [{ n: scored }] = await stack.d1(
      "SELECT count(*) AS n FROM leads WHERE erased_at IS NULL AND email_key NOT LIKE '%@webinar.example' AND email_key NOT LIKE '%@aviso.example'",
    );
    assert.equal(job.total, scored, "every lead whose latest submission is the form's");
    assert.equal(started.headers.get("location"), `${SITE}/rescores/${job.id}`);

    const progress = await finished(job);
    assert.equal(progress.done, job.total);
    assert.ok(progress.changed >= 4, JSON.stringify(progress));
    assert.equal(progress.revision, 3);

    const stages = Object.fromEntries(
      (await stack.d1("SELECT email_key, stage, explanation FROM leads WHERE email_key LIKE '%@rescore.example'")).map((r) => [r.email_key.split("@")[0], r]),
    );
    for (const who of ["uno", "dos", "tres"]) {
      assert.equal(stages[who].stage, "mql", who);
      assert.ok(JSON.parse(stages[who].explanation).fired.some((f) => f.rule === "read-the-guide"));
    }
    assert.equal(stages.cuatro.stage, "customer", "a lead sales moved ahead is never moved back");
    const changes = await stack.d1(`SELECT actor, from_stage, to_stage FROM stage_changes WHERE lead_id = ${ids.uno} ORDER BY id`);
    assert.equal(changes.at(-1).actor, "rule");
    assert.equal(changes.at(-1).to_stage, "mql");
    const handed = await stack.d1(`SELECT count(*) AS n FROM deliveries WHERE webhook_id = 'crm' AND lead_id IN (${ids.uno}, ${ids.dos}, ${ids.tres})`);
    assert.equal(handed[0].n, 3, "each new MQL is handed to sales");
    const after = await stack.d1("SELECT count(*) AS n FROM leads WHERE stage = 'mql'");
    assert.ok(after[0].n > before[0].n);
  });

  test("never overwrites a lead's score with one from before a submission that arrived meanwhile", async () => {
    const spec = { ...structuredClone(demo.spec), id: "carrera", revision: 1 };
    spec.qualification = { ...spec.qualification, rules: [
      { id: "read", when: { if: "consent", purpose: "content_delivery" }, points: 10 },
      { id: "call", when: { if: "consent", purpose: "sales_contact" }, points: 5 },
    ] };
    assert.equal((await save("carrera", "Carrera", spec)).status, 201);
    const email = "rapida@carrera.example";
    // The newsletter makes her an IQL; nothing here moves her on from it,
    // so only the score tells which history was scored.
    await send("carrera", submission({ email, first_name: "Rápida" }, ["content", "newsletter"]));
    const lead = async () => (await stack.d1(`SELECT score, stage FROM leads WHERE email_key = '${email}'`))[0];
    const scoreNow = async () => (await lead()).score;
    assert.deepEqual(await lead(), { score: 10, stage: "iql" });

    // Reading the guide is worth more now; the job re-scores the lead and,
    // between reading it and writing, she comes back and asks for a call.
    const edited = (await (await call("GET", `${SITE}/forms/carrera`, { as: viewer })).json()).spec;
    edited.qualification.rules[0].points = 20;
    assert.equal((await save("carrera", "Carrera", edited)).status, 200);
    const mark = stack.mark();
    const started = await call("POST", `${SITE}/forms/carrera/rescore`, {
      as: marketing,
      headers: { "Embudo-Fault": "pause-before-write=4000" },
    });
    assert.equal(started.status, 202, await started.clone().text());
    await stack.said(/fault: pausing 4000 ms before a write/, mark);
    await send("carrera", submission({ email }, ["content", "sales"]));
    assert.deepEqual(await lead(), { score: 25, stage: "iql" }, "her submission scored her whole history with today's rules");
    await finished(await started.json());
    assert.equal(await scoreNow(), 25, "the job's score, from before she came back, is not written over it");

    // The same with a withdrawal: a job that read her sales consent as
    // given writes nothing once she has withdrawn it.
    edited.qualification.rules[0].points = 30;
    edited.revision = 2;
    assert.equal((await save("carrera", "Carrera", edited)).status, 200);
    const [{ id }] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
    const again = stack.mark();
    const rescoring = await call("POST", `${SITE}/forms/carrera/rescore`, {
      as: marketing,
      headers: { "Embudo-Fault": "pause-before-write=4000" },
    });
    await stack.said(/fault: pausing 4000 ms before a write/, again);
    const withdrawn = await call("POST", `/v1/leads/${id}/consents/withdrawals`, { as: marketing, body: { consent: "sales" } });
    assert.equal(withdrawn.status, 201, await withdrawn.clone().text());
    await finished(await rescoring.json());
    assert.notEqual(await scoreNow(), 35, "no score counting the consent she withdrew");
  });
});
