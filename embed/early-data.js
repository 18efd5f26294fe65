// Starts the widget's first API requests while its code is still on the way: the import
// first (the status badge needs only it), then the dataset. Each request is kept by its URL
// in globalThis.__datasetMonitorEarly (a Map of URL → { response, controller }); the
// widget's client (src/api/client.rs, `take_early`) takes the one for the URL it is about
// to fetch, once, and handles it exactly as a request of its own: status, body,
// Retry-After, its time limit (through `controller`). A request whose URL the widget never
// asks for (an id or proxy URL its validated configuration refuses) is simply never used.
//
// The URL is built as the client builds it: the proxy URL trimmed, without trailing
// slashes (empty: the page's own origin), then the route. Only hyphenated UUIDs and http(s)
// proxy URLs are fetched early.
//
// Loaded as the demo page's first classic script (scripts/assemble-demo.mjs) and at the
// head of the embeddable module (scripts/build-embed).
globalThis.__datasetMonitorFetchEarly = (proxyUrl, datasetId, importId) => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const base = String(proxyUrl ?? '').trim().replace(/\/+$/, '');
  const dataset = String(datasetId ?? '').trim();
  const job = String(importId ?? '').trim();
  // A hidden page makes no requests until it is shown (the widget waits for that too).
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
  if (!UUID.test(dataset) || (base && !/^https?:\/\/[^?#]+$/i.test(base))) return;
  const early = (globalThis.__datasetMonitorEarly ??= new Map());
  const start = (url) => {
    if (early.has(url) || typeof AbortController === 'undefined') return;
    const controller = new AbortController();
    const response = fetch(url, { headers: { Accept: 'application/json' }, signal: controller.signal });
    // A failure is the widget's to report, when it takes the request.
    response.catch(() => {});
    early.set(url, { response, controller });
  };
  const path = `${base}/api/v1/data-collection/datasets/${dataset}`;
  if (UUID.test(job)) start(`${path}/imports/${job}`);
  start(path);
};
