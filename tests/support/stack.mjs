// What the browser-driving scripts share: the demo scenarios' ids and the two route
// paths (as dataset-wire names them in Rust), every default port (each overridable by
// its environment variable), `dataset-proxy mock` start/reset/count, and how Debian's
// Chromium is launched. Used by tests/e2e/ and tests/engines/, bench/*.mjs and scripts/soak.mjs.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
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
  /** tests/e2e/served: the demo page's build as --static serves it, redeployed in place. */
  e2eServed: process.env.E2E_SERVED_ADDR ?? '127.0.0.1:18947',
  /** tests/e2e/split: the split demo page, behind a mock. */
  e2eSplit: process.env.E2E_SPLIT_ADDR ?? '127.0.0.1:18946',
  /** tests/e2e/split: the embedding examples with the split module, behind a mock. */
  e2eSplitExamples: process.env.E2E_SPLIT_EXAMPLES_ADDR ?? '127.0.0.1:18948',
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
  /** bench/served.mjs: the built pages as dataset-proxy mock --static serves them. */
  benchServed: process.env.BENCH_SERVED_ADDR ?? '127.0.0.1:18975',
  /** bench/upload.mjs. */
  benchUpload: process.env.BENCH_UPLOAD_ADDR ?? '127.0.0.1:18972',
  /** bench/first-view.mjs: the mock, and the brotli site in front of it. */
  benchFirstViewMock: process.env.BENCH_FIRST_VIEW_MOCK_ADDR ?? '127.0.0.1:18973',
  benchFirstViewSite: process.env.BENCH_FIRST_VIEW_SITE_ADDR ?? '127.0.0.1:18974',
};

/**
 * The demo scenarios' ids, read from wire/src/demo.rs, where they are typed out once
 * (scripts/make-demo-fixtures.py reads them the same way): every `pub const NAME: &str`,
 * as its string literal or the literal of the `name!()` macro that defines it
 * (docs/proxy.md says what each scenario shows). The two prefixes take a three-character
 * suffix (scripts/make-demo-fixtures.py lists them).
 */
export const DEMO = (() => {
  const source = readFileSync(join(ROOT, 'wire', 'src', 'demo.rs'), 'utf8');
  const macros = Object.fromEntries(
    [...source.matchAll(/macro_rules! (\w+) \{\s*\(\) => \{\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const ids = {};
  for (const [, name, literal, macro] of source.matchAll(/^pub const (\w+): &str = (?:"([^"]*)"|(\w+)!\(\));$/gm)) {
    ids[name] = literal ?? macros[macro];
  }
  // Every `pub const …: &str` line read, each an id or a prefix of one; and a name that is
  // not there throws rather than give `undefined` (and a path like "undefined503").
  const declared = source.match(/^pub const \w+: &str/gm)?.length ?? 0;
  const bad = Object.entries(ids).filter(([, id]) => !/^[0-9a-f-]{33,36}$/.test(id ?? ''));
  if (declared !== Object.keys(ids).length || bad.length > 0 || declared < 20) {
    throw new Error(`wire/src/demo.rs: ${declared} ids declared, ${Object.keys(ids).length} read, unreadable: ${bad.map(([n]) => n)}`);
  }
  return new Proxy(Object.freeze(ids), {
    get(target, name) {
      // Only names shaped like the ids' (`then`, `toJSON` and the like pass through).
      if (typeof name === 'string' && /^[A-Z][A-Z0-9_]*$/.test(name) && !(name in target)) throw new Error(`no demo id ${name} in wire/src/demo.rs`);
      return target[name];
    },
  });
})();

/** The two routes' paths (dataset_wire::dataset_path / import_path). */
/** The embeddable module's files in `dir` (scripts/build-embed): the entry, and the glue and
 * main wasm named after their content; when the build is split, its chunk loader (`loader`)
 * and `chunks`, keyed by their names without the build's hash (`split_import_details`,
 * `chunk_4`). `firstLoad` lists what a page fetches before the widget can paint: the entry,
 * the glue, the loader and the main wasm. */
export function embedFiles(dir) {
  const names = readdirSync(dir);
  const glue = names.find((f) => /^dataset_monitor-[0-9a-f]{16}\.js$/.test(f));
  const wasm = names.find((f) => /^dataset_monitor-[0-9a-f]{16}_bg\.wasm$/.test(f));
  if (!glue || !wasm) throw new Error(`no hashed glue and wasm in ${dir}: run scripts/build-embed`);
  const loader = names.find((f) => /^dataset_monitor-[0-9a-f]{16}-split\.js$/.test(f));
  const chunks = Object.fromEntries(names
    .map((f) => f.match(/^dataset_monitor-[0-9a-f]{16}-((?:split_\w+|chunk_\d+))\.wasm$/))
    .filter(Boolean)
    .map((m) => [m[1], m[0]]));
  const entry = 'prolific-dataset-monitor.js';
  return { entry, glue, wasm, loader, chunks, firstLoad: [entry, glue, ...(loader ? [loader] : []), wasm] };
}

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
