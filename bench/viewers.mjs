#!/usr/bin/env node
// Many viewers polling one import: how many requests reach the upstream. Each viewer is
// a browser tab with its own keep-alive connection that polls one import path every 2 s,
// starting at a random moment in the first 2 s. The same load goes through, one after
// the other:
//   serve        `dataset-proxy serve` (with `--cache-ttl TTL` when it has that option;
//                without it, the proxy as it was before coalescing: the "before" figures),
//   nginx_cache  nginx with proxy_cache + proxy_cache_lock, 200s kept TTL seconds,
//   nginx        nginx with plain proxy_pass (no cache: what deployments do today),
// all in front of `dataset-proxy mock`, whose per-path request counts (`/_mock/requests`,
// reset before each run) are the upstream requests.
//
//   node bench/viewers.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (default target/server/dataset-proxy), BENCH_VIEWERS_COUNTS
// (1,10,100,1000), BENCH_VIEWERS_DURATION (seconds of polling per run, 20: 12 runs in
// about 4.5 minutes), BENCH_VIEWERS_INTERVAL (2, seconds), BENCH_VIEWERS_TTL (1, seconds:
// serve's --cache-ttl and nginx's proxy_cache_valid), BENCH_VIEWERS_TARGETS
// (serve,nginx_cache,nginx), BENCH_VIEWERS_SERVE_ARGS (extra arguments for serve,
// whitespace-separated), BENCH_VIEWERS_{MOCK,SERVE,NGINX_CACHE,NGINX}_PORT (18971-18974).
// Everything runs on this machine, on 127.0.0.1.

import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  API_PREFIX, BIN, HOST, NGINX, Servers, TOKEN, binHint, fail, requireExecutable, round3, run, runBench,
  serveHasOption, setupHint,
} from './servers.mjs';
import { DEMO } from '../tests/support/stack.mjs';

const env = process.env;
// An import that answers 200 with a small in-progress body, every time (demo scenarios).
const PATH = `${API_PREFIX}${DEMO.V4_MAIN}/imports/${DEMO.REFERENCE_IMPORT}`;
const settings = {
  counts: (env.BENCH_VIEWERS_COUNTS || '1,10,100,1000').split(',').map(Number),
  duration_s: Number(env.BENCH_VIEWERS_DURATION || 20),
  interval_s: Number(env.BENCH_VIEWERS_INTERVAL || 2),
  ttl_s: Number(env.BENCH_VIEWERS_TTL || 1),
  targets: (env.BENCH_VIEWERS_TARGETS || 'serve,nginx_cache,nginx').split(','),
};
const ports = {
  mock: Number(env.BENCH_VIEWERS_MOCK_PORT || 18971),
  serve: Number(env.BENCH_VIEWERS_SERVE_PORT || 18972),
  nginx_cache: Number(env.BENCH_VIEWERS_NGINX_CACHE_PORT || 18973),
  nginx: Number(env.BENCH_VIEWERS_NGINX_PORT || 18974),
};
const LABELS = { serve: 'dataset-proxy serve', nginx_cache: 'nginx proxy_cache', nginx: 'nginx proxy_pass' };
const url = (port, p = PATH) => `http://${HOST}:${port}${p}`;
const isImport = (response, body) => response.ok && body.includes('"import_id"');
const REQUEST_TIMEOUT_MS = 10_000;

// One poll: a GET on the viewer's own keep-alive connection; resolves with the status
// (0 for a failure) and the time to the whole body, in ms.
function poll(agent, port) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const done = (status) => resolve({ status, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    const request = http.get({ host: HOST, port, path: PATH, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      response.on('data', () => {});
      response.on('end', () => done(response.statusCode));
      response.on('error', () => done(0));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => done(0));
  });
}

// A viewer: polls every interval from a random start within the first interval until
// the run's end; never more than one poll in flight (a late answer delays the next).
async function viewer(port, start, end, samples) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const interval = settings.interval_s * 1000;
  let next = start + Math.random() * interval;
  try {
    while (next < end) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      samples.push(await poll(agent, port));
      next += interval;
      while (next < performance.now() - interval) next += interval; // skip polls missed by far
    }
  } finally {
    agent.destroy();
  }
}

const percentile = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;

async function mockRequests() {
  const response = await fetch(url(ports.mock, '/_mock/requests'));
  if (!response.ok) fail(`GET /_mock/requests: HTTP ${response.status}`);
  return response.json();
}

async function resetMock() {
  const response = await fetch(url(ports.mock, '/_mock/reset'), { method: 'POST' });
  if (!response.ok) fail(`POST /_mock/reset: HTTP ${response.status}`);
}

async function measure(target, viewers) {
  await resetMock();
  const samples = [];
  const start = performance.now() + 50;
  const end = start + settings.duration_s * 1000;
  await Promise.all(Array.from({ length: viewers }, () => viewer(ports[target], start, end, samples)));
  const counts = await mockRequests();
  const upstream = counts[PATH] ?? 0;
  const ok = samples.filter((s) => s.status === 200);
  const latencies = ok.map((s) => s.ms).sort((a, b) => a - b);
  const polls = samples.length;
  return {
    target, viewers, polls,
    errors: polls - ok.length,
    upstream,
    upstream_per_poll: polls ? round3(upstream / polls) : null,
    upstream_per_s: round3(upstream / settings.duration_s),
    // What "at most one upstream request per TTL" allows over the run (+1: a window cut
    // by the run's start or end).
    upstream_allowed: Math.ceil(settings.duration_s / settings.ttl_s) + 1,
    p50_ms: round3(percentile(latencies, 50)),
    p99_ms: round3(percentile(latencies, 99)),
  };
}

