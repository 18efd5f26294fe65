// What an embedder does with a release: install the npm package tarball into a fresh
// project (`npm install <tarball>`, offline), type-check TypeScript that uses every
// public type (and see misuses refused), and load the installed package from a plain
// page (no bundler; an import map for the bare name) in headless Chromium, against the
// static proxy binary (`dataset-proxy mock`), which must be statically linked.
//
// Run by scripts/test after `scripts/build-embed` and the static proxy build (env.sh `build_static_proxy`):
//   node --test tests/e2e/
// Knobs: PACKAGE_TARBALL (default: `npm pack` of examples/pkg), DATASET_PROXY_STATIC_BIN,
// E2E_PACKAGE_ADDR (default 127.0.0.1:18935).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEMO, PORTS, ROOT, launchChromium, requireTool, startMock } from '../support/stack.mjs';

const FIXTURES = join(ROOT, 'tests/e2e/package');
const TSC = join(dirname(requireTool.resolve('typescript/package.json')), 'bin/tsc');

const STATIC_PROXY = process.env.DATASET_PROXY_STATIC_BIN
  ?? join(ROOT, 'target/dist/x86_64-unknown-linux-musl/server/dataset-proxy');
const ADDR = PORTS.e2ePackage;
const BASE = `http://${ADDR}`;
const NAME = 'prolific-dataset-monitor';
const VERSION = JSON.parse(readFileSync(join(ROOT, 'embed/package.json'), 'utf8')).version;

const { V4_MAIN: V4, LIFECYCLE_IMPORT: LIFECYCLE, V3_READY } = DEMO;

const work = mkdtempSync(join(tmpdir(), 'pdm-embedder-'));
const project = join(work, 'project');
let tarball;
let mock;
let browser;

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Runs tsc in the project; returns its exit status and output. */
function tsc(tsconfig) {
  const result = spawnSync(process.execPath, [TSC, '-p', tsconfig], { cwd: project, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

before(async () => {
  tarball = process.env.PACKAGE_TARBALL;
  if (!tarball) {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, join(ROOT, 'examples/pkg')]));
    tarball = join(work, packed[0].filename);
  }
  // A fresh project, as an embedder has one; the package has no dependencies, so the
  // install needs no network (--offline makes sure of it).
  run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'embedder', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project });
});

