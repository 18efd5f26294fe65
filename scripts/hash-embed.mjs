// Names the embeddable module's files after their content (scripts/build-embed), so that a
// server or CDN can cache them forever, all with one hash of the whole build:
// - the glue `dataset_monitor-<hash>.js` and the main wasm `dataset_monitor-<hash>_bg.wasm`;
// - when the build is split: the chunk loader `dataset_monitor-<hash>-split.js` (wasm-split-cli's
//   __wasm_split.js) and each chunk `dataset_monitor-<hash>-split_<name>.wasm` or
//   `dataset_monitor-<hash>-chunk_<n>.wasm`. Every name keeps the `dataset_monitor` prefix by
//   which embed/trap-notice.js tells the widget's wasm.
// The entry module keeps its stable name (`prolific-dataset-monitor.js`, revalidated on every
// visit) and is rewritten to load the hashed files; the glue and the loader are rewritten where
// they load each other and the chunks (always relative to their own URL), and so is the
// package's package.json (its `exports` entry for the wasm, `sideEffects`, `files`). A split
// build must have one split_<name>.wasm per split point of src/ui/lazy.rs but the front
// door (the standalone page's), no other: a toolchain bump that breaks splitting fails here.
// Old hashed files in the directory are removed. Prints the names.
//
//   node scripts/hash-embed.mjs DIR
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredSplitPoints, renameLoads } from './split-names.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/hash-embed.mjs DIR');
  process.exit(2);
}
const fail = (message) => {
  console.error(`error: ${message}`);
  process.exit(1);
};
const GLUE = 'dataset_monitor.js';
const WASM = 'dataset_monitor_bg.wasm';
const LOADER = '__wasm_split.js';
const ENTRY = 'prolific-dataset-monitor.js';
const HASHED = /^dataset_monitor-[0-9a-f]{16}(\.js|_bg\.wasm|-split\.js|-(split_\w+|chunk_\d+)\.wasm)(\.br|\.gz)?$/;

for (const name of readdirSync(dir)) if (HASHED.test(name)) rmSync(join(dir, name));
const present = readdirSync(dir);
for (const f of [GLUE, WASM]) if (!present.includes(f)) fail(`${f} is missing from ${dir}`);
const chunks = present.filter((f) => /^(split_\w+|chunk_\d+)\.wasm$/.test(f)).sort();
const split = present.includes(LOADER);
if (split) {
  const declared = declaredSplitPoints().map((name) => `split_${name}.wasm`);
  // The front door is the standalone page's alone: the module has no use for its chunk.
  const expected = declared.filter((f) => f !== 'split_front_door.wasm');
  const made = chunks.filter((f) => f.startsWith('split_'));
  if (JSON.stringify(made) !== JSON.stringify(expected)) {
    fail(`wasm-split-cli wrote {${made}}, but src/ui/lazy.rs declares {${declared}}, of which the module uses {${expected}}: ` +
      'the toolchain no longer splits this build (see docs/development.md, "The split build")');
  }
} else if (chunks.length) {
  fail(`chunks without their loader ${LOADER} in ${dir}: ${chunks}`);
}

const runtime = [GLUE, WASM, ...(split ? [LOADER, ...chunks] : [])];
const digest = createHash('sha256');
for (const f of runtime) digest.update(f).update(readFileSync(join(dir, f)));
const hash = digest.digest('hex').slice(0, 16);
/** The hashed name of each runtime file. */
const named = (f) => {
  if (f === GLUE) return `dataset_monitor-${hash}.js`;
  if (f === WASM) return `dataset_monitor-${hash}_bg.wasm`;
  if (f === LOADER) return `dataset_monitor-${hash}-split.js`;
  return `dataset_monitor-${hash}-${f}`;
};

/** `source` with each of `wanted` renamed where it is loaded (scripts/split-names.mjs); each
 * must be loaded exactly `times` times (or at least once when `times` is 0). */
function rename(source, file, wanted, times = 0) {
  const { text, counts } = renameLoads(source, wanted, named);
  for (const [f, found] of counts) {
    if (times ? found !== times : found === 0) fail(`${file} loads ./${f} ${found} times, not ${times || 'at least once'}`);
  }
  return text;
}

// The glue's own default for its wasm (used when init() is given none) names the hashed file
// too, so that a bundler that follows `new URL(…, import.meta.url)` finds it; it is written
// without `./`. A split glue imports its loader.
let glue = readFileSync(join(dir, GLUE), 'utf8');
const defaults = glue.split(`"${WASM}"`).length - 1;
if (defaults > 1) fail(`${GLUE} names "${WASM}" ${defaults} times, not at most once`);
glue = glue.replace(`"${WASM}"`, `"${named(WASM)}"`);
if (split) glue = rename(glue, GLUE, [LOADER]);
writeFileSync(join(dir, named(GLUE)), glue);
rmSync(join(dir, GLUE));
if (split) {
  const loader = rename(readFileSync(join(dir, LOADER), 'utf8'), LOADER, [GLUE, ...chunks]);
  writeFileSync(join(dir, named(LOADER)), loader);
  rmSync(join(dir, LOADER));
}
for (const f of [WASM, ...(split ? chunks : [])]) renameSync(join(dir, f), join(dir, named(f)));

// The entry names the glue and the main wasm once each.
const entry = rename(readFileSync(join(dir, ENTRY), 'utf8'), ENTRY, [GLUE, WASM], 1);
writeFileSync(join(dir, ENTRY), entry);

// package.json: the wasm's export, the glue as a side effect, and every file a page may load
// with its brotli and gzip forms (scripts/precompress.mjs writes them next).
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
manifest.exports[`./${WASM}`] = `./${named(WASM)}`;
manifest.sideEffects = manifest.sideEffects.map((f) => (f === `./${GLUE}` ? `./${named(GLUE)}` : f));
const types = manifest.files.filter((f) => f.endsWith('.d.ts'));
manifest.files = [...types, ...[ENTRY, ...runtime.map(named)].flatMap((f) => [f, `${f}.br`, `${f}.gz`])];
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(runtime.map(named).join(' '));
