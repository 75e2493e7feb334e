// `make size`: the bytes a visitor downloads for a working form, gzipped
// (level 9, as a CDN would serve them), per part and in total, beside
// @typeform/embed's embed.js from npm (the loader Typeform's embeds use).
// Then what each crate weighs in the widget's wasm, read by twiggy from the
// release build before wasm-bindgen and wasm-opt (so raw, unoptimised
// bytes: the shares matter, not the totals).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = resolve(import.meta.dirname, "..", "..");
const GOAL = 16 * 1024;
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const parts = [
  ["loader (www/embed.js, minified)", join(ROOT, "www", "embed.js")],
  ["JS glue (wasm-bindgen)", join(ROOT, "www", "widget", "embudo_widget.js")],
  ["wasm", join(ROOT, "www", "widget", "embudo_widget_bg.wasm")],
];
const typeform = join(ROOT, "node_modules", "@typeform", "embed", "build", "embed.js");
const typeformVersion = JSON.parse(readFileSync(join(ROOT, "node_modules", "@typeform", "embed", "package.json"))).version;

console.log("## make size: what a visitor downloads for a working form\n");
console.log("| part | raw | gzipped |");
console.log("| --- | ---: | ---: |");
let total = 0;
for (const [name, path] of parts) {
  const zipped = gz(path);
  total += zipped;
  console.log(`| ${name} | ${kb(readFileSync(path).length)} | ${kb(zipped)} |`);
}
console.log(`| **Embudo, total** | | **${kb(total)}** |`);
console.log(`| @typeform/embed ${typeformVersion} build/embed.js (loader only) | ${kb(readFileSync(typeform).length)} | ${kb(gz(typeform))} |`);
console.log(`\nGoal: at most ${kb(GOAL)} gzipped in total: ${total <= GOAL ? "met" : `NOT met (${kb(total - GOAL)} over)`}.\n`);

// The floor: shared's submission checks and the widget's JSON reading
// (embudo-widget-json) alone, built the same way (scripts/size.sh builds it), which any widget giving the
// visitor shared's own verdict ships whatever else it does.
const floorDir = join(ROOT, "target", "widget-floor");
const floorParts = [
  ["JS glue", join(floorDir, "embudo_bench_widget_floor.js")],
  ["wasm", join(floorDir, "embudo_bench_widget_floor_bg.wasm")],
];
const floor = floorParts.reduce((sum, [, path]) => sum + gz(path), 0);
console.log("### The floor: shared's checks and the JSON reading alone\n");
console.log("`bench/widget/floor` reads a form spec and a submission from JSON (as the widget reads JSON) and checks one against the other with `shared`,");
console.log("as the widget does before sending, and nothing else (no DOM, no outbox, no edge calls), built like the widget.\n");
console.log("| part | raw | gzipped |");
console.log("| --- | ---: | ---: |");
for (const [name, path] of floorParts) console.log(`| ${name} | ${kb(readFileSync(path).length)} | ${kb(gz(path))} |`);
console.log(`| **floor, total** | | **${kb(floor)}** |\n`);
console.log(`The floor alone is ${(floor / GOAL).toFixed(1)} times the goal; the loader and the widget's own code and glue make the other ${kb(total - floor)}.\n`);

// What each crate weighs: twiggy's items, grouped by the crate their
// (demangled) name starts with.
// The build scripts/build-widget.sh made last: with the widget's own std
// (target/own-std) when the toolchain has its sources, else the ordinary one.
const wasm = ["own-std", "."]
  .map((dir) => join(ROOT, "target", dir, "wasm32-unknown-unknown", "release", "embudo_widget.wasm"))
  .filter((path) => existsSync(path))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
const csv = execFileSync("twiggy", ["top", "-n", "1000000", "--format", "csv", wasm], { encoding: "utf8", maxBuffer: 1 << 28 });
const byCrate = new Map();
let code = 0;
for (const line of csv.split("\n").slice(1)) {
  const match = line.match(/^(.*),(\d+),[\d.]+,[^,]*,[^,]*$/);
  if (!match) continue;
  const [, rawName, size] = match;
  const name = rawName.replace(/^"|"$/g, "");
  if (name.startsWith("custom section") || name.includes("subsection") || name.startsWith("Σ")) continue;
  // wasm-bindgen's descriptors and placeholders: read and removed by
  // wasm-bindgen, never shipped. Names carry crate hashes
  // (`wasm_bindgen[1a2b]::describe`), dropped before matching.
  if (/__wbindgen_describe|__wbindgen_placeholder|wasm_bindgen::describe/.test(name.replace(/\[[0-9a-f]+\]/g, ""))) continue;
  const crate =
    name.match(/^<*(?:&(?:mut )?)?(?:[A-Z]\w* as )?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/)?.[1] ??
    (name.startsWith("data segment") ? "(static data)" : "(other: tables, imports, glue)");
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + Number(size));
  code += Number(size);
}
console.log("### What each crate weighs in the wasm (raw, before wasm-opt)\n");
console.log("| crate | bytes | share |");
console.log("| --- | ---: | ---: |");
for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`| ${crate} | ${size} | ${((100 * size) / code).toFixed(1)} % |`);
}
