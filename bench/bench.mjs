// Browser benchmarks (decode, render, polling, memory) in headless Chromium, each beside
// the alternative a user would pick instead, measured in the same run.
// Usage: node bench/bench.mjs OUT.json  (scripts/bench builds what it needs first)
// Env: BENCH_MEMORY_CYCLES (default 1000), BENCH_MEMORY_WIDGETS (default 10).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO, MEMORY_FLAGS, PORTS, ROOT, embedFiles, importPath, launchChromium, mockCounts as countsOf, resetMock as resetAt, startMock } from '../tests/support/stack.mjs';
import { median, mulberry32 } from './stats.mjs';

const OUT = process.argv[2] ?? join(ROOT, 'target/bench/browser.json');
const WORK = join(ROOT, 'target/bench');
const WWW = join(WORK, 'www');
const FIXTURES = join(WORK, 'fixtures');
const BIN = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/server/dataset-proxy');
const ADDR = PORTS.benchMock;
const BASE = `http://${ADDR}`;
const MEMORY_CYCLES = Number(process.env.BENCH_MEMORY_CYCLES ?? 1000);
const MEMORY_WIDGETS = Number(process.env.BENCH_MEMORY_WIDGETS ?? 10);
const SIZES = [1000, 10000];

const V4 = DEMO.V4_MAIN;
const LIFECYCLE = DEMO.LIFECYCLE_IMPORT;
const ENDLESS_DATASET = DEMO.ENDLESS;
const ENDLESS = DEMO.ENDLESS_IMPORT;
const SLOW = '50a50a50-0000-4000-8000-0000000000de';
const SLOW_DELAY_MS = 1600;
const POLL_MS = 500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[bench]', ...a);

