// The edge's HTTP API against wrangler dev and a real local D1 database:
// leads are stored, every refused post gets a clear problem+json 4xx, and a
// refused post leaves nothing behind.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "./support/stack.mjs";
import { SUBMISSIONS, expectProblem, poster, submission as body } from "./support/requests.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const post = (...args) => poster(stack)(...args);

async function storedCount() {
  const [row] = await stack.d1("SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM submissions) AS n");
  return row.n;
}

async function listLeads(token = stack.token) {
  return fetch(`${stack.url}/v1/leads`, { headers: { Authorization: `Bearer ${token}` } });
}

/** The lead a submission answer belongs to (the visitor is not told). */
async function leadOf(answer) {
  const [row] = await stack.d1(`SELECT lead_id FROM submissions WHERE id = '${answer.submission_id}'`);
  return row.lead_id;
}

describe("a valid submission", () => {
  test("is validated, qualified and stored in D1, and the leads API shows why", async () => {
    const response = await post(
      SUBMISSIONS,
      body(
        {
          email: "Ana@Acme.Example",
          first_name: " Ana García ",
          job_role: "Directora de Marketing",
          company_size: "250-999",
          country: "mx",
        },
        ["content", "sales"],
      ),
    );
    assert.equal(response.status, 201);
    const answer = await response.json();
    assert.equal(answer.lead_id, undefined, "no internal id reaches the visitor");
    const id = await leadOf(answer);

    const [row] = await stack.d1(`SELECT email, stage, score, fields FROM leads WHERE id = ${id}`);
    assert.equal(row.email, "Ana@acme.example");
    assert.equal(row.stage, "mql");
    assert.equal(row.score, 70);
    assert.deepEqual(JSON.parse(row.fields), {
      first_name: "Ana García",
      job_role: "Directora de Marketing",
      company_size: "250-999",
      country: "MX",
    });

    const listed = await listLeads();
    assert.equal(listed.status, 200);
    const { leads } = await listed.json();
    const lead = leads.find((l) => l.id === id);
    assert.equal(lead.stage, "mql");
    assert.deepEqual(
      lead.explanation.fired.map((f) => [f.rule, f.points]),
      [["work-email", 15], ["marketing-leader", 20], ["company-size-fit", 15], ["served-country", 5], ["wants-sales-contact", 15]],
    );
    assert.equal(lead.submissions, 1);
    const [stored] = await stack.d1(`SELECT data FROM submissions WHERE lead_id = ${id}`);
    const consents = JSON.parse(stored.data).consents;
    assert.deepEqual(consents.map((c) => [c.id, c.purpose]), [["content", "content_delivery"], ["sales", "sales_contact"]]);
    assert.match(consents[0].version, /^sha256:[0-9a-f]{64}$/);
    const changes = await stack.d1(`SELECT from_stage, to_stage, actor FROM stage_changes WHERE lead_id = ${id}`);
    assert.deepEqual(changes, [{ from_stage: null, to_stage: "mql", actor: "rule" }]);
  });

  test("is stored even when it asks for injected faults: the deployed build has no such switch", async () => {
    const response = await post(SUBMISSIONS, body({ email: "faults@acme.example", first_name: "Fausto" }), {
      "Content-Type": "application/json",
      "Embudo-Fault": "d1-write=all",
    });
    assert.equal(response.status, 201);
    const [{ n }] = await stack.d1("SELECT count(*) AS n FROM leads WHERE email_key = 'faults@acme.example'");
    assert.equal(n, 1);
  });

  test("from a competitor is stored as disqualified", async () => {
    const response = await post(SUBMISSIONS, body({ email: "spy@rivalgrowth.example", first_name: "Eve" }));
    assert.equal(response.status, 201);
    const id = await leadOf(await response.json());
    const [row] = await stack.d1(`SELECT stage FROM leads WHERE id = ${id}`);
    assert.equal(row.stage, "disqualified");
  });
});

