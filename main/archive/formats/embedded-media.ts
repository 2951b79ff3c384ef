/**
 * Files embedded in office documents (word/media, ppt/media, Pictures/, thumbnails) carry their own metadata: a
 * photo pasted into a report keeps its GPS. Each is stripped with the stripper of its own type; a type we cannot
 * strip makes the whole document refused rather than passed through.
 */
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { stripUnsupported } from './errors';
import { formatFor } from './formats';
import { rewriteXml } from './xml-rewrite';
import type { StripOptions, StripRecord } from './types';

export type EmbeddedResult = { readonly data: Buffer; readonly what: string; readonly record?: StripRecord };

const SVG_TOOL_NS = /(sodipodi|inkscape|adobe\.com\/(AdobeIllustrator|Extensibility|SaveForWeb))/i;

function isEmf(b: Buffer): boolean {
  return b.length >= 88 && b.readUInt32LE(0) === 1 && b.toString('latin1', 40, 44) === ' EMF';
}

function isWmf(b: Buffer): boolean {
  if (b.length < 18) return false;
  if (b.readUInt32LE(0) === 0x9ac6cdd7) return true; // placeable WMF
  const type = b.readUInt16LE(0);
  return (type === 1 || type === 2) && b.readUInt16LE(2) === 9;
}

/** EMF's header description names the application that made the picture (and sometimes its title): zeroed in place. */
function zeroEmfDescription(b: Buffer): Buffer {
  const out = Buffer.from(b);
  const chars = out.readUInt32LE(64);
  const at = out.readUInt32LE(68);
  if (chars > 0 && at >= 88 && at + chars * 2 <= out.length) out.fill(0, at, at + chars * 2);
  return out;
}

function scrubSvg(b: Buffer): Buffer {
  const xml = b.toString('utf8');
  const out = rewriteXml(xml, {
    dropElement: (el) => el.local === 'metadata' || SVG_TOOL_NS.test(el.ns),
    attribute: (_el, attr) => (SVG_TOOL_NS.test(attr.ns) ? null : undefined),
  });
  return Buffer.from(out, 'utf8');
}

export async function stripEmbeddedFile(data: Buffer, scratchPath: string, opts: StripOptions, container: string): Promise<EmbeddedResult> {
  if (isEmf(data)) return { data: zeroEmfDescription(data), what: 'EMF description' };
  if (isWmf(data)) return { data, what: 'WMF (no metadata container)' };
  const head = data.subarray(0, 512).toString('utf8');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(head)) return { data: scrubSvg(data), what: 'SVG metadata' };
  const ft = await fileTypeFromBuffer(data);
  const entry = ft ? formatFor(ft.mime) : undefined;
  if (ft === undefined || entry === undefined || entry.kind === 'refuse' || ft.mime.startsWith('application/')) {
    throw stripUnsupported(container, `it embeds a file of type ${ft?.mime ?? 'unknown'} whose metadata we cannot strip`);
  }
  try {
    // The document's own creation date is what a profile keeping capture dates keeps; a pasted photo's dates go, as in
    // a PDF (pdf.ts), since the export's re-read of the document allows an embedded image nothing but Orientation.
    const { record } = await entry.handler(() => Readable.from([data]), scratchPath, { ...opts, keepCaptureDate: false });
    return { data: await fsp.readFile(scratchPath), what: `${entry.label} metadata`, record };
  } finally {
    await fsp.rm(scratchPath, { force: true });
  }
}
