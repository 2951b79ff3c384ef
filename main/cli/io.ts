import fs from 'node:fs';
import { Writable } from 'node:stream';
import { HuellaError } from '../archive/errors';

/** A usage mistake: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Out = {
  readonly json: boolean;
  line(text: string): void;
  data(value: unknown): void;
  info(text: string): void;
};

let stdoutClosed = false;

/**
 * `huella ls … | head`: once the reader has gone, stdout's writes fail with EPIPE, which Node throws as an unhandled
 * 'error' event (a stack trace, exit 1). The command goes on to its end (an import is not cut short) and prints
 * nothing more; any other stdout error still surfaces.
 */
function watchStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stdoutClosed = true;
    else process.nextTick(() => {
      throw e;
    });
  });
}

function writeStdout(text: string): void {
  if (!stdoutClosed) process.stdout.write(text);
}

export function makeOut(json: boolean): Out {
  watchStdout();
  return {
    json,
    line: (text) => writeStdout(text + '\n'),
    data: (value) => writeStdout(JSON.stringify(value) + '\n'),
    info: (text) => process.stderr.write(text + '\n'),
  };
}

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for the passphrase: use --passphrase-file FILE or the HUELLA_PASSPHRASE environment variable.');
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  process.stderr.write(question);
  // node:readline loads only here: every other command (and `huella --version`) starts without it.
  const { default: readline } = await import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

function readSecretFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new HuellaError('FILE_UNREADABLE', `Cannot read the ${what} file.`, { cause: e });
  }
}

export type SecretFlags = { readonly 'passphrase-file'?: string | undefined; readonly 'recovery-key-file'?: string | undefined };

/** The unlock secret: --recovery-key-file, HUELLA_RECOVERY_KEY, --passphrase-file, HUELLA_PASSPHRASE, or a prompt. */
export async function unlockFrom(flags: SecretFlags): Promise<{ passphrase: string } | { recoveryKey: string }> {
  if (flags['recovery-key-file']) return { recoveryKey: readSecretFile(flags['recovery-key-file'], 'recovery key') };
  if (process.env.HUELLA_RECOVERY_KEY && !flags['passphrase-file']) return { recoveryKey: process.env.HUELLA_RECOVERY_KEY };
  return { passphrase: await passphraseFrom(flags) };
}

export async function passphraseFrom(flags: SecretFlags, prompt = 'Passphrase: '): Promise<string> {
  if (flags['passphrase-file']) return readSecretFile(flags['passphrase-file'], 'passphrase');
  if (process.env.HUELLA_PASSPHRASE !== undefined) return process.env.HUELLA_PASSPHRASE;
  return promptHidden(prompt);
}

/** A new passphrase: from a file/env for scripts, else asked twice. */
export async function newPassphraseFrom(file: string | undefined, envName: string): Promise<string> {
  if (file) return readSecretFile(file, 'new passphrase');
  const env = process.env[envName];
  if (env !== undefined) return env;
  const a = await promptHidden('New passphrase (at least 10 characters; a few unrelated words are best): ');
  const b = await promptHidden('Repeat the new passphrase: ');
  if (a !== b) throw new UsageError('The two passphrases differ; nothing was changed.');
  return a;
}

/** A single-line progress bar on stderr when it is a terminal; silent otherwise. */
export function progressBar(enabled: boolean): { update(done: number, total: number, label: string): void; done(): void } {
  const tty = enabled && process.stderr.isTTY;
  let last = 0;
  return {
    update(done, total, label) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${label}\x1b[K`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/**
 * Runs a long operation with a signal that Ctrl-C (SIGINT) aborts while it runs, so that it stops cleanly and says
 * what was kept rather than the process dying mid-write.
 */
export async function untilInterrupted<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
