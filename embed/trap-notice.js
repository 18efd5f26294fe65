// The widget's last line of defence, on the JS side. The release bundles are built so that
// a Rust panic traps at once (`-Cpanic=immediate-abort`, issue #17): no Rust code runs after
// it, so no panic hook can say so. Any WebAssembly trap that reaches the page (an uncaught
// error, or a rejected promise) puts the notice that the panic hook shows in a stable build
// (src/panic_notice.rs: same text, same markup) on every widget root: each `.pdm` element in
// the document and in open shadow roots, where the custom element renders.
//
// Loaded as a plain script by the demo page (index.html); scripts/build-embed puts it at the
// head of the embeddable module's loader (prolific-dataset-monitor.js). Either way it runs
// before the wasm starts.
(() => {
  const NOTICE =
    'The dataset monitor stopped after an internal error. Reload the page to start it again; the browser console has the details.';

  const widgetRoots = () => {
    const roots = [...document.querySelectorAll('.pdm')];
    for (const element of document.querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(...element.shadowRoot.querySelectorAll('.pdm'));
    }
    return roots;
  };

  const showNotice = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError)) return;
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
