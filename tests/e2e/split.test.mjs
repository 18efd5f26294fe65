// The demo page's split build (issue #28, scripts/build-demo): the parts a visit may never
// show are wasm chunks (src/ui/lazy.rs), fetched when needed. These tests open each of them,
// check that a shared import's chunks are fetched beside its first API requests (so its
// details come with its data, no later), that a chunk which cannot be fetched costs only its
// part, and that the trap notice knows the chunks as the widget's. The embeddable module is
// split the same way (issue #33, scripts/build-embed): the same checks on its custom element,
// and its chunks still load from a server that sends wasm under another type.
//
// Run by scripts/test after `scripts/build-demo` and `scripts/build-embed` (the nightly's
// split builds):
//   node --test tests/e2e/split.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO as IDS, PORTS, ROOT, embedFiles, launchChromium, resetMock, startMock } from '../support/stack.mjs';

const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const DIST = process.env.SPLIT_DEMO_DIR ?? join(ROOT, 'dist');
const DEMO = `http://${PORTS.e2eSplit}`;
const EXAMPLES = `http://${PORTS.e2eSplitExamples}`;
const MODULE = embedFiles(join(ROOT, 'examples/pkg'));
const manifest = JSON.parse(readFileSync(join(DIST, 'split-manifest.json'), 'utf8'));
// The pattern by which embed/trap-notice.js tells the widget's files from another module's.
const OURS = new RegExp(readFileSync(join(ROOT, 'embed/trap-notice.js'), 'utf8').match(/const OURS = \/(.+)\/;/)[1]);

const servers = [];
let browser;

