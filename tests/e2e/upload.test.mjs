// The uploaded file beside the rejected records: the demo upload files
// (fixtures/demo/uploads, written by scripts/make-demo-fixtures.py) opened in the built
// demo with a file picker and by dropping, joined, expanded, exported byte for byte,
// refused when it cannot be the upload, cancelled mid-way; never a network request;
// axe-clean with a file open, light and dark.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO as IDS, PORTS, ROOT, launchChromium, requireTool, resetMock, startMock } from '../support/stack.mjs';

const AXE = readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');
const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const BASE = `http://${PORTS.e2eUpload}`;
const FIXTURES = join(ROOT, 'fixtures/demo');
const JSONL = join(FIXTURES, 'uploads/responses_batch_7.jsonl');
const CSV = join(FIXTURES, 'uploads/evening.csv');
const BUSY_CSV_IMPORT = IDS.BUSY_CSV_IMPORT;
const SCHEMA = ['prompt', 'response_a', 'response_b', 'image', 'clip', 'video', 'annotator_note', 'group'];

const lifecycle = JSON.parse(readFileSync(join(FIXTURES, `datasets/${IDS.V4_MAIN}/imports/${IDS.LIFECYCLE_IMPORT}.json`), 'utf8')).steps.at(-1).body;
const busy = JSON.parse(readFileSync(join(FIXTURES, `datasets/${IDS.BUSY}.json`), 'utf8')).steps.at(-1).body.imports
  .find((j) => j.import_id === BUSY_CSV_IMPORT);
const indices = (errors) => [...new Set(errors.map((e) => e.record_index).filter((i) => i != null))].sort((a, b) => a - b);
const fmt = (n) => n.toLocaleString('en');

// The files as latin1 text: one character per byte, so invalid UTF-8 compares byte for byte.
const jsonlLines = readFileSync(JSONL, 'latin1').split('\n').slice(0, -1);
const csvRows = readFileSync(CSV, 'latin1').split('\r\n').slice(0, -1);

let server;
let browser;
let work;

