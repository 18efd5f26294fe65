// Where the widget's bytes go: twiggy's attribution of a names-kept release wasm (the
// demo's, after wasm-bindgen and the same `wasm-opt -Oz` as the real build, with `-g` so
// the function names stay), summed by crate and by the widget's own modules.
// Usage: node bench/bytes.mjs NAMED.wasm OUT.json   (scripts/bench builds NAMED.wasm)
//
// A generic function is counted where its code came from, which for Leptos is mostly
// not where it was defined: `core::ptr::drop_in_place<tachys::…>` or
// `<alloc::vec::Vec<T> as …>::…` instantiated for another crate's type is counted to the
// first crate named in it that is not Rust's standard library; `core`, `alloc` and
// `std` keep what they instantiate for themselves (or for primitive types).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const STD = new Set(['core', 'alloc', 'std', 'compiler_builtins']);
const OWN = 'dataset_monitor';

/** The crate a demangled Rust symbol's code is counted to (see the header). */
export function crateOf(name) {
  // A crate is the first segment of a path: at the start, or after `<`, `(`, `,`, `&`,
  // `*`, `[`, `;` or a space — never after `::`.
  // A crate may carry its hash (`core[c5930c85a12de822]::`; every crate since rustc 1.99).
  const crates = [...name.matchAll(/(?:^|[<(,&*[; ])([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/g)]
    .map((m) => (m[1] === '__rustc' ? 'alloc' : m[1]));
  // Methods of primitive types: `<str>::to_lowercase`, `<char>::escape_debug_ext`.
  if (crates.length === 0) return /^<(str|char|\[|[iu](8|16|32|64|128|size)|f32|f64|bool)/.test(name) ? 'core' : null;
  return crates.find((c) => !STD.has(c)) ?? crates[0];
}

/** The widget's module (`ui::record_table`, `api::model`) a symbol is counted to, or null. */
export function ownModuleOf(name) {
  // Since rustc 1.99 every crate's symbols carry its hash (`dataset_monitor[1c9f…]::ui`).
  const m = name.match(/dataset_monitor(?:\[[0-9a-f]+\])?((?:::[a-z_][a-z0-9_]*)+)/);
  if (!m) return null;
  const path = m[1].slice(2).split('::');
  // Up to two levels: `ui::record_table`, `api::model`, `config`.
  return path.slice(0, path.length > 1 && ['ui', 'api', 'live', 'config', 'upload'].includes(path[0]) ? 2 : 1).join('::');
}

/** What a twiggy item is: Rust code (a demangled path), data, the names kept only for
 * this study (left out of every sum), or the rest: wasm-bindgen's shims, unnamed code,
 * tables and headers. */
export function kindOf(name) {
  if (/^"[a-z ]+ names" subsection$/.test(name) || name === '"name" section headers') return 'names';
  if (name.startsWith('data segment ')) return 'data';
  if (/^(import|export) /.test(name)) return 'glue';
  if (name.includes('::')) return 'code';
  return 'glue';
}

/** Sums twiggy's `top` items (name, shallow_size) by crate and by the widget's modules. */
export function attribute(items) {
  const byCrate = new Map();
  const byModule = new Map();
  let total = 0;
  const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
  for (const { name, shallow_size: bytes } of items) {
    const kind = kindOf(name);
    if (kind === 'names') continue;
    total += bytes;
    if (kind !== 'code') {
      add(byCrate, kind === 'data' ? '(data: strings, tables, the stylesheet)' : '(wasm-bindgen shims, unnamed code, tables, headers)', bytes);
      continue;
    }
    const crate = crateOf(name) ?? '(unnamed)';
    add(byCrate, crate, bytes);
    if (crate === OWN) add(byModule, ownModuleOf(name) ?? '(crate root)', bytes);
  }
  const sorted = (map) => [...map].map(([key, bytes]) => ({ key, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { total, by_crate: sorted(byCrate), by_module: sorted(byModule) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [wasm, out] = process.argv.slice(2);
  if (!wasm || !out) {
    console.error('usage: node bench/bytes.mjs NAMED.wasm OUT.json');
    process.exit(2);
  }
  const json = execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'json', wasm], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const result = attribute(JSON.parse(json));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  for (const { key, bytes } of result.by_crate.slice(0, 15)) console.log(`${String(bytes).padStart(8)}  ${key}`);
}
