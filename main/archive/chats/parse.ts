/**
 * Chat exports as messaging apps write them, parsed into messages that may name an attachment.
 *
 * WhatsApp ("Export chat", with media): a text file plus the media files, zipped or not.
 *  - iOS: `_chat.txt`, lines `[05/03/2024, 17:22:10] Nahuel: text`, attachments `<attached: 00000012-PHOTO-….jpg>`
 *    (the line often starts with U+200E, a left-to-right mark).
 *  - Android: `WhatsApp Chat with Nahuel.txt`, lines `05/03/2024, 17:22 - Nahuel: text`, attachments
 *    `IMG-20240305-WA0001.jpg (file attached)` in the phone's language.
 *  Dates follow the phone's locale: day/month or month/day (decided from the whole file: a first field over 12
 *  means day first), 2- or 4-digit years, 12- or 24-hour clock. Times are the phone's local time, without zone.
 * Telegram Desktop ("Export chat history", JSON): `result.json` with `messages[]` whose `photo` or `file` field is
 *  the attachment's path inside the export, relative to result.json (or, when the file was left out of the export,
 *  a note in parentheses); a full-account export lists chats under `chats.list`.
 * Nothing here touches the files: the caller decides what each attachment name refers to.
 */

export type ChatFormat = 'whatsapp-ios' | 'whatsapp-android' | 'telegram-json';

export type ChatMessage = {
  readonly seq: number;
  /** Local time as written by the phone, ISO 8601 without a zone ("2024-03-05T17:22:10"). */
  readonly sentAt?: string;
  readonly sender?: string;
  readonly text: string;
  /** The attachment's file name (WhatsApp) or relative path (Telegram), as the export names it. */
  readonly attachment?: string;
};

export type ParsedChat = { readonly format: ChatFormat; readonly title?: string; readonly messages: readonly ChatMessage[] };

const MAX_MESSAGES = 500_000;
const MAX_TEXT = 64 * 1024;

