import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { run } from './campaigns/malformed';

/** The short malformed-input campaign (the full one: `npm run reliability`). */
describe('reliability: malformed input (quick)', () => {
  it('a truncated, bit-flipped and hostile corpus is ingested, stripped or refused with a reason, and the vault verifies; fuzzed parsers only throw HuellaError', async () => {
    const r = await run({ seed: 20261202, quick: true, workDir: tempDir('huella-rel-malformed-'), log: () => undefined });
    expect(r.failures).toEqual([]);
    expect(r.details?.corpus).toBeGreaterThanOrEqual(60);
    expect((r.details?.fuzz as unknown[]).length).toBeGreaterThanOrEqual(25);
    expect(r.details?.exported).toBeGreaterThanOrEqual(8); // at least the eight valid strippable bases
    expect(r.passed).toBe(r.total);
  }, 600_000);
});
