#!/usr/bin/env node
// Throughput and latency of `dataset-proxy serve` next to nginx, both in front of the
// same `dataset-proxy mock`, with the mock hit directly as the baseline. One load tool
// (wrk), one set of settings, targets interleaved round by round so slow drifts of the
// machine (thermal, other jobs) hit all alike; the medians are reported. The targets:
// the mock directly, serve forwarding every request (`--cache-ttl 0` once it has that
// option), nginx proxy_pass, and the two with their caches on: serve with its default
// TTL (only when it has `--cache-ttl`) and nginx proxy_cache keeping 200s 1 s.
//
//   node bench/proxy.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (default target/server/dataset-proxy, built with
// `cargo build -p dataset-proxy --profile server --locked`), BENCH_PROXY_THREADS (2),
// BENCH_PROXY_CONNECTIONS (32), BENCH_PROXY_DURATION (10s), BENCH_PROXY_ROUNDS (3),
// BENCH_PROXY_WARMUP (2s), BENCH_PROXY_{MOCK,SERVE,NGINX,SERVE_CACHE,NGINX_CACHE}_PORT
// (18961 to 18965).
// Everything runs on this machine: wrk, the mock and the proxy share its cores, so the
// figures compare the two proxies with each other, not with a real deployment.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  API_PREFIX, BIN, HOST, NGINX, Servers, TOKEN, WRK, binHint, fail, median, requireExecutable, round2, round3,
  run, runBench, serveHasOption, setupHint,
} from './servers.mjs';
import { DEMO } from '../tests/support/stack.mjs';

const env = process.env;
const DATASET_ID = DEMO.V4_MAIN; // a V4 dataset in the demo scenarios
const PATH = `${API_PREFIX}${DATASET_ID}`;
const settings = {
  threads: Number(env.BENCH_PROXY_THREADS || 2),
  connections: Number(env.BENCH_PROXY_CONNECTIONS || 32),
  duration: env.BENCH_PROXY_DURATION || '10s',
  rounds: Number(env.BENCH_PROXY_ROUNDS || 3),
  warmup: env.BENCH_PROXY_WARMUP || '2s',
  latencyDuration: env.BENCH_PROXY_LATENCY_DURATION || '5s',
};
const ports = {
  direct: Number(env.BENCH_PROXY_MOCK_PORT || 18961),
  serve: Number(env.BENCH_PROXY_SERVE_PORT || 18962),
  nginx: Number(env.BENCH_PROXY_NGINX_PORT || 18963),
  serve_cache: Number(env.BENCH_PROXY_SERVE_CACHE_PORT || 18964),
  nginx_cache: Number(env.BENCH_PROXY_NGINX_CACHE_PORT || 18965),
};
// serve_cache joins once `serve` has --cache-ttl (then `serve` runs with the cache off).
const TARGETS = ['direct', 'serve', 'nginx', 'nginx_cache'];
const LABELS = {
  direct: 'upstream direct', serve: 'dataset-proxy serve', nginx: 'nginx proxy_pass',
  serve_cache: 'serve, cache on', nginx_cache: 'nginx proxy_cache',
};
// nginx_cache keeps 200s as long as serve's default --cache-ttl (1 s).
const NGINX_CACHE_SECONDS = 1;
const url = (target) => `http://${HOST}:${ports[target]}${PATH}`;
const isDataset = (response, body) => response.ok
  && response.headers.get('content-type')?.startsWith('application/json') && JSON.parse(body).id === DATASET_ID;

const servers = new Servers();
// Forwarding alone: every request for a path never asked for before (bench/unique-paths.lua).
const UNIQUE_PATHS = path.join(path.dirname(new URL(import.meta.url).pathname), 'unique-paths.lua');
const FORWARD_TARGETS = ['serve', 'nginx'];

const MS_PER_UNIT = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