// The shapes of scripts/make-demo-fixtures' rejected records (nulls, "_raw", empty reasons).
const REASONS = {
  prompt: ['Required field is missing', 'Text field exceeds maximum length (10000)', 'Value must be a string'],
  response_a: ['Required field is missing', 'Text field exceeds maximum length (10000)'],
  image: ['Not a valid URL', 'URL must use https'],
  annotator_note: ['Value must be a string'],
  group: ['Value must be a string or an integer'],
};
function bigImport(n) {
  const rnd = mulberry32(n);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const fields = Object.keys(REASONS);
  const errors = [];
  let index = 0;
  for (let k = 0; k < n; k++) {
    index += 1 + Math.floor(rnd() * 6);
    const roll = rnd();
    if (roll < 0.08) errors.push({ record_index: index, field: '_raw', reason: 'Malformed JSON in record' });
    else if (roll < 0.11) errors.push({ record_index: index, field: null, reason: 'Record has unknown keys: "extra"' });
    else if (roll < 0.13) errors.push({ record_index: null, field: pick(fields), reason: null });
    else { const f = pick(fields); errors.push({ record_index: index, field: f, reason: pick(REASONS[f]) }); }
  }
  return {
    dataset_id: V4, import_id: `b0000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'file_upload', filename: `big_${n}.jsonl`, status: 'partial',
    created_at: '2026-11-24T09:00:00Z', updated_at: '2026-11-24T09:10:00Z',
    processing_started_at: '2026-11-24T09:00:05Z', processed_offset: index * 400,
    accepted_count: index - n, rejected_count: n, duplicate_count: 0, written_count: index - n,
    reason: '', errors,
  };
}

function prepare() {
  rmSync(FIXTURES, { recursive: true, force: true });
  cpSync(join(ROOT, 'fixtures/demo'), FIXTURES, { recursive: true });
  const slow = {
    description: `bench: an endless import whose every answer takes ${SLOW_DELAY_MS} ms`,
    steps: [{ status: 200, delay_ms: SLOW_DELAY_MS, body: {
      dataset_id: ENDLESS_DATASET, import_id: SLOW, type: 'file_upload', status: 'processing',
      created_at: '2026-11-24T07:00:00Z', updated_at: '2026-11-24T07:00:00Z' } }],
  };
  writeFileSync(join(FIXTURES, `datasets/${ENDLESS_DATASET}/imports/${SLOW}.json`), JSON.stringify(slow));
  mkdirSync(join(WWW, 'data'), { recursive: true });
  cpSync(join(ROOT, 'bench/pages'), WWW, { recursive: true });
  const bytes = {};
  for (const n of SIZES) {
    const text = JSON.stringify(bigImport(n));
    writeFileSync(join(WWW, `data/import-${n}.json`), text);
    bytes[n] = Buffer.byteLength(text);
  }
  return bytes;
}

function launch(extraArgs = []) {
  return launchChromium([...MEMORY_FLAGS, ...extraArgs]);
}

async function openPage(browser, { netTrack = false } = {}) {
  const page = await browser.newPage();
  // The page's figures are summed up the same way as the rest.
  await page.addInitScript(`window.median = ${median.toString()};`);
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  if (netTrack) {
    // Counts API requests per path, and the largest number unanswered at once, by wrapping
    // fetch (gloo-net looks `window.fetch` up at each call).
    await page.addInitScript(() => {
      // In flight is counted per path: the widget may ask for the dataset and the import
      // at the same moment, but never twice for the same thing.
      const net = { inFlight: {}, maxInFlight: 0, started: {}, hiddenStarted: 0, hidden: false };
      window.__net = net;
      const original = window.fetch;
      window.fetch = function (input, init) {
        const url = new URL(typeof input === 'string' ? input : input.url, location.href);
        const path = url.pathname;
        if (!path.startsWith('/api/')) return original.call(this, input, init);
        net.started[path] = (net.started[path] ?? 0) + 1;
        if (net.hidden) net.hiddenStarted += 1;
        net.inFlight[path] = (net.inFlight[path] ?? 0) + 1;
        net.maxInFlight = Math.max(net.maxInFlight, net.inFlight[path]);
        const p = original.call(this, input, init);
        p.then((r) => r.clone().arrayBuffer()).catch(() => {}).finally(() => { net.inFlight[path] -= 1; });
        return p;
      };
      window.__setHidden = (hidden) => {
        net.hidden = hidden;
        if (hidden) Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        else delete document.hidden;
        if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        else delete document.visibilityState;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
  }
  await page.goto(`${BASE}/index.html`);
  page.problems = problems;
  return page;
}

// Decode: the widget's path and its alternatives against JSON.parse of the same text.
async function decodeBench(page) {
  return page.evaluate(async (sizes) => {
    const h = await import('./harness/bench_harness.js');
    await h.default({ module_or_path: new URL('./harness/bench_harness_bg.wasm', location.href) });
    const out = {};
    for (const n of sizes) {
      const text = await (await fetch(`./data/import-${n}.json`)).text();
      const bytes = new TextEncoder().encode(text);
      const cases = {
        json_parse: () => JSON.parse(text).errors.length,
        widget: () => h.decode_widget(bytes),
        serde_json_text_path: () => h.decode_text_with_path(text),
        serde_json_bytes_path: () => h.decode_bytes_with_path(bytes),
        json_parse_serde_wasm_bindgen: () => h.decode_js_value(JSON.parse(text)),
      };
      // Enough iterations per sample that the 0.1 ms timer resolution does not matter.
      const inner = n >= 10000 ? 3 : 20;
      const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
      for (const f of Object.values(cases)) if (f() !== n) throw new Error('decoded the wrong count');
      for (let round = 0; round < 11; round++) {
        const names = Object.keys(cases);
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length];
          window.gc();
          const t0 = performance.now();
          for (let i = 0; i < inner; i++) cases[name]();
          samples[name].push((performance.now() - t0) / inner);
        }
      }
      out[n] = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    }
    return out;
  }, SIZES);
}

// Render: from the JSON text to the table painted (after the next animation frame).
async function renderBench(page) {
  return page.evaluate(async (sizes) => {
    const h = await import('./harness/bench_harness.js');
    await h.default({ module_or_path: new URL('./harness/bench_harness_bg.wasm', location.href) });
    const plain = await import('./plain.js');
    const afterPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const countNodes = (root) => { let n = 0; const w = document.createTreeWalker(root, NodeFilter.SHOW_ALL); while (w.nextNode()) n++; return n; };
    // The widget gets the response bytes (what it reads); plain JS gets the text, so its
    // UTF-8 decoding is not even counted against it.
    const renderers = {
      widget: (host, text, bytes) => h.render_import(host, bytes),
      plain_window: (host, text) => plain.renderWindow(host, text),
      plain_all_rows: (host, text) => plain.renderAllRows(host, text),
    };
    const out = { render: {}, interaction: {} };
    for (const n of sizes) {
      const text = await (await fetch(`./data/import-${n}.json`)).text();
      const bytes = new TextEncoder().encode(text);
      const samples = Object.fromEntries(Object.keys(renderers).map((k) => [k, { script: [], paint: [] }]));
      const facts = {};
      for (let round = 0; round < (n >= 10000 ? 9 : 15); round++) {
        const names = Object.keys(renderers);
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length];
          const host = document.createElement('div');
          document.body.append(host);
          window.gc();
          await afterPaint();
          const t0 = performance.now();
          const handle = renderers[name](host, text, bytes);
          const t1 = performance.now();
          await afterPaint();
          const t2 = performance.now();
          samples[name].script.push(t1 - t0);
          samples[name].paint.push(t2 - t0);
          facts[name] = { nodes: countNodes(host), rows: host.querySelectorAll('tbody tr').length };
          handle?.free();
          host.remove();
        }
      }
      out.render[n] = Object.fromEntries(Object.entries(samples).map(([k, v]) =>
        [k, { script_ms: median(v.script), paint_ms: median(v.paint), ...facts[k] }]));
    }

    // Filter and sort over the largest import, in the widget's own table.
    const n = sizes[sizes.length - 1];
    const text = await (await fetch(`./data/import-${n}.json`)).text();
    const host = document.createElement('div');
    document.body.append(host);
    const handle = h.render_import(host, new TextEncoder().encode(text));
    await afterPaint();
    const status = () => host.querySelector('[data-page-status]').textContent;
    const time = async (act) => { const before = status(); const t0 = performance.now(); act(); await afterPaint(); return { ms: performance.now() - t0, before, after: status() }; };
    const input = host.querySelector('input.pdm-filter');
    const filter = [];
    for (let round = 0; round < 5; round++) {
      for (const term of ['prompt', 'Required', '_raw', '12', '']) {
        filter.push(await time(() => { input.value = term; input.dispatchEvent(new Event('input', { bubbles: true })); }));
      }
    }
    const [byRecord, byField] = host.querySelectorAll('button.pdm-sort');
    const sort = [];
    for (let round = 0; round < 5; round++) {
      for (const button of [byField, byField, byRecord, byRecord]) {
        const firstRow = () => host.querySelector('tbody tr')?.dataset.row;
        const before = firstRow();
        const r = await time(() => button.click());
        sort.push({ ...r, changed: firstRow() !== before });
      }
    }
    handle.free();
    host.remove();
    out.interaction = {
      errors: n,
      filter_ms: median(filter.map((f) => f.ms)),
      filter_max_ms: Math.max(...filter.map((f) => f.ms)),
      filter_changed: filter.filter((f) => f.before !== f.after).length,
      filter_count: filter.length,
      sort_ms: median(sort.map((s) => s.ms)),
      sort_max_ms: Math.max(...sort.map((s) => s.ms)),
      sort_changed: sort.filter((s) => s.changed).length,
      sort_count: sort.length,
    };
    return out;
  }, SIZES);
}

const mockCounts = () => countsOf(BASE);
const resetMock = () => resetAt(BASE);

// Starts the widget (via mount()) or the naive poller on a fresh page.
async function startPoller(browser, kind, dataset, importId) {
  const page = await openPage(browser, { netTrack: true });
  await page.evaluate(async ({ kind, dataset, importId, poll, glue }) => {
    window.__finished = null;
    if (kind === 'widget') {
      const mod = await import(`./embed/${glue}`);
      await mod.default();
      const el = document.createElement('div');
      document.body.append(el);
      el.addEventListener('import-finished', () => { window.__finished ??= performance.now(); });
      window.__stop = () => window.__handle.unmount();
      window.__handle = mod.mount(el, { datasetId: dataset, importId, pollInterval: poll });
    } else {
      const plain = await import('./plain.js');
      window.__stop = plain.naivePoller(`/api/v1/data-collection/datasets/${dataset}/imports/${importId}`, poll);
    }
  }, { kind, dataset, importId, poll: POLL_MS, glue: embedFiles(join(WWW, 'embed')).glue });
  return page;
}

async function pollingBench(browser) {
  const path = importPath(V4, LIFECYCLE);
  const steps = 9;
  const out = {};
  for (const kind of ['widget', 'naive']) {
    const r = {};
    // A lifecycle of `steps` answers: requests made, and any after the final status.
    await resetMock();
    let page = await startPoller(browser, kind, V4, LIFECYCLE);
    const started = Date.now();
    while (((await mockCounts())[path] ?? 0) < steps && Date.now() - started < 60000) await sleep(100);
    await sleep(300);
    const atFinal = (await mockCounts())[path] ?? 0;
    await sleep(5000);
    r.steps = steps;
    r.requests_to_final = Math.min(atFinal, steps);
    r.after_final = ((await mockCounts())[path] ?? 0) - steps;
    r.max_in_flight_lifecycle = await page.evaluate(() => window.__net.maxInFlight);
    await page.close();

    // Hidden page: 5 s hidden after two polls of an endless import, then visible again.
    await resetMock();
    page = await startPoller(browser, kind, ENDLESS_DATASET, ENDLESS);
    const endless = importPath(ENDLESS_DATASET, ENDLESS);
    while (((await mockCounts())[endless] ?? 0) < 2) await sleep(50);
    await page.evaluate(() => window.__setHidden(true));
    await sleep(5000);
    r.hidden_seconds = 5;
    r.while_hidden = await page.evaluate(() => window.__net.hiddenStarted);
    const before = (await mockCounts())[endless] ?? 0;
    const shown = Date.now();
    await page.evaluate(() => window.__setHidden(false));
    while (((await mockCounts())[endless] ?? 0) === before && Date.now() - shown < 10000) await sleep(20);
    r.resume_ms = Date.now() - shown;
    await page.evaluate(() => window.__stop());
    await page.close();

    // Slow answers (each takes SLOW_DELAY_MS, longer than the interval): requests at once.
    await resetMock();
    page = await startPoller(browser, kind, ENDLESS_DATASET, SLOW);
    await sleep(8000);
    r.slow_answer_ms = SLOW_DELAY_MS;
    r.slow_requests_8s = await page.evaluate((p) => window.__net.started[p] ?? 0, importPath(ENDLESS_DATASET, SLOW));
    r.max_in_flight_slow = await page.evaluate(() => window.__net.maxInFlight);
    await page.evaluate(() => window.__stop());
    await page.close();
    out[kind] = r;
    log('polling', kind, JSON.stringify(r));
  }
  return out;
}

// Memory: wasm memory, JS heap (after forced GC) and DOM nodes after 50 and after
// MEMORY_CYCLES poll cycles of MEMORY_WIDGETS widgets on an endless import.
async function memoryBench(browser) {
  await resetMock();
  const page = await openPage(browser);
  await page.evaluate(async ({ widgets, dataset, importId, poll, glue }) => {
    const mod = await import(`./embed/${glue}`);
    window.__wasm = await mod.default();
    for (let k = 0; k < widgets; k++) {
      const el = document.createElement('div');
      document.body.append(el);
      mod.mount(el, { datasetId: dataset, importId, pollInterval: poll });
    }
  }, { widgets: MEMORY_WIDGETS, dataset: ENDLESS_DATASET, importId: ENDLESS, poll: POLL_MS, glue: embedFiles(join(WWW, 'embed')).glue });
  const path = importPath(ENDLESS_DATASET, ENDLESS);
  const cycles = async () => Math.floor(((await mockCounts())[path] ?? 0) / MEMORY_WIDGETS);
  const measure = async () => ({
    cycles: await cycles(),
    ...(await page.evaluate(() => {
      window.gc();
      window.gc();
      return {
        wasm_bytes: window.__wasm.memory.buffer.byteLength,
        heap_bytes: performance.memory.usedJSHeapSize,
        dom_nodes: document.getElementsByTagName('*').length,
      };
    })),
  });
  const waitFor = async (n) => {
    let last = -1;
    let since = Date.now();
    for (let now = await cycles(); now < n; now = await cycles()) {
      if (now !== last) [last, since] = [now, Date.now()];
      if (Date.now() - since > 30000) {
        const state = await page.evaluate(() => ({ visibility: document.visibilityState, text: document.body.innerText.slice(0, 2000) }));
        throw new Error(`polling stalled at ${now} cycles: ${JSON.stringify(state)} ${page.problems.join(' | ')}`);
      }
      await sleep(1000);
    }
  };
  const t0 = Date.now();
  await waitFor(50);
  const at50 = await measure();
  log('memory at 50', JSON.stringify(at50));
  await waitFor(MEMORY_CYCLES);
  const atEnd = await measure();
  log(`memory at ${MEMORY_CYCLES}`, JSON.stringify(atEnd));
  const problems = page.problems;
  await page.close();
  return { widgets: MEMORY_WIDGETS, interval_ms: POLL_MS, seconds: Math.round((Date.now() - t0) / 1000), at50, atEnd, problems };
}

const bytes = prepare();
const mock = await startMock(BIN, ADDR, ['--fixtures', FIXTURES, '--static', WWW], { RUST_LOG: 'warn' });
const stop = () => mock.kill();
process.on('SIGINT', () => { stop(); process.exit(130); });
let failed = false;
try {
  const results = { bytes, chromium: '' };
  // Frames as soon as they are ready (no 60 Hz vsync), so "painted" is not rounded up.
  const only = process.env.BENCH_ONLY; // one of: speed, polling, memory (for development)
  let browser = await launch(['--disable-gpu-vsync', '--disable-frame-rate-limit']);
  results.chromium = browser.version();
  if (!only || only === 'speed') {
    const page = await openPage(browser);
    log('decode');
    results.decode = await decodeBench(page);
    log('render');
    Object.assign(results, await renderBench(page));
    results.problems = page.problems;
  }
  await browser.close();

  browser = await launch();
  if (!only || only === 'polling') {
    log('polling');
    results.polling = await pollingBench(browser);
  }
  if (!only || only === 'memory') {
    log(`memory (${MEMORY_CYCLES} cycles of ${MEMORY_WIDGETS} widgets every ${POLL_MS} ms)`);
    results.memory = await memoryBench(browser);
  }
  await browser.close();
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2));
  log('wrote', OUT);
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  stop();
}
process.exit(failed ? 1 : 0);
