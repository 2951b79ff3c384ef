/**
 * HEIF / HEIC / AVIF structure (ISO/IEC 23008-12, on ISO-BMFF 14496-12): the top-level boxes and the `meta` box's
 * item tables — iinf/infe (what each item is), iloc (where its bytes are), iref (how items refer to each other),
 * iprp/ipco/ipma (properties and which item has which), pitm (the primary image), idat (data inside meta).
 *
 * Used by the HEIF stripper (heif.ts) and to find the Exif and XMP items at import. Parsing is strict: a size that
 * overruns its parent, an unknown table version or an item that points outside the file is a HeifFormatError,
 * never a guess. Holds the whole file in memory (HEIF photos are a few MB; the caller bounds the size).
 */

export class HeifFormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'HeifFormatError';
  }
}

export class HeifUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'HeifUnsupportedError';
  }
}

const bad = (reason: string): never => {
  throw new HeifFormatError(reason);
};

export type Box = { readonly type: string; readonly start: number; readonly headerSize: number; readonly size: number; readonly body: Buffer };

/** Boxes laid end to end in `b` (whose first byte is at absolute offset `absBase`). */
export function readBoxes(b: Buffer, absBase = 0, toEnd = false): Box[] {
  const out: Box[] = [];
  let off = 0;
  while (off < b.length) {
    if (off + 8 > b.length) bad('a box header overruns its parent');
    let size = b.readUInt32BE(off);
    const type = b.toString('latin1', off + 4, off + 8);
    let headerSize = 8;
    if (size === 1) {
      if (off + 16 > b.length) bad('a box header overruns its parent');
      const big = b.readBigUInt64BE(off + 8);
      if (big > BigInt(b.length - off)) bad('a box size overflows its parent');
      size = Number(big);
      headerSize = 16;
    } else if (size === 0) {
      if (!toEnd) bad('an open-ended box inside another box');
      size = b.length - off;
    }
    if (type === 'uuid') headerSize += 16;
    if (size < headerSize || off + size > b.length) bad('a box size overflows its parent');
    out.push({ type, start: absBase + off, headerSize, size, body: b.subarray(off + headerSize, off + size) });
    off += size;
  }
  return out;
}

export function printable4cc(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : '????';
}

/** Reader over a box body with bounds checks. */
class Cursor {
  off = 0;
  constructor(readonly b: Buffer) {}
  need(n: number): void {
    if (this.off + n > this.b.length) bad('a table is shorter than its entries');
  }
  u8(): number {
    this.need(1);
    return this.b[this.off++] as number;
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.off);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  uint(bytes: number): number {
    switch (bytes) {
      case 0:
        return 0;
      case 4:
        return this.u32();
      case 8: {
        this.need(8);
        const v = this.b.readBigUInt64BE(this.off);
        this.off += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad('an offset or length is too large');
        return Number(v);
      }
      default:
        return bad('an unsupported field width in iloc');
    }
  }
  cstring(): string {
    const end = this.b.indexOf(0, this.off);
    const stop = end < 0 ? this.b.length : end;
    const s = this.b.toString('utf8', this.off, stop);
    this.off = end < 0 ? stop : stop + 1;
    return s;
  }
  fourcc(): string {
    this.need(4);
    const s = this.b.toString('latin1', this.off, this.off + 4);
    this.off += 4;
    return s;
  }
  rest(): Buffer {
    const r = this.b.subarray(this.off);
    this.off = this.b.length;
    return r;
  }
}

export type Item = {
  readonly id: number;
  readonly type: string;
  readonly name: string;
  readonly hidden: boolean;
  readonly contentType?: string;
  readonly uriType?: string;
  readonly infeVersion: number;
  /** The infe box's bytes after its name, kept for rewriting (content type, encoding, uri type…). */
  readonly afterName: Buffer;
  readonly protectionIndex: number;
};

export type Extent = { readonly offset: number; readonly length: number };
export type Location = { readonly id: number; readonly method: number; readonly dataRef: number; readonly extents: readonly Extent[] };
export type Reference = { readonly type: string; readonly from: number; readonly to: readonly number[] };
export type Association = { readonly essential: boolean; readonly index: number };
export type PropertyLink = { readonly id: number; readonly associations: readonly Association[] };

export type HeifMeta = {
  readonly items: readonly Item[];
  readonly locations: ReadonlyMap<number, Location>;
  readonly references: readonly Reference[];
  readonly irefVersion: number;
  /** ipco children in order (property index i is properties[i - 1]). */
  readonly properties: readonly Box[];
  readonly links: readonly PropertyLink[];
  readonly ipmaVersion: number;
  readonly ipmaFlags: number;
  readonly primary: number | undefined;
  readonly idat: Buffer | undefined;
  /** Every child box of meta, in order. */
  readonly children: readonly Box[];
};

