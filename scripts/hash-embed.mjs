// Names the embeddable module's glue and wasm after their content (scripts/build-embed),
// so that a server or CDN can cache them forever: `dataset_monitor-<hash>.js` and
// `dataset_monitor-<hash>_bg.wasm`, one hash of both. The entry module keeps its stable
// name (`prolific-dataset-monitor.js`, revalidated on every visit) and is rewritten to load
// the hashed files, and so is the package's package.json (its `exports` entry for the wasm,
// `sideEffects`, `files`). Old hashed files in the directory are removed. Prints the names.
//
//   node scripts/hash-embed.mjs DIR
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/hash-embed.mjs DIR');
  process.exit(2);
}
const GLUE = 'dataset_monitor.js';
const WASM = 'dataset_monitor_bg.wasm';
const ENTRY = 'prolific-dataset-monitor.js';
const HASHED = /^dataset_monitor-[0-9a-f]{16}(\.js|_bg\.wasm)(\.br|\.gz)?$/;

for (const name of readdirSync(dir)) if (HASHED.test(name)) rmSync(join(dir, name));
const hash = createHash('sha256')
  .update(readFileSync(join(dir, GLUE)))
  .update(readFileSync(join(dir, WASM)))
  .digest('hex')
  .slice(0, 16);
const glue = `dataset_monitor-${hash}.js`;
const wasm = `dataset_monitor-${hash}_bg.wasm`;
// The glue's own default for its wasm (used when init() is given none) names the hashed file
// too, so that a bundler that follows `new URL(…, import.meta.url)` finds it.
const glueText = readFileSync(join(dir, GLUE), 'utf8');
const defaults = glueText.split(`"${WASM}"`).length - 1;
if (defaults > 1) {
  console.error(`error: ${GLUE} names "${WASM}" ${defaults} times, not at most once`);
  process.exit(1);
}
writeFileSync(join(dir, glue), glueText.replace(`"${WASM}"`, `"${wasm}"`));
rmSync(join(dir, GLUE));
renameSync(join(dir, WASM), join(dir, wasm));

// The entry names both files once each, as string literals (either quote after terser).
let entry = readFileSync(join(dir, ENTRY), 'utf8');
for (const [from, to] of [[GLUE, glue], [WASM, wasm]]) {
  const literal = new RegExp(`(["'\`])\\./${from.replace('.', '\\.')}\\1`, 'g');
  const found = entry.match(literal)?.length ?? 0;
  if (found !== 1) {
    console.error(`error: ${ENTRY} names ./${from} ${found} times, not once`);
    process.exit(1);
  }
  entry = entry.replace(literal, (_, quote) => `${quote}./${to}${quote}`);
}
writeFileSync(join(dir, ENTRY), entry);

const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
manifest.exports[`./${WASM}`] = `./${wasm}`;
manifest.sideEffects = manifest.sideEffects.map((f) => (f === `./${GLUE}` ? `./${glue}` : f));
manifest.files = manifest.files.map((f) => f.replace(GLUE, glue).replace(WASM, wasm));
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${glue} ${wasm}`);