describe("one person, one lead", () => {
  test("a second submission merges into the lead; the latest answers win", async () => {
    const first = await post(SUBMISSIONS, body({ email: "Berta@Acme.example", first_name: "Berta", company_size: "1-9" }));
    const second = await post(
      SUBMISSIONS,
      body({ email: "berta@ACME.example", first_name: "Berta", company_size: "250-999" }, ["content", "newsletter"]),
    );
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    const a = await first.json();
    const b = await second.json();
    assert.equal(await leadOf(a), await leadOf(b), "the same lead");
    assert.notEqual(a.submission_id, b.submission_id);
    const rows = await stack.d1(`SELECT fields, stage, (SELECT count(*) FROM submissions WHERE lead_id = leads.id) AS n FROM leads WHERE id = ${await leadOf(a)}`);
    assert.equal(rows.length, 1);
    assert.equal(JSON.parse(rows[0].fields).company_size, "250-999");
    assert.equal(rows[0].n, 2);
    assert.equal(rows[0].stage, "iql", "the newsletter consent in the second made an IQL");
    const changes = await stack.d1(`SELECT from_stage, to_stage, actor FROM stage_changes WHERE lead_id = ${await leadOf(a)} ORDER BY id`);
    assert.deepEqual(changes, [
      { from_stage: null, to_stage: "lead", actor: "rule" },
      { from_stage: "lead", to_stage: "iql", actor: "rule" },
    ]);
  });

  test("a returning person may leave out a required field they gave before, and only then", async () => {
    const refused = await expectProblem(await post(SUBMISSIONS, body({ email: "dolores@acme.example" })), 422, "invalid-fields");
    assert.deepEqual(refused.errors.map((e) => [e.field, e.code]), [["first_name", "required"]]);
    assert.equal((await post(SUBMISSIONS, body({ email: "dolores@acme.example", first_name: "Dora" }))).status, 201);
    assert.equal((await post(SUBMISSIONS, body({ email: "dolores@acme.example", company: "Acme" }))).status, 201, "progressive profiling skipped the name");
    const [lead] = await stack.d1("SELECT fields FROM leads WHERE email_key = 'dolores@acme.example'");
    assert.deepEqual(JSON.parse(lead.fields), { first_name: "Dora", company: "Acme" });
  });

  test("concurrent posts for one e-mail never make two leads", async () => {
    // One of them consents to the newsletter: whatever order they land in,
    // the lead must end up qualified on all eight (an IQL).
    const posts = Array.from({ length: 8 }, (_, i) =>
      post(SUBMISSIONS, body({ email: "carla@acme.example", first_name: `Carla ${i}` }, i === 3 ? ["content", "newsletter"] : ["content"])),
    );
    const answers = await Promise.all(posts);
    assert.deepEqual(answers.map((r) => r.status), Array(8).fill(201));
    const leads = await stack.d1("SELECT id, stage FROM leads WHERE email_key = 'carla@acme.example'");
    assert.equal(leads.length, 1);
    assert.equal(leads[0].stage, "iql", "scored on the whole history, not on whichever post wrote last");
    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM submissions WHERE lead_id = ${leads[0].id}`);
    assert.equal(n, 8);
    // The stage history is one unbroken path from creation to IQL: each
    // move starts where the one before ended, and none is recorded twice.
    const changes = await stack.d1(`SELECT from_stage, to_stage FROM stage_changes WHERE lead_id = ${leads[0].id} ORDER BY id`);
    assert.equal(changes[0].from_stage, null);
    assert.equal(changes.at(-1).to_stage, "iql");
    changes.slice(1).forEach((change, i) => {
      assert.equal(change.from_stage, changes[i].to_stage, JSON.stringify(changes));
      assert.notEqual(change.from_stage, change.to_stage, JSON.stringify(changes));
    });
  });
});

describe("a submission id", () => {
  test("replayed with the same body gets the first answer and stores nothing new", async () => {
    const sent = JSON.stringify({ id: "6f1c2a9e-0d4b-4c11-9a7e-1d2c3b4a5f60", fields: { email: "dora@acme.example", first_name: "Dora" }, consents: { content: true } });
    const first = await post(SUBMISSIONS, sent);
    assert.equal(first.status, 201);
    const before = await stack.d1("SELECT count(*) AS n FROM submissions");
    const again = await post(SUBMISSIONS, sent);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    // The offer link and visitor token are signed afresh; the rest is the first answer.
    const { offer: firstOffer, visitor: firstVisitor, ...firstAnswer } = await first.json();
    const { offer: againOffer, visitor: againVisitor, ...againAnswer } = await again.json();
    assert.deepEqual(againAnswer, firstAnswer, "the same submission id and consent receipts");
    assert.ok(firstOffer.url && againOffer.url, "each answer carries a working offer link");
    assert.equal(againVisitor.split(".")[0], firstVisitor.split(".")[0], "and a token for the same lead");
    assert.deepEqual(await stack.d1("SELECT count(*) AS n FROM submissions"), before);
  });

  test("reused with a different body is a 409", async () => {
    const id = "0a0b0c0d-1111-4222-8333-444455556666";
    const first = await post(SUBMISSIONS, JSON.stringify({ id, fields: { email: "eva@acme.example", first_name: "Eva" }, consents: { content: true } }));
    assert.equal(first.status, 201);
    const other = await post(SUBMISSIONS, JSON.stringify({ id, fields: { email: "eva@acme.example", first_name: "Evita" }, consents: { content: true } }));
    await expectProblem(other, 409, "submission-id-conflict");
  });

  test("reused with the same body on another form is a 409, not that form's replay", async () => {
    const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
    const sql = JSON.stringify({ ...JSON.parse(spec), id: "otro" }).replaceAll("'", "''");
    await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('otro', 'acme-growth', 'Otro', 1, '${sql}')`);
    const sent = JSON.stringify({ id: "1b2c3d4e-5555-4666-8777-888899990000", fields: { email: "ines@acme.example", first_name: "Inés" }, consents: { content: true } });
    assert.equal((await post(SUBMISSIONS, sent)).status, 201);
    await expectProblem(await post("/v1/forms/otro/submissions", sent), 409, "submission-id-conflict");
  });
});

