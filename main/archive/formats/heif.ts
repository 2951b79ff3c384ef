/**
 * HEIF / HEIC / AVIF, lossless by structure (DESIGN §6): the file is rewritten as ftyp + meta + one mdat, where
 *  - every item that is not an image (Exif: GPS, make, model, serial, dates, maker notes; `mime` items: XMP and
 *    anything else; `uri ` items) is removed together with its iinf entry, its iloc entry, the iref references
 *    from or to it, and its ipma associations; its bytes are not copied;
 *  - every image item (the primary image, grid tiles, thumbnails, alpha/depth/gain-map auxiliary images) keeps its
 *    coded data byte-identical; only the iloc offsets change, to where the data now sits in the new mdat;
 *  - item names are emptied (tools write file names there), the meta handler's name is emptied;
 *  - properties: codec configuration, size, pixel layout, rotation/mirror (the orientation a HEIF viewer applies),
 *    crop, aux type, HDR and standard colour information are kept; `udes` (user description: name, description,
 *    tags) is removed; an ICC profile follows the policy of icc.ts; any other property is removed unless an image
 *    marks it essential, which makes the file refused (we would not know what it carries);
 *  - top-level uuid boxes (XMP, Content Credentials), free space and unknown boxes, and meta's xml/bxml boxes go.
 * Image sequences (a `moov` box) and protected or externally stored items are refused.
 */
import { stripFailed, stripUnsupported } from './errors';
import type { StripHandler } from './handler';
import { HeifFormatError, HeifUnsupportedError, parseHeif, printable4cc, XMP_CONTENT_TYPE, type Box, type HeifFile, type Item, type Location } from './heif-structure';
import { assessIccProfile } from './icc';
import { readAllLimited, withFileSink } from './output';
import { RecordBuilder } from './strip-record';

const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Item types whose data is a coded image or is derived from images (kept, data byte-identical). */
const IMAGE_ITEMS = new Set(['hvc1', 'hvt1', 'lhv1', 'av01', 'avc1', 'vvc1', 'jpeg', 'j2k1', 'unci', 'grid', 'iovl', 'iden', 'tmap', 'mski']);

/** Properties that describe how to decode or display the pixels (no metadata about the capture). */
const KEEP_PROPERTIES = new Set([
  'hvcC', 'av1C', 'avcC', 'vvcC', 'jpgC', 'j2kH', 'uncC', 'cmpd', 'cmpC', 'icef', 'ispe', 'pixi', 'irot', 'imir', 'clap', 'auxC', 'rloc',
  'lsel', 'pasp', 'clli', 'mdcv', 'cclv', 'amve', 'a1op', 'a1lx', 'lhvC', 'oinf', 'tols', 'reve',
]);

type Segment = { readonly srcStart: number; readonly srcEnd: number; newStart: number };

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};
const uN = (v: number, size: 4 | 8): Buffer => {
  if (size === 4) return u32(v);
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
};

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...parts);
}

function describeRemoved(item: Item): string {
  if (item.type === 'Exif') return 'Exif item (GPS, make, model, serial, dates, maker notes)';
  if (item.type === 'mime') return item.contentType === XMP_CONTENT_TYPE ? 'XMP item' : `mime item (${(item.contentType ?? '').slice(0, 60) || 'no type'})`;
  if (item.type === 'uri ') return 'URI item';
  return `item of type '${printable4cc(item.type)}'`;
}

/** Merges overlapping byte ranges of kept items into segments copied once, in file order. */
function segmentsOf(ranges: Array<[number, number]>): Segment[] {
  const sorted = [...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a < last.srcEnd) {
      if (b > last.srcEnd) {
        at += b - last.srcEnd;
        out[out.length - 1] = { srcStart: last.srcStart, srcEnd: b, newStart: last.newStart };
      }
    } else {
      out.push({ srcStart: a, srcEnd: b, newStart: at });
      at += b - a;
    }
  }
  return out;
}

function newOffsetOf(segments: readonly Segment[], offset: number): number {
  const s = segments.find((g) => offset >= g.srcStart && offset < g.srcEnd) ?? segments.find((g) => offset === g.srcEnd);
  if (!s) throw new HeifFormatError('an item extent was not copied');
  return s.newStart + (offset - s.srcStart);
}

