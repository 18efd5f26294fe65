#!/usr/bin/env node
// What a person waits for (issue #28): the time from navigation to the live status badge
// painted, and to the rejected-records table painted, for an import shared by URL, on a
// slow machine and network: headless Chromium with the CPU throttled 4× and the network
// at 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (Chrome DevTools Protocol). Three
// pages, each opened cold in a fresh browser context, interleaved round by round, medians
// reported:
//   - demo:  the standalone page (dist/, scripts/build-demo: split into chunks),
//            `?dataset_id=…&import_id=…`;
//   - unsplit: the same page built whole by Trunk (`SPLIT=0 scripts/build-demo
//            target/bench/unsplit-dist`, which scripts/bench runs), as /unsplit.html; left
//            out when that directory is missing;
//   - embed: a page that embeds the module with mount() (examples/pkg, scripts/build-embed);
//   - embed_hints: embed.html with the two preload hints docs/embedding.md gives, put in
//            by the server below (`EMBED_HINTS`);
//   - plain: a hand-written page that fetches the two endpoints and paints the same badge
//            and first page of rows (bench/pages/first-view/plain.html).
// The status is the live badge (`[role=status] [data-import-status]`; the dataset's list of
// imports has badges too, painted before it). The pages come from a small server that sends every file brotli-compressed (quality 11,
// as a deployment's Caddy or CDN would) and passes /api to `dataset-proxy mock`. "Painted"
// is the second animation frame after the element (its DOM hook) appears, in the page or
// in a shadow root; the bytes are those the page had received by then.
//
//   node bench/first-view.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (target/server/dataset-proxy), BENCH_FIRST_VIEW_RUNS (7),
// BENCH_FIRST_VIEW_{MOCK,SITE}_ADDR (127.0.0.1:18973, :18974), CHROMIUM.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join, relative } from 'node:path';
import zlib from 'node:zlib';

import { DEMO, PORTS, ROOT, launchChromium, startMock } from '../tests/support/stack.mjs';
import { MARKS, THROTTLE, throttle } from './marks.mjs';
import { median } from './stats.mjs';

const OUT = process.argv[2] ?? join(ROOT, 'target/bench/first-view.json');
const BIN = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/server/dataset-proxy');
const RUNS = Number(process.env.BENCH_FIRST_VIEW_RUNS ?? 7);
const MOCK = PORTS.benchFirstViewMock;
const SITE = PORTS.benchFirstViewSite;
const QUERY = `?dataset_id=${DEMO.V4_MAIN}&import_id=${DEMO.REFERENCE_IMPORT}`;
const UNSPLIT = join(ROOT, 'target/bench/unsplit-dist');
const TARGETS = {
  demo: `/${QUERY}`,
  ...(existsSync(UNSPLIT) ? { unsplit: `/unsplit.html${QUERY}` } : {}),
  embed: `/embed.html${QUERY}`,
  embed_hints: `/embed-hints.html${QUERY}`,
  plain: `/plain.html${QUERY}`,
};
const log = (...a) => console.error('[first-view]', ...a);
/** docs/embedding.md's "Load it sooner", for the module as this bench serves it. */
const EMBED_HINTS = ['./embed/prolific-dataset-monitor.js']
  .map((href) => `<link rel="modulepreload" href="${href}">`).join('\n  ');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.ts': 'text/plain',
};

/** Every file under `dir`, as URL path → {type, brotli}, mounted under `prefix`. */
function files(top, prefix, into, dir = top) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      files(top, prefix, into, path);
      continue;
    }
    const body = readFileSync(path);
    into.set(`${prefix}${relative(top, path)}`, {
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      brotli: brotli(body),
    });
  }
  return into;
}

function brotli(body) {
  return zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
}

function site() {
  const table = new Map();
  // Trunk's page names its files with their hashes, at the root like the split page's:
  // they share the root, and its index.html is /unsplit.html.
  if (TARGETS.unsplit) {
    files(UNSPLIT, '/', table);
    table.set('/unsplit.html', table.get('/index.html'));
  }
  files(join(ROOT, 'dist'), '/', table);
  files(join(ROOT, 'examples/pkg'), '/embed/', table);
  files(join(ROOT, 'bench/pages/first-view'), '/', table);
  const embed = readFileSync(join(ROOT, 'bench/pages/first-view/embed.html'), 'utf8');
  const icon = '<link rel="icon" href="data:,">';
  if (!embed.includes(icon)) throw new Error(`embed.html has no ${icon} to put the hints after`);
  table.set('/embed-hints.html', { type: TYPES['.html'], brotli: brotli(embed.replace(icon, `${icon}\n  ${EMBED_HINTS}`)) });
  const [mockHost, mockPort] = MOCK.split(':');
  const server = http.createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path.startsWith('/api/')) {
      const upstream = http.request({ host: mockHost, port: Number(mockPort), path: request.url, headers: { accept: 'application/json' } }, (answer) => {
        response.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] ?? 'application/json', 'cache-control': 'no-store' });
        answer.pipe(response);
      });
      upstream.on('error', () => { response.writeHead(502); response.end(); });
      upstream.end();
      return;
    }
    const file = table.get(path === '/' ? '/index.html' : path);
    if (!file) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'content-encoding': 'br', 'cache-control': 'no-store' });
    response.end(file.brotli);
  });
  const [host, port] = SITE.split(':');
  return new Promise((resolve) => server.listen(Number(port), host, () => resolve(server)));
}

async function once(browser, target) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await throttle(context, page, { cacheDisabled: true });
  await page.addInitScript(MARKS);
  await page.goto(`http://${SITE}${TARGETS[target]}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof window.__firstView?.status === 'number'
    && typeof window.__firstView?.table === 'number', null, { timeout: 120_000, polling: 100 });
  const marks = await page.evaluate(() => window.__firstView);
  await context.close();
  return { target, status_ms: marks.status, table_ms: marks.table, status_bytes: marks.status_bytes };
}

const mock = await startMock(BIN, MOCK);
const server = await site();
const browser = await launchChromium();
const runs = [];
try {
  for (let round = 1; round <= RUNS; round++) {
    for (const target of Object.keys(TARGETS)) {
      const run = { round, ...(await once(browser, target)) };
      runs.push(run);
      log(`round ${round}/${RUNS} ${target.padEnd(11)} status ${run.status_ms.toFixed(0)} ms, table ${run.table_ms.toFixed(0)} ms, ${run.status_bytes} B before the status`);
    }
  }
} finally {
  await browser.close();
  server.close();
  mock.kill();
}
const summary = {};
for (const target of Object.keys(TARGETS)) {
  const mine = runs.filter((r) => r.target === target);
  summary[target] = {
    status_ms: median(mine.map((r) => r.status_ms)),
    table_ms: median(mine.map((r) => r.table_ms)),
    status_bytes: median(mine.map((r) => r.status_bytes)),
  };
}
const ratio = (a, b) => a / b;
const ratios = {};
for (const target of Object.keys(TARGETS).filter((t) => t !== 'plain')) {
  ratios[`${target}_status`] = ratio(summary[target].status_ms, summary.plain.status_ms);
  ratios[`${target}_table`] = ratio(summary[target].table_ms, summary.plain.table_ms);
}
writeFileSync(OUT, `${JSON.stringify({ settings: { ...THROTTLE, runs: RUNS, query: QUERY }, runs, summary, ratios }, null, 2)}\n`);
log('medians', JSON.stringify(summary), 'ratios', JSON.stringify(ratios));
