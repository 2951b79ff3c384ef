import { parseArgs } from 'node:util';
import { HuellaError } from '../archive/errors';
import { COMMON_OPTIONS, type Command } from './command';
import { COMMANDS } from './commands';
import { makeOut, UsageError } from './io';

/**
 * `huella` entry point. Exit codes: 0 success, 1 operational error (message on stderr; with --json also a JSON
 * object {"error":{code,message}} on stdout), 2 usage error.
 */
function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'huella: offline, encrypted evidence archive',
    '',
    'Usage: huella <command> [arguments] [--json]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'The passphrase is asked on the terminal, or read from --passphrase-file FILE or HUELLA_PASSPHRASE.',
    'A recovery key unlocks too: --recovery-key-file FILE or HUELLA_RECOVERY_KEY.',
    'Run `huella <command> --help` for a command\'s usage.',
  ].join('\n');
}

function findCommand(words: readonly string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const c of COMMANDS) {
    const parts = c.name.split(' ');
    if (parts.every((p, i) => words[i] === p) && (!best || parts.length > best.command.name.split(' ').length)) {
      best = { command: c, rest: words.slice(parts.length) };
    }
  }
  return best;
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const out = makeOut(json);
  try {
    const firstFlag = argv.findIndex((a) => a.startsWith('-'));
    const words = argv.slice(0, firstFlag === -1 ? argv.length : firstFlag);
    if (argv.length === 0 || (words.length === 0 && (argv[0] === '--help' || argv[0] === '-h'))) {
      process.stdout.write(helpText() + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    const found = findCommand(words);
    if (!found) throw new UsageError(`Unknown command '${words.slice(0, 2).join(' ')}'. Run 'huella --help'.`);
    const { command } = found;
    const parsed = parseArgs({
      args: argv.slice(command.name.split(' ').length),
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(`${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    const [min, max] = command.args;
    if (parsed.positionals.length < min || parsed.positionals.length > max) throw new UsageError(`Usage: ${command.usage}`);
    return await command.run(parsed.positionals, parsed.values as Record<string, string | boolean | string[] | undefined>, out);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`huella: ${(e as Error).message}\n`);
      return 2;
    }
    const err = e instanceof HuellaError ? e : new HuellaError('INTERNAL', 'Unexpected error. Nothing was changed that was not already reported.', { cause: e });
    process.stderr.write(`huella: ${err.message}\n`);
    if (process.env.HUELLA_DEBUG === '1' && err.cause) process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    if (json) out.data({ error: err.toApiError() });
    return 1;
  }
}
