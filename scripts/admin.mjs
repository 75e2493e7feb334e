// `make admin EMAIL=you@example.com [SITE=acme-growth] [NAME="You"] [URL=…]`:
// makes an admin account on SITE through a running Worker's API, with the
// operator's token (the ADMIN_TOKEN Worker secret), and prints the password
// the Worker made up: it is shown this once.
//
// Local (make dev running): URL defaults to http://127.0.0.1:8787 and the
// token is read from edge/.dev.vars. Remote: URL=https://<your worker>
// ADMIN_TOKEN=<the secret you put> make admin EMAIL=…
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const email = process.env.EMAIL;
const site = process.env.SITE || "acme-growth";
const url = (process.env.URL || `http://127.0.0.1:${process.env.PORT || 8787}`).replace(/\/$/, "");
if (!email) {
  console.error("usage: make admin EMAIL=you@example.com [SITE=acme-growth] [NAME=…] [URL=…]");
  process.exit(2);
}
let token = process.env.ADMIN_TOKEN;
if (!token) {
  const vars = resolve(import.meta.dirname, "..", "edge", ".dev.vars");
  try {
    token = readFileSync(vars, "utf8").match(/^ADMIN_TOKEN=(.*)$/m)?.[1];
  } catch {
    // no local secrets: said below
  }
}
if (!token) {
  console.error("no operator token: set ADMIN_TOKEN, or run make dev once to make edge/.dev.vars");
  process.exit(2);
}
const name = process.env.NAME || email.split("@")[0];
const response = await fetch(`${url}/v1/accounts`, {
  method: "POST",
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify({ email, name, memberships: [{ site, role: "admin" }] }),
}).catch((error) => {
  console.error(`the Worker at ${url} does not answer (${error.cause?.code ?? error.message}); is it running?`);
  process.exit(1);
});
const answer = await response.json().catch(() => ({}));
if (response.status !== 201) {
  console.error(`${response.status}: ${answer.detail ?? answer.title ?? "the Worker refused"}`);
  process.exit(1);
}
console.log(`admin of ${site}: ${answer.email}  password: ${answer.password}  (shown once; sign in at ${url}/v1/session)`);
