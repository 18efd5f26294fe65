// Bundle sizes (raw, gzip -9, brotli quality 11) of the release widget and of the
// Leptos counter baseline. Usage: node bench/size.mjs OUT.json
// Also imported by tests/e2e/size.test.mjs (the size budget in the test command).
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { embedFiles } from '../tests/support/stack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Sums raw, gzip -9 and brotli (quality 11) bytes of `names` in `dir`. */
export function measure(dir, names) {
  const size = { files: names, raw: 0, gzip: 0, brotli: 0 };
  for (const name of names) {
    const bytes = readFileSync(join(dir, name));
    size.raw += bytes.length;
    size.gzip += gzipSync(bytes, { level: 9 }).length;
    size.brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return size;
}

/** Every .wasm and .js file in `dir`, sorted. */
export const wasmAndScripts = (dir) => readdirSync(dir).filter((f) => /\.(wasm|js)$/.test(f)).sort();

/** What a Trunk-built page loads: the wasm and JS glue of `prefix` in `dir`, and every
 * other script Trunk put there (the demo's trap notice). */
export function trunkBundle(dir, prefix) {
  const files = wasmAndScripts(dir);
  const own = files.filter((f) => f.startsWith(`${prefix}-`));
  if (own.length !== 2 || files.filter((f) => f.endsWith('.wasm')).length !== 1) {
    throw new Error(`expected one .wasm and one .js of ${prefix} in ${dir}: ${files}`);
  }
  return measure(dir, files);
}

/** The demo page built by scripts/build-demo into `dir`. A split build (its
 * split-manifest.json, scripts/assemble-demo.mjs): `first_load` sums the files fetched before
 * the status paints and `chunks` measures each chunk, keyed by its name without the build's
 * hash (`split_import_details`, `chunk_4`); raw, gzip and brotli are the first load's, and
 * `perFile` holds each of its files' sizes.
 * An unsplit build (Trunk's, the stable fallback): all of it is the first load. */
export function demoBundle(dir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'split-manifest.json'), 'utf8'));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    const all = trunkBundle(dir, 'dataset-monitor');
    return { ...all, split: false, chunks: {} };
  }
  const perFile = Object.fromEntries(manifest.first_load.map((f) => [f, measure(dir, [f])]));
  const firstLoad = { files: manifest.first_load, raw: 0, gzip: 0, brotli: 0 };
  for (const size of Object.values(perFile)) {
    for (const k of ['raw', 'gzip', 'brotli']) firstLoad[k] += size[k];
  }
  const chunks = Object.fromEntries(Object.entries(manifest.chunks).map(([name, file]) => [name, measure(dir, [file])]));
  const listed = new Set([...manifest.first_load, ...Object.values(manifest.chunks)]);
  const unlisted = wasmAndScripts(dir).filter((f) => !listed.has(f));
  if (unlisted.length) throw new Error(`files in ${dir} that split-manifest.json does not list: ${unlisted}`);
  return { ...firstLoad, split: true, perFile, chunks };
}

/** The embeddable module built by scripts/build-embed into `dir`: raw, gzip and brotli are
 * its first load's (the entry, the glue, the chunk loader when split, and the main wasm);
 * `chunks` measures each chunk of a split build, keyed by its name without the build's hash. */
export function embedBundle(dir) {
  const { firstLoad, chunks } = embedFiles(dir);
  return {
    ...measure(dir, firstLoad),
    split: Object.keys(chunks).length > 0,
    chunks: Object.fromEntries(Object.entries(chunks).map(([name, file]) => [name, measure(dir, [file])])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(ROOT, 'target/bench/size.json');
  const result = {
    demo: demoBundle(join(ROOT, 'dist')),
    // The same page built whole by Trunk (scripts/bench: SPLIT=0 scripts/build-demo).
    demo_unsplit: trunkBundle(join(ROOT, 'target/bench/unsplit-dist'), 'dataset-monitor'),
    embed: embedBundle(join(ROOT, 'target/bench/www/embed')),
    counter: trunkBundle(join(ROOT, 'target/bench/counter-dist'), 'bench-counter'),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  for (const [name, s] of Object.entries(result)) console.log(`${name}: raw ${s.raw}, gzip ${s.gzip}, brotli ${s.brotli}`);
}
