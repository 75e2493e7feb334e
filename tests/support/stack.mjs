// The real product for a test file: wrangler dev (workerd) serving the built
// Worker and static site, on a free loopback port, with a fresh local D1
// database in a temporary directory. Build first (scripts/test.sh does).
//
// The server is stopped by stop(), when the test process exits or is
// interrupted, and, should the test process be killed outright, by a
// watchdog that outlives it: a failing test never leaves a server running.
import { spawn, execFile } from "node:child_process";
import { writeSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..", "..");
const EDGE = join(ROOT, "edge");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

/** A port nothing listens on right now, chosen by the kernel. */
export async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * What wrangler dev printed and when the test's own database calls ran, the
 * newest entries only: a test file that fails prints it on exit, so a stall
 * of the server can be told from one of the test.
 */
class Timeline {
  entries = [];
  /** How many entries were ever added (the oldest are dropped). */
  total = 0;
  add(text) {
    this.entries.push(`${new Date().toISOString()} ${text.trimEnd()}`);
    this.total += 1;
    if (this.entries.length > 200) this.entries.shift();
  }
  /** The entries added after the first `count` ever added. */
  since(count) {
    return this.entries.slice(Math.max(0, this.entries.length - (this.total - count)));
  }
  toString() {
    return this.entries.join("\n");
  }
}

async function waitUntilServing(url, child, output, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((later) => setTimeout(later, 250));
  }
  throw new Error(`wrangler dev did not serve ${url} in ${timeoutMs} ms:\n${output}`);
}

/**
 * Starts the stack. `vars` adds to or overrides the Worker's secrets and
 * variables (a Turnstile stand-in's URL, say); `faults: true` serves the
 * test-only build with fault injection (scripts/build-edge.sh --faults);
 * `prepare(state)` fills the fresh database persisted in `state` before the
 * Worker starts (the leads benchmark seeds its leads so). Returns its base URL, the API
 * token, the secrets it was given, `d1(sql)` to query the database behind it,
 * and `stop()`.
 */
export async function startStack(vars = {}, { faults = false, prepare } = {}) {
  const state = await mkdtemp(join(tmpdir(), "embudo-d1-"));
  const token = randomBytes(24).toString("hex");
  const envFile = join(state, "test.vars");
  const offerKey = randomBytes(24).toString("hex");
  const secrets = {
    ADMIN_TOKEN: token,
    IP_HASH_KEY: randomBytes(16).toString("hex"),
    OFFER_LINK_KEY: offerKey,
    WEBHOOK_SIGNING_KEY: randomBytes(24).toString("hex"),
    VISITOR_TOKEN_KEY: randomBytes(24).toString("hex"),
    CONSENT_LINK_KEY: randomBytes(24).toString("hex"),
    // Webhook retries a test can wait for: three attempts, 1 s then 2 s apart.
    HANDOFF_ATTEMPTS: "3",
    HANDOFF_BACKOFF_SECONDS: "1",
    ...vars,
  };
  await writeFile(
    envFile,
    Object.entries(secrets).map(([name, value]) => `${name}=${value}\n`).join(""),
  );
  await run(join(ROOT, "scripts", "local-d1.sh"), [state], { env: ENV });
  if (prepare) {
    try {
      await prepare(state);
    } catch (error) {
      await rm(state, { recursive: true, force: true });
      throw error;
    }
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output = new Timeline();
  let child;
  // Kill the whole process group (wrangler and its workerd) however we exit.
  const kill = (signal = "SIGTERM") => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const exited = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      setTimeout(done, 5_000);
    });
  /** Starts wrangler dev on the port and the database, and waits until it serves. */
  const serve = async () => {
    child = spawn(
      WRANGLER,
      ["dev", ...(faults ? ["build-faults/index.js"] : []), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
       "--env-file", envFile, "--log-level", "warn", "--show-interactive-dev-session=false",
       // Lets a test run the cron trigger: GET /__scheduled?cron=...
       "--test-scheduled"],
      { cwd: EDGE, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", (chunk) => output.add(chunk.toString()));
    child.stderr.on("data", (chunk) => output.add(chunk.toString()));
    spawn(
      "sh",
      ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM -${child.pid} 2>/dev/null`],
      { detached: true, stdio: "ignore" },
    ).unref();
    try {
      await waitUntilServing(`${url}/`, child, output);
    } catch (error) {
      kill();
      throw error;
    }
  };
  process.once("exit", (code) => {
    kill();
    if (code !== 0) writeSync(2, `\nwrangler dev on ${url} and the test's database calls, newest last:\n${output}\n`);
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      kill();
      process.exit(128 + constants.signals[signal]);
    });
  }
  await serve();

  return {
    url,
    token,
    /** A mark in wrangler dev's output, for `said` to look only after. */
    mark() {
      return output.total;
    },
    /**
     * Waits until wrangler dev's output (the Worker's warnings and errors)
     * after `mark` has a line matching `pattern`: how a test knows an
     * injected pause has begun.
     */
    async said(pattern, mark, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.since(mark).some((line) => pattern.test(line))) {
        if (Date.now() > deadline) throw new Error(`wrangler dev never said ${pattern}:\n${output}`);
        await new Promise((later) => setTimeout(later, 50));
      }
    },
    /** The key signing offer links, to forge or expire them in tests. */
    offerKey,
    /** Every secret and variable the Worker was started with. */
    secrets,
    /**
     * Runs SQL against the local D1 database; returns the rows. A read is
     * tried up to three times: `wrangler d1 execute` opens the database
     * beside the running server's workerd and, rarely, fails an internal
     * assertion ("false == true") doing so. A write is never repeated.
     */
    async d1(sql) {
      const tries = /^\s*SELECT\b/i.test(sql) ? 3 : 1;
      const shown = sql.replace(/\s+/g, " ").slice(0, 80);
      for (let attempt = 1; ; attempt++) {
        output.add(`[test] d1 execute: ${shown}`);
        try {
          const { stdout } = await run(
            WRANGLER,
            ["d1", "execute", "embudo", "--local", "--persist-to", state, "--json", "--command", sql],
            { cwd: EDGE, env: ENV },
          );
          output.add("[test] d1 execute: done");
          return JSON.parse(stdout)[0].results;
        } catch (error) {
          output.add(`[test] d1 execute: failed, ${error.message.split("\n")[0]}`);
          // wrangler reports SQL errors as JSON on stdout; surface their text.
          let reason = error.message;
          try {
            reason = JSON.parse(error.stdout).error.text;
          } catch {
            // not JSON: keep the process error
          }
          if (attempt >= tries) throw new Error(`D1 refused ${JSON.stringify(sql)}: ${reason}`);
          await new Promise((later) => setTimeout(later, 500));
        }
      }
    },
    /**
     * Kills the Worker outright (SIGKILL, as a crash would), then starts it
     * again on the same port and database; resolves once it serves.
     */
    async restart() {
      kill("SIGKILL");
      await exited();
      await serve();
    },
    async stop() {
      kill();
      await exited();
      await rm(state, { recursive: true, force: true });
    },
  };
}
