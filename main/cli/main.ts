import { parseArgs } from 'node:util';
import { HuellaError } from '../archive/errors';
import { COMMON_OPTIONS, type Command, type CommandSpec } from './command';
import { makeOut, UsageError } from './io';

/**
 * `huella` entry point. Exit codes: 0 success, 1 operational error (message on stderr; with --json also a JSON
 * object {"error":{code,message}} on stdout), 2 usage error.
 *
 * The commands come from a catalogue: their descriptions (name, summary, usage, options) up front, and each
 * command's code loaded only when it runs. The built CLI (scripts/build-cli.js, main/cli/launch.ts) describes them
 * from a manifest, so `huella --help` and `huella --version` load no command module at all, and no native module
 * (SQLCipher, sharp, libsodium, mupdf).
 */
export type CommandCatalog = {
  readonly version: string;
  readonly specs: readonly CommandSpec[];
  load(spec: CommandSpec): Promise<Command>;
};

/** A catalogue over command objects already in memory (tests; the build reads the manifest from one). */
export function catalogOf(commands: readonly Command[], version: string): CommandCatalog {
  return { version, specs: commands, load: (spec) => Promise.resolve(commands.find((c) => c.name === spec.name)!) };
}

function helpText(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((c) => c.name.length));
  return [
    'huella: offline, encrypted evidence archive',
    '',
    'Usage: huella <command> [arguments] [--json]',
    '',
    ...specs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'The passphrase is asked on the terminal, or read from --passphrase-file FILE or HUELLA_PASSPHRASE.',
    'A recovery key unlocks too: --recovery-key-file FILE or HUELLA_RECOVERY_KEY.',
    'Run `huella <command> --help` for a command\'s usage; `huella --version` for the version.',
  ].join('\n');
}

function findCommand(specs: readonly CommandSpec[], words: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const c of specs) {
    const parts = c.name.split(' ');
    if (parts.every((p, i) => words[i] === p) && (!best || parts.length > best.name.split(' ').length)) best = c;
  }
  return best;
}

/** The commands whose names start with the longest run of these words that begins any (e.g. 'case', 'log witness'). */
function groupOf(specs: readonly CommandSpec[], words: readonly string[]): string | undefined {
  for (let n = words.length; n > 0; n--) {
    const prefix = `${words.slice(0, n).join(' ')} `;
    const members = specs.filter((c) => c.name.startsWith(prefix));
    if (members.length === 0) continue;
    const width = Math.max(...members.map((c) => c.name.length));
    return [`'huella ${prefix.trim()}' is followed by one of:`, ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), `Run 'huella ${members[0]!.name} --help' for a command's usage.`].join('\n');
  }
  return undefined;
}

export async function main(argv: readonly string[], catalog: CommandCatalog): Promise<number> {
  const json = argv.includes('--json');
  const out = makeOut(json);
  try {
    const firstFlag = argv.findIndex((a) => a.startsWith('-'));
    const words = argv.slice(0, firstFlag === -1 ? argv.length : firstFlag);
    if (argv.length === 0 || (words.length === 0 && (argv[0] === '--help' || argv[0] === '-h'))) {
      process.stdout.write(helpText(catalog.specs) + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    if (words.length === 0 && (argv[0] === '--version' || argv[0] === '-V')) {
      if (json) out.data({ version: catalog.version });
      else out.line(`huella ${catalog.version}`);
      return 0;
    }
    const spec = findCommand(catalog.specs, words);
    if (!spec) {
      // `huella case --help` or `huella consent`: the commands of that group, not "unknown command".
      const group = groupOf(catalog.specs, words);
      if (group && (argv.includes('--help') || argv.includes('-h'))) {
        process.stdout.write(`${group}\n`);
        return 0;
      }
      throw new UsageError(group ?? `Unknown command '${words.slice(0, 2).join(' ')}'. Run 'huella --help'.`);
    }
    const parsed = parseArgs({
      args: argv.slice(spec.name.split(' ').length),
      options: { ...COMMON_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(`${spec.usage}\n  ${spec.summary}\n`);
      return 0;
    }
    const [min, max] = spec.args;
    if (parsed.positionals.length < min || parsed.positionals.length > max) throw new UsageError(`Usage: ${spec.usage}`);
    const command = await catalog.load(spec);
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
