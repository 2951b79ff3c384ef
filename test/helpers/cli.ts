import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const HUELLA_BIN = path.join(REPO, 'bin', 'huella.js');

export type CliResult = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** Runs `huella` as a user would (a child process), with the passphrase from the environment by default. */
export function huella(args: readonly string[], options: { env?: Record<string, string | undefined>; input?: string | Buffer; encoding?: 'buffer' } = {}): CliResult {
  const r = spawnSync(process.execPath, [HUELLA_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, HUELLA_PASSPHRASE: 'correct horse battery staple', ...options.env },
    input: options.input,
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export function huellaBytes(args: readonly string[]): Buffer {
  const r = spawnSync(process.execPath, [HUELLA_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, HUELLA_PASSPHRASE: 'correct horse battery staple' },
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`huella ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Starts `huella` without waiting (for kill -9 tests). */
export function huellaSpawn(args: readonly string[]) {
  return spawn(process.execPath, [HUELLA_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, HUELLA_PASSPHRASE: 'correct horse battery staple' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function jsonLines(stdout: string): unknown[] {
  return stdout.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l) as unknown);
}
