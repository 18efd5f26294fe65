// Full-stack tests: the release demo (scripts/build-demo) and the embedding examples, served by
// `dataset-proxy mock`, driven in Debian's headless Chromium by Playwright (no browser
// download), with axe-core accessibility scans.
//
// Run by scripts/test after `scripts/build-demo` and `scripts/build-embed`:
//   node --test tests/e2e/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO as IDS, PORTS, ROOT, launchChromium, mockCounts, requireTool, resetMock, startMock } from '../support/stack.mjs';

const AXE = readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');

const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const DEMO_ADDR = PORTS.e2eDemo;
const EXAMPLES_ADDR = PORTS.e2eExamples;
const DEMO = `http://${DEMO_ADDR}`;
const EXAMPLES = `http://${EXAMPLES_ADDR}`;
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? join(ROOT, 'target/screenshots');

const V4 = IDS.V4_MAIN;
const LIFECYCLE = IDS.LIFECYCLE_IMPORT;
const V3_READY = IDS.V3_READY;
const V3_SEED = IDS.REFERENCE_V3;
const SLOW = IDS.SLOW;
const MISSING = IDS.UNKNOWN;

const servers = [];
let browser;

const reset = resetMock;
const counts = mockCounts;

/** A page that records console errors, uncaught exceptions and failed requests. */
async function openPage(url, { width = 1280, height = 900, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

function demoUrl(params) {
  return `${DEMO}/?${new URLSearchParams(params)}`;
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

before(async () => {
  servers.push(await startMock(PROXY, DEMO_ADDR, ['--static', join(ROOT, 'dist')]));
  servers.push(await startMock(PROXY, EXAMPLES_ADDR, ['--static', join(ROOT, 'examples')]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

describe('demo page', () => {
  test('follows the lifecycle to partial with no console error or panic', async () => {
    await reset(DEMO);
    const { page, problems, close } = await openPage(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    const seen = new Set();
    for (let i = 0; i < 200 && !seen.has('partial'); i++) {
      const s = await page.locator('[role=status] [data-import-status]').first().getAttribute('data-import-status').catch(() => null);
      if (s) seen.add(s);
      await page.waitForTimeout(50);
    }
    assert.deepEqual([...seen], ['uninitialised', 'queued', 'processing', 'partial']);
    await page.locator('table[data-error-table]').waitFor();
    assert.equal(await page.locator('table[data-error-table] tbody tr').count(), 50);
    await page.waitForTimeout(1500);
    const c = await counts(DEMO);
    assert.equal(c[`/api/v1/data-collection/datasets/${V4}/imports/${LIFECYCLE}`], 9);
    assert.doesNotMatch(await page.locator('body').innerText(), /panicked|RuntimeError|unreachable/);
    assert.deepEqual(problems, []);
    await close();
  });

  test('filters the error table and downloads the filtered CSV', async () => {
    await reset(DEMO);
    const { page, problems, close } = await openPage(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    await page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
    await page.locator('input.pdm-filter').fill('whole record');
    const status = await page.locator('[data-page-status]').innerText();
    const shown = Number(status.match(/of ([\d,]+)/)[1].replaceAll(',', ''));
    assert.ok(shown > 100 && shown < 3000, status);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download filtered (CSV)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `rejected-records-${V4}-${LIFECYCLE}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'record_index,field,reason');
    assert.equal(lines.length - 1, shown);
    assert.ok(lines.slice(1).every((l) => l.split(',')[1] === '_raw'), 'only whole-record rows');
    assert.deepEqual(problems, []);
    await close();
  });

  test('the table works from the keyboard alone', async () => {
    await reset(DEMO);
    const { page, close } = await openPage(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    await page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
    // The focused control, described by its tag, class and visible label.
    const focused = () => page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return 'BODY';
      return `${e.tagName} ${e.className} ${e.innerText.trim().slice(0, 40)}`;
    });
    // Tab from the top of the page to the filter.
    for (let i = 0; i < 80 && !(await focused()).includes('pdm-filter'); i++) await page.keyboard.press('Tab');
    assert.match(await focused(), /pdm-filter/);
    await page.keyboard.type('Malformed');
    await page.waitForTimeout(100);
    assert.match(await page.locator('[data-page-status]').innerText(), /of [\d,]+/);
    const filtered = await page.locator('[data-page-status]').innerText();
    // Tab to the "Record" sort button and press Enter: descending.
    const path = [`start: ${await focused()}`];
    for (let i = 0; i < 10 && !(await focused()).includes('Record'); i++) {
      await page.keyboard.press('Tab');
      path.push(await focused());
    }
    assert.match(await focused(), /Record/, path.join(' | '));
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('th[aria-sort=descending]').count(), 1, path.join(' | '));
    // Tab to "Next" and press Enter: page 2.
    for (let i = 0; i < 10 && !(await focused()).includes('Next'); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const second = await page.locator('[data-page-status]').innerText();
    assert.notEqual(second, filtered);
    assert.match(second, /page 2 of/);
    await close();
  });
});

describe('embedding examples', () => {
  test('two custom elements render side by side, follow attributes and stop when removed', async () => {
    await reset(EXAMPLES);
    const { page, problems, close } = await openPage(`${EXAMPLES}/side-by-side.html`);
    await page.locator('#v3 [data-dataset-version="3"]').waitFor();
    await page.locator('#v4 [data-dataset-version="4"]').waitFor();
    await page.locator('#v4 [role=status] [data-import-status="partial"]').waitFor({ timeout: 20000 });
    // The placeholder text is hidden once the widget renders.
    assert.equal(await page.locator('#v3').evaluate((e) => e.shadowRoot.querySelector('slot')), null);
    // Styled from outside through ::part().
    assert.notEqual(await page.locator('#v3').evaluate((e) => getComputedStyle(e.shadowRoot.querySelector('[part=root]')).boxShadow), 'none');
    // ...and through custom properties set on the host (`--pdm-radius: 10px`).
    assert.equal(await page.locator('#v3').evaluate((e) => getComputedStyle(e.shadowRoot.querySelector('[part=root]')).borderTopLeftRadius), '10px');
    // Properties mirror attributes; changing one re-renders.
    await page.locator('#v3').evaluate((e, id) => { e.datasetId = id; }, V3_READY);
    await page.locator('#v3 .pdm-title', { hasText: 'Sentiment labels (ready)' }).waitFor();
    assert.equal(await page.locator('#v3').getAttribute('dataset-id'), V3_READY);
    // Loading the module again does not throw.
    await page.evaluate(() => import('./pkg/prolific-dataset-monitor.js?again'));
    // Removing the element stops everything.
    await page.locator('#v4').evaluate((e, [importId, datasetId]) => { e.setAttribute('poll-interval', '500'); e.setAttribute('import-id', importId); e.setAttribute('dataset-id', datasetId); }, [IDS.PENDING_SCHEMA_IMPORT, IDS.NO_SCHEMA]);
    await page.locator('#v4 [role=status] [data-import-status="pending_schema"]').waitFor();
    await page.locator('#v4').evaluate((e) => e.remove());
    const before = JSON.stringify(await counts(EXAMPLES));
    await page.waitForTimeout(1500);
    assert.equal(JSON.stringify(await counts(EXAMPLES)), before);
    assert.deepEqual(problems, []);
    await close();
  });

  test('attributes changed many times a second cause no request storm', async () => {
    await reset(EXAMPLES);
    const { page, problems, close } = await openPage(`${EXAMPLES}/side-by-side.html`);
    await page.locator('#v3 [data-dataset-version="3"]').waitFor();
    await reset(EXAMPLES);
    // 100 changes, 5 ms apart, alternating between two datasets; then one more.
    await page.locator('#v3').evaluate(async (e, ids) => {
      for (let i = 0; i < 100; i++) {
        e.setAttribute('dataset-id', ids[i % 2]);
        e.setAttribute('poll-interval', String(i));
        await new Promise((r) => setTimeout(r, 5));
      }
      e.setAttribute('dataset-id', ids[0]);
    }, [V3_READY, V3_SEED]);
    await page.locator('#v3 .pdm-title', { hasText: 'Sentiment labels (ready)' }).waitFor();
    await page.waitForTimeout(1000);
    const c = await counts(EXAMPLES);
    const total = Object.entries(c).filter(([k]) => !k.includes('/imports/') && (k.endsWith(V3_READY) || k.endsWith(V3_SEED)))
      .reduce((n, [, v]) => n + v, 0);
    assert.ok(total <= 3, `requests during and after the burst: ${JSON.stringify(c)}`);
    assert.deepEqual(problems, []);
    await close();
  });

  test('the events page logs every status change', async () => {
    await reset(EXAMPLES);
    const { page, problems, close } = await openPage(`${EXAMPLES}/events.html`);
    await page.locator('#log', { hasText: 'import-finished' }).waitFor({ timeout: 20000 });
    const log = await page.locator('#log').innerText();
    assert.match(log, new RegExp(`import-status-change: ${LIFECYCLE} \\(first seen\\) → uninitialised`));
    assert.match(log, /queued → processing/);
    assert.match(log, /import-finished: .* processing → partial/);
    assert.deepEqual(problems, []);
    await close();
  });

  test('mount() renders, updates, unmounts and names a wrong option', async () => {
    await reset(EXAMPLES);
    const { page, problems, close } = await openPage(`${EXAMPLES}/mount.html`);
    await page.locator('#widget [data-dataset-version="4"]').waitFor();
    await page.locator('#widget table[data-error-table]').waitFor();
    assert.match(await page.locator('#problem').innerText(), /option `datasetId`: invalid type/);
    await page.getByRole('button', { name: 'Show the V3 dataset' }).click();
    await page.locator('#widget [data-dataset-version="3"]').waitFor();
    await page.getByRole('button', { name: 'Unmount' }).click();
    assert.equal(await page.locator('#widget').innerHTML(), '');
    const thrown = await page.evaluate(async () => {
      const { mount } = await import('./pkg/prolific-dataset-monitor.js');
      try { mount(document.body, {}); return 'no error'; } catch (e) { return e.message; }
    });
    assert.match(thrown, /missing field `datasetId`/);
    // NaN must not pass for "not given" (JSON would make it null).
    const nanAlert = await page.evaluate(async (datasetId) => {
      const { mount } = await import('./pkg/prolific-dataset-monitor.js');
      const el = document.createElement('div');
      document.body.append(el);
      const handle = mount(el, { datasetId, pollInterval: NaN });
      const text = el.querySelector('[role=alert]')?.textContent ?? 'no alert';
      handle.unmount();
      return text;
    }, V4);
    assert.match(nanAlert, /NaN/);
    assert.deepEqual(problems, []);
    await close();
  });
});

describe('accessibility (axe: wcag2a, wcag2aa, wcag21a, wcag21aa)', () => {
  const states = [
    ['loading', { dataset_id: SLOW }, '.pdm-skeleton'],
    ['V3 loaded', { dataset_id: V3_SEED }, '[data-dataset-version="3"]'],
    ['V4 with a running import', { dataset_id: V4, import_id: LIFECYCLE, poll_interval: 600000 }, '[role=status] [data-import-status="uninitialised"]'],
    ['partial with 3,000 errors', { dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }, 'table[data-error-table]'],
    ['API error', { dataset_id: MISSING }, '[role=alert]'],
    ['configuration error', { dataset_id: 'not-a-uuid' }, '[role=alert]'],
  ];
  // At 360 px too: the rejected records are cards there (their table parts made blocks).
  for (const [theme, width] of [['light', 1280], ['dark', 1280], ['light', 360], ['dark', 360]]) {
    for (const [name, params, ready] of states) {
      test(`${name}, ${theme}, ${width} px: no violations`, async () => {
        await reset(DEMO);
        const { page, problems, close } = await openPage(demoUrl({ ...params, theme }), { colorScheme: theme, width });
        await page.locator(ready).first().waitFor({ timeout: 20000 });
        assert.deepEqual(await axe(page), []);
        if (name !== 'loading') assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
        await close();
      });
    }
  }
});

describe('screenshots', () => {
  test('light and dark, desktop and 360 px', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const theme of ['light', 'dark']) {
      for (const [label, width, height] of [['desktop', 1280, 1400], ['mobile', 360, 1400]]) {
        await reset(DEMO);
        const { page, problems, close } = await openPage(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500, theme }), { width, height, colorScheme: theme });
        await page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
        // What the picture shows: the followed import at `partial`, polling over, the
        // V4 dataset and its rejected records, in the theme asked for.
        assert.equal(await page.locator('[role="status"] [data-import-status]').getAttribute('data-import-status'), 'partial');
        assert.equal(await page.locator('[data-dataset-version]').getAttribute('data-dataset-version'), '4');
        assert.equal(await page.locator('.pdm').getAttribute('data-theme'), theme);
        assert.ok((await page.locator('table[data-error-table] tbody tr').count()) > 0, 'rejected records listed');
        assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
        const file = join(SCREENSHOTS, `${label}-${theme}.png`);
        await page.screenshot({ path: file });
        await close();
        assert.ok(statSync(file).size > 1000, `${file} is empty`);
        assert.deepEqual([...readFileSync(file).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
      }
    }
  });
});
