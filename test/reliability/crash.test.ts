import { describe, expect, it } from 'vitest';
import { run } from './campaigns/crash';
import { tempDir } from '../helpers/tmp';

/** The short crash campaign in `npm test`: six kill -9 runs over ingest, catalogue edits and export, and four over push and pull (real S3) (full: `npm run reliability`). */
describe('reliability: crash (quick)', () => {
  it('loses nothing and verify stays green after kill -9 during ingest, tagging and export', { timeout: 240_000 }, async () => {
    const result = await run({ seed: 9001, quick: true, workDir: tempDir('huella-rel-crash-'), log: () => undefined });
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThanOrEqual(10);
    expect((result.details?.transfer as { counts: { push: number; pull: number } }).counts).toEqual({ push: 2, pull: 2 });
    expect(result.passed).toBe(result.total);
    const counts = result.details?.counts as Record<string, number>;
    for (const op of ['ingest', 'tagging', 'export']) expect(counts[op], op).toBeGreaterThanOrEqual(2);
    expect(result.details?.killed as number).toBeGreaterThanOrEqual(4);
    expect(result.details?.largeRuns, 'an ingest with a file sealed in parallel').toBe(1);
  });
});
