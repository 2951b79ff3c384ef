// Worker entry shim. In development and tests the worker modules are TypeScript, loaded through tsx; in the
// packaged app and the built CLI they are bundled CommonJS (`<name>.cjs`) and load directly. Kept as plain JS
// because it must run before any TypeScript loader exists.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

const entry = workerData.__entry;
if (entry.endsWith('.cjs')) {
  // require(), not import(): importing CommonJS from ESM first scans the whole file for its export names
  // (cjs-module-lexer), ~0.25 s of CPU for the 4.4 MB parse-worker bundle at every worker start, for exports no one
  // reads (a worker's bundle only runs its top level).
  createRequire(import.meta.url)(fileURLToPath(entry));
} else {
  if (entry.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  await import(entry);
}
