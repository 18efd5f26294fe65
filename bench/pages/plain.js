// Plain-JavaScript comparisons for bench/bench.mjs: what a hand-written page would do
// instead of the widget. Same columns and the same page size as the widget's table.

const PAGE_SIZE = 50;
const dash = (v) => (v === null || v === undefined ? '—' : String(v));

function table(errors) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const title of ['Record (0-based)', 'Field', 'Reason']) {
    const th = document.createElement('th');
    th.textContent = title;
    head.append(th);
  }
  const body = document.createElement('tbody');
  for (const e of errors) {
    const tr = body.insertRow();
    tr.insertCell().textContent = dash(e.record_index);
    tr.insertCell().textContent = dash(e.field);
    tr.insertCell().textContent = e.reason ? e.reason : '—';
  }
  table.append(body);
  return table;
}

/** (a) `JSON.parse`, then a table of the first page only (what the widget shows). */
export function renderWindow(parent, text) {
  const job = JSON.parse(text);
  parent.append(table(job.errors.slice(0, PAGE_SIZE)));
}

/** (b) `JSON.parse`, then a table of every row. */
export function renderAllRows(parent, text) {
  const job = JSON.parse(text);
  parent.append(table(job.errors));
}

const FINAL = new Set(['complete', 'partial', 'failed']);

/**
 * The naive poller: `setInterval` fetches every `intervalMs` and stops once it reads a
 * final status. It ignores hidden pages and never waits for a slow response.
 */
export function naivePoller(url, intervalMs) {
  const timer = setInterval(async () => {
    try {
      const job = await (await fetch(url)).json();
      if (FINAL.has(job.status)) clearInterval(timer);
    } catch {
      // A failed request is simply retried at the next tick.
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
