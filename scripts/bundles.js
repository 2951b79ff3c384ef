// What the desktop main process (scripts/build-main.js) and the `huella` CLI (scripts/build-cli.js) bundle alike:
// the native externals and the worker threads. One list, so a worker added for one is shipped with both.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export const ROOT = path.resolve(import.meta.dirname, '..');

// Not bundled, loaded from node_modules at run time:
// - better-sqlite3-multiple-ciphers, sharp: native modules (electron-builder rebuilds them for Electron's ABI and
//   unpacks them from asar);
// - libsodium-wrappers-sumo: a WebAssembly loader that locates its own files at run time, which a bundle breaks;
// - mupdf (PDF stripping, PDF cover documents): an ES module with top-level await around a WebAssembly file it
//   loads from its own folder, so it stays a run-time `import('mupdf')`.
export const NATIVE_EXTERNALS = ['better-sqlite3-multiple-ciphers', 'sharp', 'libsodium-wrappers-sumo', 'mupdf'];

// Electron 45 ships Node 22; the CLI runs on the Node of package.json's engines (20.19+).
export const ELECTRON_NODE_TARGET = 'node22';
export const CLI_NODE_TARGET = 'node20';

/**
 * Every worker thread the archive starts (main/archive/workers/entry.ts names them): name → source module. Each is
 * bundled to `<name>.cjs` beside the bundle that starts it, and started through bootstrap.mjs (copied beside it).
 */
export const WORKERS = {
  'parse-worker': 'main/archive/ingest/parse-worker.ts',
  'pgp-worker': 'main/archive/proofmode/pgp-worker.ts',
  'hash-worker': 'main/archive/blobs/hash-worker.ts',
  'crypto-worker': 'main/archive/blobs/crypto-worker.ts',
  'kdf-worker': 'main/archive/vault/kdf-worker.ts',
};

export const WORKER_BOOTSTRAP = 'main/archive/workers/bootstrap.mjs';

// `import.meta.url` has no meaning in CJS: it is defined as the bundle file's own URL, so the archive's
// `workerEntry(name, import.meta.url)` finds `<name>.cjs` beside the bundle.
const importMetaUrlBanner = "const __huellaImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * esbuild output options of every bundle of ours, CommonJS or the CLI's ES modules: readable code without source maps
 * or legal comments, and a metafile (asciiOutputs reads the outputs from it).
 */
export const OUTPUT_OPTIONS = {
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: ROOT,
};

/** esbuild options shared by the CommonJS bundles (main process, preload, workers). */
export function cjsOptions(extraDefine = {}) {
  return {
    bundle: true,
    format: 'cjs',
    ...OUTPUT_OPTIONS,
    define: { ...extraDefine, 'import.meta.url': '__huellaImportMetaUrl' },
    banner: { js: importMetaUrlBanner },
  };
}

/**
 * Bundles every worker to `<outDir>/<name>.cjs`. CommonJS keeps `require` of externals in source order: the parse
 * worker's formats/vips-env.ts must set VIPS_DISC_THRESHOLD before sharp loads libvips (else large images spill
 * plaintext pixels to TMPDIR), and an ES module bundle would hoist `import sharp` above it. `prelude` modules are
 * imported first (the desktop app's socket guard).
 */
export function buildWorkers(outDir, { target, prelude = [], define = {} }) {
  const parts = Object.entries(LAZY_PARTS).flatMap(([worker, modules]) => Object.values(modules).map(([part, source]) => ({ file: `${worker}-${part}.cjs`, source })));
  return Promise.all([
    ...Object.entries(WORKERS).map(([name, source]) =>
      build({
        ...cjsOptions(define),
        stdin: {
          contents: [...prelude, source].map((m) => `import './${m}';`).join('\n'),
          resolveDir: ROOT,
          sourcefile: `${name}-entry.ts`,
          loader: 'ts',
        },
        outfile: path.join(outDir, `${name}.cjs`),
        platform: 'node',
        target,
        external: NATIVE_EXTERNALS,
        ...(LAZY_PARTS[name] ? { plugins: [lazyParts(name)] } : {}),
      }),
    ),
    ...parts.map(({ file, source }) =>
      build({ ...cjsOptions(define), entryPoints: [source], outfile: path.join(outDir, file), platform: 'node', target, external: NATIVE_EXTERNALS }),
    ),
  ]);
}

