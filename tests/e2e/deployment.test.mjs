// The deployment recipe (docs/proxy.md, "Deploying for a team"), run as written: Caddy with deploy/Caddyfile in front,
// asking an authentication service (a stand-in for oauth2-proxy with the same
// /oauth2/auth contract) about every request, and `dataset-proxy serve` behind it with the
// recipe's flags, serving the built widget on the same origin; `dataset-proxy mock` plays
// Prolific. Headless Chromium signs in (a cookie) and watches a dataset through it all.
//
// Run by scripts/test after `scripts/build-demo`:  node --test tests/e2e/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO, PORTS as ALL_PORTS, datasetPath } from '../support/stack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(ROOT, 'tools/package.json'));
const { chromium } = require('playwright-core');

const PROXY = process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy');
const CADDY = process.env.CADDY ?? '/usr/bin/caddy';
const HOST = '127.0.0.1';
const PORTS = ALL_PORTS.deploy;
const SITE = `http://${HOST}:${PORTS.site}`;
const PROLIFIC = `http://${HOST}:${PORTS.prolific}`;
const DATASET = DEMO.V3_READY; // V3 READY in the demo scenarios
const OTHER_DATASET = DEMO.REFERENCE_V3; // also in the demo, not allowed
const API = datasetPath(DATASET);
const USERS = { 'session-ada': 'ada@example.org', 'session-bob': 'bob@example.org', 'session-cy': 'cy@example.org' };

const children = [];
const logs = { serve: '' };
let authServer;
let browser;

function start(name, command, args, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { if (name === 'serve') logs.serve += d; });
  child.stderr.on('data', (d) => { if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`); });
  children.push(child);
  return child;
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { redirect: 'manual' });
      return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** A request from a chosen local address (127.0.0.2 is not the trusted front proxy). */
function rawGet(port, path, { headers = {}, localAddress } = {}) {
  return new Promise((resolvePromise, reject) => {
    const request = http.get({ host: HOST, port, path, headers, localAddress }, (response) => {
      const chunks = [];
      response.on('data', (d) => chunks.push(d));
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolvePromise({ status: response.statusCode, headers: response.headers, body: bytes.toString(), bytes });
      });
    });
    request.on('error', reject);
  });
}

async function prolificCounts() {
  return (await fetch(`${PROLIFIC}/_mock/requests`)).json();
}

before(async () => {
  // The stand-in for oauth2-proxy: /oauth2/auth answers 202 with the user's email for a
  // known session cookie and 401 otherwise, as oauth2-proxy's auth endpoint does.
  authServer = http.createServer((request, response) => {
    const session = /(?:^|;\s*)_oauth2_proxy=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (request.url.startsWith('/oauth2/auth')) {
      if (USERS[session]) {
        response.writeHead(202, { 'X-Auth-Request-Email': USERS[session] }).end();
      } else {
        response.writeHead(401).end();
      }
    } else if (request.url.startsWith('/oauth2/sign_in')) {
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('sign in here');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((r) => authServer.listen(PORTS.auth, HOST, r));

  start('prolific', PROXY, ['mock', '--listen', `${HOST}:${PORTS.prolific}`]);
  start('serve', PROXY, [
    'serve', '--listen', `${HOST}:${PORTS.serve}`, '--upstream', PROLIFIC,
    // The recipe's flags (deploy/dataset-proxy.service), with this test's addresses.
    '--allow-host', `${HOST}:${PORTS.site}`,
    '--trusted-proxy', HOST,
    '--require-user-header', 'X-Auth-Request-Email',
    '--allow-dataset', DATASET,
    '--rate-per-minute', '60', '--rate-burst', '20',
    '--static', join(ROOT, 'dist'),
  ], { PROLIFIC_TOKEN: 'deployment-test-token', RUST_LOG: 'info' });
  const home = mkdtempSync(join(tmpdir(), 'caddy-'));
  start('caddy', CADDY, ['run', '--config', join(ROOT, 'deploy/Caddyfile'), '--adapter', 'caddyfile'], {
    HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home,
    MONITOR_SITE: SITE, OAUTH2_PROXY: `${HOST}:${PORTS.auth}`, DATASET_PROXY: `${HOST}:${PORTS.serve}`,
  });
  await waitFor(`${PROLIFIC}/_mock/requests`);
  await waitFor(`http://${HOST}:${PORTS.serve}/healthz`);
  await waitFor(SITE);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  for (const child of children) child.kill();
  await new Promise((r) => (authServer ? authServer.close(r) : r()));
});