before(async () => {
  servers.push(await startMock(PROXY, PORTS.e2eSplit, ['--static', DIST]));
  servers.push(await startMock(PROXY, PORTS.e2eSplitExamples, ['--static', join(ROOT, 'examples')]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

const demoUrl = (params) => `${DEMO}/?${new URLSearchParams(params)}`;
const file = (url) => new URL(url).pathname.split('/').pop();
const isChunk = (name) => Object.values(manifest.chunks).includes(name);

/** A page that records the files it fetched, console errors and uncaught exceptions. Files
 * whose names match `block` fail to load; `.wasm` files come as `wasmType` if given (a
 * server that does not know the type; `''`: with no Content-Type at all). */
async function openPage({ block, wasmType } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const fetched = [];
  const problems = [];
  page.on('request', (r) => fetched.push(file(r.url())));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  if (block) await page.route((url) => block.test(file(url.href)), (route) => route.abort());
  if (wasmType !== undefined) {
    await page.route((url) => file(url.href).endsWith('.wasm'), async (route) => {
      const response = await route.fetch();
      const { 'content-type': _, ...headers } = response.headers();
      await route.fulfill({ response, headers: wasmType ? { ...headers, 'content-type': wasmType } : headers });
    });
  }
  return { page, fetched, problems, close: () => context.close() };
}

describe('the split demo page', () => {
  test('loads its first load and then only the chunks a visit shows', async () => {
    await resetMock(DEMO);
    const { page, fetched, problems, close } = await openPage();
    await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN }));
    await page.locator('[data-dataset-version="4"]').waitFor({ timeout: 20000 });
    await page.waitForTimeout(500);
    for (const f of manifest.first_load) assert.ok(fetched.includes(f), `${f} was fetched: ${fetched}`);
    // A dataset followed as a whole shows neither the front door nor an import's details yet.
    assert.deepEqual(fetched.filter(isChunk), [], 'no chunk before one is needed');
    assert.deepEqual(problems, []);
    await close();
  });

  test('every chunk is fetched by the visit that shows its part, and each part works', async () => {
    await resetMock(DEMO);
    const seen = new Set();
    // The front door: its form takes an id.
    {
      const { page, fetched, problems, close } = await openPage();
      await page.goto(`${DEMO}/`);
      await page.locator('form[data-front-door]').waitFor({ timeout: 20000 });
      assert.ok(fetched.some((f) => f === manifest.chunks.split_front_door), `front door chunk: ${fetched}`);
      // Its handlers run from the chunk: a short id is marked as not yet valid.
      await page.locator('#pdm-door-dataset').fill(IDS.V4_MAIN.slice(0, 8));
      await page.waitForFunction(() => document.querySelector('#pdm-door-dataset')?.getAttribute('aria-invalid') === 'true');
      for (const other of ['split_import_details', 'split_notify']) {
        assert.ok(!fetched.includes(manifest.chunks[other]), `the front door does not fetch ${other}`);
      }
      fetched.filter(isChunk).forEach((f) => seen.add(f));
      assert.deepEqual(problems, []);
      await close();
    }
    // An import shared by URL: its details with the table (sorted, filtered) and "Notify me".
    {
      const { page, fetched, problems, close } = await openPage();
      await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN, import_id: IDS.LIFECYCLE_IMPORT, poll_interval: 600000 }));
      await page.getByRole('button', { name: 'Notify me when it finishes' }).waitFor({ timeout: 20000 });
      await page.locator(`section.pdm-import[data-import-id="${IDS.LIFECYCLE_IMPORT}"]`).waitFor();
      assert.ok(!fetched.includes(manifest.chunks.split_front_door), 'an import does not fetch the front door');
      fetched.filter(isChunk).forEach((f) => seen.add(f));
      assert.deepEqual(problems, []);
      await close();
    }
    {
      const { page, fetched, problems, close } = await openPage();
      await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN, import_id: IDS.REFERENCE_IMPORT }));
      const rows = page.locator('[data-error-table] tbody tr');
      await rows.first().waitFor({ timeout: 20000 });
      const first = await rows.first().innerText();
      await page.locator('.pdm-sort').first().click();
      await page.waitForFunction((before) => document.querySelector('[data-error-table] tbody tr')?.innerText !== before, first);
      await page.locator('input[type=search]').fill('no record says this');
      await page.waitForFunction(() => document.querySelectorAll('[data-error-table] tbody tr').length === 0);
      fetched.filter(isChunk).forEach((f) => seen.add(f));
      assert.deepEqual(problems, []);
      await close();
    }
    assert.deepEqual([...seen].sort(), Object.values(manifest.chunks).sort(), 'every chunk was fetched by some visit');
  });

  test("a shared import's chunk is fetched beside its first API requests", async () => {
    await resetMock(DEMO);
    const { page, fetched, problems, close } = await openPage();
    // The import's answer is held until the details' chunk has been asked for: a chunk
    // fetched only after the data had painted would never be, and the page would wait.
    let chunkAsked;
    const asked = new Promise((resolve) => { chunkAsked = resolve; });
    page.on('request', (r) => file(r.url()) === manifest.chunks.split_import_details && chunkAsked(true));
    const held = [];
    await page.route('**/imports/**', async (route) => {
      const inTime = await Promise.race([asked, new Promise((r) => setTimeout(() => r(false), 10000))]);
      held.push(inTime);
      await route.continue();
    });
    await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN, import_id: IDS.REFERENCE_IMPORT }));
    await page.locator('[data-error-table]').waitFor({ timeout: 20000 });
    assert.ok(held.length > 0 && held.every(Boolean), `the details' chunk was asked for while each import answer was pending (${held}): ${fetched}`);
    assert.deepEqual(problems, []);
    await close();
  });

  test('the details, once shown, stay on screen through every update: no blank while a chunk is awaited', async () => {
    await resetMock(DEMO);
    const { page, problems, close } = await openPage();
    await page.addInitScript(() => {
      window.__blanked = 0;
      window.__shown = new Set();
      new MutationObserver(() => {
        const details = document.querySelector('section.pdm-import');
        if (details) window.__shown.add(details.querySelector('[data-import-status]')?.getAttribute('data-import-status'));
        else if (window.__shown.size) window.__blanked += 1;
      }).observe(document, { subtree: true, childList: true });
    });
    // The import walks uninitialised → queued → processing → partial, one step a poll; each
    // step renders its details again through the chunk's (by then loaded) split point.
    await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN, import_id: IDS.LIFECYCLE_IMPORT, poll_interval: 500 }));
    await page.locator('section.pdm-import [data-import-status="partial"]').waitFor({ timeout: 30000 });
    const shown = await page.evaluate(() => [...window.__shown]);
    assert.ok(shown.length >= 3, `the details were rendered for several steps: ${shown}`);
    assert.equal(await page.evaluate(() => window.__blanked), 0, 'the details never left the page between steps');
    assert.deepEqual(problems, []);
    await close();
  });

  test("a chunk that cannot be fetched costs only its part, with an alert, and no trap", async () => {
    await resetMock(DEMO);
    const { page, problems, close } = await openPage({ block: /split_import_details/ });
    await page.goto(demoUrl({ dataset_id: IDS.V4_MAIN, import_id: IDS.REFERENCE_IMPORT }));
    const alert = page.locator('[data-chunk-failed][role=alert]');
    await alert.waitFor({ timeout: 20000 });
    assert.match(await alert.innerText(), /Could not load the import's details .*Reload the page/);
    // The rest of the page goes on: the status, the dataset, no trap notice.
    assert.equal(await page.locator('.pdm-live-badge [data-import-status]').getAttribute('data-import-status'), 'partial');
    assert.equal(await page.locator('[data-dataset-version="4"]').count(), 1);
    assert.equal(await page.locator('.pdm-panic').count(), 0);
    // The loader and the browser log the failed fetch; nothing traps.
    assert.deepEqual(problems.filter((p) => /unreachable|RuntimeError|pageerror/.test(p)), []);
    await close();
  });

  test("the trap notice knows every file of the page as the widget's", () => {
    for (const f of [...manifest.first_load.filter((f) => f.endsWith('.wasm')), ...Object.values(manifest.chunks)]) {
      assert.match(f, OURS);
    }
  });
});

