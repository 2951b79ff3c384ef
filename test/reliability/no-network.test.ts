import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { run } from './campaigns/no-network';

/** The CLI journeys under strace: no inet socket, and the control connection is caught (the check is not vacuous). */
describe('reliability: no network (quick)', () => {
  it('no journey step opens an AF_INET/AF_INET6 socket; a control TCP connect is flagged', async () => {
    const r = await run({ seed: 20261202, quick: true, workDir: tempDir('huella-rel-no-network-'), log: () => undefined });
    expect(r.failures).toEqual([]);
    expect(r.details?.controlFlagged).toBe(true);
    expect(r.details?.traced).toBeGreaterThanOrEqual(17);
    expect(r.passed).toBe(r.total);
  }, 600_000);
});
