// A visitor on the demo company's page, in headless Chromium, against the
// real Worker and D1: the embedded form appears, is filled and sent as a
// person would, and the lead is then in D1 and in the leads API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startStack } from "./support/stack.mjs";
import { launchBrowser, visitorPage } from "./support/browser.mjs";

const SCREENSHOTS = resolve(import.meta.dirname, "..", "test-results");

let stack;
let browser;
before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  await mkdir(SCREENSHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openDemo() {
  const page = await visitorPage(browser, { locale: "es-ES" });
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${stack.url}/`);
  return { page, problems };
}

/**
 * Fills the demo form as `name` with `email` and the content consent, ticks
 * the consents whose labels match `ticked`, sends it as a person would and
 * waits for the thank-you.
 */
async function sendDemo(page, name, email, ticked = []) {
  await page.getByLabel("Nombre", { exact: true }).fill(name);
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).fill(email);
  await page.getByLabel("Cargo", { exact: true }).fill("Head of Marketing");
  for (const label of [/^Acepto que Acme Growth me envíe/, ...ticked]) await page.getByLabel(label).check();
  // A person takes a moment; faster than the edge's minimum fill time is a bot.
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
}

test("a visitor gets the e-book and becomes a lead", async () => {
  const { page, problems } = await openDemo();
  // Playwright's locators see into the widget's open shadow root.
  const email = page.getByLabel("Correo electrónico de trabajo", { exact: true });
  await email.waitFor();
  assert.equal(
    await page.locator("script[data-form]").getAttribute("data-form"),
    "demo-ebook",
    "the snippet names the demo form",
  );

  await sendDemo(page, "Lucía Pérez", "lucia.perez@empresa.example", [/^Quiero que una persona/]);
  const download = page.getByRole("link", { name: "Descargar ahora" });
  await download.waitFor();
  assert.match(await download.getAttribute("href"), /\/v1\/offers\/demo-ebook\/.+&sig=/, "the signed link");
  await page.screenshot({ path: join(SCREENSHOTS, "visitor-success.png"), fullPage: true });

  const rows = await stack.d1(
    `SELECT json_extract(l.fields, '$.first_name') AS name, l.stage,
            json_extract(s.data, '$.locale') AS locale, json_extract(s.data, '$.context.page') AS page
       FROM leads l JOIN submissions s ON s.lead_id = l.id
      WHERE l.email = 'lucia.perez@empresa.example'`,
  );
  // work-email 15 + marketing-leader 20 + wants-sales-contact 15 = 50: an MQL.
  assert.deepEqual(rows, [{ name: "Lucía Pérez", stage: "mql", locale: "es", page: `${stack.url}/` }]);

  const listed = await fetch(`${stack.url}/v1/leads`, {
    headers: { Authorization: `Bearer ${stack.token}` },
  });
  const { leads } = await listed.json();
  assert.ok(leads.some((lead) => lead.email === "lucia.perez@empresa.example"));
  assert.deepEqual(problems, [], "no errors in the page");
});

test("a visitor who forgets consent is told on the field and nothing is stored", async () => {
  const { page } = await openDemo();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).fill("sin.consentimiento@empresa.example");
  await page.getByLabel("Nombre", { exact: true }).fill("Sin");
  await page.getByRole("button", { name: "Quiero la guía" }).click();

  const consent = page.getByLabel(/^Acepto que Acme Growth me envíe/);
  await page.getByText("Necesitamos tu consentimiento para enviarte el contenido.").waitFor();
  assert.equal(await consent.getAttribute("aria-invalid"), "true");
  assert.ok(await consent.evaluate((el) => el === el.getRootNode().activeElement), "focus is on consent");
  await page.screenshot({ path: join(SCREENSHOTS, "visitor-missing-consent.png"), fullPage: true });

  const rows = await stack.d1(
    "SELECT count(*) AS n FROM leads WHERE email_key = 'sin.consentimiento@empresa.example'",
  );
  assert.equal(rows[0].n, 0);
});

test("a snippet naming a form the edge does not know says so in place of the form", async () => {
  const { page, problems } = await openDemo();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  // A second snippet, as a site owner with a typo in data-form would paste it.
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.src = "/embed.js";
    script.dataset.form = "no-such-form";
    script.dataset.locale = "en";
    document.querySelector("footer").append(script);
  });
  const footer = page.locator("footer");
  // Forms load as they come near the viewport: the footer's, once scrolled to.
  await footer.scrollIntoViewIfNeeded();
  await footer.getByRole("alert").filter({ hasText: "We could not load the form" }).waitFor();
  assert.ok(problems.some((p) => p.startsWith("404 ") && p.endsWith("/v1/forms/no-such-form")));
});

test("a visitor's browser never fills the honeypot, and a bot-fast visitor stores nothing", async () => {
  const { page } = await openDemo();
  const email = page.getByLabel("Correo electrónico de trabajo", { exact: true });
  await email.waitFor();
  // Out of sight for people, hidden from assistive technology.
  assert.equal(await page.getByRole("textbox", { name: "Website" }).count(), 0);
  const seen = await page.locator("embudo-form").evaluate((host) => {
    const trap = host.shadowRoot.querySelector(".trap");
    const input = trap.querySelector("input");
    input.scrollIntoView({ block: "center" });
    const box = input.getBoundingClientRect();
    const shown = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.9]].map(([x, y]) =>
      host.shadowRoot.elementFromPoint(box.x + box.width * x, box.y + box.height * y));
    return shown.some((element) => element && trap.contains(element));
  });
  assert.equal(seen, false, "no point of the honeypot can be seen or clicked");
  await email.fill("rapida@empresa.example");
  await page.getByLabel("Nombre", { exact: true }).fill("Rápida");
  await page.getByLabel(/^Acepto que Acme Growth me envíe/).check();
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  const rows = await stack.d1("SELECT count(*) AS n FROM leads WHERE email_key = 'rapida@empresa.example'");
  assert.equal(rows[0].n, 0, "sent within the minimum fill time: taken for a bot");
});

/**
 * Fills the demo form as a person would (and waits past the minimum fill
 * time); `within` is the page or the part of it holding the form.
 */
async function fillDemo(page, email, name, within = page) {
  await within.getByLabel("Correo electrónico de trabajo", { exact: true }).fill(email);
  await within.getByLabel("Nombre", { exact: true }).fill(name);
  await within.getByLabel(/^Acepto que Acme Growth me envíe/).check();
  await page.waitForTimeout(2_100);
}

/** A Spanish visitor on a page of the site embedding the form `form`. */
async function pageOf(form) {
  const page = await visitorPage(browser, { locale: "es-ES" });
  await page.route(`${stack.url}/${form}.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="es"><body><embudo-form form="${form}"></embudo-form><script async src="/embed.js"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/${form}.html`);
  return page;
}

/** Polls D1 until `sql`'s single count is at least `n`; returns it. */
async function countWhen(sql, n, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n: found }] = await stack.d1(sql);
    if (found >= n || Date.now() > deadline) return found;
    await new Promise((later) => setTimeout(later, 300));
  }
}

const outboxOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("embudo:outbox") ?? "[]"));

test("with the edge down, the submission is kept, retried, and stored exactly once when it is back", async () => {
  const { page } = await openDemo();
  await page.evaluate(() => {
    window.seen = [];
    for (const name of ["embudo:submit", "embudo:success", "embudo:error"]) {
      document.addEventListener(name, (event) => window.seen.push([name, event.detail.form]));
    }
  });
  let refused = 0;
  await page.route("**/v1/forms/demo-ebook/submissions", async (route) => {
    if (route.request().method() === "POST" && refused < 2) {
      refused += 1;
      await route.fulfill({
        status: 503,
        headers: {
          "Content-Type": "application/problem+json",
          "Retry-After": "1",
          "Access-Control-Allow-Origin": stack.url,
          "Access-Control-Expose-Headers": "Retry-After",
        },
        body: JSON.stringify({ type: "urn:embudo:problem:unavailable", title: "Temporarily unavailable", status: 503, detail: "down" }),
      });
    } else {
      await route.continue();
    }
  });
  await fillDemo(page, "caida@empresa.example", "Caída");
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "Guardado en este navegador" }).waitFor();
  assert.equal((await outboxOf(page)).length, 1, "kept in the outbox while the edge is down");
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor({ timeout: 30_000 });
  assert.equal(refused, 2);
  assert.deepEqual(await outboxOf(page), [], "settled, so forgotten");
  const [{ n }] = await stack.d1("SELECT count(*) AS n FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = 'caida@empresa.example'");
  assert.equal(n, 1, "stored exactly once");
  assert.deepEqual(await page.evaluate(() => window.seen), [["embudo:submit", "demo-ebook"], ["embudo:success", "demo-ebook"]]);
});

test("a submission the browser will not keep is still sent, and the visitor is told to keep the page open meanwhile", async () => {
  const page = await visitorPage(browser, { locale: "es-ES" });
  // Storage full (or blocked): nothing can be written.
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException("full", "QuotaExceededError");
    };
  });
  let refused = 0;
  await page.route("**/v1/forms/demo-ebook/submissions", async (route) => {
    if (route.request().method() !== "POST" || refused > 0) return route.continue();
    refused += 1;
    await route.fulfill({
      status: 503,
      headers: { "Content-Type": "application/problem+json", "Retry-After": "1" },
      body: JSON.stringify({ type: "urn:embudo:problem:unavailable", title: "Temporarily unavailable", status: 503, detail: "down" }),
    });
  });
  await page.goto(`${stack.url}/`);
  await fillDemo(page, "sin.hueco@empresa.example", "Sin Hueco");
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "no cierres esta página" }).waitFor();
  assert.equal(await page.getByText("Guardado en este navegador").count(), 0, "never told it was saved");
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor({ timeout: 30_000 });
  assert.equal(await countWhen(storedFor("sin.hueco@empresa.example"), 1), 1);
});

test("sent offline, then the page reloaded online: delivered exactly once", async () => {
  const { page } = await openDemo();
  await fillDemo(page, "sin.red@empresa.example", "Sin Red");
  await page.context().setOffline(true);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "Guardado en este navegador" }).waitFor();
  const [kept] = await outboxOf(page);
  assert.equal(kept.form, "demo-ebook");
  await page.screenshot({ path: join(SCREENSHOTS, "visitor-offline-saved.png"), fullPage: true });

  // Back online, the visitor opens the site again; the old page may also
  // have sent it when the connection came back: still one submission.
  await page.context().setOffline(false);
  await page.reload();
  const sql = "SELECT count(*) AS n FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = 'sin.red@empresa.example'";
  assert.equal(await countWhen(sql, 1), 1);
  const deadline = Date.now() + 10_000;
  while ((await outboxOf(page)).length > 0 && Date.now() < deadline) await page.waitForTimeout(200);
  assert.deepEqual(await outboxOf(page), []);
  await page.waitForTimeout(1_000);
  const [{ n }] = await stack.d1(sql);
  assert.equal(n, 1, "exactly once");
});

test("a consent kept offline while its text is edited is recorded with the words the visitor read", async () => {
  const admin = { Authorization: `Bearer ${stack.token}`, "Content-Type": "application/json" };
  const formAt = "/v1/sites/acme-growth/forms/aviso";
  const { spec: demo } = await (await fetch(`${stack.url}/v1/sites/acme-growth/forms/demo-ebook`, { headers: admin })).json();
  const spec = { ...demo, id: "aviso", revision: 1 };
  const created = await fetch(`${stack.url}${formAt}`, { method: "PUT", headers: admin, body: JSON.stringify({ name: "Aviso", spec }) });
  assert.equal(created.status, 201, await created.clone().text());
  const page = await pageOf("aviso");
  await fillDemo(page, "aviso@empresa.example", "Aviso");
  await page.context().setOffline(true);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "Guardado en este navegador" }).waitFor();
  const read = JSON.parse((await outboxOf(page))[0].body).versions.content;
  const served = await (await fetch(`${stack.url}/v1/forms/aviso`)).json();
  assert.equal(read, served.consents.find((c) => c.id === "content").versions.es, "the version of the Spanish text shown");

  // While the submission waits, marketing rewrites the consent.
  const edited = structuredClone(spec);
  edited.consents.find((c) => c.id === "content").text.es += " Y otras cosas.";
  const saved = await fetch(`${stack.url}${formAt}`, { method: "PUT", headers: admin, body: JSON.stringify({ name: "Aviso", spec: edited }) });
  assert.equal(saved.status, 200, await saved.clone().text());
  const { consent_versions: now } = await (await fetch(`${stack.url}${formAt}`, { headers: admin })).json();
  assert.notEqual(now.content.es, read);

  await page.context().setOffline(false);
  await page.reload();
  assert.equal(await countWhen(storedFor("aviso@empresa.example"), 1), 1);
  const events = await stack.d1(
    "SELECT e.version FROM consent_events e JOIN leads l ON l.id = e.lead_id WHERE l.email_key = 'aviso@empresa.example'",
  );
  assert.deepEqual(events, [{ version: read }], "the text read, not the one the form has now");
});

/** A submission for `email` as the widget keeps it in its outbox (another tab's, or an earlier page's). */
function keptLetter(email) {
  const id = crypto.randomUUID();
  const body = JSON.stringify({
    fields: { email, first_name: "Guardada" },
    consents: { content: true },
    locale: "es",
    id,
    context: { page: `${stack.url}/`, elapsed_ms: 8_000 },
  });
  return { site: "acme-growth", id, api: new URL(stack.url).origin, form: "demo-ebook", body, tries: 1, written: Date.now() };
}

const storedFor = (email) =>
  `SELECT count(*) AS n FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = '${email}'`;

test("two forms starting together send a kept submission once, and tell the page once", async () => {
  const page = await visitorPage(browser, { locale: "es-ES" });
  const posts = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/submissions")) posts.push(request.url());
  });
  await page.route(`${stack.url}/two-forms.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="es"><body>
             <embudo-form form="demo-ebook"></embudo-form><embudo-form form="demo-ebook"></embudo-form>
             <script>window.seen = []; document.addEventListener("embudo:success", (e) => window.seen.push(e.detail.submission));</script>
             <script async src="/embed.js"></script></body></html>`,
    }),
  );
  await page.route(`${stack.url}/blank.html`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>blank</title>" }));
  await page.goto(`${stack.url}/blank.html`);
  const letter = keptLetter("dos.formularios@empresa.example");
  await page.evaluate((kept) => localStorage.setItem("embudo:outbox", JSON.stringify([kept])), letter);

  await page.goto(`${stack.url}/two-forms.html`);
  assert.equal(await countWhen(storedFor("dos.formularios@empresa.example"), 1), 1);
  await page.waitForFunction(() => window.seen.length > 0 && localStorage.getItem("embudo:outbox") === "[]");
  await page.waitForTimeout(1_000);
  assert.deepEqual(await page.evaluate(() => window.seen), [letter.id], "one embudo:success for one submission");
  assert.equal(posts.length, 1, `sent once: ${posts.join(", ")}`);
});

test("a submission another tab kept while offline is sent from an open page when the browser is back online", async () => {
  const { page } = await openDemo();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  // The other tab: offline, it kept the submission and was closed.
  await page.context().setOffline(true);
  const letter = keptLetter("otra.pestana@empresa.example");
  await page.evaluate((kept) => localStorage.setItem("embudo:outbox", JSON.stringify([kept])), letter);
  await page.context().setOffline(false);
  // No reload: this page's widget hears the browser come back online.
  assert.equal(await countWhen(storedFor("otra.pestana@empresa.example"), 1, 10_000), 1);
  const deadline = Date.now() + 10_000;
  while ((await outboxOf(page)).length > 0 && Date.now() < deadline) await page.waitForTimeout(200);
  assert.deepEqual(await outboxOf(page), [], "settled, so forgotten");
});

test("a kept submission is sent from the next page even if its only form is a popup never opened", async () => {
  const page = await visitorPage(browser, { locale: "es-ES" });
  await page.route(`${stack.url}/popup-only.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="es"><body>
             <button data-embudo-open="demo-ebook">Pide la guía</button>
             <script>window.seen = []; document.addEventListener("embudo:success", (e) => window.seen.push(e.detail.submission));</script>
             <script async src="/embed.js"></script></body></html>`,
    }),
  );
  // An earlier page kept it offline and was closed.
  await page.goto(`${stack.url}/popup-only.html`);
  const letter = keptLetter("solo.ventana@empresa.example");
  await page.evaluate((kept) => localStorage.setItem("embudo:outbox", JSON.stringify([kept])), letter);
  await page.reload();
  assert.equal(await countWhen(storedFor("solo.ventana@empresa.example"), 1, 15_000), 1, "sent without the popup opening");
  await page.waitForFunction(() => window.seen.length > 0, null, { timeout: 10_000 });
  assert.deepEqual(await page.evaluate(() => window.seen), [letter.id], "the page hears of it");
  assert.equal(await page.getByRole("dialog").count(), 0);
});

test("a button opens the form in a popup, where it works the same", async () => {
  const { page, problems } = await openDemo();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Pídela en una ventana" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await fillDemo(page, "ventana@empresa.example", "Ventana", dialog);
  await dialog.getByRole("button", { name: "Quiero la guía" }).click();
  await dialog.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, "visitor-popup.png") });
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  const [{ n }] = await stack.d1("SELECT count(*) AS n FROM leads WHERE email_key = 'ventana@empresa.example'");
  assert.equal(n, 1);
  assert.deepEqual(problems, []);
});

test("a popup closed while its submission waits to be sent still tells the page when it is stored", async () => {
  const { page } = await openDemo();
  await page.evaluate(() => {
    window.seen = [];
    document.addEventListener("embudo:success", (event) => window.seen.push(event.detail.form));
  });
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Pídela en una ventana" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await fillDemo(page, "ventana.cerrada@empresa.example", "Cerrada", dialog);
  await page.context().setOffline(true);
  await dialog.getByRole("button", { name: "Quiero la guía" }).click();
  await dialog.getByRole("status").filter({ hasText: "Guardado en este navegador" }).waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await page.context().setOffline(false);
  assert.equal(await countWhen(storedFor("ventana.cerrada@empresa.example"), 1), 1);
  await page.waitForFunction(() => window.seen.length > 0, null, { timeout: 10_000 });
  assert.deepEqual(await page.evaluate(() => window.seen), ["demo-ebook"]);
});

test("an <embudo-form> added first and given its form a moment later still starts", async () => {
  const page = await visitorPage(browser, { locale: "en-GB" });
  await page.route(`${stack.url}/named-later.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><body><script src="/embed.js"></script>
             <script>
               const form = document.createElement("embudo-form");
               document.body.append(form);
               setTimeout(() => form.setAttribute("form", "demo-ebook"), 100);
             </script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/named-later.html`);
  await page.getByLabel("Work e-mail", { exact: true }).waitFor();
});

test("the widget is fetched only when its form comes near the viewport", async () => {
  const page = await visitorPage(browser);
  const fetched = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm") || request.url().includes("/v1/forms/")) fetched.push(request.url());
  });
  // A long article with the form at its end, served from the edge's origin.
  await page.route(`${stack.url}/long-article.html`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><body><article style="height: 4000px">A long read</article>
             <embudo-form form="demo-ebook"></embudo-form><script async src="/embed.js"></script></body></html>`,
    }),
  );
  await page.goto(`${stack.url}/long-article.html`);
  await page.waitForTimeout(1_500);
  assert.deepEqual(fetched, [], "nothing fetched while the form is far below the fold");
  await page.locator("embudo-form").scrollIntoViewIfNeeded();
  await page.getByLabel("Work e-mail", { exact: true }).waitFor();
  assert.ok(fetched.some((url) => url.endsWith(".wasm")), "fetched once the form is near");
  assert.ok(fetched.some((url) => url.endsWith("/v1/forms/demo-ebook")));
});

