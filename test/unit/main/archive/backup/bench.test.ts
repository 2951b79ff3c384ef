import { describe, expect, it } from 'vitest';
import { benchBackup } from '../../../../bench/backup';
import { tempDir } from '../../../../helpers/tmp';

/** Keeps test/bench/backup.ts working: the same steps on a small vault (the report's figures come from 5,000 files). */
describe('backup benchmark (smoke)', () => {
  it('full, unchanged and incremental backups copy what they should; verify and restore pass', async () => {
    const r = await benchBackup({ files: 40, workDir: tempDir() });
    expect(r.full.objects).toMatchObject({ total: 40, copied: 40 });
    expect(r.unchanged.objects).toMatchObject({ copied: 0, reused: 40 });
    expect(r.unchanged.bytesWritten).toBe(r.unchanged.database.bytes + r.unchanged.metadataBytes);
    expect(r.incremental.objects).toMatchObject({ copied: 20, reused: 40 }); // 10 photos + their previews
    expect(r.incremental.bytesWritten).toBe(r.incremental.objects.bytesCopied + r.incremental.database.bytes + r.incremental.metadataBytes);
    expect(r.restoreOk).toBe(true);
  }, 120_000);
});
