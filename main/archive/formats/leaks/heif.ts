/**
 * HEIF / HEIC / AVIF re-read, written apart from the stripper: walks the top-level boxes and the meta box and
 * reports every item that is not a coded or derived image (Exif, XMP and other mime items, URIs), named items,
 * a named handler, uuid/xml boxes, user-description properties and anything after the boxes.
 */
import type { Findings } from './findings';

const IMAGE_ITEMS = new Set(['hvc1', 'hvt1', 'lhv1', 'av01', 'avc1', 'vvc1', 'jpeg', 'j2k1', 'unci', 'grid', 'iovl', 'iden', 'tmap', 'mski']);

type Child = { type: string; body: Buffer };

function kids(b: Buffer): Child[] | undefined {
  const out: Child[] = [];
  let i = 0;
  while (i < b.length) {
    if (i + 8 > b.length) return undefined;
    let size = b.readUInt32BE(i);
    let h = 8;
    if (size === 1) {
      if (i + 16 > b.length) return undefined;
      size = Number(b.readBigUInt64BE(i + 8));
      h = 16;
    } else if (size === 0) size = b.length - i;
    if (size < h || i + size > b.length) return undefined;
    out.push({ type: b.toString('latin1', i + 4, i + 8), body: b.subarray(i + h, i + size) });
    i += size;
  }
  return out;
}

function items(iinf: Buffer, f: Findings): void {
  const version = iinf[0] ?? 0;
  const list = kids(iinf.subarray(version === 0 ? 6 : 8));
  if (!list) return void f.add('unknown-metadata', 'HEIF: unreadable item list');
  for (const e of list) {
    if (e.type !== 'infe') continue;
    const v = e.body[0] ?? 0;
    if (v < 2) {
      f.add('unknown-metadata', 'HEIF: item entry of an old version');
      continue;
    }
    const at = v === 2 ? 8 : 10; // version/flags, item id (2 or 4 bytes), protection index
    const type = e.body.toString('latin1', at, at + 4);
    const nameEnd = e.body.indexOf(0, at + 4);
    const name = e.body.toString('utf8', at + 4, nameEnd < 0 ? e.body.length : nameEnd);
    if (name.length > 0) f.add('unknown-metadata', 'HEIF: a named item');
    if (type === 'Exif') f.add('unknown-metadata', 'HEIF Exif item');
    else if (type === 'mime') f.add(e.body.includes(Buffer.from('rdf+xml', 'latin1')) ? 'xmp' : 'unknown-metadata', 'HEIF mime item');
    else if (!IMAGE_ITEMS.has(type)) f.add('unknown-metadata', `HEIF item of type ${/^[\x20-\x7e]{4}$/.test(type) ? type : '?'}`);
  }
}

export function heifStructure(b: Buffer, f: Findings): void {
  const top = kids(b);
  if (!top) return void f.add('unknown-metadata', 'HEIF: box sizes do not match the file');
  for (const t of top) {
    if (t.type === 'uuid') f.add('unknown-metadata', 'HEIF: uuid box (XMP, Content Credentials or vendor data)');
    else if (t.type === 'meta') {
      const m = kids(t.body.subarray(4));
      if (!m) {
        f.add('unknown-metadata', 'HEIF: unreadable meta box');
        continue;
      }
      for (const c of m) {
        if (c.type === 'iinf') items(c.body, f);
        else if (c.type === 'hdlr' && c.body.subarray(24).some((x) => x !== 0)) f.add('software', 'HEIF: handler name');
        else if (c.type === 'xml ' || c.type === 'bxml') f.add('unknown-metadata', 'HEIF: XML box in meta');
        else if (c.type === 'iprp') {
          const ipco = kids(c.body)?.find((k) => k.type === 'ipco');
          if (ipco && kids(ipco.body)?.some((p) => p.type === 'udes')) f.add('comment', 'HEIF: user description property');
        }
      }
    } else if (t.type !== 'ftyp' && t.type !== 'mdat') f.add('unknown-metadata', `HEIF: top-level box ${/^[\x20-\x7e]{4}$/.test(t.type) ? t.type : '?'}`);
  }
}
