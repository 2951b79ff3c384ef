/**
 * The shape every reliability campaign shares (test/reliability/campaigns/*.ts), so `npm run reliability`
 * (test/reliability/run.ts) can run them in turn, print one summary line each and write JSON, and the short
 * versions in `npm test` (test/reliability/*.test.ts) can assert on the same results.
 */
export type CampaignOptions = {
  /** Reproducibility: the same seed gives the same choices (kill moments, mutations, corpus). */
  readonly seed: number;
  /** The short version for `npm test`: seconds, not minutes. */
  readonly quick: boolean;
  /** A fresh folder the campaign owns (deleted by the caller afterwards). */
  readonly workDir: string;
  /** Progress lines (the runner prints them; tests may ignore them). */
  readonly log: (line: string) => void;
};

export type CampaignResult = {
  readonly name: string;
  /** What was tried: runs, mutations, files… */
  readonly total: number;
  /** How many of those ended as they must (for tamper: detected; for crash: no loss and verify green). */
  readonly passed: number;
  /** One line per failure, precise enough to reproduce (seed, run number, file, mutation). */
  readonly failures: readonly string[];
  /** A one-line human summary, e.g. "crash: 200 runs, 0 lost, 0 verify failures". */
  readonly summary: string;
  /** Extra figures worth keeping in the JSON report. */
  readonly details?: Readonly<Record<string, unknown>>;
};

export type Campaign = (opts: CampaignOptions) => Promise<CampaignResult>;

/** Seeded PRNG shared with the catalogue generator (reproducible choices; not for anything secret). */
export { seededRandom } from '../fixtures/catalogue-generator';
