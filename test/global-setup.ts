import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The commands of scripts/test-tools.txt missing from PATH, each with its Debian package and why it is needed. */
export function missingTestTools(pathEnv = process.env.PATH ?? ''): string[] {
  const dirs = pathEnv.split(path.delimiter).filter(Boolean);
  const onPath = (cmd: string): boolean =>
    dirs.some((d) => {
      try {
        fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return fs
    .readFileSync(path.join(ROOT, 'scripts', 'test-tools.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/))
    .filter(([cmd]) => cmd !== '-' && !onPath(cmd!))
    .map(([cmd, pkg, ...why]) => `${cmd} (Debian package ${pkg}: ${why.join(' ')})`);
}

/**
 * Runs once before any test file:
 * 1. every system tool the tests use is installed, else the run stops here naming the missing ones (a test would
 *    otherwise fail later with `spawnSync qpdf ENOENT`);
 * 2. the built CLI (dist/cli) is made from the sources as they are now. Tests spawn `bin/huella.js`, which rebuilds
 *    a stale build by itself; doing it once here keeps parallel test files from each rebuilding it at once.
 */
export default function setup(): void {
  const missing = missingTestTools();
  if (missing.length > 0) {
    throw new Error(`The tests need system tools that are not installed:\n  ${missing.join('\n  ')}\nInstall them with: sudo scripts/install-test-tools.sh`);
  }
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.js'), '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}
