// What scripts/assemble-demo.mjs (the demo page) and scripts/hash-embed.mjs (the embeddable
// module) share in naming a split build's files: the split points src/ui/lazy.rs declares,
// and the renaming of a file where another loads it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The split points' module names in src/ui/lazy.rs (`#[wasm_split(<name>, …)]`), sorted:
 * each becomes `split_<name>.wasm`. */
export function declaredSplitPoints() {
  const lazy = readFileSync(join(ROOT, 'src/ui/lazy.rs'), 'utf8');
  return [...new Set([...lazy.matchAll(/#\[wasm_split\(\s*(\w+)/g)].map((m) => m[1]))].sort();
}

/** `source` with each file of `wanted` renamed to `named(file)` where it is loaded
 * (`from "./F"`, `import("./F")`, `new URL("./F"`; any quote, as terser leaves it), and only
 * there: a glue's import object keeps the module name its wasm imports
 * (`"./__wasm_split.js"`). Returns the text and how many loads of each file it renamed. */
export function renameLoads(source, wanted, named) {
  const counts = new Map(wanted.map((f) => [f, 0]));
  const text = source.replace(/(from\s*|import\(\s*|new URL\(\s*)(["'`])\.\/([\w.-]+)\2/g, (whole, how, quote, f) => {
    if (!counts.has(f)) return whole;
    counts.set(f, counts.get(f) + 1);
    return `${how}${quote}./${named(f)}${quote}`;
  });
  return { text, counts };
}
