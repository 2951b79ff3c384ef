import type { ParseArgsConfig } from 'node:util';
import { HuellaError } from '../archive/errors';
import type { Out } from './io';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** What `huella --help` and the argument parser need to know of a command, without its code. Plain data. */
export type CommandSpec = {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options?: OptionSpec;
  /** Minimum and maximum number of positional arguments after the command words. */
  readonly args: readonly [number, number];
};

/** One CLI command. `name` may have several words ("log show"). `run` returns the exit code. */
export type Command = CommandSpec & {
  readonly run: (positionals: readonly string[], values: ParsedValues, out: Out) => Promise<number>;
};

export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  'recovery-key-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function str(values: ParsedValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function list(values: ParsedValues, key: string): string[] {
  const v = values[key];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** A command that prints or replaces a secret runs only with --yes; without it, `why` says what it would do. */
export function requireYes(values: ParsedValues, why: string): void {
  if (!values.yes) throw new HuellaError('INVALID_INPUT', why);
}
