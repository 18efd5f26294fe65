#!/usr/bin/env node
// One client against `dataset-proxy serve` on loopback: how long a silent, a trickling
// and an idle kept-alive connection stay open; whether another client is still served
// while one address holds 1,100 sockets under a 1,024 open-file limit; memory held per
// unfinished request head; how long SIGTERM takes while a request is half sent.
//
//   node bench/connections.mjs OUT.json
//
// Env: DATASET_PROXY_BIN (default target/server/dataset-proxy), BENCH_CONN_LIMIT_S (65:
// how long to wait for a connection to be closed), BENCH_CONN_PORT_BASE (18981).
// Every target is 127.0.0.1 (and 127.0.0.2 as "another client"); every loop is bounded.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEMO } from '../tests/support/stack.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.DATASET_PROXY_BIN || path.join(ROOT, 'target/server/dataset-proxy');
const LIMIT_S = Number(process.env.BENCH_CONN_LIMIT_S || 65);
const BASE = Number(process.env.BENCH_CONN_PORT_BASE || 18981);
const HOST = '127.0.0.1';
// More sockets than the 1,024 open files the proxy is started with.
const FLOOD = Number(process.env.BENCH_CONN_FLOOD || 1100);
const ONLY = process.env.BENCH_CONN_ONLY; // 'flood' for that part alone
const DATASET = DEMO.V4_MAIN;
const PATH = `/api/v1/data-collection/datasets/${DATASET}`;
const [out = path.join(ROOT, 'target/bench/connections.json')] = process.argv.slice(2);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

async function listening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, HOST, () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

async function startServe(port, upstreamPort, prlimit, extra = []) {
  const args = ['serve', '--listen', `${HOST}:${port}`, '--upstream', `http://${HOST}:${upstreamPort}`, ...extra];
  const [cmd, argv] = prlimit ? ['prlimit', [`--nofile=${prlimit}`, BIN, ...args]] : [BIN, args];
  const child = spawn(cmd, argv, { env: { ...process.env, PROLIFIC_TOKEN: 'bench-token', RUST_LOG: 'warn' }, stdio: 'ignore' });
  children.push(child);
  await listening(port);
  return child;
}

