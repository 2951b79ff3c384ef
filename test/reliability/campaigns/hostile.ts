import zlib from 'node:zlib';
import { pngChunk } from '../../fixtures/photos';

/**
 * Structurally hostile files, built byte by byte: huge declared sizes, zero-length segments, loops (Exif IFD,
 * TIFF IFD, PDF xref /Prev, page-tree cycles), deep nesting (boxes, XML, PDF arrays), zip bombs (ratio, overlapping
 * entries, many entries), zip-slip names. Each builder returns named variants; `base` is a valid file of the
 * format when the variant is a surgical change to one.
 */
export type Hostile = { readonly name: string; readonly bytes: Buffer };

const u16le = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32le = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const u16be = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32be = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const latin = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A little-endian TIFF whose IFD0 points to itself twice: as its next IFD and as its Exif sub-IFD. */
export function tiffIfdLoop(): Buffer {
  const make = latin('LoopMakerCo\0');
  const ifd = Buffer.concat([u16le(2), u16le(0x010f), u16le(2), u32le(make.length), u32le(38), u16le(0x8769), u16le(4), u32le(1), u32le(8), u32le(8)]);
  return Buffer.concat([latin('II*\0'), u32le(8), ifd, make]);
}

/** A TIFF whose IFD0 claims 65535 entries (none present) and a 100000×100000 image far beyond the file. */
function tiffHugeCounts(): Buffer[] {
  const claims = Buffer.concat([latin('II*\0'), u32le(8), u16le(0xffff), u16le(0x0100), u16le(4), u32le(1), u32le(100_000)]);
  const entries = [
    [0x0100, 4, 1, 100_000], [0x0101, 4, 1, 100_000], [0x0102, 3, 1, 8], [0x0103, 3, 1, 1], [0x0106, 3, 1, 2],
    [0x0111, 4, 1, 0x7fff_fff0], [0x0115, 3, 1, 3], [0x0116, 4, 1, 100_000], [0x0117, 4, 1, 0xffff_fff0],
  ] as const;
  const ifd = Buffer.concat([u16le(entries.length), ...entries.map(([tag, type, count, value]) => Buffer.concat([u16le(tag), u16le(type), u32le(count), type === 3 ? Buffer.concat([u16le(value), u16le(0)]) : u32le(value)])), u32le(0)]);
  return [claims, Buffer.concat([latin('II*\0'), u32le(8), ifd])];
}

export function hostileTiff(): Hostile[] {
  const [claims, huge] = tiffHugeCounts();
  return [
    { name: 'ifd-loop', bytes: tiffIfdLoop() },
    { name: 'entry-count-65535', bytes: claims! },
    { name: 'huge-strips', bytes: huge! },
    { name: 'offset-beyond-eof', bytes: Buffer.concat([latin('II*\0'), u32le(0xfffffff0)]) },
  ];
}

// ------------------------------------------------------------------------------------------------------ JPEG

function jpegSegment(marker: number, payload: Buffer, declared = payload.length + 2): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(declared), payload]);
}

export function hostileJpeg(base: Buffer): Hostile[] {
  const rest = base.subarray(2);
  const sof = base.indexOf(Buffer.from([0xff, 0xc0]));
  const hugeSof = Buffer.from(base);
  if (sof > 0) {
    hugeSof.writeUInt16BE(0xffff, sof + 5);
    hugeSof.writeUInt16BE(0xffff, sof + 7);
  }
  const soi = Buffer.from([0xff, 0xd8]);
  return [
    { name: 'app1-declares-65535', bytes: Buffer.concat([soi, jpegSegment(0xe1, latin('Exif\0\0II*\0'), 0xffff)]) },
    { name: 'zero-length-segment', bytes: Buffer.concat([soi, jpegSegment(0xe1, Buffer.alloc(0), 0), rest]) },
    { name: 'empty-segments', bytes: Buffer.concat([soi, jpegSegment(0xe1, Buffer.alloc(0)), jpegSegment(0xe2, Buffer.alloc(0)), jpegSegment(0xfe, Buffer.alloc(0)), rest]) },
    { name: 'exif-ifd-loop', bytes: Buffer.concat([soi, jpegSegment(0xe1, Buffer.concat([latin('Exif\0\0'), tiffIfdLoop()])), rest]) },
    { name: 'sof-65535x65535', bytes: hugeSof },
    { name: '20000-comment-segments', bytes: Buffer.concat([soi, ...Array.from({ length: 20_000 }, () => jpegSegment(0xfe, latin('x'))), rest]) },
    { name: 'no-eoi-garbage-tail', bytes: Buffer.concat([base.subarray(0, base.length - 2), Buffer.alloc(4096, 0xff)]) },
  ];
}

