// The people who work leads, as the API tests drive them: requests as a
// bearer token or a session cookie, accounts made by the operator, sign-in.
import assert from "node:assert/strict";

/** The password every test account is made with. */
export const PASSWORD = "a long enough passphrase";

/**
 * Requests against `stack` as `as` (a bearer token, or a cookie
 * `embudo_session=…`), from the Worker's own origin unless `origin` says
 * otherwise (`null`: no Origin at all), with any other `headers` given.
 */
export function caller(stack) {
  return (method, path, { as, body, origin = "same", ip, headers: more = {} } = {}) => {
    const headers = { ...more };
    if (as?.startsWith("embudo_session=")) headers.Cookie = as;
    else if (as) headers.Authorization = `Bearer ${as}`;
    if (origin === "same") headers.Origin = stack.url;
    else if (origin) headers.Origin = origin;
    if (ip) headers["CF-Connecting-IP"] = ip;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(`${stack.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
    });
  };
}

/** Makes an account (as the operator unless `as` says); returns the answer. */
export async function makeAccount(stack, email, memberships, as = stack.token) {
  const response = await caller(stack)("POST", "/v1/accounts", {
    as,
    body: { email, name: email.split("@")[0], password: PASSWORD, memberships },
  });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

/** Signs in; returns the cookie to send back (`embudo_session=…`). */
export async function signIn(stack, email, password = PASSWORD, ip = "198.51.100.1") {
  const response = await caller(stack)("POST", "/v1/session", { body: { email, password }, ip });
  assert.equal(response.status, 200, await response.clone().text());
  return response.headers.get("set-cookie").split(";")[0];
}
