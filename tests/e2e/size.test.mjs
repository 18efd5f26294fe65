// The size budget: the release widget (wasm + JS glue, brotli quality 11) must not grow
// past the figures in size-budget.json. Run after `trunk build --release` and
// `scripts/build-embed`; SIZE_DEMO_DIR and SIZE_EMBED_DIR name other builds (scripts/release).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedBundle, trunkBundle } from '../../bench/size.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const budget = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8'));

test('the demo bundle (trunk) stays within its brotli budget', () => {
  const size = trunkBundle(process.env.SIZE_DEMO_DIR ?? join(ROOT, 'dist'), 'dataset-monitor');
  console.log(`demo bundle: raw ${size.raw}, gzip ${size.gzip}, brotli ${size.brotli} (budget ${budget.demo_brotli_bytes})`);
  assert.ok(size.brotli <= budget.demo_brotli_bytes, `${size.brotli} > ${budget.demo_brotli_bytes}`);
});

test('the embeddable module stays within its brotli budget', () => {
  const size = embedBundle(process.env.SIZE_EMBED_DIR ?? join(ROOT, 'examples/pkg'));
  console.log(`embed bundle: raw ${size.raw}, gzip ${size.gzip}, brotli ${size.brotli} (budget ${budget.embed_brotli_bytes})`);
  assert.ok(size.brotli <= budget.embed_brotli_bytes, `${size.brotli} > ${budget.embed_brotli_bytes}`);
});
