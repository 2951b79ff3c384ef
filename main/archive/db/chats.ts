import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/** The chats and chat_messages tables (migration 0008): typed reads and writes, nothing else touches them. */

export type ChatRow = { readonly itemId: string; readonly format: string; readonly title: string | null; readonly importedAt: string; readonly eventSeq: number; readonly commitSalt: Buffer };

export type ChatMessageRow = {
  readonly seq: number;
  readonly sentAt: string | null;
  readonly sender: string | null;
  readonly text: string;
  readonly attachmentName: string | null;
  readonly attachmentItem: string | null;
};

const SQL = {
  insertChat: 'INSERT INTO chats (item_id, format, title, imported_at, event_seq, commit_salt) VALUES (@itemId, @format, @title, @importedAt, @eventSeq, @commitSalt)',
  insertMessage: `INSERT INTO chat_messages (chat_item, seq, sent_at, sender, text, attachment_name, attachment_item)
                  VALUES (@chatItem, @seq, @sentAt, @sender, @text, @attachmentName, @attachmentItem)`,
  readChat: 'SELECT item_id AS itemId, format, title, imported_at AS importedAt, event_seq AS eventSeq, commit_salt AS commitSalt FROM chats WHERE item_id = ?',
  messages: `SELECT seq, sent_at AS sentAt, sender, text, attachment_name AS attachmentName, attachment_item AS attachmentItem
             FROM chat_messages WHERE chat_item = ? ORDER BY seq`,
  mentioning: `SELECT chat_item AS chatItem, seq, sent_at AS sentAt, sender FROM chat_messages WHERE attachment_item = ? ORDER BY chat_item, seq`,
} as const;

export function insertChat(db: WritableDb, row: ChatRow, messages: readonly (ChatMessageRow & { readonly chatItem?: string })[]): void {
  const w = writer(db);
  w.run(SQL.insertChat, row);
  for (const m of messages) w.run(SQL.insertMessage, { ...m, chatItem: row.itemId });
}

export function readChat(db: ReadableDb, itemId: string): ChatRow | undefined {
  return reader(db).one<ChatRow>(SQL.readChat, itemId);
}

export function readChatMessages(db: ReadableDb, itemId: string): ChatMessageRow[] {
  return reader(db).all<ChatMessageRow>(SQL.messages, itemId);
}

/** The messages that name an item as their attachment (sender and time), in any chat. */
export function messagesNamingItem(db: ReadableDb, itemId: string): { chatItem: string; seq: number; sentAt: string | null; sender: string | null }[] {
  return reader(db).all(SQL.mentioning, itemId);
}