describe('the split embeddable module', () => {
  test('loads its first load, then the chunk of the details its elements show, once', async () => {
    await resetMock(EXAMPLES);
    const { page, fetched, problems, close } = await openPage();
    await page.goto(`${EXAMPLES}/side-by-side.html`);
    await page.locator('#v4 [role=status] [data-import-status="partial"]').waitFor({ timeout: 30000 });
    await page.locator('#v4 table[data-error-table]').waitFor({ timeout: 20000 });
    await page.locator('#v3 [data-dataset-version="3"]').waitFor();
    for (const f of MODULE.firstLoad) assert.equal(fetched.filter((x) => x === f).length, 1, `${f} once: ${fetched}`);
    assert.equal(fetched.filter((x) => x === MODULE.chunks.split_import_details).length, 1, `the details' chunk once: ${fetched}`);
    // Neither element offers "Notify me", and the module has no front door.
    assert.ok(!fetched.includes(MODULE.chunks.split_notify), `no notify chunk: ${fetched}`);
    assert.ok(!Object.keys(MODULE.chunks).includes('split_front_door'), `no front door chunk: ${Object.keys(MODULE.chunks)}`);
    assert.deepEqual(problems, []);
    await close();
  });

  for (const [how, wasmType] of [['as application/octet-stream', 'application/octet-stream'], ['with no type', '']]) {
    test(`its chunks still load from a server that sends wasm ${how}`, async () => {
      await resetMock(EXAMPLES);
      const { page, fetched, problems, close } = await openPage({ wasmType });
      await page.goto(`${EXAMPLES}/side-by-side.html`);
      await page.locator('#v4 table[data-error-table]').waitFor({ timeout: 30000 });
      assert.ok(fetched.includes(MODULE.chunks.split_import_details), `the details' chunk: ${fetched}`);
      assert.equal(await page.locator('[data-chunk-failed]').count(), 0);
      assert.equal(await page.locator('.pdm-panic').count(), 0);
      assert.deepEqual(problems, []);
      await close();
    });
  }

  test("a chunk that cannot be fetched costs only its part of that element, with an alert", async () => {
    await resetMock(EXAMPLES);
    const { page, problems, close } = await openPage({ block: /split_import_details/ });
    await page.goto(`${EXAMPLES}/side-by-side.html`);
    const alert = page.locator('#v4 [data-chunk-failed][role=alert]');
    await alert.waitFor({ timeout: 30000 });
    assert.match(await alert.innerText(), /Could not load the import's details .*Reload the page/);
    // The rest of the element goes on (its import followed to its end), and so does the other.
    await page.locator('#v4 .pdm-live-badge [data-import-status="partial"]').waitFor({ timeout: 30000 });
    await page.locator('#v3 [data-dataset-version="3"]').waitFor();
    assert.equal(await page.locator('.pdm-panic').count(), 0);
    assert.deepEqual(problems.filter((p) => /unreachable|RuntimeError|pageerror/.test(p)), []);
    await close();
  });

  test("the trap notice knows every file of the module as the widget's", () => {
    for (const f of [MODULE.glue, MODULE.loader, MODULE.wasm, ...Object.values(MODULE.chunks)]) assert.match(f, OURS);
  });
});
