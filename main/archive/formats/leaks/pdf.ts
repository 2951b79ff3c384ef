/**
 * PDF re-read without the PDF library the stripper uses: a byte-level search of the file and of every
 * Flate-compressed stream in it (object streams hold dictionaries too) for Info keys, XMP packets, private
 * application data, dates, and for JPEG images still carrying metadata segments.
 */
import zlib from 'node:zlib';
import { Findings } from './findings';
import { jpegStructure } from './images';
import type { Needles } from './values';
import { scanBuffer } from './values';

const MAX_INFLATED = 64 * 1024 * 1024;

function searchText(text: string, f: Findings, keepCaptureDate: boolean, where: string): void {
  if (/\/Author\s*[(<]/.test(text)) f.add('owner', `${where}: /Author`);
  if (/\/Creator\s*[(<]/.test(text)) f.add('software', `${where}: /Creator`);
  if (/\/Producer\s*[(<]/.test(text)) f.add('software', `${where}: /Producer`);
  if (/\/Keywords\s*[(<]/.test(text)) f.add('unknown-metadata', `${where}: /Keywords`);
  if (/\/Company\s*[(<]/.test(text)) f.add('owner', `${where}: /Company`);
  if (/\/ModDate\s*[(<]/.test(text)) f.add('timestamp', `${where}: /ModDate`);
  if (/\/LastModified\s*[(<]/.test(text)) f.add('timestamp', `${where}: /LastModified`);
  if (/\/CreationDate\s*[(<]/.test(text)) {
    if (keepCaptureDate) f.captureDate(`${where}: /CreationDate`);
    else f.add('timestamp', `${where}: /CreationDate`);
  }
  if (/\/M\s*\(D:/.test(text)) f.add('timestamp', `${where}: annotation date /M`);
  if (/\/PieceInfo\b/.test(text)) f.add('unknown-metadata', `${where}: /PieceInfo`);
  if (/\/Metadata\s+\d+\s+\d+\s+R/.test(text) || /\/Type\s*\/Metadata\b/.test(text)) f.add('xmp', `${where}: /Metadata stream`);
  if (/<\?xpacket|x:xmpmeta|adobe:ns:meta/.test(text)) f.add('xmp', `${where}: XMP packet`);
  if (/\/SpiderInfo\b/.test(text)) f.add('unknown-metadata', `${where}: /SpiderInfo`);
  if (/trailer[\s\S]{0,400}\/ID\s*\[/.test(text)) f.add('unknown-metadata', `${where}: trailer document ID`);
}

function embeddedJpegs(b: Buffer, f: Findings): void {
  let at = b.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
  let n = 0;
  while (at >= 0 && n < 10_000) {
    const next = b.indexOf(Buffer.from([0xff, 0xd9]), at + 3);
    const end = next < 0 ? b.length : next + 2;
    const local = new Findings();
    jpegStructure(b.subarray(at, end), local, 'embedded JPEG');
    // Only the metadata kinds matter here; parsing a JPEG cut at the first FFD9 can look truncated.
    for (const x of local.all) if (x.kind !== 'unknown-metadata' || /APP|Exif/.test(x.detail)) f.add(x.kind, x.detail);
    at = b.indexOf(Buffer.from([0xff, 0xd8, 0xff]), end);
    n++;
  }
}

export function pdfFindings(b: Buffer, f: Findings, keepCaptureDate: boolean, needles: Needles): void {
  const text = b.toString('latin1');
  if (!text.slice(0, 1024).includes('%PDF-')) {
    f.add('unknown-metadata', 'not a PDF file');
    return;
  }
  searchText(text, f, keepCaptureDate, 'PDF');
  const eofs = text.match(/%%EOF/g)?.length ?? 0;
  if (eofs > 1) f.add('unknown-metadata', `PDF: ${eofs - 1} incremental update(s) (older revisions keep older metadata)`);
  embeddedJpegs(b, f);
  const streamRe = /stream\r?\n/g;
  for (let m = streamRe.exec(text); m; m = streamRe.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const raw = b.subarray(start, end);
    let inflated: Buffer | undefined;
    try {
      inflated = zlib.inflateSync(raw, { maxOutputLength: MAX_INFLATED });
    } catch {
      inflated = undefined;
    }
    if (inflated) {
      searchText(inflated.toString('latin1'), f, keepCaptureDate, 'PDF compressed stream');
      scanBuffer(inflated, needles, f, 'a compressed PDF stream');
    }
    streamRe.lastIndex = end + 9;
  }
}