function parseWrk(text) {
  const number = (re) => { const m = text.match(re); return m ? Number(m[1]) : null; };
  const latency = (pct) => {
    const m = text.match(new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm'));
    return m ? Math.round(Number(m[1]) * MS_PER_UNIT[m[2]] * 1000) / 1000 : null; // µs precision, no float noise
  };
  const socket = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const result = {
    rps: number(/^Requests\/sec:\s+([\d.]+)/m),
    p50_ms: latency(50),
    p99_ms: latency(99),
    requests: number(/^\s*(\d+) requests in /m),
    socket_errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non_2xx: number(/Non-2xx or 3xx responses: (\d+)/) ?? 0,
  };
  if ([result.rps, result.p50_ms, result.p99_ms, result.requests].includes(null)) {
    fail(`cannot parse wrk's output:\n${text}`);
  }
  return result;
}

// The mock counts the requests that reach it: reset before a run, read after it.
async function mockCall(method, what) {
  const response = await fetch(`http://${HOST}:${ports.direct}/_mock/${what}`, { method });
  if (!response.ok) fail(`${method} /_mock/${what}: HTTP ${response.status}`);
  return method === 'GET' ? response.json() : null;
}

// One wrk run, with `upstream`: how many requests reached the mock meanwhile. A proxy
// that coalesces identical concurrent requests (serve, even at --cache-ttl 0) or caches
// answers sends fewer than it answers, so its throughput is not that of forwarding.
async function wrk(target, duration, threads = settings.threads, connections = settings.connections, unique = false) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${duration}`, '--latency',
    ...(unique ? ['-s', UNIQUE_PATHS] : []), url(target)];
  await mockCall('POST', 'reset');
  const pending = run(WRK, args, { maxBuffer: 1 << 20 });
  servers.track(pending.child); // so that an interrupt stops it too
  const { stdout } = await pending.catch((e) => fail(`wrk ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim()}`));
  const result = parseWrk(stdout);
  const counts = await mockCall('GET', 'requests');
  result.upstream = unique
    ? Object.entries(counts).filter(([p]) => p.startsWith(`${PATH}/imports/`)).reduce((sum, [, n]) => sum + n, 0)
    : counts[PATH] ?? 0;
  return result;
}

// Under a closed loop like wrk's, each target runs flat out at its own throughput, so
// its latencies are largely connections / throughput (Little's law) plus scheduling
// noise on the shared cores: read the p99 differences with that in mind.

async function main() {
  const out = process.argv[2];
  if (!out) fail('usage: node bench/proxy.mjs OUT.json');
  for (const key of ['threads', 'connections', 'rounds']) {
    if (!(Number.isInteger(settings[key]) && settings[key] > 0)) fail(`BENCH_PROXY_${key.toUpperCase()} must be a positive integer`);
  }
  requireExecutable(WRK, setupHint);
  requireExecutable(NGINX, setupHint);
  requireExecutable(BIN, binHint);

  // `wrk -v` prints its version, then the usage, and exits 1.
  const wrkVersion = await run(WRK, ['-v']).catch((e) => e);
  const nginxVersion = (await run(NGINX, ['-v'])).stderr.trim();
  const cacheTtl = await serveHasOption('--cache-ttl');

  // RUST_LOG=warn for both: at the default `info` every request is logged, and the
  // benchmark would measure the terminal.
  await servers.start('dataset-proxy mock', BIN, ['mock', '--listen', `${HOST}:${ports.direct}`],
    { env: { RUST_LOG: 'warn' }, port: ports.direct, url: url('direct'), ready: isDataset });
  const startServe = (target, extra) => servers.start(`dataset-proxy serve (${LABELS[target]})`, BIN, [
    'serve', '--listen', `${HOST}:${ports[target]}`, '--upstream', `http://${HOST}:${ports.direct}`,
    // The default per-client limit (300/min) would turn the load into 429s.
    '--rate-per-minute', '1000000000', '--rate-burst', '1000000000', ...extra,
  ], { env: { PROLIFIC_TOKEN: TOKEN, RUST_LOG: 'warn' }, port: ports[target], url: url(target), ready: isDataset });
  // `serve` is the proxy that forwards every request; with --cache-ttl, `serve_cache`
  // is the same with its default TTL, to compare with nginx's proxy_cache.
  await startServe('serve', cacheTtl ? ['--cache-ttl', '0'] : []);
  if (cacheTtl) {
    await startServe('serve_cache', []);
    TARGETS.splice(TARGETS.indexOf('nginx'), 0, 'serve_cache');
  } else {
    console.error('note: this dataset-proxy has no --cache-ttl: no "serve, cache on" target');
  }
  await servers.nginx(ports.direct, [
    { port: ports.nginx, cache: false },
    { port: ports.nginx_cache, cache: NGINX_CACHE_SECONDS },
  ], { url: (s) => `http://${HOST}:${s.port}${PATH}`, ready: isDataset });

  for (const target of TARGETS) {
    console.error(`warm-up ${LABELS[target]} (${settings.warmup})`);
    await wrk(target, settings.warmup);
  }
  const runs = [];
  const failures = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of TARGETS) {
      const r = await wrk(target, settings.duration);
      const errors = r.socket_errors + r.non_2xx;
      runs.push({
        target, round, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, requests: r.requests, errors,
        upstream: r.upstream, upstream_per_request: round3(r.upstream / r.requests),
      });
      console.error(`round ${round}/${settings.rounds} ${LABELS[target].padEnd(20)} ${r.rps.toFixed(0)} req/s, p50 ${r.p50_ms.toFixed(2)} ms, p99 ${r.p99_ms.toFixed(2)} ms, ${r.upstream} upstream for ${r.requests}`);
      if (errors > 0) {
        const message = `${LABELS[target]} round ${round}: ${r.socket_errors} socket errors, ${r.non_2xx} non-2xx responses`;
        failures.push(message);
        console.error(`FAILURE: ${message}`);
      }
    }
  }

  // Forwarding alone, with every request for a new path (answered 404 by the mock, so
  // only socket errors count as failures): what coalescing and caches cannot help with.
  const forwardRuns = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of FORWARD_TARGETS) {
      const r = await wrk(target, settings.duration, settings.threads, settings.connections, true);
      forwardRuns.push({
        target, round, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, requests: r.requests, errors: r.socket_errors,
        upstream: r.upstream, upstream_per_request: round3(r.upstream / r.requests),
      });
      console.error(`forwarding round ${round}/${settings.rounds} ${LABELS[target].padEnd(20)} ${r.rps.toFixed(0)} req/s, ${r.upstream} upstream for ${r.requests}`);
      if (r.socket_errors > 0) failures.push(`${LABELS[target]} forwarding round ${round}: ${r.socket_errors} socket errors`);
    }
  }

  // Latency without queueing: one connection, one request at a time, so the difference
  // between targets is the time each hop adds (the saturated runs above cannot show it).
  const latencyRuns = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of TARGETS) {
      const r = await wrk(target, settings.latencyDuration, 1, 1);
      latencyRuns.push({
        target, round, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, requests: r.requests, errors: r.socket_errors + r.non_2xx,
        upstream: r.upstream, upstream_per_request: round3(r.upstream / r.requests),
      });
      console.error(`latency round ${round}/${settings.rounds} ${LABELS[target].padEnd(20)} p50 ${r.p50_ms.toFixed(3)} ms, p99 ${r.p99_ms.toFixed(3)} ms`);
      if (r.socket_errors + r.non_2xx > 0) failures.push(`${LABELS[target]} latency round ${round}: errors`);
    }
  }

  const medians = (list, targets = TARGETS) => {
    const out = {};
    for (const target of targets) {
      const mine = list.filter((r) => r.target === target);
      out[target] = Object.fromEntries(['rps', 'p50_ms', 'p99_ms', 'upstream_per_request'].map((k) => [k, round3(median(mine.map((r) => r[k])))]));
    }
    return out;
  };
  const summary = medians(runs);
  const latency = medians(latencyRuns);
  const forwarding = medians(forwardRuns, FORWARD_TARGETS);
  const result = {
    settings: {
      tool: wrkVersion.stdout.split('\n')[0].trim(), threads: settings.threads, connections: settings.connections,
      duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, path: PATH,
      serve_cache_ttl: cacheTtl ? 'default' : null, nginx_cache_seconds: NGINX_CACHE_SECONDS,
      latency_duration: settings.latencyDuration,
      cpus: os.availableParallelism?.() ?? os.cpus().length,
    },
    versions: { nginx: nginxVersion },
    runs,
    latency_runs: latencyRuns,
    forwarding_runs: forwardRuns,
    summary,
    latency,
    forwarding,
    derived: {
      serve_vs_nginx_rps: round2(summary.serve.rps / summary.nginx.rps),
      // Every request a new path: forwarding alone, nothing shared or kept.
      serve_vs_nginx_forwarding_rps: round2(forwarding.serve.rps / forwarding.nginx.rps),
      // Both answering from their caches (null before serve had one).
      serve_cache_vs_nginx_cache_rps: summary.serve_cache ? round2(summary.serve_cache.rps / summary.nginx_cache.rps) : null,
      // From the one-connection runs: what each hop adds.
      serve_added_p99_ms: round3(latency.serve.p99_ms - latency.direct.p99_ms),
      nginx_added_p99_ms: round3(latency.nginx.p99_ms - latency.direct.p99_ms),
    },
    failures,
  };
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`${'target'.padEnd(22)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'upstream/req'.padStart(14)}`);
  for (const target of TARGETS) {
    const s = summary[target];
    console.log(`${LABELS[target].padEnd(22)}${s.rps.toFixed(0).padStart(10)}${s.p50_ms.toFixed(2).padStart(10)}${s.p99_ms.toFixed(2).padStart(10)}${s.upstream_per_request.toFixed(3).padStart(14)}`);
  }
  if (result.derived.serve_cache_vs_nginx_cache_rps !== null) console.log(`with caches: serve/nginx throughput ${result.derived.serve_cache_vs_nginx_cache_rps}`);
  console.log(`forwarding alone (every path new): serve/nginx throughput ${result.derived.serve_vs_nginx_forwarding_rps}`);
  console.log(`serve/nginx throughput ${result.derived.serve_vs_nginx_rps}; added p99: serve ${result.derived.serve_added_p99_ms} ms, nginx ${result.derived.nginx_added_p99_ms} ms`);
  console.log(`(medians of ${settings.rounds} rounds, wrk -t${settings.threads} -c${settings.connections} -d${settings.duration}; written to ${out})`);
  if (failures.length) process.exitCode = 1;
}

await runBench('bench/proxy', servers, main);
