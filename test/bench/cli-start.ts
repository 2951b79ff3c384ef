import { spawnSync } from 'node:child_process';
import { HUELLA_BIN, REPO } from '../helpers/cli';
import { median } from './lib';

/**
 * Cold start of the CLI (issue 19 item 1): `huella --version` next to `node -e 0` on the same machine, run one after
 * the other `runs` times each (interleaved, so both see the same load), medians of wall-clock time. Each run is a new
 * process; the operating system's file cache is warm after the first, as it is for a user.
 */
export type CliStartResult = { readonly runs: number; readonly huellaSeconds: number; readonly nodeSeconds: number };

function wall(args: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return s;
}

export function benchCliStart(runs: number): CliStartResult {
  wall([HUELLA_BIN, '--version']); // a stale build is rebuilt here, untimed
  const huella: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(wall(['-e', '0']));
    huella.push(wall([HUELLA_BIN, '--version']));
  }
  return { runs, huellaSeconds: median(huella), nodeSeconds: median(node) };
}