describe("the offer link", () => {
  async function submitted(email) {
    const response = await post(SUBMISSIONS, body({ email, first_name: "Hugo" }));
    assert.equal(response.status, 201);
    return response.json();
  }

  test("is signed, counts the download and leads to the offer", async () => {
    const answer = await submitted("hugo@acme.example");
    assert.match(answer.offer.url, /^\/v1\/offers\/demo-ebook\/.+\?expires=\d+&sig=[0-9a-f]{64}$/);
    const followed = await fetch(`${stack.url}${answer.offer.url}`, { redirect: "manual" });
    assert.equal(followed.status, 302);
    assert.equal(new URL(followed.headers.get("location")).pathname, "/offers/guia-inbound.pdf");
    assert.equal(followed.headers.get("x-content-type-options"), "nosniff", "a redirect is marked like every answer");
    const [row] = await stack.d1(`SELECT downloads FROM submissions WHERE id = '${answer.submission_id}'`);
    assert.equal(row.downloads, 1);
    const pdf = await fetch(followed.headers.get("location"));
    assert.equal(pdf.status, 200);
  });

  test("tampered, it is a 403 page; expired, a 410 page", async () => {
    const answer = await submitted("ines@acme.example");
    const tampered = answer.offer.url.replace(/sig=(.)/, (_, c) => `sig=${c === "0" ? "1" : "0"}`);
    const refused = await fetch(`${stack.url}${tampered}`, { redirect: "manual" });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get("content-type"), /text\/html/);
    assert.match(await refused.text(), /no es válido/);

    const { createHmac } = await import("node:crypto");
    const past = Math.floor(Date.now() / 1000) - 60;
    const sig = createHmac("sha256", stack.offerKey).update(`demo-ebook\n${answer.submission_id}\n${past}`).digest("hex");
    const expired = await fetch(`${stack.url}/v1/offers/demo-ebook/${answer.submission_id}?expires=${past}&sig=${sig}`, { redirect: "manual" });
    assert.equal(expired.status, 410);
    assert.match(await expired.text(), /caducado/);
    const [row] = await stack.d1(`SELECT downloads FROM submissions WHERE id = '${answer.submission_id}'`);
    assert.equal(row.downloads, 0, "refused links count nothing");
  });

  test("an offer sent by e-mail gets no link, and a signed one for it counts nothing", async () => {
    const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
    const mailed = { ...JSON.parse(spec), id: "mailed" };
    mailed.offer = { ...mailed.offer, delivery: { by: "email" } };
    const sql = JSON.stringify(mailed).replaceAll("'", "''");
    await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('mailed', 'acme-growth', 'Mailed', 1, '${sql}')`);
    const response = await post("/v1/forms/mailed/submissions", body({ email: "correo@acme.example", first_name: "Correo" }));
    assert.equal(response.status, 201);
    const answer = await response.json();
    assert.equal(answer.offer, undefined, "nothing to fetch, so no link to a page saying it expired");

    const { createHmac } = await import("node:crypto");
    const later = Math.floor(Date.now() / 1000) + 600;
    const sig = createHmac("sha256", stack.offerKey).update(`mailed\n${answer.submission_id}\n${later}`).digest("hex");
    const followed = await fetch(`${stack.url}/v1/offers/mailed/${answer.submission_id}?expires=${later}&sig=${sig}`, { redirect: "manual" });
    assert.equal(followed.status, 410);
    const [row] = await stack.d1(`SELECT downloads FROM submissions WHERE id = '${answer.submission_id}'`);
    assert.equal(row.downloads, 0, "not counted as a download");
  });
});

describe("bots", () => {
  async function botPost(email, context) {
    const before = await storedCount();
    const response = await post(
      SUBMISSIONS,
      JSON.stringify({ fields: { email, first_name: "Bot" }, consents: { content: true }, context }),
    );
    assert.equal(response.status, 201, "a bot is told it worked");
    const answer = await response.json();
    assert.ok(answer.submission_id);
    assert.equal(await storedCount(), before, "nothing reaches the pipeline");
  }

  test("filling the honeypot gets a success-looking answer, stores nothing, and is counted", async () => {
    await botPost("bot1@spam.example", { trap: "http://cheap-pills.example", elapsed_ms: 9000 });
    const counts = await stack.d1("SELECT reason, n FROM spam_counts WHERE site_id = 'acme-growth' AND reason = 'honeypot'");
    assert.deepEqual(counts, [{ reason: "honeypot", n: 1 }]);
  });

  test("a form sent faster than a person could is treated the same", async () => {
    await botPost("bot2@spam.example", { elapsed_ms: 300 });
    await botPost("bot3@spam.example", { elapsed_ms: 150 });
    const counts = await stack.d1("SELECT n FROM spam_counts WHERE reason = 'too_fast'");
    assert.deepEqual(counts, [{ n: 2 }]);
  });
});

describe("the consent ledger", () => {
  const verify = async () =>
    (await fetch(`${stack.url}/v1/sites/acme-growth/consents/verify`, { headers: { Authorization: `Bearer ${stack.token}` } })).json();

  test("gives the visitor a receipt per consent, chained and verifiable", async () => {
    const response = await post(SUBMISSIONS, body({ email: "gala@acme.example", first_name: "Gala" }, ["content", "newsletter"]));
    assert.equal(response.status, 201);
    const answer = await response.json();
    assert.deepEqual(answer.consents.map((r) => [r.consent, r.purpose]), [["content", "content_delivery"], ["newsletter", "marketing_emails"]]);
    for (const receipt of answer.consents) {
      assert.match(receipt.version, /^sha256:[0-9a-f]{64}$/);
      assert.match(receipt.event, /^[0-9a-f]{64}$/);
    }
    const events = () => stack.d1(`SELECT event_hash, prev_hash, hash, ip_hash FROM consent_events WHERE submission_id = '${answer.submission_id}' ORDER BY id`);
    assert.deepEqual((await events()).map((e) => e.event_hash), answer.consents.map((r) => r.event), "the receipts name the recorded events");
    const verified = await verify();
    assert.equal(verified.intact, true);
    assert.ok(verified.events >= 2);
    const [first, second] = await events();
    assert.equal(second.prev_hash, first.hash, "verifying sealed them into the chain, each linked to the one before");
    assert.match(first.ip_hash, /^[0-9a-f]{64}$/, "the address is kept only as a keyed hash");
  });

  test("seals new events every minute through the cron trigger", async () => {
    const response = await post(SUBMISSIONS, body({ email: "cron@acme.example", first_name: "Crono" }));
    const { submission_id } = await response.json();
    const sealed = async () => (await stack.d1(`SELECT hash FROM consent_events WHERE submission_id = '${submission_id}'`))[0].hash;
    assert.equal(await sealed(), null, "written without waiting on the chain");
    const cron = await fetch(`${stack.url}/__scheduled?cron=*+*+*+*+*`);
    assert.equal(cron.status, 200);
    assert.match(await sealed(), /^[0-9a-f]{64}$/);
  });

  test("chains every consent of many concurrent submissions, none lost", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(SUBMISSIONS, body({ email: `crowd${i}@acme.example`, first_name: "Crowd" }, ["content", "newsletter"]))),
    );
    assert.deepEqual(answers.map((r) => r.status), Array(20).fill(201));
    const [{ n }] = await stack.d1("SELECT count(*) AS n FROM consent_events WHERE site_id = 'acme-growth'");
    const verified = await verify();
    assert.equal(verified.intact, true);
    assert.equal(verified.events, n);
    const [{ unsealed }] = await stack.d1("SELECT count(*) AS unsealed FROM consent_events WHERE hash IS NULL");
    assert.equal(unsealed, 0);
  });

  test("records a consent the person withdrew, chained like the grant; the lead no longer counts as consenting", async () => {
    const response = await post(SUBMISSIONS, body({ email: "retira@acme.example", first_name: "Retira" }, ["content", "newsletter"]));
    assert.equal(response.status, 201);
    const answer = await response.json();
    const [lead] = await stack.d1("SELECT id FROM leads WHERE email_key = 'retira@acme.example'");
    const operator = { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json" };
    const withdraw = (consent) =>
      fetch(`${stack.url}/v1/leads/${lead.id}/consents/withdrawals`, { method: "POST", headers: operator, body: JSON.stringify({ consent }) });
    const consenting = async () =>
      (await (await fetch(`${stack.url}/v1/leads?site=acme-growth&consent=marketing_emails&q=retira`, { headers: operator })).json()).leads.map((l) => l.email);
    assert.deepEqual(await consenting(), ["retira@acme.example"]);

    const withdrawn = await withdraw("newsletter");
    assert.equal(withdrawn.status, 201);
    const receipt = await withdrawn.json();
    const granted = answer.consents.find((r) => r.consent === "newsletter");
    assert.deepEqual([receipt.consent, receipt.purpose, receipt.version], ["newsletter", "marketing_emails", granted.version]);
    const events = await stack.d1(`SELECT granted, event_hash, page, ip_hash FROM consent_events WHERE lead_id = ${lead.id} AND consent_id = 'newsletter' ORDER BY id`);
    assert.deepEqual(events.map((e) => e.granted), [1, 0], "the grant stays; the withdrawal follows it");
    assert.equal(events[1].event_hash, receipt.event, "the receipt names the recorded withdrawal");
    assert.deepEqual([events[1].page, events[1].ip_hash], [null, null], "no page or address of whoever recorded it");
    const verified = await verify();
    assert.equal(verified.intact, true, "the withdrawal is sealed into the chain");
    assert.deepEqual(await consenting(), [], "no longer listed as consenting to marketing e-mails");
    const [audit] = await stack.d1(`SELECT actor, detail FROM audit_log WHERE action = 'consent-withdrawn' AND subject = 'lead:${lead.id}'`);
    assert.deepEqual([audit.actor, audit.detail], ["operator", "newsletter"]);
    const detail = await (await fetch(`${stack.url}/v1/leads/${lead.id}`, { headers: operator })).json();
    assert.deepEqual(detail.consents.filter((c) => c.consent_id === "newsletter").map((c) => [c.granted, c.withdrawn_by]),
      [[1, null], [0, "operator"]], "the lead's page says who recorded the withdrawal");

    // Nothing is left to withdraw, and a consent never given cannot be.
    await expectProblem(await withdraw("newsletter"), 409, "conflict");
    await expectProblem(await withdraw("sales"), 409, "conflict");
  });

  test("a consent the person withdrew no longer counts in their score, until they give it again", async () => {
    const email = "arrepentida@acme.example";
    const operator = { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json" };
    const send = async (consents) =>
      assert.equal((await post(SUBMISSIONS, body({ email, first_name: "Arrepentida" }, consents))).status, 201);
    await send(["content", "sales"]);
    const [lead] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
    const fired = async () =>
      (await (await fetch(`${stack.url}/v1/leads/${lead.id}`, { headers: operator })).json()).explanation.fired.map((f) => f.rule);
    assert.ok((await fired()).includes("wants-sales-contact"));
    const withdrawn = await fetch(`${stack.url}/v1/leads/${lead.id}/consents/withdrawals`, {
      method: "POST", headers: operator, body: JSON.stringify({ consent: "sales" }),
    });
    assert.equal(withdrawn.status, 201);
    // Her next submission does not tick it: she has said no to sales.
    await send(["content"]);
    assert.ok(!(await fired()).includes("wants-sales-contact"), "scored as someone who withdrew it");
    // Ticking it again gives it again.
    await send(["content", "sales"]);
    assert.ok((await fired()).includes("wants-sales-contact"));
  });

  test("a withdrawal still counts when another form gives the same consent id for another purpose", async () => {
    const email = "dos-fines@acme.example";
    const operator = { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json" };
    // Another form whose "newsletter" is consent to sales contact.
    const demo = await (await fetch(`${stack.url}/v1/sites/acme-growth/forms/demo-ebook`, { headers: operator })).json();
    const consents = demo.spec.consents.filter((c) => c.id !== "sales")
      .map((c) => (c.id === "newsletter" ? { ...c, purpose: "sales_contact" } : c));
    const spec = { ...demo.spec, id: "otro-fin", revision: 1, consents };
    const saved = await fetch(`${stack.url}/v1/sites/acme-growth/forms/otro-fin`, { method: "PUT", headers: operator, body: JSON.stringify({ name: "Otro fin", spec }) });
    assert.equal(saved.status, 201, await saved.clone().text());
    const send = async (form, consents) =>
      assert.equal((await post(`/v1/forms/${form}/submissions`, body({ email, first_name: "Dos" }, consents))).status, 201);
    await send("demo-ebook", ["content", "newsletter"]);
    const [lead] = await stack.d1(`SELECT id FROM leads WHERE email_key = '${email}'`);
    const withdrawn = await fetch(`${stack.url}/v1/leads/${lead.id}/consents/withdrawals`, {
      method: "POST", headers: operator, body: JSON.stringify({ consent: "newsletter" }),
    });
    assert.equal(withdrawn.status, 201);
    await send("otro-fin", ["content", "newsletter"]);
    await send("demo-ebook", ["content"]);
    const detail = await (await fetch(`${stack.url}/v1/leads/${lead.id}`, { headers: operator })).json();
    const fired = detail.explanation.fired.map((f) => f.rule);
    assert.ok(!fired.includes("wants-newsletter"), `the newsletter was withdrawn: ${fired}`);
    assert.ok(fired.includes("wants-sales-contact"), "sales contact was given on the other form");
  });

  test("lets the person withdraw a consent themselves, on the page their answer links to", async () => {
    const response = await post(SUBMISSIONS, body({ email: "propia@acme.example", first_name: "Propia" }, ["content", "newsletter"], "en"));
    const answer = await response.json();
    assert.match(answer.consent_page, new RegExp(`^/v1/consents/${answer.submission_id}\\?sig=[0-9a-f]{64}$`));
    const open = (path) => fetch(`${stack.url}${path}`, { redirect: "manual" });
    const withdraw = (path, consent, type = "application/x-www-form-urlencoded") =>
      fetch(`${stack.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": type, "CF-Connecting-IP": "203.0.113.9" },
        body: new URLSearchParams(consent === undefined ? {} : { consent }).toString(),
      });
    const buttons = (html) => [...html.matchAll(/name="consent" value="([^"]+)"/g)].map((m) => m[1]);

    const page = await open(answer.consent_page);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy"), /^default-src 'none'; style-src 'self'; form-action 'self';/, "nothing runs; it posts only back");
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    const html = await page.text();
    assert.match(html, /<html lang="en">/, "in the language the person wrote in");
    const spec = await (await fetch(`${stack.url}/v1/forms/demo-ebook`)).json();
    const read = spec.consents.find((c) => c.id === "newsletter").text.en.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
    assert.ok(html.includes(read), "the words the person agreed to");
    assert.deepEqual(buttons(html), ["content", "newsletter"], "a button for each consent given");

    const done = await withdraw(answer.consent_page, "newsletter");
    assert.equal(done.status, 303);
    const back = new URL(done.headers.get("location"));
    assert.equal(`${back.pathname}${back.search}`, `${answer.consent_page}&withdrawn=newsletter`);
    const after = await (await open(`${back.pathname}${back.search}`)).text();
    assert.match(after, /<p role="status">Done: you have withdrawn this consent\.<\/p>/);
    assert.deepEqual(buttons(after), ["content"], "only what is still given can be withdrawn");
    assert.match(after, /Withdrawn on \d{4}-\d{2}-\d{2}/);

    const [lead] = await stack.d1("SELECT id FROM leads WHERE email_key = 'propia@acme.example'");
    const events = await stack.d1(`SELECT granted, submission_id, page, ip_hash FROM consent_events WHERE lead_id = ${lead.id} AND consent_id = 'newsletter' ORDER BY id`);
    assert.deepEqual(events.map((e) => e.granted), [1, 0]);
    assert.equal(events[1].submission_id, answer.submission_id, "the withdrawal names the grant it ends");
    assert.match(events[1].ip_hash, /^[0-9a-f]{64}$/, "the person's own address, as a keyed hash, as their grant has it");
    assert.equal((await verify()).intact, true, "sealed into the chain");
    const [audit] = await stack.d1(`SELECT actor, detail FROM audit_log WHERE action = 'consent-withdrawn' AND subject = 'lead:${lead.id}'`);
    assert.deepEqual([audit.actor, audit.detail], ["visitor", "newsletter"]);
    const detail = await (await fetch(`${stack.url}/v1/leads/${lead.id}`, { headers: { Authorization: `Bearer ${stack.token}` } })).json();
    assert.equal(detail.consents.find((c) => c.granted === 0).withdrawn_by, "visitor", "withdrawn by the person themselves");

    const twice = await withdraw(answer.consent_page, "newsletter");
    assert.equal(twice.status, 303, "a double click withdraws once, and says it is done");
    assert.equal(new URL(twice.headers.get("location")).search, back.search);
    const never = await withdraw(answer.consent_page, "sales");
    assert.equal(never.status, 409);
    assert.match(await never.text(), /never gave us this consent.*href="\/v1\/consents\//s, "says so, with the way back");
    // One hex digit of the signature changed (to another digit: "0" for "0" would be no forgery).
    const forged = answer.consent_page.replace(/sig=(.)/, (_, digit) => `sig=${digit === "0" ? "1" : "0"}`);
    assert.equal((await open(forged)).status, 403);
    assert.equal((await withdraw(forged, "content")).status, 403);
    await expectProblem(await withdraw(answer.consent_page, "content", "application/json"), 415, "unsupported-media-type");
    await expectProblem(await withdraw(answer.consent_page, undefined), 400, "bad-body");
    const [{ n }] = await stack.d1(`SELECT count(*) AS n FROM consent_events WHERE lead_id = ${lead.id}`);
    assert.equal(n, 3, "nothing more written by a refused withdrawal");
  });

  test("the consent page speaks the person's language, and is gone once they are erased", async () => {
    const answer = await (await post(SUBMISSIONS, body({ email: "borrada@acme.example", first_name: "Borrada" }))).json();
    const page = await fetch(`${stack.url}${answer.consent_page}`);
    assert.match(await page.text(), /<html lang="es">.*<h1>Tus consentimientos<\/h1>/s);
    const erased = await fetch(`${stack.url}/v1/sites/acme-growth/people/erase`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ email: "borrada@acme.example" }),
    });
    assert.equal(erased.status, 200);
    const gone = await fetch(`${stack.url}${answer.consent_page}`);
    assert.equal(gone.status, 410);
    assert.match(await gone.text(), /no queda nada que retirar/);
  });

  test("refuses edits, and a forced edit or deletion is detected", async () => {
    await assert.rejects(stack.d1("UPDATE consent_events SET granted = 0"), /append-only/);
    await assert.rejects(stack.d1("DELETE FROM consent_events"), /append-only/);
    const [first, , third, fourth] = await stack.d1("SELECT id FROM consent_events WHERE site_id = 'acme-growth' ORDER BY id LIMIT 4");
    // Someone with raw database access removes the guards and rewrites history.
    await stack.d1(`DROP TRIGGER consent_events_no_delete; DELETE FROM consent_events WHERE id = ${third.id}`);
    let verified = await verify();
    assert.equal(verified.intact, false);
    assert.equal(verified.broken_at, fourth.id, "the event after a deleted one no longer links");
    await stack.d1(`DROP TRIGGER consent_events_seal_or_erase_only; UPDATE consent_events SET version = 'sha256:forged' WHERE id = ${first.id}`);
    verified = await verify();
    assert.equal(verified.broken_at, first.id);
  });
});

