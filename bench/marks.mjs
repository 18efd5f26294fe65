// What the first-view benches measure in the page, and the slow machine and network they
// measure it on (bench/first-view.mjs, bench/served.mjs).

/** 4× slower CPU; 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip. */
export const THROTTLE = { cpu: 4, latency_ms: 150, down_kbit_s: 1600, up_kbit_s: 750 };

/** Throttles `page` (of `context`) to THROTTLE through the Chrome DevTools Protocol;
 * `cacheDisabled` turns the HTTP cache off. */
export async function throttle(context, page, { cacheDisabled = false } = {}) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: THROTTLE.latency_ms,
    downloadThroughput: (THROTTLE.down_kbit_s * 1000) / 8,
    uploadThroughput: (THROTTLE.up_kbit_s * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE.cpu });
  return cdp;
}

// In the page before anything else: when each DOM hook first appears (in the document or
// in any shadow root), the time of the second animation frame after it, and the bytes
// received by then.
export const MARKS = () => {
  const want = { status: '[role=status] [data-import-status]', table: '[data-error-table]' };
  const marks = {};
  window.__firstView = marks;
  const roots = [document];
  const bytes = () => {
    const nav = performance.getEntriesByType('navigation')[0];
    let sum = nav ? nav.transferSize : 0;
    for (const r of performance.getEntriesByType('resource')) if (r.responseEnd > 0) sum += r.transferSize;
    return sum;
  };
  const check = () => {
    for (const [name, selector] of Object.entries(want)) {
      if (name in marks || !roots.some((root) => root.querySelector(selector))) continue;
      marks[name] = null;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        marks[name] = performance.now();
        marks[`${name}_bytes`] = bytes();
      }));
    }
  };
  const observe = (root) => new MutationObserver(check).observe(root, { subtree: true, childList: true, attributes: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    roots.push(root);
    observe(root);
    return root;
  };
  observe(document);
};

