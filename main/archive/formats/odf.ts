/**
 * ODT / ODS / ODP (OpenDocument packages), recorded as method 'rewrite'.
 *
 * - meta.xml (also the meta.xml of embedded objects such as charts): initial-creator, creator, creation and
 *   modification dates (creation kept when the profile keeps the capture date), editing-cycles, editing-duration,
 *   generator, printed-by, print-date, template (a path), auto-reload and hyperlink-behaviour (URLs/paths),
 *   user-defined fields, and title/subject/description/keywords (hidden fields, see ooxml.ts for the reasoning)
 *   are removed; document statistics and language stay.
 * - content.xml / styles.xml: tracked-change and annotation authors (dc:creator) become "Author", initials "A";
 *   their dates (dc:date, required inside office:change-info) become a fixed epoch value.
 * - settings.xml: PrinterName and PrinterSetup (the printer driver's private blob) are removed.
 * - Pictures/ and Thumbnails/ are stripped as media; encrypted packages are refused.
 * The 'mimetype' entry stays first and stored, as ODF requires.
 */
import { stripFailed, stripUnsupported } from './errors';
import type { StripHandler } from './handler';
import { stripEmbeddedFile } from './embedded-media';
import { ISO_DATE } from './ooxml';
import { readAllLimited } from './output';
import { RecordBuilder } from './strip-record';
import type { StripOptions } from './types';
import { firstElementText, rewriteXml, XmlRewriteError } from './xml-rewrite';
import { readZipSafely } from './zip/read';
import type { ZipOutEntry } from './zip/write';
import { writeZip } from './zip/write';

const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const META = 'urn:oasis:names:tc:opendocument:xmlns:meta:1.0';
const DC = 'http://purl.org/dc/elements/1.1/';
const CONFIG = 'urn:oasis:names:tc:opendocument:xmlns:config:1.0';
const MANIFEST = 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0';
const EPOCH = '1970-01-01T00:00:00';

const DROPPED_META = new Set([
  `${META} initial-creator`, `${DC} creator`, `${META} creation-date`, `${DC} date`, `${META} editing-cycles`, `${META} editing-duration`,
  `${META} generator`, `${META} printed-by`, `${META} print-date`, `${META} template`, `${META} auto-reload`, `${META} hyperlink-behaviour`,
  `${META} user-defined`, `${DC} title`, `${DC} subject`, `${DC} description`, `${META} keyword`,
]);

function scrubMeta(xml: string, keepCreation: boolean, removed: string[]): string {
  return rewriteXml(xml, {
    dropElement: (el) => {
      const key = `${el.ns} ${el.local}`;
      if (!DROPPED_META.has(key)) return false;
      if (keepCreation && key === `${META} creation-date`) {
        const value = firstElementText(xml, (e) => e.ns === META && e.local === 'creation-date')?.trim() ?? '';
        if (ISO_DATE.test(value)) return false;
      }
      if (!removed.includes(el.local)) removed.push(el.local);
      return true;
    },
  });
}

function scrubContent(xml: string, c: { authors: number; dates: number }): string {
  return rewriteXml(xml, {
    replaceContent: (el) => {
      if (el.ns === DC && el.local === 'creator') {
        c.authors++;
        return 'Author';
      }
      if (el.ns === DC && el.local === 'date') {
        c.dates++;
        return EPOCH;
      }
      if (el.ns === META && el.local === 'creator-initials') return 'A';
      return undefined;
    },
  });
}

function scrubSettings(xml: string, c: { printer: number }): string {
  return rewriteXml(xml, {
    dropElement: (el, attrs) => {
      const name = [...attrs.entries()].find(([k]) => k.endsWith(':name'))?.[1];
      const drop = el.ns === CONFIG && el.local === 'config-item' && (name === 'PrinterName' || name === 'PrinterSetup');
      if (drop) c.printer++;
      return drop;
    },
  });
}

