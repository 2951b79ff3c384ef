import { spawnSync } from 'node:child_process';
import { HUELLA_BIN, REPO } from '../helpers/cli';
import { BENCH_PASSPHRASE } from './ingest-large';
import { median, timed, timeShell } from './lib';

/**
 * `huella verify <vault>` (the CLI, as a user runs it: custody chain, signatures, Merkle tree, checkpoints, then
 * every object decrypted and its hash checked) next to `openssl dgst -sha256` over the same plaintext files.
 * The CLI's own start-up (tsx + unlock) is inside our figure and reported alone as `cliStartSeconds`.
 */
export type VaultVerifyResult = {
  readonly runs: number;
  readonly huellaSeconds: number;
  readonly objects: number;
  readonly bytesHashed: number;
  readonly opensslSeconds: number;
  /** `huella --help`: what any CLI call pays before doing anything. */
  readonly cliStartSeconds: number;
};

type VerifyJson = { readonly ok: boolean; readonly objects: number; readonly bytesHashed: number; readonly problems: readonly unknown[] };

/** Runs the huella CLI with the benchmark vault's passphrase; throws unless it exits 0. */
export function huellaCli(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [HUELLA_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, HUELLA_PASSPHRASE: BENCH_PASSPHRASE, HUELLA_TEST_WEAK_KDF: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`huella ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

export async function benchVaultVerify(opts: { vaultDir: string; plainDir: string; runs: number }): Promise<VaultVerifyResult> {
  const ours: number[] = [];
  const ref: number[] = [];
  let last: VerifyJson | undefined;
  for (let i = 0; i < opts.runs; i++) {
    const run = await timed(() => JSON.parse(huellaCli(['verify', opts.vaultDir, '--json'])) as VerifyJson);
    if (!run.value.ok) throw new Error(`huella verify found problems in the benchmark vault: ${JSON.stringify(run.value.problems.slice(0, 3))}`);
    ours.push(run.seconds);
    last = run.value;
    ref.push(timeShell(`find ${opts.plainDir} -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null`));
  }
  const start = await timed(() => huellaCli(['--help']));
  return { runs: opts.runs, huellaSeconds: median(ours), objects: last!.objects, bytesHashed: last!.bytesHashed, opensslSeconds: median(ref), cliStartSeconds: start.seconds };
}
