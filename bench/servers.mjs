// What bench/proxy.mjs and bench/viewers.mjs share: starting `dataset-proxy` and nginx on
// 127.0.0.1, waiting until they answer, nginx's config, and stopping everything.

import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = process.env.DATASET_PROXY_BIN || path.join(ROOT, 'target/server/dataset-proxy');
export const NGINX = '/usr/sbin/nginx';
export const WRK = '/usr/bin/wrk';
export const HOST = '127.0.0.1';
export const TOKEN = 'bench-token';
export const API_PREFIX = '/api/v1/data-collection/datasets/';

// Expected failures are reported by message alone; anything else with its stack.
export const problem = (message) => Object.assign(new Error(message), { expected: true });
export const fail = (message) => { throw problem(message); };

export function requireExecutable(file, hint) {
  try { accessSync(file, constants.X_OK); } catch { fail(`${file} not found or not executable; ${hint}`); }
}

export const setupHint = 'run `scripts/setup --bench`';
export const binHint = 'build it with `cargo build -p dataset-proxy --profile server --locked` or set DATASET_PROXY_BIN';

// A server that cannot bind exits, but a stale one already on the port would answer our
// readiness poll and be measured instead; so refuse to start on a busy port.
export function ensurePortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
      .once('error', () => reject(problem(`port ${HOST}:${port} is in use; stop whatever listens there`)));
    probe.listen(port, HOST, () => probe.close(resolve));
  });
}

// Whether `dataset-proxy serve` has an option (it grows them; a bench must also measure
// the build before).
export async function serveHasOption(option) {
  const { stdout } = await run(BIN, ['serve', '--help']).catch((e) => fail(`${BIN} serve --help failed: ${e.message}`));
  return stdout.includes(option);
}

export { median } from './stats.mjs';
export const round2 = (x) => Math.round(x * 100) / 100;
export const round3 = (x) => Math.round(x * 1000) / 1000;

// nginx in front of the mock: one http block, one server per entry of `servers`
// ({ port, cache: false | seconds }). Mirrors what `serve` does: pooled keep-alive
// connections upstream, the token added, nothing logged per request. With `cache`, a
// proxy_cache that keeps 200s that many seconds, whatever the upstream's headers say, and
// lets one request per key through while the others wait for it (proxy_cache_lock).
// Temp paths default to /var/lib/nginx, so all of them move into `dir` with the pid file.
export function nginxConfig(dir, upstreamPort, servers) {
  const location = ({ cache }) => `
    location ${API_PREFIX} {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Token ${TOKEN}";${cache ? `
      proxy_cache bench;
      proxy_cache_lock on;
      proxy_cache_valid 200 ${cache}s;
      proxy_ignore_headers Cache-Control Expires Set-Cookie Vary;` : ''}
    }`;
  const blocks = servers.map((server) => `
  server {
    listen ${HOST}:${server.port};${location(server)}
  }`).join('');
  return `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=bench:1m max_size=16m inactive=1m use_temp_path=off;
  upstream mock {
    server ${HOST}:${upstreamPort};
    keepalive 32;
  }${blocks}
}
`;
}

// The servers one bench run started; `stop()` ends them all.
export class Servers {
  constructor() {
    this.children = [];
    this.tempDirs = [];
  }

  // Keeps a child (a load generator too) so that `stop()` ends it.
  track(child) {
    this.children.push(child);
    return child;
  }

  // Starts a server, keeps the tail of its output for error messages, and waits until
  // `url` answers in a way `ready(response, body)` accepts.
  async start(name, command, args, { env = {}, port, url, ready }) {
    await ensurePortFree(port);
    const child = this.track(spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    const keep = (chunk) => { output = (output + chunk).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => { output += `\n${e.message}`; });
    const deadline = Date.now() + 15_000;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) fail(`${name} exited before it was ready:\n${output.trim()}`);
      try {
        const response = await fetch(url);
        const body = await response.text();
        last = `HTTP ${response.status}: ${body.slice(0, 200)}`;
        if (ready(response, body)) return child;
      } catch (e) {
        last = e.cause?.code ?? e.message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    fail(`${name} did not answer ${url} as expected within 15 s (last: ${last})\n${output.trim()}`);
  }

  // nginx with `nginxConfig(…, upstreamPort, servers)`; ready when `url(server)` answers
  // as `ready` accepts, for every server.
  async nginx(upstreamPort, servers, { url, ready }) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-nginx-'));
    this.tempDirs.push(dir);
    // nginx's workers run as nobody: they must reach the temp and cache paths inside
    // this (0700) directory.
    await chmod(dir, 0o755);
    await writeFile(path.join(dir, 'nginx.conf'), nginxConfig(dir, upstreamPort, servers));
    for (const server of servers.slice(1)) await ensurePortFree(server.port);
    // -e: the log nginx uses before it has read the config (else the compiled-in one).
    await this.start('nginx', NGINX, ['-p', dir, '-e', path.join(dir, 'error.log'),
      '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { port: servers[0].port, url: url(servers[0]), ready });
    for (const server of servers.slice(1)) {
      const response = await fetch(url(server));
      const body = await response.text();
      if (!ready(response, body)) fail(`nginx on port ${server.port} answered HTTP ${response.status}: ${body.slice(0, 200)}`);
    }
  }

  // Stops every child. nginx's master takes its workers down on SIGTERM.
  async stop() {
    await Promise.all(this.children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return null;
      return new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => { clearTimeout(force); resolve(); });
        child.kill('SIGTERM');
      });
    }));
    this.children = [];
    await Promise.all(this.tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    this.tempDirs = [];
  }
}

// Runs `main`, reports failures, stops the servers on the way out and on SIGINT/SIGTERM.
export async function runBench(name, servers, main) {
  let interrupted = false; // then a failing load generator is our doing, not worth a message
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`${name}: ${signal}, stopping the servers`);
      servers.stop().finally(() => process.exit(code));
    });
  }
  try {
    await main();
  } catch (e) {
    if (!interrupted) console.error(`${name}: ${e.expected ? e.message : e.stack}`);
    process.exitCode = 1;
  } finally {
    await servers.stop();
  }
}
