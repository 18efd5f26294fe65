// What each step of issue #17 earned: the demo's wasm + JS (brotli 11) built by
// `build_demo_variant` (bench/build.sh) for each configuration, in the order given.
// Usage: node bench/steps.mjs DIR OUT.json NAME...  (DIR/NAME/demo_bg.wasm, DIR/NAME/demo.js
// and any other script there;
// for a NAME starting with embed_, the embeddable module's three files; a NAME starting with
// floor_ is the widget's floor, bench/floor, built by `build_floor`)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { measure, wasmAndScripts } from './size.mjs';

/** What each step is, as BENCHMARKS.md names it. */
const LABELS = {
  before: 'before #17: Rust 1.95, every view shape monomorphised',
  toolchain: 'Rust 1.99.1 (rust-toolchain.toml)',
  erase_components: '+ `--cfg erase_components` (.cargo/config.toml)',
  nightly: '+ pinned nightly, `-Zbuild-std=std,panic_abort -Cpanic=immediate-abort`, and the trap notice script',
  demo_exports: '− the embeddable module\'s JS exports (`mount()`, `MonitorHandle`: Cargo feature `embed`, off for the demo)',
  nightly_all: 'today\'s + `-Zlocation-detail=none -Zfmt-debug=none`',
  embed_with_rlib: 'embeddable module, its cdylib built in one rustc run with the rlib (as before #17)',
  embed_alone: 'its cdylib built alone (`cargo rustc --crate-type cdylib`)',
  embed_nightly: '+ the pinned nightly\'s flags, the trap notice at the head of its loader',
  floor_data: 'the client and the models alone (`bench/floor`): both routes fetched once, the outcome on the console',
  floor_view: '+ a Leptos view showing the outcome (`--features view`: three reactive text nodes)',
  floor_live: '+ the poller (`live::driver`) feeding it as in the widget (`--features live`)',
};
/** The embeddable module's files (its variants' names start with `embed_`). */
const EMBED_FILES = ['dataset_monitor_bg.wasm', 'dataset_monitor.js', 'prolific-dataset-monitor.js'];
/** Steps measured for the study but not taken. */
const NOT_ADOPTED = new Set(['nightly_all']);

const [dir, out, ...names] = process.argv.slice(2);
if (!dir || !out || names.length === 0) {
  console.error('usage: node bench/steps.mjs DIR OUT.json NAME...');
  process.exit(2);
}
const steps = names.map((name) => ({ name, label: LABELS[name] ?? name, adopted: !NOT_ADOPTED.has(name), ...measure(join(dir, name), name.startsWith('embed_') ? EMBED_FILES : wasmAndScripts(join(dir, name))) }));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ steps }, null, 2));
for (const s of steps) console.log(`${s.name}: raw ${s.raw}, gzip ${s.gzip}, brotli ${s.brotli}`);
