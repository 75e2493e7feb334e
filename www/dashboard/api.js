// The dashboard's one way to the API: same origin, the session cookie sent
// by the browser, JSON in and out. A problem answer becomes an `ApiError`
// carrying its status and problem document, and saying it in the
// dashboard's language; 401 means the session is over.

import { language } from "./words.js";

/** An API answer that was not a success. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.text?.[language()] || problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; resolves to the JSON answer (or null for 204). */
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const answer = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof answer === "object" ? answer : null);
  return answer;
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