export type HeifFile = { readonly top: readonly Box[]; readonly meta: HeifMeta; readonly metaBox: Box; readonly brands: readonly string[] };

function fullHeader(c: Cursor): { version: number; flags: number } {
  const v = c.u32();
  return { version: v >>> 24, flags: v & 0xffffff };
}

function parseIinf(body: Buffer): Item[] {
  const c = new Cursor(body);
  const { version } = fullHeader(c);
  const count = version === 0 ? c.u16() : c.u32();
  const boxes = readBoxes(c.rest());
  if (boxes.length !== count) bad('iinf counts a different number of entries than it holds');
  return boxes.map((bx) => {
    if (bx.type !== 'infe') bad('iinf holds a box that is not infe');
    const e = new Cursor(bx.body);
    const h = fullHeader(e);
    if (h.version < 2) throw new HeifUnsupportedError('it uses the old item-information format (infe version 0/1)');
    if (h.version > 3) bad('an unknown infe version');
    const id = h.version === 2 ? e.u16() : e.u32();
    const protectionIndex = e.u16();
    const type = e.fourcc();
    const name = e.cstring();
    const afterName = Buffer.from(e.b.subarray(e.off));
    let contentType: string | undefined;
    let uriType: string | undefined;
    if (type === 'mime') contentType = e.cstring();
    else if (type === 'uri ') uriType = e.cstring();
    return { id, type, name, hidden: (h.flags & 1) !== 0, infeVersion: h.version, afterName, protectionIndex, ...(contentType !== undefined ? { contentType } : {}), ...(uriType !== undefined ? { uriType } : {}) };
  });
}

function parseIloc(body: Buffer): Map<number, Location> {
  const c = new Cursor(body);
  const { version } = fullHeader(c);
  if (version > 2) bad('an unknown iloc version');
  const sizes = c.u16();
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseSize = (sizes >> 4) & 0xf;
  const indexSize = version >= 1 ? sizes & 0xf : 0;
  for (const s of [offsetSize, lengthSize, baseSize]) if (s !== 0 && s !== 4 && s !== 8) bad('an unsupported field width in iloc');
  if (indexSize !== 0 && indexSize !== 4 && indexSize !== 8) bad('an unsupported field width in iloc');
  const count = version < 2 ? c.u16() : c.u32();
  const out = new Map<number, Location>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? c.u16() : c.u32();
    const method = version >= 1 ? c.u16() & 0xf : 0;
    const dataRef = c.u16();
    const base = c.uint(baseSize);
    const n = c.u16();
    const extents: Extent[] = [];
    for (let k = 0; k < n; k++) {
      if (indexSize > 0) c.uint(indexSize);
      const offset = base + c.uint(offsetSize);
      const length = c.uint(lengthSize);
      extents.push({ offset, length });
    }
    if (out.has(id)) bad('iloc lists an item twice');
    out.set(id, { id, method, dataRef, extents });
  }
  return out;
}

function parseIref(body: Buffer): { version: number; refs: Reference[] } {
  const c = new Cursor(body);
  const { version } = fullHeader(c);
  if (version > 1) bad('an unknown iref version');
  const refs: Reference[] = [];
  for (const bx of readBoxes(c.rest())) {
    const r = new Cursor(bx.body);
    const from = version === 0 ? r.u16() : r.u32();
    const n = r.u16();
    const to: number[] = [];
    for (let i = 0; i < n; i++) to.push(version === 0 ? r.u16() : r.u32());
    refs.push({ type: bx.type, from, to });
  }
  return { version, refs };
}

function parseIpma(body: Buffer): { version: number; flags: number; links: PropertyLink[] } {
  const c = new Cursor(body);
  const { version, flags } = fullHeader(c);
  if (version > 1) bad('an unknown ipma version');
  const n = c.u32();
  const links: PropertyLink[] = [];
  for (let i = 0; i < n; i++) {
    const id = version < 1 ? c.u16() : c.u32();
    const k = c.u8();
    const associations: Association[] = [];
    for (let j = 0; j < k; j++) {
      if (flags & 1) {
        const v = c.u16();
        associations.push({ essential: (v & 0x8000) !== 0, index: v & 0x7fff });
      } else {
        const v = c.u8();
        associations.push({ essential: (v & 0x80) !== 0, index: v & 0x7f });
      }
    }
    links.push({ id, associations });
  }
  return { version, flags, links };
}

