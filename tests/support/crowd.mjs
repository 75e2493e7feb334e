// A crowd of visitors: realistic submissions, each from a different person
// on a different address (so no lead is merged, no id replayed and no
// per-address limit shared), sent many at once over keep-alive connections,
// each tried again as the widget's outbox does until the edge settles it.
// Used by the crowd tests (tests/crowd.test.mjs) and the edge benchmark
// (bench/edge/load.mjs).
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { percentile } from "../../bench/measure.mjs";

const PATH = "/v1/forms/demo-ebook/submissions";

const PEOPLE = [
  ["Ana", "ana"], ["Bruno", "bruno"], ["Carmen", "carmen"], ["Diego", "diego"], ["Elena", "elena"],
  ["Fernando", "fernando"], ["Gabriela", "gabriela"], ["Inés", "ines"], ["Javier", "javier"], ["Lucía", "lucia"],
];
const COMPANIES = [
  ["Acme Industrial", "acme.example"], ["Globex Logística", "globex.example"],
  ["Initech Software", "initech.example"], ["Umbrella Salud", "umbrella.example"],
];
const ROLES = ["Directora de Marketing", "Head of Growth", "CMO", "Analista de datos", "Responsable de ventas"];
const SIZES = ["1-9", "10-49", "50-249", "250-999", "1000+"];
const COUNTRIES = ["ES", "MX", "AR", "CO", "US", "GB"];

/**
 * The `n`th visitor's submission to the demo form (edge/forms/demo-ebook.toml),
 * as its widget posts it: its body, id, e-mail, the consents it gives, and
 * the address it comes from.
 */
export function submission(n, page) {
  const [firstName, slug] = PEOPLE[n % PEOPLE.length];
  const [company, domain] = COMPANIES[n % COMPANIES.length];
  const email = `${slug}.${n}@${domain}`;
  const fields = {
    email,
    first_name: firstName,
    company,
    job_role: ROLES[n % ROLES.length],
    company_size: SIZES[n % SIZES.length],
    country: COUNTRIES[n % COUNTRIES.length],
    utm_source: "newsletter",
    utm_campaign: "guia-inbound",
  };
  // Some people leave a phone or tick more than the required consent, as
  // on the real form.
  if (n % 3 === 0) fields.phone = `+34 600 ${String(n % 1000).padStart(3, "0")} ${String((n * 7) % 1000).padStart(3, "0")}`;
  const consents = { content: true };
  if (n % 4 === 0) consents.sales = true;
  if (n % 5 === 0) consents.newsletter = true;
  const id = randomUUID();
  const body = JSON.stringify({
    id,
    fields,
    consents,
    locale: n % 2 === 0 ? "es" : "en",
    // More than the edge's 2 s minimum fill time: a person, not a bot.
    context: { page, elapsed_ms: 5_000 + (n % 20_000) },
  });
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  return { id, email, consents: Object.keys(consents).length, body, ip };
}

/**
 * Posts one submission to the Worker at `target` ({ port, url }); resolves
 * with its status, answer, Retry-After, whether it was a replay, the faults
 * a fault-injection build says it injected, and the time in ms (status 0:
 * no answer).
 */
export function post(target, agent, { body, ip }, headers = {}) {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    let finished = false;
    // A broken response may also fail its request: count it once.
    const finish = (status, text, headers = {}) => {
      if (finished) return;
      finished = true;
      done({
        status,
        text,
        retryAfter: headers["retry-after"] ?? null,
        replayed: headers["idempotent-replayed"] === "true",
        injected: Number(headers["embudo-faults-injected"] ?? 0),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    };
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port: target.port,
        method: "POST",
        path: PATH,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          Origin: target.url,
          "CF-Connecting-IP": ip,
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => finish(res.statusCode, Buffer.concat(chunks).toString(), res.headers));
        res.on("error", (error) => finish(0, `response broke: ${error.message}`));
      },
    );
    req.on("error", (error) => finish(0, `request failed: ${error.message}`));
    req.end(body);
  });
}

/** Whether the widget tries an answer again: no answer, 429, or a 5xx. */
function passing(status) {
  return status === 0 || status === 429 || status >= 500;
}

/**
 * The wait before try `tries + 1`: the widget's outbox rule
 * (widget/src/outbox.rs `wait_ms`: doubling, "equal jitter", never sooner
 * than Retry-After), from 250 ms up to 8 s instead of 1 s up to five
 * minutes, so a run is about the edge rather than about waiting.
 */
function wait(tries, retryAfter) {
  const capped = Math.min(8_000, 250 * 2 ** Math.min(tries - 1, 20));
  const jittered = capped / 2 + (capped / 2) * Math.random();
  return Math.max(jittered, (Number(retryAfter) || 0) * 1_000);
}

/**
 * Sends `count` visitors' submissions to the edge at `url`, `concurrency`
 * at a time, each tried again until the edge settles it (at most
 * `maxTries`). `headers` go with every post (a fault plan); `during(sent)`
 * is called after each settled one (to restart the Worker midway, say).
 * Resolves with what a person would ask of such a run: the visitors and
 * their final answers, how many were stored, the passing failures on the
 * way (and the faults the edge injected and hid by trying again itself),
 * how many were answered as replays, throughput and latency.
 */
export async function crowd({ url, count, concurrency, headers = {}, maxTries = 60, during = () => {} }) {
  const target = { url, port: Number(new URL(url).port) };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const visitors = Array.from({ length: count }, (_, n) => submission(n + 1, `${url}/`));
  const answers = new Array(count);
  const passingFailures = new Map();
  const latencies = [];
  let next = 0;
  let settled = 0;
  let tries = 0;
  let injected = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        let answer;
        for (let attempt = 1; attempt <= maxTries; attempt++) {
          tries += 1;
          answer = await post(target, agent, visitors[n], headers);
          latencies.push(answer.ms);
          injected += answer.injected;
          if (!passing(answer.status)) break;
          const kind = answer.status === 0 ? "no answer" : String(answer.status);
          passingFailures.set(kind, (passingFailures.get(kind) ?? 0) + 1);
          await new Promise((later) => setTimeout(later, wait(attempt, answer.retryAfter)));
        }
        answers[n] = answer;
        settled += 1;
        await during(settled);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const stored = answers.filter((answer, n) => {
    if (answer.status !== 200 && answer.status !== 201) return false;
    try {
      return JSON.parse(answer.text).submission_id === visitors[n].id;
    } catch {
      return false;
    }
  }).length;
  return {
    visitors,
    answers,
    stored,
    tries,
    passingFailures: Object.fromEntries(passingFailures),
    injected,
    replayed: answers.filter((answer) => answer.replayed).length,
    seconds,
    perSecond: stored / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
