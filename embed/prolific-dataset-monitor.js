// Prolific Dataset Monitor: the module embedders load.
//
//   <script type="module" src="/pkg/prolific-dataset-monitor.js"></script>
//   <prolific-dataset-monitor dataset-id="…" import-id="…" proxy-url="https://proxy.example.org">
//     Loading the dataset monitor…
//   </prolific-dataset-monitor>
//
// It registers <prolific-dataset-monitor> (set globalThis.PROLIFIC_DATASET_MONITOR_TAG
// before loading to use another name, or to false to register nothing) and exports
// `mount(element, options)` and `define(tagName)`. The file shipped (scripts/build-embed)
// begins with trap-notice.js (the notice shown if the wasm traps) and early-data.js (the
// first API requests, started before the wasm has loaded).
const tag = globalThis.PROLIFIC_DATASET_MONITOR_TAG ?? 'prolific-dataset-monitor';
// The elements already in the page start their first API requests now, ahead of the wasm's
// download (embed/early-data.js, shipped ahead of this file); each widget takes its own
// when it mounts.
if (tag && globalThis.__datasetMonitorFetchEarly) {
  try {
    for (const element of document.querySelectorAll(tag)) {
      globalThis.__datasetMonitorFetchEarly(
        element.getAttribute('proxy-url'),
        element.getAttribute('dataset-id'),
        element.getAttribute('import-id'),
      );
    }
  } catch {
    // A tag name querySelectorAll cannot read: the widgets fetch for themselves.
  }
}

// Then the wasm's download, and the glue's, at once (scripts/build-embed gives both files
// hashed names, written into this file): neither waits for the other.
const wasm = fetch(new URL('./dataset_monitor_bg.wasm', import.meta.url));
// A failed fetch is reported by init(), not as an unhandled rejection.
wasm.catch(() => {});
const glue = import('./dataset_monitor.js');

const { default: init, mount: mountWidget } = await glue;
await init({ module_or_path: wasm });

/** How long attributes must stay unchanged before a re-render. */
const SETTLE_MS = 100;
const ATTRIBUTES = ['dataset-id', 'import-id', 'proxy-url', 'poll-interval', 'theme', 'notify'];
const toProperty = (attribute) => attribute.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** Mounts the widget into `element`; returns a handle with `unmount()` and `update(options)`. */
export function mount(element, options) {
  return mountWidget(element, options);
}

/** Registers the custom element under `tagName`; a no-op if that name is taken. */
export function define(tagName = 'prolific-dataset-monitor') {
  if (customElements.get(tagName)) {
    return false;
  }

  class ProlificDatasetMonitor extends HTMLElement {
    static get observedAttributes() {
      return ATTRIBUTES;
    }

    #handle = null;
    #scheduled = false;
    #timer = 0;

    connectedCallback() {
      // A page may set properties before this module defined the element: those are
      // plain own properties that hide the accessors. Re-apply them through the accessors.
      for (const attribute of ATTRIBUTES) {
        const property = toProperty(attribute);
        if (Object.prototype.hasOwnProperty.call(this, property)) {
          const value = this[property];
          delete this[property];
          this[property] = value;
        }
      }
      this.#schedule();
    }

    disconnectedCallback() {
      clearTimeout(this.#timer);
      if (this.#handle) {
        this.#handle.unmount();
        this.#handle.free();
        this.#handle = null;
      }
    }

    attributeChangedCallback() {
      this.#schedule();
    }

    // The first render happens at once (after this task's attribute changes); later
    // changes wait until the attributes have been still for a moment, so a burst of
    // changes is one render and one new request, never a request per change.
    #schedule() {
      if (!this.#handle) {
        if (this.#scheduled) return;
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          if (this.isConnected && !this.#handle) this.#render();
        });
        return;
      }
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        if (this.isConnected) this.#render();
      }, SETTLE_MS);
    }

    #render() {
      const options = { datasetId: this.getAttribute('dataset-id') ?? '' };
      for (const attribute of ATTRIBUTES.slice(1)) {
        const value = this.getAttribute(attribute);
        if (value !== null) options[toProperty(attribute)] = value;
      }
      if (this.#handle) {
        this.#handle.update(options);
        return;
      }
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const container = document.createElement('div');
      container.setAttribute('part', 'container');
      // Replacing the shadow root's content hides the element's own (placeholder) content.
      root.replaceChildren(container);
      this.#handle = mountWidget(container, options);
    }
  }

  for (const attribute of ATTRIBUTES) {
    Object.defineProperty(ProlificDatasetMonitor.prototype, toProperty(attribute), {
      get() {
        return this.getAttribute(attribute);
      },
      set(value) {
        if (value === null || value === undefined) this.removeAttribute(attribute);
        else this.setAttribute(attribute, String(value));
      },
    });
  }

  customElements.define(tagName, ProlificDatasetMonitor);
  return true;
}

if (tag) define(tag);
