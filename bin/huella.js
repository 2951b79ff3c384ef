#!/usr/bin/env -S MALLOC_ARENA_MAX=2 UV_THREADPOOL_SIZE=32 node --max-semi-space-size=1 --heap-growing-percent=50
// The shebang's settings keep a large import under 200 MB (issue 19; `npx huella ingest` of 5,000 photos measured
// 252 MB without them, 186 MB with them, and no slower): V8's young generation grows to 3 × 16 MiB
// on the main thread under ingest's short-lived buffers, and glibc gives each of the worker threads its own malloc
// arenas, which fragment. Neither can be set once Node runs (v8.setFlagsFromString leaves the young generation as
// it is), hence here. `node bin/huella.js` (the tests) runs without them.
// --heap-growing-percent=50: after each full collection V8 lets the main thread's old generation grow to 1.5 × what
// survived (by default up to ~3 × when collections look cheap). With the small young generation, an import's
// short-lived objects are promoted and die there: the main heap (~20 MB live) swelled to 40–66 MB before its next
// full collection, at a moment that differs from run to run. 20,000-photo imports (launcher, --no-previews, VmHWM,
// load 9–12): 186 / 165 / 206 / 200 MB without it, 164 / 160 / … MB with it, CPU within the noise.
// UV_THREADPOOL_SIZE=32: an import flushes each group of files with one fdatasync per file, issued together so the
// file system can join them into few journal commits; libuv's pool runs 4 at a time by default. 20 groups of 32
// new files of 240 KB flushed in 1.7–2.8 s with 4 threads, 0.7–1.1 s with 32 (alternating runs, load 20–30). libuv reads it once, when its pool first starts: before any module is loaded, hence here too. The desktop app's main process sets the same value first thing (main/electron/threadpool.ts).
// `huella` launcher: runs the bundled CLI in dist/cli (scripts/build-cli.js; `npm ci` builds it through the
// `prepare` script). Before running it checks that the bundle was made from the sources as they are now, and
// rebuilds it (about 1 s) when any of them changed: a stale CLI can never run, whoever edited the archive code.
// The packaged desktop app bundles its own copy of the archive code and does not use this file.
import path from 'node:path';
import { CLI_DIR, ROOT, entryOf, readCurrentBuild, staleReason } from '../scripts/cli-freshness.js';

let current = readCurrentBuild();
const reason = staleReason(current);
if (reason !== undefined) {
  process.stderr.write(`huella: ${reason}; building it (scripts/build-cli.js)…\n`);
  // node:child_process (with net and dgram behind it) loads only when a build is needed, not at every start.
  const { spawnSync } = await import('node:child_process');
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.js'), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  current = readCurrentBuild();
  // A source edited during that build leaves it marked stale (for the next start), but it is complete: run it.
  if (built.status !== 0 || current === undefined) {
    process.stderr.write(`huella: the CLI could not be built in ${CLI_DIR}. Run \`npm ci\` (or \`node scripts/build-cli.js\`) and look at its errors.\n`);
    process.exit(1);
  }
}
const { run } = await import(entryOf(current));
process.exitCode = await run(process.argv.slice(2));
