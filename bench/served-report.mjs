// BENCHMARKS.md's section on the path a person takes (bench/served.mjs, issue #33), with its
// goals; bench/report.mjs puts it in the report.
//
//   servedSection(served, { goal, p }) appends the section's lines with `p` and records its
//   goals with `goal(what, ok, figure)`.

const int = (n) => Math.round(n).toLocaleString('en');
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const x = (n) => `${n.toFixed(2)}×`;

/** The cold and repeat-visit ratios the issue set (widget / plain JS, time to the status). */
export const GOALS = { cold: 3.0, repeat: 1.2, wire: 0.02 };

export function servedSection(served, { goal, p }) {
  const t = served.settings;
  const s = served.summary;
  p('`bench/served.mjs`: the built pages as `dataset-proxy mock --static` sends them (the same code as',
    '`serve --static`: precompressed files, immutable hashed names, revalidated stable names, API answers',
    `compressed), in headless Chromium with the CPU throttled ${t.cpu}× and the network at ${(t.down_kbit_s / 1000).toFixed(1)} Mbit/s down,`,
    `${t.up_kbit_s} kbit/s up and ${t.latency_ms} ms round trip. **Cold**: a new browser context (empty cache). **Repeat**: the`,
    `same context ${t.repeat_after_ms / 1000} s later (the HTTP cache and the compiled-wasm cache apply). The demo import in two`,
    'states: its first state (a small answer) and finished (3,000 rejected records listed; 340 KB of JSON,',
    `about 14 KB as sent). Medians of ${t.runs} rounds; the four pages come from the same server. Bytes: transfer sizes`,
    '(bodies as sent plus headers) of everything received before the status was painted.', '',
    '| state | page | cold: status | cold: table | cold: bytes | repeat: status | repeat: table | repeat: bytes | cold / plain | repeat / plain |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const names = { demo: '**the demo page**', embed: '**a page embedding the module** (`mount()`)', element: '**a page embedding the module** (its element)', plain: 'plain JavaScript' };
  // Results from before the element's page have no row for it.
  const pages = ['demo', 'embed', 'element'].filter((page) => page in s.first_state);
  for (const state of Object.keys(s)) {
    for (const page of [...pages, 'plain']) {
      const r = s[state][page];
      const ratio = (v) => (page === 'plain' ? '1.00×' : x(served.ratios[`${state}_${page}_${v}`]));
      const table = (v) => (r[v].table_ms === null || state === 'first_state' ? '–' : `${int(r[v].table_ms)} ms`);
      p(`| ${state.replace('_', ' ')} | ${names[page]} | ${int(r.cold.status_ms)} ms | ${table('cold')} | ${kb(r.cold.status_bytes)} | ${
        int(r.repeat.status_ms)} ms | ${table('repeat')} | ${kb(r.repeat.status_bytes)} | ${ratio('cold')} | ${ratio('repeat')} |`);
    }
  }
  p('', 'The first state has no table (the import has not run yet).', '');
  for (const page of ['demo', 'embed']) {
    const w = served.wire[page];
    if (w.first_load_sent === null) continue;
    const off = Math.abs(w.ratio - 1);
    p(`- ${page === 'demo' ? 'The demo page' : 'The module'}'s first-load files as sent: ${int(w.first_load_sent)} B; the same files at brotli 11: ${
      int(w.first_load_brotli)} B (${(off * 100).toFixed(2)} % apart): ${goal(`Served: ${page} first load as sent within 2 % of brotli`, off <= GOALS.wire, `${(off * 100).toFixed(2)} %`)}.`);
  }
  p('');
  for (const state of Object.keys(s)) {
    for (const page of pages) {
      const cold = served.ratios[`${state}_${page}_cold`];
      const repeat = served.ratios[`${state}_${page}_repeat`];
      const label = `Served: ${page}, ${state.replace('_', ' ')}`;
      goal(`${label}, cold ≤ ${GOALS.cold.toFixed(1)}× plain JS`, cold <= GOALS.cold, x(cold));
      goal(`${label}, repeat visit ≤ ${GOALS.repeat.toFixed(1)}× plain JS`, repeat <= GOALS.repeat, x(repeat));
    }
  }
  p('Reproduce: `scripts/bench` (section "Served"; `bench/served.mjs`).', '');
}
