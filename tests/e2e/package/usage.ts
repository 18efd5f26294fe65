// An embedder's TypeScript, type-checked with `tsc --noEmit` against the installed
// package by tests/e2e/package.test.mjs. It uses every public type.
import {
  define,
  mount,
  type CustomElementName,
  type FinishedImportStatus,
  type ImportFinishedDetail,
  type ImportStatus,
  type ImportStatusChangeDetail,
  type MonitorHandle,
  type MountOptions,
  type ProlificDatasetMonitorAttribute,
  type ProlificDatasetMonitorAttributes,
  type ProlificDatasetMonitorElement,
  type ProlificDatasetMonitorEventMap,
  type Theme,
} from 'prolific-dataset-monitor';

globalThis.PROLIFIC_DATASET_MONITOR_TAG = false;

const theme: Theme = 'dark';
const options: MountOptions = {
  datasetId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  importId: '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b10',
  proxyUrl: 'https://proxy.example.org',
  pollInterval: 2000,
  theme,
  requestTimeout: '15000',
  notify: true,
};
const host = document.createElement('div');
const handle: MonitorHandle = mount(host, options);
handle.update({ datasetId: '3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c3', importId: null });
handle.unmount();
handle.free();

const name: CustomElementName = 'my-monitor';
const registered: boolean = define(name) && define();

// The tag name map: querySelector and createElement know the element.
const element = document.querySelector('prolific-dataset-monitor');
if (element) {
  const id: string | null = element.datasetId;
  element.importId = '6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b10';
  element.pollInterval = 500;
  element.theme = 'light';
  element.proxyUrl = null;
  element.notify = true;
  console.log(id, element.shadowRoot);
}
const created: ProlificDatasetMonitorElement = document.createElement('prolific-dataset-monitor');
const attribute: ProlificDatasetMonitorAttribute = 'poll-interval';
const attributes: ProlificDatasetMonitorAttributes = { 'dataset-id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', theme: 'auto', notify: '' };
for (const [key, value] of Object.entries(attributes)) created.setAttribute(key, value);
created.setAttribute(attribute, '1000');

// The event maps: detail is typed on elements, the document and the window.
created.addEventListener('import-status-change', (event) => {
  const detail: ImportStatusChangeDetail = event.detail;
  const previous: ImportStatus | null = detail.previous;
  console.log(detail.dataset_id, detail.import_id, previous, detail.status);
});
document.addEventListener('import-finished', (event) => {
  const status: FinishedImportStatus = event.detail.status;
  const detail: ImportFinishedDetail = event.detail;
  console.log(status, detail.import_id);
});
window.addEventListener('import-status-change', (event) => console.log(event.detail.status));
const listener = (event: ProlificDatasetMonitorEventMap['import-finished']) => event.detail.dataset_id;
created.addEventListener('import-finished', listener);

export { registered };
