import { randomUUID } from "node:crypto";
import { join } from "node:path";
import WebSocket from "ws";
import { ENV, ROOT, run, startWorker } from "./servers.mjs";
import { writeFileSync } from "node:fs";
const key = () => "k".repeat(32);
const which = process.argv[2] ?? "edge";
const w = which === "edge" ? await startWorker({
  name: "edge", dir: join(ROOT, "edge"),
  secrets: { ADMIN_TOKEN: key(), IP_HASH_KEY: key(), OFFER_LINK_KEY: key(), WEBHOOK_SIGNING_KEY: key() },
  prepare: (state) => run(join(ROOT, "scripts", "local-d1.sh"), [state], { env: ENV }),
}) : await startWorker({ name: "floor", dir: join(ROOT, "bench", "edge", "floor"),
  prepare: (state) => run(join(ROOT, "node_modules/.bin/wrangler"), ["d1", "migrations", "apply", "bench-floor", "--local", "--persist-to", state], { cwd: join(ROOT, "bench/edge/floor"), env: ENV }) });
const list = await (await fetch("http://127.0.0.1:9229/json")).json();
console.log(list.map((t) => t.title + " " + t.webSocketDebuggerUrl));
const target = list.find((t) => t.title.includes(which === "edge" ? "embudo" : "floor")) ?? list[0];
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => ws.on("open", r));
let seq = 0; const pending = new Map();
ws.on("message", (m) => { const x = JSON.parse(m); if (x.id && pending.has(x.id)) { pending.get(x.id)(x); pending.delete(x.id); } });
const call = (method, params = {}) => new Promise((r) => { const id = ++seq; pending.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
let n = 0; const timings = [];
async function post() {
  n++;
  const body = JSON.stringify({ id: randomUUID(), fields: { email: `p${n}.${Date.now()}@acme.example`, first_name: "Ana", company: "Acme", job_role: "CMO", company_size: "50-249", country: "ES" }, consents: { content: true, sales: n % 2 === 0 }, locale: "es", context: { page: `${w.url}/demo`, elapsed_ms: 5000 } });
  const res = await fetch(`${w.url}/v1/forms/demo-ebook/submissions`, { method: "POST", body, headers: { "Content-Type": "application/json", Origin: w.url, "CF-Connecting-IP": `10.0.${n >> 8 & 255}.${n & 255}` } });
  const st = res.headers.get("server-timing"); if (st) timings.push(st);
  await res.text(); if (res.status >= 300 && n < 5) console.log(res.status);
}
for (let i = 0; i < 50; i++) await post();
timings.length = 0; for (let i = 0; i < 300; i++) await post();
const parse = (name) => timings.map((t) => Number(new RegExp(name + ";dur=([0-9.]+)").exec(t)?.[1])).sort((a, b) => a - b);
if (timings.length) for (const name of ["pre", "chk", "batch", "total"]) { const v = parse(name); console.log(name, "p50", v[v.length >> 1], "mean", (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2)); }
if (process.env.NOPROF) { await w.stop(); process.exit(0); }
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
const t0 = Date.now();
await Promise.all(Array.from({ length: 4 }, async () => { for (let i = 0; i < 100; i++) await post(); }));
console.log("400 posts in", Date.now() - t0, "ms");
const { result } = await call("Profiler.stop");
writeFileSync(`/tmp/prof/${which}.cpuprofile`, JSON.stringify(result.profile));
const p = result.profile; const byId = new Map(p.nodes.map((x) => [x.id, x]));
const self = new Map(); const dt = p.timeDeltas; let total = 0;
p.samples.forEach((id, i) => { const node = byId.get(id); const k = `${node.callFrame.functionName || "(anon)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt[i]); total += dt[i]; });
console.log("total sampled ms", total / 1000);
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k));
await w.stop(); process.exit(0);
