// The demo page as `dataset-proxy --static` serves it (issue #33): a snapshot taken the
// common way (headless Chromium's --dump-dom under --virtual-time-budget) never catches a
// blank start, and a redeploy under a page that was loaded from the old build shows the new
// one on reload, with no file the page asks for missing.
//
// Run by scripts/test after `scripts/build-demo`:  node --test tests/e2e/served.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO as IDS, PORTS, ROOT, datasetPath, importPath, launchChromium, mockCounts, resetMock, startMock } from '../support/stack.mjs';

const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const DIST = join(ROOT, 'dist');
const SITE = `http://${PORTS.e2eServed}`;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** How many snapshots: enough that a 1-in-20 blank start would show (issue #33 saw 4 in 56). */
const SNAPSHOTS = Number(process.env.SNAPSHOTS ?? 50);
const run = promisify(execFile);

const work = mkdtempSync(join(tmpdir(), 'pdm-served-'));
const site = join(work, 'site');
const servers = [];
let browser;

before(async () => {
  cpSync(DIST, site, { recursive: true });
  servers.push(await startMock(PROXY, PORTS.e2eServed, ['--static', site]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Redeploys in place, as a deployment that replaces the directory's files does: every file
 * named with the build's hash gets another hash (in its name and wherever it is named), the
 * old files are removed, and the precompressed forms are written anew.
 */
async function redeploy() {
  const old = readdirSync(site).find((f) => /_bg\.wasm$/.test(f)).match(/-([0-9a-f]{16})_bg\.wasm$/)[1];
  const fresh = [...old].reverse().join('');
  for (const name of readdirSync(site)) {
    const path = join(site, name);
    if (name.endsWith('.br') || name.endsWith('.gz')) {
      rmSync(path);
      continue;
    }
    if (['.html', '.js', '.json'].includes(extname(name))) {
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll(old, fresh));
    }
    if (name.includes(old)) renameSync(path, join(site, name.replace(old, fresh)));
  }
  // The page's integrity attributes follow the files they name, as a build writes them.
  const index = join(site, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace(
    /((?:src|href)="\/([^"]+)"[^>]*?integrity=")sha384-[^"]+"/g,
    (_, head, file) => `${head}sha384-${createHash('sha384').update(readFileSync(join(site, file))).digest('base64')}"`,
  ));
  await run(process.execPath, [join(ROOT, 'scripts/precompress.mjs'), site]);
  return { old, fresh };
}

describe('the demo page as dataset-proxy --static serves it', () => {
  test(`a --dump-dom snapshot under --virtual-time-budget shows the status every time (${SNAPSHOTS} loads)`, async () => {
    const ref = IDS.REFERENCE_IMPORT;
    const url = `${SITE}/?${new URLSearchParams({ dataset_id: IDS.V4_MAIN, import_id: ref })}`;
    const blank = [];
    for (let i = 0; i < SNAPSHOTS; i++) {
      await resetMock(SITE);
      const profile = mkdtempSync(join(work, 'profile-'));
      const { stdout } = await run(CHROMIUM, [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        `--user-data-dir=${profile}`, '--dump-dom', '--virtual-time-budget=5000', url,
      ], { maxBuffer: 16 * 1024 * 1024, timeout: 60000 });
      rmSync(profile, { recursive: true, force: true });
      if (!/role="status"[^]*data-import-status="partial"/.test(stdout)) {
        blank.push(`load ${i + 1}: ${stdout.length} characters, no status`);
        continue;
      }
      // The page's early requests were the widget's first poll: each asked once.
      const counts = await mockCounts(SITE);
      assert.equal(counts[importPath(IDS.V4_MAIN, ref)], 1, `load ${i + 1}: ${JSON.stringify(counts)}`);
      assert.equal(counts[datasetPath(IDS.V4_MAIN)], 1, `load ${i + 1}: ${JSON.stringify(counts)}`);
    }
    assert.deepEqual(blank, [], `blank starts in ${SNAPSHOTS} loads`);
  });

  test('a repeat visit revalidates only the page; after a redeploy the next visit shows the new build, and nothing it asks for is missing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const responses = [];
    page.on('response', (r) => responses.push({ path: new URL(r.url()).pathname, status: r.status() }));
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const url = `${SITE}/?${new URLSearchParams({ dataset_id: IDS.V4_MAIN, import_id: IDS.REFERENCE_IMPORT })}`;
    await page.goto(url);
    await page.locator('[role=status] [data-import-status="partial"]').waitFor({ timeout: 20000 });
    // A repeat visit before the redeploy: the page is revalidated (a 304: headers only),
    // the hashed files come from the cache, not the network.
    await page.goto(url);
    await page.locator('[role=status] [data-import-status="partial"]').waitFor({ timeout: 20000 });
    const repeat = await page.evaluate(() => ({
      page: performance.getEntriesByType('navigation')[0].transferSize,
      files: performance.getEntriesByType('resource').filter((r) => !new URL(r.name).pathname.startsWith('/api/'))
        .map((r) => [new URL(r.name).pathname, r.transferSize]),
    }));
    assert.ok(repeat.page > 0 && repeat.page < 1024, `the page is revalidated, not sent again: ${repeat.page} bytes`);
    assert.ok(repeat.files.length > 0);
    assert.deepEqual(repeat.files.filter(([, size]) => size > 0), [], 'the hashed files come from the cache');

    const { old, fresh } = await redeploy();
    responses.length = 0;
    await page.goto(url);
    await page.locator('[role=status] [data-import-status="partial"]').waitFor({ timeout: 20000 });
    const own = responses.filter((r) => !r.path.startsWith('/api/'));
    assert.deepEqual(own.filter((r) => r.status >= 400), [], 'no file the page asked for is missing');
    assert.ok(own.some((r) => r.path.includes(fresh)), `the new build was loaded: ${JSON.stringify(own)}`);
    assert.ok(!own.some((r) => r.path.includes(old)), `nothing of the old build was asked for: ${JSON.stringify(own)}`);
    assert.equal(await page.locator('.pdm-panic, [data-chunk-failed]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
