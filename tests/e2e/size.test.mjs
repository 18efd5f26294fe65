// The size budget: the release widget (wasm + JS glue, brotli quality 11) must not grow
// past the figures in size-budget.json. Run after `scripts/build-demo` and
// `scripts/build-embed`; SIZE_DEMO_DIR and SIZE_EMBED_DIR name other builds (scripts/release,
// the stable fallback in scripts/test), SIZE_TOOLCHAIN=stable their budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedBundle, trunkBundle } from '../../bench/size.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const budgets = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8'));
// SIZE_TOOLCHAIN=stable: bundles built with WIDGET_TOOLCHAIN=stable, held to their own pair.
const budget = process.env.SIZE_TOOLCHAIN === 'stable'
  ? { demo_brotli_bytes: budgets.stable_fallback_demo_brotli_bytes, embed_brotli_bytes: budgets.stable_fallback_embed_brotli_bytes }
  : budgets;

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
