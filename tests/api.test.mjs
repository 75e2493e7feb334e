// The edge's HTTP API against wrangler dev and a real local D1 database:
// leads are stored, every refused post gets a clear problem+json 4xx, and a
// refused post leaves nothing behind.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "./support/stack.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const SUBMISSIONS = "/v1/forms/demo-ebook/submissions";

function post(path, body, headers = { "Content-Type": "application/json" }) {
  return fetch(`${stack.url}${path}`, { method: "POST", headers, body });
}

async function leadCount() {
  const [row] = await stack.d1("SELECT count(*) AS n FROM leads");
  return row.n;
}

async function listLeads(token = stack.token) {
  return fetch(`${stack.url}/v1/leads`, { headers: { Authorization: `Bearer ${token}` } });
}

async function expectProblem(response, status, type) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const problem = await response.json();
  assert.equal(problem.status, status);
  assert.equal(problem.type, `urn:embudo:problem:${type}`);
  assert.ok(problem.detail.length > 0, "the problem says what went wrong");
  return problem;
}

describe("a valid submission", () => {
  test("is stored in D1 and listed by the leads API", async () => {
    const response = await post(
      SUBMISSIONS,
      JSON.stringify({ name: " Ana García ", email: "Ana@Example.COM", consent: true, locale: "es" }),
    );
    assert.equal(response.status, 201);
    const { lead_id: id } = await response.json();
    assert.ok(Number.isInteger(id));

    const rows = await stack.d1(`SELECT name, email, consent, form_id FROM leads WHERE id = ${id}`);
    assert.deepEqual(rows, [
      { name: "Ana García", email: "Ana@example.com", consent: 1, form_id: "demo-ebook" },
    ]);

    const listed = await listLeads();
    assert.equal(listed.status, 200);
    const { leads } = await listed.json();
    const lead = leads.find((l) => l.id === id);
    assert.equal(lead.email, "Ana@example.com");
    assert.equal(lead.consent, true);
  });
});

describe("a refused submission gets a clear 4xx and stores nothing", () => {
  const cases = [
    {
      name: "invalid fields (422, each field named, in the visitor's language)",
      send: () => post(SUBMISSIONS, JSON.stringify({ email: "ana@", locale: "en" })),
      status: 422,
      type: "invalid-fields",
      check(problem) {
        assert.deepEqual(
          problem.errors.map((e) => [e.field, e.code]),
          [["email", "invalid"], ["consent", "required"]],
        );
        assert.match(problem.errors[0].message, /name@company\.com/);
      },
    },
    {
      name: "a missing e-mail (422 required)",
      send: () => post(SUBMISSIONS, JSON.stringify({ name: "Ana", consent: true })),
      status: 422,
      type: "invalid-fields",
      check: (problem) => assert.equal(problem.errors[0].message, "Escribe tu correo electrónico."),
    },
    {
      name: "bad JSON (400)",
      send: () => post(SUBMISSIONS, '{"email": "ana@example.com",'),
      status: 400,
      type: "malformed-json",
    },
    {
      name: "unknown keys (400)",
      send: () => post(SUBMISSIONS, JSON.stringify({ email: "ana@example.com", consent: true, stage: "SQL" })),
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
      send: () =>
        post(SUBMISSIONS, JSON.stringify({ email: "ana@example.com", consent: true, name: "x".repeat(17_000) })),
      status: 413,
      type: "payload-too-large",
    },
    {
      name: "an unknown form (404)",
      send: () => post("/v1/forms/no-such-form/submissions", JSON.stringify({ email: "ana@example.com", consent: true })),
      status: 404,
      type: "unknown-form",
    },
    {
      name: "the wrong method (405 with Allow)",
      send: () => fetch(`${stack.url}${SUBMISSIONS}`, { method: "PUT", body: "{}" }),
      status: 405,
      type: "method-not-allowed",
      check: (_problem, response) => assert.equal(response.headers.get("allow"), "POST"),
    },
  ];

  for (const { name, send, status, type, check } of cases) {
    test(name, async () => {
      const before = await leadCount();
      const response = await send();
      const problem = await expectProblem(response, status, type);
      check?.(problem, response);
      assert.equal(await leadCount(), before, "no row is left behind");
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
