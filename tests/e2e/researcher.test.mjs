// The researcher's day on the standalone page (the Trunk-built demo served by
// `dataset-proxy mock`): the front door (validation, a pasted URL, Back, the recent list,
// forgetting, the demo list from the mock), "Notify me when it finishes" (a hidden page
// keeps polling only when opted in; the notification's words; the tab title and favicon),
// and a shared URL that restores the view. Also the embedded widget's `notify` attribute.
//
// Hidden pages are simulated by an init script overriding document.hidden /
// visibilityState and dispatching visibilitychange; notifications are captured by
// wrapping window.Notification; the 15 s hidden pace is driven with Playwright's clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO as IDS, PORTS, ROOT, datasetPath, importPath, launchChromium, mockCounts, requireTool, resetMock, startMock,
} from '../support/stack.mjs';

const AXE = readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');
const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const BASE = `http://${PORTS.e2eResearcher}`;
const EMBED = `http://${PORTS.e2eResearcherEmbed}`;
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? join(ROOT, 'target/screenshots');

const V4 = IDS.V4_MAIN;
const LIFECYCLE = IDS.LIFECYCLE_IMPORT;
const FAILED = IDS.FAILED_IMPORT;
const V3_READY = IDS.V3_READY;
const NAME = 'Preference pairs — November';
const APP_TITLE = 'Prolific Dataset Monitor';
const RECENT_KEY = 'prolific-dataset-monitor:recent';
const PROLIFIC_URL = `https://app.prolific.com/researcher/workspaces/6278acb09062db3b35bcbeb0/ai-task-builder/datasets/${V4}/imports/${LIFECYCLE}`;

const servers = [];
let browser;

