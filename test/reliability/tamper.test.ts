import { describe, expect, it } from 'vitest';
import { run } from './campaigns/tamper';
import { tempDir } from '../helpers/tmp';

/** The short tamper campaign in `npm test`: every vault and zip mutation, a seeded sample of pages and packet mutations. */
describe('reliability: tamper (quick)', () => {
  it('detects every mutation of a vault and of a packet with a message that names it', { timeout: 240_000 }, async () => {
    const result = await run({ seed: 9001, quick: true, workDir: tempDir('huella-rel-tamper-'), log: () => undefined });
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThanOrEqual(60);
    expect(result.passed).toBe(result.total);
  });
});
