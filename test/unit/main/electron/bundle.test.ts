import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseRequest, ParseResponse } from '../../../../main/archive/ingest/parse-protocol';
import { APP_THREADPOOL_SIZE } from '../../../../main/electron/threadpool';
import { REPO_ROOT as ROOT, buildMainBundles, removeMainBundles } from '../../../helpers/build-main';
import { writeGpsPhoto } from '../../../helpers/photos';
import { tempDir } from '../../../helpers/tmp';

/**
 * The bundled main process (scripts/build-main.js), checked as shipped:
 * - "the main process opens no sockets", static half: nothing in the import graph of main.cjs / parse-worker.cjs
 *   (main/electron + main/ipc + main/archive + shared + bundled packages) loads a network module or calls a
 *   network API, except the socket guard itself and one reviewed third-party case;
 * - the guard runs before any other module, and libvips' no-spill setting before sharp loads;
 * - the bundled parse worker really works outside tsx (the packaged app has no tsx).
 */
let ELECTRON_OUT: string;

type Meta = {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
};
let meta: Meta;

const NETWORK_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises', 'child_process', 'inspector'];
const isNetworkModule = (p: string): boolean => NETWORK_MODULES.includes(p.replace(/^node:/, ''));
/** Only the guard may touch these: it imports them to disable them. */
const GUARD_IMPORTS: Readonly<Record<string, readonly string[]>> = { 'main/electron/guard/install.ts': ['node:net', 'node:dgram'] };
/**
 * Reviewed third-party code whose text mentions a network module. exifr can read images from URLs through a
 * dynamic import of http/https; we only ever give it file paths (ingest/parse-worker.ts), and the socket guard,
 * installed first in the worker, would refuse the connection anyway.
 */
const REVIEWED_THIRD_PARTY: Readonly<Record<string, string>> = {
  'node_modules/exifr/dist/full.umd.js': 'URL input path, unused: we pass file paths; refused at run time by the socket guard',
  // Emscripten's generic loader: XMLHttpRequest/fetch branches run only in a browser or when the .wasm is a separate
  // file; this bundle carries the .wasm inline (wasmBinary), Node has no XMLHttpRequest, and the worker's socket
  // guard refuses connections anyway.
  'node_modules/libheif-js/libheif-wasm/libheif-bundle.js': 'Emscripten browser loader, unused: the WebAssembly is embedded; HEIC decoding in the parser worker',
  // X.509 certificates of Content Credentials (via @trustnxt/c2pa-ts, in the parser worker): `const DNS = "dns"` names
  // the dNSName kind of a certificate's GeneralName; the file requires only ASN.1 and DI packages, no network module.
  'node_modules/@peculiar/x509/build/x509.cjs.js': 'the string "dns" is a GeneralName type, not a module; it requires no network module',
};

/**
 * The S3 client (AWS SDK v3 and its Smithy runtime), reviewed: since Share/Receive/Remotes are in the app (issue 15),
 * the main process pushes and pulls transfer bundles. Only main/archive/remote/s3.ts creates a client (checked below);
 * every request runs inside withNetworkPermit for the remote's endpoint only, so the socket guard installed first
 * in main.cjs refuses any other connection; credentials are static (remote/credentials.ts), so the SDK's provider
 * chain (instance metadata, SSO, STS) never runs, and the region is always given (no instance-metadata lookup).
 */
const S3_CLIENT = /^node_modules\/(@aws-sdk|@smithy)\//;
const S3_CLIENT_USERS = ['main/archive/remote/s3.ts'];

