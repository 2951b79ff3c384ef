import { describe, expect, it } from 'vitest';
import { insertProofModeBundle, proofModeBundleByContent, proofModeEntriesOfItem, proofModeFilesOfBundle, proofModeFilesOfMedia } from '../../../../../../main/archive/db/proofmode';
import { databaseAt, expectRowsKept, seedCatalogue, seedChats, seedVaultCore, seedWitnesses, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0009-proofmode', () => {
  const dir = tempDir();

  it('adds the proofmode_bundles and proofmode_files tables to a schema-8 vault holding items, a catalogue and a chat, leaving that data as it was; the owner module uses them', () => {
    const db = databaseAt(8, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      seedWitnesses(db);
      seedChats(db, core);
      db.prepare("INSERT INTO drafts (form, record_id, data, base, created_at, saved_at) VALUES ('testimony', 'new', '{}', NULL, 'now', 'now')").run();
      const before = snapshot(db);
      upgrade(db, 9);
      const after = snapshot(db);
      expectRowsKept(before, after);
      expect(after.get('proofmode_bundles')).toEqual([]);
      expect(after.get('proofmode_files')).toEqual([]);

      const store = storeOf(db);
      const [media, proof] = core.itemIds as [string, string];
      const salt = Buffer.alloc(16, 9);
      const bundle = { id: 'pmb_0123456789', sourceName: 'proofmode-0xabc.zip', contentSha256: 'c'.repeat(64), keyFingerprint: 'F'.repeat(40), importedAt: '2026-01-01T00:00:00.000Z', commitSalt: salt };
      insertProofModeBundle(store, bundle, [
        { name: 'PXL_1.jpg', itemId: media, role: 'media', mediaSha256: 'a'.repeat(64), mediaItem: media, signatureState: 'valid', eventSeq: 4 },
        { name: `${'a'.repeat(64)}.proof.json`, itemId: proof, role: 'proof-json', mediaSha256: 'a'.repeat(64), mediaItem: media, signatureState: 'invalid', eventSeq: 4 },
      ]);
      expect(proofModeBundleByContent(store, 'c'.repeat(64))).toEqual(bundle);
      expect(proofModeFilesOfBundle(store, bundle.id).map((f) => f.name)).toEqual(['PXL_1.jpg', `${'a'.repeat(64)}.proof.json`]);
      expect(proofModeFilesOfMedia(store, media).map((f) => f.itemId).sort()).toEqual([media, proof].sort());
      expect(proofModeEntriesOfItem(store, proof)).toEqual([
        { bundleId: bundle.id, name: `${'a'.repeat(64)}.proof.json`, itemId: proof, role: 'proof-json', mediaSha256: 'a'.repeat(64), mediaItem: media, signatureState: 'invalid', eventSeq: 4 },
      ]);
      // The same bundle cannot be recorded twice.
      expect(() => insertProofModeBundle(store, { ...bundle, id: 'pmb_other00000' }, [])).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });
});