after(async () => {
  await browser?.close();
  mock?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  test('is named and versioned for the project, has no dependencies, and ships only what runs', () => {
    assert.equal(tarball.endsWith(`${NAME}-${VERSION}.tgz`), true, tarball);
    const installed = join(project, 'node_modules', NAME);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.name, NAME);
    assert.equal(manifest.version, VERSION);
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.exports['.'], { types: './prolific-dataset-monitor.d.ts', default: './prolific-dataset-monitor.js' });
    assert.ok(manifest.sideEffects.includes('./prolific-dataset-monitor.js'), 'the registration is a side effect');
    // Each file a page loads comes with its brotli and gzip forms (scripts/precompress.mjs),
    // for a server that sends them by Accept-Encoding.
    // The glue, the wasm and (split, on the nightly) the chunk loader and each chunk are named
    // after their content (one hash), behind the stable entry.
    const listed = readdirSync(installed).sort();
    const hash = listed.find((f) => /^dataset_monitor-[0-9a-f]{16}\.js$/.test(f))?.slice(16, 32);
    assert.ok(hash, `a hashed glue: ${listed}`);
    const chunks = listed.filter((f) => new RegExp(`^dataset_monitor-${hash}-(split_\\w+|chunk_\\d+)\\.wasm$`).test(f));
    // Split unless built as scripts/build-embed builds it whole (env.sh's WIDGET_TOOLCHAIN, SPLIT).
    const split = process.env.WIDGET_TOOLCHAIN !== 'stable' && process.env.SPLIT !== '0';
    assert.equal(chunks.length > 0, split, `chunks: ${chunks}`);
    const runtime = [
      `dataset_monitor-${hash}.js`, `dataset_monitor-${hash}_bg.wasm`,
      ...(split ? [`dataset_monitor-${hash}-split.js`, ...chunks] : []), 'prolific-dataset-monitor.js',
    ];
    assert.deepEqual(listed, [
      'README.md', 'package.json', 'prolific-dataset-monitor.d.ts',
      ...runtime.flatMap((f) => [f, `${f}.br`, `${f}.gz`]),
    ].sort());
    assert.equal(manifest.exports['./dataset_monitor_bg.wasm'], `./dataset_monitor-${hash}_bg.wasm`);
    assert.ok(manifest.sideEffects.includes(`./dataset_monitor-${hash}.js`));
    const entry = readFileSync(join(installed, 'prolific-dataset-monitor.js'), 'utf8');
    assert.ok(entry.includes(`./dataset_monitor-${hash}.js`) && entry.includes(`./dataset_monitor-${hash}_bg.wasm`), 'the entry loads the hashed files');
    if (split) {
      // The loader fetches each chunk relative to its own URL, wherever the package is served.
      const loader = readFileSync(join(installed, `dataset_monitor-${hash}-split.js`), 'utf8');
      for (const chunk of chunks) assert.ok(loader.includes(`"./${chunk}"`) || loader.includes(`'./${chunk}'`), `the loader names ./${chunk}`);
    }
    for (const file of runtime) {
      const plain = readFileSync(join(installed, file));
      assert.deepEqual(brotliDecompressSync(readFileSync(join(installed, `${file}.br`))), plain, `${file}.br`);
      assert.deepEqual(gunzipSync(readFileSync(join(installed, `${file}.gz`))), plain, `${file}.gz`);
    }
    const size = statSync(tarball).size;
    console.log(`${tarball}: ${size} bytes`);
    // About 0.3 MB of it is the wasm's two precompressed forms, which gzip cannot shrink.
    assert.ok(size < 800_000, `the tarball is ${size} bytes`);
    // Cargo.toml and the changelog agree on the version.
    assert.match(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'), new RegExp(`\\nversion = "${VERSION}"`));
    assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`## \\[${VERSION.replaceAll('.', '\\.')}\\]`));
  });

  for (const resolution of ['bundler', 'nodenext']) {
    test(`its types check an embedder's TypeScript that uses every public type (moduleResolution ${resolution})`, () => {
      copyFileSync(join(FIXTURES, 'usage.ts'), join(project, 'usage.ts'));
      const config = JSON.parse(readFileSync(join(FIXTURES, 'tsconfig.json'), 'utf8'));
      config.compilerOptions.moduleResolution = resolution;
      if (resolution === 'nodenext') config.compilerOptions.module = 'nodenext';
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config));
      const { status, output } = tsc('tsconfig.json');
      assert.equal(status, 0, output);
    });
  }

  // Each misuse alone in a file must fail with this TypeScript error code.
  const misuses = [
    ['a wrong option type', `mount(document.body, { datasetId: 42 });`, 'TS2322'],
    ['a misspelt option', `mount(document.body, { datasetId: 'x', pollIntervall: 500 });`, 'TS2561'],
    ['a missing datasetId', `mount(document.body, { importId: 'x' });`, 'TS2345'],
    ['an unknown theme', `mount(document.body, { datasetId: 'x', theme: 'blue' });`, 'TS2322'],
    ['a method the handle lacks', `mount(document.body, { datasetId: 'x' }).stop();`, 'TS2339'],
    ['a tag name without a hyphen', `define('monitor');`, 'TS2345'],
    ['a property the element lacks', `document.querySelector('prolific-dataset-monitor')!.datasetid = 'x';`, 'TS2551'],
    ['the detail read as the wrong type', `document.addEventListener('import-finished', (e) => { const n: number = e.detail.status; });`, 'TS2322'],
    ['a detail field that is not there', `document.querySelector('prolific-dataset-monitor')!.addEventListener('import-status-change', (e) => e.detail.importId);`, 'TS2551'],
  ];
  test('misuses fail to type-check, each with the error it deserves', () => {
    // One file per misuse, checked in one tsc run; each file must have exactly its error.
    const config = JSON.parse(readFileSync(join(FIXTURES, 'tsconfig.json'), 'utf8'));
    config.include = ['misuse-*.ts'];
    writeFileSync(join(project, 'tsconfig.misuse.json'), JSON.stringify(config));
    misuses.forEach(([, code], i) => {
      writeFileSync(join(project, `misuse-${i}.ts`), `import { define, mount } from '${NAME}';\nvoid define; void mount;\n${code}\n`);
    });
    const { status, output } = tsc('tsconfig.misuse.json');
    assert.notEqual(status, 0, output);
    misuses.forEach(([what, code, expected], i) => {
      const codes = [...output.matchAll(new RegExp(`^misuse-${i}\\.ts\\(\\d+,\\d+\\): error (TS\\d+)`, 'gm'))].map((m) => m[1]);
      assert.deepEqual(codes, [expected], `${what} (${code}):\n${output}`);
    });
    const total = [...output.matchAll(/error TS\d+/g)].length;
    assert.equal(total, misuses.length, output);
  });
});

