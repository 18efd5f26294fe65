// The last step of the demo page's split build (scripts/build-demo): from the directory
// that wasm-split-cli, wasm-bindgen and wasm-opt filled, writes the page's directory.
//
//   node scripts/assemble-demo.mjs BOUND_DIR OUT_DIR
//
// - Checks that the split gave one split_<name>.wasm per split point declared in
//   src/ui/lazy.rs, and no other: a toolchain bump that breaks splitting fails the build.
// - Names every file with one hash of the whole build (as Trunk names its files), so that a
//   page never mixes the main module of one build with a chunk of another. Each chunk keeps
//   the `dataset-monitor-` prefix, by which embed/trap-notice.js tells the widget's wasm.
// - Minifies the JS with terser (tools/package.json), as Trunk's `minify` does.
// - Writes index.html from the root index.html, in place of its two `data-trunk` tags:
//   the trap notice, then the module that starts the widget (the same `window.wasmBindings`
//   and `TrunkApplicationStarted` event as Trunk's page), which fetches the main wasm at
//   once, and preload hints for the JS of the first load. The chunks are not preloaded: the
//   widget fetches the one a page needs at once (an import's details) beside its first API
//   request.
// - Writes split-manifest.json: which files the first load fetches, and the chunks.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { declaredSplitPoints, renameLoads } from './split-names.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { minify } = createRequire(join(ROOT, 'tools/package.json'))('terser');
const NAME = 'dataset-monitor';
/** Where the page's first script leaves the main wasm's response for the start script. */
const WASM_GLOBAL = '__datasetMonitorWasm';
const [bound, out] = process.argv.slice(2);
if (!bound || !out) {
  console.error('usage: node scripts/assemble-demo.mjs BOUND_DIR OUT_DIR');
  process.exit(2);
}

const fail = (message) => {
  console.error(`error: ${message}`);
  process.exit(1);
};

// The split points, as src/ui/lazy.rs declares them.
const declared = declaredSplitPoints();
const files = readdirSync(bound);
const splits = files.filter((f) => /^split_\w+\.wasm$/.test(f)).map((f) => f.slice(6, -5)).sort();
if (declared.length === 0) fail('src/ui/lazy.rs declares no split point');
if (JSON.stringify(splits) !== JSON.stringify(declared)) {
  fail(`wasm-split-cli wrote split_{${splits}}.wasm, but src/ui/lazy.rs declares {${declared}}: ` +
    'the toolchain no longer splits this build (see docs/development.md, "The split build")');
}
const shared = files.filter((f) => /^chunk_\d+\.wasm$/.test(f)).sort();
for (const f of [`${NAME}.js`, `${NAME}_bg.wasm`, '__wasm_split.js']) {
  if (!files.includes(f)) fail(`${f} is missing from ${bound}`);
}

const terse = async (code) => (await minify(code, { module: true, compress: true, mangle: true })).code;
// The JS as shipped, minified before the hash is taken (its references renamed after), so
// that a new terser that changes a file changes its name too: a browser that cached the
// old file under that name would fail the page's integrity check.
const minified = {
  [`${NAME}.js`]: await terse(readFileSync(join(bound, `${NAME}.js`), 'utf8')),
  '__wasm_split.js': await terse(readFileSync(join(bound, '__wasm_split.js'), 'utf8')),
};
// One hash for the whole build.
const hash = createHash('sha256');
for (const f of [...files].sort()) hash.update(f).update(minified[f] ?? readFileSync(join(bound, f)));
const id = hash.digest('hex').slice(0, 16);
const named = (f) => {
  if (f === `${NAME}.js`) return `${NAME}-${id}.js`;
  if (f === `${NAME}_bg.wasm`) return `${NAME}-${id}_bg.wasm`;
  if (f === '__wasm_split.js') return `${NAME}-${id}-split.js`;
  return `${NAME}-${id}-${f}`;
};

/** Renames each of `wanted` where `source` loads it (scripts/split-names.mjs); each must
 * be loaded at least once. */
function rename(source, file, wanted) {
  const { text, counts } = renameLoads(source, wanted, named);
  const missing = wanted.filter((f) => counts.get(f) === 0);
  if (missing.length) fail(`${file}: found no load of ${missing}`);
  return text;
}

