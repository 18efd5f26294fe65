// Opening the uploaded file beside the rejected records, in headless Chromium: a 100 MB
// JSONL and a 100 MB CSV (with quoted line breaks), each with 10,000 rejected records,
// joined by the widget (the built demo, dist/) and read by a plain-JS line scanner (the
// same file, the same chunks via Blob.slice, `indexOf` for line ends, the wanted lines
// copied). Also: the longest main-thread task during the join (PerformanceObserver
// `longtask`) and how much the wasm memory grew (each round in a fresh page).
// Usage: node bench/upload.mjs OUT.json  (needs `scripts/build-demo` and the proxy)
// Env: BENCH_UPLOAD_MB (default 100), BENCH_UPLOAD_ROUNDS (default 3), BENCH_UPLOAD_ADDR.
import { cpSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { DEMO, PORTS, ROOT, launchChromium, startMock } from '../tests/support/stack.mjs';
import { median, mulberry32 } from './stats.mjs';

const OUT = process.argv[2] ?? join(ROOT, 'target/bench/upload.json');
const WORK = join(ROOT, 'target/bench/upload');
const BIN = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/server/dataset-proxy');
const ADDR = PORTS.benchUpload;
const MB = Number(process.env.BENCH_UPLOAD_MB ?? 100);
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);
const REJECTED = 10000;
const CHUNK = 2 * 1024 * 1024; // as src/ui/upload_panel.rs reads
const log = (...a) => console.error('[bench upload]', ...a);

/** Writes about MB megabytes of records; returns their count. */
async function writeFile(path, csv) {
  const out = createWriteStream(path);
  const rnd = mulberry32(csv ? 2 : 1);
  const target = MB * 1e6;
  let bytes = 0;
  let n = 0;
  const write = async (s) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  if (csv) await write('prompt,response_a,response_b,image,group\r\n');
  while (bytes < target) {
    const text = 'lorem ipsum dolor sit amet '.repeat(1 + Math.floor(rnd() * 6));
    if (csv) {
      const prompt = n % 5 === 0 ? `"Q${n}, in two lines:\n""quoted"", ${text}"` : `Q${n} ${text}`;
      await write(`${prompt},A${n} ${text},B${n},https://e.org/${n}.png,g${n % 40}\r\n`);
    } else {
      await write(`${JSON.stringify({ prompt: `Q${n} ${text}`, response_a: `A${n} ${text}`, response_b: `B${n}`, image: `https://e.org/${n}.png`, group: `g${n % 40}` })}\n`);
    }
    n++;
  }
  out.end();
  await once(out, 'finish');
  return { records: n, bytes };
}

function importFor(id, filename, records) {
  const rnd = mulberry32(records);
  const picked = new Set();
  while (picked.size < REJECTED) picked.add(Math.floor(rnd() * records));
  const errors = [...picked].sort((a, b) => a - b).map((i) => ({ record_index: i, field: 'prompt', reason: 'Text field exceeds maximum length (10000)' }));
  return {
    dataset_id: DEMO.V4_MAIN, import_id: id, type: 'file_upload', filename, status: 'partial',
    created_at: '2026-11-24T09:00:00Z', updated_at: '2026-11-24T09:10:00Z',
    accepted_count: records - REJECTED, rejected_count: REJECTED, duplicate_count: 0, reason: '', errors,
  };
}

/** In the page: the plain-JS line scanner over `file`, keeping the lines numbered in `wanted`. */
async function plainScan(page, selector, wanted) {
  return page.evaluate(async ({ selector, wanted, CHUNK }) => {
    const file = document.querySelector(selector).files[0];
    const want = new Set(wanted);
    const t0 = performance.now();
    const kept = [];
    let line = 0;
    let carry = null;
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
      let from = 0;
      for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, from)) {
        if (want.has(line)) kept.push(carry ? new Uint8Array([...carry, ...bytes.subarray(from, end)]) : bytes.slice(from, end));
        carry = null;
        line++;
        from = end + 1;
      }
      if (from < bytes.length && want.has(line)) carry = bytes.slice(from);
    }
    return { ms: performance.now() - t0, lines: line, kept: kept.length };
  }, { selector, wanted, CHUNK });
}

/** In the page: the widget's join of the file set on its input, timed from the input's
 *  change event to the joined summary appearing, with the long tasks in between. */
