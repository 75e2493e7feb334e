// API conformance: schemathesis, from the OpenAPI document the Worker
// serves at /v1/openapi.json, generates requests for every operation
// (schema-valid and not), sends them to the real stack (wrangler dev + a
// local D1, as tests/support/stack.mjs starts it) and checks every answer:
// no server error, and a documented status, content type, headers and body.
// Any finding fails the run. Run by scripts/test.sh after the edge is built;
// by hand: `node tests/conformance/run.mjs` (CONFORMANCE_EXAMPLES=… for a
// longer run, CONFORMANCE_SEED=… to replay one).
//
// `make test` draws from one fixed seed (PINNED_SEED), so its verdict
// depends on the code and not on luck: a red run can be replayed, and a
// change that breaks nothing cannot go red because a new seed happened to
// find an old bug. Finding new bugs is `make conformance`'s job: new seeds
// and more examples each run (CONFORMANCE_SEED=random).
//
// It calls as a legitimate API client would, without weakening the edge:
// - the operator's token (the ADMIN_TOKEN secret) as a bearer token, the way
//   tests/support/people.mjs calls the marketing API. It may do anything,
//   so every admin route is reached, and no generated request can revoke it:
//   DELETE /v1/tokens/{token} revokes a person's token, never the operator's,
//   and signing out ends a cookie session, which the run does not use;
// - `Origin` set to the Worker's own origin, as the dashboard sends it, so
//   sign-in attempts meet the password check, not the cross-site refusal (the
//   submission routes' documented `Origin` is still generated, half of the
//   time as an allowed page, and refused when it is not one);
// - real data to find: a lead, its submission and offer link, a visitor
//   token, a webhook, a dead delivery, a person with a token of their own and
//   a re-scoring job, whose ids the generated paths use half of the time (the
//   other half are made up, to meet the 404s);
// - nothing sent off this machine: webhooks a generated request saves point
//   at a closed loopback port (hooks.py), and so does Turnstile's siteverify.
// The per-address rate limit, the sign-in lockout and the 16 KB body limit
// stay as they are: their 429s and 413s are documented answers, checked like
// any other.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startStack } from "../support/stack.mjs";
import { PASSWORD, caller, makeAccount, signIn } from "../support/people.mjs";
import { SUBMISSIONS, mqlAnswers, poster, submission } from "../support/requests.mjs";

const ROOT = resolve(import.meta.dirname, "..", "..");
const HERE = import.meta.dirname;
const WORK = join(ROOT, "target", "conformance");
const SCHEMATHESIS = join(ROOT, "target", "conformance-venv", "bin", "schemathesis");

/**
 * The checks, each of a response against the document. Two of schemathesis'
 * checks are left out, with reason: `positive_data_acceptance` wants every
 * schema-valid request accepted, but a JSON schema cannot say what only the
 * data decides (an e-mail already taken, a form spec whose rules contradict
 * each other, a stage move from where the lead is); `negative_data_rejection`
 * wants every request outside the schema refused, but the admin routes
 * answer an id that names nothing with an empty list (a site with no
 * webhooks yet), whatever its spelling. Both kinds of answer are documented.
 */
const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_headers_conformance",
  "response_schema_conformance",
  "unsupported_method",
  "allow_header_conformance",
  "missing_required_header",
  "ignored_auth",
  "use_after_free",
  "ensure_resource_availability",
];

if (!existsSync(SCHEMATHESIS)) {
  console.error(`no ${SCHEMATHESIS}: run scripts/bootstrap.sh (make test does) to install tests/conformance/requirements.txt`);
  process.exit(1);
}

