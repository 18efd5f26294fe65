// The journeys a person takes through the widget, written once and run in each engine:
// Chromium, Firefox ESR and WebKitGTK (Safari's engine), over W3C WebDriver
// (tests/support/engines.mjs). ENGINE names the engine and ENGINE_LANGUAGE the browser's
// language (WebKitGTK reads it from LANG: `C.UTF-8`, the locale that once stopped the
// widget, is a run of its own). scripts/test runs this file once per engine and language.
//
// Served as in production: the release demo (dist/, split into chunks) and the embedding examples (with
// the module in examples/pkg/), each by `dataset-proxy mock --static`.
//
//   ENGINE=firefox GECKODRIVER=~/.cargo/geckodriver/bin/geckodriver node --test tests/engines/
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO as IDS, PORTS, ROOT, datasetPath, importPath, mockCounts, resetMock, startMock } from '../support/stack.mjs';
import { ENGINES, startEngine } from '../support/engines.mjs';

const ENGINE = process.env.ENGINE ?? 'chromium';
const LANGUAGE = process.env.ENGINE_LANGUAGE ?? 'en-US';
if (!ENGINES.includes(ENGINE)) throw new Error(`ENGINE must be one of ${ENGINES.join(', ')}`);
const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const DEMO = `http://${PORTS.enginesDemo}`;
const EXAMPLES = `http://${PORTS.enginesExamples}`;
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? join(ROOT, 'target/screenshots');
const JSONL = join(ROOT, 'fixtures/demo/uploads/responses_batch_7.jsonl');

const V4 = IDS.V4_MAIN;
const LIFECYCLE = IDS.LIFECYCLE_IMPORT;
const NAME = 'Preference pairs — November';
const PROLIFIC_URL = `https://app.prolific.com/researcher/workspaces/6278acb09062db3b35bcbeb0/ai-task-builder/datasets/${V4}/imports/${LIFECYCLE}`;
/** The widths every state is checked at: two phones, a tablet, a laptop. */
const WIDTHS = [320, 360, 768, 1280];
const NOTICE = /The dataset monitor stopped after an internal error\. Reload the page/;
/** More than a wasm32 address space: the allocator's request fails and aborts. */
const TOO_MUCH = 0xfffffff0;
/** Another page's wasm: `(module (func (export "boom") unreachable))`. */
const FOREIGN_WASM = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 98, 111, 111, 109, 0, 0,
  10, 5, 1, 3, 0, 0, 11];
/** Words that only a panic or a trap puts on the page. */
const BROKEN = /panicked|RuntimeError|unreachable|internal error/;

/** The split build's files (scripts/assemble-demo.mjs); none in an unsplit (Trunk) build. */
const SPLIT_MANIFEST = join(ROOT, 'dist/split-manifest.json');
const split = existsSync(SPLIT_MANIFEST) ? JSON.parse(readFileSync(SPLIT_MANIFEST, 'utf8')) : null;

const servers = [];
/** @type {import('../support/engines.mjs').Page} */
let page;

const demoUrl = (params) => `${DEMO}/?${new URLSearchParams(params)}`;
const label = `${ENGINE} (${LANGUAGE})`;

before(async () => {
  servers.push(await startMock(PROXY, PORTS.enginesDemo, ['--static', join(ROOT, 'dist')]));
  servers.push(await startMock(PROXY, PORTS.enginesExamples, ['--static', join(ROOT, 'examples')]));
  page = await startEngine(ENGINE, { language: LANGUAGE });
});

after(async () => {
  await page?.quit().catch(() => {});
  for (const s of servers) s.kill();
});

/** The text scripts/test looks for to list the browser's own crashes in its summary. */
const CRASH_MARK = 'browser crashed:';

/**
 * `test`, with one allowance made for the browser rather than the widget. WebKitGTK's page
 * process (WebProcess) has crashed at random here, in a different journey each time (once in
 * a cold CI run, once in a dozen runs by hand); the session goes with it, and without this
 * every later journey failed too (docs/development.md). When a journey fails and the session no
 * longer answers, a new browser is started and the journey runs once more: a second crash,
 * or any failure while the session is alive, fails it. Each crash is printed with
 * `CRASH_MARK`, which the test command's summary repeats, so none passes unseen.
 */
