// What the API tests send and expect, shared by every test file.
import assert from "node:assert/strict";

export const SUBMISSIONS = "/v1/forms/demo-ebook/submissions";

let visitors = 0;

/**
 * A visitor address of its own (from TEST-NET-2). The edge rate-limits per
 * site and address; under wrangler dev every test post comes from
 * 127.0.0.1, so each one says which visitor it stands for.
 */
export function visitorAddress() {
  visitors += 1;
  return `198.51.${(visitors >> 8) & 255}.${visitors & 255}`;
}

/** A submission body: answers by field id, ticked consents, locale, and more. */
export function submission(fields, consents = ["content"], locale = "es", more = {}) {
  return JSON.stringify({
    fields,
    consents: Object.fromEntries(consents.map((id) => [id, true])),
    locale,
    ...more,
  });
}

/** Answers that make a marketing-qualified lead of the demo form. */
export function mqlAnswers(email) {
  return {
    email,
    first_name: "Ana García",
    job_role: "Directora de Marketing",
    company_size: "250-999",
    country: "mx",
  };
}

/** Posts to the stack as a visitor of its own, unless `headers` names one. */
export function poster(stack) {
  return (path, body, headers = { "Content-Type": "application/json" }) =>
    fetch(`${stack.url}${path}`, {
      method: "POST",
      headers: { "CF-Connecting-IP": visitorAddress(), ...headers },
      body,
    });
}

/** Asserts an `application/problem+json` answer of `status` and `type`. */
export async function expectProblem(response, status, type) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const problem = await response.json();
  assert.equal(problem.status, status);
  assert.equal(problem.type, `urn:embudo:problem:${type}`);
  assert.ok(problem.detail.length > 0, "the problem says what went wrong");
  assert.equal(problem.text.en, problem.detail, "the detail is the English words");
  assert.ok(problem.text.es && problem.text.es !== problem.text.en, `said in Spanish too: ${problem.text.es}`);
  return problem;
}
