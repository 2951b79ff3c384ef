/**
 * `huella ingest` of a chat export (issue 16): a WhatsApp export (zip or unpacked folder, iOS or Android layout) or
 * a Telegram Desktop JSON export. Every file of the export becomes an item exactly as it is (the chat text too:
 * nothing is rewritten), then the messages are recorded with the item each names as its attachment, and a
 * `chat.imported` custody event commits to them.
 *
 * A zip is read with the one safe-zip reader (ingest/file-set.ts): a hostile archive (zip-slip `../`, absolute
 * paths, bombs, too many entries) is refused before anything is imported, exactly as everywhere else. Its entries
 * are ingested from memory, never unpacked to disk (plaintext evidence must not be left behind).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { IngestFileResult } from '../../../shared/model/items';
import { commitment, newCommitmentSalt } from '../custody/commitment';
import { insertChat, readChat, type ChatMessageRow } from '../db/chats';
import { HuellaError } from '../errors';
import { ingestSetFiles, listFolderFiles, readZipSet, type SetFile } from '../ingest/file-set';
import type { IngestOptions } from '../ingest/ingest';
import type { Vault } from '../vault/vault';
import { isTelegramExportName, isWhatsAppChatName, parseTelegramJson, parseWhatsAppText, type ParsedChat } from './parse';

export type ChatImportReport = {
  readonly format: ParsedChat['format'];
  readonly chatItemId: string;
  readonly messages: number;
  /** Messages that name an attachment, and how many of those were linked to an item. */
  readonly messagesWithAttachment: number;
  readonly linked: number;
  /** Attachment names that no file of the export matched (WhatsApp omits media when exported "without media"). */
  readonly missing: readonly string[];
  readonly alreadyImported: boolean;
  readonly results: readonly IngestFileResult[];
};

type ExportFile = SetFile;

const MAX_CHAT_TEXT = 256 * 1024 * 1024;

function isChatText(name: string): boolean {
  return isWhatsAppChatName(name) || isTelegramExportName(name);
}

/**
 * The files of a chat export at `input` (a folder, or a zip read safely into memory), or undefined when `input` is
 * not a chat export (then it is ingested as ordinary files). A hostile zip that names a chat text is refused.
 */
export async function readChatExport(input: string): Promise<ExportFile[] | undefined> {
  const st = await fsp.lstat(input).catch(() => undefined);
  if (!st) return undefined;
  if (st.isDirectory()) {
    const top = await fsp.readdir(input).catch(() => [] as string[]);
    if (!top.some(isChatText)) return undefined;
    return listFolderFiles(input);
  }
  // Only a zip that names a chat text is a chat export; look at the names before trusting anything else in it.
  const files = await readZipSet(input, 'chat export', (buf) => buf.includes(Buffer.from('_chat.txt', 'latin1')) || /WhatsApp[^\0]{0,200}\.txt|result\.json/.test(buf.toString('latin1')));
  return files?.some((f) => isChatText(f.name)) ? files : undefined;
}

function parseChat(name: string, text: string): ParsedChat {
  const parsed = isTelegramExportName(name) ? parseTelegramJson(text) : parseWhatsAppText(text);
  if (!parsed) throw new HuellaError('FORMAT_INVALID', 'The chat text of this export could not be read as a WhatsApp or Telegram chat.');
  return parsed;
}

/** The export's chat text (the one at the top of the export first) and its messages, read before anything is ingested. */
async function readChatText(files: readonly ExportFile[]): Promise<{ chatFile: ExportFile; parsed: ParsedChat }> {
  const chatFile = files.find((f) => isChatText(f.name) && !f.name.includes('/')) ?? files.find((f) => isChatText(f.name))!;
  const text = chatFile.data ?? (await fsp.readFile(chatFile.path!));
  if (text.length > MAX_CHAT_TEXT) throw new HuellaError('FILE_TOO_LARGE', 'The chat text of this export is too large.');
  return { chatFile, parsed: parseChat(chatFile.name, text.toString('utf8')) };
}