function test(name, ...rest) {
  const fn = rest.pop();
  const options = rest[0] ?? {};
  return nodeTest(name, options, async (t) => {
    try {
      await fn(t);
    } catch (error) {
      if (!page || (await page.alive())) throw error;
      t.diagnostic(`${CRASH_MARK} ${label}: the session ended in "${name}" (${String(error).split('\n')[0]}); once more in a new browser`);
      await page.quit().catch(() => {});
      page = await startEngine(ENGINE, { language: LANGUAGE });
      await fn(t);
    }
  });
}

/** The page has no trace of a panic or a trap. */
async function assertHealthy() {
  assert.equal(await page.count('.pdm-panic'), 0, `${label}: the trap notice is showing`);
  assert.doesNotMatch(await page.text('body'), BROKEN);
}

/** The status the live badge shows now. */
const liveStatus = (scope = '') =>
  page.attr(`${scope}[role=status] [data-import-status]`.trim(), 'data-import-status');

describe(`the widget in ${label}`, () => {
  test('starts in this language, and formats numbers as its Intl does (or the default where Intl refuses it)', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    await page.waitFor('table[data-error-table]');
    const { language, expected } = await page.js(() => {
      let format;
      try {
        format = new Intl.NumberFormat([navigator.language]);
      } catch {
        format = new Intl.NumberFormat();
      }
      return { language: navigator.language, expected: format.format(3000) };
    });
    if (LANGUAGE.startsWith('C')) assert.equal(language, 'C', 'WebKitGTK reports the C locale as "C"');
    else assert.equal(language.toLowerCase(), LANGUAGE.toLowerCase(), `${label}: the browser runs in the language asked for`);
    assert.match(await page.text('[data-page-status]'), new RegExp(`of ${expected.replace('.', '\\.')} `));
    await assertHealthy();
  });

  test('the front door checks an id, takes a pasted Prolific URL, watches, and Back returns to it', async () => {
    await resetMock(DEMO);
    await page.goto(`${DEMO}/`);
    await page.waitFor('form[data-front-door]');
    await page.fill('#pdm-door-dataset', IDS.V4_MAIN.slice(0, 8));
    await page.until('the hint', async () => /8-4-4-4-12/.test(await page.text('#pdm-door-dataset-hint')));
    assert.equal(await page.attr('#pdm-door-dataset', 'aria-invalid'), 'true');
    assert.equal(await page.count('[role=alert]'), 0, 'a typing mistake is no alert');
    await page.paste('#pdm-door-dataset', PROLIFIC_URL);
    await page.until('both fields filled', async () => (await page.value('#pdm-door-import')) === LIFECYCLE);
    assert.equal(await page.value('#pdm-door-dataset'), V4);
    await page.clickButton('Watch');
    await page.waitFor('[role=status] [data-import-status]');
    await page.until('the name', async () => (await page.text('.pdm-title')) === NAME);
    assert.equal((await page.search()).get('dataset_id'), V4);
    assert.equal((await page.search()).get('import_id'), LIFECYCLE);
    await page.driver.navigate().back();
    await page.waitFor('form[data-front-door]');
    assert.equal(await page.count('[data-dataset-version]'), 0);
    await assertHealthy();
  });

  test('the split page fetches each part when it is first shown, and each part works', { skip: !split && 'dist/ is not a split build' }, async () => {
    const fetched = () => page.inPage(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()));
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4 }));
    await page.waitFor('[data-dataset-version="4"]');
    const chunks = Object.values(split.chunks);
    assert.deepEqual((await fetched()).filter((f) => chunks.includes(f)), [], `${label}: no chunk for a dataset alone`);
    await page.goto(`${DEMO}/`);
    await page.waitFor('form[data-front-door]');
    assert.ok((await fetched()).includes(split.chunks.split_front_door), `${label}: the front door's chunk`);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 600000 }));
    await page.waitFor(`section.pdm-import[data-import-id="${LIFECYCLE}"]`);
    await page.until('"Notify me"', async () => /Notify me when it finishes/.test(await page.text('.pdm-live')));
    const seen = await fetched();
    for (const chunk of ['split_import_details', 'split_notify']) {
      assert.ok(seen.includes(split.chunks[chunk]), `${label}: ${chunk} was fetched: ${seen}`);
    }
    await assertHealthy();
  });

  test('the split page fetches each file of its first load once', { skip: !split && 'dist/ is not a split build' }, async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 600000 }));
    await page.waitFor('[role=status] [data-import-status]');
    const names = await page.inPage(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.slice(1)));
    const counts = Object.fromEntries(split.first_load.map((f) => [f, names.filter((n) => n === f).length]));
    // The wasm too: WebKit fetches a `<link rel="preload" as="fetch">` of it a second time.
    assert.deepEqual(counts, Object.fromEntries(Object.keys(counts).map((f) => [f, 1])), `${label}: ${names.join(', ')}`);
    await assertHealthy();
  });

  /** When each request of the page started and its response ended, by path. */
  const timings = () => page.inPage(() => performance.getEntriesByType('resource')
    .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })));

  test('the first API requests leave before the wasm has arrived, and each is asked once', async () => {
    await resetMock(DEMO);
    const ref = IDS.REFERENCE_IMPORT;
    await page.goto(demoUrl({ dataset_id: V4, import_id: ref, poll_interval: 600000 }));
    await page.waitFor('[role=status] [data-import-status="partial"]');
    await page.waitFor('[data-dataset-version="4"]');
    const entries = await timings();
    const wasm = entries.find((e) => e.path.endsWith('_bg.wasm'));
    const job = entries.find((e) => e.path === importPath(V4, ref));
    const dataset = entries.find((e) => e.path === datasetPath(V4));
    assert.ok(wasm && job && dataset, `${label}: ${JSON.stringify(entries)}`);
    // Asked no later than the wasm, so before its download ended. (Compared with the wasm's
    // start, not its end: a wasm the browser has cached can end within the same millisecond.)
    assert.ok(job.start <= wasm.start, `${label}: the import's request started at ${job.start} ms, the wasm at ${wasm.start} ms`);
    assert.ok(dataset.start <= wasm.start, `${label}: the dataset's request started at ${dataset.start} ms, the wasm at ${wasm.start} ms`);
    // The widget took the page's early requests for its first poll: none was asked twice.
    const counts = await mockCounts(DEMO);
    assert.equal(counts[importPath(V4, ref)], 1, `${label}: ${JSON.stringify(counts)}`);
    assert.equal(counts[datasetPath(V4)], 1, `${label}: ${JSON.stringify(counts)}`);
    await assertHealthy();
  });

  test('follows a V4 import through its lifecycle to partial, then stops polling', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    const seen = [];
    await page.until('partial', async () => {
      const status = await liveStatus().catch(() => null);
      if (status && seen.at(-1) !== status) seen.push(status);
      return status === 'partial';
    }, 30000);
    assert.deepEqual(seen.filter((s, i) => seen.indexOf(s) === i), ['uninitialised', 'queued', 'processing', 'partial'].filter((s) => seen.includes(s)));
    assert.equal(seen[0] === 'partial', false, `${label}: saw the import move (${seen})`);
    await page.waitFor('table[data-error-table]');
    assert.equal(await page.count('table[data-error-table] tbody tr'), 50);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await mockCounts(DEMO))[importPath(V4, LIFECYCLE)], 9, 'no poll after the end');
    await assertHealthy();
  });

  test('the rejected records: a shared URL restores filter, sort and page, and changes go back into it', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500, filter: 'whole record', sort: '-field', page: 2 }));
    await page.waitFor('table[data-error-table]');
    assert.equal(await page.value('input.pdm-filter'), 'whole record');
    assert.equal(await page.text('th[aria-sort="descending"]'), 'Field');
    assert.match(await page.text('[data-page-status]'), /^Rows 51.100 of .* \(page 2 of/);
    const fields = await page.texts('table[data-error-table] tbody tr td[data-label=Field]');
    assert.ok(fields.length > 0 && fields.every((f) => f.includes('whole record')), fields.join('|'));
    await page.fill('input.pdm-filter', 'Malformed');
    await page.until('the filter in the URL', async () => (await page.search()).get('filter') === 'Malformed', 5000);
    assert.equal((await page.search()).get('page'), null, 'a new filter starts at page 1');
    await page.clickButton('Record (0-based)');
    await page.until('the sort in the URL', async () => (await page.search()).get('sort') === null, 5000);
    await page.clickButton('Next');
    await page.until('the page in the URL', async () => (await page.search()).get('page') === '2', 5000);
    const status = await page.text('[data-page-status]');
    await page.driver.navigate().refresh();
    await page.waitFor('table[data-error-table]');
    await page.until('the same view after a reload', async () => (await page.text('[data-page-status]')) === status);
    assert.equal(await page.value('input.pdm-filter'), 'Malformed');
    await assertHealthy();
  });

  test('shows a V3 dataset', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: IDS.V3_READY }));
    await page.waitFor('[data-dataset-version="3"]');
    assert.equal(await page.attr('[data-dataset-status]', 'data-dataset-status'), 'READY');
    assert.equal(await page.text('.pdm-title'), 'Sentiment labels (ready)');
    await assertHealthy();
  });

  for (const [suffix, words] of [['503', 'HTTP 503'], ['0dc', 'closed before the whole answer arrived'], ['0e2', 'could not be read'], ['404', 'Not found']]) {
    test(`a fault (${words}) is an alert in the widget's own words, with the last good data kept`, async () => {
      await resetMock(DEMO);
      await page.goto(demoUrl({ dataset_id: `${IDS.FAULT_DRILL_PREFIX}${suffix}`, poll_interval: 500, request_timeout: 1000 }));
      await page.waitFor('[data-dataset-status="PROCESSING"]');
      await page.waitFor('[role=alert]');
      assert.match(await page.text('[role=alert]'), new RegExp(words));
      assert.equal(await page.count('[data-dataset-status="PROCESSING"]'), 1, 'the last good data stays');
      assert.match(await page.text('.pdm-stale-note'), /Showing data from/);
      await assertHealthy();
    });
  }

  test('the dark theme is dark', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: IDS.V3_READY, theme: 'dark' }));
    await page.waitFor('[data-dataset-version="3"]');
    assert.equal(await page.attr('.pdm', 'data-theme'), 'dark');
    const [bg, fg] = await page.js(() => {
      const style = getComputedStyle(document.querySelector('.pdm'));
      const luminance = (c) => {
        const [r, g, b] = c.match(/[\d.]+/g).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      return [luminance(style.backgroundColor), luminance(style.color)];
    });
    assert.ok(bg < 0.2 && fg > 0.7, `${label}: background ${bg}, text ${fg}`);
  });

  /** How many times each of the module's files was fetched by this page, by its name without
   * the build's hash: the entry, the glue, the chunk loader and the main wasm, and each chunk
   * (`dataset_monitor-split_import_details.wasm`) the page needed. */
  const moduleFetches = () => page.js(() => {
    const counts = { 'prolific-dataset-monitor.js': 0, 'dataset_monitor.js': 0, 'dataset_monitor-split.js': 0, 'dataset_monitor_bg.wasm': 0 };
    for (const entry of performance.getEntriesByType('resource')) {
      const name = new URL(entry.name).pathname.split('/').pop().replace(/^dataset_monitor-[0-9a-f]{16}/, 'dataset_monitor');
      if (name in counts || /^dataset_monitor-(split_\w+|chunk_\d+)\.wasm$/.test(name)) counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  });
  /** The module's four files fetched once each (no preload hint fetched a second time), and
   * each chunk the page needed at most once. */
  const assertOnceEach = (counts, where) => {
    const { 'prolific-dataset-monitor.js': entry, 'dataset_monitor.js': glue, 'dataset_monitor-split.js': loader, 'dataset_monitor_bg.wasm': wasm, ...chunks } = counts;
    assert.deepEqual({ entry, glue, loader, wasm }, { entry: 1, glue: 1, loader: 1, wasm: 1 }, `${label}: ${where}: ${JSON.stringify(counts)}`);
    for (const [chunk, n] of Object.entries(chunks)) assert.equal(n, 1, `${label}: ${where}: ${chunk} fetched ${n} times`);
    return chunks;
  };

  test('the embedding pages: two custom elements, the events log and mount()', async () => {
    await resetMock(EXAMPLES);
    await page.goto(`${EXAMPLES}/side-by-side.html`);
    await page.waitFor('#v3 >>> [data-dataset-version="3"]');
    await page.waitFor('#v4 >>> [role=status] [data-import-status="partial"]', 30000);
    // The preload hints of docs/embedding.md are used, not fetched a second time (a hint
    // whose mode differs from the module's own request is fetched twice).
    // The module is split as the demo page is: the import's details came in their own chunk.
    const chunks = assertOnceEach(await moduleFetches(), 'side-by-side.html');
    assert.ok('dataset_monitor-split_import_details.wasm' in chunks, `${label}: ${JSON.stringify(chunks)}`);
    assert.equal(await page.js(() => getComputedStyle(document.querySelector('#v3').shadowRoot.querySelector('[part=root]')).borderTopLeftRadius), '10px');
    await resetMock(EXAMPLES);
    await page.goto(`${EXAMPLES}/events.html`);
    await page.until('import-finished in the log', async () => /import-finished: .* processing → partial/.test(await page.text('#log')), 30000);
    // The module started the element's first API requests no later than its wasm (a wasm
    // cached by the page before can arrive within the same millisecond), and the widget took
    // them: the lifecycle's nine steps, one request each.
    const entries = await timings();
    const wasm = entries.find((e) => /\/dataset_monitor-[0-9a-f]{16}_bg\.wasm$/.test(e.path));
    const first = entries.find((e) => e.path === importPath(V4, LIFECYCLE));
    assert.ok(wasm && first && first.start <= wasm.start, `${label}: ${JSON.stringify([first, wasm])}`);
    assert.equal((await mockCounts(EXAMPLES))[importPath(V4, LIFECYCLE)], 9, `${label}: events.html`);
    await page.goto(`${EXAMPLES}/mount.html`);
    await page.waitFor('#widget [data-dataset-version="4"]');
    assertOnceEach(await moduleFetches(), 'mount.html');
    await page.clickButton('Show the V3 dataset');
    await page.waitFor('#widget [data-dataset-version="3"]');
    await page.clickButton('Unmount');
    assert.equal(await page.js(() => document.querySelector('#widget').innerHTML), '');
  });

  test('the uploaded file beside the rejected records, read in the browser only', async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }));
    await page.waitFor('table[data-error-table]');
    await page.waitFor('[data-upload] input[type=file]');
    const before = await mockCounts(DEMO);
    await page.chooseFile('[data-upload] input[type=file]', JSONL);
    await page.waitFor('[data-join=joined]', 30000);
    assert.match(await page.text('[data-join=joined]'), /Showing “responses_batch_7\.jsonl” \(JSONL, .* records\)/);
    assert.equal(await page.count('table[data-error-table] thead th'), 5);
    assert.ok((await page.count('table[data-error-table] tbody [data-line]')) > 0);
    assert.deepEqual(await mockCounts(DEMO), before, 'the file went nowhere');
    await assertHealthy();
  });

  test('notify: asks for permission on the click and says how the import ended', { skip: ENGINE === 'webkit' && 'WebKitWebDriver cannot grant a permission' }, async () => {
    await resetMock(DEMO);
    await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 1500 }));
    await page.waitFor('[role=status] [data-import-status]');
    if (ENGINE === 'chromium') {
      // The W3C Permissions extension (Firefox is granted by its profile's preference).
      const session = (await page.driver.getSession()).getId();
      await grantNotifications(session);
    }
    await page.inPage(() => {
      const Real = window.Notification;
      window.__notes = [];
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          window.__notes.push(`${title} | ${options?.body ?? ''}`);
        }
      };
    });
    await page.clickButton('Notify me when it finishes');
    await page.until('a notification', () => page.inPage(() => window.__notes.length > 0), 30000);
    const [note] = await page.inPage(() => window.__notes);
    // The count as this browser's Intl groups it (the widget's own formatter falls back the same way).
    const rejected = await page.inPage(() => {
      try {
        return new Intl.NumberFormat([navigator.language]).format(3412);
      } catch {
        return new Intl.NumberFormat().format(3412);
      }
    });
    assert.equal(note.split(' | ')[0], `partial: ${rejected} rejected`);
    assert.match(note, new RegExp(NAME));
    await assertHealthy();
  });

  test('no browser call that throws can stop it (Intl, storage, notifications, history, clipboard, Blob, matchMedia)', async () => {
    await resetMock(EXAMPLES);
    await page.goto(`${EXAMPLES}/`);
    const result = await page.inPage(async (dataset, importId) => {
      const boom = () => {
        throw new Error('stubbed to throw');
      };
      for (const k of ['NumberFormat', 'DateTimeFormat', 'RelativeTimeFormat']) Intl[k] = boom;
      Object.defineProperty(window, 'localStorage', { configurable: true, get: boom });
      const notification = function () {
        throw new Error('stubbed to throw');
      };
      notification.requestPermission = boom;
      Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: notification });
      history.pushState = boom;
      history.replaceState = boom;
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: boom } });
      window.Blob = boom;
      window.matchMedia = boom;
      const errors = [];
      addEventListener('error', (e) => errors.push(String(e.error ?? e.message)));
      addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));
      await import('./pkg/prolific-dataset-monitor.js');
      const element = document.createElement('prolific-dataset-monitor');
      element.setAttribute('dataset-id', dataset);
      element.setAttribute('import-id', importId);
      element.setAttribute('poll-interval', '500');
      element.setAttribute('notify', '');
      document.body.append(element);
      const root = () => element.shadowRoot;
      for (let i = 0; i < 300 && !root()?.querySelector('table[data-error-table]'); i++) await new Promise((r) => setTimeout(r, 50));
      root()?.querySelector('.pdm-copy')?.click();
      [...(root()?.querySelectorAll('button') ?? [])].find((b) => b.textContent.includes('Download filtered'))?.click();
      await new Promise((r) => setTimeout(r, 300));
      return {
        status: root()?.querySelector('[role=status] [data-import-status]')?.getAttribute('data-import-status'),
        rows: root()?.querySelectorAll('table[data-error-table] tbody tr').length,
        panic: root()?.querySelectorAll('.pdm-panic').length,
        numbers: root()?.querySelector('[data-page-status]')?.textContent,
        errors: errors.filter((e) => /RuntimeError|unreachable/.test(e)),
      };
    }, V4, LIFECYCLE);
    assert.equal(result.status, 'partial', JSON.stringify(result));
    assert.equal(result.rows, 50);
    assert.equal(result.panic, 0);
    assert.match(result.numbers, /of 3000 /, 'plain digits without Intl');
    assert.deepEqual(result.errors, []);
  });

  // Each state in four frames at once, one per width (320, 360, 768 and 1280 px).
  const states = [
    ['the front door', `${DEMO}/`, 'form[data-front-door]'],
    ['loading', demoUrl({ dataset_id: IDS.SLOW }), '.pdm-skeleton'],
    ['partial with its rejected records', demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }), 'table[data-error-table]'],
    ['the file joined', demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500 }), 'table[data-error-table]'],
    ['pending_schema', demoUrl({ dataset_id: IDS.NO_SCHEMA, import_id: IDS.PENDING_SCHEMA_IMPORT }), '[data-import-status="pending_schema"]'],
    ['V3', demoUrl({ dataset_id: IDS.REFERENCE_V3 }), '[data-dataset-version="3"]'],
    ['an API error', demoUrl({ dataset_id: IDS.UNKNOWN }), '[role=alert]'],
    ['a configuration error', demoUrl({ dataset_id: 'not-a-uuid' }), '[role=alert]'],
    ['the dark theme', demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 500, theme: 'dark' }), 'table[data-error-table]'],
  ];
  for (const [name, url, ready] of states) {
    test(`${name}: nothing scrolls sideways at ${WIDTHS.join(', ')} px, and each rejected record can be read`, async () => {
      await resetMock(DEMO);
      await openFrames(url);
      for (const [i, width] of WIDTHS.entries()) {
        await frameUntil(i, ready);
        if (name === 'the file joined') {
          await page.driver.switchTo().frame(i);
          await page.chooseFile('[data-upload] input[type=file]', JSONL);
          await page.waitFor('[data-join=joined]', 30000);
          // One record expanded: its fields, named, in the card. Clicked from the page's script:
          // WebKitWebDriver's click missed a button 3,500 px down the first of four stacked frames.
          await page.waitFor('table[data-error-table] tr[data-row] [data-record] button');
          await page.js(() => document.querySelector('table[data-error-table] tr[data-row] [data-record] button').click());
          await page.waitFor('tr[data-detail] .pdm-kv th');
          await page.driver.switchTo().defaultContent();
          const keys = await frameJs(i, () => [...document.querySelectorAll('tr[data-detail] .pdm-kv th')].map((th) => {
            const r = th.getBoundingClientRect();
            return { text: th.innerText, width: r.width, left: r.left, right: r.right };
          }));
          assert.ok(keys.length > 0 && keys.every((k) => k.text && k.width > 20 && k.left >= 0 && k.right <= width + 0.5),
            `${label}, an expanded record at ${width} px names its fields: ${JSON.stringify(keys)}`);
        }
        const m = await frameJs(i, () => ({
          scroll: document.documentElement.scrollWidth,
          inner: innerWidth,
          widest: [...document.querySelectorAll('.pdm *')].map((e) => [Math.round(e.getBoundingClientRect().right), `${e.tagName}.${e.className}`])
            .sort((a, b) => b[0] - a[0])[0],
        }));
        assert.equal(m.inner, width, 'the frame is the width asked for');
        assert.ok(m.scroll <= m.inner, `${label}, ${name} at ${width} px: the page is ${m.scroll} px wide in a ${m.inner} px window (widest: ${m.widest})`);
        if (ready !== 'table[data-error-table]') continue;
        // Every record's index, field and reason is on screen and wide enough to read.
        const cells = await frameJs(i, () => [...document.querySelectorAll('table[data-error-table] tbody tr[data-row]')].slice(0, 5)
          .flatMap((row) => [...row.querySelectorAll('td[data-label]')].map((td) => {
            const r = td.getBoundingClientRect();
            return { label: td.dataset.label, left: r.left, right: r.right, width: r.width };
          })));
        assert.ok(cells.length >= 15, `${label}, ${name} at ${width} px: ${cells.length} cells`);
        for (const c of cells) {
          assert.ok(c.left >= 0 && c.right <= width + 0.5, `${label}, ${name} at ${width} px: ${c.label} cell at ${c.left}–${c.right}`);
          if (c.label === 'Reason' || c.label === 'Field') {
            assert.ok(c.width >= Math.min(120, width / 3), `${label}, ${name} at ${width} px: ${c.label} only ${c.width} px wide`);
          }
        }
      }
      if (name === 'partial with its rejected records' && ENGINE !== 'chromium') {
        mkdirSync(SCREENSHOTS, { recursive: true });
        const file = join(SCREENSHOTS, `narrow-${ENGINE}.png`);
        // The import's badge and the first rejected records, as cards.
        await frameJs(WIDTHS.indexOf(360), () => document.querySelector('.pdm-import').scrollIntoView());
        const frame = (await page.driver.findElements({ css: 'iframe' }))[WIDTHS.indexOf(360)];
        writeFileSync(file, Buffer.from(await frame.takeScreenshot(), 'base64'));
        assert.ok(statSync(file).size > 1000);
      }
    });
  }

  test('a badge reads as a badge at 360 px: one line, or a rounded box that wraps', async () => {
    await resetMock(DEMO);
    await openFrames(demoUrl({ dataset_id: IDS.NO_SCHEMA, import_id: IDS.PENDING_SCHEMA_IMPORT }));
    const narrow = WIDTHS.indexOf(360);
    await frameUntil(narrow, '[role=status] [data-import-status="pending_schema"]');
    const badges = await frameJs(narrow, () => [...document.querySelectorAll('.pdm-badge')].map((b) => {
      const r = b.getBoundingClientRect();
      const icon = b.querySelector('.pdm-badge-icon');
      const style = getComputedStyle(icon);
      return {
        height: r.height, width: r.width, right: r.right, radius: parseFloat(getComputedStyle(b).borderTopLeftRadius),
        icon: icon.getBoundingClientRect().width, mask: style.maskImage || style.webkitMaskImage,
      };
    }));
    assert.ok(badges.length > 0);
    for (const b of badges) {
      assert.ok(b.right <= 360, JSON.stringify(b));
      assert.ok(b.icon > 4 && /^url\("data:image\/svg\+xml,/.test(b.mask), `the icon is drawn: ${JSON.stringify(b)}`);
      assert.ok(b.radius <= b.height / 2 + 0.5 && b.radius < 20, `a pill or a rounded box, not an oval: ${JSON.stringify(b)}`);
    }
  });

  describe('a wasm trap', () => {
    test('of the widget puts the notice on it, once; one of another module does not', async () => {
      await resetMock(DEMO);
      await page.goto(demoUrl({ dataset_id: V4, import_id: LIFECYCLE, poll_interval: 600000 }));
      await page.waitFor('[data-dataset-version="4"]');
      const trap = () => page.inPage(async (size) => {
        const wasm = await window.wasmBindings.default();
        setTimeout(() => wasm.__wbindgen_malloc(size, 1));
      }, TOO_MUCH);
      // Another module's traps first, instantiated from bytes and from a response that is not
      // the widget's (the notice script's wrapper passes it on untouched): no notice.
      await page.inPage(async (bytes) => {
        const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
        const streamed = await WebAssembly.instantiateStreaming(
          new Response(new Uint8Array(bytes), { headers: { 'content-type': 'application/wasm' } }));
        setTimeout(() => instance.exports.boom());
        Promise.resolve().then(() => instance.exports.boom());
        setTimeout(() => streamed.instance.exports.boom());
      }, FOREIGN_WASM);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await page.count('.pdm-panic'), 0, `${label}: another module's trap is not the widget's`);
      await trap();
      await page.waitFor('.pdm > p.pdm-panic[role=alert]', 5000);
      assert.match(await page.text('.pdm-panic'), NOTICE);
      assert.equal(await page.count('[data-dataset-version="4"]'), 1, 'what was on screen stays');
      await trap();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await page.count('.pdm-panic'), 1);
    });

    test('of the embeddable module (a rejected promise) puts the notice in every custom element', async () => {
      await resetMock(EXAMPLES);
      await page.goto(`${EXAMPLES}/side-by-side.html`);
      await page.waitFor('#v3 >>> [data-dataset-version="3"]');
      await page.waitFor('#v4 >>> [data-dataset-version="4"]');
      await page.inPage(async (size) => {
        const { default: init } = await import((performance.getEntriesByType('resource').map((e) => e.name).find((n) => /dataset_monitor-[0-9a-f]{16}\.js$/.test(n))));
        const wasm = await init();
        Promise.resolve().then(() => wasm.__wbindgen_malloc(size, 1));
      }, TOO_MUCH);
      for (const host of ['#v3', '#v4']) await page.waitFor(`${host} >>> .pdm > p.pdm-panic[role=alert]`, 5000);
      assert.match(await page.text('#v4 >>> .pdm-panic'), NOTICE);
    });
  });
});