describe('deployment recipe: Caddy + oauth2-proxy + dataset-proxy serve', () => {
  test('a signed-out visitor is sent to sign in and nothing reaches Prolific', async () => {
    await fetch(`${PROLIFIC}/_mock/reset`, { method: 'POST' });
    const page = await rawGet(PORTS.site, `/?dataset_id=${DATASET}`);
    assert.equal(page.status, 302);
    assert.match(page.headers.location, /\/oauth2\/sign_in\?rd=/);
    const forged = await rawGet(PORTS.site, API, { headers: { 'X-Auth-Request-Email': 'ceo@example.org' } });
    assert.equal(forged.status, 302, 'a forged user header does not sign anyone in');
    assert.deepEqual(await prolificCounts(), {});
  });

  test('dataset-proxy itself refuses requests that bypass the front proxy', async () => {
    // Straight to dataset-proxy from an address that is not the trusted proxy's.
    const bypass = await rawGet(PORTS.serve, API, {
      headers: { Host: `${HOST}:${PORTS.site}`, 'X-Auth-Request-Email': 'ceo@example.org' },
      localAddress: '127.0.0.2',
    });
    assert.equal(bypass.status, 401);
    assert.equal(JSON.parse(bypass.body).error.status, 401);
    assert.deepEqual(await prolificCounts(), {});
  });

  test('a signed-in researcher sees the dataset, named in the log; other datasets look missing', async () => {
    await fetch(`${PROLIFIC}/_mock/reset`, { method: 'POST' });
    const context = await browser.newContext();
    await context.addCookies([{ name: '_oauth2_proxy', value: 'session-ada', url: SITE }]);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${SITE}/?dataset_id=${DATASET}`);
    await page.locator('[data-dataset-version="3"]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('[data-dataset-status]').getAttribute('data-dataset-status'), 'READY');
    assert.equal(await page.locator('[role=alert]').count(), 0);

    await page.goto(`${SITE}/?dataset_id=${OTHER_DATASET}`);
    const alert = page.locator('[role=alert]');
    await alert.first().waitFor({ timeout: 20000 });
    assert.match(await alert.first().innerText(), /not found|404/i);
    assert.deepEqual(problems, []);
    await context.close();

    const counts = await prolificCounts();
    assert.ok(counts[API] >= 1, JSON.stringify(counts));
    assert.equal(counts[`/api/v1/data-collection/datasets/${OTHER_DATASET}`], undefined, 'refused before Prolific');
    // The forged header is replaced by the signed-in user's own.
    const spoof = await rawGet(PORTS.site, API, {
      headers: { Cookie: '_oauth2_proxy=session-bob', 'X-Auth-Request-Email': 'ceo@example.org' },
    });
    assert.equal(spoof.status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(logs.serve, /caller=ada@example\.org/);
    assert.match(logs.serve, /caller=bob@example\.org/);
    assert.doesNotMatch(logs.serve, /ceo@example\.org/);
    assert.doesNotMatch(logs.serve, /deployment-test-token/);
  });

  test('the build comes through Caddy precompressed, cached forever or revalidated', async () => {
    const dist = join(ROOT, 'dist');
    const wasm = readdirSync(dist).find((f) => f.endsWith('_bg.wasm'));
    const get = (path, headers = {}) =>
      rawGet(PORTS.site, path, { headers: { Cookie: '_oauth2_proxy=session-cy', ...headers } });

    const page = await get('/', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-encoding'], 'br');
    assert.match(page.headers.vary ?? '', /accept-encoding/i);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.deepEqual(page.bytes, readFileSync(join(dist, 'index.html.br')), 'the precompressed file, as built');
    assert.deepEqual(brotliDecompressSync(page.bytes), readFileSync(join(dist, 'index.html')));
    assert.ok(page.headers.etag, 'a validator');
    const again = await get('/', { 'Accept-Encoding': 'gzip, deflate, br', 'If-None-Match': page.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);

    const code = await get(`/${wasm}`, { 'Accept-Encoding': 'gzip' });
    assert.equal(code.status, 200);
    assert.equal(code.headers['content-encoding'], 'gzip');
    assert.equal(code.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.deepEqual(code.bytes, readFileSync(join(dist, `${wasm}.gz`)));

    const plain = await get(`/${wasm}`, { 'Accept-Encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.bytes, readFileSync(join(dist, wasm)));
    assert.equal((await get('/.env')).status, 404);
  });

  test('the rate limit counts per signed-in user, not per front proxy', async () => {
    const get = (session) => rawGet(PORTS.site, API, { headers: { Cookie: `_oauth2_proxy=${session}` } });
    const ada = [];
    for (let i = 0; i < 25; i++) ada.push((await get('session-ada')).status);
    assert.ok(ada.includes(429), `ada is limited: ${ada}`);
    const retry = await get('session-ada');
    assert.equal(retry.status, 429);
    assert.ok(Number(retry.headers['retry-after']) >= 1);
    assert.equal((await get('session-bob')).status, 200, 'bob still has his allowance');
  });
});
