// What every benchmark here needs to measure honestly on a shared 2-CPU
// machine: to wait for the CPUs to go quiet before each timed run, so one
// run's leftover work (wrangler dev after an answer, SQLite after a seed) is
// not counted in the next; and percentiles of what was timed.
import { readdir, readFile } from "node:fs/promises";

/** The CPUs' idle (with iowait) and total ticks so far, from /proc/stat. */
async function cpuTimes() {
  const ticks = (await readFile("/proc/stat", "utf8")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: ticks[3] + (ticks[4] ?? 0), total: ticks.reduce((a, b) => a + b, 0) };
}

/**
 * Waits until the CPUs are at least 85% idle over half a second, for at most
 * `limitMs`. Returns false if they never were (something else kept the
 * machine busy), so the report can say so.
 */
export async function settle(limitMs = 20_000) {
  const deadline = Date.now() + limitMs;
  try {
    while (Date.now() < deadline) {
      const before = await cpuTimes();
      await new Promise((later) => setTimeout(later, 500));
      const after = await cpuTimes();
      if ((after.idle - before.idle) / Math.max(1, after.total - before.total) >= 0.85) return true;
    }
    return false;
  } catch {
    // No /proc (not Linux): a fixed pause instead.
    await new Promise((later) => setTimeout(later, 2_000));
    return true;
  }
}

/** The nearest-rank percentile `p` (0 to 100) of ascending `sorted` values. */
export function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Clock ticks per second in /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The CPU time (ms, user + system) used so far by each process in process
 * group `group`, with its command line (`{ command, ms }` each): which of a server's processes a
 * run's work went to. Empty where there is no /proc (not Linux).
 */
export async function groupCpu(group) {
  const found = [];
  let pids;
  try {
    pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      // After the command name (in parentheses, which may hold spaces):
      // state, ppid, pgrp, ..., utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== group) continue;
      const command = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      found.push({ command, ms });
    } catch {
      // gone since the listing
    }
  }
  return found;
}
