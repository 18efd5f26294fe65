// Soak: 20 widgets (via mount()) poll an import that never ends through
// `dataset-proxy serve` (whose upstream is `dataset-proxy mock`), until 10,000 polls; then
// checks that nothing grew: DOM node count, wasm memory and JS heap (after a forced GC),
// and the proxy's open files and memory.
// Run: scripts/soak  (needs scripts/build-embed output in examples/pkg)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, MEMORY_FLAGS, PORTS, ROOT, embedFiles, importPath, launchChromium, mockCounts, startMock, waitForUrl } from '../tests/support/stack.mjs';

const POLLS = Number(process.env.SOAK_POLLS ?? 10000);
const WIDGETS = Number(process.env.SOAK_WIDGETS ?? 20);
const MOCK_ADDR = PORTS.soakMock;
const PROXY_ADDR = PORTS.soakProxy;
const MOCK = `http://${MOCK_ADDR}`;
const BASE = `http://${PROXY_ADDR}`;
const BIN = join(ROOT, 'target/debug/dataset-proxy');
const DATASET = DEMO.ENDLESS;
const IMPORT = DEMO.ENDLESS_IMPORT;
const MB = 1024 * 1024;

const mock = await startMock(BIN, MOCK_ADDR);
const proxy = spawn(BIN, ['serve', '--listen', PROXY_ADDR, '--upstream', MOCK, '--static', join(ROOT, 'examples'),
  '--rate-per-minute', '1000000', '--rate-burst', '100000',
  // Every poll goes up (only polls that overlap are shared), so the mock counts them all.
  '--cache-ttl', '0'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PROLIFIC_TOKEN: 'soak-test-token', RUST_LOG: 'warn' },
});
const procStats = () => ({
  fds: readdirSync(`/proc/${proxy.pid}/fd`).length,
  rssKb: Number(readFileSync(`/proc/${proxy.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]),
});
const polls = async () => {
  const counts = await mockCounts(MOCK);
  return counts[importPath(DATASET, IMPORT)] ?? 0;
};

let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

try {
  await waitForUrl(`${BASE}/index.html`);
  const browser = await launchChromium(MEMORY_FLAGS);
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${BASE}/index.html`);
  await page.evaluate(async ({ widgets, dataset, importId, glue }) => {
    const mod = await import(`./pkg/${glue}`);
    window.__wasm = await mod.default();
    window.__handles = [];
    for (let k = 0; k < widgets; k++) {
      const el = document.createElement('div');
      document.body.append(el);
      window.__handles.push(mod.mount(el, { datasetId: dataset, importId, pollInterval: 500 }));
    }
  }, { widgets: WIDGETS, dataset: DATASET, importId: IMPORT, glue: embedFiles(join(ROOT, 'examples/pkg')).glue });

  const measure = async () => {
    const page_ = await page.evaluate(() => {
      window.gc();
      window.gc();
      return {
        nodes: document.getElementsByTagName('*').length,
        wasm: window.__wasm.memory.buffer.byteLength,
        heap: performance.memory.usedJSHeapSize,
        panics: document.querySelectorAll('.pdm-panic').length,
      };
    });
    return { ...page_, ...procStats(), polls: await polls() };
  };

  const waitFor = async (n) => {
    const started = Date.now();
    let last = 0;
    while ((last = await polls()) < n) {
      if (Date.now() - started > 30 * 60 * 1000) throw new Error(`stuck at ${last} polls`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  };

  const t0 = Date.now();
  await waitFor(50);
  const first = await measure();
  await waitFor(1000);
  const middle = await measure();
  await waitFor(POLLS);
  const last = await measure();
  const seconds = Math.round((Date.now() - t0) / 1000);

  console.log(`\n${WIDGETS} widgets → dataset-proxy serve → mock, poll interval 500 ms, ${last.polls} polls in ${seconds} s\n`);
  console.log('| after | polls | DOM nodes | wasm memory | JS heap (after GC) | proxy open fds | proxy RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, m] of [['50 polls', first], ['1,000 polls', middle], [`${POLLS.toLocaleString('en')} polls`, last]]) {
    console.log(`| ${name} | ${m.polls} | ${m.nodes} | ${(m.wasm / MB).toFixed(2)} MiB | ${(m.heap / MB).toFixed(2)} MiB | ${m.fds} | ${(m.rssKb / 1024).toFixed(1)} MiB |`);
  }
  console.log('');
  check(last.nodes === first.nodes, `DOM node count constant (${first.nodes} → ${last.nodes})`);
  check(last.wasm - first.wasm <= MB, `wasm memory growth ≤ 1 MiB (${last.wasm - first.wasm} B)`);
  check(last.heap - first.heap <= MB, `JS heap growth after GC ≤ 1 MiB (${last.heap - first.heap} B)`);
  check(last.fds <= first.fds + 4, `proxy open fds steady (${first.fds} → ${last.fds})`);
  check(last.rssKb - middle.rssKb <= 4096, `proxy RSS steady after warm-up (${middle.rssKb} → ${last.rssKb} KiB)`);
  check(last.panics === 0, 'no panic notice');
  check(problems.length === 0, `no console error (${problems.slice(0, 3).join(' | ')})`);
  await browser.close();
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  proxy.kill();
  mock.kill();
}
process.exit(failed ? 1 : 0);
