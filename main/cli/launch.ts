// First: libvips' no-spill setting, before any command module can load sharp (formats/vips-env.ts says why).
import '../archive/formats/vips-env';
import fs from 'node:fs';
import type { Command, CommandSpec } from './command';
import { main, type CommandCatalog } from './main';

/**
 * Entry of the built CLI (scripts/build-cli.js bundles it, bin/huella.js runs it). Beside it the build writes
 * commands.json: every command's description (from main/cli/commands/index.ts) and the bundled module holding its
 * code. `huella --help` and `huella --version` read only that file; a command's module (and through it SQLCipher,
 * libsodium, sharp…) is imported only when that command runs.
 */
export type ManifestEntry = Omit<CommandSpec, 'args'> & {
  /** JSON has no Infinity: null means "no upper limit". */
  readonly args: readonly [number, number | null];
  /** The bundled module (beside this file) that exports the command, and the export's name. */
  readonly module: string;
  readonly export: string;
};

export type CliManifest = { readonly version: string; readonly commands: readonly ManifestEntry[] };

export const MANIFEST_FILE = 'commands.json';

export function catalogFromManifest(manifest: CliManifest, baseUrl: string): CommandCatalog {
  const specs = manifest.commands.map((c) => ({ ...c, args: [c.args[0], c.args[1] ?? Infinity] as const }));
  return {
    version: manifest.version,
    specs,
    async load(spec) {
      const entry = manifest.commands[specs.indexOf(spec as (typeof specs)[number])]!;
      const mod = (await import(new URL(`./${entry.module}`, baseUrl).href)) as Record<string, Command>;
      return mod[entry.export]!;
    },
  };
}

export function run(argv: readonly string[]): Promise<number> {
  const manifest = JSON.parse(fs.readFileSync(new URL(`./${MANIFEST_FILE}`, import.meta.url), 'utf8')) as CliManifest;
  return main(argv, catalogFromManifest(manifest, import.meta.url));
}
