// Worker entry shim. In development and tests the worker modules are TypeScript, loaded through tsx; in the
// packaged app they are bundled JavaScript and load directly. Kept as plain JS because it must run before any
// TypeScript loader exists.
import { workerData } from 'node:worker_threads';

const entry = workerData.__entry;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
