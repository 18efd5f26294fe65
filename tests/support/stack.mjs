// What the browser-driving scripts share: the demo scenarios' ids and the two route
// paths (as dataset-wire names them in Rust), every default port (each overridable by
// its environment variable), `dataset-proxy mock` start/reset/count, and how Debian's
// Chromium is launched. Used by tests/e2e/ and tests/engines/, bench/*.mjs and scripts/soak.mjs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `require` for the pinned tools in tools/node_modules (playwright-core, axe-core). */
export const requireTool = createRequire(join(ROOT, 'tools/package.json'));

/** The default address of every server these scripts start, and its override. */
export const PORTS = {
  /** scripts/test's mock for the wasm-bindgen browser tests (MOCK_ADDR). */
  testMock: process.env.MOCK_ADDR ?? '127.0.0.1:18931',
  /** tests/e2e/fullstack: the demo and the examples, each behind a mock. */
  e2eDemo: process.env.E2E_DEMO_ADDR ?? '127.0.0.1:18941',
  e2eExamples: process.env.E2E_EXAMPLES_ADDR ?? '127.0.0.1:18942',
  /** tests/e2e/researcher: the front door, notifications and shared URLs (demo; examples). */
  e2eResearcher: process.env.E2E_RESEARCHER_ADDR ?? '127.0.0.1:18991',
  e2eResearcherEmbed: process.env.E2E_RESEARCHER_EMBED_ADDR ?? '127.0.0.1:18992',
  /** tests/e2e/upload: the demo, for opening the uploaded file beside the rejected records. */
  e2eUpload: process.env.E2E_UPLOAD_ADDR ?? '127.0.0.1:18943',
  /** tests/e2e/trap: the demo and the examples, each behind a mock. */
  e2eTrapDemo: process.env.E2E_TRAP_DEMO_ADDR ?? '127.0.0.1:18944',
  e2eTrapExamples: process.env.E2E_TRAP_EXAMPLES_ADDR ?? '127.0.0.1:18945',
  /** tests/engines/journeys: the demo and the examples, each behind a mock. */
  enginesDemo: process.env.ENGINES_DEMO_ADDR ?? '127.0.0.1:18961',
  enginesExamples: process.env.ENGINES_EXAMPLES_ADDR ?? '127.0.0.1:18962',
  /** tests/e2e/package: the installed npm package, served by the static proxy's mock. */
  e2ePackage: process.env.E2E_PACKAGE_ADDR ?? '127.0.0.1:18935',
  /** tests/e2e/deployment: Caddy, oauth2-proxy's stand-in, serve, and Prolific's (a mock). */
  deploy: {
    site: Number(process.env.E2E_DEPLOY_SITE_PORT ?? 18951),
    auth: Number(process.env.E2E_DEPLOY_AUTH_PORT ?? 18952),
    serve: Number(process.env.E2E_DEPLOY_SERVE_PORT ?? 18953),
    prolific: Number(process.env.E2E_DEPLOY_PROLIFIC_PORT ?? 18954),
  },
  /** scripts/soak: the mock and serve in front of it. */
  soakMock: process.env.SOAK_MOCK_ADDR ?? '127.0.0.1:18951',
  soakProxy: process.env.SOAK_PROXY_ADDR ?? '127.0.0.1:18952',
  /** bench/bench.mjs. */
  benchMock: process.env.BENCH_MOCK_ADDR ?? '127.0.0.1:18971',
  /** bench/upload.mjs. */
  benchUpload: process.env.BENCH_UPLOAD_ADDR ?? '127.0.0.1:18972',
};

/**
 * The demo scenarios' ids, typed out once for JavaScript: the same names and values as
 * wire/src/demo.rs, in its order (docs/proxy.md says what each scenario shows). The two
 * prefixes take a three-character suffix (scripts/make-demo-fixtures.py lists them).
 */
export const DEMO = {
  V4_MAIN: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  LIFECYCLE_IMPORT: '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b10',
  FAILED_IMPORT: '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b11',
  REFERENCE_IMPORT: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  BUSY: '9d2e4f60-1a3b-4c5d-8e7f-00112233aaaa',
  COMPLETE_IMPORT: '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b12',
  BUSY_JSONL_IMPORT: '9d2e4f60-1a3b-4c5d-8e7f-001122334455',
  BUSY_CSV_IMPORT: '9d2e4f60-1a3b-4c5d-8e7f-001122334456',
  NO_SCHEMA: '4b0e2d1c-9a8f-4e7d-8c6b-5a4f3e2d1c0b',
  PENDING_SCHEMA_IMPORT: '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b13',
  REFERENCE_V3: '0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d',
  V3_READY: '3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c3',
  V3_PROCESSING: '3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c4',
  V3_UNINITIALISED: '3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c5',
  UNKNOWN: '00000000-0000-4000-8000-000000000404',
  RATE_LIMITED: '00000000-0000-4000-8000-000000000429',
  FLAKY: '00000000-0000-4000-8000-000000000502',
  MALFORMED: '00000000-0000-4000-8000-0000000000e1',
  SLOW: '00000000-0000-4000-8000-0000000000d1',
  FAULT_DRILL_PREFIX: 'fa000000-0000-4000-8000-000000000',
  ERROR_BODY_PREFIX: 'e4000000-0000-4000-8000-000000000',
  CLI_V4: 'c1100000-0000-4000-8000-000000000001',
  CLI_V3: 'c1100000-0000-4000-8000-000000000002',
  CLI_PARTIAL: 'c1100000-0000-4000-8000-000000000011',
  CLI_FAILED: 'c1100000-0000-4000-8000-000000000012',
  CLI_POLLED: 'c1100000-0000-4000-8000-000000000013',
  ENDLESS: '50a50a50-0000-4000-8000-000000000001',
  ENDLESS_IMPORT: '50a50a50-0000-4000-8000-000000000002',
};

/** The two routes' paths (dataset_wire::dataset_path / import_path). */
export const API_PREFIX = '/api/v1/data-collection/datasets/';
export const datasetPath = (dataset) => `${API_PREFIX}${dataset}`;
export const importPath = (dataset, importId) => `${API_PREFIX}${dataset}/imports/${importId}`;

/** Resolves once `url` answers 2xx; throws after `tries` × 100 ms. */
export async function waitForUrl(url, tries = 100) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Starts `dataset-proxy mock --listen addr ...args` and resolves with the child once it answers. */
export async function startMock(bin, addr, args = [], env = {}) {
  const child = spawn(bin, ['mock', '--listen', addr, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  try {
    await waitForUrl(`http://${addr}/_mock/requests`);
  } catch {
    child.kill();
    throw new Error(`the mock on ${addr} did not start`);
  }
  return child;
}

/** Rewinds every scenario of the mock at `base` and zeroes its counts. */
export async function resetMock(base) {
  const status = (await fetch(`${base}/_mock/reset`, { method: 'POST' })).status;
  if (status !== 204) throw new Error(`POST ${base}/_mock/reset answered ${status}, not 204`);
}

/** How many requests each route path has had, per the mock at `base`. */
export async function mockCounts(base) {
  return (await fetch(`${base}/_mock/requests`)).json();
}

/** Debian's Chromium, headless, without the sandbox (containers) or background traffic. */
export function launchChromium(extraArgs = []) {
  const { chromium } = requireTool('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** The extra flags for measuring memory (forced GC, precise heap figures). */
export const MEMORY_FLAGS = ['--js-flags=--expose-gc', '--enable-precise-memory-info'];