test("a field is checked as the visitor leaves it, before anything is sent", async () => {
  const { page } = await openDemo();
  const email = page.getByLabel("Correo electrónico de trabajo", { exact: true });
  await email.fill("ana-sin-arroba");
  await page.keyboard.press("Tab");
  await page.getByText("Revisa tu correo electrónico: debe tener la forma nombre@empresa.com.").waitFor();
  assert.equal(await email.getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Nombre", { exact: true }).getAttribute("aria-invalid"), null, "an untouched field is not told off");
  await email.fill("ana@empresa.example");
  await page.keyboard.press("Tab");
  await page.waitForFunction(() => {
    const host = document.querySelector("embudo-form");
    return !host.shadowRoot.querySelector("[aria-invalid]");
  });
});

test("a returning visitor is asked the next fields instead of the ones already given", async () => {
  const { page } = await openDemo();
  const labels = () =>
    page.locator("embudo-form").evaluate((host) => [...host.shadowRoot.querySelectorAll(".field:not([hidden]) > label, .field:not([hidden]) legend")].map((l) => l.textContent));
  await fillDemo(page, "vuelve@empresa.example", "Vuelve");
  await page.getByLabel("Cargo", { exact: true }).fill("CMO");
  const first = await labels();
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  const token = await page.evaluate(() => localStorage.getItem("embudo:visitor:acme-growth"));
  assert.match(token, /^\d+\.\d+\.[0-9a-f]{64}$/, "the edge's token is kept in the widget's storage");

  await page.reload();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  const second = await labels();
  assert.ok(!second.includes("Nombre") && !second.includes("Cargo"), `not asked again: ${second}`);
  assert.ok(second.includes("Correo electrónico de trabajo"), "the e-mail still says who it is");
  assert.ok(second.some((label) => !first.includes(label)), `the next fields instead: ${first} → ${second}`);
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).fill("vuelve@empresa.example");
  await page.getByLabel(/^Acepto que Acme Growth me envíe/).check();
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  const [lead] = await stack.d1(
    "SELECT json_extract(fields, '$.first_name') AS name, (SELECT count(*) FROM submissions WHERE lead_id = leads.id) AS n FROM leads WHERE email_key = 'vuelve@empresa.example'",
  );
  assert.deepEqual(lead, { name: "Vuelve", n: 2 }, "one lead, what it gave before kept");
});

