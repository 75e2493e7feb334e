// Shortens the names the widget's wasm and its JS glue call each other by.
//
// wasm-bindgen names every import after the JS function it wraps plus a
// hash (`__wbg_createElement_74049073a11f9c31`), and some exports after a
// Rust path hundreds of characters long. Each name is written twice, in
// the wasm and in the glue, and the hashes do not compress. binaryen's
// `--minify-imports-and-exports-and-modules` pass (emscripten's way)
// renames them in the wasm to `a`, `b`, ... and prints the old and new
// names as JSON; this rewrites the glue to match. Measured when added:
// 4.5 KB less gzipped (wasm 52.2 to 49.6 KB, glue 5.3 to 3.4 KB).
//
// Usage: node scripts/shorten-names.mjs NAMES.json GLUE.js WASM
// NAMES.json is what the pass printed, GLUE.js wasm-bindgen's glue (not yet
// minified; rewritten in place), WASM the renamed wasm. Every name the
// glue gives or calls must be found and renamed, or this fails the build:
// a glue that no longer fits its wasm would break every form at load.
import { readFileSync, writeFileSync } from "node:fs";

const [namesPath, gluePath, wasmPath] = process.argv.slice(2);
if (!wasmPath) throw new Error("usage: shorten-names.mjs NAMES.json GLUE.js WASM");
const names = JSON.parse(readFileSync(namesPath, "utf8"));
let glue = readFileSync(gluePath, "utf8");
const wasm = new WebAssembly.Module(readFileSync(wasmPath));

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
// Replaces every match of `pattern` with `to`, and says how many there were.
const replace = (pattern, to) => {
  let found = 0;
  glue = glue.replace(pattern, () => {
    found += 1;
    return to;
  });
  return found;
};

// The imports: all from one module (the glue's own), which the pass renames
// too; the glue gives them as the keys of one object per module.
const oldModules = new Set(names.imports.map(([module]) => module));
const newModules = new Set(WebAssembly.Module.imports(wasm).map(({ module }) => module));
if (oldModules.size !== 1 || newModules.size !== 1) {
  throw new Error(`expected one import module, found ${[...oldModules]} renamed to ${[...newModules]}`);
}
const [oldModule] = oldModules;
const [newModule] = newModules;
const moduleKey = new RegExp(`${escape(JSON.stringify(oldModule))}(?=\\s*:)`, "g");
if (replace(moduleKey, JSON.stringify(newModule)) !== 1) {
  throw new Error(`the glue does not give the module ${oldModule} once`);
}
for (const [, from, to] of names.imports) {
  const key = new RegExp(`(?<![\\w$])${escape(from)}(?=\\s*:)`, "g");
  if (replace(key, to) !== 1) throw new Error(`the glue does not give the import ${from} once`);
}

// The exports: the glue reads them from `wasm`, its name for the
// instance's exports. Not all are read (wasm-bindgen exports a few for
// other hosts), but every one read must be renamed.
for (const [from, to] of names.exports) replace(new RegExp(`\\bwasm\\.${escape(from)}(?![\\w$])`, "g"), `wasm.${to}`);
const exported = new Set(WebAssembly.Module.exports(wasm).map(({ name }) => name));
const unknown = [...glue.matchAll(/\bwasm\.([\w$]+)/g)].map(([, name]) => name).filter((name) => !exported.has(name));
if (unknown.length > 0) throw new Error(`the glue reads exports the wasm lacks: ${[...new Set(unknown)]}`);

writeFileSync(gluePath, glue);