type Plan = {
  readonly kept: readonly Item[];
  readonly removedIds: ReadonlySet<number>;
  readonly fileSegments: readonly Segment[];
  readonly idatSegments: readonly Segment[];
  readonly resolved: ReadonlyMap<number, Location>;
};

function resolveLengths(loc: Location, sourceLength: number): Location {
  if (loc.extents.length === 1 && loc.extents[0]!.length === 0) {
    const e = loc.extents[0]!;
    return { ...loc, extents: [{ offset: e.offset, length: Math.max(0, sourceLength - e.offset) }] };
  }
  return loc;
}

function planItems(f: HeifFile, fileLength: number, rec: RecordBuilder): Plan {
  const { meta } = f;
  const removedIds = new Set<number>();
  const kept: Item[] = [];
  for (const item of meta.items) {
    if (item.protectionIndex !== 0) throw new HeifUnsupportedError('an item is encrypted (protected)');
    if (IMAGE_ITEMS.has(item.type)) kept.push(item);
    else {
      removedIds.add(item.id);
      rec.removed(describeRemoved(item));
    }
  }
  if (meta.primary !== undefined && removedIds.has(meta.primary)) throw new HeifUnsupportedError('its primary item is not an image');
  if (meta.primary !== undefined && !kept.some((i) => i.id === meta.primary)) throw new HeifFormatError('its primary item does not exist');
  if (kept.length === 0) throw new HeifFormatError('it contains no image item');
  for (const r of meta.references) {
    if (removedIds.has(r.from)) continue;
    if (r.type !== 'cdsc' && r.to.some((t) => removedIds.has(t))) throw new HeifUnsupportedError(`an image refers to a non-image item ('${printable4cc(r.type)}' reference)`);
  }
  const resolved = new Map<number, Location>();
  const fileRanges: Array<[number, number]> = [];
  const idatRanges: Array<[number, number]> = [];
  const removedRanges: Array<[number, number, number]> = [];
  for (const [id, raw] of meta.locations) {
    const method = raw.method;
    if (method === 2) throw new HeifUnsupportedError('an item is built from other items by reference (iloc construction method 2)');
    if (method > 2) throw new HeifFormatError('an unknown iloc construction method');
    if (raw.dataRef !== 0) throw new HeifUnsupportedError('an item lives in another file (external data reference)');
    const srcLen = method === 0 ? fileLength : (meta.idat?.length ?? 0);
    if (method === 1 && meta.idat === undefined && raw.extents.length > 0) throw new HeifFormatError('an item points into a missing idat box');
    const loc = resolveLengths(raw, srcLen);
    for (const e of loc.extents) if (e.offset + e.length > srcLen) throw new HeifFormatError('an item points outside the file');
    if (removedIds.has(id)) {
      for (const e of loc.extents) removedRanges.push([e.offset, e.offset + e.length, method]);
      continue;
    }
    if (!kept.some((i) => i.id === id)) continue; // a location without an item: nothing refers to it, not copied
    resolved.set(id, loc);
    for (const e of loc.extents) (method === 0 ? fileRanges : idatRanges).push([e.offset, e.offset + e.length]);
  }
  for (const item of kept) if (!resolved.has(item.id) && item.type !== 'grid' && item.type !== 'iovl' && item.type !== 'iden') {
    if (!meta.locations.has(item.id)) throw new HeifFormatError('an image item has no location');
  }
  const fileSegments = segmentsOf(fileRanges);
  const idatSegments = segmentsOf(idatRanges);
  for (const [a, b, method] of removedRanges) {
    const segs = method === 0 ? fileSegments : idatSegments;
    if (segs.some((s) => a < s.srcEnd && b > s.srcStart)) throw new HeifUnsupportedError('a metadata item shares its bytes with image data');
  }
  return { kept, removedIds, fileSegments, idatSegments, resolved };
}

function infeBox(item: Item): Buffer {
  const id = item.infeVersion === 2 ? u16(item.id) : u32(item.id);
  return fullBox('infe', item.infeVersion, item.hidden ? 1 : 0, id, u16(item.protectionIndex), Buffer.from(item.type, 'latin1'), Buffer.from([0]), item.afterName);
}

