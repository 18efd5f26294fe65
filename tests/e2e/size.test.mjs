// The size budget: the release widget (wasm + JS glue, brotli quality 11) must not grow
// past the figures in size-budget.json. Run after `trunk build --release` and
// `scripts/build-embed`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const budget = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8'));

function measure(dir, names) {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const name of names) {
    const bytes = readFileSync(join(dir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli };
}

test('the demo bundle (trunk) stays within its brotli budget', () => {
  const dir = join(ROOT, 'dist');
  const files = readdirSync(dir).filter((f) => /^dataset-monitor-.*\.(wasm|js)$/.test(f));
  assert.equal(files.length, 2, `expected one .wasm and one .js in dist/: ${files}`);
  const size = measure(dir, files);
  console.log(`demo bundle: raw ${size.raw}, gzip ${size.gzip}, brotli ${size.brotli} (budget ${budget.demo_brotli_bytes})`);
  assert.ok(size.brotli <= budget.demo_brotli_bytes, `${size.brotli} > ${budget.demo_brotli_bytes}`);
});

test('the embeddable module stays within its brotli budget', () => {
  const dir = join(ROOT, 'examples/pkg');
  const size = measure(dir, ['dataset_monitor_bg.wasm', 'dataset_monitor.js', 'prolific-dataset-monitor.js']);
  console.log(`embed bundle: raw ${size.raw}, gzip ${size.gzip}, brotli ${size.brotli} (budget ${budget.embed_brotli_bytes})`);
  assert.ok(size.brotli <= budget.embed_brotli_bytes, `${size.brotli} > ${budget.embed_brotli_bytes}`);
});
