// Debian's Chromium driven by playwright-core (no browser download), with the
// flags this machine's closed network needs.
import { chromium } from "playwright-core";
import { visitorAddress } from "./requests.mjs";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Launches headless Chromium with a fresh profile. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A page of its own visitor: a new browser context whose requests carry a
 * `CF-Connecting-IP` of their own (wrangler dev passes it through), so the
 * edge's per-address rate limit (10 submissions a minute) counts each test's
 * visitor apart, as it would count different people, and a file's tests
 * never wait out one another's minute.
 */
export function visitorPage(browser, options = {}) {
  return browser.newPage({ ...options, extraHTTPHeaders: { "CF-Connecting-IP": visitorAddress() } });
}