function ilocBox(plan: Plan, mdatDataStart: number, offsetSize: 4 | 8): Buffer {
  const entries = [...plan.resolved.values()].sort((a, b) => a.id - b.id);
  const version = entries.some((e) => e.id > 0xffff) ? 2 : 1;
  const parts: Buffer[] = [u16((offsetSize << 12) | (offsetSize << 8)), version === 2 ? u32(entries.length) : u16(entries.length)];
  for (const loc of entries) {
    parts.push(version === 2 ? u32(loc.id) : u16(loc.id), u16(loc.method), u16(0), u16(loc.extents.length));
    for (const e of loc.extents) {
      const off = loc.method === 0 ? mdatDataStart + newOffsetOf(plan.fileSegments, e.offset) : newOffsetOf(plan.idatSegments, e.offset);
      parts.push(uN(off, offsetSize), uN(e.length, offsetSize));
    }
  }
  return fullBox('iloc', version, 0, ...parts);
}

function irefBox(f: HeifFile, plan: Plan): Buffer | undefined {
  const refs = f.meta.references
    .filter((r) => !plan.removedIds.has(r.from))
    .map((r) => ({ ...r, to: r.to.filter((t) => !plan.removedIds.has(t)) }))
    .filter((r) => r.to.length > 0);
  if (refs.length === 0) return undefined;
  const wide = refs.some((r) => r.from > 0xffff || r.to.some((t) => t > 0xffff));
  const id = (v: number): Buffer => (wide ? u32(v) : u16(v));
  return fullBox('iref', wide ? 1 : 0, 0, ...refs.map((r) => box(r.type, id(r.from), u16(r.to.length), ...r.to.map(id))));
}

/** Decides per property whether it stays; returns the new ipco and the old→new index map (0 = dropped). */
function planProperties(f: HeifFile, plan: Plan, rec: RecordBuilder): { ipco: Buffer; map: number[] } {
  const keptIds = new Set(plan.kept.map((i) => i.id));
  const essential = new Set<number>();
  for (const l of f.meta.links) if (keptIds.has(l.id)) for (const a of l.associations) if (a.essential) essential.add(a.index);
  const map: number[] = [0];
  const out: Buffer[] = [];
  f.meta.properties.forEach((p, i) => {
    const index = i + 1;
    let keep = KEEP_PROPERTIES.has(p.type);
    if (p.type === 'colr') {
      const kind = p.body.toString('latin1', 0, 4);
      if (kind === 'prof' || kind === 'rICC') {
        const verdict = assessIccProfile(p.body.subarray(4));
        keep = verdict.standard;
        if (keep) rec.kept('colour profile (standard colour space)');
        else {
          rec.removed('colour profile (device-specific)');
          rec.note('a non-standard colour profile was dropped, colours may shift slightly');
        }
      } else keep = true;
    } else if (!keep) {
      if (essential.has(index)) throw new HeifUnsupportedError(`an image marks an unknown property ('${printable4cc(p.type)}') as essential`);
      rec.removed(p.type === 'udes' ? 'udes property (user description: name, description, tags)' : `property '${printable4cc(p.type)}'`);
    }
    if (keep) {
      out.push(box(p.type, p.body));
      map.push(out.length);
    } else map.push(0);
  });
  return { ipco: box('ipco', ...out), map };
}

function ipmaBox(f: HeifFile, plan: Plan, map: readonly number[]): Buffer | undefined {
  const links = f.meta.links
    .filter((l) => !plan.removedIds.has(l.id) && plan.kept.some((i) => i.id === l.id))
    .map((l) => ({ id: l.id, associations: l.associations.filter((a) => a.index === 0 || (map[a.index] ?? 0) > 0).map((a) => ({ essential: a.essential, index: a.index === 0 ? 0 : (map[a.index] as number) })) }));
  if (links.length === 0) return undefined;
  const version = links.some((l) => l.id > 0xffff) ? 1 : 0;
  const wide = links.some((l) => l.associations.some((a) => a.index > 0x7f));
  const parts: Buffer[] = [u32(links.length)];
  for (const l of links) {
    if (l.associations.length > 255) throw new HeifFormatError('an item has too many properties');
    parts.push(version === 1 ? u32(l.id) : u16(l.id), Buffer.from([l.associations.length]));
    for (const a of l.associations) parts.push(wide ? u16((a.essential ? 0x8000 : 0) | a.index) : Buffer.from([(a.essential ? 0x80 : 0) | a.index]));
  }
  return fullBox('ipma', version, wide ? 1 : 0, ...parts);
}