export function parseMeta(metaBox: Box): HeifMeta {
  if (metaBox.body.length < 4) bad('the meta box is empty');
  const children = readBoxes(metaBox.body.subarray(4), metaBox.start + metaBox.headerSize + 4);
  const one = (type: string): Box | undefined => {
    const all = children.filter((b) => b.type === type);
    if (all.length > 1) bad(`meta holds more than one ${type} box`);
    return all[0];
  };
  const hdlr = one('hdlr');
  if (!hdlr || hdlr.body.length < 12) bad('the meta box has no handler');
  const handler = hdlr!.body.toString('latin1', 8, 12);
  if (handler !== 'pict') throw new HeifUnsupportedError(`its meta box is of type '${printable4cc(handler)}', not an image`);
  const iinf = one('iinf');
  const iloc = one('iloc');
  if (!iinf || !iloc) bad('the meta box lacks its item tables');
  const items = parseIinf(iinf!.body);
  if (new Set(items.map((i) => i.id)).size !== items.length) bad('iinf lists an item twice');
  const locations = parseIloc(iloc!.body);
  const iref = one('iref');
  const { version: irefVersion, refs } = iref ? parseIref(iref.body) : { version: 0, refs: [] };
  const iprp = one('iprp');
  let properties: Box[] = [];
  let links: PropertyLink[] = [];
  let ipmaVersion = 0;
  let ipmaFlags = 0;
  if (iprp) {
    const kids = readBoxes(iprp.body, iprp.start + iprp.headerSize);
    const ipco = kids.filter((k) => k.type === 'ipco');
    const ipma = kids.filter((k) => k.type === 'ipma');
    if (ipco.length !== 1) bad('iprp has no single ipco box');
    if (ipma.length > 1) throw new HeifUnsupportedError('it has several property association tables');
    if (kids.some((k) => k.type !== 'ipco' && k.type !== 'ipma')) bad('iprp holds an unknown box');
    properties = readBoxes(ipco[0]!.body, ipco[0]!.start + ipco[0]!.headerSize);
    if (ipma[0]) ({ version: ipmaVersion, flags: ipmaFlags, links } = parseIpma(ipma[0].body));
    for (const l of links) for (const a of l.associations) if (a.index > properties.length) bad('ipma refers to a property that does not exist');
  }
  const pitm = one('pitm');
  let primary: number | undefined;
  if (pitm) {
    const c = new Cursor(pitm.body);
    const { version } = fullHeader(c);
    primary = version === 0 ? c.u16() : c.u32();
  }
  const idat = one('idat')?.body;
  return { items, locations, references: refs, irefVersion, properties, links, ipmaVersion, ipmaFlags, primary, idat, children };
}

/** Top-level boxes and the parsed meta box of a HEIF file held in memory. */
export function parseHeif(file: Buffer): HeifFile {
  const top = readBoxes(file, 0, true);
  if (top[0]?.type !== 'ftyp') bad('it does not begin with an ftyp box');
  const ftyp = top[0]!.body;
  const brands: string[] = [];
  if (ftyp.length >= 8) {
    brands.push(ftyp.toString('latin1', 0, 4));
    for (let i = 8; i + 4 <= ftyp.length; i += 4) brands.push(ftyp.toString('latin1', i, i + 4));
  }
  const metas = top.filter((b) => b.type === 'meta');
  if (metas.length !== 1) bad(metas.length === 0 ? 'it has no meta box' : 'it has more than one top-level meta box');
  return { top, meta: parseMeta(metas[0]!), metaBox: metas[0]!, brands };
}

/** The bytes of one item (from the file or from idat), concatenated from its extents. */
export function itemBytes(file: Buffer, meta: HeifMeta, id: number, limit = 64 * 1024 * 1024): Buffer {
  const loc = meta.locations.get(id);
  if (!loc) bad('an item has no location');
  if (loc!.dataRef !== 0) throw new HeifUnsupportedError('an item lives in another file');
  const src = loc!.method === 0 ? file : loc!.method === 1 ? (meta.idat ?? bad('an item points into a missing idat box')) : undefined;
  if (!src) throw new HeifUnsupportedError('an item is built from other items (construction method 2)');
  const parts: Buffer[] = [];
  let total = 0;
  for (const e of loc!.extents) {
    const len = e.length === 0 && loc!.extents.length === 1 ? src.length - e.offset : e.length;
    if (e.offset + len > src.length || len < 0) bad('an item points outside the file');
    total += len;
    if (total > limit) bad('an item is implausibly large');
    parts.push(src.subarray(e.offset, e.offset + len));
  }
  return Buffer.concat(parts, total);
}

/** The TIFF bytes of an Exif item (its payload starts with the offset of the TIFF header, ISO 23008-12 A.2.1). */
export function exifTiff(payload: Buffer): Buffer | undefined {
  if (payload.length < 12) return undefined;
  const skip = payload.readUInt32BE(0);
  const at = 4 + skip;
  if (at + 8 > payload.length) return undefined;
  const head = payload.toString('latin1', at, at + 4);
  return head === 'II*\0' || head === 'MM\0*' ? payload.subarray(at) : undefined;
}

export const XMP_CONTENT_TYPE = 'application/rdf+xml';