const request = (port, keepAlive) =>
  `GET ${PATH} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;

/** Seconds until the server closes `socket`, or null if still open after LIMIT_S. */
function closedAfter(socket, started) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.destroy(); resolve(null); }, LIMIT_S * 1000);
    const done = () => { clearTimeout(timer); resolve((Date.now() - started) / 1000); };
    socket.on('close', done);
    socket.on('error', () => {});
  });
}

async function slowClients(port) {
  const started = Date.now();
  const silent = net.connect(port, HOST);
  const trickle = net.connect(port, HOST);
  const idle = net.connect(port, HOST);
  await new Promise((r) => idle.once('connect', r));
  idle.write(request(port, true));
  await new Promise((r) => idle.once('data', r));
  const head = request(port, true);
  let i = 0;
  const dripper = setInterval(() => { if (!trickle.destroyed && i < head.length) trickle.write(head[i++]); }, 2000);
  const [s, t, d] = await Promise.all([closedAfter(silent, started), closedAfter(trickle, started), closedAfter(idle, started)]);
  clearInterval(dripper);
  return { silent_s: s, trickle_s: t, idle_keepalive_s: d };
}

async function flood(port, pid) {
  const sockets = [];
  // In batches, each waiting for its handshakes: thousands of SYNs at once overflow the
  // kernel's queues, and the dropped ones would not be a flood at all.
  for (let i = 0; i < FLOOD; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(i + 50, FLOOD); j++) {
      const s = net.connect(port, HOST);
      s.on('error', () => {});
      sockets.push(s);
      batch.push(new Promise((r) => { s.once('connect', r); s.once('error', r); setTimeout(r, 5000); }));
    }
    await Promise.all(batch);
  }
  await sleep(1000);
  const proxyFiles = readdirSync(`/proc/${pid}/fd`).length;
  const started = Date.now();
  const served = await new Promise((resolve) => {
    const s = net.connect({ port, host: HOST, localAddress: '127.0.0.2' }, () => s.write(request(port, false)));
    let text = '';
    const timer = setTimeout(() => { s.destroy(); resolve(null); }, 10000);
    s.on('data', (d) => { text += d; });
    s.on('close', () => { clearTimeout(timer); resolve(text.startsWith('HTTP/1.1 200') ? Date.now() - started : null); });
    s.on('error', () => {});
  });
  const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  sockets.forEach((s) => s.destroy());
  return { flood_sockets: FLOOD, proxy_open_files: proxyFiles, other_client_ms: served, other_client_served: served !== null, flood_open_after_1s: open };
}

function rssKiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.replace(/\D+/g, ''));
}

/** RSS growth per connection holding an unfinished head of `kib` KiB (the connections
 * the server refuses with 431 at once hold nothing). */
async function unfinishedHeads(port, pid, kib) {
  const count = 200;
  await sleep(500);
  const before = rssKiB(pid);
  const sockets = [];
  const pad = 'p'.repeat(kib * 1024);
  for (let i = 0; i < count; i++) {
    const s = net.connect(port, HOST, () => s.write(`GET ${PATH} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nX-Pad: ${pad}`));
    s.on('error', () => {});
    // Flowing, so a server's 431 and close are seen (a paused socket never reads its end).
    s.resume();
    sockets.push(s);
  }
  await sleep(3000);
  const after = rssKiB(pid);
  const held = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  sockets.forEach((s) => s.destroy());
  return { head_kib: kib, connections: count, still_open: held, kib_per_connection: Math.round(((after - before) / count) * 10) / 10 };
}

async function sigterm(port, child) {
  const half = net.connect(port, HOST, () => half.write(`GET ${PATH} HTTP/1.1\r\nHost: ${HOST}:${port}\r\n`));
  half.on('error', () => {});
  await sleep(300);
  const started = Date.now();
  const exited = new Promise((r) => child.once('exit', () => r((Date.now() - started) / 1000)));
  child.kill('SIGTERM');
  const seconds = await Promise.race([exited, sleep(30000).then(() => null)]);
  half.destroy();
  return { exit_after_sigterm_s: seconds };
}

const mockPort = BASE;
const mock = spawn(BIN, ['mock', '--listen', `${HOST}:${mockPort}`], { stdio: 'ignore', env: { ...process.env, RUST_LOG: 'warn' } });
children.push(mock);
await listening(mockPort);

const result = { binary: BIN, limit_s: LIMIT_S };
// The head measurement holds 200 connections from one address: above the per-client
// cap where there is one (the flood below measures the cap itself).
const help = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' }).stdout ?? '';
const uncapped = help.includes('--max-connections-per-client') ? ['--max-connections-per-client', '100000'] : [];
let serve = await startServe(BASE + 1, mockPort, null, uncapped);
if (!ONLY) {
Object.assign(result, await slowClients(BASE + 1));
// Under both versions' head limits (16 KiB of headers now), and just under the old
// buffer's (~400 KiB): the worst case is what one unfinished connection can cost.
result.unfinished_heads = [await unfinishedHeads(BASE + 1, serve.pid, 15), await unfinishedHeads(BASE + 1, serve.pid, 380)];
result.kib_per_unfinished_head = Math.max(...result.unfinished_heads.map((h) => h.kib_per_connection));
Object.assign(result, await sigterm(BASE + 1, serve));
}
serve.kill('SIGKILL');
serve = await startServe(BASE + 2, mockPort, '1024:1024');
Object.assign(result, await flood(BASE + 2, serve.pid));
serve.kill('SIGKILL');
mock.kill();
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
process.exit(0);
