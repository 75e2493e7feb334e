// The widget as a guest on other people's pages, in headless Chromium
// against the real Worker and D1: accessible (axe-core finds nothing), usable
// by keyboard alone, and working, unharmed and harmless on a hostile page
// with a strict Content-Security-Policy.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { startStack } from "./support/stack.mjs";
import { launchBrowser, visitorPage } from "./support/browser.mjs";
import { addGuardedForm, startSiteverify } from "./support/turnstile.mjs";

const AXE = resolve(import.meta.dirname, "..", "node_modules", "axe-core", "axe.min.js");

let stack;
let browser;
let siteverify;
before(async () => {
  siteverify = await startSiteverify();
  [stack, browser] = await Promise.all([startStack(siteverify.vars), launchBrowser()]);
  await addGuardedForm(stack);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  siteverify?.close();
});

/** axe-core's violations inside the widget (its shadow DOM included). */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run({ include: [["embudo-form"]] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** The focused element, looking into shadow roots: its id, tag and text. */
function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return { id: element?.id ?? "", tag: element?.tagName ?? "", text: element?.textContent?.trim() ?? "" };
  });
}

/** Presses Tab until `wanted(focused)` holds (at most 25 times). */
async function tabTo(page, wanted) {
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    if (wanted(await focused(page))) return;
  }
  assert.fail("never reached by Tab");
}

test("axe-core finds no violation in the form: empty, with errors, and sent", async () => {
  const page = await visitorPage(browser, { locale: "es-ES" });
  await page.goto(`${stack.url}/`);
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  assert.deepEqual(await violations(page), [], "the empty form");

  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByText("Revisa los campos marcados.").waitFor();
  assert.deepEqual(await violations(page), [], "with every error shown");

  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).fill("axe@empresa.example");
  await page.getByLabel("Nombre", { exact: true }).fill("Axe");
  await page.getByLabel(/^Acepto que Acme Growth me envíe/).check();
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  assert.deepEqual(await violations(page), [], "sent, with the download link");
});

test("a visitor using only the keyboard can fill and send the form", async () => {
  const page = await visitorPage(browser, { locale: "es-ES" });
  await page.goto(`${stack.url}/`);
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await tabTo(page, (f) => f.tag === "INPUT" && f.id.includes("email"));
  await page.keyboard.type("teclado@empresa.example");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Tecla");
  await tabTo(page, (f) => f.id.includes("content"));
  await page.keyboard.press("Space");
  await page.waitForTimeout(2_100);
  await tabTo(page, (f) => f.tag === "BUTTON" && f.text === "Quiero la guía");
  await page.keyboard.press("Enter");
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  const [{ n }] = await stack.d1("SELECT count(*) AS n FROM leads WHERE email_key = 'teclado@empresa.example'");
  assert.equal(n, 1);
  // The button is gone with the fields: the focus goes on to the guide.
  const focused = await page.evaluate(() => document.querySelector("embudo-form").shadowRoot.activeElement?.textContent);
  assert.equal(focused, "Descargar ahora");
});

test("on a hostile page with a strict CSP the form works in English, and leaves the page as it was", async () => {
  const page = await visitorPage(browser, { locale: "en-GB" });
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";
  await page.route(`${stack.url}/hostile.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      headers: { "Content-Security-Policy": csp },
      body: `<!doctype html><html lang="en"><head><link rel="stylesheet" href="/hostile.css"></head>
             <body><p>Someone else's page.</p><script async src="/embed.js" data-form="demo-ebook"></script></body></html>`,
    }),
  );
  await page.route(`${stack.url}/hostile.css`, (route) =>
    route.fulfill({
      contentType: "text/css",
      body: `* { all: unset !important; }
             input, select, textarea, button, label { display: none !important; }
             embudo-form { font-size: 3px !important; color: transparent !important; }`,
    }),
  );
  // Before anything of the page runs: note its globals, and any CSP report.
  await page.addInitScript(() => {
    window.__before = new Set(Object.keys(window));
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${stack.url}/hostile.html`);

  const email = page.getByLabel("Work e-mail", { exact: true });
  await email.waitFor();
  const box = await email.boundingBox();
  assert.ok(box.width > 100 && box.height > 20, `the input is usable: ${JSON.stringify(box)}`);
  const size = await email.evaluate((input) => getComputedStyle(input).fontSize);
  assert.ok(parseFloat(size) >= 14, `the page's font size does not reach in (${size})`);

  await email.fill("guest@hostile.example");
  await page.getByLabel("First name", { exact: true }).fill("Guest");
  await page.getByLabel(/^I agree that Acme Growth may e-mail me/).check();
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Send me the guide" }).click();
  await page.getByRole("status").filter({ hasText: "Done!" }).waitFor();

  const left = await page.evaluate(() => ({
    violations: window.__violations,
    globals: Object.keys(window).filter((key) => !window.__before.has(key) && !key.startsWith("__")),
    cookies: document.cookie,
    adopted: document.adoptedStyleSheets.length,
    sheets: document.styleSheets.length,
  }));
  assert.deepEqual(left, { violations: [], globals: ["embudo"], cookies: "", adopted: 0, sheets: 1 });
  const [{ locale }] = await stack.d1(
    "SELECT json_extract(s.data, '$.locale') AS locale FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = 'guest@hostile.example'",
  );
  assert.equal(locale, "en");
});