before(async () => {
  servers.push(await startMock(PROXY, PORTS.e2eResearcher, ['--static', join(ROOT, 'dist')]));
  servers.push(await startMock(PROXY, PORTS.e2eResearcherEmbed, ['--static', join(ROOT, 'examples')]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

/** Init script: `window.__setHidden(true|false)` hides or shows the page. */
function hiddenSwitch() {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

/** Init script: records every notification, permission request and window.focus(). */
function notificationSpy() {
  window.__notifications = [];
  window.__permissionAsked = 0;
  window.__focused = 0;
  window.focus = () => { window.__focused += 1; };
  const Real = window.Notification;
  class Spy extends Real {
    constructor(title, options) {
      const entry = { title, body: options?.body ?? '' };
      window.__notifications.push(entry);
      super(title, options);
      entry.instance = this;
    }
    static requestPermission(...args) {
      window.__permissionAsked += 1;
      return Real.requestPermission(...args);
    }
  }
  window.Notification = Spy;
}

/** A fresh context (own storage and permissions) and page recording errors. */
async function open(url, { colorScheme = 'light', permissions = [], init = [], clock = false, width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  if (permissions.length) await context.grantPermissions(permissions, { origin: BASE });
  for (const script of init) await context.addInitScript(script);
  const page = await context.newPage();
  if (clock) await page.clock.install();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (url) await page.goto(url);
  return { page, problems, close: () => context.close() };
}

const search = (page) => new URL(page.url()).searchParams;

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Polls `read` until `done(value)`, up to `ms`; returns the last value. */
async function until(read, done, ms = 20000) {
  const end = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

const requestsTo = async (path) => (await mockCounts(BASE))[path] ?? 0;

describe('the front door', () => {
  test('checks ids as they are typed, takes a pasted Prolific URL, and Back works', async () => {
    await resetMock(BASE);
    const { page, problems, close } = await open(`${BASE}/`);
    const form = page.locator('form[data-front-door]');
    await form.waitFor();
    assert.equal(await page.title(), APP_TITLE);
    const dataset = page.getByLabel('Dataset id', { exact: true });
    const importField = page.getByLabel('Import id (optional)', { exact: true });
    const hint = page.locator('#pdm-door-dataset-hint');
    const watch = page.getByRole('button', { name: 'Watch', exact: true });

    // "Watch" with nothing: the field says why, focus goes to it, the URL stays.
    assert.equal(await dataset.getAttribute('aria-invalid'), 'false');
    await watch.click();
    assert.equal(await dataset.getAttribute('aria-invalid'), 'true');
    assert.match(await hint.innerText(), /^Required/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pdm-door-dataset');
    assert.equal(new URL(page.url()).search, '');

    // As it is typed: the reason next to the field (described by it), never an alert.
    await dataset.fill(IDS.V4_MAIN.slice(0, 8));
    assert.equal(await dataset.getAttribute('aria-invalid'), 'true');
    assert.equal(await dataset.getAttribute('aria-describedby'), 'pdm-door-dataset-hint');
    assert.match(await hint.innerText(), /8-4-4-4-12/);
    await importField.fill('not-an-import');
    assert.equal(await importField.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#pdm-door-import-hint').innerText(), /Not an id/);
    assert.equal(await page.locator('[role=alert]').count(), 0);
    await watch.click();
    assert.equal(new URL(page.url()).search, '', 'nothing invalid is watched');

    // A Prolific URL pasted into the dataset field fills both fields.
    await dataset.fill(PROLIFIC_URL);
    assert.equal(await dataset.inputValue(), V4);
    assert.equal(await importField.inputValue(), LIFECYCLE);
    assert.equal(await dataset.getAttribute('aria-invalid'), 'false');
    assert.equal(await importField.getAttribute('aria-invalid'), 'false');
    assert.match(await hint.innerText(), new RegExp(`✓ ${V4}`));

    // Watch: the URL holds the ids (a history entry), the monitor shows.
    await watch.click();
    await page.locator('[role=status] [data-import-status]').waitFor();
    assert.equal(search(page).get('dataset_id'), V4);
    assert.equal(search(page).get('import_id'), LIFECYCLE);
    await page.locator('.pdm-title', { hasText: NAME }).waitFor();

    // Back: the form; Forward: the monitor again.
    await page.goBack();
    await form.waitFor();
    assert.equal(await page.locator('[data-dataset-version]').count(), 0);
    assert.equal(search(page).get('dataset_id'), null);
    assert.equal(await page.title(), APP_TITLE);
    await page.goForward();
    await page.locator('[data-dataset-version="4"]').waitFor();

    // "Watch another": the form, filled with what was watched.
    await page.getByRole('button', { name: 'Watch another' }).click();
    await form.waitFor();
    assert.equal(await dataset.inputValue(), V4);
    assert.equal(await importField.inputValue(), LIFECYCLE);
    assert.equal(search(page).get('dataset_id'), null);

    // An id with spaces around it, and no import.
    await importField.fill('');
    await dataset.fill(`   ${V3_READY}  `);
    assert.equal(await dataset.getAttribute('aria-invalid'), 'false');
    await dataset.press('Enter');
    await page.locator('[data-dataset-version="3"]').waitFor();
    assert.equal(search(page).get('dataset_id'), V3_READY);
    assert.equal(search(page).get('import_id'), null);
    assert.deepEqual(problems, []);
    await close();
  });

  test('remembers the datasets watched on this device, with their names, and forgets on request', async () => {
    await resetMock(BASE);
    const { page, problems, close } = await open(`${BASE}/?dataset_id=${V3_READY}`);
    await page.locator('.pdm-title', { hasText: 'Sentiment labels (ready)' }).waitFor();
    await page.goto(`${BASE}/?dataset_id=${V4}&import_id=${LIFECYCLE}&poll_interval=600000`);
    await page.locator('.pdm-title', { hasText: NAME }).waitFor();
    await page.getByRole('button', { name: 'Watch another' }).click();
    const items = page.locator('[data-recent] li');
    await items.first().waitFor();
    assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.dataset.recentId)), [V4, V3_READY]);
    assert.match(await items.nth(0).innerText(), new RegExp(NAME));
    assert.match(await items.nth(1).innerText(), /Sentiment labels \(ready\)/);
    // Stored as one line per dataset: id, import id and name, separated by tabs.
    const stored = async () => (await page.evaluate((key) => localStorage.getItem(key), RECENT_KEY))
      .split('\n').filter(Boolean).map((line) => line.split('\t'));
    assert.deepEqual(await stored(), [[V4, LIFECYCLE, NAME], [V3_READY, '', 'Sentiment labels (ready)']]);

    // Forget: gone from the list and from storage, also after a reload.
    await page.getByRole('button', { name: 'Forget Sentiment labels (ready)' }).click();
    await until(() => items.count(), (n) => n === 1, 5000);
    assert.equal(await items.count(), 1);
    assert.deepEqual((await stored()).map(([id]) => id), [V4]);
    await page.reload();
    await items.first().waitFor();
    assert.equal(await items.count(), 1);

    // Its link opens it again, import included.
    await items.first().getByRole('link', { name: NAME }).click();
    await page.locator('[role=status] [data-import-status]').waitFor();
    assert.equal(search(page).get('import_id'), LIFECYCLE);

    // At most ten, most recent first.
    await page.evaluate((key) => localStorage.setItem(key, ''), RECENT_KEY);
    for (let n = 0; n < 12; n++) {
      const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      await page.goto(`${BASE}/?dataset_id=${id}`);
      await page.locator('[role=alert]').first().waitFor();
    }
    const ids = (await stored()).map(([id]) => id);
    assert.equal(ids.length, 10);
    assert.equal(ids[0], '00000000-0000-4000-8000-000000000011');
    assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
    await close();
  });

  test('without storage it works, remembers nothing and says nothing', async () => {
    await resetMock(BASE);
    const noStorage = () => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
      });
    };
    const { page, problems, close } = await open(`${BASE}/?dataset_id=${V3_READY}`, { init: [noStorage] });
    assert.equal(await page.evaluate(() => { try { return typeof localStorage; } catch { return 'threw'; } }), 'threw');
    await page.locator('.pdm-title', { hasText: 'Sentiment labels (ready)' }).waitFor();
    await page.getByRole('button', { name: 'Watch another' }).click();
    await page.locator('form[data-front-door]').waitFor();
    assert.equal(await page.locator('[data-recent]').count(), 0);
    assert.equal(await page.locator('[role=alert]').count(), 0);
    assert.deepEqual(problems, []);
    await close();
  });

  test('served by the mock, it lists every demo scenario with what it shows, and each link opens one', async () => {
    await resetMock(BASE);
    const catalogue = await (await fetch(`${BASE}/_mock/scenarios`)).json();
    assert.ok(catalogue.length >= 40, `${catalogue.length} scenarios`);
    const { page, problems, close } = await open(`${BASE}/?theme=dark`);
    const links = page.locator('[data-demo-scenarios] li a');
    await links.first().waitFor();
    assert.equal(await links.count(), catalogue.length);
    const opened = await links.evaluateAll((as) => as.map((a) => {
      const p = new URLSearchParams(a.getAttribute('href'));
      return [a.textContent, p.get('dataset_id'), p.get('import_id'), p.get('theme')];
    }));
    assert.deepEqual(opened, catalogue.map((s) => [s.title, s.dataset_id, s.import_id ?? null, 'dark']));
    const first = page.locator('[data-demo-scenarios] li').first();
    assert.match(await first.innerText(), new RegExp(catalogue[0].shows.slice(0, 30)));
    // Every group is listed.
    const groups = [...new Set(catalogue.map((s) => s.group))];
    assert.deepEqual(await page.locator('[data-demo-scenarios] summary').allInnerTexts(), groups);
    // No query string typed: one click on the first scenario.
    await page.getByRole('link', { name: catalogue[0].title }).click();
    await page.locator('[role=status] [data-import-status]').waitFor();
    assert.equal(search(page).get('import_id'), catalogue[0].import_id);
    assert.equal(await page.locator('.pdm').getAttribute('data-theme'), 'dark');
    assert.deepEqual(problems, []);
    await close();
  });

  for (const theme of ['light', 'dark']) {
    test(`axe, ${theme}: no violations on the form (with an invalid field, recent and demo lists)`, async () => {
      await resetMock(BASE);
      const seed = ([key, value]) => localStorage.setItem(key, value);
      const { page, close } = await open(null, { colorScheme: theme });
      await page.addInitScript(seed, [RECENT_KEY, `${V4}\t${LIFECYCLE}\t${NAME}\n`]);
      await page.goto(`${BASE}/?theme=${theme}`);
      await page.locator('[data-demo-scenarios] li').first().waitFor();
      await page.locator('[data-recent] li').first().waitFor();
      await page.getByLabel('Dataset id', { exact: true }).fill('not an id');
      assert.deepEqual(await axe(page), []);
      await close();
    });
  }
});

describe('tell me when it is done', () => {
  test('opted in: a hidden page polls every 15 s, and a notification says how the import ended', async () => {
    await resetMock(BASE);
    const { page, problems, close } = await open(null, {
      permissions: ['notifications'], init: [hiddenSwitch, notificationSpy], clock: true,
    });
    await page.goto(`${BASE}/?dataset_id=${V4}&import_id=${LIFECYCLE}&poll_interval=500`);
    const button = page.getByRole('button', { name: 'Notify me when it finishes' });
    await button.waitFor();
    // The browser is asked only after the click.
    assert.equal(await page.evaluate(() => window.__permissionAsked), 0);
    await button.click();
    await page.locator('button[aria-pressed="true"]', { hasText: 'Notify me' }).waitFor();
    assert.equal(await page.evaluate(() => window.__permissionAsked), 1);
    assert.match(await page.locator('[data-notify-note]').innerText(), /every 15 s/);

    const path = importPath(V4, LIFECYCLE);
    await page.evaluate(() => window.__setHidden(true));
    // What was already scheduled at the visible pace may still go; then the hidden pace.
    await page.waitForTimeout(1500);
    const settled = await requestsTo(path);
    await page.waitForTimeout(3000);
    assert.equal(await requestsTo(path), settled, 'at 500 ms this would have been 6 more requests');
    assert.match(await page.locator('[data-poll-state]').innerText(), /next check in 1[0-5] s/);
    // Each 15 s of (fake) time: exactly one more request, until the import ends.
    let count = settled;
    for (let i = 0; i < 12 && (await page.evaluate(() => window.__notifications.length)) === 0; i++) {
      await page.clock.fastForward(15000);
      const next = await until(() => requestsTo(path), (n) => n > count, 5000);
      assert.equal(next, count + 1, `poll ${i}: one request per 15 s`);
      count = next;
      await page.waitForTimeout(200);
    }
    const notes = await until(() => page.evaluate(() => window.__notifications.map(({ title, body }) => ({ title, body }))),
      (n) => n.length > 0, 5000);
    assert.deepEqual(notes, [{ title: 'partial: 3,412 rejected', body: NAME }]);
    assert.equal(count, 9, 'the whole lifecycle was polled while hidden');
    // The tab says it too, and clicking the notification focuses the tab.
    assert.equal(await page.title(), `! partial — ${NAME}`);
    await page.evaluate(() => window.__notifications[0].instance.onclick());
    assert.equal(await page.evaluate(() => window.__focused), 1);
    // Over: no more requests, hidden or not.
    await page.clock.fastForward(60000);
    await page.waitForTimeout(500);
    assert.equal(await requestsTo(path), 9);
    assert.equal(await button.count(), 0, 'no offer once the import has ended');
    if (process.env.SCREENSHOTS_DIR) await notificationScreenshot(page, notes[0]);
    assert.deepEqual(problems, []);
    await close();
  });

  test('not opted in: a hidden page makes no request at all, and polls at once when shown', async () => {
    await resetMock(BASE);
    const { page, problems, close } = await open(null, { init: [hiddenSwitch], clock: true });
    await page.goto(`${BASE}/?dataset_id=${IDS.ENDLESS}&import_id=${IDS.ENDLESS_IMPORT}&poll_interval=500`);
    await page.locator('[role=status] [data-import-status="processing"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Notify me when it finishes' }).getAttribute('aria-pressed'), 'false');
    await page.evaluate(() => window.__setHidden(true));
    await page.waitForTimeout(1000);
    const hidden = JSON.stringify(await mockCounts(BASE));
    await page.waitForTimeout(2000);
    await page.clock.fastForward(120000);
    await page.waitForTimeout(500);
    assert.equal(JSON.stringify(await mockCounts(BASE)), hidden, 'zero requests while hidden');
    assert.match(await page.locator('[data-poll-state]').innerText(), /paused while the page is hidden/);
    const path = importPath(IDS.ENDLESS, IDS.ENDLESS_IMPORT);
    const before = await requestsTo(path);
    await page.evaluate(() => window.__setHidden(false));
    assert.ok(await until(() => requestsTo(path), (n) => n > before, 3000) > before, 'visible again: a request at once');
    assert.deepEqual(problems, []);
    await close();
  });

  test('the tab title and favicon follow the import through its lifecycle', async () => {
    await resetMock(BASE);
    const { page, problems, close } = await open(`${BASE}/?dataset_id=${V4}&import_id=${LIFECYCLE}&poll_interval=500`);
    const seen = [];
    const icons = new Set();
    for (let i = 0; i < 400 && !seen.at(-1)?.startsWith('!'); i++) {
      const [title, icon] = await page.evaluate(() => [document.title, document.querySelector('link[rel=icon]').getAttribute('href')]);
      if (seen.at(-1) !== title) seen.push(title);
      icons.add(icon);
      await page.waitForTimeout(25);
    }
    for (const expected of [`○ uninitialised — ${NAME}`, `⋯ queued — ${NAME}`, `↻ processing · 4,800 records so far — ${NAME}`,
      `↻ processing · 19,200 records so far — ${NAME}`, `! partial — ${NAME}`]) {
      assert.ok(seen.includes(expected), `${expected} in ${JSON.stringify(seen)}`);
    }
    assert.ok(seen.indexOf(`⋯ queued — ${NAME}`) < seen.indexOf(`! partial — ${NAME}`));
    const svgs = [...icons].filter((i) => i.startsWith('data:image/svg+xml,')).map((i) => decodeURIComponent(i.slice(19)));
    assert.ok(svgs.length >= 3, `favicons: ${[...icons].join(' ')}`);
    const last = decodeURIComponent((await page.locator('link[rel=icon]').getAttribute('href')).slice(19));
    assert.match(last, /^<svg /);
    assert.match(last, /fill='#8a5a00'/);
    // partial's "!" drawn as a path (no font needs the glyph), in white.
    assert.match(last, /<path [^>]*d='M8 2\.5v7M8 13h\.01'[^>]*stroke='#fff'/);
    assert.doesNotMatch(last, /<text/);
    // Back at the form: the page's own title and no icon.
    await page.getByRole('button', { name: 'Watch another' }).click();
    await page.locator('form[data-front-door]').waitFor();
    assert.equal(await page.title(), APP_TITLE);
    assert.equal(await page.locator('link[rel=icon]').getAttribute('href'), 'data:,');
    assert.deepEqual(problems, []);
    await close();
  });
});

describe('a page a team can share', () => {
  test('the URL restores the filter, sort and page, and the selected import survives a reload', async () => {
    await resetMock(BASE);
    const shared = `${BASE}/?dataset_id=${V4}&import_id=${LIFECYCLE}&poll_interval=500&filter=whole+record&sort=-field&page=2`;
    const { page, problems, close } = await open(shared);
    await page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('input.pdm-filter').inputValue(), 'whole record');
    assert.equal(await page.locator('th[aria-sort="descending"]').innerText(), 'Field');
    assert.match(await page.locator('[data-page-status]').innerText(), /Rows 51–100 of [\d,]+ \(page 2 of/);
    const rows = await page.locator('table[data-error-table] tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(rows.every((f) => f === 'whole record (could not be parsed)'), rows.join('|'));

    // Changing the view rewrites the URL in place (no history entry per keystroke).
    const entries = await page.evaluate(() => history.length);
    await page.locator('input.pdm-filter').fill('Malformed');
    await until(() => search(page).get('filter'), (f) => f === 'Malformed', 3000);
    assert.equal(search(page).get('filter'), 'Malformed');
    assert.equal(search(page).get('page'), null, 'a new filter starts at page 1');
    assert.equal(search(page).get('sort'), '-field');
    await page.getByRole('button', { name: 'Record (0-based)' }).click();
    await until(() => search(page).get('sort'), (s) => s === null, 3000);
    await page.getByRole('button', { name: 'Next' }).click();
    await until(() => search(page).get('page'), (p) => p === '2', 3000);
    assert.equal(await page.evaluate(() => history.length), entries);

    // A colleague opening the URL (a fresh browser context) sees the same view.
    const url = page.url();
    const colleague = await open(url);
    await colleague.page.locator('table[data-error-table]').waitFor({ timeout: 20000 });
    assert.equal(await colleague.page.locator('input.pdm-filter').inputValue(), 'Malformed');
    assert.equal(await colleague.page.locator('[data-page-status]').innerText(), await page.locator('[data-page-status]').innerText());
    assert.equal(await colleague.page.locator('th[aria-sort="ascending"]').innerText(), 'Record (0-based)');
    await colleague.close();

    // The selected import goes into the URL and survives a reload; its table starts afresh.
    await page.locator(`tr[data-import-id="${FAILED}"]`).getByRole('button', { name: 'Details' }).click();
    await page.locator(`section.pdm-import[data-import-id="${FAILED}"]`).waitFor();
    await until(() => search(page).get('selected'), (s) => s === FAILED, 3000);
    assert.equal(search(page).get('filter'), null);
    await page.reload();
    await page.locator(`section.pdm-import[data-import-id="${FAILED}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-import-id="${FAILED}"] button[aria-pressed="true"]`).count(), 1);
    assert.equal(await page.locator('[role=status] [data-import-status]').getAttribute('data-import-status'), 'partial');
    assert.deepEqual(problems, []);
    await close();
  });
});

describe('the embedded widget', () => {
  test('offers "Notify me" only with the notify attribute, and never touches the page URL or title', async () => {
    await resetMock(EMBED);
    const { page, problems, close } = await open(`${EMBED}/side-by-side.html`);
    await page.locator('#v3 [data-dataset-version]').waitFor();
    const url = page.url();
    const title = await page.title();
    await page.evaluate(([d, i]) => {
      for (const notify of [true, false]) {
        const el = document.createElement('prolific-dataset-monitor');
        el.id = notify ? 'with' : 'without';
        el.setAttribute('dataset-id', d);
        el.setAttribute('import-id', i);
        if (notify) el.setAttribute('notify', '');
        document.body.append(el);
      }
    }, [IDS.ENDLESS, IDS.ENDLESS_IMPORT]);
    await page.locator('#with [role=status] [data-import-status="processing"]').waitFor();
    await page.locator('#without [role=status] [data-import-status="processing"]').waitFor();
    assert.equal(await page.locator('#with').getByRole('button', { name: 'Notify me when it finishes' }).count(), 1);
    assert.equal(await page.locator('#without').getByRole('button', { name: 'Notify me when it finishes' }).count(), 0);
    assert.equal(await page.locator('#with').getByRole('button', { name: 'Watch another' }).count(), 0);
    assert.equal(page.url(), url);
    assert.equal(await page.title(), title);
    assert.deepEqual(problems, []);
    await close();
  });
});

describe('screenshots of the researcher\'s day', () => {
  test('the front door, light and dark', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const theme of ['light', 'dark']) {
      await resetMock(BASE);
      const { page, close } = await open(null, { colorScheme: theme, width: 1000, height: 1100 });
      await page.addInitScript(([key, value]) => localStorage.setItem(key, value),
        [RECENT_KEY, `${V4}\t${LIFECYCLE}\t${NAME}\n${V3_READY}\t\tSentiment labels (ready)\n`]);
      await page.goto(`${BASE}/?theme=${theme}`);
      await page.locator('[data-demo-scenarios] li').first().waitFor();
      await page.locator('[data-recent] li').first().waitFor();
      await page.getByLabel('Dataset id', { exact: true }).fill(PROLIFIC_URL);
      assert.equal(await page.getByLabel('Import id (optional)', { exact: true }).inputValue(), LIFECYCLE);
      const file = join(SCREENSHOTS, `front-door-${theme}.png`);
      await page.screenshot({ path: file });
      await close();
      assert.ok(statSync(file).size > 1000, `${file} is empty`);
    }
  });
});