test("someone else on a returning visitor's browser is asked what the edge needs of them", async () => {
  const { page } = await openDemo();
  await fillDemo(page, "primera@empresa.example", "Primera");
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();

  // A colleague at the same browser: the form takes the first person's
  // name as known, but this address is a new person to the edge.
  await page.reload();
  const email = page.getByLabel("Correo electrónico de trabajo", { exact: true });
  await email.waitFor();
  assert.equal(await page.getByLabel("Nombre", { exact: true }).isVisible(), false, "taken as known");
  await email.fill("colega@empresa.example");
  await page.getByLabel(/^Acepto que Acme Growth me envíe/).check();
  await page.waitForTimeout(2_100);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  const name = page.getByLabel("Nombre", { exact: true });
  await name.waitFor();
  await page.waitForFunction(() => document.querySelector("embudo-form").shadowRoot.activeElement?.id === "embudo-f-first_name");
  assert.equal(await name.getAttribute("aria-invalid"), "true");
  await name.fill("Colega");
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  const [lead] = await stack.d1("SELECT json_extract(fields, '$.first_name') AS name FROM leads WHERE email_key = 'colega@empresa.example'");
  assert.deepEqual(lead, { name: "Colega" });
});

test("an offer delivered by redirect opens after the thank-you", async () => {
  // A webinar-style form: the demo form, its offer a page to go to.
  const [{ spec }] = await stack.d1("SELECT spec FROM forms WHERE id = 'demo-ebook'");
  const webinar = { ...JSON.parse(spec), id: "webinar" };
  webinar.offer = { ...webinar.offer, delivery: { by: "redirect", url: "/offers/guia-inbound.pdf" } };
  const sql = JSON.stringify(webinar).replaceAll("'", "''");
  await stack.d1(`INSERT INTO forms (id, site_id, name, revision, spec) VALUES ('webinar', 'acme-growth', 'Webinar', 1, '${sql}')`);
  const page = await pageOf("webinar");
  await fillDemo(page, "webinar@empresa.example", "Web");
  const arrived = page.waitForURL(`${stack.url}/offers/guia-inbound.pdf`);
  await page.getByRole("button", { name: "Quiero la guía" }).click();
  await page.getByRole("status").filter({ hasText: "¡Listo!" }).waitFor();
  await arrived;
  const [{ downloads }] = await stack.d1(
    "SELECT s.downloads FROM submissions s JOIN leads l ON l.id = s.lead_id WHERE l.email_key = 'webinar@empresa.example'",
  );
  assert.equal(downloads, 1, "went through the edge's signed link, so the visit is counted");
});

