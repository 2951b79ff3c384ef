import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { run } from './campaigns/full-disk';

/**
 * The short full-disk campaign on a tmpfs (the full one: `npm run reliability`). Needs root for the mount, as in
 * CI; without it the campaign reports a failure, so this test fails rather than skips.
 */
describe('reliability: full disk (quick)', () => {
  it('ingest, tagging and export on a full disk fail with DISK_FULL, lose nothing, and the vault verifies', async () => {
    const r = await run({ seed: 20261202, quick: true, workDir: tempDir('huella-rel-full-disk-'), log: () => undefined });
    expect(r.failures).toEqual([]);
    expect(r.total).toBeGreaterThanOrEqual(25);
    expect(r.passed).toBe(r.total);
  }, 600_000);
});