/** Makes the things generated requests can find, as their users would. */
async function seed(stack) {
  const call = caller(stack);
  const asOperator = (method, path, body) => call(method, path, { as: stack.token, body });
  const expect = async (response, status, what) => {
    if (response.status !== status) throw new Error(`seeding ${what}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };

  await expect(
    await asOperator("POST", "/v1/sites/acme-growth/webhooks", { id: "crm", url: "http://127.0.0.1:9/hook", stages: ["mql", "sql"] }),
    200,
    "a webhook",
  );
  const answer = await expect(
    await poster(stack)(SUBMISSIONS, submission(mqlAnswers("conformance@acme.example"), ["content", "sales"])),
    201,
    "a lead",
  );
  const [{ id: lead }] = await stack.d1("SELECT id FROM leads WHERE email_key = 'conformance@acme.example'");
  // The MQL's handoff to the closed port fails three times (1 s, then 2 s
  // apart: the stack's HANDOFF_* settings) and is dead: one to retry.
  const dead = await deadDelivery(asOperator);
  const person = await makeAccount(stack, "marta@acme.example", [{ site: "acme-growth", role: "admin" }]);
  const cookie = await signIn(stack, "marta@acme.example", PASSWORD);
  const token = await expect(await call("POST", "/v1/tokens", { as: cookie, body: { name: "weekly report" } }), 201, "a token");
  // A second session, for the session routes: signing out ends it, and
  // leaves the first one working for the token routes.
  const leaving = await signIn(stack, "marta@acme.example", PASSWORD, "198.51.100.2");
  const rescore = await expect(await asOperator("POST", "/v1/sites/acme-growth/forms/demo-ebook/rescore"), 202, "a re-scoring");
  const offer = new URL(answer.offer.url, stack.url);
  return {
    sites: ["acme-growth"],
    forms: ["demo-ebook"],
    leads: [String(lead)],
    submissions: [answer.submission_id],
    expiries: [Number(offer.searchParams.get("expires"))],
    signatures: [offer.searchParams.get("sig")],
    visitors: [answer.visitor],
    origins: [stack.url],
    webhooks: ["crm"],
    deliveries: [dead],
    accounts: [String(person.id)],
    tokens: [token.id],
    rescores: [rescore.id],
    cookies: { tokens: cookie, session: leaving },
  };
}

/** The id of the first delivery to give up, once one has (within 30 s). */
async function deadDelivery(asOperator) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { deliveries } = await (await asOperator("GET", "/v1/sites/acme-growth/deliveries")).json();
    const dead = deliveries.find((d) => d.status === "dead");
    if (dead) return dead.id;
    await new Promise((later) => setTimeout(later, 500));
  }
  throw new Error("seeding a dead delivery: the MQL's handoff did not give up within 30 s");
}

/** Which generated parameter draws from which of the seeded lists. */
const BINDINGS = {
  "path.site": "sites",
  "query.site": "sites",
  "path.form": "forms",
  "query.form": "forms",
  "path.lead": "leads",
  "path.submission": "submissions",
  "query.expires": "expiries",
  "query.sig": "signatures",
  "query.visitor": "visitors",
  "header.Origin": "origins",
  "path.webhook": "webhooks",
  "path.delivery": "deliveries",
  "path.account": "accounts",
  "path.token": "tokens",
  "path.rescore": "rescores",
};

/**
 * schemathesis.toml for this stack and its seeded data. The operator has no
 * account, so its token gets 403 from the routes of a person's own tokens
 * and session: those are called as Marta, signed in to the dashboard, with
 * no bearer token (it would count first). Her cookie, not a token of hers,
 * so that no generated DELETE /v1/tokens/{token} can revoke what the run
 * calls with.
 */
function config(stack, { cookies, ...seeded }, examples) {
  const value = (v) => JSON.stringify(v);
  const asMarta = (regex, cookie) => [
    "[[operations]]",
    `include-path-regex = ${value(regex)}`,
    `headers = { Authorization = "", Cookie = ${value(cookie)}, Origin = ${value(stack.url)} }`,
    "",
  ];
  return [
    "# Written by tests/conformance/run.mjs for one run; not kept.",
    `hooks = ${value(join(HERE, "hooks.py"))}`,
    `headers = { Authorization = ${value(`Bearer ${stack.token}`)}, Origin = ${value(stack.url)} }`,
    // One worker: two made hypothesis trip over its own generation (a
    // FlakyFailure with a KeyError inside schemathesis, not an answer).
    "workers = 1",
    "request-timeout = 20.0",
    "",
    "[generation]",
    `max-examples = ${examples}`,
    'database = "none"',
    "",
    ...Object.entries(seeded).flatMap(([name, values]) => [`[dictionaries.${name}]`, `values = ${value(values)}`, ""]),
    "[parameters]",
    ...Object.entries(BINDINGS).map(([at, name]) => `${value(at)} = { dictionary = ${value(name)}, probability = 0.5 }`),
    "",
    ...asMarta("^/v1/tokens", cookies.tokens),
    ...asMarta("^/v1/session$", cookies.session),
  ].join("\n");
}

/** The seed `make test` replays; see the top of this file. */
const PINNED_SEED = "277893251366998313919384119132920954783";

const stack = await startStack({
  // A form a generated spec turns Turnstile on for asks this closed port.
  TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify",
});
let status = 1;
try {
  const seeded = await seed(stack);
  await mkdir(WORK, { recursive: true });
  const file = join(WORK, "schemathesis.toml");
  await writeFile(file, config(stack, seeded, Number(process.env.CONFORMANCE_EXAMPLES ?? 40)));
  const args = [
    "--config-file", file,
    "run", `${stack.url}/v1/openapi.json`,
    "--checks", CHECKS.join(","),
    "--no-color",
    "--report", "junit",
    "--report-dir", join(WORK, "report"),
  ];
  const seedAsked = process.env.CONFORMANCE_SEED ?? PINNED_SEED;
  if (seedAsked !== "random") args.push("--seed", seedAsked);
  // cwd: schemathesis and hypothesis keep their caches there, not in the tree.
  const child = spawn(SCHEMATHESIS, args, { cwd: WORK, stdio: "inherit" });
  status = await new Promise((done) => child.on("exit", (code) => done(code ?? 1)));
} finally {
  await stack.stop();
}
process.exit(status);