test("a page in a language the form lacks gets the visitor's browser language, not the default", async () => {
  const page = await visitorPage(browser, { locale: "en-GB" });
  await page.route(`${stack.url}/francais.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="fr"><body><p>Une page en français.</p>
             <script async src="/embed.js" data-form="demo-ebook"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/francais.html`);
  await page.getByRole("button", { name: "Send me the guide" }).waitFor();
  assert.equal(await page.locator("embudo-form").getAttribute("locale"), "en-GB");
  // The page's own language, when the form has it, still comes first.
  await page.route(`${stack.url}/espanol.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="es-MX"><body><script async src="/embed.js" data-form="demo-ebook"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/espanol.html`);
  await page.getByRole("button", { name: "Quiero la guía" }).waitFor();
});

test("a form that asks for Turnstile loads it only then, and sends its token for the edge to verify", async () => {
  const page = await visitorPage(browser, { locale: "en-GB" });
  const loads = [];
  // Cloudflare's script, stood in: a challenge the visitor passes at once.
  await page.route("https://challenges.cloudflare.com/turnstile/v0/api.js*", (route) => {
    loads.push(route.request().url());
    return route.fulfill({
      contentType: "text/javascript",
      body: `window.turnstile = { render(slot, options) {
               slot.textContent = "check for " + options.sitekey;
               setTimeout(() => options.callback("pass"), 50);
               return "widget-1";
             } };`,
    });
  });
  await page.route(`${stack.url}/guarded.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><body>
             <embudo-form form="demo-ebook"></embudo-form>
             <embudo-form form="guarded"></embudo-form><script async src="/embed.js"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/guarded.html`);
  const guarded = page.locator('embudo-form[form="guarded"]');
  await guarded.getByText("check for 0x4AAAAAAAtest").waitFor();
  assert.equal(loads.length, 1, "loaded once, for the form that asks for it");
  await guarded.getByLabel("Work e-mail", { exact: true }).fill("checked@empresa.example");
  await guarded.getByLabel("First name", { exact: true }).fill("Checked");
  await guarded.getByLabel(/^I agree that Acme Growth may e-mail me/).check();
  await page.waitForTimeout(2_100);
  await guarded.getByRole("button", { name: "Send me the guide" }).click();
  await guarded.getByRole("status").filter({ hasText: "Done!" }).waitFor();
  const verified = siteverify.asked.at(-1);
  assert.equal(verified.response, "pass", "the edge verified the challenge's token");
  const [{ id, n }] = await stack.d1(
    "SELECT max(s.id) AS id, count(*) AS n FROM leads l JOIN submissions s ON s.lead_id = l.id WHERE l.email_key = 'checked@empresa.example'",
  );
  assert.equal(n, 1);
  // So a retry of the same submission with the same token is not refused as a replayed token.
  assert.equal(verified.idempotency_key, id, "the submission id, a UUID, is siteverify's idempotency key");
});

test("a Turnstile token the edge refuses brings a fresh challenge; the answers stay, and sending again stores once", async () => {
  const page = await visitorPage(browser, { locale: "en-GB" });
  const statuses = [];
  page.on("response", (response) => {
    if (response.url().endsWith("/v1/forms/guarded/submissions") && response.request().method() === "POST") {
      statuses.push(response.status());
    }
  });
  // Cloudflare's script, stood in: the first token is one siteverify
  // refuses (as an expired one is); a reset gives one it accepts.
  await page.route("https://challenges.cloudflare.com/turnstile/v0/api.js*", (route) =>
    route.fulfill({
      contentType: "text/javascript",
      body: `window.turnstileResets = [];
             window.turnstile = {
               render(slot, options) {
                 Object.assign(this, { slot, options });
                 setTimeout(() => options.callback("stale-token"), 50);
                 return "widget-7";
               },
               reset(widget) {
                 window.turnstileResets.push(widget);
                 setTimeout(() => {
                   this.options.callback("pass");
                   this.slot.textContent = "passed again";
                 }, 50);
               },
             };`,
    }),
  );
  await page.route(`${stack.url}/guarded-only.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><body>
             <embudo-form form="guarded"></embudo-form><script async src="/embed.js"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/guarded-only.html`);
  await page.getByLabel("Work e-mail", { exact: true }).fill("stale@empresa.example");
  await page.getByLabel("First name", { exact: true }).fill("Stale");
  await page.getByLabel(/^I agree that Acme Growth may e-mail me/).check();
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Send me the guide" }).click();
  await page.getByRole("status").filter({ hasText: "Not sent: the check failed or expired" }).waitFor();
  const { tag, text } = await focused(page);
  assert.deepEqual([tag, text], ["BUTTON", "Send me the guide"], "the keyboard user is back on the button, not at the top of the page");
  assert.deepEqual(await page.evaluate(() => window.turnstileResets), ["widget-7"], "the challenge was reset");
  assert.equal(await page.getByLabel("Work e-mail", { exact: true }).inputValue(), "stale@empresa.example", "the answers are still there");
  assert.deepEqual(await page.evaluate(() => JSON.parse(localStorage.getItem("embudo:outbox") ?? "[]")), [], "nothing left to resend");

  // The visitor passes the fresh challenge, then sends again.
  await page.getByText("passed again").waitFor();
  await page.getByRole("button", { name: "Send me the guide" }).click();
  await page.getByRole("status").filter({ hasText: "Done!" }).waitFor();
  assert.deepEqual(statuses, [403, 201], "refused once, then stored: no 409 for the same id with a new token");
  const [{ n }] = await stack.d1("SELECT count(*) AS n FROM leads WHERE email_key = 'stale@empresa.example'");
  assert.equal(n, 1);
});