function checkDinf(dinf: Box): void {
  const text = dinf.body;
  // dref entries: a self-contained 'url ' has flag 1 and no location string.
  const drefAt = text.indexOf(Buffer.from('dref', 'latin1'));
  if (drefAt < 4) return;
  const count = text.length >= drefAt + 12 ? text.readUInt32BE(drefAt + 8) : 0;
  let off = drefAt + 12;
  for (let i = 0; i < count && off + 12 <= text.length; i++) {
    const size = text.readUInt32BE(off);
    const flags = text.readUInt32BE(off + 8) & 0xffffff;
    if ((flags & 1) === 0) throw new HeifUnsupportedError('its image data lives in another file (external data reference)');
    if (size < 12) break;
    off += size;
  }
}

function groupsBox(grpl: Box, plan: Plan): Buffer | undefined {
  // Entity groups (alternatives, bursts, stereo pairs) list item ids; a group naming a removed item is refused
  // rather than edited, since group types may carry per-entity data after the id list.
  const text = grpl.body;
  let off = 0;
  while (off + 20 <= text.length) {
    const size = text.readUInt32BE(off);
    if (size < 20 || off + size > text.length) throw new HeifFormatError('a damaged entity group');
    const n = text.readUInt32BE(off + 16);
    for (let k = 0; k < n && off + 20 + 4 * k + 4 <= off + size; k++) {
      if (plan.removedIds.has(text.readUInt32BE(off + 20 + 4 * k))) throw new HeifUnsupportedError('a metadata item belongs to an entity group');
    }
    off += size;
  }
  return box('grpl', grpl.body);
}

/** What rebuilding the meta box needs: the file, the plan, the record, and where the new mdat's data begins. */
type MetaInputs = { readonly f: HeifFile; readonly plan: Plan; readonly rec: RecordBuilder; readonly mdatDataStart: number; readonly offsetSize: 4 | 8; readonly idat: Buffer | undefined };

function buildMeta(f: HeifFile, plan: Plan, rec: RecordBuilder, mdatDataStart: number, offsetSize: 4 | 8, idat: Buffer | undefined): Buffer {
  const m: MetaInputs = { f, plan, rec, mdatDataStart, offsetSize, idat };
  const parts: Buffer[] = [];
  for (const child of f.meta.children) {
    const b = rebuildMetaChild(m, child);
    if (b) parts.push(b);
  }
  if (f.meta.children.some((c) => c.type === 'iinf') && plan.kept.some((i) => i.name.length > 0)) rec.removed('item names');
  return box('meta', f.metaBox.body.subarray(0, 4), ...parts);
}

/** One child of meta, rebuilt for the kept items; undefined when it goes (the record says so when it held metadata). */
function rebuildMetaChild(m: MetaInputs, child: Box): Buffer | undefined {
  switch (child.type) {
    case 'hdlr':
      return handlerBox(child, m.rec);
    case 'pitm':
      return box('pitm', child.body);
    case 'iinf':
      return iinfBox(m.plan.kept);
    case 'iloc':
      return ilocBox(m.plan, m.mdatDataStart, m.offsetSize);
    case 'iref':
      return irefBox(m.f, m.plan);
    case 'iprp':
      return iprpBox(m.f, m.plan, m.rec);
    case 'idat':
      return m.idat && m.idat.length > 0 ? box('idat', m.idat) : undefined;
    case 'dinf':
      checkDinf(child);
      return box('dinf', child.body);
    case 'grpl':
      return groupsBox(child, m.plan);
    case 'ipro':
      throw new HeifUnsupportedError('it has protected (encrypted) items');
    case 'xml ':
    case 'bxml':
      m.rec.removed('XML metadata box in meta');
      return undefined;
    default:
      m.rec.removed(`meta box '${printable4cc(child.type)}'`);
      return undefined;
  }
}

/** The meta handler keeps its type and loses its name. */
function handlerBox(hdlr: Box, rec: RecordBuilder): Buffer {
  if (hdlr.body.length < 24) throw new HeifFormatError('the meta handler box is too short');
  if (hdlr.body.subarray(24).some((x) => x !== 0)) rec.removed('handler name');
  return box('hdlr', hdlr.body.subarray(0, 24), Buffer.from([0]));
}

