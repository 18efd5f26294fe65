#!/usr/bin/env node
// Throughput and latency of `dataset-proxy serve` next to nginx, both in front of the
// same `dataset-proxy mock`, with the mock hit directly as the baseline. One load tool
// (wrk), one set of settings, targets interleaved round by round so slow drifts of the
// machine (thermal, other jobs) hit all three alike; the medians are reported.
//
//   node bench/proxy.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (default target/server/dataset-proxy, built with
// `cargo build -p dataset-proxy --profile server --locked`), BENCH_PROXY_THREADS (2),
// BENCH_PROXY_CONNECTIONS (32), BENCH_PROXY_DURATION (10s), BENCH_PROXY_ROUNDS (3),
// BENCH_PROXY_WARMUP (2s), BENCH_PROXY_{MOCK,SERVE,NGINX}_PORT (18961, 18962, 18963).
// Everything runs on this machine: wrk, the mock and the proxy share its cores, so the
// figures compare the two proxies with each other, not with a real deployment.

import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const env = process.env;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = env.DATASET_PROXY_BIN || path.join(ROOT, 'target/server/dataset-proxy');
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';
const HOST = '127.0.0.1';
const DATASET_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6'; // a V4 dataset in the demo scenarios
const PATH = `/api/v1/data-collection/datasets/${DATASET_ID}`;
const TOKEN = 'bench-token';
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
};
const TARGETS = ['direct', 'serve', 'nginx'];
const LABELS = { direct: 'upstream direct', serve: 'dataset-proxy serve', nginx: 'nginx proxy_pass' };
const url = (target) => `http://${HOST}:${ports[target]}${PATH}`;

const children = [];
let tempDir;
let interrupted = false; // then a failing wrk is our doing, not worth a message

// Expected failures are reported by message alone; anything else with its stack.
const problem = (message) => Object.assign(new Error(message), { expected: true });
const fail = (message) => { throw problem(message); };

function requireExecutable(file, hint) {
  try { accessSync(file, constants.X_OK); } catch { fail(`${file} not found or not executable; ${hint}`); }
}

// A server that cannot bind exits, but a stale one already on the port would answer our
// readiness poll and be measured instead; so refuse to start on a busy port.
function ensurePortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
      .once('error', () => reject(problem(`port ${HOST}:${port} is in use; stop whatever listens there`)));
    probe.listen(port, HOST, () => probe.close(resolve));
  });
}

// Starts a server, keeps the tail of its output for error messages, and waits until the
// benchmark path answers 200 with the dataset's JSON.
async function startServer(name, command, args, extraEnv, target) {
  await ensurePortFree(ports[target]);
  const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => { output += `\n${e.message}`; });
  children.push(child);
  const deadline = Date.now() + 15_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) fail(`${name} exited before it was ready:\n${output.trim()}`);
    try {
      const response = await fetch(url(target));
      const body = await response.text();
      last = `HTTP ${response.status}: ${body.slice(0, 200)}`;
      if (response.ok && response.headers.get('content-type')?.startsWith('application/json')
          && JSON.parse(body).id === DATASET_ID) return;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${name} did not answer ${url(target)} with the dataset within 15 s (last: ${last})\n${output.trim()}`);
}

function nginxConfig(dir) {
  // Mirrors what `serve` does: one upstream, pooled keep-alive connections to it, the
  // token added, nothing logged per request. Temp paths default to /var/lib/nginx, so
  // all of them move into the temp dir with the pid file.
  return `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream mock {
    server ${HOST}:${ports.direct};
    keepalive 32;
  }
  server {
    listen ${HOST}:${ports.nginx};
    location /api/v1/data-collection/datasets/ {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Token ${TOKEN}";
    }
  }
}
`;
}

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

async function wrk(target, duration, threads = settings.threads, connections = settings.connections) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${duration}`, '--latency', url(target)];
  const pending = run(WRK, args, { maxBuffer: 1 << 20 });
  children.push(pending.child); // so that an interrupt stops it too
  const { stdout } = await pending.catch((e) => fail(`wrk ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim()}`));
  return parseWrk(stdout);
}

// Under a closed loop like wrk's, each target runs flat out at its own throughput, so
// its latencies are largely connections / throughput (Little's law) plus scheduling
// noise on the shared cores: read the p99 differences with that in mind.
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round2 = (x) => Math.round(x * 100) / 100;
const round3 = (x) => Math.round(x * 1000) / 1000;