before(async () => {
  server = await startMock(PROXY, PORTS.e2eUpload, ['--static', join(ROOT, 'dist')]);
  browser = await launchChromium();
  work = mkdtempSync(join(tmpdir(), 'pdm-upload-'));
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The demo at `params`, with its rejected-records table shown; every http request the
 *  page makes from then on is in `requests`. */
async function openTable(params, { colorScheme = 'light' } = {}) {
  await resetMock(BASE);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${BASE}/?${new URLSearchParams(params)}`);
  if (params.import_id) {
    await page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
  } else {
    const row = page.locator(`tr[data-import-id="${BUSY_CSV_IMPORT}"]`);
    await row.locator('[data-import-status="partial"]').waitFor({ timeout: 20000 });
    await row.getByRole('button', { name: 'Details' }).click();
    await page.locator('table[data-error-table]').waitFor();
  }
  // The import is over: the widget has stopped polling (it fetches the dataset once more).
  await page.locator('[data-poll-state]', { hasText: 'no more checks' }).waitFor({ timeout: 20000 }).catch(() => {});
  await page.waitForTimeout(1200);
  const requests = [];
  page.on('request', (r) => /^https?:/.test(r.url()) && requests.push(r.url()));
  return { page, problems, requests, close: () => context.close() };
}

const lifecycleParams = (extra = {}) => ({ dataset_id: IDS.V4_MAIN, import_id: IDS.LIFECYCLE_IMPORT, poll_interval: 500, ...extra });

/** Filters the table to `text` and returns the first row. */
async function firstRowFor(page, text) {
  await page.locator('input.pdm-filter').fill(text);
  await page.waitForTimeout(100);
  return page.locator('table[data-error-table] tbody tr[data-row]').first();
}

describe('the uploaded file beside the rejected records', () => {
  test('JSONL chosen with the file picker: joined, line numbers, expansion, highlight, search, no request', async () => {
    const { page, problems, requests, close } = await openTable(lifecycleParams());
    const upload = page.locator('[data-upload]');
    await assert.doesNotReject(upload.getByText('Show the rejected records from your file').waitFor());
    assert.match(await upload.innerText(), /Choose “responses_batch_7\.jsonl” \(the uploaded file\)/);
    assert.match(await upload.innerText(), /read only by this browser: it is never uploaded or sent anywhere/);
    await page.setInputFiles('[data-upload] input[type=file]', JSONL);
    const joined = page.locator('[data-join=joined]');
    await joined.waitFor({ timeout: 20000 });
    const wanted = indices(lifecycle.errors);
    assert.equal(await joined.innerText(),
      `Showing “responses_batch_7.jsonl” (JSONL, 24,000 records): ${fmt(wanted.length)} of ${fmt(wanted.length)} rejected records found.`);
    assert.equal(await page.locator('[data-join=note]').count(), 0, 'same name and record count: no note');
    assert.deepEqual(await page.locator('table[data-error-table] thead th').allInnerTexts(),
      ['Record (0-based)', 'Line', 'Record in your file', 'Field', 'Reason']);

    // The first row: its line (1-based; no blank lines in this file) and its record.
    const first = page.locator('table[data-error-table] tbody tr[data-row]').first();
    const r0 = wanted[0];
    assert.equal(await first.locator('td').first().innerText(), String(r0));
    assert.equal(await first.locator('[data-line]').innerText(), fmt(r0 + 1));
    assert.ok(jsonlLines[r0].startsWith((await first.locator('[data-record] button').innerText()).replace(/…$/, '').slice(0, 40)));

    // A field error: the row expands to the fields, the error's field highlighted.
    const https = lifecycle.errors.find((e) => e.reason === 'URL must use https');
    let row = await firstRowFor(page, 'URL must use https');
    const httpsIndex = Number(await row.locator('td').first().innerText());
    const httpsError = lifecycle.errors.find((e) => e.record_index === httpsIndex);
    assert.equal(httpsError.reason, https.reason);
    await row.locator('[data-record] button').click();
    assert.equal(await row.locator('[data-record] button').getAttribute('aria-expanded'), 'true');
    const detail = page.locator(`tr[data-detail="${httpsIndex}"]`);
    const record = JSON.parse(jsonlLines[httpsIndex]);
    assert.deepEqual(await detail.locator('table.pdm-kv tbody th').allTextContents(),
      Object.keys(record).map((k) => (k === httpsError.field ? `${k} (the rejected field)` : k)));
    assert.equal(await detail.locator('tr[data-highlight]').count(), 1);
    assert.equal(await detail.locator('tr[data-highlight] td').innerText(), record[httpsError.field]);
    assert.match(record[httpsError.field], /^http:\/\//);
    await row.locator('[data-record] button').click();
    assert.equal(await detail.count(), 0, 'collapsed again');

    // A missing field: the finding is that the record lacks it.
    row = await firstRowFor(page, 'Required field is missing');
    const missingIndex = Number(await row.locator('td').first().innerText());
    const missing = lifecycle.errors.find((e) => e.record_index === missingIndex);
    await row.locator('[data-record] button').click();
    assert.equal(await page.locator(`tr[data-detail="${missingIndex}"] [data-finding]`).innerText(), `This record has no “${missing.field}” field.`);
    assert.ok(!(missing.field in JSON.parse(jsonlLines[missingIndex])));

    // A line that could not be parsed (`_raw`): its raw text, highlighted.
    row = await firstRowFor(page, 'Malformed JSON');
    const rawIndex = Number(await row.locator('td').first().innerText());
    await row.locator('[data-record] button').click();
    assert.equal(await page.locator(`tr[data-detail="${rawIndex}"] tr[data-highlight] th`).textContent(), 'whole line (could not be parsed) (the rejected field)');
    assert.equal(await page.locator(`tr[data-detail="${rawIndex}"] tr[data-highlight] td`).innerText(), jsonlLines[rawIndex]);

    // The filter searches the records' content too.
    await page.locator('input.pdm-filter').fill(`http://e.org/${httpsIndex}"`);
    await page.waitForTimeout(100);
    assert.deepEqual(await page.locator('table[data-error-table] tbody tr[data-row] td:first-child').allInnerTexts(), [String(httpsIndex)]);

    assert.deepEqual(requests, [], 'opening, joining and expanding made no network request');
    assert.deepEqual(problems, []);
    await close();
  });

  test('export: the rejected lines byte for byte, in file order, and the schema comparison', async () => {
    const { page, problems, requests, close } = await openTable(lifecycleParams());
    await page.setInputFiles('[data-upload] input[type=file]', JSONL);
    await page.locator('[data-join=joined]').waitFor({ timeout: 20000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export]').click()]);
    assert.equal(download.suggestedFilename(), 'responses_batch_7.rejected.jsonl');
    const expected = indices(lifecycle.errors).map((i) => `${jsonlLines[i]}\n`).join('');
    assert.ok(readFileSync(await download.path()).equals(Buffer.from(expected, 'latin1')), 'export = the rejected lines');

    // Missing and extra fields compared with the schema, for records rejected for them.
    const about = indices(lifecycle.errors.filter((e) => /missing|unknown/i.test(e.reason ?? '')));
    const missing = new Map();
    const extra = new Map();
    for (const i of about) {
      const keys = Object.keys(JSON.parse(jsonlLines[i]));
      for (const k of SCHEMA.filter((k) => !keys.includes(k))) missing.set(k, (missing.get(k) ?? 0) + 1);
      for (const k of keys.filter((k) => !SCHEMA.includes(k))) extra.set(k, (extra.get(k) ?? 0) + 1);
    }
    const list = (m) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} (${fmt(n)})`).join(', ');
    assert.equal(await page.locator('[data-join=schema-diff]').innerText(),
      `Compared with the schema, the ${fmt(about.length)} records rejected for a missing or unknown field lack ${list(missing)} and have fields not in it: ${list(extra)}.`);
    assert.deepEqual(requests, []);
    assert.deepEqual(problems, []);
    await close();
  });

  test('CSV dropped on the drop zone: header names as columns, editor lines across quoted newlines, export', async () => {
    const { page, problems, requests, close } = await openTable({ dataset_id: IDS.BUSY, poll_interval: 500 });
    const bytes = readFileSync(CSV).toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'evening.csv', { type: 'text/csv' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('[data-upload] .pdm-drop', 'drop', { dataTransfer });
    await page.locator('[data-join=joined]').waitFor({ timeout: 20000 });
    const wanted = indices(busy.errors);
    assert.match(await page.locator('[data-join=joined]').innerText(), new RegExp(`\\(CSV, 2,000 records\\): ${wanted.length} of ${wanted.length}`));
    assert.match(await page.locator('[data-join=csv-header]').innerText(), /first row is read as the header/);

    // Editor lines: where each row starts, counting the line breaks inside quotes.
    const starts = [];
    let line = 1;
    for (const r of csvRows) {
      starts.push(line);
      line += r.split('\n').length;
    }
    const rows = page.locator('table[data-error-table] tbody tr[data-row]');
    const n = await rows.count();
    let diverged = 0;
    for (let k = 0; k < n; k++) {
      const index = Number(await rows.nth(k).locator('td').first().innerText());
      if (Number.isNaN(index)) continue;
      const shown = Number((await rows.nth(k).locator('[data-line]').innerText()).replaceAll(',', ''));
      assert.equal(shown, starts[index + 1], `line of record ${index}`);
      if (shown !== index + 2) diverged++;
    }
    assert.ok(diverged > 0, 'quoted line breaks move the lines away from the record numbers');

    // Expanded: the header's names are the keys; the error's field is highlighted.
    const e = busy.errors.find((x) => x.record_index != null && SCHEMA.includes(x.field) && x.reason);
    const row = await firstRowFor(page, e.reason);
    const index = Number(await row.locator('td').first().innerText());
    const field = busy.errors.find((x) => x.record_index === index).field;
    await row.locator('[data-record] button').click();
    const keys = await page.locator(`tr[data-detail="${index}"] table.pdm-kv tbody th`).allTextContents();
    assert.deepEqual(keys.map((k) => k.replace(' (the rejected field)', '')), SCHEMA);
    assert.equal(await page.locator(`tr[data-detail="${index}"] tr[data-highlight] th`).textContent(), `${field} (the rejected field)`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export]').click()]);
    assert.equal(download.suggestedFilename(), 'evening.rejected.csv');
    const expected = [csvRows[0], ...wanted.map((i) => csvRows[i + 1])].map((r) => `${r}\r\n`).join('');
    assert.ok(readFileSync(await download.path()).equals(Buffer.from(expected, 'latin1')), 'export = header + rejected rows');
    assert.deepEqual(requests, []);
    assert.deepEqual(problems, []);
    await close();
  });

  test('a file too short to be the upload is refused and the table kept; another name or count is joined with a note', async () => {
    const { page, problems, close } = await openTable(lifecycleParams());
    await page.setInputFiles('[data-upload] input[type=file]', CSV);
    const alert = page.locator('[data-join-error][role=alert]');
    await alert.waitFor({ timeout: 20000 });
    const highest = Math.max(...indices(lifecycle.errors));
    assert.equal(await alert.innerText(),
      `“evening.csv” has 2,000 records, but the import rejected record ${fmt(highest)} (0-based): it cannot be the file that was uploaded. The table is unchanged.`);
    assert.equal(await page.locator('[data-join=joined]').count(), 0);
    assert.equal(await page.locator('table[data-error-table] thead th').count(), 3);
    assert.equal(await page.locator('table[data-error-table] tbody tr').count(), 50);

    const buffer = Buffer.concat([readFileSync(JSONL), Buffer.from('{"prompt":"one more"}\n')]);
    await page.setInputFiles('[data-upload] input[type=file]', { name: 'renamed.jsonl', mimeType: 'application/jsonl', buffer });
    await page.locator('[data-join=joined]').waitFor({ timeout: 20000 });
    assert.deepEqual(await page.locator('[data-join=note]').allInnerTexts(), [
      'This file is named “renamed.jsonl”, the uploaded one “responses_batch_7.jsonl”: joined anyway.',
      'This file has 24,001 records; the import read 24,000 (accepted + rejected): joined anyway, check that the rows match.',
    ]);
    assert.equal(await page.locator('[data-join-error]').count(), 0);
    assert.deepEqual(problems, []);
    await close();
  });

  test('Cancel stops reading a big file mid-way; nothing is joined', async () => {
    // About 290 MB of CSV (the demo CSV 1,500 times): reading it takes seconds.
    const big = join(work, 'evening.csv');
    const once = readFileSync(CSV);
    writeFileSync(big, Buffer.concat(Array.from({ length: 1500 }, () => once)));
    const { page, problems, requests, close } = await openTable(lifecycleParams());
    await page.setInputFiles('[data-upload] input[type=file]', big);
    await page.locator('[data-join-state=reading]').waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-join-state=cancelled]').waitFor();
    await page.waitForTimeout(3000);
    assert.equal(await page.locator('[data-join=joined]').count(), 0, 'nothing joined after Cancel');
    assert.equal(await page.locator('[data-join-state=reading]').count(), 0);
    assert.equal(await page.locator('table[data-error-table] thead th').count(), 3);
    assert.deepEqual(requests, []);
    assert.deepEqual(problems, []);
    await close();
    rmSync(big);
  });
});

describe('accessibility with a file open (axe: wcag2a, wcag2aa, wcag21a, wcag21aa)', () => {
  for (const theme of ['light', 'dark']) {
    test(`joined and one row expanded, ${theme}: no violations`, async () => {
      const { page, problems, close } = await openTable(lifecycleParams({ theme }), { colorScheme: theme });
      await page.setInputFiles('[data-upload] input[type=file]', JSONL);
      await page.locator('[data-join=joined]').waitFor({ timeout: 20000 });
      const row = await firstRowFor(page, 'URL must use https');
      await row.locator('[data-record] button').click();
      await page.locator('tr[data-highlight]').waitFor();
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, []);
      assert.deepEqual(problems, []);
      await close();
    });
  }
});
