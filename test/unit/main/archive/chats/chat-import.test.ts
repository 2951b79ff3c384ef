import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importChatExport, readChatExport } from '../../../../../main/archive/chats/import';
import { parseTelegramJson, parseWhatsAppText } from '../../../../../main/archive/chats/parse';
import { messagesNamingItem, readChat, readChatMessages } from '../../../../../main/archive/db/chats';
import { isHuellaError } from '../../../../../main/archive/errors';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { getItem, listItems } from '../../../../../main/archive/items/items';
import { createVault } from '../../../../../main/archive/vault/vault';
import { makeWhatsAppExport } from '../../../../fixtures/chat-exports';
import { rawZip } from '../../../../reliability/campaigns/hostile';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

afterAll(() => shutdownIngestWorkers());

describe('chat export parsing', () => {
  it('reads iOS and Android WhatsApp lines, multi-line messages, 12-hour clocks and month-first dates', () => {
    const ios = parseWhatsAppText('[05/03/2024, 17:22:10] Nahuel: \u200e<attached: 00000003-PHOTO-2024-03-05-17-22-10.jpg>\r\n[05/03/2024, 17:23:00] Lucía: hola\r\nsegunda línea\r\n')!;
    expect(ios.format).toBe('whatsapp-ios');
    expect(ios.messages).toEqual([
      { seq: 0, sentAt: '2024-03-05T17:22:10', sender: 'Nahuel', text: '<attached: 00000003-PHOTO-2024-03-05-17-22-10.jpg>', attachment: '00000003-PHOTO-2024-03-05-17-22-10.jpg' },
      { seq: 1, sentAt: '2024-03-05T17:23:00', sender: 'Lucía', text: 'hola\r\nsegunda línea'.replace('\r', '') },
    ]);
    const android = parseWhatsAppText('3/25/24, 5:22 PM - Nahuel: IMG-20240325-WA0001.jpg (archivo adjunto)\n3/25/24, 9:01 AM - Nahuel: ok\n')!;
    expect(android.format).toBe('whatsapp-android');
    expect(android.messages.map((m) => [m.sentAt, m.attachment])).toEqual([['2024-03-25T17:22:00', 'IMG-20240325-WA0001.jpg'], ['2024-03-25T09:01:00', undefined]]);
    expect(parseWhatsAppText('just some notes\nwithout a chat line')).toBeUndefined();
  });

  it('reads a Telegram Desktop JSON export, with photo and voice-note paths as attachments', () => {
    const chat = parseTelegramJson(JSON.stringify({
      name: 'Familia', type: 'private_group', id: 1,
      messages: [
        { id: 1, type: 'service', date: '2024-03-05T17:20:00', actor: 'x' },
        { id: 2, type: 'message', date: '2024-03-05T17:22:10', from: 'Nahuel', text: ['Mira ', { type: 'bold', text: 'esto' }], photo: 'photos/photo_1@05-03-2024_17-22-10.jpg' },
        { id: 3, type: 'message', date: '2024-03-05T17:30:12', from: 'Lucía', text: '', file: 'voice_messages/audio_1@05-03-2024_17-30-12.ogg', media_type: 'voice_message' },
      ],
    }))!;
    expect(chat).toEqual({
      format: 'telegram-json', title: 'Familia',
      messages: [
        { seq: 0, sentAt: '2024-03-05T17:22:10', sender: 'Nahuel', text: 'Mira esto', attachment: 'photos/photo_1@05-03-2024_17-22-10.jpg' },
        { seq: 1, sentAt: '2024-03-05T17:30:12', sender: 'Lucía', text: '', attachment: 'voice_messages/audio_1@05-03-2024_17-30-12.ogg' },
      ],
    });
    expect(parseTelegramJson('{"not":"telegram"}')).toBeUndefined();
  });
});

describe('chat export import', () => {
  for (const [layout, zip] of [['android', true], ['ios', false]] as const) {
    it(`WhatsApp ${layout} export (${zip ? 'zip' : 'unpacked folder'}) with 3 photos, a voice note and a video: 5 items plus the chat, each message linked to its attachment`, async () => {
      const root = tempDir(`huella-chat-${layout}-`);
      const exp = await makeWhatsAppExport({ dir: path.join(root, 'in'), layout, zip });
      const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
      try {
        const files = await readChatExport(exp.path);
        expect(files).toBeDefined();
        const report = await importChatExport(vault, exp.path, files!);
        expect(report.results.map((r) => r.status)).toEqual(Array(6).fill('ingested'));
        expect(listItems(vault, {}).length).toBe(6);
        expect(report).toMatchObject({ format: `whatsapp-${layout}`, messages: exp.messages, messagesWithAttachment: 5, linked: 5, missing: [], alreadyImported: false });
        const chat = getItem(vault, report.chatItemId);
        expect(chat.mediaType).toBe('text/plain');
        // The chat text is an original like any other: the item's bytes are the export's bytes.
        expect(readChat(vault.store, chat.id)?.format).toBe(`whatsapp-${layout}`);
        const types = report.results.slice(1).map((r) => r.mediaType!.split(';')[0]);
        expect(types.sort()).toEqual(['audio/ogg', 'image/jpeg', 'image/jpeg', 'image/jpeg', 'video/mp4']);
        const messages = readChatMessages(vault.store, chat.id);
        for (const name of exp.media) {
          const m = messages.find((x) => x.attachmentName === name)!;
          expect(m.attachmentItem, name).toBeTruthy();
          const item = getItem(vault, m.attachmentItem!);
          expect(item.originalName.endsWith(name)).toBe(true);
          const named = messagesNamingItem(vault.store, item.id);
          expect(named).toEqual([{ chatItem: chat.id, seq: m.seq, sentAt: exp.attachmentMessages[name]!.sentAt, sender: exp.attachmentMessages[name]!.sender }]);
        }
        // The custody event names the linked items and commits to the messages without revealing them.
        const ev = JSON.parse(vault.log.event(readChat(vault.store, chat.id)!.eventSeq)!.bytes.toString('utf8')) as { type: string; subject: string; data: Record<string, unknown> };
        expect(ev).toMatchObject({ type: 'chat.imported', subject: chat.id, data: { messages: exp.messages, linked: 5 } });
        expect((ev.data.attachmentItems as string[]).length).toBe(5);
        expect(JSON.stringify(ev)).not.toMatch(/Lucía|Nahuel|patrullero/);
        // Importing the same export again adds nothing.
        const again = await importChatExport(vault, exp.path, (await readChatExport(exp.path))!);
        expect(again.alreadyImported).toBe(true);
        expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
      } finally {
        vault.lock();
      }
    }, 180_000);
  }

  it('a zip with ../ entries is refused and nothing is imported from it', async () => {
    const root = tempDir('huella-chat-slip-');
    const zip = path.join(root, 'WhatsApp Chat with X.zip');
    fs.writeFileSync(zip, rawZip([
      { name: '_chat.txt', data: Buffer.from('[05/03/2024, 17:22:10] X: <attached: a.jpg>\n') },
      { name: 'a.jpg', data: Buffer.from('not really a photo') },
      { name: '../../../.bashrc', data: Buffer.from('echo owned') },
    ]));
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const err = await readChatExport(zip).catch((e: unknown) => e);
      expect(isHuellaError(err, 'FORMAT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/zip-slip.*Nothing was imported/);
      expect(listItems(vault, {})).toEqual([]);
      expect(fs.existsSync(path.join(root, '.bashrc'))).toBe(false);
    } finally {
      vault.lock();
    }
  });
});