function isEncrypted(manifest: string): boolean {
  let found = false;
  rewriteXml(manifest, {
    dropElement: (el) => {
      if (el.ns === MANIFEST && el.local === 'encryption-data') found = true;
      return false;
    },
  });
  return found;
}

export function stripOdf(ext: string): StripHandler {
  const label = ext.toUpperCase();
  return async (source, tmpPath, opts: StripOptions) => {
    const input = await readAllLimited(source, MAX_INPUT_BYTES, () => stripUnsupported(label, 'it is larger than 256 MiB'));
    const entries = await readZipSafely(input, label);
    const mimetype = entries.find((e) => e.name === 'mimetype');
    if (!mimetype || !mimetype.data.toString('latin1').startsWith('application/vnd.oasis.opendocument.')) throw stripFailed(label, 'it has no OpenDocument mimetype entry');
    const manifest = entries.find((e) => e.name === 'META-INF/manifest.xml');
    const rec = new RecordBuilder(ext, 'rewrite');
    const out: ZipOutEntry[] = [{ name: 'mimetype', data: mimetype.data, compress: false }];
    const metaRemoved: string[] = [];
    const c = { authors: 0, dates: 0, printer: 0 };
    let media = 0;
    let scratch = 0;
    let keptCreation = false;
    try {
      if (manifest && isEncrypted(manifest.data.toString('utf8'))) throw stripUnsupported(label, 'it is encrypted with a password');
      for (const e of entries) {
        if (e.name === 'mimetype') continue;
        const lower = e.name.toLowerCase();
        const put = (data: Buffer | string): void => void out.push({ name: e.name, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data, compress: e.compressed });
        if (lower === 'meta.xml' || lower.endsWith('/meta.xml')) {
          const xml = e.data.toString('utf8');
          const cleaned = scrubMeta(xml, opts.keepCaptureDate, metaRemoved);
          if (lower === 'meta.xml' && opts.keepCaptureDate && /<meta:creation-date\b/.test(cleaned)) keptCreation = true;
          put(cleaned);
        }
        else if (lower === 'settings.xml' || lower.endsWith('/settings.xml')) put(scrubSettings(e.data.toString('utf8'), c));
        else if (lower.endsWith('.xml') || lower.endsWith('.rdf')) put(scrubContent(e.data.toString('utf8'), c));
        else if (lower.startsWith('pictures/') || lower.startsWith('thumbnails/') || /\/pictures\//.test(lower) || lower.startsWith('media/')) {
          const r = await stripEmbeddedFile(e.data, `${tmpPath}.m${scratch++}`, opts, label);
          put(r.data);
          media++;
          rec.removed(`embedded media: ${r.what}`);
        } else if (lower.startsWith('objectreplacements/') || lower.startsWith('configurations2/')) {
          // StarView metafile previews of embedded objects and UI configuration: no metadata container.
          put(e.data);
        } else throw stripUnsupported(label, 'it contains parts of an unknown kind, which may carry metadata we do not strip; export the original encrypted to the recipient instead');
      }
    } catch (e) {
      if (e instanceof XmlRewriteError) throw stripFailed(label, `a part is not well-formed XML (${e.message})`);
      throw e;
    }
    if (metaRemoved.length > 0) rec.removed(`meta.xml: ${metaRemoved.join(', ')}`);
    if (keptCreation) rec.kept('meta.xml: creation-date');
    if (c.authors > 0) rec.removed(`change and annotation authors replaced by "Author" (${c.authors})`);
    if (c.dates > 0) rec.removed(`change and annotation dates set to a fixed value (${c.dates})`);
    if (c.printer > 0) rec.removed('printer name and printer setup');
    rec.note(`ZIP written anew with fixed entry times${media > 0 ? `; ${media} embedded media file${media === 1 ? '' : 's'} stripped` : ''}; document text unchanged`);
    await writeZip(out, tmpPath);
    return { record: rec.build(), bytesIn: input.length };
  };
}