async function main() {
  const out = process.argv[2];
  if (!out) fail('usage: node bench/proxy.mjs OUT.json');
  for (const key of ['threads', 'connections', 'rounds']) {
    if (!(Number.isInteger(settings[key]) && settings[key] > 0)) fail(`BENCH_PROXY_${key.toUpperCase()} must be a positive integer`);
  }
  const setupHint = 'run `scripts/setup --bench`';
  requireExecutable(WRK, setupHint);
  requireExecutable(NGINX, setupHint);
  requireExecutable(BIN, 'build it with `cargo build -p dataset-proxy --profile server --locked` or set DATASET_PROXY_BIN');

  // `wrk -v` prints its version, then the usage, and exits 1.
  const wrkVersion = await run(WRK, ['-v']).catch((e) => e);
  const nginxVersion = (await run(NGINX, ['-v'])).stderr.trim();

  // RUST_LOG=warn for both: at the default `info` every request is logged, and the
  // benchmark would measure the terminal.
  await startServer('dataset-proxy mock', BIN, ['mock', '--listen', `${HOST}:${ports.direct}`], { RUST_LOG: 'warn' }, 'direct');
  await startServer('dataset-proxy serve', BIN, [
    'serve', '--listen', `${HOST}:${ports.serve}`, '--upstream', `http://${HOST}:${ports.direct}`,
    // The default per-client limit (300/min) would turn the load into 429s.
    '--rate-per-minute', '1000000000', '--rate-burst', '1000000000',
  ], { PROLIFIC_TOKEN: TOKEN, RUST_LOG: 'warn' }, 'serve');
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'bench-nginx-'));
  // nginx's workers run as nobody and create nothing here unless a body spills to disk,
  // but then they must reach the temp paths inside this (0700) directory.
  await chmod(tempDir, 0o755);
  await writeFile(path.join(tempDir, 'nginx.conf'), nginxConfig(tempDir));
  // -e: the log nginx uses before it has read the config (else the compiled-in one).
  await startServer('nginx', NGINX, ['-p', tempDir, '-e', path.join(tempDir, 'error.log'),
    '-c', path.join(tempDir, 'nginx.conf'), '-g', 'daemon off;'], {}, 'nginx');

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
      runs.push({ target, round, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, requests: r.requests, errors });
      console.error(`round ${round}/${settings.rounds} ${LABELS[target].padEnd(20)} ${r.rps.toFixed(0)} req/s, p50 ${r.p50_ms.toFixed(2)} ms, p99 ${r.p99_ms.toFixed(2)} ms`);
      if (errors > 0) {
        const message = `${LABELS[target]} round ${round}: ${r.socket_errors} socket errors, ${r.non_2xx} non-2xx responses`;
        failures.push(message);
        console.error(`FAILURE: ${message}`);
      }
    }
  }

  // Latency without queueing: one connection, one request at a time, so the difference
  // between targets is the time each hop adds (the saturated runs above cannot show it).
  const latencyRuns = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of TARGETS) {
      const r = await wrk(target, settings.latencyDuration, 1, 1);
      latencyRuns.push({ target, round, rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, requests: r.requests, errors: r.socket_errors + r.non_2xx });
      console.error(`latency round ${round}/${settings.rounds} ${LABELS[target].padEnd(20)} p50 ${r.p50_ms.toFixed(3)} ms, p99 ${r.p99_ms.toFixed(3)} ms`);
      if (r.socket_errors + r.non_2xx > 0) failures.push(`${LABELS[target]} latency round ${round}: errors`);
    }
  }

  const medians = (list) => {
    const out = {};
    for (const target of TARGETS) {
      const mine = list.filter((r) => r.target === target);
      out[target] = Object.fromEntries(['rps', 'p50_ms', 'p99_ms'].map((k) => [k, round3(median(mine.map((r) => r[k])))]));
    }
    return out;
  };
  const summary = medians(runs);
  const latency = medians(latencyRuns);
  const result = {
    settings: {
      tool: wrkVersion.stdout.split('\n')[0].trim(), threads: settings.threads, connections: settings.connections,
      duration: settings.duration, rounds: settings.rounds, warmup: settings.warmup, path: PATH,
      latency_duration: settings.latencyDuration,
      cpus: os.availableParallelism?.() ?? os.cpus().length,
    },
    versions: { nginx: nginxVersion },
    runs,
    latency_runs: latencyRuns,
    summary,
    latency,
    derived: {
      serve_vs_nginx_rps: round2(summary.serve.rps / summary.nginx.rps),
      // From the one-connection runs: what each hop adds.
      serve_added_p99_ms: round3(latency.serve.p99_ms - latency.direct.p99_ms),
      nginx_added_p99_ms: round3(latency.nginx.p99_ms - latency.direct.p99_ms),
    },
    failures,
  };
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`${'target'.padEnd(22)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`);
  for (const target of TARGETS) {
    const s = summary[target];
    console.log(`${LABELS[target].padEnd(22)}${s.rps.toFixed(0).padStart(10)}${s.p50_ms.toFixed(2).padStart(10)}${s.p99_ms.toFixed(2).padStart(10)}`);
  }
  console.log(`serve/nginx throughput ${result.derived.serve_vs_nginx_rps}; added p99: serve ${result.derived.serve_added_p99_ms} ms, nginx ${result.derived.nginx_added_p99_ms} ms`);
  console.log(`(medians of ${settings.rounds} rounds, wrk -t${settings.threads} -c${settings.connections} -d${settings.duration}; written to ${out})`);
  if (failures.length) process.exitCode = 1;
}

// Stops every server we started. nginx's master takes its workers down on SIGTERM.
async function cleanup() {
  await Promise.all(children.map((child) => {
    if (child.exitCode !== null || child.signalCode !== null) return null;
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => { clearTimeout(force); resolve(); });
      child.kill('SIGTERM');
    });
  }));
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench/proxy: ${signal}, stopping the servers`);
    cleanup().finally(() => process.exit(code));
  });
}

try {
  await main();
} catch (e) {
  if (!interrupted) console.error(`bench/proxy: ${e.expected ? e.message : e.stack}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
