// Is the built CLI (dist/cli, scripts/build-cli.js) made from the sources as they are now? Used by bin/huella.js at
// every start, so it must stay cheap: it reads one small JSON file and stats the few hundred source files the build
// recorded (about 1 ms), and imports nothing but node:fs and node:path.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** HUELLA_CLI_DIR moves the build elsewhere (the launcher's own tests build into a temporary folder). */
export const CLI_DIR = process.env.HUELLA_CLI_DIR ? path.resolve(process.env.HUELLA_CLI_DIR) : path.join(ROOT, 'dist', 'cli');
export const CURRENT_FILE = path.join(CLI_DIR, 'current.json');

/** dist/cli/current.json, or undefined when there is no (readable) build. */
export function readCurrentBuild(cliDir = CLI_DIR) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cliDir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why `current` cannot be used (a sentence), or undefined when every source it was built from is unchanged. */
export function staleReason(current, { root = ROOT, cliDir = CLI_DIR } = {}) {
  if (!current || typeof current.build !== 'string' || !Array.isArray(current.sources)) return 'the CLI has not been built yet';
  if (!fs.existsSync(path.join(cliDir, 'builds', current.build, 'launch.mjs'))) return 'the CLI build is incomplete';
  // `${root}/${file}`, not path.join: the recorded paths are relative and already normal, and path.join's
  // normalisation cost more than the stat itself over a few hundred files at every start.
  for (const [file, mtimeMs, size] of current.sources) {
    let st;
    try {
      st = fs.statSync(`${root}/${file}`);
    } catch {
      return `${file} was removed since the CLI was built`;
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return `${file} changed since the CLI was built`;
  }
  return undefined;
}

/** file: URL of the current build's entry module. */
export function entryOf(current, cliDir = CLI_DIR) {
  return new URL(`file://${path.join(cliDir, 'builds', current.build, 'launch.mjs')}`).href;
}
