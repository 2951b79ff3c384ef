import { describe, expect, it } from 'vitest';
import { addRemote, getRemote, pinSender, pinnedSenderByFingerprint, receivedBundle, recordReceivedBundle, recordReceivedCustody, receivedCustodyOf } from '../../../../../../main/archive/db/transfers';
import { databaseAt, expectRowsKept, seedCatalogue, seedVaultCore, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0005-transfers', () => {
  const dir = tempDir();

  it('adds the transfer tables to a schema-4 vault holding items and a catalogue without touching its rows; the owner module uses them', () => {
    const db = databaseAt(4, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      const before = snapshot(db);
      upgrade(db, 5);
      const after = snapshot(db);
      expectRowsKept(before, after);
      for (const t of ['transfer_senders', 'transfers_received', 'received_custody', 'transfers_sent', 'remotes']) expect(after.get(t), t).toEqual([]);

      const store = storeOf(db);
      pinSender(store, { fingerprint: 'f'.repeat(64), card: 'huella-contact-v1 x y', publicKey: Buffer.alloc(32, 9), origin: 'huella/x', firstSeen: '2026-01-01T00:00:00Z' });
      expect(pinnedSenderByFingerprint(store, 'f'.repeat(64))?.origin).toBe('huella/x');
      recordReceivedBundle(store, { bundleId: 'a'.repeat(26), sender: 'f'.repeat(64), receivedAt: 'now', items: 2, duplicates: 0, eventSeq: 4 });
      expect(receivedBundle(store, 'a'.repeat(26))?.items).toBe(2);
      // Received custody belongs to an item that exists (here one from before the migration).
      recordReceivedCustody(store, core.itemIds[0]!, 'a'.repeat(26), '{"events":[]}');
      expect(receivedCustodyOf(store, core.itemIds[0]!)).toBe('{"events":[]}');
      expect(() => recordReceivedCustody(store, 'it_missing', 'a'.repeat(26), '{}')).toThrow(/FOREIGN KEY/);
      addRemote(store, { name: 'org', url: 's3://bucket/prefix', endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', allowHttp: false, retentionDays: 30, createdAt: 'now' });
      expect(getRemote(store, 'org')).toMatchObject({ url: 's3://bucket/prefix', retentionDays: 30, allowHttp: false });
    } finally {
      db.close();
    }
  });
});
