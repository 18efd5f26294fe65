// If the widget's wasm traps, every widget on the page says so. The release bundles abort on
// a panic at once (`-Cpanic=immediate-abort`, issue #17), so the notice comes from the JS side
// (embed/trap-notice.js); these tests make the real module trap and look for it.
//
// The trap: `__wbindgen_malloc` asked for more than a wasm32 address space holds calls
// `std::process::abort()`, the same `unreachable` trap a panic becomes in the release build.
//
// Run by scripts/test after `scripts/build-demo` and `scripts/build-embed` (the nightly
// bundles), and again on the stable fallback's: TRAP_DEMO_DIR (default dist/) and
// TRAP_EXAMPLES_DIR (default examples/, with the module in pkg/) name other builds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEMO as IDS, PORTS, ROOT, launchChromium, startMock } from '../support/stack.mjs';

const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const DEMO_DIR = process.env.TRAP_DEMO_DIR ?? join(ROOT, 'dist');
const EXAMPLES_DIR = process.env.TRAP_EXAMPLES_DIR ?? join(ROOT, 'examples');
const DEMO = `http://${PORTS.e2eTrapDemo}`;
const EXAMPLES = `http://${PORTS.e2eTrapExamples}`;
const NOTICE = /The dataset monitor stopped after an internal error\. Reload the page/;
/** More than a wasm32 address space: the allocator's request fails and aborts. */
const TOO_MUCH = 0xfffffff0;
/** Another page's wasm: `(module (func (export "boom") unreachable))`. */
const FOREIGN_WASM = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 98, 111, 111, 109, 0, 0,
  10, 5, 1, 3, 0, 0, 11];

const servers = [];
let browser;

before(async () => {
  servers.push(await startMock(PROXY, PORTS.e2eTrapDemo, ['--static', DEMO_DIR]));
  servers.push(await startMock(PROXY, PORTS.e2eTrapExamples, ['--static', EXAMPLES_DIR]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

/** Makes the demo page's widget trap, outside any caller (an uncaught error). Trunk's page
 * keeps the glue's exports; init() again returns the running instance's. */
function trapTheDemo(page) {
  return page.evaluate(async (size) => {
    const wasm = await window.wasmBindings.default();
    setTimeout(() => wasm.__wbindgen_malloc(size, 1));
  }, TOO_MUCH);
}

/** A page that records uncaught exceptions. */
async function openPage(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

describe('a wasm trap', () => {
  test('in the demo page (an uncaught error) puts the notice on the widget, once', async () => {
    const params = new URLSearchParams({ dataset_id: IDS.V4_MAIN, import_id: IDS.LIFECYCLE_IMPORT, poll_interval: 600000 });
    const { page, errors, close } = await openPage(`${DEMO}/?${params}`);
    await page.locator('[data-dataset-version="4"]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('.pdm-panic').count(), 0);
    await trapTheDemo(page);
    const notice = page.locator('.pdm > p.pdm-panic[role=alert]');
    await notice.waitFor();
    assert.match(await notice.innerText(), NOTICE);
    assert.ok(errors.some((m) => /unreachable/.test(m)), `the trap reached the page: ${errors}`);
    // What was on screen stays there, below the notice.
    assert.equal(await page.locator('[data-dataset-version="4"]').count(), 1);
    // A second trap adds no second notice.
    await trapTheDemo(page);
    await page.waitForTimeout(200);
    assert.equal(errors.filter((m) => /unreachable/.test(m)).length, 2, `both traps reached the page: ${errors}`);
    assert.equal(await page.locator('.pdm-panic').count(), 1);
    await close();
  });

  test("of another module on the page leaves the widget alone", async () => {
    const params = new URLSearchParams({ dataset_id: IDS.V4_MAIN });
    const { page, errors, close } = await openPage(`${DEMO}/?${params}`);
    await page.locator('[data-dataset-version="4"]').waitFor({ timeout: 20000 });
    await page.evaluate(async (bytes) => {
      const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
      setTimeout(() => instance.exports.boom());
      Promise.resolve().then(() => instance.exports.boom());
    }, FOREIGN_WASM);
    await page.waitForTimeout(300);
    assert.ok(errors.some((m) => /unreachable/.test(m)), `the other module trapped: ${errors}`);
    assert.equal(await page.locator('.pdm-panic').count(), 0);
    await close();
  });

  test('in the embeddable module (a rejected promise) puts the notice in every custom element', async () => {
    const { page, close } = await openPage(`${EXAMPLES}/side-by-side.html`);
    await page.locator('#v3 [data-dataset-version="3"]').waitFor({ timeout: 20000 });
    await page.locator('#v4 [data-dataset-version="4"]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('.pdm-panic').count(), 0);
    // The loader's glue module, imported again, is the same instance; init() returns its exports.
    await page.evaluate(async (size) => {
      const { default: init } = await import((performance.getEntriesByType('resource').map((e) => e.name).find((n) => /dataset_monitor-[0-9a-f]{16}\.js$/.test(n))));
      const wasm = await init();
      Promise.resolve().then(() => wasm.__wbindgen_malloc(size, 1));
    }, TOO_MUCH);
    for (const host of ['#v3', '#v4']) {
      const notice = page.locator(`${host} .pdm > p.pdm-panic[role=alert]`);
      await notice.waitFor();
      assert.match(await notice.innerText(), NOTICE);
    }
    assert.equal(await page.locator('.pdm-panic').count(), 2);
    await close();
  });
});