mkdirSync(out, { recursive: true });
const glue = rename(minified[`${NAME}.js`], `${NAME}.js`, ['__wasm_split.js']);
const loader = rename(minified['__wasm_split.js'], '__wasm_split.js',
  [`${NAME}.js`, ...splits.map((s) => `split_${s}.wasm`), ...shared]);
writeFileSync(join(out, named(`${NAME}.js`)), glue);
writeFileSync(join(out, named('__wasm_split.js')), loader);
for (const f of [`${NAME}_bg.wasm`, ...splits.map((s) => `split_${s}.wasm`), ...shared]) {
  copyFileSync(join(bound, f), join(out, named(f)));
}
const notice = await terse(readFileSync(join(ROOT, 'embed/trap-notice.js'), 'utf8'));
const noticeName = `trap-notice-${createHash('sha256').update(notice).digest('hex').slice(0, 16)}.js`;
writeFileSync(join(out, noticeName), notice);

const sri = (f) => `sha384-${createHash('sha384').update(readFileSync(join(out, f))).digest('base64')}`;
const js = named(`${NAME}.js`);
const wasm = named(`${NAME}_bg.wasm`);
const split = named('__wasm_split.js');
// The page asks for the wasm itself, first thing, rather than through a `<link
// rel="preload" as="fetch">`: WebKit does not give such a preload to fetch() and downloads
// the wasm twice (trunk-rs/trunk#229, leptos-rs/leptos#1450). A classic script runs as it
// is parsed, before the trap notice's script has arrived; a module script would wait for
// it. A failed fetch is reported by init(), not as an unhandled rejection.
// No `integrity` on this fetch: with it the browser holds the whole body back until it is
// checked, so the wasm cannot compile while it downloads, and under headless Chromium's
// `--virtual-time-budget` (a common way to snapshot a page) 5 of 30 loads never mounted
// the widget, against 0 of 60 without it (issue #33). The name carries the build's hash
// and comes from this same-origin page, which a changed server could rewrite anyway.
const fetchWasm = `window.${WASM_GLOBAL} = fetch("/${wasm}");` +
  `${WASM_GLOBAL}.catch(() => {});`;
// Before the wasm, the first API requests, from the URL's ids (embed/early-data.js): the
// widget takes them for its first poll when its validated configuration asks for the same
// URLs, so the data no longer waits for the code.
const fetchData = (await terse(readFileSync(join(ROOT, 'embed/early-data.js'), 'utf8'))) +
  ';{const q=new URLSearchParams(location.search);' +
  '__datasetMonitorFetchEarly(q.get("proxy_url"),q.get("dataset_id"),q.get("import_id"))}';
const start = `const bindings = await import("/${js}");` +
  `const wasm = await bindings.default({ module_or_path: window.${WASM_GLOBAL} });` +
  'window.wasmBindings = bindings;' +
  "dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));";
const head = [
  `<script>${fetchData}${fetchWasm}</script>`,
  `<script src="/${noticeName}" integrity="${sri(noticeName)}"></script>`,
  `<script type="module">${start}</script>`,
  `<link rel="modulepreload" href="/${js}" crossorigin integrity="${sri(js)}">`,
  `<link rel="modulepreload" href="/${split}" crossorigin integrity="${sri(split)}">`,
].join('\n    ');
let html = readFileSync(join(ROOT, 'index.html'), 'utf8');
const notice_tag = /<script data-trunk [^>]*><\/script>/;
const rust_tag = /\n\s*<link data-trunk rel="rust"[^>]*>/;
for (const tag of [notice_tag, rust_tag]) {
  if (!tag.test(html)) fail(`index.html no longer has ${tag}`);
}
html = html.replace(/<!--[^>]*-->\s*/g, '').replace(notice_tag, () => head).replace(rust_tag, () => '');
writeFileSync(join(out, 'index.html'), html);

const manifest = {
  first_load: [noticeName, js, split, wasm],
  chunks: Object.fromEntries([...splits.map((s) => [`split_${s}`, named(`split_${s}.wasm`)]), ...shared.map((f) => [f.slice(0, -5), named(f)])]),
};
writeFileSync(join(out, 'split-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${out}: first load ${manifest.first_load.join(', ')}; chunks ${Object.values(manifest.chunks).join(', ')}`);
