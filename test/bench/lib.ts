import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';

/** Small helpers shared by the benchmark scripts: medians, timing of commands, generated inputs, tables. */

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Wall-clock seconds of a shell command (through sh -c, so `a; sync` works). Throws on failure. */
export function timeShell(command: string): number {
  const t = performance.now();
  const r = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.toString()}`);
  return s;
}

/** A file of `bytes` incompressible bytes (a random 16 MiB block repeated; generation is not what we measure). */
export function makeRandomFile(file: string, bytes: number): void {
  const block = crypto.randomBytes(16 * 1024 * 1024);
  const fd = fs.openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) {
      // Vary each block a little so no two blocks are identical.
      block.writeUInt32LE(written >>> 0, 0);
      fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Drops the page cache when allowed (root), so cold-read runs are comparable; silently skipped otherwise. */
export function dropCaches(): void {
  spawnSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
}

export type Row = { readonly name: string; readonly ours: string; readonly reference: string; readonly referenceName: string; readonly ratio: string };

export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  const w = [Math.max(...rows.map((r) => r.name.length), 10), 14, 36, 14, 8];
  console.log(`${'measure'.padEnd(w[0]!)}  ${'huella'.padStart(w[1]!)}  ${'reference'.padEnd(w[2]!)}  ${'ref value'.padStart(w[3]!)}  ${'ratio'.padStart(w[4]!)}`);
  for (const r of rows) console.log(`${r.name.padEnd(w[0]!)}  ${r.ours.padStart(w[1]!)}  ${r.referenceName.padEnd(w[2]!)}  ${r.reference.padStart(w[3]!)}  ${r.ratio.padStart(w[4]!)}`);
}

export function mbps(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}
