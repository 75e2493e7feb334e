// Starts a built Worker under wrangler dev for the edge benchmark: any of
// the three (the edge, the floor, the ceiling), each on a free loopback port
// with a fresh --persist-to directory, all with the same flags so they are
// measured alike. Each runs a copy of its build/ taken at start: wrangler dev
// reloads a Worker whose files change, and a rebuild during a run (make dev
// or the tests in another terminal) would otherwise swap the code under
// measurement and fail the requests in flight.
//
// Like tests/support/stack.mjs (which only starts the edge),
// every server's process group is killed on stop(), on exit, on a signal,
// and, should this process be killed outright, by a watchdog that outlives
// it: a benchmark never leaves a server running.
import { spawn, execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../tests/support/stack.mjs";
import { groupCpu } from "../measure.mjs";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
/**
 * Where wrangler's debug logs go: it writes one for every command, with an
 * entry for every D1 call a Worker under wrangler dev makes (tens of MB per
 * benchmark), which belong with the benchmark, not in ~/.config/.wrangler.
 */
export const LOGS = join(ROOT, "target", "bench-edge-logs");
export const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  NO_COLOR: "1",
  WRANGLER_LOG_PATH: LOGS,
};
export const run = promisify(execFile);

/**
 * The parts of a wrangler dev server whose CPU time the benchmark reports:
 * the workerd that runs the Worker and its local D1 database (the one with
 * an inspector), wrangler's proxy workerd in front of it (it also relays the
 * Worker's inspector traffic, every D1 call's answer included, to wrangler),
 * and wrangler itself (node, which logs that traffic; esbuild too).
 */
export const PARTS = ["worker", "proxy", "wrangler"];

/** Which of `PARTS` a process of a wrangler dev server is, by its command. */
function part(command) {
  if (!/\bworkerd serve\b/.test(command)) return "wrangler";
  return command.includes("--inspector-addr") ? "worker" : "proxy";
}

/** The servers still running, killed together however this process ends. */
const running = new Set();
/** Their scratch directories (state, build copy, secrets), removed at exit. */
const scratches = new Set();

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

process.once("exit", () => {
  running.forEach(killGroup);
  for (const scratch of scratches) rmSync(scratch, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    running.forEach(killGroup);
    process.exit(128 + constants.signals[signal]);
  });
}

/** Waits for any HTTP answer: the reference Workers refuse a GET, and that is fine. */
async function waitUntilAnswering(url, child, output, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output.join("")}`);
    }
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      // not listening yet
    }
    await new Promise((later) => setTimeout(later, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} in ${timeoutMs} ms:\n${output.join("")}`);
}

/**
 * Starts the Worker whose wrangler.toml is in `dir`, built beforehand into
 * `dir/build`. `prepare(state)` fills the fresh D1 state directory first
 * (migrations, seed data); `secrets` become its env file. Returns its name,
 * base URL and port, `d1(database, sql)` to query its local D1, and `stop()`.
 */
export async function startWorker({ name, dir, prepare = async () => {}, secrets }) {
  const scratch = await mkdtemp(join(tmpdir(), `embudo-bench-${name}-`));
  scratches.add(scratch);
  const state = join(scratch, "d1");
  const build = join(scratch, "build");
  await cp(join(dir, "build"), build, { recursive: true });
  await prepare(state);
  // With an entry point given, wrangler looks for its config beside it
  // unless told where it is.
  const args = ["dev", join(build, "index.js"), "--config", join(dir, "wrangler.toml"), "--ip", "127.0.0.1", "--persist-to", state,
    "--log-level", "warn", "--show-interactive-dev-session=false"];
  if (secrets) {
    const envFile = join(scratch, "bench.vars");
    await writeFile(envFile, Object.entries(secrets).map(([key, value]) => `${key}=${value}\n`).join(""));
    args.push("--env-file", envFile);
  }
  const port = await freePort();
  args.push("--port", String(port));
  const child = spawn(WRANGLER, args, {
    cwd: dir,
    env: { ...ENV, WRANGLER_LOG_PATH: join(LOGS, `${name}-dev.log`) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  // The last of what it printed, to explain a failure without holding a
  // whole benchmark's worth of output.
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  spawn(
    "sh",
    ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM -${child.pid} 2>/dev/null`],
    { detached: true, stdio: "ignore" },
  ).unref();

  const stop = async () => {
    killGroup(child);
    await new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      setTimeout(done, 5_000);
    });
    running.delete(child);
    await rm(scratch, { recursive: true, force: true });
    scratches.delete(scratch);
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(`${url}/`, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    url,
    port,
    /** What wrangler dev printed last (warnings and errors only). */
    output: () => output.join(""),
    /** CPU ms used so far by each of `PARTS` of this server. */
    async cpu() {
      const used = Object.fromEntries(PARTS.map((name) => [name, 0]));
      for (const { command, ms } of await groupCpu(child.pid)) used[part(command)] += ms;
      return used;
    },
    /** Runs SQL against the Worker's local D1 database; returns the rows. */
    async d1(database, sql) {
      const { stdout } = await run(
        WRANGLER,
        ["d1", "execute", database, "--local", "--persist-to", state, "--json", "--command", sql],
        { cwd: dir, env: ENV },
      );
      return JSON.parse(stdout)[0].results;
    },
    stop,
  };
}
