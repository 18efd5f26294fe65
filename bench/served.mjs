#!/usr/bin/env node
// The path a person takes (issue #33): the built page served by `dataset-proxy mock
// --static` (the same code as `serve --static`: precompressed files, cache headers, API
// answers compressed), on the first-view benches' slow machine and network (bench/marks.mjs),
// cold (a new browser context: empty cache) and on a repeat visit (the same context, a few
// seconds later: the HTTP cache and the compiled-wasm cache apply). Four pages, each from
// the same server: the demo page (dist/), a page embedding the npm package's module with
// mount() (bench/pages/first-view/embed.html, the module under /embed/), one embedding it as
// its custom element (element.html: the main use, whose first API requests the module starts
// before its wasm), and a hand-written plain-JS page (plain.html). Two states of the demo import: its first state (a small
// answer) and finished (3,000 rejected records listed, 340 KB of JSON).
//
// Reported, medians of BENCH_SERVED_RUNS rounds (5), per page, state and visit: the time
// to the live status badge painted (and to the table, finished), the bytes on the wire
// before the status (transfer sizes: bodies as sent plus headers), and for the cold visits
// the encoded bodies of the widget's first-load files beside their brotli-11 sizes.
//
//   node bench/served.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (target/server/dataset-proxy), BENCH_SERVED_RUNS, BENCH_SERVED_ADDR,
// CHROMIUM.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import zlib from 'node:zlib';

import { DEMO, PORTS, ROOT, embedFiles, importPath, launchChromium, resetMock, startMock } from '../tests/support/stack.mjs';
import { MARKS, THROTTLE, throttle } from './marks.mjs';
import { median } from './stats.mjs';

const OUT = process.argv[2] ?? join(ROOT, 'target/bench/served.json');
const BIN = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/server/dataset-proxy');
const RUNS = Number(process.env.BENCH_SERVED_RUNS ?? 5);
const ADDR = PORTS.benchServed;
const SITE_DIR = join(ROOT, 'target/bench/served-site');
/** Seconds between a cold visit and the repeat visit. */
const REPEAT_AFTER_MS = 3000;
const QUERY = `?dataset_id=${DEMO.V4_MAIN}&import_id=${DEMO.LIFECYCLE_IMPORT}`;
const PAGES = { demo: `/${QUERY}`, embed: `/embed.html${QUERY}`, element: `/element.html${QUERY}`, plain: `/plain.html${QUERY}` };
/** The pages that load the widget (each compared with the plain-JS page). */
const WIDGET_PAGES = ['demo', 'embed', 'element'];
/** The import's scenario: step 1 is its first state; the last (9th) repeats, finished. */
const STATES = { first_state: 0, finished: 8 };
const log = (...a) => console.error('[served]', ...a);

/** The site as a deployment lays it out: the demo at the root, the module under /embed/,
 * the bench's two pages beside them; precompressed as the release builds are. */
function layout() {
  rmSync(SITE_DIR, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), SITE_DIR, { recursive: true });
  mkdirSync(join(SITE_DIR, 'embed'));
  cpSync(join(ROOT, 'examples/pkg'), join(SITE_DIR, 'embed'), { recursive: true });
  for (const page of ['embed.html', 'element.html', 'plain.html']) cpSync(join(ROOT, 'bench/pages/first-view', page), join(SITE_DIR, page));
  execFileSync(process.execPath, [join(ROOT, 'scripts/precompress.mjs'), SITE_DIR], { stdio: 'ignore' });
}

/** Moves the import's scenario to `step` (0-based) after a reset. */
async function seek(base, step) {
  await resetMock(base);
  for (let i = 0; i < step; i++) await fetch(`${base}${importPath(DEMO.V4_MAIN, DEMO.LIFECYCLE_IMPORT)}`);
}

async function visit(page, url, wantTable) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction((table) => typeof window.__firstView?.status === 'number'
    && (!table || typeof window.__firstView?.table === 'number'), wantTable, { timeout: 120_000, polling: 100 });
  return page.evaluate(() => ({
    ...window.__firstView,
    bodies: performance.getEntriesByType('resource')
      .filter((r) => r.responseEnd > 0 && r.responseEnd <= window.__firstView.status)
      .map((r) => ({ path: new URL(r.name).pathname, encoded: r.encodedBodySize, transfer: r.transferSize })),
  }));
}