const IOS_LINE = /^\u200e?\[(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?\] ([^:]{1,200}?): ([\s\S]*)$/;
const ANDROID_LINE = /^\u200e?(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?\s[-–] ([\s\S]*)$/;
const IOS_ATTACHED = /<(?:attached|adjunto|adjunt|pièce jointe|anexo|Anhang|مرفق)[^:<>]*:\s*([^<>]+?)>/i;
const ANDROID_ATTACHED = /^\u200e?(.+?\.[A-Za-z0-9]{1,6})\s+\((?:file attached|archivo adjunto|fichier joint|arquivo anexado|ficheiro anexado|Datei angehängt|file allegato|ملف مرفق|bestand bijgevoegd)\)/i;

type Raw = { a: number; b: number; y: number; h: number; m: number; s?: number; ampm?: string; sender?: string; text: string };

function iso(r: Raw, dayFirst: boolean): string | undefined {
  let year = r.y;
  let [day, month] = dayFirst ? [r.a, r.b] : [r.b, r.a];
  if (r.a > 31) [year, month, day] = [r.a, r.b, r.y]; // year first (2024-03-05)
  if (year < 100) year += 2000;
  let hour = r.h;
  if (r.ampm) {
    const pm = r.ampm.toLowerCase() === 'p';
    if (hour === 12) hour = pm ? 12 : 0;
    else if (pm) hour += 12;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || r.m > 59 || (r.s ?? 0) > 59) return undefined;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${year}-${p(month)}-${p(day)}T${p(hour)}:${p(r.m)}:${p(r.s ?? 0)}`;
}

/** Parses a WhatsApp `.txt` export; undefined when the text is not one. */
export function parseWhatsAppText(text: string): ParsedChat | undefined {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  const raws: Raw[] = [];
  let ios = 0;
  let android = 0;
  for (const line of lines) {
    const i = IOS_LINE.exec(line);
    const a = i ? null : ANDROID_LINE.exec(line);
    const m = i ?? a;
    if (m) {
      const num = (k: number): number => Number(m[k]);
      const base = { a: num(1), b: num(2), y: num(3), h: num(4), m: num(5), ...(m[6] ? { s: num(6) } : {}), ...(m[7] ? { ampm: m[7] } : {}) };
      if (i) {
        ios++;
        raws.push({ ...base, sender: m[8]!.trim(), text: m[9]! });
      } else {
        android++;
        const rest = m[8]!;
        const colon = rest.indexOf(': ');
        // "Nahuel: hola" is a message; "Messages are end-to-end encrypted…" is a system line without a sender.
        raws.push(colon > 0 && colon <= 200 ? { ...base, sender: rest.slice(0, colon).trim(), text: rest.slice(colon + 2) } : { ...base, text: rest });
      }
      if (raws.length > MAX_MESSAGES) break;
    } else if (raws.length > 0) {
      const last = raws[raws.length - 1]!;
      if (last.text.length < MAX_TEXT) last.text += `\n${line}`;
    }
  }
  if (raws.length === 0) return undefined;
  const monthFirst = raws.some((r) => r.b > 12 && r.b <= 31 && r.a <= 12) && !raws.some((r) => r.a > 12 && r.a <= 31);
  const dayFirst = !monthFirst;
  const format: ChatFormat = ios >= android ? 'whatsapp-ios' : 'whatsapp-android';
  const messages = raws.map((r, seq): ChatMessage => {
    const body = r.text.replace(/\u200e/g, '').trimEnd();
    const attached = (format === 'whatsapp-ios' ? IOS_ATTACHED.exec(body) : ANDROID_ATTACHED.exec(body)) ?? IOS_ATTACHED.exec(body) ?? ANDROID_ATTACHED.exec(body);
    const sentAt = iso(r, dayFirst);
    return {
      seq,
      text: body.slice(0, MAX_TEXT),
      ...(sentAt ? { sentAt } : {}),
      ...(r.sender ? { sender: r.sender.replace(/\u200e/g, '').slice(0, 200) } : {}),
      ...(attached ? { attachment: attached[1]!.trim() } : {}),
    };
  });
  return { format, messages };
}

type TelegramText = string | ReadonlyArray<string | { readonly text?: unknown }>;

function telegramText(t: unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t as TelegramText & unknown[]).map((p) => (typeof p === 'string' ? p : typeof (p as { text?: unknown })?.text === 'string' ? ((p as { text: string }).text) : '')).join('');
  return '';
}

/** Parses Telegram Desktop's `result.json` (one chat, or the first chats of a full export); undefined if not one. */
export function parseTelegramJson(json: string): ParsedChat | undefined {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!root || typeof root !== 'object') return undefined;
  const r = root as { name?: unknown; messages?: unknown; chats?: { list?: unknown } };
  const chats: Array<{ name?: unknown; messages?: unknown }> = Array.isArray(r.messages) ? [r] : Array.isArray(r.chats?.list) ? (r.chats!.list as Array<{ name?: unknown; messages?: unknown }>) : [];
  if (chats.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const chat of chats) {
    for (const m of (Array.isArray(chat.messages) ? chat.messages : []) as Array<Record<string, unknown>>) {
      if (messages.length >= MAX_MESSAGES) break;
      if (!m || typeof m !== 'object' || m.type !== 'message') continue;
      // A path inside the export, or Telegram's note that the file was left out ("(File not included. Change data
      // exporting settings to download.)"): kept as the attachment's name, so the message shows its file is missing.
      const attachment = [m.photo, m.file].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length < 1024);
      const date = typeof m.date === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(m.date) ? m.date : undefined;
      const sender = typeof m.from === 'string' ? m.from.slice(0, 200) : undefined;
      messages.push({
        seq: messages.length,
        text: telegramText(m.text).slice(0, MAX_TEXT),
        ...(date ? { sentAt: date } : {}),
        ...(sender ? { sender } : {}),
        ...(attachment ? { attachment } : {}),
      });
    }
  }
  const title = typeof chats[0]?.name === 'string' ? (chats[0].name as string).slice(0, 200) : undefined;
  return { format: 'telegram-json', ...(title ? { title } : {}), messages };
}

/** Is this file name a WhatsApp chat text (iOS `_chat.txt`, Android "WhatsApp Chat with …txt" in any language)? */
export function isWhatsAppChatName(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return base === '_chat.txt' || /^WhatsApp.*\.txt$/i.test(base);
}

export function isTelegramExportName(name: string): boolean {
  return (name.split('/').pop() ?? name) === 'result.json';
}
