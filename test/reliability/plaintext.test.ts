import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { run } from './campaigns/plaintext';

/** After the CLI journeys, no evidence bytes, names, Exif strings or plain hashes in the vault or TMPDIR. */
describe('reliability: no plaintext at rest (quick)', () => {
  it('the vault, the restored vault and the CLI temp folder hold none of the needles; the control finds them all', async () => {
    const r = await run({ seed: 20261202, quick: true, workDir: tempDir('huella-rel-plaintext-'), log: () => undefined });
    expect(r.failures).toEqual([]);
    expect(r.total).toBeGreaterThanOrEqual(80);
    expect(r.details?.searchedFiles).toBeGreaterThanOrEqual(10);
    expect(r.passed).toBe(r.total);
  }, 600_000);
});