function iinfBox(items: readonly Item[]): Buffer {
  const large = items.length > 0xffff;
  return fullBox('iinf', large ? 1 : 0, 0, large ? u32(items.length) : u16(items.length), ...items.map(infeBox));
}

/** Item properties: the kept ones (ipco) and the kept items' associations to them (ipma, when any is left). */
function iprpBox(f: HeifFile, plan: Plan, rec: RecordBuilder): Buffer {
  const { ipco, map } = planProperties(f, plan, rec);
  const ipma = ipmaBox(f, plan, map);
  return box('iprp', ipco, ...(ipma ? [ipma] : []));
}

function describeTop(b: Box, file: Buffer): string {
  if (b.type === 'uuid') {
    const id = file.toString('hex', b.start + b.headerSize - 16, b.start + b.headerSize);
    if (id === 'be7acfcb97a942e89c71999491e3afac') return 'uuid box (XMP)';
    if (id === 'd8fec3d61b0e483c92975828877ec481') return 'uuid box (Content Credentials / C2PA manifest)';
    return 'uuid box (vendor data)';
  }
  if (b.type === 'free' || b.type === 'skip') return 'free-space boxes';
  return `top-level box '${printable4cc(b.type)}'`;
}

function concatSegments(src: Buffer, segments: readonly Segment[]): Buffer[] {
  return segments.map((s) => src.subarray(s.srcStart, s.srcEnd));
}

export function stripHeif(label: string, format: string): StripHandler {
  return async (source, tmpPath) => {
    const input = await readAllLimited(source, MAX_INPUT_BYTES, () => stripUnsupported(label, 'it is larger than 512 MiB'));
    const rec = new RecordBuilder(format, 'lossless-structure');
    let out: Buffer[];
    try {
      const f = parseHeif(input);
      if (f.top.some((b) => b.type === 'moov' || b.type === 'moof')) throw new HeifUnsupportedError('it is an image sequence (burst or animation), whose tracks we do not rewrite');
      for (const b of f.top) if (b.type !== 'ftyp' && b.type !== 'meta' && b.type !== 'mdat') rec.removed(describeTop(b, input));
      const plan = planItems(f, input.length, rec);
      const idat = f.meta.idat ? Buffer.concat(concatSegments(f.meta.idat, plan.idatSegments)) : undefined;
      const mdatParts = concatSegments(input, plan.fileSegments);
      const mdatLen = mdatParts.reduce((a, b) => a + b.length, 0);
      const large = mdatLen + 8 > 0xffffffff;
      const offsetSize: 4 | 8 = input.length + 1024 * 1024 < 0xffffffff ? 4 : 8;
      const ftyp = input.subarray(f.top[0]!.start, f.top[0]!.start + f.top[0]!.size);
      const probeRec = new RecordBuilder(format, 'lossless-structure');
      const metaSize = buildMeta(f, plan, probeRec, 0, offsetSize, idat).length;
      const mdatHeader = large ? Buffer.concat([u32(1), Buffer.from('mdat', 'latin1'), uN(mdatLen + 16, 8)]) : Buffer.concat([u32(mdatLen + 8), Buffer.from('mdat', 'latin1')]);
      const mdatDataStart = ftyp.length + metaSize + mdatHeader.length;
      const meta = buildMeta(f, plan, rec, mdatDataStart, offsetSize, idat);
      if (meta.length !== metaSize) throw new HeifFormatError('the rebuilt meta box changed size');
      out = [ftyp, meta, mdatHeader, ...mdatParts];
      if (plan.kept.some((i) => f.meta.references.some((r) => r.type === 'thmb' && r.from === i.id))) rec.kept('thumbnail images (smaller codings of the same picture)');
      rec.kept('coded image data (byte-identical)');
      rec.note('non-image items removed with their iinf/iloc/iref/ipma entries; item offsets rewritten; coded image data byte-identical; orientation kept as irot/imir properties');
    } catch (e) {
      if (e instanceof HeifUnsupportedError) throw stripUnsupported(label, e.reason);
      if (e instanceof HeifFormatError) throw stripFailed(label, e.reason, e);
      throw e;
    }
    await withFileSink(tmpPath, async (sink) => {
      for (const b of out) await sink.write(b);
    });
    return { record: rec.build(), bytesIn: input.length };
  };
}
