/**
 * PDF: a fresh file written by MuPDF with the identifying parts removed, recorded as method 'rewrite'.
 *
 * Library: mupdf (MuPDF.js, Artifex, AGPL-3.0-or-later like Huella, actively released). Chosen over pdf-lib
 * (last release 1.17.1 in 2021, unmaintained; keeps objects of superseded revisions unless we garbage-collect by
 * hand; no repair of damaged cross-reference tables) because MuPDF's writer does what the Berkeley-Protocol copy
 * needs in one call: `garbage` drops every object no longer reachable from the catalogue, and a full save writes a
 * single revision, so the old Info dictionaries of earlier incremental updates are gone, not just unreferenced.
 * Its parser is C compiled to WebAssembly: a hostile file can at worst corrupt the WASM heap, not the process.
 *
 * Removed: the Info dictionary (kept only as a lone CreationDate when the profile keeps the capture date), every
 * XMP /Metadata stream (document, page, image, font level), /PieceInfo (private application data: Illustrator
 * stores a whole original there), page /LastModified and /Thumb (a thumbnail may show an earlier page version),
 * /SpiderInfo, the trailer /ID, authors (/T) and dates of markup annotations, and the metadata inside embedded
 * JPEG images (stripped by jpeg.ts, pixels byte-identical).
 * Refused: encrypted PDFs (rewriting needs the password and would drop or change the protection), signed PDFs
 * (stripping breaks the signature, and the signature names its signer), PDFs with attached files or JPEG 2000
 * images (both carry metadata of their own that we do not strip).
 */
import type * as MupdfModule from 'mupdf';
import { ByteReader } from './byte-reader';
import { BufferSink } from './byte-sink';
import { stripFailed, stripUnsupported } from './errors';
import type { StripHandler } from './handler';
import { stripJpeg } from './jpeg';
import { readAllLimited, withFileSink } from './output';
import { RecordBuilder } from './strip-record';
import type { StripOptions } from './types';

type Mupdf = typeof MupdfModule;
type PdfDoc = InstanceType<Mupdf['PDFDocument']>;
type PdfObj = ReturnType<PdfDoc['getTrailer']>;

const FORMAT = 'PDF';
const MAX_INPUT_BYTES = 512 * 1024 * 1024;
const MARKUP_SUBTYPES = new Set([
  'Text', 'FreeText', 'Line', 'Square', 'Circle', 'Polygon', 'PolyLine', 'Highlight', 'Underline', 'Squiggly', 'StrikeOut',
  'Caret', 'Ink', 'Stamp', 'Sound', 'Redact', 'Popup', 'FileAttachment',
]);

let loading: Promise<Mupdf> | undefined;

/** Loaded on first use: the WASM module is large and most exports contain no PDF. */
function loadMupdf(): Promise<Mupdf> {
  loading ??= import('mupdf').then((m) => {
    // MuPDF's warnings quote object contents; they must not reach logs (DESIGN: logs never hold evidence).
    m.setLog({ error: () => undefined, warning: () => undefined });
    return m;
  });
  return loading;
}

function nameOf(o: PdfObj): string | undefined {
  return o.isName() ? o.asName() : undefined;
}

function filterNames(dict: PdfObj): string[] {
  const f = dict.get('Filter');
  if (f.isName()) return [f.asName()];
  if (f.isArray()) {
    const out: string[] = [];
    for (let i = 0; i < f.length; i++) out.push(nameOf(f.get(i)) ?? '?');
    return out;
  }
  return [];
}

async function stripEmbeddedJpeg(ref: PdfObj, opts: StripOptions): Promise<boolean> {
  const raw = Buffer.from(ref.readRawStream().asUint8Array());
  const sink = new BufferSink();
  // A photo inside a document keeps no date of its own: the document's CreationDate is its capture date.
  const record = await stripJpeg(ByteReader.fromBuffer(raw), sink, { ...opts, keepCaptureDate: false }).catch((e: unknown) => {
    throw stripFailed(FORMAT, 'an embedded JPEG image is damaged', e);
  });
  if (record.removed.length === 0) return false;
  ref.writeRawStream(sink.toBuffer());
  return true;
}

const SIGNED = 'it is digitally signed: removing metadata would break the signature, and the signature itself names its signer; export the original encrypted to the recipient instead';
const ATTACHMENTS = 'it contains attached files, which carry metadata of their own that we do not strip; export the original encrypted to the recipient instead';

function refuseIfSigned(root: PdfObj): void {
  const acro = root.get('AcroForm');
  if (!acro.isNull() && acro.get('SigFlags').isNumber() && acro.get('SigFlags').asNumber() !== 0) throw stripUnsupported(FORMAT, SIGNED);
}