describe("origins", () => {
  const valid = () => body({ email: "fede@acme.example", first_name: "Fede" });

  test("an allowed page's post is answered with CORS headers", async () => {
    const origin = stack.url;
    const response = await post(SUBMISSIONS, valid(), { "Content-Type": "application/json", Origin: origin });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("access-control-allow-origin"), origin);
    assert.match(response.headers.get("access-control-expose-headers"), /Retry-After/, "the widget can read how long to wait");
  });

  test("another site's page is refused and nothing is stored", async () => {
    const before = await stack.d1("SELECT count(*) AS n FROM submissions");
    const response = await post(SUBMISSIONS, valid(), { "Content-Type": "application/json", Origin: "https://evil.example" });
    await expectProblem(response, 403, "origin-refused");
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.deepEqual(await stack.d1("SELECT count(*) AS n FROM submissions"), before);
  });

  test("the preflight is answered for allowed pages only", async () => {
    const ask = (origin) =>
      fetch(`${stack.url}${SUBMISSIONS}`, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
      });
    const allowed = await ask(stack.url);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), stack.url);
    assert.match(allowed.headers.get("access-control-allow-methods"), /POST/);
    await expectProblem(await ask("https://evil.example"), 403, "origin-refused");
  });

  test("a field error reaches an allowed page with CORS headers, so the widget can show it", async () => {
    const response = await post(SUBMISSIONS, body({ email: "x" }), { "Content-Type": "application/json", Origin: stack.url });
    await expectProblem(response, 422, "invalid-fields");
    assert.equal(response.headers.get("access-control-allow-origin"), stack.url);
  });
});

