// Types for `prolific-dataset-monitor` (the module embedders load; see README.md).
// Hand-written: they describe the custom element, `mount()` and the two events, which
// wasm-bindgen does not generate. tests/e2e/package.test.mjs type-checks a file that
// uses every one of them, and checks that misuses are refused.

/** An import's status as the API sends it; a status this version does not know comes as it is. */
export type ImportStatus =
  | 'uninitialised'
  | 'queued'
  | 'processing'
  | 'complete'
  | 'partial'
  | 'failed'
  | 'pending_schema'
  | (string & {});

/** The statuses an import ends in (`import-finished` carries one of these). */
export type FinishedImportStatus = 'complete' | 'partial' | 'failed';

/** `light`, `dark`, or `auto` (follow `prefers-color-scheme`; the default). */
export type Theme = 'light' | 'dark' | 'auto';

/** The options of `mount()` and `MonitorHandle.update()`. An unknown key throws. */
export interface MountOptions {
  /** The dataset to show: a hyphenated UUID (required; `''` shows a configuration error). */
  datasetId: string;
  /** An import of that dataset to follow. */
  importId?: string | null;
  /** The proxy's base URL (`http`/`https`, no query); default: the page's own origin. */
  proxyUrl?: string | null;
  /** Milliseconds between polls of a running import (default 2000; clamped to 500–600000). */
  pollInterval?: number | string | null;
  /** Colour scheme (default `auto`). */
  theme?: Theme | null;
  /** Client-side limit for one request in milliseconds (default 15000; clamped to 100–120000). */
  requestTimeout?: number | string | null;
  /**
   * Offer "Notify me when it finishes" on a followed import that is running (default off;
   * `true`, or any text but `false`, `0`, `off` and `no`, turns it on). After the person's
   * click and the browser's permission, polling goes on (every 15 s or slower) while the
   * page is hidden, and a desktop notification says how the import ended.
   */
  notify?: boolean | string | null;
}

/** A mounted widget, returned by `mount()`. */
export interface MonitorHandle {
  /** Re-renders with new options (polling is re-targeted); throws, changing nothing, on a bad option. */
  update(options: MountOptions): void;
  /** Removes the widget and stops every timer and request; a later `update()` mounts it again. */
  unmount(): void;
  /** Frees the JS handle only: the widget keeps running (call `unmount()` first). */
  free(): void;
}

/**
 * Mounts the widget into `element` (its children are kept; the widget is appended).
 * Throws an `Error` naming the option when an option has a wrong type, `datasetId` is
 * missing or a key is unknown; a value of the right type that is not acceptable (a bad
 * UUID, a non-http URL) is shown in the widget as a `role="alert"` message instead.
 */
export function mount(element: HTMLElement, options: MountOptions): MonitorHandle;

/** A custom element name: lowercase, with a hyphen. */
export type CustomElementName = `${string}-${string}`;

/**
 * Registers the custom element under `tagName` (default `prolific-dataset-monitor`).
 * Returns `false`, doing nothing, if that name is already taken.
 */
export function define(tagName?: CustomElementName): boolean;

/** The element's attributes, each mirrored by a property of `ProlificDatasetMonitorElement`. */
export interface ProlificDatasetMonitorAttributes {
  'dataset-id': string;
  'import-id'?: string;
  'proxy-url'?: string;
  'poll-interval'?: string;
  theme?: Theme;
  /** Present (any value but `false`, `0`, `off`, `no`): offer "Notify me when it finishes". */
  notify?: string;
}

/** The names of the attributes the element observes. */
export type ProlificDatasetMonitorAttribute = keyof ProlificDatasetMonitorAttributes;

/**
 * `<prolific-dataset-monitor>`. Each property reads its attribute (`null` when absent);
 * setting one sets the attribute (`null`/`undefined` removes it) and re-renders.
 */
export interface ProlificDatasetMonitorElement extends HTMLElement {
  get datasetId(): string | null;
  set datasetId(value: string | null | undefined);
  get importId(): string | null;
  set importId(value: string | null | undefined);
  get proxyUrl(): string | null;
  set proxyUrl(value: string | null | undefined);
  get pollInterval(): string | null;
  set pollInterval(value: number | string | null | undefined);
  get theme(): string | null;
  set theme(value: Theme | null | undefined);
  get notify(): string | null;
  set notify(value: boolean | string | null | undefined);
}

/** `detail` of `import-status-change`: an import first seen (`previous: null`) or changed. */
export interface ImportStatusChangeDetail {
  dataset_id: string;
  import_id: string;
  previous: ImportStatus | null;
  status: ImportStatus;
}

/** `detail` of `import-finished`: an import moved into `complete`, `partial` or `failed`. */
export interface ImportFinishedDetail extends ImportStatusChangeDetail {
  status: FinishedImportStatus;
}

/** The events the widget dispatches (they bubble and are composed). */
export interface ProlificDatasetMonitorEventMap {
  'import-status-change': CustomEvent<ImportStatusChangeDetail>;
  'import-finished': CustomEvent<ImportFinishedDetail>;
}

declare global {
  interface HTMLElementTagNameMap {
    'prolific-dataset-monitor': ProlificDatasetMonitorElement;
  }
  // The events bubble out of the shadow root, so every ancestor hears them.
  interface HTMLElementEventMap extends ProlificDatasetMonitorEventMap {}
  interface DocumentEventMap extends ProlificDatasetMonitorEventMap {}
  interface WindowEventMap extends ProlificDatasetMonitorEventMap {}
  /**
   * Set before the module loads: another tag name for the element, or `false` to
   * register none (then call `define()` yourself, or use `mount()`).
   */
  var PROLIFIC_DATASET_MONITOR_TAG: string | false | undefined;
}