async function widgetJoin(page, path) {
  await page.evaluate(() => {
    window.__join = { longtasks: [] };
    window.__join.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__join.longtasks.push({ start: e.startTime, ms: e.duration });
    });
    window.__join.observer.observe({ type: 'longtask' });
    document.addEventListener('change', () => { window.__join.t0 = performance.now(); }, { capture: true, once: true });
    window.__join.done = new Promise((resolve) => {
      const mo = new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) {
          if (n.nodeType === 1 && (n.matches('[data-join=joined]') || n.querySelector('[data-join=joined]'))) {
            window.__join.t1 = performance.now();
            mo.disconnect();
            resolve();
            return;
          }
        }
      });
      mo.observe(document.body, { childList: true, subtree: true });
    });
  });
  await page.setInputFiles('[data-upload] input[type=file]', path);
  await page.waitForFunction(() => window.__join.t1 !== undefined, null, { timeout: 120000 });
  await page.waitForTimeout(200); // let the observer deliver the last entries
  return page.evaluate(() => {
    const { t0, t1, longtasks } = window.__join;
    window.__join.observer.disconnect();
    const during = longtasks.filter((t) => t.start + t.ms >= t0 && t.start <= t1);
    return {
      ms: t1 - t0,
      longest_task_ms: Math.max(0, ...during.map((t) => t.ms)),
      long_tasks: during.length,
      wasm_bytes: window.__wasm.memory.buffer.byteLength,
      joined: document.querySelector('[data-join=joined]').textContent,
    };
  });
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const fixtures = join(WORK, 'fixtures');
  cpSync(join(ROOT, 'fixtures/demo/datasets'), join(fixtures, 'datasets'), { recursive: true });
  const kinds = { jsonl: 'b1600000-0000-4000-8000-000000000001', csv: 'b1600000-0000-4000-8000-000000000002' };
  const files = {};
  for (const [kind, id] of Object.entries(kinds)) {
    const path = join(WORK, `big.${kind}`);
    log(`writing ${MB} MB of ${kind}`);
    const { records, bytes } = await writeFile(path, kind === 'csv');
    const job = importFor(id, `big.${kind}`, records);
    writeFileSync(join(fixtures, `datasets/${DEMO.V4_MAIN}/imports/${id}.json`), JSON.stringify(job));
    files[kind] = { path, records, bytes, id, wanted: job.errors.map((e) => e.record_index) };
  }
  const server = await startMock(BIN, ADDR, ['--fixtures', fixtures, '--static', join(ROOT, 'dist')]);
  const browser = await launchChromium();
  const results = { chromium: browser.version(), chunk_bytes: CHUNK, rounds: ROUNDS, rejected: REJECTED };
  try {
    for (const [kind, f] of Object.entries(files)) {
      // A fresh page per round: each join is the page's first (its wasm memory growth is
      // that of one join), and the plain scanner runs in the same page just before.
      const plain = [];
      const widget = [];
      for (let r = 0; r < ROUNDS; r++) {
        const page = await browser.newPage();
        await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
        await page.goto(`http://${ADDR}/?dataset_id=${DEMO.V4_MAIN}&import_id=${f.id}&poll_interval=600000`);
        await page.locator('table[data-error-table]').waitFor({ timeout: 30000 });
        await page.evaluate(() => {
          const input = document.createElement('input');
          input.type = 'file';
          input.id = 'bench-plain';
          input.hidden = true;
          document.body.append(input);
        });
        await page.setInputFiles('#bench-plain', f.path);
        const wasmBefore = await page.evaluate(() => window.__wasm.memory.buffer.byteLength);
        // CSV: the plain scanner keeps lines, not records; it is given the same wanted
        // numbers, so it copies as many lines as the widget keeps records.
        plain.push(await plainScan(page, '#bench-plain', f.wanted));
        const w = await widgetJoin(page, f.path);
        w.wasm_growth = w.wasm_bytes - wasmBefore;
        widget.push(w);
        log(kind, `round ${r + 1}: plain ${plain.at(-1).ms.toFixed(0)} ms, widget ${w.ms.toFixed(0)} ms, longest task ${w.longest_task_ms} ms, wasm growth ${w.wasm_growth} B`);
        await page.close();
      }
      results[kind] = {
        bytes: f.bytes,
        records: f.records,
        plain_ms: median(plain.map((x) => x.ms)),
        widget_ms: median(widget.map((x) => x.ms)),
        ratio: median(widget.map((x) => x.ms)) / median(plain.map((x) => x.ms)),
        longest_task_ms: Math.max(...widget.map((x) => x.longest_task_ms)),
        long_tasks: Math.max(...widget.map((x) => x.long_tasks)),
        wasm_growth_bytes: Math.max(...widget.map((x) => x.wasm_growth)),
        plain_lines: plain[0].lines,
        plain_kept: plain[0].kept,
        joined: widget[0].joined,
      };
      log(kind, JSON.stringify(results[kind]));
    }
  } finally {
    await browser.close();
    server.kill();
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2));
  rmSync(WORK, { recursive: true, force: true });
}

await main();