/**
 * The item an attachment name refers to, among the ingested files (`ordered[0]` is the chat text itself).
 * Attachments are named relative to the chat text's folder (Telegram: `photos/photo_1@….jpg` beside result.json,
 * which may itself sit in a `ChatExport_<date>/` folder of a zip); WhatsApp names bare files. The exact relative
 * path wins; a bare file name is the fallback when it is unambiguous in the export.
 */
function attachmentItems(chatFile: ExportFile, ordered: readonly ExportFile[], results: readonly IngestFileResult[]): (name: string) => string | null {
  const base = path.posix.dirname(chatFile.name);
  const relative = (name: string): string => (base === '.' ? name : name.startsWith(`${base}/`) ? name.slice(base.length + 1) : name);
  const byName = new Map<string, string>();
  const byBase = new Map<string, string | null>();
  ordered.forEach((f, i) => {
    const id = results[i]?.itemId;
    if (i === 0 || !id) return;
    byName.set(relative(f.name), id);
    const b = path.posix.basename(f.name);
    byBase.set(b, byBase.has(b) && byBase.get(b) !== id ? null : id);
  });
  return (name) => byName.get(name.replace(/^\.\//, '')) ?? byBase.get(path.posix.basename(name)) ?? null;
}

/** Records the messages of a chat not imported before, with its `chat.imported` event, in one transaction. */
function recordChat(vault: Vault, chatItemId: string, parsed: ParsedChat, rows: readonly ChatMessageRow[], linked: readonly ChatMessageRow[]): void {
  const salt = newCommitmentSalt();
  const now = new Date();
  vault.transaction(() => {
    // The event names the items and counts the links; who said what is personal data, committed with a salt.
    const ev = vault.log.append('chat.imported', chatItemId, {
      format: parsed.format,
      messages: rows.length,
      linked: linked.length,
      attachmentItems: [...new Set(linked.map((r) => r.attachmentItem!))].sort(),
      messagesCommitment: commitment(salt, rows),
    }, now);
    insertChat(vault.store, { itemId: chatItemId, format: parsed.format, title: parsed.title ?? null, importedAt: now.toISOString(), eventSeq: ev.seq, commitSalt: salt }, rows);
  });
}

/** Imports a chat export read by readChatExport: every file as an item, then the messages with their links. */
export async function importChatExport(vault: Vault, input: string, files: readonly ExportFile[], options: IngestOptions = {}): Promise<ChatImportReport> {
  const { chatFile, parsed } = await readChatText(files);
  const ordered = [chatFile, ...files.filter((f) => f !== chatFile)];
  const results = await ingestSetFiles(vault, input, ordered, options);
  const chatItemId = results[0]!.itemId;
  if (!chatItemId) throw new HuellaError('FILE_UNREADABLE', `The chat text could not be ingested: ${results[0]!.error?.message ?? 'unknown error'}`);
  const itemFor = attachmentItems(chatFile, ordered, results);
  const rows: ChatMessageRow[] = parsed.messages.map((m) => ({
    seq: m.seq,
    sentAt: m.sentAt ?? null,
    sender: m.sender ?? null,
    text: m.text,
    attachmentName: m.attachment ?? null,
    attachmentItem: m.attachment ? itemFor(m.attachment) : null,
  }));
  const withAttachment = rows.filter((r) => r.attachmentName !== null);
  const linked = withAttachment.filter((r) => r.attachmentItem !== null);
  const missing = [...new Set(withAttachment.filter((r) => r.attachmentItem === null).map((r) => r.attachmentName!))];
  const already = readChat(vault.store, chatItemId) !== undefined;
  if (!already) recordChat(vault, chatItemId, parsed, rows, linked);
  vault.log.writeCheckpoint('chat import');
  return { format: parsed.format, chatItemId, messages: rows.length, messagesWithAttachment: withAttachment.length, linked: linked.length, missing, alreadyImported: already, results };
}
