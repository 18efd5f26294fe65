// The size budget: the release widget (wasm + JS glue, brotli quality 11) must not grow
// past the figures in size-budget.json. Run after `scripts/build-demo` and
// `scripts/build-embed`; SIZE_DEMO_DIR and SIZE_EMBED_DIR name other builds (scripts/release,
// the stable fallback in scripts/test), SIZE_TOOLCHAIN=stable their budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoBundle, embedBundle } from '../../bench/size.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const budgets = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8'));
// SIZE_TOOLCHAIN=stable: bundles built with WIDGET_TOOLCHAIN=stable, held to their own pair.
const budget = process.env.SIZE_TOOLCHAIN === 'stable'
  ? { demo_brotli_bytes: budgets.stable_fallback_demo_brotli_bytes, embed_brotli_bytes: budgets.stable_fallback_embed_brotli_bytes }
  : budgets;

const demo = demoBundle(process.env.SIZE_DEMO_DIR ?? join(ROOT, 'dist'));

test('the demo page is split on the nightly and whole on stable', () => {
  assert.equal(demo.split, process.env.SIZE_TOOLCHAIN !== 'stable', `split: ${demo.split}`);
});

test("the demo page's first load stays within its brotli budget", () => {
  const limit = demo.split ? budgets.demo_first_load_brotli_bytes : budget.demo_brotli_bytes;
  console.log(`demo first load (${demo.files.join(', ')}): raw ${demo.raw}, gzip ${demo.gzip}, brotli ${demo.brotli} (budget ${limit})`);
  assert.ok(demo.brotli <= limit, `${demo.brotli} > ${limit}`);
});

test("each file of the demo page's first load stays within its line of the budget", { skip: !demo.split }, () => {
  for (const file of demo.files) {
    // The name without the build's hash: dataset-monitor.js, dataset-monitor_bg.wasm, …
    const name = file.replace(/-[0-9a-f]{16}/, '');
    const size = demo.perFile[file].brotli;
    const limit = budgets.demo_first_load_files[name];
    console.log(`  ${name}: brotli ${size} (budget ${limit})`);
    assert.ok(limit !== undefined, `${name} has no line in size-budget.json's demo_first_load_files`);
    assert.ok(size <= limit, `${name}: ${size} > ${limit}`);
  }
});

/** Each of `chunks` (name → its sizes) within its line of size-budget.json's `key`; a chunk
 * with no line fails. */
function assertChunksWithin(chunks, key) {
  for (const [name, size] of Object.entries(chunks)) {
    const limit = budgets[key][name];
    console.log(`  ${name}: brotli ${size.brotli} (budget ${limit})`);
    assert.ok(limit !== undefined, `chunk ${name} has no line in size-budget.json's ${key}`);
    assert.ok(size.brotli <= limit, `${name}: ${size.brotli} > ${limit}`);
  }
}

test("each chunk of the demo page stays within its line of the budget", { skip: !demo.split }, () => {
  assertChunksWithin(demo.chunks, 'demo_chunks');
});

const embed = embedBundle(process.env.SIZE_EMBED_DIR ?? join(ROOT, 'examples/pkg'));

test('the embeddable module is split as the demo page is', () => {
  assert.equal(embed.split, demo.split, `module split: ${embed.split}, page split: ${demo.split}`);
  // The same split points, but the front door, which only the standalone page shows.
  const points = (chunks) => Object.keys(chunks).filter((name) => name.startsWith('split_') && name !== 'split_front_door').sort();
  if (embed.split) assert.deepEqual(points(embed.chunks), points(demo.chunks));
});

test('the embeddable module stays within its brotli budget', () => {
  const limit = embed.split ? budgets.embed_first_load_brotli_bytes : budget.embed_brotli_bytes;
  console.log(`embed first load (${embed.files.join(', ')}): raw ${embed.raw}, gzip ${embed.gzip}, brotli ${embed.brotli} (budget ${limit})`);
  assert.ok(embed.brotli <= limit, `${embed.brotli} > ${limit}`);
});

// Issue #33: embedding is the main use, so the module's first load is held to the split
// page's, plus its loader's registration of the element and mount() (at most 2 KB).
test("the embeddable module's first load is the split page's plus at most 2 KB", { skip: !embed.split }, () => {
  console.log(`embed first load ${embed.brotli} B, demo first load ${demo.brotli} B (the module's minus the page's: ${embed.brotli - demo.brotli} B)`);
  assert.ok(embed.brotli <= demo.brotli + 2048, `${embed.brotli} > ${demo.brotli} + 2048`);
});

test('each chunk of the embeddable module stays within its line of the budget', { skip: !embed.split }, () => {
  assertChunksWithin(embed.chunks, 'embed_chunks');
});
