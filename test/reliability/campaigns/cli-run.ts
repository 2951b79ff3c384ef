import { spawn } from 'node:child_process';
import { HUELLA_BIN, REPO } from '../../helpers/cli';

/**
 * Runs `huella` as a child process for the reliability campaigns: asynchronously, with a hard time limit (a hang is
 * a finding, not a stuck campaign), the arrival time of every stdout line (per-file timings from `ingest --json`),
 * an optional wrapper command (strace) and an environment the campaign controls (TMPDIR for the plaintext search).
 */
export const CAMPAIGN_PASSPHRASE = 'correct horse battery staple';

export type TimedLine = { readonly ms: number; readonly text: string };

export type RunOutcome = {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The same output as bytes (for `huella cat`). */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
  /** Each complete stdout line with the milliseconds since the start when it arrived. */
  readonly lines: readonly TimedLine[];
};

export type RunOptions = {
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly input?: string;
  /** A command put in front of `node bin/huella.js …`, e.g. ['strace', '-f', '-o', file]. */
  readonly wrapper?: readonly string[];
};

/** The environment every campaign CLI run gets: the test-only Argon2id cost and the passphrase. */
export function campaignEnv(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string | undefined> {
  return { ...process.env, HUELLA_TEST_WEAK_KDF: '1', HUELLA_PASSPHRASE: CAMPAIGN_PASSPHRASE, HUELLA_DEBUG: undefined, ...extra };
}

export function runCommand(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunOutcome> {
  const started = performance.now();
  const child = spawn(command, [...args], { cwd: REPO, env: opts.env ?? campaignEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: TimedLine[] = [];
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let partial = '';
  child.stdout.on('data', (b: Buffer) => {
    out.push(b);
    const ms = performance.now() - started;
    const parts = (partial + b.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ ms, text });
  });
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  child.stdin.end(opts.input ?? '');
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partial) lines.push({ ms: performance.now() - started, text: partial });
      const bytes = Buffer.concat(out);
      resolve({ code, signal, stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started, timedOut, lines });
    });
  });
}

/** `huella …args` (optionally under a wrapper such as strace). */
export function runHuella(args: readonly string[], opts: RunOptions = {}): Promise<RunOutcome> {
  const argv = [process.execPath, HUELLA_BIN, ...args];
  const wrapper = opts.wrapper ?? [];
  const [command, ...rest] = wrapper.length > 0 ? [...wrapper, ...argv] : argv;
  return runCommand(command!, rest, { timeoutMs: 300_000, ...opts });
}

/** A Node/V8 stack frame ("    at fn (file.ts:12:5)"): the CLI must never print one to a person. */
export const STACK_FRAME = /^\s+at .*(?:\(.*:\d+:\d+\)|:\d+:\d+)\s*$/m;

/** The JSON objects among the output lines (the CLI prints JSON Lines with --json). */
export function jsonObjects(lines: readonly TimedLine[]): { readonly ms: number; readonly value: Record<string, unknown> }[] {
  const out: { ms: number; value: Record<string, unknown> }[] = [];
  for (const l of lines) {
    const t = l.text.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push({ ms: l.ms, value: JSON.parse(t) as Record<string, unknown> });
    } catch {
      // not JSON: the caller checks what it expects to find
    }
  }
  return out;
}

/** One line describing a CLI run for a failure message (code, time, the first line of stderr). */
export function describeRun(what: string, r: RunOutcome): string {
  const firstErr = r.stderr.split('\n').find((l) => l.trim().length > 0) ?? '';
  return `${what}: exit ${r.code ?? r.signal}${r.timedOut ? ' (killed: time limit)' : ''} after ${Math.round(r.ms)} ms${firstErr ? `; stderr: ${firstErr.slice(0, 300)}` : ''}`;
}
