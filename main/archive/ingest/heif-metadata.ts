/**
 * Metadata of HEIC/HEIF/AVIF files at import. exifr's own HEIF reader rejects valid files (it reported "Malformed
 * EXIF data" on libheif's output, whose Exif item is well formed), so the items are found with our HEIF structure
 * parser (formats/heif-structure.ts) and only their payloads are handed to exifr: the Exif item's TIFF bytes and the
 * XMP item's packet. The displayed orientation of a HEIF image is its irot/imir properties (ISO 23008-12 §6.5.10-12;
 * the Exif Orientation of a HEIF file is informative only), so it is derived from them; width and height come from
 * the primary image's ispe.
 */
import * as exifrModule from 'exifr';
import { exifTiff, itemBytes, parseHeif, XMP_CONTENT_TYPE, type HeifMeta } from '../formats/heif-structure';

const MAX_ITEM_BYTES = 4 * 1024 * 1024;

// exifr's ES build puts sidecar() on the namespace only, its UMD build (what Node and the bundle load) on the
// default export: take the one that has it.
type Exifr = { parse: typeof exifrModule.parse; sidecar: typeof exifrModule.sidecar };
const exifr = [exifrModule, (exifrModule as { default?: unknown }).default].find((m): m is Exifr => typeof (m as Partial<Exifr> | undefined)?.sidecar === 'function') as Exifr;

const TIFF_OPTIONS = {
  tiff: true, ifd0: {}, ifd1: false, exif: true, gps: true, interop: false, xmp: false, iptc: false, icc: false, jfif: false, ihdr: false,
  makerNote: false, userComment: false, mergeOutput: false, translateKeys: true, translateValues: false, reviveValues: false, sanitize: true, silentErrors: false,
} as const;

function primaryProperties(meta: HeifMeta): { type: string; body: Buffer }[] {
  const link = meta.links.find((l) => l.id === meta.primary);
  if (!link) return [];
  return link.associations.filter((a) => a.index > 0).map((a) => meta.properties[a.index - 1]!).filter(Boolean);
}

/** irot (anticlockwise quarter turns) and imir (axis) as the Exif Orientation value a viewer would apply. */
export function orientationFromTransforms(props: readonly { type: string; body: Buffer }[]): number | undefined {
  let turns = 0;
  let mirror: 'vertical-axis' | 'horizontal-axis' | undefined;
  let seen = false;
  for (const p of props) {
    if (p.type === 'irot' && p.body.length >= 1) {
      turns = (p.body[0] as number) & 3;
      seen = true;
    } else if (p.type === 'imir' && p.body.length >= 1) {
      mirror = ((p.body[0] as number) & 1) === 0 ? 'vertical-axis' : 'horizontal-axis';
      seen = true;
    }
  }
  if (!seen) return undefined;
  // Transforms apply in property order; the common cases (irot alone, imir alone) map as in Exif 2.32 Table 6.
  const rotation = [1, 8, 3, 6][turns] as number;
  if (!mirror) return rotation;
  if (turns === 0) return mirror === 'vertical-axis' ? 2 : 4;
  if (turns === 2) return mirror === 'vertical-axis' ? 4 : 2;
  if (turns === 1) return mirror === 'vertical-axis' ? 5 : 7;
  return mirror === 'vertical-axis' ? 7 : 5;
}

/** exifr-shaped segments (ifd0, exif, gps, xmp) plus orientation and size from the HEIF properties. */
export async function readHeifSegments(file: Buffer): Promise<{ raw: Record<string, unknown>; orientation?: number; width?: number; height?: number }> {
  const { meta } = parseHeif(file);
  const raw: Record<string, unknown> = {};
  const describes = (id: number): boolean => meta.primary === undefined || meta.references.some((r) => r.type === 'cdsc' && r.from === id && r.to.includes(meta.primary!)) || !meta.references.some((r) => r.type === 'cdsc' && r.from === id);
  for (const item of meta.items) {
    if (item.type === 'Exif' && raw.ifd0 === undefined && describes(item.id)) {
      const tiff = exifTiff(itemBytes(file, meta, item.id, MAX_ITEM_BYTES));
      if (tiff) Object.assign(raw, ((await exifr.parse(tiff, TIFF_OPTIONS as never)) as Record<string, unknown> | undefined) ?? {});
    } else if (item.type === 'mime' && item.contentType === XMP_CONTENT_TYPE && raw.xmp === undefined && describes(item.id)) {
      const xmp = (await exifr.sidecar(itemBytes(file, meta, item.id, MAX_ITEM_BYTES), { xmp: true, mergeOutput: false } as never, 'xmp' as never)) as Record<string, unknown> | undefined;
      if (xmp) {
        const merged: Record<string, unknown> = {};
        for (const [ns, v] of Object.entries(xmp)) if (ns !== 'xmlns' && v && typeof v === 'object') Object.assign(merged, v);
        raw.xmp = merged;
      }
    }
  }
  const props = primaryProperties(meta);
  const ispe = props.find((p) => p.type === 'ispe' && p.body.length >= 12);
  const orientation = orientationFromTransforms(props);
  return {
    raw,
    ...(orientation !== undefined ? { orientation } : {}),
    ...(ispe ? { width: ispe.body.readUInt32BE(4), height: ispe.body.readUInt32BE(8) } : {}),
  };
}
