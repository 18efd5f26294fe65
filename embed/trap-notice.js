// The widget's last line of defence, on the JS side. The release bundles are built so that
// a Rust panic traps at once (`-Cpanic=immediate-abort`, issue #17): no Rust code runs after
// it, so no panic hook can say so. A WebAssembly trap of the widget's module that reaches
// the page (an uncaught error, or a rejected promise) puts the notice that the panic hook
// shows in a stable build (src/panic_notice.rs: same text, same markup) on every widget
// root: each `.pdm` element in the document and in open shadow roots, where the custom
// element renders.
//
// The widget's trap is told from another module's in two ways. Its module is instantiated
// from a URL that names the widget (`dataset_monitor_bg.wasm`, Trunk's
// `dataset-monitor-…_bg.wasm`): this script wraps that instance's exported functions, so a
// trap that leaves the module through them is marked as the widget's, whatever the engine's
// stack says (JavaScriptCore writes wasm frames as `wasm-function[N]@[wasm code]`, naming
// no file). Otherwise the stack must name the widget's wasm or its JS glue, as Chromium's
// and Firefox's do. A bundler that renames both loses the notice, never the console's error.
//
// The same wrapper reads a widget's wasm that a server sends under another type than
// application/wasm whole, where streaming would refuse it (see below).
//
// Loaded as a plain script by the demo page (index.html); scripts/build-embed puts it at the
// head of the embeddable module's loader (prolific-dataset-monitor.js). Either way it runs
// before the wasm starts.
(() => {
  if (typeof WebAssembly === 'undefined') return;
  const NOTICE =
    'The dataset monitor stopped after an internal error. Reload the page to start it again; the browser console has the details.';
  const OURS = /dataset[-_]monitor/;

  const traps = new WeakSet();
  const guard = (f) =>
    function (...args) {
      try {
        return f.apply(this, args);
      } catch (error) {
        if (error instanceof WebAssembly.RuntimeError) traps.add(error);
        throw error;
      }
    };
  const streaming = WebAssembly.instantiateStreaming;
  if (typeof streaming === 'function') {
    WebAssembly.instantiateStreaming = async function (source, imports) {
      const response = await source;
      // The file's own name, not its path: a page under /dataset-monitor/ is not the widget.
      const file = String(response && response.url).split(/[?#]/)[0].split('/').pop();
      if (!OURS.test(file)) return streaming.call(this, response, imports);
      // A server that sends the widget's wasm under another type than application/wasm:
      // streaming refuses it, so read it whole instead. wasm-bindgen's glue does so for the
      // main module; the split build's chunk loader (__wasm_split.js) does not.
      const whole = response instanceof Response && response.ok
        && !/^application\/wasm\s*(;|$)/i.test(response.headers.get('Content-Type') ?? '');
      const result = whole
        ? await WebAssembly.instantiate(await response.arrayBuffer(), imports)
        : await streaming.call(this, response, imports);
      const exports = {};
      for (const [name, value] of Object.entries(result.instance.exports)) {
        exports[name] = typeof value === 'function' ? guard(value) : value;
      }
      return { module: result.module, instance: { exports } };
    };
  }

  const widgetRoots = () => {
    const roots = [...document.querySelectorAll('.pdm')];
    for (const element of document.querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(...element.shadowRoot.querySelectorAll('.pdm'));
    }
    return roots;
  };

  const showNotice = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError)) return;
    if (!traps.has(error) && !OURS.test(String(error.stack))) return;
    for (const root of widgetRoots()) {
      // A stable build's panic hook has already said it before the trap.
      if (root.querySelector(':scope > .pdm-panic')) continue;
      const notice = document.createElement('p');
      notice.setAttribute('role', 'alert');
      notice.className = 'pdm-error pdm-panic';
      notice.textContent = NOTICE;
      root.prepend(notice);
    }
  };

  addEventListener('error', (event) => showNotice(event.error));
  addEventListener('unhandledrejection', (event) => showNotice(event.reason));
})();