async function once(browser, base, pageName, state) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await throttle(context, page);
  await page.addInitScript(MARKS);
  const url = `${base}${PAGES[pageName]}`;
  const finished = state === 'finished';
  await seek(base, STATES[state]);
  const cold = await visit(page, url, finished);
  await new Promise((r) => setTimeout(r, REPEAT_AFTER_MS));
  await seek(base, STATES[state]);
  const repeat = await visit(page, url, finished);
  await context.close();
  const row = (m) => ({ status_ms: m.status, table_ms: m.table ?? null, status_bytes: m.status_bytes });
  return { page: pageName, state, cold: row(cold), repeat: row(repeat), cold_bodies: cold.bodies };
}

/** The first-load files of the demo page and of the module, with their brotli-11 sizes. */
function firstLoad() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/split-manifest.json'), 'utf8'));
  const br = (file) => zlib.brotliCompressSync(readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return {
    demo: Object.fromEntries(manifest.first_load.map((f) => [`/${f}`, br(join(ROOT, 'dist', f))])),
    embed: Object.fromEntries(embedFiles(join(ROOT, 'examples/pkg')).firstLoad
      .map((f) => [`/embed/${f}`, br(join(ROOT, 'examples/pkg', f))])),
  };
}

if (!existsSync(join(ROOT, 'dist/split-manifest.json'))) throw new Error('dist/ is not a split build: run scripts/build-demo');
layout();
const mock = await startMock(BIN, ADDR, ['--static', SITE_DIR]);
const base = `http://${ADDR}`;
const browser = await launchChromium();
const runs = [];
try {
  for (let round = 1; round <= RUNS; round++) {
    for (const state of Object.keys(STATES)) {
      for (const pageName of Object.keys(PAGES)) {
        const run = { round, ...(await once(browser, base, pageName, state)) };
        runs.push(run);
        log(`round ${round}/${RUNS} ${state.padEnd(11)} ${pageName.padEnd(5)} cold ${run.cold.status_ms.toFixed(0)} ms ${run.cold.status_bytes} B, repeat ${run.repeat.status_ms.toFixed(0)} ms ${run.repeat.status_bytes} B`);
      }
    }
  }
} finally {
  await browser.close();
  mock.kill();
}

const summary = {};
for (const state of Object.keys(STATES)) {
  summary[state] = {};
  for (const pageName of Object.keys(PAGES)) {
    const mine = runs.filter((r) => r.state === state && r.page === pageName);
    const m = (visitName, key) => {
      const values = mine.map((r) => r[visitName][key]).filter((v) => typeof v === 'number');
      return values.length ? median(values) : null;
    };
    summary[state][pageName] = Object.fromEntries(['cold', 'repeat'].map((v) => [v, {
      status_ms: m(v, 'status_ms'), table_ms: m(v, 'table_ms'), status_bytes: m(v, 'status_bytes'),
    }]));
  }
}
const ratios = {};
for (const state of Object.keys(STATES)) {
  for (const pageName of WIDGET_PAGES) {
    for (const v of ['cold', 'repeat']) {
      ratios[`${state}_${pageName}_${v}`] = summary[state][pageName][v].status_ms / summary[state].plain[v].status_ms;
    }
  }
}
// The bodies as sent, against brotli 11 of the same files (the size bench's figure).
const expected = firstLoad();
const wire = {};
for (const pageName of ['demo', 'embed']) {
  const sample = runs.find((r) => r.page === pageName).cold_bodies;
  const sent = Object.keys(expected[pageName]).map((path) => sample.find((b) => b.path === path)?.encoded ?? null);
  const brotli = Object.values(expected[pageName]).reduce((a, b) => a + b, 0);
  const total = sent.every((s) => s !== null) ? sent.reduce((a, b) => a + b, 0) : null;
  wire[pageName] = { first_load_sent: total, first_load_brotli: brotli, ratio: total === null ? null : total / brotli };
}
writeFileSync(OUT, `${JSON.stringify({ settings: { ...THROTTLE, runs: RUNS, repeat_after_ms: REPEAT_AFTER_MS, query: QUERY }, summary, ratios, wire, runs }, null, 2)}\n`);
log('medians', JSON.stringify(summary), 'ratios', JSON.stringify(ratios), 'wire', JSON.stringify(wire));
