/**
 * ISO-BMFF / QuickTime re-read with positional reads (media data is never loaded): remaining udta/meta/uuid/prft
 * boxes, non-zero padding, times, handler and compressor names, non-audio/video tracks.
 */
import fsp from 'node:fs/promises';
import type { Findings } from './findings';

const MAX_BOX = 256 * 1024 * 1024;
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf']);
const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';

type Child = { type: string; body: Buffer; bodyAt: number };

function children(b: Buffer): Child[] {
  const out: Child[] = [];
  let i = 0;
  while (i + 8 <= b.length) {
    let size = b.readUInt32BE(i);
    let h = 8;
    if (size === 1 && i + 16 <= b.length) {
      size = Number(b.readBigUInt64BE(i + 8));
      h = 16;
    } else if (size === 0) size = b.length - i;
    if (size < h || i + size > b.length) break;
    out.push({ type: b.toString('latin1', i + 4, i + 8), body: b.subarray(i + h, i + size), bodyAt: i + h });
    i += size;
  }
  return out;
}

function inspect(b: Buffer, f: Findings, keepCaptureDate: boolean, handler?: string): void {
  for (const c of children(b)) {
    switch (c.type) {
      case 'udta': {
        const kids = children(c.body).map((k) => k.type);
        f.add(kids.includes('\xa9xyz') ? 'gps' : 'unknown-metadata', `udta box${kids.length > 0 ? ` (${kids.map((k) => (/^[\x20-\x7e\xa9]{4}$/.test(k) ? k : '?')).join(', ')})` : ''}`);
        break;
      }
      case 'meta':
        f.add(c.body.includes(Buffer.from('location', 'latin1')) ? 'gps' : 'unknown-metadata', 'meta box');
        break;
      case 'uuid':
        f.add(c.body.subarray(0, 16).toString('hex') === XMP_UUID ? 'xmp' : 'unknown-metadata', 'uuid box');
        break;
      case 'prft':
        f.add('timestamp', 'prft (producer reference time)');
        break;
      case 'free':
      case 'skip':
      case 'wide':
        if (c.body.some((x) => x !== 0)) f.add('unknown-metadata', 'non-zero bytes in free-space boxes');
        break;
      case 'mvhd':
      case 'tkhd':
      case 'mdhd': {
        const w = c.body[0] === 1 ? 8 : 4;
        const created = c.body.subarray(4, 4 + w).some((x) => x !== 0);
        const modified = c.body.subarray(4 + w, 4 + 2 * w).some((x) => x !== 0);
        if ((created && !keepCaptureDate) || modified) f.add('timestamp', `${c.type} times`);
        else if (created) f.captureDate(`${c.type} creation time`);
        break;
      }
      case 'hdlr':
        if (c.body.subarray(24).some((x) => x !== 0)) f.add('software', 'handler name');
        break;
      case 'stsd':
        if (handler === 'vide') {
          for (const e of children(c.body.subarray(8))) if (e.body.subarray(42, 74).some((x) => x !== 0)) f.add('software', 'video compressor name');
        }
        break;
      case 'trak': {
        const mdia = children(c.body).find((k) => k.type === 'mdia');
        const hdlr = mdia ? children(mdia.body).find((k) => k.type === 'hdlr') : undefined;
        const h = hdlr ? hdlr.body.toString('latin1', 8, 12) : undefined;
        if (h !== undefined && h !== 'vide' && h !== 'soun') f.add('unknown-metadata', 'a track that is neither video nor sound (timed metadata?)');
        inspect(c.body, f, keepCaptureDate, h);
        break;
      }
      default:
        if (CONTAINERS.has(c.type)) inspect(c.body, f, keepCaptureDate, handler);
    }
  }
}

export async function bmffFindings(file: string, f: Findings, keepCaptureDate: boolean): Promise<void> {
  const fh = await fsp.open(file, 'r');
  try {
    const { size: total } = await fh.stat();
    let pos = 0;
    const head = Buffer.alloc(16);
    while (pos + 8 <= total) {
      await fh.read(head, 0, 16, pos);
      let size = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      let h = 8;
      if (size === 1) {
        size = Number(head.readBigUInt64BE(8));
        h = 16;
      } else if (size === 0) size = total - pos;
      if (size < h || pos + size > total) {
        f.add('unknown-metadata', 'box sizes do not match the file');
        return;
      }
      if (type !== 'mdat' && size <= MAX_BOX) {
        const box = Buffer.alloc(size);
        await fh.read(box, 0, size, pos);
        inspect(box, f, keepCaptureDate);
      } else if (type !== 'mdat') f.add('unknown-metadata', 'an oversized non-media box');
      pos += size;
    }
    if (pos < total) f.add('unknown-metadata', `${total - pos} bytes after the last box`);
  } finally {
    await fh.close();
  }
}