async function main(servers) {
  const out = process.argv[2];
  if (!out) fail('usage: node bench/viewers.mjs OUT.json');
  if (!settings.counts.every((n) => Number.isInteger(n) && n > 0)) fail('BENCH_VIEWERS_COUNTS must be positive integers, comma-separated');
  for (const key of ['duration_s', 'interval_s', 'ttl_s']) {
    if (!(settings[key] > 0)) fail(`${key} must be a positive number of seconds`);
  }
  const unknown = settings.targets.filter((t) => !LABELS[t]);
  if (unknown.length) fail(`unknown targets ${unknown.join(', ')} (known: ${Object.keys(LABELS).join(', ')})`);
  requireExecutable(BIN, binHint);
  const needsNginx = settings.targets.some((t) => t.startsWith('nginx'));
  if (needsNginx) requireExecutable(NGINX, setupHint);
  const nginxVersion = needsNginx ? (await run(NGINX, ['-v'])).stderr.trim() : null;

  // RUST_LOG=warn: at the default `info` every request is logged.
  await servers.start('dataset-proxy mock', BIN, ['mock', '--listen', `${HOST}:${ports.mock}`],
    { env: { RUST_LOG: 'warn' }, port: ports.mock, url: url(ports.mock), ready: isImport });
  const cacheTtl = await serveHasOption('--cache-ttl');
  if (settings.targets.includes('serve')) {
    await servers.start('dataset-proxy serve', BIN, [
      'serve', '--listen', `${HOST}:${ports.serve}`, '--upstream', `http://${HOST}:${ports.mock}`,
      // All viewers share one address: the per-client limit would turn them into 429s.
      '--rate-per-minute', '1000000000', '--rate-burst', '1000000000',
      // ... and so would the per-client connection cap (one keep-alive socket per viewer).
      ...(cacheTtl ? ['--max-connections-per-client', '100000'] : []),
      ...(cacheTtl ? ['--cache-ttl', String(settings.ttl_s)] : []),
      ...(env.BENCH_VIEWERS_SERVE_ARGS || '').split(/\s+/).filter(Boolean),
    ], { env: { PROLIFIC_TOKEN: TOKEN, RUST_LOG: 'warn' }, port: ports.serve, url: url(ports.serve), ready: isImport });
  }
  const nginxServers = settings.targets.filter((t) => t.startsWith('nginx'))
    .map((t) => ({ port: ports[t], cache: t === 'nginx_cache' ? settings.ttl_s : false }));
  if (nginxServers.length) {
    await servers.nginx(ports.mock, nginxServers, { url: (s) => url(s.port), ready: isImport });
  }
  if (!cacheTtl) {
    console.error('note: this dataset-proxy has no --cache-ttl: its figures are those before coalescing and caching');
  }

  const runs = [];
  for (const viewers of settings.counts) {
    for (const target of settings.targets) {
      const r = await measure(target, viewers);
      runs.push(r);
      console.error(`${String(viewers).padStart(5)} viewers ${LABELS[target].padEnd(20)} ${r.polls} polls, ${r.upstream} upstream `
        + `(${r.upstream_per_poll}/poll, ${r.upstream_per_s}/s), p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms${r.errors ? `, ${r.errors} ERRORS` : ''}`);
    }
  }
  const failures = runs.filter((r) => r.errors > 0).map((r) => `${LABELS[r.target]}, ${r.viewers} viewers: ${r.errors} failed polls`);
  const result = {
    settings: {
      ...settings, path: PATH, serve_cache_ttl: cacheTtl ? settings.ttl_s : null,
      cpus: os.availableParallelism?.() ?? os.cpus().length,
    },
    versions: { nginx: nginxVersion },
    runs,
    failures,
  };
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`${'viewers'.padEnd(8)}${'target'.padEnd(22)}${'polls'.padStart(8)}${'upstream'.padStart(10)}${'/poll'.padStart(8)}${'/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`);
  for (const r of runs) {
    console.log(`${String(r.viewers).padEnd(8)}${LABELS[r.target].padEnd(22)}${String(r.polls).padStart(8)}${String(r.upstream).padStart(10)}`
      + `${(r.upstream_per_poll ?? 0).toFixed(3).padStart(8)}${r.upstream_per_s.toFixed(2).padStart(8)}${(r.p50_ms ?? 0).toFixed(2).padStart(9)}${(r.p99_ms ?? 0).toFixed(2).padStart(9)}`);
  }
  console.log(`(${settings.duration_s} s per run, a poll every ${settings.interval_s} s per viewer, TTL ${settings.ttl_s} s`
    + `${cacheTtl ? '' : '; serve without --cache-ttl: before coalescing'}; written to ${out})`);
  if (failures.length) process.exitCode = 1;
}

const servers = new Servers();
await runBench('bench/viewers', servers, () => main(servers));