describe('the static proxy binary', () => {
  test('is statically linked', () => {
    const file = run('file', ['-L', STATIC_PROXY]);
    console.log(file.trim());
    assert.match(file, /ELF 64-bit .* x86-64/);
    assert.match(file, /static(-pie)? linked|statically linked/);
    const ldd = spawnSync('ldd', [STATIC_PROXY], { encoding: 'utf8' });
    const said = `${ldd.stdout}${ldd.stderr}`;
    console.log(`ldd: ${said.trim()}`);
    assert.match(said, /not a dynamic executable|statically linked/);
    assert.doesNotMatch(said, /=>/);
  });
});

describe('the installed package on a plain page', () => {
  before(async () => {
    // The page an embedder writes: an import map for the bare name (no bundler), the
    // element for one widget and mount() for another.
    writeFileSync(join(project, 'index.html'), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <title>An embedder's page</title>
  <script type="importmap">{ "imports": { "${NAME}": "./node_modules/${NAME}/prolific-dataset-monitor.js" } }</script>
  <script type="module">
    import { mount } from '${NAME}';
    window.finished = [];
    document.addEventListener('import-finished', (e) => window.finished.push(e.detail));
    window.handle = mount(document.getElementById('mounted'), { datasetId: '${V3_READY}' });
  </script>
</head>
<body>
  <main>
    <prolific-dataset-monitor id="element" dataset-id="${V4}" import-id="${LIFECYCLE}" poll-interval="500">Loading…</prolific-dataset-monitor>
    <div id="mounted"></div>
  </main>
</body>
</html>
`);
    mock = await startMock(STATIC_PROXY, ADDR, ['--static', project]);
    browser = await launchChromium();
  });

  test('the element and mount() render from node_modules and the events carry their detail', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    const wasm = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => r.url().endsWith('.wasm') && wasm.push(`${new URL(r.url()).pathname} ${r.headers()['content-type']}`));
    await page.goto(`${BASE}/`);
    await page.locator('#element [data-dataset-version="4"]').waitFor({ timeout: 20000 });
    await page.locator('#mounted [data-dataset-version="3"]').waitFor();
    await page.locator('#element [role=status] [data-import-status="partial"]').waitFor({ timeout: 20000 });
    await page.waitForFunction(() => window.finished.length > 0);
    assert.deepEqual(await page.evaluate(() => window.finished), [
      { dataset_id: V4, import_id: LIFECYCLE, previous: 'processing', status: 'partial' },
    ]);
    // The element got its properties from the package's accessors.
    assert.equal(await page.locator('#element').evaluate((e) => e.datasetId), V4);
    await page.evaluate(() => window.handle.unmount());
    assert.equal(await page.locator('#mounted').innerHTML(), '');
    // The main wasm once; each chunk the page showed (an import's details), at most once.
    const main = wasm.filter((w) => /_bg\.wasm /.test(w));
    assert.equal(main.length, 1, `the wasm fetched once: ${wasm}`);
    assert.match(main[0], new RegExp(`^/node_modules/${NAME}/dataset_monitor-[0-9a-f]{16}_bg\\.wasm application/wasm$`));
    for (const chunk of wasm.filter((w) => !main.includes(w))) {
      assert.match(chunk, new RegExp(`^/node_modules/${NAME}/dataset_monitor-[0-9a-f]{16}-(split_\\w+|chunk_\\d+)\\.wasm application/wasm$`));
    }
    assert.equal(new Set(wasm).size, wasm.length, `no chunk fetched twice: ${wasm}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
