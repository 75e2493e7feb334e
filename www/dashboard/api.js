// The dashboard's one way to the API: same origin, the session cookie sent
// by the browser, JSON in and out. A problem answer becomes an `ApiError`
// carrying its status and problem document, and saying it in the
// dashboard's language; 401 means the session is over. A read the edge
// answers 503 is asked again after its Retry-After; an answer that does
// not come is told after 30 seconds.

import { language, words } from "./words.js";

/** An API answer that was not a success. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.text?.[language()] || problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * How many times a read is asked when the edge answers 503 (D1 busy for a
 * moment): reading twice changes nothing, and a blip should not cost the
 * person the page they opened. Writes are never repeated behind their back.
 */
const READ_TRIES = 3;
/** The longest wait between two tries of a read, whatever Retry-After says. */
const MOST_WAIT_MS = 5_000;

/**
 * How long an answer may take before the person is told: without a limit,
 * a request the network swallowed leaves its button busy for good.
 */
const ANSWER_WAIT_MS = 30_000;

/**
 * One request and its answer read whole, failing in the dashboard's
 * language when the edge cannot be reached (offline, say) or does not
 * answer in time, rather than with the browser's own words. A write that
 * got no answer may have been done: the person is told to check first.
 */
async function exchange(path, init) {
  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(), ANSWER_WAIT_MS);
  try {
    const response = await fetch(path, { ...init, signal: giveUp.signal });
    const type = response.headers.get("content-type") || "";
    const answer = response.status === 204 ? null : type.includes("json") ? await response.json() : await response.text();
    return { response, answer };
  } catch (error) {
    const w = words();
    if (giveUp.signal.aborted) throw new Error(init.method === "GET" ? w.unanswered : w.unansweredWrite);
    // fetch's own failure (no network, a connection cut mid-answer).
    if (error instanceof TypeError) throw new Error(w.unreachable);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the API (with `headers` besides its own); resolves to the JSON answer (or null for 204). */
export async function api(method, path, body, headers = {}) {
  const init = { method, credentials: "same-origin", headers: { ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let { response, answer } = await exchange(path, init);
  for (let tries = 1; response.status === 503 && method === "GET" && tries < READ_TRIES; tries++) {
    const seconds = Number(response.headers.get("retry-after")) || 1;
    await new Promise((later) => setTimeout(later, Math.min(seconds * 1000, MOST_WAIT_MS)));
    ({ response, answer } = await exchange(path, init));
  }
  if (!response.ok) throw new ApiError(response.status, typeof answer === "object" ? answer : null);
  return answer;
}

/**
 * `asked` as the API takes it. A person picks the last day they want ("to
 * 31 May" includes 31 May); the API's `to` is the day before which leads
 * arrived, so it gets the day after. A day that is not one is passed on for
 * the edge to refuse plainly.
 */
export function through(asked) {
  const after = new Date(`${asked.to}T00:00:00Z`);
  if (!asked.to || Number.isNaN(after.getTime())) return asked;
  after.setUTCDate(after.getUTCDate() + 1);
  return { ...asked, to: after.toISOString().slice(0, 10) };
}

/** A query string from the non-empty entries of `params`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
