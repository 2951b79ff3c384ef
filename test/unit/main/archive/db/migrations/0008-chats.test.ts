import { describe, expect, it } from 'vitest';
import { insertChat, messagesNamingItem, readChat, readChatMessages } from '../../../../../../main/archive/db/chats';
import { databaseAt, expectRowsKept, seedCatalogue, seedVaultCore, seedWitnesses, snapshot, storeOf, upgrade } from '../../../../../helpers/migrations';
import { tempDir } from '../../../../../helpers/tmp';

describe('migration 0008-chats', () => {
  const dir = tempDir();

  it('adds the chats and chat_messages tables to a schema-7 vault holding items and a catalogue, leaving that data as it was; the owner module uses them', () => {
    const db = databaseAt(7, dir);
    try {
      const core = seedVaultCore(db);
      seedCatalogue(db, core);
      seedWitnesses(db);
      db.prepare("INSERT INTO drafts (form, record_id, data, base, created_at, saved_at) VALUES ('testimony', 'new', '{}', NULL, 'now', 'now')").run();
      const before = snapshot(db);
      upgrade(db, 8);
      const after = snapshot(db);
      expectRowsKept(before, after);
      expect(after.get('chats')).toEqual([]);
      expect(after.get('chat_messages')).toEqual([]);

      const store = storeOf(db);
      const chatItem = core.itemIds[0]!;
      const photo = core.itemIds[1]!;
      const salt = Buffer.alloc(16, 7);
      insertChat(store, { itemId: chatItem, format: 'whatsapp-ios', title: null, importedAt: '2026-01-01T00:00:00.000Z', eventSeq: 3, commitSalt: salt }, [
        { seq: 0, sentAt: '2024-03-05T17:20:00', sender: 'Lucía', text: 'Llegaron', attachmentName: null, attachmentItem: null },
        { seq: 1, sentAt: '2024-03-05T17:22:10', sender: 'Nahuel', text: '<attached: a.jpg>', attachmentName: 'a.jpg', attachmentItem: photo },
      ]);
      expect(readChat(store, chatItem)).toEqual({ itemId: chatItem, format: 'whatsapp-ios', title: null, importedAt: '2026-01-01T00:00:00.000Z', eventSeq: 3, commitSalt: salt });
      expect(readChatMessages(store, chatItem).map((m) => m.attachmentItem)).toEqual([null, photo]);
      expect(messagesNamingItem(store, photo)).toEqual([{ chatItem, seq: 1, sentAt: '2024-03-05T17:22:10', sender: 'Nahuel' }]);
    } finally {
      db.close();
    }
  });
});