/** Replaces MuPDF's "% Written by MuPDF x.y" comment with a neutral one of the same length (no offset moves). */
function neutraliseWriterComment(out: Buffer): void {
  const head = out.subarray(0, Math.min(out.length, 256)).toString('latin1');
  const m = /\n(%[^\r\n]*MuPDF[^\r\n]*)\r?\n/.exec(head);
  if (!m || m[1] === undefined) return;
  const at = (m.index ?? 0) + 1;
  const len = m[1].length;
  const neutral = Buffer.alloc(len, 0x20);
  neutral[0] = 0x25; // '%'
  out.set(neutral, at);
}

export const stripPdf: StripHandler = async (source, tmpPath, opts) => {
  const input = await readAllLimited(source, MAX_INPUT_BYTES, () => stripUnsupported(FORMAT, 'it is larger than 512 MiB'));
  if (!input.subarray(0, 1024).toString('latin1').includes('%PDF-')) throw stripFailed(FORMAT, 'it has no PDF header');
  const doc = await openPdf(input);
  const rec = new RecordBuilder('pdf', 'rewrite');
  try {
    const { root, info, pages } = checkDocument(doc, rec);
    const creation = info.isDictionary() && info.get('CreationDate').isString() ? info.get('CreationDate').asString() : undefined;
    const counts = await cleanObjects(doc, opts);
    if (!info.isNull()) rec.removed('Info dictionary (author, creator, producer, dates…)');
    setTrailerKey(doc, 'Info', undefined);
    if (!doc.getTrailer().get('ID').isNull()) rec.removed('document ID');
    setTrailerKey(doc, 'ID', undefined);
    for (const key of ['Metadata', 'PieceInfo', 'SpiderInfo']) root.delete(key);
    recordRemovals(rec, counts, doc.countVersions());
    if (opts.keepCaptureDate && creation !== undefined) {
      const fresh = doc.addObject(doc.newDictionary());
      fresh.put('CreationDate', doc.newString(creation));
      setTrailerKey(doc, 'Info', fresh);
      rec.kept('Info/CreationDate');
    }
    const out = savePdf(doc);
    rec.note(`written anew as a single revision (${pages} page${pages === 1 ? '' : 's'}); page content unchanged`);
    await withFileSink(tmpPath, (sink) => sink.write(out));
    return { record: rec.build(), bytesIn: input.length };
  } finally {
    doc.destroy();
  }
};

/**
 * Removes (undefined) or sets a key of the trailer, and checks that it took. MuPDF opens a new in-memory xref section
 * on a document's first edit, with its own copy of the trailer, so an edit through a trailer fetched before it is
 * lost. When no object needed cleaning (pdfTeX and other writers whose files hold no XMP, PieceInfo or annotation
 * authors), the copy of a file with a cross-reference stream kept its Info dictionary and /ID, and the kept
 * CreationDate of any such file was dropped (written to the trailer fetched before addObject).
 */
function setTrailerKey(doc: PdfDoc, key: string, value: PdfObj | undefined): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    const trailer = doc.getTrailer();
    if (value === undefined) trailer.delete(key);
    else trailer.put(key, value);
    if (doc.getTrailer().get(key).isNull() === (value === undefined)) return;
  }
  throw stripFailed(FORMAT, `the trailer's /${key} could not be ${value === undefined ? 'removed' : 'written'}`);
}

async function openPdf(input: Buffer): Promise<PdfDoc> {
  const mupdf = await loadMupdf();
  try {
    return new mupdf.PDFDocument(input);
  } catch (e) {
    throw stripFailed(FORMAT, 'the PDF structure could not be parsed', e);
  }
}

/** Refuses what cannot be stripped (encrypted, no catalogue or pages, signed, attachments); the catalogue, the Info entry and the page count. */
function checkDocument(doc: PdfDoc, rec: RecordBuilder): { root: PdfObj; info: PdfObj; pages: number } {
  const trailer = doc.getTrailer();
  if (!trailer.get('Encrypt').isNull() || doc.needsPassword()) {
    throw stripUnsupported(FORMAT, 'it is encrypted (password or permission protection); rewriting it would need the password and would change the protection; export the original encrypted to the recipient instead');
  }
  const root = trailer.get('Root');
  if (!root.isDictionary()) throw stripFailed(FORMAT, 'it has no document catalogue');
  let pages: number;
  try {
    pages = doc.countPages();
  } catch (e) {
    throw stripFailed(FORMAT, 'its page tree could not be read', e);
  }
  if (pages < 1) throw stripFailed(FORMAT, 'it has no pages');
  if (doc.wasRepaired()) rec.note('the cross-reference table was damaged and was rebuilt by the PDF library');
  refuseIfSigned(root);
  if (!root.get('Names', 'EmbeddedFiles').isNull() || !root.get('AF').isNull() || !root.get('Collection').isNull()) {
    throw stripUnsupported(FORMAT, ATTACHMENTS);
  }
  return { root, info: trailer.get('Info'), pages };
}

