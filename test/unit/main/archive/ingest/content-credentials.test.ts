import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHeif } from '../../../../../main/archive/formats/heif-structure';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { readContentCredentials } from '../../../../../main/archive/ingest/content-credentials';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { getItem } from '../../../../../main/archive/items/items';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

const SAMPLE = path.join(import.meta.dirname, '../../../../fixtures/c2pa/c2pa-rs-signed.heic');

/** The sample with one byte of its coded image data (inside mdat) changed. */
function tampered(): Buffer {
  const b = Buffer.from(fs.readFileSync(SAMPLE));
  const mdat = parseHeif(b).top.find((t) => t.type === 'mdat')!;
  const at = mdat.start + mdat.headerSize + 200;
  b[at] = (b[at] as number) ^ 0x01;
  return b;
}

describe('Content Credentials (C2PA) at import', () => {
  it('a manifest signed by c2pa-rs validates; the same file with one image byte changed is invalid (hard binding mismatch)', async () => {
    const ok = await readContentCredentials(fs.readFileSync(SAMPLE));
    expect(ok).toMatchObject({ state: 'valid', manifests: 1, claimGenerator: 'c2pa-rs 0.40.0', failures: [], assertions: ['org.contentauth.test', 'c2pa.hash.bmff.v2'] });
    expect(ok?.signer).toMatch(/CN=C2PA Signer/);
    const bad = await readContentCredentials(tampered());
    expect(bad?.state).toBe('invalid');
    expect(bad?.failures.map((f) => f.code)).toContain('assertion.bmffHash.mismatch');
    // A file without a manifest has no record at all (not "invalid").
    expect(await readContentCredentials(Buffer.from('plain text, no manifest'))).toBeUndefined();
  });

  describe('in the custody record', () => {
    const root = tempDir('huella-c2pa-');
    let vault: Vault;
    beforeAll(async () => {
      vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
      fs.mkdirSync(path.join(root, 'in'));
      fs.copyFileSync(SAMPLE, path.join(root, 'in', 'signed.heic'));
      fs.writeFileSync(path.join(root, 'in', 'tampered.heic'), tampered());
    });
    afterAll(async () => {
      vault?.lock();
      await shutdownIngestWorkers();
    });

    it('both results are committed in their item.ingested events, the verdict in clear, the details in the metadata', async () => {
      const report = await ingestPaths(vault, [path.join(root, 'in')]);
      expect(report.ingested).toBe(2);
      const verdicts: Record<string, string> = {};
      for (const r of report.results) {
        const item = getItem(vault, r.itemId!);
        const event = JSON.parse(vault.log.event(item.ingestSeq)!.bytes.toString('utf8')) as { type: string; data: Record<string, unknown> };
        expect(event.type).toBe('item.ingested');
        expect(typeof event.data.metadataCommitment).toBe('string');
        // The event names no signer: that is inside the salted metadata commitment.
        expect(JSON.stringify(event)).not.toMatch(/C2PA Signer|c2pa-rs/);
        verdicts[path.basename(r.path)] = String(event.data.contentCredentials);
        expect(item.metadata.contentCredentials?.state).toBe(event.data.contentCredentials);
      }
      expect(verdicts).toEqual({ 'signed.heic': 'valid', 'tampered.heic': 'invalid' });
    }, 120_000);
  });

  it('export removes the manifest like other metadata (the C2PA uuid box of a HEIC)', async () => {
    const out = path.join(tempDir('huella-c2pa-strip-'), 'copy.heic');
    const r = await stripToFile(() => fs.createReadStream(SAMPLE), 'image/heic', out, { keepCaptureDate: false, keepOrientation: true });
    expect(r.record.removed).toContain('uuid box (Content Credentials / C2PA manifest)');
    expect(await readContentCredentials(fs.readFileSync(out))).toBeUndefined();
  });
});
