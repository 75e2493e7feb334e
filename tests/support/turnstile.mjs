// Turnstile without Cloudflare: a local stand-in for siteverify, the Worker
// settings that point the edge at it, and a form that asks for Turnstile.
import { serve } from "./local-server.mjs";

/** The site key of the guarded form. */
export const SITE_KEY = "0x4AAAAAAAtest";

/**
 * Stands in for siteverify: the token "pass" passes, "verify-down" makes it
 * fail as a server, a token starting "once-" passes the first time and has
 * expired after (as a real token does five minutes on), anything else is
 * refused. Records what it was asked. `vars` are the Worker settings that
 * send the edge to it.
 */
export async function startSiteverify() {
  const secret = "test-turnstile-secret";
  const asked = [];
  const spent = new Set();
  const server = await serve((_req, body, res) => {
    const check = JSON.parse(body);
    asked.push(check);
    if (check.response === "verify-down") {
      res.writeHead(502).end("bad gateway");
      return;
    }
    const once = String(check.response).startsWith("once-");
    const expired = once && spent.has(check.response);
    if (once) spent.add(check.response);
    const verdict = check.secret === secret && (check.response === "pass" || (once && !expired))
      ? { success: true, "error-codes": [] }
      : { success: false, "error-codes": [expired ? "timeout-or-duplicate" : "invalid-input-response"] };
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(verdict));
  });
  const url = `${server.url}/siteverify`;
  return { ...server, asked, url, secret, vars: { TURNSTILE_SECRET: secret, TURNSTILE_VERIFY_URL: url } };
}

/** Adds the form "guarded" to the demo site: the demo form, asking for Turnstile. */
export async function addGuardedForm(stack) {
  const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
  const guarded = { ...JSON.parse(spec), id: "guarded", turnstile: { site_key: SITE_KEY } };
  const sql = JSON.stringify(guarded).replaceAll("'", "''");
  await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('guarded', 'acme-growth', 'Guarded', 1, '${sql}')`);
}