/** Grants notifications to the Chromium session (W3C Permissions: Set Permission). */
async function grantNotifications(sessionId) {
  const url = `${page.serverUrl}/session/${sessionId}/permissions`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ descriptor: { name: 'notifications' }, state: 'granted' }),
  });
  assert.equal(response.status, 200, `Set Permission: ${await response.text()}`);
}

/**
 * Opens `url` in one iframe per width of WIDTHS, on a page of the same origin (the demo's,
 * with a configuration error so that it polls nothing): Firefox's headless window is never
 * narrower than 500 px, and a frame is the same viewport in every engine.
 */
async function openFrames(url) {
  await page.goto(demoUrl({ dataset_id: 'frame-host' }));
  await page.waitFor('.pdm');
  await page.js((src, widths) => {
    document.body.replaceChildren(...widths.map((w) => {
      const frame = document.createElement('iframe');
      frame.style.cssText = `width:${w}px;height:900px;border:0;display:block`;
      frame.src = src;
      return frame;
    }));
  }, url, WIDTHS);
}

/** Runs `fn` in the window of frame `index`. */
function frameJs(index, fn) {
  return page.js((i, source) => document.querySelectorAll('iframe')[i].contentWindow.eval(`(${source})()`), index, fn.toString());
}

/** Waits for `selector` in frame `index`. */
function frameUntil(index, selector, ms = 30000) {
  return page.until(`${selector} in frame ${index}`, () =>
    page.js((i, s) => !!document.querySelectorAll('iframe')[i]?.contentDocument?.querySelector(s), index, selector), ms);
}