// ------------------------------------------------------------------------------------------------------- PNG

export function hostilePng(base: Buffer): Hostile[] {
  const sig = base.subarray(0, 8);
  const ihdr = Buffer.from(base.subarray(16, 29));
  const hugeIhdr = Buffer.from(ihdr);
  hugeIhdr.writeUInt32BE(0x7fffffff, 0);
  hugeIhdr.writeUInt32BE(0x7fffffff, 4);
  const afterIhdr = base.subarray(33);
  const iend = pngChunk('IEND', Buffer.alloc(0));
  const bomb = zlib.deflateSync(Buffer.alloc(32 * 1024 * 1024));
  return [
    { name: 'ihdr-2G-by-2G', bytes: Buffer.concat([sig, pngChunk('IHDR', hugeIhdr), afterIhdr]) },
    { name: 'chunk-declares-4GB', bytes: Buffer.concat([sig, pngChunk('IHDR', ihdr), u32be(0xfffffff0), latin('tEXt'), latin('Author\0x')]) },
    { name: 'zero-length-idat-only', bytes: Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.alloc(0)), iend]) },
    { name: 'exif-ifd-loop', bytes: Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('eXIf', tiffIfdLoop()), afterIhdr]) },
    { name: 'ztxt-bomb-32MB', bytes: Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('zTXt', Buffer.concat([latin('Comment\0\0'), bomb])), afterIhdr]) },
    { name: 'itxt-bomb-32MB', bytes: Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('iTXt', Buffer.concat([latin('XML:com.adobe.xmp\0\x01\0\0\0'), bomb])), afterIhdr]) },
  ];
}

// ------------------------------------------------------------------------------------------------------ WebP