/**
 * The notification flow as one picture: the page at the end of a hidden watch, with the
 * tab title and favicon it set, and the notification it raised, drawn above it from
 * what the page produced (a headless browser shows neither its tab strip nor desktop
 * notifications).
 */
async function notificationScreenshot(page, note) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.__setHidden(false));
  await page.setViewportSize({ width: 1100, height: 700 });
  await page.evaluate(({ title, body }) => {
    const icon = document.querySelector('link[rel=icon]').getAttribute('href');
    const bar = document.createElement('div');
    bar.setAttribute('aria-hidden', 'true');
    bar.style.cssText = 'position:fixed;top:0;left:0;right:0;height:40px;background:#dfe3e8;display:flex;align-items:end;padding:0 12px;z-index:9;font:13px system-ui';
    bar.innerHTML = '<div style="background:#fff;border-radius:8px 8px 0 0;padding:8px 14px;display:flex;gap:8px;align-items:center;max-width:420px"><img width="16" height="16"><span></span></div>';
    bar.querySelector('img').src = icon;
    bar.querySelector('span').textContent = document.title;
    const toast = document.createElement('div');
    toast.setAttribute('aria-hidden', 'true');
    toast.style.cssText = 'position:fixed;right:16px;top:56px;width:340px;background:#2b2f36;color:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 6px 24px rgba(0,0,0,.35);z-index:9;font:14px system-ui';
    toast.innerHTML = '<div style="opacity:.7;font-size:12px;margin-bottom:4px">127.0.0.1 · Prolific Dataset Monitor</div><strong></strong><div></div>';
    toast.querySelector('strong').textContent = title;
    toast.querySelector('div:last-child').textContent = body;
    document.body.style.paddingTop = '52px';
    document.body.append(bar, toast);
  }, note);
  const file = join(SCREENSHOTS, 'notify.png');
  await page.screenshot({ path: file });
  assert.ok(statSync(file).size > 1000, `${file} is empty`);
}
