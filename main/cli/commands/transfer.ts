import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../archive/blobs/store';
import { HuellaError } from '../../archive/errors';
import { createBundle, receiveBundle, type ContactCard, type ReceiveReport } from '../../archive/transfer';
import { contactFingerprint, displayFingerprint, fingerprintWords, formatContactCard, parseContactCard, vaultContactCard } from '../../archive/transfer/contact';
import { contactCardQrGif, contactCardQrSvg, readContactCardFromImage } from '../../archive/transfer/contact-qr';
import type { Command, ParsedValues } from '../command';
import { list, str } from '../command';
import { progressBar, untilInterrupted, UsageError } from '../io';
import { withVault } from '../unlock';

/** `huella contact`, `huella share` (a transfer bundle on a folder) and `huella receive` (DESIGN §9). */

export const contactCommand: Command = {
  name: 'contact',
  summary: 'print this vault\'s contact card (its age recipient and custody key) for people who will send you evidence',
  usage: 'huella contact <vault> [--qr FILE.svg|FILE.gif] [--json]',
  options: { qr: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const card = await withVault(dir!, values, async (vault) => vaultContactCard(vault));
    const qr = str(values, 'qr');
    if (qr) fs.writeFileSync(qr, qr.toLowerCase().endsWith('.gif') ? contactCardQrGif(card) : contactCardQrSvg(card), { flag: 'wx' });
    const fp = contactFingerprint(card);
    if (out.json) out.data({ card: formatContactCard(card).trim().split('\n').at(-1), fingerprint: fp, display: displayFingerprint(fp), words: fingerprintWords(fp), ...(qr ? { qr } : {}) });
    else out.line(formatContactCard(card).trimEnd());
    return 0;
  },
};

export async function recipientFrom(values: ParsedValues): Promise<ContactCard> {
  const file = str(values, 'to');
  if (!file) throw new UsageError('Say who receives the bundle: --to CONTACT-CARD (a card file, or an image of its QR code).');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HuellaError('FILE_UNREADABLE', 'Cannot read the contact card file.', { cause: e });
  }
  if (text.includes('huella-contact-v1 ')) return parseContactCard(text);
  return readContactCardFromImage(file);
}

export const shareCommand: Command = {
  name: 'share',
  summary: 'write a transfer bundle for one recipient: a case\'s or chosen items\' originals, records and custody events, readable only by them',
  usage: 'huella share <vault> --to CONTACT-CARD (--case ID | --items ID,…) --out DIR [--json]',
  options: { to: { type: 'string' }, case: { type: 'string' }, items: { type: 'string', multiple: true }, out: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const dest = str(values, 'out');
    if (!dest) throw new UsageError('Say where to write the bundle: --out DIR (a new folder, e.g. on a USB stick).');
    const caseId = str(values, 'case');
    const itemIds = list(values, 'items').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
    if (!caseId && itemIds.length === 0) throw new UsageError('Choose what to share: --case ID and/or --items ID,….');
    const recipient = await recipientFrom(values);
    const bar = progressBar(!out.json);
    return untilInterrupted(async (signal) => {
      const r = await withVault(dir!, values, (vault) =>
        createBundle(vault, dest, { recipient, ...(caseId ? { caseId } : {}), itemIds }, {
          signal,
          onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `${p.done}/${p.total} originals  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
        }),
      );
      bar.done();
      if (out.json) out.data(r);
      else {
        out.line(`Bundle ${r.bundleId} written to ${r.dir}: ${r.items} item(s), ${formatBytes(r.bytes)}.`);
        out.line(`  for: ${displayFingerprint(r.recipientFingerprint)} (${fingerprintWords(r.recipientFingerprint).join(' ')})`);
        for (const s of r.shared) out.line(`  - ${s.itemId}  ${formatBytes(s.size)}  ${s.label}`);
        out.line(`  recorded in this vault's custody log as event #${r.transferSeq} (items.transferred).`);
      }
      return 0;
    });
  },
};

export function receiveLines(r: ReceiveReport, out: { line(t: string): void }): void {
  out.line(`Bundle ${r.bundleId} from ${r.sender.display} (${r.sender.words.join(' ')})${r.sender.newlyPinned ? ' — new sender, now pinned' : ''}:`);
  for (const it of r.items) out.line(`  ${it.status === 'received' ? 'received ' : 'duplicate'} ${it.itemId}  ${formatBytes(it.size)}  sha256 ${it.sha256}${it.eventSeq !== undefined ? `  (event #${it.eventSeq})` : ''}`);
  if (r.caseId) out.line(`  case: ${r.caseId}`);
  out.line(`  sender's log ${r.sender.origin}, checkpoint of ${r.checkpoint.size} events, root ${r.checkpoint.root}`);
}

export const receiveCommand: Command = {
  name: 'receive',
  summary: 'check a transfer bundle against its sender\'s key and custody log, and import its items with their original hashes',
  usage: 'huella receive <vault> <bundle dir> [--accept-new-sender] [--from FINGERPRINT] [--json]',
  options: { 'accept-new-sender': { type: 'boolean' }, from: { type: 'string' } },
  args: [2, 2],
  async run([dir, bundleDir], values, out) {
    const from = str(values, 'from');
    const bar = progressBar(!out.json);
    return untilInterrupted(async (signal) => {
      const r = await withVault(dir!, values, (vault) =>
        receiveBundle(vault, path.resolve(bundleDir!), {
          acceptNewSender: Boolean(values['accept-new-sender']),
          ...(from ? { expectSender: from } : {}),
          signal,
          onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `${p.done}/${p.total} objects checked  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
        }),
      );
      bar.done();
      if (out.json) out.data(r);
      else receiveLines(r, out);
      return 0;
    });
  },
};