type Counts = { xmp: number; piece: number; annots: number; thumbs: number; jpeg: number; lastModified: number };

/** Every object of the file, in number order: refuses signatures, attachments and JPEG 2000; removes what identifies. */
async function cleanObjects(doc: PdfDoc, opts: StripOptions): Promise<Counts> {
  const counts: Counts = { xmp: 0, piece: 0, annots: 0, thumbs: 0, jpeg: 0, lastModified: 0 };
  const n = doc.countObjects();
  for (let i = 1; i < n; i++) {
    const ref = doc.newIndirect(i);
    const obj = ref.resolve();
    if (obj.isDictionary()) await cleanObject(ref, obj, counts, opts);
  }
  return counts;
}

async function cleanObject(ref: PdfObj, obj: PdfObj, counts: Counts, opts: StripOptions): Promise<void> {
  const type = nameOf(obj.get('Type'));
  const subtype = nameOf(obj.get('Subtype'));
  if (type === 'Sig' || (nameOf(obj.get('FT')) === 'Sig' && !obj.get('V').isNull())) throw stripUnsupported(FORMAT, SIGNED);
  if (type === 'EmbeddedFile' || type === 'Filespec' || subtype === 'FileAttachment' || !obj.get('EF').isNull()) {
    throw stripUnsupported(FORMAT, ATTACHMENTS);
  }
  if (type === 'Metadata' || (subtype === 'XML' && ref.isStream())) counts.xmp++;
  if (!obj.get('Metadata').isNull()) obj.delete('Metadata');
  if (!obj.get('PieceInfo').isNull()) {
    obj.delete('PieceInfo');
    counts.piece++;
  }
  if (!obj.get('LastModified').isNull()) {
    obj.delete('LastModified');
    counts.lastModified++;
  }
  if (type === 'Page' && !obj.get('Thumb').isNull()) {
    obj.delete('Thumb');
    counts.thumbs++;
  }
  if (subtype !== undefined && MARKUP_SUBTYPES.has(subtype) && (type === undefined || type === 'Annot')) {
    if (!obj.get('T').isNull() || !obj.get('M').isNull() || !obj.get('CreationDate').isNull()) counts.annots++;
    obj.delete('T');
    obj.delete('M');
    obj.delete('CreationDate');
  }
  if (ref.isStream() && subtype === 'Image') {
    const filters = filterNames(obj);
    if (filters.includes('JPXDecode')) throw stripUnsupported(FORMAT, 'it contains JPEG 2000 images, which can carry metadata of their own that we do not strip');
    if (filters.includes('DCTDecode')) {
      if (filters.length !== 1) throw stripUnsupported(FORMAT, 'it contains a JPEG image wrapped in further compression, which we do not strip');
      if (await stripEmbeddedJpeg(ref, opts)) counts.jpeg++;
    }
  }
}

function recordRemovals(rec: RecordBuilder, counts: Counts, versions: number): void {
  if (counts.xmp > 0) rec.removed(`XMP metadata streams (${counts.xmp})`);
  if (counts.piece > 0) rec.removed(`PieceInfo private application data (${counts.piece})`);
  if (counts.lastModified > 0) rec.removed('LastModified dates');
  if (counts.thumbs > 0) rec.removed(`page thumbnails (${counts.thumbs})`);
  if (counts.annots > 0) rec.removed(`annotation authors and dates (${counts.annots})`);
  if (counts.jpeg > 0) rec.removed(`metadata inside embedded JPEG images (${counts.jpeg})`);
  if (versions > 1) rec.removed(`earlier revisions (${versions - 1} incremental update${versions > 2 ? 's' : ''})`);
}

/** The whole document written once, as a single revision, without MuPDF's name in it. */
function savePdf(doc: PdfDoc): Buffer {
  let out: Buffer;
  try {
    // garbage=compact: drop unreachable objects (old revisions, orphaned XMP) and renumber; a full save writes one revision.
    out = Buffer.from(doc.saveToBuffer('garbage=compact').asUint8Array());
  } catch (e) {
    throw stripFailed(FORMAT, 'the cleaned PDF could not be written', e);
  }
  neutraliseWriterComment(out);
  return out;
}