test("a visitor withdraws a consent on the page the thank-you links to", async () => {
  const { page, problems } = await openDemo();
  await page.getByLabel("Correo electrónico de trabajo", { exact: true }).waitFor();
  await sendDemo(page, "Irene Vidal", "irene.vidal@empresa.example", [/^Quiero recibir la newsletter/, /^Quiero que una persona/]);
  const link = page.getByRole("link", { name: "Ver o retirar tus consentimientos" });
  assert.match(await link.getAttribute("href"), /\/v1\/consents\/[^/?]+\?sig=[0-9a-f]{64}$/);
  await link.click();

  // The edge's own page, under its strict policy: no script, a plain form.
  await page.getByRole("heading", { name: "Tus consentimientos" }).waitFor();
  const withdraw = page.getByRole("button", { name: "Retirar este consentimiento" });
  assert.equal(await withdraw.count(), 3, "one for each consent given");
  const sales = page.getByRole("listitem").filter({ hasText: "Quiero que una persona" });
  await sales.getByRole("button").click();
  await page.getByRole("status").filter({ hasText: "Hecho: has retirado este consentimiento." }).waitFor();
  assert.equal(await withdraw.count(), 2, "what is withdrawn has no button");
  assert.match(await sales.textContent(), /Retirado el \d{4}-\d{2}-\d{2}/);
  await page.screenshot({ path: join(SCREENSHOTS, "visitor-consents.png"), fullPage: true });
  const events = await stack.d1(
    `SELECT e.granted FROM consent_events e JOIN leads l ON l.id = e.lead_id
      WHERE l.email = 'irene.vidal@empresa.example' AND e.consent_id = 'sales' ORDER BY e.id`,
  );
  assert.deepEqual(events.map((e) => e.granted), [1, 0]);
  assert.deepEqual(problems, [], "no errors, the policy's included");

  // axe-core needs the policy bypassed to be injected; the page is the same.
  const context = await browser.newContext({ locale: "es-ES", bypassCSP: true });
  const checked = await context.newPage();
  await checked.goto(page.url());
  await checked.addScriptTag({ path: resolve(import.meta.dirname, "..", "node_modules", "axe-core", "axe.min.js") });
  const violations = await checked.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id));
  assert.deepEqual(violations, []);
  await context.close();
});
