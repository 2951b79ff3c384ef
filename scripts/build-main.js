#!/usr/bin/env node
// Bundles the Electron main process, the preload and the parse worker with esbuild (npm run build:main).
//
//   node scripts/build-main.js [--out <dir>]        default out: dist/main
//   HUELLA_DEV=1 node scripts/build-main.js         development bundle (DevTools allowed when run from source)
//
// Output (<out>/electron/): main.cjs, preload.cjs, parse-worker.cjs, bootstrap.mjs, and meta.json (esbuild's
// metafile: the import graph the no-sockets test reads).
//
// Decisions:
// - CommonJS everywhere. A sandboxed preload must be CommonJS; for main and the worker, CJS keeps `require` of
//   external modules in source order. That order matters: ingest/vips-env.ts must set VIPS_DISC_THRESHOLD
//   before sharp loads libvips (else large images spill plaintext pixels to TMPDIR), and an ESM bundle would
//   hoist `import sharp` above it.
// - External: electron, and the native modules (better-sqlite3-multiple-ciphers, sharp) which electron-builder
//   rebuilds for Electron's ABI and unpacks from asar. libsodium-wrappers-sumo stays external as well: it is a
//   WebAssembly loader that locates its own files at run time, which a bundle would break. Everything else is
//   bundled (the app then needs no other node_modules at run time).
// - `import.meta.url` has no meaning in CJS: it is defined as the bundle file's own URL, so the archive's
//   `workerEntry('parse-worker', import.meta.url)` finds parse-worker.cjs beside main.cjs.
// - Every worker bundle starts with the socket guard, like main.ts does.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const OUT = path.resolve(values.out ?? path.join(ROOT, 'dist/main'));
const ELECTRON_OUT = path.join(OUT, 'electron');
const DEVELOPMENT = process.env.HUELLA_DEV === '1';

// mupdf (PDF stripping, PDF cover documents) is an ES module with top-level await around a WebAssembly file it
// loads from its own folder: it cannot live in a CommonJS bundle, so it stays a run-time `import('mupdf')`.
export const NATIVE_EXTERNALS = ['better-sqlite3-multiple-ciphers', 'sharp', 'libsodium-wrappers-sumo', 'mupdf'];
// Electron 45 ships Node 22 and Chromium 140.
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome140';

const importMetaUrlBanner = "const __huellaImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

const common = {
  bundle: true,
  format: 'cjs',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: ROOT,
  define: { HUELLA_DEVELOPMENT: JSON.stringify(DEVELOPMENT), 'import.meta.url': '__huellaImportMetaUrl' },
  banner: { js: importMetaUrlBanner },
};

fs.rmSync(ELECTRON_OUT, { recursive: true, force: true });
fs.mkdirSync(ELECTRON_OUT, { recursive: true });

let results;
try {
  results = await Promise.all([
    build({
      ...common,
      entryPoints: ['main/electron/main.ts'],
      outfile: path.join(ELECTRON_OUT, 'main.cjs'),
      platform: 'node',
      target: NODE_TARGET,
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
    build({
      ...common,
      stdin: {
        contents: "import './main/electron/guard/install';\nimport './main/archive/ingest/parse-worker';\n",
        resolveDir: ROOT,
        sourcefile: 'parse-worker-entry.ts',
        loader: 'ts',
      },
      outfile: path.join(ELECTRON_OUT, 'parse-worker.cjs'),
      platform: 'node',
      target: NODE_TARGET,
      external: NATIVE_EXTERNALS,
    }),
  ]);
} catch {
  // esbuild has already printed the errors with their locations.
  console.error('build:main failed');
  process.exit(1);
}

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
fs.copyFileSync(path.join(ROOT, 'main/archive/workers/bootstrap.mjs'), path.join(ELECTRON_OUT, 'bootstrap.mjs'));

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