describe("the form's spec", () => {
  test("is revalidated with its ETag for a 304", async () => {
    const first = await fetch(`${stack.url}/v1/forms/demo-ebook`);
    const etag = first.headers.get("etag");
    assert.match(etag, /^"[0-9a-f]{24}"$/);
    const again = await fetch(`${stack.url}/v1/forms/demo-ebook`, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
  });

  test("is served to the widget without the qualification rules", async () => {
    const response = await fetch(`${stack.url}/v1/forms/demo-ebook`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("cache-control"), /max-age/);
    const spec = await response.json();
    assert.equal(spec.id, "demo-ebook");
    assert.ok(spec.fields.some((f) => f.id === "email" && f.type === "email"));
    assert.equal(spec.qualification, undefined, "the company's rules stay at the edge");
  });

  test("of an unknown form is a 404 problem", async () => {
    await expectProblem(await fetch(`${stack.url}/v1/forms/no-such-form`), 404, "unknown-form");
  });
});

describe("a refused submission gets a clear 4xx and stores nothing", () => {
  const cases = [
    {
      name: "invalid fields (422, each field named, in the visitor's language)",
      send: () => post(SUBMISSIONS, body({ email: "ana@" }, [], "en")),
      status: 422,
      type: "invalid-fields",
      check(problem) {
        assert.deepEqual(
          problem.errors.map((e) => [e.field, e.code]),
          [["email", "invalid_email"], ["first_name", "required"], ["content", "consent_required"]],
        );
        assert.match(problem.errors[0].message, /name@company\.com/);
      },
    },
    {
      name: "a missing e-mail (422 required, in Spanish)",
      send: () => post(SUBMISSIONS, body({ first_name: "Ana" })),
      status: 422,
      type: "invalid-fields",
      check: (problem) => assert.equal(problem.errors[0].message, "Este campo es obligatorio."),
    },
    {
      name: "a field the form does not have (422)",
      send: () => post(SUBMISSIONS, body({ email: "ana@acme.example", first_name: "Ana", stage: "sql" })),
      status: 422,
      type: "invalid-fields",
      check: (problem) => assert.deepEqual(problem.errors.map((e) => [e.field, e.code]), [["stage", "unknown_field"]]),
    },
    {
      name: "bad JSON (400)",
      send: () => post(SUBMISSIONS, '{"fields": {"email": "ana@example.com"},'),
      status: 400,
      type: "malformed-json",
    },
    {
      name: "unknown top-level keys (400)",
      send: () => post(SUBMISSIONS, JSON.stringify({ fields: { email: "ana@example.com" }, score: 100 })),
      status: 400,
      type: "malformed-json",
    },
    {
      name: "an unsupported locale (400)",
      send: () => post(SUBMISSIONS, body({ email: "ana@example.com", first_name: "Ana" }, ["content"], "fr")),
      status: 400,
      type: "malformed-json",
    },
    {
      name: "the wrong content type (415)",
      send: () => post(SUBMISSIONS, "email=ana@example.com", { "Content-Type": "application/x-www-form-urlencoded" }),
      status: 415,
      type: "unsupported-media-type",
    },
    {
      name: "an oversize body (413)",
      send: () => post(SUBMISSIONS, body({ email: "ana@example.com", first_name: "x".repeat(17_000) })),
      status: 413,
      type: "payload-too-large",
    },
    {
      name: "a malformed submission id (400)",
      send: () => post(SUBMISSIONS, JSON.stringify({ id: "<script>", fields: { email: "ana@example.com" } })),
      status: 400,
      type: "malformed-json",
    },
    {
      name: "an unknown form (404)",
      send: () => post("/v1/forms/no-such-form/submissions", body({ email: "ana@example.com" })),
      status: 404,
      type: "unknown-form",
    },
    {
      name: "the wrong method (405 with Allow)",
      send: () => fetch(`${stack.url}${SUBMISSIONS}`, { method: "PUT", body: "{}" }),
      status: 405,
      type: "method-not-allowed",
      check: (_problem, response) => assert.equal(response.headers.get("allow"), "POST, OPTIONS"),
    },
  ];

  for (const { name, send, status, type, check } of cases) {
    test(name, async () => {
      const before = await storedCount();
      const response = await send();
      const problem = await expectProblem(response, status, type);
      check?.(problem, response);
      assert.equal(await storedCount(), before, "no row is left behind");
    });
  }
});

describe("the leads API", () => {
  test("refuses a request without the bearer token", async () => {
    const response = await fetch(`${stack.url}/v1/leads`);
    await expectProblem(response, 401, "unauthorized");
    assert.equal(response.headers.get("www-authenticate"), "Bearer");
  });

  test("refuses a wrong token", async () => {
    await expectProblem(await listLeads(`${stack.token}x`), 401, "unauthorized");
  });

  test("refuses a page size out of range", async () => {
    const response = await fetch(`${stack.url}/v1/leads?limit=100000`, {
      headers: { Authorization: `Bearer ${stack.token}` },
    });
    await expectProblem(response, 400, "bad-query");
  });

  test("answers unknown API paths with a problem, not a page", async () => {
    await expectProblem(await fetch(`${stack.url}/v1/nothing-here`), 404, "not-found");
  });
});