/**
 * Modules a worker imports (`import()`) only when a file needs them, bundled apart as `<worker>-<part>.cjs` beside it
 * and required on first use: V8 keeps a thread's whole script source in memory, and these are most of the parse
 * worker's (libheif's WebAssembly decoder ~2 MB, the C2PA reader and its X.509 stack ~1.7 MB, of 4.4 MB), held by
 * each parser and preview thread of an import that never meets a HEIC file or a Content Credentials manifest (issue 19:
 * peak memory of an import). worker → import specifier in its source → [part, source module].
 */
export const LAZY_PARTS = {
  'parse-worker': {
    './content-credentials': ['c2pa', 'main/archive/ingest/content-credentials.ts'],
    './heif-preview': ['heif', 'main/archive/ingest/heif-preview.ts'],
  },
};

/**
 * esbuild plugin: the worker's `import()` of a LAZY_PARTS module resolves to a stand-in module,
 * `module.exports = require('./<worker>-<part>.cjs')`, with that file left external. esbuild bundles an `import()` of a
 * bundled module as a call of its (lazy) wrapper, so the part's file is required on first use, as a CommonJS load
 * (as bootstrap.mjs loads workers), and from beside the worker's bundle.
 */
function lazyParts(worker) {
  const modules = LAZY_PARTS[worker];
  const files = new Set(Object.values(modules).map(([part]) => `./${worker}-${part}.cjs`));
  return {
    name: 'lazy-parts',
    setup(b) {
      b.onResolve({ filter: /^\.\// }, (args) => {
        if (args.namespace === 'lazy-part' && files.has(args.path)) return { path: args.path, external: true };
        const part = modules[args.path];
        if (args.kind !== 'dynamic-import' || !part) return undefined;
        if (path.resolve(args.resolveDir, `${args.path}.ts`) !== path.resolve(ROOT, part[1])) return undefined;
        return { path: `./${worker}-${part[0]}.cjs`, namespace: 'lazy-part' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-part' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js', resolveDir: ROOT }));
    },
  };
}

/**
 * Rewrites every non-ASCII character left in the JavaScript outputs of esbuild `metafiles` as a `\uXXXX` escape (a
 * character beyond U+FFFF as its two UTF-16 halves). esbuild escapes them in strings and identifiers but keeps them
 * in the comments it preserves and in regular expression literals. V8 keeps a script's whole source in memory for
 * as long as the thread lives, and a single non-ASCII character makes it a two-byte string: twice the size, in every
 * thread that loads it (three en dashes in @trustnxt/c2pa-ts's comments made parse-worker.cjs 8.5 MB of heap in
 * each parser and preview thread instead of 4.3 MB; issue 19, peak memory of an import). The escape means the same
 * character in a string, a template, a regular expression (with or without the u flag) and an identifier, and is
 * plain text in a comment.
 */
export function asciiOutputs(metafiles) {
  for (const metafile of metafiles) {
    for (const file of Object.keys(metafile.outputs)) {
      if (!/\.[cm]?js$/.test(file)) continue;
      const out = path.resolve(ROOT, file);
      const text = fs.readFileSync(out, 'utf8');
      if (!/[^\0-\x7f]/.test(text)) continue;
      // An odd run of backslashes before the character escapes it: one of them goes with it (the escape alone means the
      // same). U+2028/U+2029 left raw can only be in a comment (esbuild escapes them elsewhere), where they end a
      // line comment: a newline keeps that.
      const escaped = text.replace(/(\\*)([^\0-\x7f])/g, (_, slashes, c) => {
        if (c === '\u2028' || c === '\u2029') return `${slashes}\n`;
        return `${slashes.slice(0, slashes.length - (slashes.length % 2))}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      });
      fs.writeFileSync(out, escaped);
    }
  }
}
