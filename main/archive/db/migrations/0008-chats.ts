import type { Migration } from '../migrate';

/**
 * Chat exports (issue 16): a WhatsApp or Telegram export imported as items (the chat text and each attachment stay
 * originals, byte for byte) plus its messages, each linked to the item of the attachment it names. `chats` has one
 * row per imported chat text item; `chat_messages` its messages in order. Sender and text are personal data: they
 * stay in this encrypted database, and the custody event `chat.imported` carries only a salted commitment of them
 * (the salt here). Owned by db/chats.ts.
 */
export const migration0008: Migration = {
  version: 8,
  name: '0008-chats',
  up(db) {
    db.exec(`
      CREATE TABLE chats (
        item_id     TEXT PRIMARY KEY REFERENCES items(id),   -- the chat text (_chat.txt, result.json) as an item
        format      TEXT NOT NULL,                           -- whatsapp-ios | whatsapp-android | telegram-json
        title       TEXT,
        imported_at TEXT NOT NULL,
        event_seq   INTEGER NOT NULL,                        -- the chat.imported custody event
        commit_salt BLOB NOT NULL
      ) STRICT;
      CREATE TABLE chat_messages (
        chat_item       TEXT NOT NULL REFERENCES chats(item_id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        sent_at         TEXT,          -- the phone's local time, no zone
        sender          TEXT,
        text            TEXT NOT NULL,
        attachment_name TEXT,          -- as the export names it
        attachment_item TEXT REFERENCES items(id),
        PRIMARY KEY (chat_item, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX chat_messages_attachment ON chat_messages(attachment_item) WHERE attachment_item IS NOT NULL;
    `);
  },
};
