import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importChatExport, readChatExport } from '../../../../../main/archive/chats/import';
import { parseTelegramJson, parseWhatsAppText } from '../../../../../main/archive/chats/parse';
import { messagesNamingItem, readChat, readChatMessages } from '../../../../../main/archive/db/chats';
import { isHuellaError } from '../../../../../main/archive/errors';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { ingestSources } from '../../../../../main/archive/sources/ingest-sources';
import { getItem, listItems } from '../../../../../main/archive/items/items';
import { createVault } from '../../../../../main/archive/vault/vault';
import { makeTelegramExport, makeWhatsAppExport } from '../../../../fixtures/chat-exports';
import { huella, jsonLines } from '../../../../helpers/cli';
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

  it('an attachment named by its bare file name links to the one file of that name in a subfolder, and to none when two different files share the name', async () => {
    const root = tempDir('huella-chat-basename-');
    const run = async (name: string, twin: boolean) => {
      const exp = await makeWhatsAppExport({ dir: path.join(root, name), layout: 'ios', zip: false });
      const moved = exp.media[0]!;
      fs.mkdirSync(path.join(exp.path, 'a'));
      fs.renameSync(path.join(exp.path, moved), path.join(exp.path, 'a', moved));
      if (twin) {
        fs.mkdirSync(path.join(exp.path, 'b'));
        fs.writeFileSync(path.join(exp.path, 'b', moved), Buffer.concat([fs.readFileSync(path.join(exp.path, 'a', moved)), Buffer.from('other')]));
      }
      const { vault } = await createVault(path.join(root, `${name}-vault`), TEST_PASSPHRASE);
      try {
        const report = await importChatExport(vault, exp.path, (await readChatExport(exp.path))!);
        const message = readChatMessages(vault.store, report.chatItemId).find((x) => x.attachmentName === moved)!;
        return { report, moved, linkedTo: message.attachmentItem ? getItem(vault, message.attachmentItem).originalName : null };
      } finally {
        vault.lock();
      }
    };
    const one = await run('one', false);
    expect(one.report.linked).toBe(5);
    expect(one.linkedTo).toBe(one.moved);
    // Two different files of that name: which one the message meant cannot be known, so neither is linked.
    const two = await run('two', true);
    expect(two.report.linked).toBe(4);
    expect(two.linkedTo).toBeNull();
  }, 180_000);

  it('a zip with ../ entries is refused and nothing is imported from it (the parse, and ingest as huella ingest and the app run it)', async () => {
    const root = tempDir('huella-chat-slip-');
    const zip = path.join(root, 'WhatsApp Chat with X.zip');
    fs.writeFileSync(zip, rawZip([
      { name: '_chat.txt', data: Buffer.from('[05/03/2024, 17:22:10] X: <attached: a.jpg>\n') },
      { name: 'a.jpg', data: Buffer.from('not really a photo') },
      { name: '../../../.bashrc', data: Buffer.from('echo owned') },
    ]));
    // A real WhatsApp export (3 photos, a voice note, a video, the chat) with one ../ entry added.
    const exp = await makeWhatsAppExport({ dir: path.join(root, 'in'), layout: 'ios', zip: false });
    const hostile = path.join(root, 'WhatsApp Chat - Lucía Fernández.zip');
    const entries = fs.readdirSync(exp.path).map((name) => ({ name, data: fs.readFileSync(path.join(exp.path, name)) }));
    expect(entries.length).toBe(6);
    fs.writeFileSync(hostile, rawZip([...entries, { name: '../../../.bashrc', data: Buffer.from('echo owned') }]));
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const err = await readChatExport(zip).catch((e: unknown) => e);
      expect(isHuellaError(err, 'FORMAT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/zip-slip.*Nothing was imported/);
      const eventsBefore = vault.log.size();
      const report = await ingestSources(vault, [zip, hostile]);
      expect(report).toMatchObject({ ingested: 0, duplicates: 0, failed: 2, imports: [] });
      for (const [i, input] of [zip, hostile].entries()) {
        expect(report.results[i]).toMatchObject({ path: input, status: 'failed', error: { code: 'FORMAT_INVALID' } });
        expect(report.results[i]!.error!.message).toMatch(/zip-slip.*Nothing was imported/);
      }
      expect(report.results).toHaveLength(2);
      expect(listItems(vault, {})).toEqual([]);
      expect(vault.log.size()).toBe(eventsBefore);
      expect(fs.existsSync(path.join(root, '.bashrc'))).toBe(false);
      // The same export without the ../ entry imports: the refusal is the entry's doing.
      const clean = path.join(root, 'clean.zip');
      fs.writeFileSync(clean, rawZip(entries));
      expect((await ingestSources(vault, [clean])).ingested).toBe(6);
    } finally {
      vault.lock();
    }
  }, 120_000);

  it('Telegram Desktop JSON export (folder): every file an item, the chat, each message linked to its photo, voice note or video', async () => {
    const root = tempDir('huella-chat-telegram-');
    const exp = await makeTelegramExport({ dir: path.join(root, 'in'), zip: false });
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const files = await readChatExport(exp.path);
      expect(files?.map((f) => f.name).sort()).toEqual(['result.json', ...exp.media, ...exp.unlinked].sort());
      const report = await importChatExport(vault, exp.path, files!);
      // result.json, 3 photos, the voice note, the video and its thumbnail: 7 items, each the export's bytes unchanged.
      expect(report.results.map((r) => r.status)).toEqual(Array(7).fill('ingested'));
      expect(listItems(vault, {}).length).toBe(7);
      for (const r of report.results) expect(r.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(r.path)).digest('hex'));
      // The message whose voice note was left out of the export keeps Telegram's note: it is reported missing.
      expect(report).toMatchObject({ format: 'telegram-json', messages: exp.messages, messagesWithAttachment: 6, linked: 5, missing: [exp.omitted], alreadyImported: false });
      const chat = getItem(vault, report.chatItemId);
      expect(chat.originalName).toBe('result.json');
      expect(readChat(vault.store, chat.id)).toMatchObject({ format: 'telegram-json', title: 'Plaza' });
      const messages = readChatMessages(vault.store, chat.id);
      expect(messages.map((m) => m.sender)).toEqual(['Lucía Fernández', 'Nahuel', 'Lucía Fernández', 'Nahuel', 'Lucía Fernández', 'Nahuel', 'Lucía Fernández', 'Nahuel']);
      expect(messages[2]!.text).toBe('Mirá esto');
      const types = new Map<string, string>();
      for (const name of exp.media) {
        const m = messages.find((x) => x.attachmentName === name)!;
        const item = getItem(vault, m.attachmentItem!);
        expect(item.originalName).toBe(path.basename(name));
        expect(item.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(exp.path, name))).digest('hex'));
        types.set(name.split('/')[0]!, item.mediaType.split(';')[0]!);
        expect(messagesNamingItem(vault.store, item.id)).toEqual([{ chatItem: chat.id, seq: m.seq, sentAt: exp.attachmentMessages[name]!.sentAt, sender: exp.attachmentMessages[name]!.sender }]);
      }
      expect(Object.fromEntries(types)).toEqual({ photos: 'image/jpeg', voice_messages: 'audio/ogg', video_files: 'video/mp4' });
      // Voice note metadata was read at import like any Ogg file.
      const voice = getItem(vault, messages.find((x) => x.attachmentName?.startsWith('voice_messages/'))!.attachmentItem!);
      expect(voice.metadata.codecs).toEqual(['opus']);
      const ev = JSON.parse(vault.log.event(readChat(vault.store, chat.id)!.eventSeq)!.bytes.toString('utf8')) as { type: string; data: Record<string, unknown> };
      expect(ev).toMatchObject({ type: 'chat.imported', data: { format: 'telegram-json', messages: exp.messages, linked: 5 } });
      expect(JSON.stringify(ev)).not.toMatch(/Lucía|Nahuel|patrullero|Plaza/);
      const again = await importChatExport(vault, exp.path, (await readChatExport(exp.path))!);
      expect(again.alreadyImported).toBe(true);
    } finally {
      vault.lock();
    }
  }, 180_000);

  it('huella ingest of a WhatsApp export zip: 5 items plus the chat, 5 linked; the same zip with a ../ entry: exit 1, nothing imported', async () => {
    const root = tempDir('huella-chat-wa-cli-');
    const exp = await makeWhatsAppExport({ dir: path.join(root, 'in'), layout: 'android', zip: true });
    const hostileVault = path.join(root, 'hostile-vault');
    const hostile = path.join(root, 'hostile.zip');
    // The same export rebuilt with one ../ entry (entries read back from the zip by the safe reader).
    const entries = (await readChatExport(exp.path))!.map((f) => ({ name: f.name, data: f.data! }));
    fs.writeFileSync(hostile, rawZip([...entries, { name: '../../evil.txt', data: Buffer.from('owned') }]));
    expect(huella(['init', hostileVault, '--json']).code).toBe(0);
    const refused = huella(['ingest', hostileVault, hostile, '--json']);
    expect(refused.code).toBe(1);
    const rl = jsonLines(refused.stdout) as Record<string, unknown>[];
    expect(rl.find((l) => l.status === 'failed')).toMatchObject({ path: hostile, error: { code: 'FORMAT_INVALID', message: expect.stringMatching(/zip-slip/) as unknown as string } });
    expect(rl.at(-1)).toMatchObject({ summary: { ingested: 0, failed: 1 } });
    const listed = huella(['ls', hostileVault, '--all', '--json']);
    expect(listed.code).toBe(0);
    expect(jsonLines(listed.stdout)).toEqual([]);

    const vault = path.join(root, 'vault');
    expect(huella(['init', vault, '--json']).code).toBe(0);
    const r = huella(['ingest', vault, exp.path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    expect(lines.find((l) => 'chat' in l)!.chat).toMatchObject({ format: 'whatsapp-android', messages: exp.messages, linked: 5, missing: [] });
    expect(lines.at(-1)).toMatchObject({ summary: { ingested: 6, failed: 0 } });
  }, 180_000);

  it('huella ingest of a zipped Telegram export (folder inside the zip): items, chat and links; huella show lists them', async () => {
    const root = tempDir('huella-chat-telegram-cli-');
    const exp = await makeTelegramExport({ dir: path.join(root, 'in'), zip: true });
    const vault = path.join(root, 'vault');
    expect(huella(['init', vault, '--json']).code).toBe(0);
    const r = huella(['ingest', vault, exp.path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    const chat = lines.find((l) => 'chat' in l)!.chat as { itemId: string; format: string; messages: number; linked: number; missing: string[] };
    expect(chat).toMatchObject({ format: 'telegram-json', messages: exp.messages, linked: 5, missing: [exp.omitted] });
    expect(lines.filter((l) => l.status === 'ingested').length).toBe(7);
    expect(lines.at(-1)).toMatchObject({ summary: { ingested: 7, failed: 0 } });
    const shown = JSON.parse(huella(['show', vault, chat.itemId, '--json']).stdout) as { chat: { messages: { attachmentName: string | null; attachmentItem: string | null }[] } };
    const linked = shown.chat.messages.filter((m) => m.attachmentItem);
    expect(linked.map((m) => m.attachmentName)).toEqual(exp.media);
    const text = huella(['show', vault, chat.itemId]).stdout;
    expect(text).toMatch(/chat export\s+telegram-json, 8 messages/);
    expect(text).toMatch(/Nahuel: .*\[video_files\/VID_20240305_174109\.mp4 → it_/);
    expect(text).toMatch(/Lucía Fernández: +\[\(File not included\. .*\) → not in the export\]/);
  }, 180_000);
});