const NETWORK_CALLS: readonly RegExp[] = [
  /\bfetch\s*\(/,
  /\bnew\s+WebSocket\b/,
  /\bXMLHttpRequest\b/,
  /\bEventSource\b/,
  /\bnavigator\.sendBeacon\b/,
  /\b(require|import)\s*\(\s*['"`](node:)?(net|http|https|http2|tls|dgram|dns)['"`]\s*\)/,
  /\bnet\.(request|fetch|isOnline)\b/,
  /\bshell\.openExternal\b/,
  /\bimport\s*\{[^}]*\bnet\b[^}]*\}\s*from\s*['"]electron['"]/,
];

function withoutComments(file: string): string {
  const src = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(src);
}

const firstParty = (f: string): boolean => /^(main|shared)\//.test(f);

const BUILTINS = new Set(builtinModules);
beforeAll(() => {
  ELECTRON_OUT = buildMainBundles();
  meta = JSON.parse(fs.readFileSync(path.join(ELECTRON_OUT, 'meta.json'), 'utf8')) as Meta;
}, 120_000);
afterAll(() => removeMainBundles(ELECTRON_OUT));

describe('scripts/build-main.js output', () => {
  it('writes the main, preload and worker bundles and the worker bootstrap', () => {
    for (const f of ['main.cjs', 'preload.cjs', 'parse-worker.cjs', 'bootstrap.mjs']) expect(fs.existsSync(path.join(ELECTRON_OUT, f)), f).toBe(true);
  });

  it('bundles the whole archive, ipc and electron layers (so the scan below sees them)', () => {
    const inputs = Object.keys(meta.inputs);
    for (const f of ['main/electron/main.ts', 'main/ipc/handlers.ts', 'main/ipc/dispatch.ts', 'main/archive/vault/vault.ts', 'main/archive/ingest/parse-worker.ts', 'shared/api.ts']) {
      expect(inputs, f).toContain(f);
    }
  });

  it('keeps only electron and the native modules external, never a network module outside the guard', () => {
    // mupdf: an ES module with top-level await around its own WebAssembly file, loaded at run time by
    // main/archive/pdf/mupdf.ts (scripts/build-main.js explains why it cannot be bundled). Reviewed: under Node it
    // reads mupdf-wasm.wasm with fs; its fetch/XMLHttpRequest branches run only in browsers and web workers, and the
    // socket guard in main.cjs would refuse a socket anyway.
    const allowed = new Set(['electron', 'better-sqlite3-multiple-ciphers', 'sharp', 'libsodium-wrappers-sumo', 'mupdf']);
    for (const [file, info] of Object.entries(meta.inputs)) {
      for (const imp of info.imports.filter((i) => i.external)) {
        if (isNetworkModule(imp.path) && S3_CLIENT.test(file)) continue;
        if (isNetworkModule(imp.path)) {
          expect(GUARD_IMPORTS[file] ?? [], `${file} imports ${imp.path}`).toContain(imp.path);
          continue;
        }
        // A bundle of our own beside it (a worker's lazily loaded part, scripts/bundles.js LAZY_PARTS): its inputs are in this scan too.
        const sibling = /^\.\/[\w-]+\.cjs$/.test(imp.path) && fs.existsSync(path.join(ELECTRON_OUT, imp.path));
        expect(imp.path.startsWith('node:') || BUILTINS.has(imp.path) || allowed.has(imp.path) || sibling, `${file} imports ${imp.path}`).toBe(true);
      }
    }
  });

  it('the preload needs nothing but electron (a sandboxed preload can load nothing else)', () => {
    const preload = Object.entries(meta.outputs).find(([f]) => f.endsWith('preload.cjs'))![1];
    expect(preload.imports.filter((i) => i.external).map((i) => i.path)).toEqual(['electron']);
    expect(Object.keys(preload.inputs).some((f) => f.startsWith('main/archive') || f.startsWith('main/ipc'))).toBe(false);
  });
});

describe('no sockets in the main process (static check of the bundled import graph)', () => {
  it('our code (main/electron, main/ipc, main/archive, shared) calls no network API', () => {
    const files = Object.keys(meta.inputs).filter(firstParty);
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const code = withoutComments(file);
      for (const re of NETWORK_CALLS) expect(re.test(code), `${file} matches ${re}`).toBe(false);
    }
  });

  it('bundled packages load no network module, except the reviewed ones', () => {
    const mention = /["'`](node:)?(net|http|https|http2|tls|dgram|dns)["'`]|\bnew\s+WebSocket\b|\bXMLHttpRequest\b/;
    const hits = Object.keys(meta.inputs)
      .filter((f) => f.startsWith('node_modules/') && !S3_CLIENT.test(f))
      .filter((f) => mention.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(hits.sort()).toEqual(Object.keys(REVIEWED_THIRD_PARTY).sort());
  });

  it('only the S3 remote (push, pull, S3 backups, all under a network permit) loads the S3 client', () => {
    const users = Object.entries(meta.inputs)
      .filter(([f]) => firstParty(f))
      .filter(([, info]) => info.imports.some((i) => S3_CLIENT.test(i.path)))
      .map(([f]) => f);
    expect(users.sort()).toEqual(S3_CLIENT_USERS);
  });

  it('the scan would catch a violation (it is not vacuous)', () => {
    const probe = 'main/electron/__probe__.ts';
    const code = "import { net } from 'electron';\nconst r = await fetch('https://example.org');\nconst s = require('node:https');\n";
    const hits = NETWORK_CALLS.filter((re) => re.test(code));
    expect(hits.length, probe).toBeGreaterThanOrEqual(3);
    expect(isNetworkModule('node:http2')).toBe(true);
  });

  it('the parse worker installs the socket guard before it loads anything else', () => {
    // (main.cjs is checked at run time in main-glue.test.ts.) The worker bundle has no lazy CommonJS wrappers
    // before the guard: the guard call is the first statement that requires anything but net/dgram/url.
    const code = fs.readFileSync(path.join(ELECTRON_OUT, 'parse-worker.cjs'), 'utf8');
    const guard = code.indexOf('installSocketGuard({ net:');
    expect(guard).toBeGreaterThan(0);
    expect(code.indexOf('require("sharp")')).toBeGreaterThan(guard);
    expect(code.indexOf('require("node:worker_threads")')).toBeGreaterThan(guard);
  });

  it('libvips is told to keep pixels in memory before sharp loads (no plaintext spill to TMPDIR)', () => {
    const code = fs.readFileSync(path.join(ELECTRON_OUT, 'parse-worker.cjs'), 'utf8');
    const env = code.indexOf('process.env.VIPS_DISC_THRESHOLD =');
    const sharp = code.indexOf('require("sharp")');
    expect(env).toBeGreaterThan(0);
    expect(sharp).toBeGreaterThan(env);
  });

  it('every bundle is ASCII (V8 keeps a thread\'s script source; one other character makes it two bytes a character)', () => {
    // parse-worker.cjs is loaded by each parser and preview thread of an import: 8.5 MB of heap each when three en
    // dashes in a package's comments made it two-byte, 4.3 MB when ASCII (scripts/bundles.js asciiOutputs).
    for (const file of fs.readdirSync(ELECTRON_OUT).filter((f) => /\.c?js$/.test(f))) {
      const bytes = fs.readFileSync(path.join(ELECTRON_OUT, file));
      expect(bytes.findIndex((b) => b > 0x7f), file).toBe(-1);
    }
  });

  it('production bundles have DevTools compiled out', () => {
    const code = fs.readFileSync(path.join(ELECTRON_OUT, 'main.cjs'), 'utf8');
    expect(code).toMatch(/var DEVELOPMENT = false(;| &&)/);
    expect(code).not.toContain('HUELLA_DEVELOPMENT');
  });
});

/**
 * Loaded before main.cjs (`node -r`): at the bundle's first require of a module that is not Node's own (electron, or
 * a native module: the first code that could start libuv's pool behind our back), reports UV_THREADPOOL_SIZE and how
 * many threads the pool starts with, then exits. libuv starts every thread of its pool inside the first queued task
 * (uv_queue_work's one-time init), so the thread count right after one fs.stat() is the pool's size; 0 would mean the
 * pool was already running (started before the setting). Linux: threads counted in /proc/self/task.
 */
const POOL_PROBE = `
const Module = require('node:module');
const fs = require('node:fs');
const builtins = new Set(Module.builtinModules);
const threads = () => fs.readdirSync('/proc/self/task').length;
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!isMain && !request.startsWith('node:') && !builtins.has(request)) {
    const env = process.env.UV_THREADPOOL_SIZE;
    const before = threads();
    fs.stat(__filename, () => {});
    process.stdout.write(JSON.stringify({ first: request, env, poolThreads: threads() - before }));
    process.exit(0);
  }
  return load.apply(this, arguments);
};
`;

describe('the bundled main process\'s libuv thread pool', () => {
  const dir = tempDir();

  it('starts with the CLI\'s 32 threads (UV_THREADPOOL_SIZE set before anything could start the pool)', () => {
    const probe = path.join(dir, 'pool-probe.cjs');
    fs.writeFileSync(probe, POOL_PROBE);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.UV_THREADPOOL_SIZE;
    const r = spawnSync(process.execPath, ['-r', probe, path.join(ELECTRON_OUT, 'main.cjs')], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout) as { first: string; env?: string; poolThreads: number };
    expect(seen.env).toBe(APP_THREADPOOL_SIZE);
    expect(seen.poolThreads).toBe(Number(APP_THREADPOOL_SIZE));
    // The same probe with the setting given by the environment: the app keeps it (and the probe counts right).
    const given = spawnSync(process.execPath, ['-r', probe, path.join(ELECTRON_OUT, 'main.cjs')], { env: { ...env, UV_THREADPOOL_SIZE: '7' }, encoding: 'utf8' });
    expect(JSON.parse(given.stdout)).toMatchObject({ env: '7', poolThreads: 7 });
  });
});

describe('the bundled key-derivation worker', () => {
  it('runs through bootstrap.mjs without tsx and derives what the Argon2 reference implementation does', async () => {
    // vault/kdf.ts runs every real unlock (Argon2id, 64 MiB and more) in this thread; the app has no tsx.
    expect(fs.readdirSync(ELECTRON_OUT)).toContain('kdf-worker.cjs');
    const entry = new URL(`file://${path.join(ELECTRON_OUT, 'kdf-worker.cjs')}`);
    const worker = new Worker(new URL(`file://${path.join(ELECTRON_OUT, 'bootstrap.mjs')}`), { workerData: { __entry: entry.href }, stdout: false, stderr: false });
    const salt = Buffer.from('bundle salt 16 B');
    try {
      const reply = await new Promise<{ ok: boolean; key?: Uint8Array }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ passBytes: new TextEncoder().encode('bundled passphrase'), salt: new Uint8Array(salt), opslimit: 3, memlimit: 64 * 1024 * 1024 });
      });
      expect(reply.ok).toBe(true);
      const ref = spawnSync('argon2', [salt.toString('latin1'), '-id', '-t', '3', '-k', String(64 * 1024), '-p', '1', '-l', '32', '-r'], { input: 'bundled passphrase' });
      expect(ref.status, ref.stderr.toString()).toBe(0);
      expect(Buffer.from(reply.key!).toString('hex')).toBe(ref.stdout.toString().trim());
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});

describe('the bundled parse worker', () => {
  const dir = tempDir();

  it('runs through bootstrap.mjs without tsx and returns metadata and a re-encoded preview', async () => {
    const photo = await writeGpsPhoto(dir, 'photo.jpg', 7);
    const entry = new URL(`file://${path.join(ELECTRON_OUT, 'parse-worker.cjs')}`);
    const worker = new Worker(new URL(`file://${path.join(ELECTRON_OUT, 'bootstrap.mjs')}`), { workerData: { __entry: entry.href }, stdout: false, stderr: false });
    try {
      const request: ParseRequest = { path: photo.file, mediaType: 'image/jpeg', wantMetadata: true, wantPreview: true, previewSize: 64, maxPixels: 10_000_000 };
      const reply = await new Promise<{ ok: boolean; value?: ParseResponse }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(request);
      });
      expect(reply.ok).toBe(true);
      const value = reply.value!;
      expect(value.preview && Buffer.from(value.preview).subarray(8, 12).toString('latin1')).toBe('WEBP');
      expect(Math.max(value.previewWidth ?? 0, value.previewHeight ?? 0)).toBe(64);
      expect(JSON.stringify(value.metadata)).toContain(photo.serial);
    } finally {
      await worker.terminate();
    }
  }, 60_000);

  it('loads its lazy parts from their own bundles: a signed HEIC gets its preview (libheif) and Content Credentials (C2PA)', async () => {
    // scripts/bundles.js LAZY_PARTS: the parse worker's bundle holds neither library; it requires the part files
    // beside it on first use.
    const code = fs.readFileSync(path.join(ELECTRON_OUT, 'parse-worker.cjs'), 'utf8');
    for (const [part, marker] of [['parse-worker-c2pa.cjs', 'SuperBox = class'], ['parse-worker-heif.cjs', 'libheif']] as const) {
      expect(code).not.toContain(marker);
      expect(fs.readFileSync(path.join(ELECTRON_OUT, part), 'utf8')).toContain(marker);
      expect(code).toContain(`require("./${part}")`);
    }
    const entry = new URL(`file://${path.join(ELECTRON_OUT, 'parse-worker.cjs')}`);
    const worker = new Worker(new URL(`file://${path.join(ELECTRON_OUT, 'bootstrap.mjs')}`), { workerData: { __entry: entry.href }, stdout: false, stderr: false });
    try {
      const heic = path.join(ROOT, 'test/fixtures/c2pa/c2pa-rs-signed.heic');
      const request: ParseRequest = { path: heic, mediaType: 'image/heic', wantMetadata: true, wantPreview: true, previewSize: 64, maxPixels: 10_000_000 };
      const reply = await new Promise<{ ok: boolean; value?: ParseResponse }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(request);
      });
      expect(reply.ok).toBe(true);
      const value = reply.value!;
      expect(value.previewError).toBeUndefined();
      expect(value.preview && Buffer.from(value.preview).subarray(8, 12).toString('latin1')).toBe('WEBP');
      expect(value.metadata.contentCredentials).toMatchObject({ state: 'valid', claimGenerator: 'c2pa-rs 0.40.0' });
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});
