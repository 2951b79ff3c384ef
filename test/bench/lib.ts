import { spawn, spawnSync } from 'node:child_process';
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

/** Wall-clock seconds of `run`, and its result. */
export async function timed<T>(run: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const t = performance.now();
  const value = await run();
  return { seconds: (performance.now() - t) / 1000, value };
}

/**
 * Peak resident memory (MB) of a command run directly (no shell) with `inputFile` on its standard input, from
 * /proc/<pid>/status VmHWM: polled every 10 ms while it runs, and read once more after the whole input was written
 * but before the input is closed, so even a run shorter than one poll is measured (the high-water mark only grows;
 * what the tool does after end of input, flushing its last block, is not). Used for the reference tools: Node cannot
 * read a child's rusage, and /usr/bin/time is not on CI.
 */
export function peakRssOfCommand(command: string, args: readonly string[], inputFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let peakKb = 0;
    let stderr = '';
    const poll = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // The process has just exited: the last successful poll stands.
      }
    };
    const timer = setInterval(poll, 10);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // a tool that fails early closes its input; 'exit' reports the failure
    const input = fs.createReadStream(inputFile);
    input.pipe(child.stdin, { end: false });
    input.on('end', () => {
      poll();
      child.stdin.end();
    });
    input.on('error', reject);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${command} failed: ${stderr}`));
      else resolve(peakKb / 1024);
    });
  });
}

/** Drops the page cache when allowed (root), so cold-read runs are comparable; silently skipped otherwise. */
export function dropCaches(): void {
  spawnSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
}

export type Row = {
  readonly name: string;
  readonly ours: string;
  readonly reference: string;
  readonly referenceName: string;
  readonly ratio: string;
  /** The issue's goal for this figure and whether it is met (empty when the issue states none). */
  readonly goal?: string;
};

export function printTable(title: string, rows: readonly Row[], write: (line: string) => void = console.log): void {
  write(`\n${title}`);
  const w = [Math.max(...rows.map((r) => r.name.length), 10), 10, Math.max(...rows.map((r) => r.referenceName.length), 9), 10, 7];
  const withGoal = rows.some((r) => r.goal);
  const line = (c: readonly string[]): string =>
    `${c[0]!.padEnd(w[0]!)}  ${c[1]!.padStart(w[1]!)}  ${c[2]!.padEnd(w[2]!)}  ${c[3]!.padStart(w[3]!)}  ${c[4]!.padStart(w[4]!)}${withGoal ? `  ${c[5]}` : ''}`.trimEnd();
  write(line(['measure', 'huella', 'reference', 'ref value', 'ratio', 'goal']));
  for (const r of rows) write(line([r.name, r.ours, r.referenceName, r.reference, r.ratio, r.goal ?? '']));
}

export function mbps(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}