function riffChunk(type: string, data: Buffer, declared = data.length): Buffer {
  return Buffer.concat([latin(type), u32le(declared), data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function hostileWebp(base: Buffer): Hostile[] {
  const body = base.subarray(12);
  const vp8x = Buffer.concat([Buffer.from([0x08, 0, 0, 0]), Buffer.from([0xff, 0x3f, 0]), Buffer.from([0xff, 0x3f, 0])]); // EXIF flag, 16384×16384
  const riff = (payload: Buffer, declared = payload.length + 4): Buffer => Buffer.concat([latin('RIFF'), u32le(declared), latin('WEBP'), payload]);
  return [
    { name: 'riff-declares-4GB', bytes: riff(body, 0xfffffff0) },
    { name: 'vp8x-16384-exif-declares-4GB', bytes: riff(Buffer.concat([riffChunk('VP8X', vp8x), Buffer.concat([latin('EXIF'), u32le(0xfffffff0), tiffIfdLoop()])])) },
    { name: 'exif-ifd-loop', bytes: riff(Buffer.concat([riffChunk('VP8X', vp8x), riffChunk('EXIF', tiffIfdLoop()), body])) },
    { name: 'zero-size-chunks', bytes: riff(Buffer.concat([riffChunk('VP8X', Buffer.alloc(0)), riffChunk('XMP ', Buffer.alloc(0)), riffChunk('VP8 ', Buffer.alloc(0))])) },
  ];
}

// ------------------------------------------------------------------------------------------- ISO BMFF (HEIC, MP4)

export function box(type: string, ...payload: Buffer[]): Buffer {
  const data = Buffer.concat(payload);
  return Buffer.concat([u32be(data.length + 8), latin(type), data]);
}

const fullBox = (type: string, ...payload: Buffer[]): Buffer => box(type, Buffer.alloc(4), ...payload);

/**
 * A HEIC-like file (an ftyp 'heic' box structure, not a decodable image): meta with hdlr 'pict', pitm, iinf
 * naming an hvc1 item and an Exif item, iloc pointing both into mdat, where the Exif item names a camera.
 */
export function heicLike(): Buffer {
  const ftyp = box('ftyp', latin('heic'), u32be(0), latin('mif1heic'));
  const exif = Buffer.concat([u32be(0), latin('Exif\0\0'), latin('II*\0'), u32le(8), u16le(1), u16le(0x010f), u16le(2), u32le(16), u32le(26), u32le(0), latin('HeicCam Serial HX-77120\0')]);
  const hevc = Buffer.alloc(256, 0x42);
  const infe = (id: number, type: string): Buffer => box('infe', Buffer.from([2, 0, 0, 0]), u16be(id), u16be(0), latin(type), latin('\0'));
  const ilocFor = (mdatStart: number): Buffer =>
    fullBox('iloc', Buffer.from([0x44, 0x00]), u16be(2), u16be(1), u16be(0), u16be(1), u32be(mdatStart), u32be(hevc.length), u16be(2), u16be(0), u16be(1), u32be(mdatStart + hevc.length), u32be(exif.length));
  const build = (mdatStart: number): Buffer =>
    box('meta', Buffer.alloc(4), fullBox('hdlr', u32be(0), latin('pict'), Buffer.alloc(13)), fullBox('pitm', u16be(1)), fullBox('iinf', u16be(2), infe(1, 'hvc1'), infe(2, 'Exif')), ilocFor(mdatStart));
  const metaLen = build(0).length;
  const mdatStart = ftyp.length + metaLen + 8;
  return Buffer.concat([ftyp, build(mdatStart), box('mdat', hevc, exif)]);
}

function nested(types: readonly string[], depth: number, leaf: Buffer): Buffer {
  let inner = leaf;
  for (let i = 0; i < depth; i++) inner = box(types[i % types.length]!, inner);
  return inner;
}

/** Hostile BMFF for either brand: `prefix` is the ftyp (and anything before the attack). */
export function hostileBmff(prefix: Buffer, containers: readonly string[]): Hostile[] {
  return [
    { name: 'box-declares-4GB', bytes: Buffer.concat([prefix, u32be(0xfffffff0), latin(containers[0]!), Buffer.alloc(64)]) },
    { name: 'largesize-2^62', bytes: Buffer.concat([prefix, u32be(1), latin(containers[0]!), u32be(0x40000000), u32be(0), Buffer.alloc(64)]) },
    { name: 'size-below-header', bytes: Buffer.concat([prefix, u32be(3), latin(containers[0]!), Buffer.alloc(64)]) },
    { name: 'zero-size-inside-container', bytes: Buffer.concat([prefix, box(containers[0]!, u32be(0), latin(containers[1] ?? 'free'), Buffer.alloc(32))]) },
    { name: 'nested-20000-deep', bytes: Buffer.concat([prefix, nested(containers, 20_000, box('free', Buffer.alloc(8)))]) },
  ];
}

export function hostileHeic(): Hostile[] {
  const ftyp = box('ftyp', latin('heic'), u32be(0), latin('mif1heic'));
  const beyond = heicLike();
  const iloc = beyond.indexOf(latin('iloc'));
  // The first extent's offset (after version/flags, sizes, count, id, ref, extent count) points past the end.
  beyond.writeUInt32BE(0xfffffff0, iloc + 4 + 4 + 2 + 2 + 2 + 2 + 2);
  return [...hostileBmff(ftyp, ['meta', 'iprp', 'ipco']), { name: 'iloc-extent-beyond-eof', bytes: beyond }];
}

export function hostileMp4(base: Buffer): Hostile[] {
  const ftypLen = base.readUInt32BE(0);
  const ftyp = base.subarray(0, ftypLen);
  const stsz = fullBox('stsz', u32be(0), u32be(0x7fffffff));
  return [
    ...hostileBmff(ftyp, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'udta']),
    { name: 'stsz-2G-samples', bytes: Buffer.concat([ftyp, box('moov', box('trak', box('mdia', box('minf', box('stbl', stsz)))))]) },
  ];
}

// ------------------------------------------------------------------------------------------------------- PDF

/** A PDF with a correct cross-reference table: the objects numbered from 1, the trailer written for the table's offset. */
export function pdfFile(objects: readonly string[], trailer: (xrefAt: number) => string): Buffer {
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += trailer(xrefAt);
  return latin(out);
}

export function hostilePdf(): Hostile[] {
  const catalog = '<< /Type /Catalog /Pages 2 0 R >>';
  const pages = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
  const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>';
  const trailer = (extra: string) => (xrefAt: number): string => `trailer\n<< /Size 6 /Root 1 0 R ${extra.replace('XREF', String(xrefAt))} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return [
    { name: 'xref-prev-loop', bytes: pdfFile([catalog, pages, page, '<< /Length 0 >>\nstream\n\nendstream', '<< /Author (Loop Author) >>'], trailer('/Info 5 0 R /Prev XREF')) },
    { name: 'page-tree-cycle', bytes: pdfFile([catalog, '<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>', '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>', '<< /Length 0 >>\nstream\n\nendstream', '<< /Author (Cycle) >>'], trailer('/Info 5 0 R')) },
    { name: 'array-nested-100000', bytes: pdfFile([catalog, pages, page, '<< /Length 0 >>\nstream\n\nendstream', `<< /Author (Deep) /Keywords ${'['.repeat(100_000)}${']'.repeat(100_000)} >>`], trailer('/Info 5 0 R')) },
    { name: 'stream-length-1TB', bytes: pdfFile([catalog, pages, page, '<< /Length 999999999999 >>\nstream\nBT ET\nendstream', '<< /Author (Len) >>'], trailer('/Info 5 0 R')) },
    { name: 'info-self-reference', bytes: pdfFile([catalog, pages, page, '<< /Length 0 >>\nstream\n\nendstream', '5 0 R'], trailer('/Info 5 0 R')) },
    { name: 'objstm-extends-itself', bytes: pdfFile([catalog, pages, page, '<< /Type /ObjStm /N 1 /First 4 /Extends 4 0 R /Length 10 >>\nstream\n6 0 << >>\nendstream', '<< /Author (ObjStm) >>'], trailer('/Info 5 0 R')) },
    { name: 'startxref-beyond-eof', bytes: latin('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n999999999\n%%EOF\n') },
  ];
}

// ------------------------------------------------------------------------------------------------- ZIP family

export type RawEntry = { readonly name: string; readonly data: Buffer; readonly deflate?: boolean; readonly declaredSize?: number };

/** A zip written by hand (names and sizes are not validated, unlike yazl): the hostile cases need that. */
export function rawZip(entries: readonly RawEntry[], opts: { readonly overlapCopies?: number; readonly declaredCount?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflate ? zlib.deflateRawSync(e.data) : e.data;
    const crc = zlib.crc32(e.data);
    const usize = e.declaredSize ?? e.data.length;
    const method = e.deflate ? 8 : 0;
    const local = Buffer.concat([u32le(0x04034b50), u16le(20), u16le(0x0800), u16le(method), u16le(0), u16le(0x5821), u32le(crc), u32le(body.length), u32le(usize), u16le(name.length), u16le(0), name, body]);
    const cd = (at: number, n: Buffer): Buffer =>
      Buffer.concat([u32le(0x02014b50), u16le(20), u16le(20), u16le(0x0800), u16le(method), u16le(0), u16le(0x5821), u32le(crc), u32le(body.length), u32le(usize), u16le(n.length), u16le(0), u16le(0), u16le(0), u16le(0), u32le(0), u32le(at), n]);
    central.push(cd(offset, name));
    for (let i = 1; i <= (opts.overlapCopies ?? 0); i++) central.push(cd(offset, Buffer.from(`${e.name}.${i}`, 'utf8')));
    locals.push(local);
    offset += local.length;
  }
  const cdBytes = Buffer.concat(central);
  const count = Math.min(0xffff, opts.declaredCount ?? central.length);
  const eocd = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(count), u16le(count), u32le(cdBytes.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>';
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') + ']>';

function docx(parts: Record<string, string>, extra: readonly RawEntry[] = []): Buffer {
  const base: Record<string, string> = { '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': RELS, 'word/document.xml': `<?xml version="1.0"?><w:document ${W}><w:body><w:p><w:r><w:t>hello</w:t></w:r></w:p></w:body></w:document>`, 'docProps/core.xml': '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Docx Author</dc:creator></cp:coreProperties>' };
  return rawZip([...Object.entries({ ...base, ...parts }).map(([name, xml]) => ({ name, data: Buffer.from(xml), deflate: true })), ...extra]);
}

export function hostileDocx(): Hostile[] {
  const depth = 200_000;
  return [
    { name: 'document-xml-nested-200000', bytes: docx({ 'word/document.xml': `<?xml version="1.0"?><w:document ${W}><w:body>${'<w:p>'.repeat(depth)}${'</w:p>'.repeat(depth)}</w:body></w:document>` }) },
    { name: 'core-xml-billion-laughs', bytes: docx({ 'docProps/core.xml': `${LAUGHS}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>&lol9;</dc:creator></cp:coreProperties>` }) },
    { name: 'entry-declares-4GB', bytes: docx({}, [{ name: 'word/media/image1.png', data: Buffer.alloc(1024), deflate: true, declaredSize: 0xfffffff0 }]) },
    { name: 'zip-slip-entry', bytes: docx({}, [{ name: '../../../../tmp/huella-zip-slip.xml', data: Buffer.from('<x/>') }]) },
    { name: 'unclosed-xml', bytes: docx({ 'word/document.xml': `<?xml version="1.0"?><w:document ${W}><w:body><w:p><w:r><w:t>open` }) },
  ];
}

export function hostileOdt(): Hostile[] {
  const mimetype = { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text') };
  const manifest = { name: 'META-INF/manifest.xml', data: Buffer.from('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>'), deflate: true };
  const office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"';
  const depth = 200_000;
  const odt = (content: string, meta: string): Buffer => rawZip([mimetype, manifest, { name: 'content.xml', data: Buffer.from(content), deflate: true }, { name: 'meta.xml', data: Buffer.from(meta), deflate: true }]);
  const plainMeta = `<?xml version="1.0"?><office:document-meta ${office}><office:meta><dc:creator>Odt Author</dc:creator></office:meta></office:document-meta>`;
  return [
    { name: 'content-nested-200000', bytes: odt(`<?xml version="1.0"?><office:document-content ${office}><office:body><office:text>${'<text:span>'.repeat(depth)}${'</text:span>'.repeat(depth)}</office:text></office:body></office:document-content>`, plainMeta) },
    { name: 'meta-billion-laughs', bytes: odt(`<?xml version="1.0"?><office:document-content ${office}><office:body><office:text/></office:body></office:document-content>`, `${LAUGHS}<office:document-meta ${office}><office:meta><dc:creator>&lol9;</dc:creator></office:meta></office:document-meta>`) },
  ];
}

export function hostileZip(quick: boolean): Hostile[] {
  const bombBytes = (quick ? 16 : 256) * 1024 * 1024;
  const zeros = Buffer.alloc(bombBytes);
  const bomb: RawEntry = { name: 'zeros.bin', data: zeros, deflate: true };
  const nestedZip = (depth: number): Buffer => {
    let inner = rawZip([{ name: 'core.txt', data: Buffer.from('innermost'), deflate: true }]);
    for (let i = 0; i < depth; i++) inner = rawZip([{ name: `level-${depth - i}.zip`, data: inner }]);
    return inner;
  };
  return [
    { name: `bomb-ratio-${bombBytes / 1024 / 1024}MB`, bytes: rawZip([bomb]) },
    { name: 'bomb-1000-overlapping-entries', bytes: rawZip([bomb], { overlapCopies: 1000 }) },
    { name: 'entries-12000', bytes: rawZip(Array.from({ length: 12_000 }, (_, i) => ({ name: `f/${i}.txt`, data: Buffer.from(String(i)) }))) },
    { name: 'zip-slip-names', bytes: rawZip(['../../../etc/cron.d/huella', '/etc/passwd', 'C:\\Windows\\evil.dll', 'a/../../b.txt', 'ok.txt'].map((name) => ({ name, data: Buffer.from('slip') }))) },
    { name: 'nested-zip-20-deep', bytes: nestedZip(20) },
    { name: 'eocd-claims-65535-entries', bytes: rawZip([{ name: 'one.txt', data: Buffer.from('one') }], { declaredCount: 0xffff }) },
    { name: 'eocd-only', bytes: Buffer.concat([u32le(0x06054b50), Buffer.alloc(18)]) },
  ];
}
