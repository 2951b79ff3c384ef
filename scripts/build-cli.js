#!/usr/bin/env node
// Bundles the `huella` CLI with esbuild into dist/cli/ (run by `npm ci`/`npm install` through the `prepare` script,
// and by bin/huella.js whenever a source file changed since the last build; `node scripts/build-cli.js` by hand).
//
//   node scripts/build-cli.js [--if-stale] [--quiet]
//
// Output: dist/cli/builds/<build id>/ holding
//   launch.mjs          the entry (main/cli/launch.ts): argument parsing, --help, --version
//   <module>.mjs        one per file of main/cli/commands/ (its commands' code), and shared chunk-*.mjs
//   commands.json       the manifest: every command's description and the module that holds it
//   <worker>.cjs, bootstrap.mjs   the worker threads (scripts/bundles.js)
// and dist/cli/current.json naming the current build and every source file it was made from, with its mtime and
// size (bin/huella.js compares them to decide whether the build is stale). current.json is replaced atomically
// (rename), so a CLI starting while a build runs uses the previous build, never a half-written one. Builds older than
// an hour that are not current are removed (a long-running command keeps using its own build's worker files).
//
// Decisions:
// - ES modules with code splitting: `huella --help` loads launch.mjs and commands.json only (a few KiB), and each
//   command loads its own module and what it imports, not the whole archive. A single CommonJS bundle (as for the
//   desktop main process) costs every command the parse of ~3 MB and the load of every native module.
// - The parse worker stays CommonJS (scripts/bundles.js: libvips' no-spill setting must run before sharp loads);
//   launch.mjs, the first module of the process, sets it as well before any chunk can load sharp.
// - The manifest is read from the built modules themselves (imported once here), so it cannot drift from the code.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { CLI_NODE_TARGET, NATIVE_EXTERNALS, OUTPUT_OPTIONS, ROOT, WORKER_BOOTSTRAP, asciiOutputs, buildWorkers } from './bundles.js';
import { CLI_DIR, CURRENT_FILE, readCurrentBuild, staleReason } from './cli-freshness.js';

const COMMANDS_DIR = 'main/cli/commands';
const ENTRY = 'main/cli/launch.ts';
/** Files whose change makes a new build necessary besides the bundled sources. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'scripts/build-cli.js', 'scripts/bundles.js', 'scripts/cli-freshness.js', WORKER_BOOTSTRAP];
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

// A CommonJS package bundled into an ES module still calls require() for Node's built-ins.
const requireBanner = "import { createRequire as __huellaCreateRequire } from 'node:module'; const require = __huellaCreateRequire(import.meta.url);";

async function bundleCli(outDir) {
  const commandFiles = fs.readdirSync(path.join(ROOT, COMMANDS_DIR)).filter((f) => f.endsWith('.ts')).sort();
  if (commandFiles.includes('launch.ts')) throw new Error(`${COMMANDS_DIR}/launch.ts would collide with the entry's name`);
  const results = await Promise.all([
    build({
      entryPoints: [ENTRY, ...commandFiles.map((f) => `${COMMANDS_DIR}/${f}`)],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: CLI_NODE_TARGET,
      outdir: outDir,
      entryNames: '[name]',
      chunkNames: 'chunk-[hash]',
      outExtension: { '.js': '.mjs' },
      external: NATIVE_EXTERNALS,
      banner: { js: requireBanner },
      ...OUTPUT_OPTIONS,
    }),
    buildWorkers(outDir, { target: CLI_NODE_TARGET }),
  ]);
  fs.copyFileSync(path.join(ROOT, WORKER_BOOTSTRAP), path.join(outDir, 'bootstrap.mjs'));
  const metafiles = results.flat().map((r) => r.metafile);
  asciiOutputs(metafiles);
  return { commandFiles, metafiles };
}

/** Every exported command of every command module, in the order of COMMANDS (main/cli/commands/index.ts). */
async function readManifest(outDir, commandFiles) {
  const url = (f) => pathToFileURL(path.join(outDir, f)).href;
  const { COMMANDS } = await import(url('index.mjs'));
  const where = new Map();
  for (const file of commandFiles.filter((f) => f !== 'index.ts')) {
    const module = file.replace(/\.ts$/, '.mjs');
    for (const [name, value] of Object.entries(await import(url(module)))) {
      if (value && typeof value === 'object' && typeof value.run === 'function') where.set(value, { module, export: name });
    }
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const commands = COMMANDS.map((c) => {
    const at = where.get(c);
    if (!at) throw new Error(`command '${c.name}' is not exported by a module of ${COMMANDS_DIR}`);
    return { name: c.name, summary: c.summary, usage: c.usage, ...(c.options ? { options: c.options } : {}), args: [c.args[0], Number.isFinite(c.args[1]) ? c.args[1] : null], ...at };
  });
  return { version: pkg.version, commands };
}

/**
 * A dependency's file: under node_modules/, or (a worktree whose node_modules is a link to another checkout's)
 * under a path esbuild gives through that link's target, such as ../../main/node_modules/zod/….
 */
const isDependency = (f) => f.startsWith('node_modules/') || f.includes('/node_modules/');

/** The sources a build was made from (ours, not node_modules: package-lock.json stands for those), with mtime and size. */
function sourceStamps(metafiles, startedAt) {
  const files = new Set(BUILD_INPUTS);
  // (A worker's generated stdin entry, '<name>-entry.ts', is in the metafile too but is no file.)
  for (const m of metafiles) for (const f of Object.keys(m.inputs)) if (!isDependency(f) && fs.existsSync(path.join(ROOT, f))) files.add(f);
  return [...files].sort().map((f) => {
    const st = fs.statSync(path.join(ROOT, f));
    // Changed while we were building: the bundle may hold either version, so record it as stale (rebuilt next start).
    return [f, st.mtimeMs >= startedAt ? -1 : st.mtimeMs, st.size];
  });
}

function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function pruneOldBuilds(buildsDir, current) {
  for (const name of fs.readdirSync(buildsDir)) {
    const dir = path.join(buildsDir, name);
    if (name === current) continue;
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

export async function buildCli({ quiet = false } = {}) {
  const startedAt = Date.now();
  const id = `${startedAt.toString(36)}-${process.pid}`;
  const buildsDir = path.join(CLI_DIR, 'builds');
  const outDir = path.join(buildsDir, id);
  fs.mkdirSync(outDir, { recursive: true });
  try {
    const { commandFiles, metafiles } = await bundleCli(outDir);
    const manifest = await readManifest(outDir, commandFiles);
    fs.writeFileSync(path.join(outDir, 'commands.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    fs.writeFileSync(path.join(outDir, 'meta.json'), `${JSON.stringify({ outputs: Object.assign({}, ...metafiles.map((m) => m.outputs)) })}\n`);
    writeAtomically(CURRENT_FILE, `${JSON.stringify({ build: id, builtAt: new Date(startedAt).toISOString(), sources: sourceStamps(metafiles, startedAt) })}\n`);
  } catch (e) {
    fs.rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
  pruneOldBuilds(buildsDir, id);
  if (!quiet) console.error(`huella CLI built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${path.relative(ROOT, outDir)}`);
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean' }, quiet: { type: 'boolean' } } });
  if (values['if-stale'] && staleReason(readCurrentBuild()) === undefined) process.exit(0);
  try {
    await buildCli({ quiet: values.quiet });
  } catch (e) {
    // esbuild has already printed its errors with their locations.
    console.error(`build-cli failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
    process.exit(1);
  }
}
