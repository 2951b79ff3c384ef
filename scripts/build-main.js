#!/usr/bin/env node
// Bundles the Electron main process, the preload and the parse worker with esbuild (npm run build:main).
//
//   node scripts/build-main.js [--out <dir>]        default out: dist/main
//   HUELLA_DEV=1 node scripts/build-main.js         development bundle (DevTools allowed when run from source)
//
// Output (<out>/electron/): main.cjs, preload.cjs, the worker bundles (parse-worker.cjs, hash-worker.cjs, …: the
// list is WORKERS in scripts/bundles.js), bootstrap.mjs, and meta.json (esbuild's metafile: the import graph the
// no-sockets test reads).
//
// Decisions:
// - CommonJS everywhere. A sandboxed preload must be CommonJS; for main and the workers, CJS keeps `require` of
//   external modules in source order (scripts/bundles.js says why that matters for sharp).
// - External: electron, and NATIVE_EXTERNALS (scripts/bundles.js: the native modules, which electron-builder
//   rebuilds for Electron's ABI and unpacks from asar, and two WebAssembly loaders). Everything else is bundled
//   (the app then needs no other node_modules at run time).
// - Every worker bundle starts with the socket guard, like main.ts does.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { ELECTRON_NODE_TARGET, NATIVE_EXTERNALS, ROOT, WORKER_BOOTSTRAP, asciiOutputs, buildWorkers, cjsOptions } from './bundles.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const OUT = path.resolve(values.out ?? path.join(ROOT, 'dist/main'));
const ELECTRON_OUT = path.join(OUT, 'electron');
const DEVELOPMENT = process.env.HUELLA_DEV === '1';

// Chromium 140 is Electron 45's.
const CHROME_TARGET = 'chrome140';

const common = cjsOptions({ HUELLA_DEVELOPMENT: JSON.stringify(DEVELOPMENT) });

fs.rmSync(ELECTRON_OUT, { recursive: true, force: true });
fs.mkdirSync(ELECTRON_OUT, { recursive: true });

let results;
try {
  results = (
    await Promise.all([
      build({
        ...common,
        entryPoints: ['main/electron/main.ts'],
        outfile: path.join(ELECTRON_OUT, 'main.cjs'),
        platform: 'node',
        target: ELECTRON_NODE_TARGET,
        external: ['electron', ...NATIVE_EXTERNALS],
      }),
      build({
        ...common,
        entryPoints: ['main/electron/preload.ts'],
        outfile: path.join(ELECTRON_OUT, 'preload.cjs'),
        // The sandboxed preload has no Node: browser platform, and only 'electron' may stay a require().
        platform: 'browser',
        target: CHROME_TARGET,
        external: ['electron'],
        banner: {},
        define: { HUELLA_DEVELOPMENT: JSON.stringify(DEVELOPMENT) },
      }),
      buildWorkers(ELECTRON_OUT, { target: ELECTRON_NODE_TARGET, prelude: ['main/electron/guard/install'], define: { HUELLA_DEVELOPMENT: JSON.stringify(DEVELOPMENT) } }),
    ])
  ).flat();
} catch {
  // esbuild has already printed the errors with their locations.
  console.error('build:main failed');
  process.exit(1);
}
asciiOutputs(results.map((r) => r.metafile));

// The PDF cover documents embed these fonts (main/archive/pdf/fonts.ts looks for fonts/ beside the
// bundle first): copied from their npm packages (SIL OFL 1.1), so no font binary lives in the repository.
const FONTS = [
  '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  '@expo-google-fonts/noto-naskh-arabic/400Regular/NotoNaskhArabic_400Regular.ttf',
  '@expo-google-fonts/noto-naskh-arabic/700Bold/NotoNaskhArabic_700Bold.ttf',
];
fs.mkdirSync(path.join(ELECTRON_OUT, 'fonts'), { recursive: true });
for (const f of FONTS) fs.copyFileSync(path.join(ROOT, 'node_modules', f), path.join(ELECTRON_OUT, 'fonts', path.basename(f)));
fs.copyFileSync(path.join(ROOT, 'node_modules/@expo-google-fonts/noto-sans/LICENSE_FONT'), path.join(ELECTRON_OUT, 'fonts', 'OFL.txt'));

// The pool spawns every worker through bootstrap.mjs (it loads tsx only for .ts entries).
fs.copyFileSync(path.join(ROOT, WORKER_BOOTSTRAP), path.join(ELECTRON_OUT, 'bootstrap.mjs'));

const meta = { inputs: {}, outputs: {} };
for (const r of results) {
  Object.assign(meta.inputs, r.metafile.inputs);
  Object.assign(meta.outputs, r.metafile.outputs);
}
fs.writeFileSync(path.join(ELECTRON_OUT, 'meta.json'), `${JSON.stringify(meta)}\n`);

for (const [file, info] of Object.entries(meta.outputs)) {
  console.log(`${path.relative(ROOT, path.resolve(ROOT, file))}  ${(info.bytes / 1024).toFixed(0)} KiB`);
}
console.log(DEVELOPMENT ? 'development bundle (DevTools allowed when run from source)' : 'production bundle');
