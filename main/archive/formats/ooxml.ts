/**
 * DOCX / XLSX / PPTX (Office Open XML packages), recorded as method 'rewrite': the ZIP is read with safety limits,
 * each part is cleaned, and a new ZIP is written with fixed entry times.
 *
 * - docProps/core.xml is written anew, empty but for dcterms:created when the profile keeps the capture date.
 *   Decision on title/subject/keywords/description/category: removed too. They are hidden from the reader of the
 *   document, often left over from a template or an earlier case, and Word's own Document Inspector removes them.
 * - docProps/app.xml is written anew, empty (Company, Manager, Template, TotalTime, Application, AppVersion, the
 *   titles of parts… are all optional).
 * - docProps/custom.xml, people.xml (commenters' names and account ids) and customXml/ parts are removed with their
 *   relationships and content-type overrides.
 * - In every XML part: comment and tracked-change authors (w:author, w:initials; p:cmAuthor; persons of threaded
 *   comments; comment authors of XLSX) become "Author"/"A", their dates go, w:rsid* editing-session ids go, and
 *   settings that name paths or machines go (w:attachedTemplate, w:mailMerge, w:docVars, w14/w15:docId,
 *   x15ac:absPath, xr:revisionPtr, fileVersion's application build).
 * - Embedded media are stripped with their own stripper; printer settings lose the printer name; embedded objects
 *   (OLE, packages, ActiveX, macros) are refused.
 */
import { stripFailed, stripUnsupported } from './errors';
import type { StripHandler } from './handler';
import { stripEmbeddedFile } from './embedded-media';
import { readAllLimited } from './output';
import { RecordBuilder } from './strip-record';
import type { StripOptions } from './types';
import type { XmlName } from './xml-rewrite';
import { escapeXmlText, firstElementText, rewriteXml, XmlRewriteError } from './xml-rewrite';
import type { ZipEntryData } from './zip/read';
import { readZipSafely } from './zip/read';
import type { ZipOutEntry } from './zip/write';
import { writeZip } from './zip/write';

const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const W = new Set(['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main']);
const W14 = 'http://schemas.microsoft.com/office/word/2010/wordml';
const W15 = 'http://schemas.microsoft.com/office/word/2012/wordml';
const W16CEX = 'http://schemas.microsoft.com/office/word/2018/wordml/cex';
const S = new Set(['http://schemas.openxmlformats.org/spreadsheetml/2006/main', 'http://purl.oclc.org/ooxml/spreadsheetml/main']);
const X15AC = 'http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac';
const XR = 'http://schemas.microsoft.com/office/spreadsheetml/2014/revision';
const XTC = 'http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments';
const P = new Set(['http://schemas.openxmlformats.org/presentationml/2006/main', 'http://purl.oclc.org/ooxml/presentationml/main']);
const P15 = 'http://schemas.microsoft.com/office/powerpoint/2012/main';
const P188 = 'http://schemas.microsoft.com/office/powerpoint/2018/8/main';
const REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'http://schemas.openxmlformats.org/package/2006/content-types';
const DCTERMS = 'http://purl.org/dc/terms/';

const NEUTRAL_AUTHOR = 'Author';
const NEUTRAL_INITIALS = 'A';
const EPOCH = '1970-01-01T00:00:00Z';

const DROPPED_REL_TYPES = /\/(custom-properties|people|customXml|attachedTemplate|mailMergeSource|mailMergeHeaderSource|recipientData)$/;

const EMPTY_CORE = (created: string | undefined): string =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  (created ? `<dcterms:created xsi:type="dcterms:W3CDTF">${escapeXmlText(created)}</dcterms:created>` : '') +
  '</cp:coreProperties>';

const EMPTY_APP =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>';

/** A plain ISO 8601 date, so nothing else can ride along in a kept dcterms:created. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

type Counters = { authors: number; dates: number; rsids: number; settings: number };

function childNames(xml: string): string[] {
  const names: string[] = [];
  let depth = 0;
  rewriteXml(xml, {
    replaceContent: (el) => {
      depth++;
      // The root's children are reported; the root itself is only entered.
      if (depth === 1) return undefined;
      if (!names.includes(el.local)) names.push(el.local);
      return '';
    },
  });
  return names;
}

/** Settings that name a template, a data source, a path or a document: w:rsids, w:attachedTemplate, docIds… */
function isNamingSetting(el: XmlName): boolean {
  return (
    (W.has(el.ns) && ['rsids', 'attachedTemplate', 'docVars', 'mailMerge'].includes(el.local)) ||
    ((el.ns === W14 || el.ns === W15) && el.local === 'docId') ||
    (el.ns === X15AC && el.local === 'absPath') ||
    (el.ns === XR && el.local === 'revisionPtr')
  );
}

/** An attribute's fate as `XmlEdit.attribute` says it (null: dropped, a string: new value); undefined: not this rule's. */
type AttributeRule = (el: XmlName, attr: XmlName, c: Counters) => string | null | undefined;

/** WordprocessingML: w:rsid* go, tracked-change and comment authors become neutral, their dates go (w16cex too). */
const wordAttribute: AttributeRule = (_el, attr, c) => {
  if (W.has(attr.ns)) {
    if (attr.local.startsWith('rsid')) {
      c.rsids++;
      return null;
    }
    if (attr.local === 'author') {
      c.authors++;
      return NEUTRAL_AUTHOR;
    }
    if (attr.local === 'initials') return NEUTRAL_INITIALS;
    if (attr.local === 'date') {
      c.dates++;
      return null;
    }
  }
  if (attr.ns === W16CEX && attr.local === 'dateUtc') {
    c.dates++;
    return null;
  }
  return undefined;
};

/** SpreadsheetML: threaded-comment persons become neutral and lose their accounts, comment dates and builds go. */
const spreadsheetAttribute: AttributeRule = (el, attr, c) => {
  if (el.ns === XTC && el.local === 'person') {
    if (attr.local === 'displayName') {
      c.authors++;
      return NEUTRAL_AUTHOR;
    }
    if (attr.local === 'userId' || attr.local === 'providerId') return null;
  }
  if (el.ns === XTC && el.local === 'threadedComment' && attr.local === 'dT') {
    c.dates++;
    return null;
  }
  if (S.has(el.ns) && el.local === 'fileVersion' && ['appName', 'lastEdited', 'lowestEdited', 'rupBuild'].includes(attr.local)) {
    c.settings++;
    return null;
  }
  return undefined;
};

/** A shared workbook's revision history (headers, users, comment changes): names become neutral, times fixed. */
const revisionAttribute: AttributeRule = (el, attr, c) => {
  if (!S.has(el.ns)) return undefined;
  if ((el.local === 'header' && attr.local === 'userName') || (el.local === 'userInfo' && attr.local === 'name') || (el.local === 'rcmt' && attr.local === 'author')) {
    c.authors++;
    return NEUTRAL_AUTHOR;
  }
  if ((el.local === 'header' || el.local === 'userInfo') && attr.local === 'dateTime') {
    // Required by the schema: a fixed value says nothing.
    c.dates++;
    return EPOCH;
  }
  return undefined;
};

/** PresentationML: comment authors (classic and modern) become neutral and lose their accounts and presence ids, comment dates go. */
const presentationAttribute: AttributeRule = (el, attr, c) => {
  if ((P.has(el.ns) && el.local === 'cmAuthor') || (el.ns === P188 && el.local === 'author')) {
    if (attr.local === 'name') {
      c.authors++;
      return NEUTRAL_AUTHOR;
    }
    if (attr.local === 'initials') return NEUTRAL_INITIALS;
    if (attr.local === 'userId' || attr.local === 'providerId') return null;
    return undefined;
  }
  if (el.ns === P15 && el.local === 'presenceInfo' && (attr.local === 'userId' || attr.local === 'providerId')) return null;
  if (P.has(el.ns) && el.local === 'cm' && attr.local === 'dt') {
    c.dates++;
    return null;
  }
  if (el.ns === P188 && (el.local === 'cm' || el.local === 'reply') && attr.local === 'created') {
    // Required by the schema: a fixed value says nothing.
    c.dates++;
    return EPOCH;
  }
  return undefined;
};

/** In this order; the first rule that answers decides. */
const ATTRIBUTE_RULES: readonly AttributeRule[] = [wordAttribute, spreadsheetAttribute, revisionAttribute, presentationAttribute];

function scrubPart(xml: string, c: Counters): string {
  return rewriteXml(xml, {
    dropElement: (el) => {
      const drop = isNamingSetting(el);
      if (drop) c.settings++;
      return drop;
    },
    replaceContent: (el) => {
      if (S.has(el.ns) && el.local === 'author') {
        c.authors++;
        return NEUTRAL_AUTHOR;
      }
      return undefined;
    },
    attribute: (el, attr) => {
      for (const rule of ATTRIBUTE_RULES) {
        const fate = rule(el, attr, c);
        if (fate !== undefined) return fate;
      }
      return undefined;
    },
  });
}

function resolveTarget(relsPath: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const m = /^(.*?)_rels\/[^/]*\.rels$/.exec(relsPath);
  const base = m?.[1] ?? '';
  const out: string[] = [];
  for (const seg of `${base}${target}`.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

function dropRelationships(relsPath: string, xml: string, removed: ReadonlySet<string>): string {
  return rewriteXml(xml, {
    dropElement: (el, attrs) => {
      if (el.ns !== REL || el.local !== 'Relationship') return false;
      if (DROPPED_REL_TYPES.test(attrs.get('Type') ?? '')) return true;
      return attrs.get('TargetMode') !== 'External' && removed.has(resolveTarget(relsPath, attrs.get('Target') ?? ''));
    },
  });
}

function dropOverrides(xml: string, removed: ReadonlySet<string>): string {
  return rewriteXml(xml, {
    dropElement: (el, attrs) => el.ns === CT && el.local === 'Override' && removed.has((attrs.get('PartName') ?? '').replace(/^\//, '')),
  });
}

/** DEVMODE printer settings begin with the printer's name (32 UTF-16 chars); zeroed so no machine is named. */
function zeroPrinterName(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out.fill(0, 0, Math.min(64, out.length));
  return out;
}

type PartKind = 'core' | 'app' | 'remove' | 'xml' | 'rels' | 'content-types' | 'media' | 'printer' | 'keep' | 'refuse';

function classify(name: string): PartKind {
  const lower = name.toLowerCase();
  if (lower === '[content_types].xml') return 'content-types';
  if (lower === 'docprops/core.xml') return 'core';
  if (lower === 'docprops/app.xml') return 'app';
  if (lower === 'docprops/custom.xml' || lower.startsWith('customxml/') || /(^|\/)people\.xml$/.test(lower)) return 'remove';
  if (lower.endsWith('.rels')) return 'rels';
  if (/(^|\/)(embeddings|activex)\//.test(lower) || lower.endsWith('vbaproject.bin') || lower.endsWith('vbadata.xml')) return 'refuse';
  if (/(^|\/)printersettings\/[^/]+\.bin$/.test(lower)) return 'printer';
  if (/(^|\/)media\//.test(lower) || lower.startsWith('docprops/thumbnail.')) return 'media';
  if (lower.endsWith('.xml')) return 'xml';
  if (/\.(odttf|fntdata|ttf|otf|vml)$/.test(lower)) return 'keep';
  return 'refuse';
}

/** What one package's rewrite builds up: the entries written, the record, the counts it names at the end. */
type PackageWork = {
  readonly label: string;
  readonly tmpPath: string;
  readonly opts: StripOptions;
  readonly rec: RecordBuilder;
  readonly counters: Counters;
  /** Parts removed whole, whose relationships and content-type overrides go with them. */
  readonly removed: ReadonlySet<string>;
  readonly out: ZipOutEntry[];
  media: number;
};

/** The entries of an Office Open XML package, read with the safety limits; it must have [Content_Types].xml. */
async function readPackage(input: Buffer, label: string): Promise<ZipEntryData[]> {
  const entries = await readZipSafely(input, label);
  if (!entries.some((e) => e.name === '[Content_Types].xml')) throw stripFailed(label, 'it has no [Content_Types].xml (not an Office Open XML package)');
  return entries;
}

/** docProps/core.xml written anew: empty, but for a plain ISO dcterms:created when the profile keeps the capture date. */
function rewriteCore(xml: string, w: PackageWork): string {
  const fields = childNames(xml);
  if (fields.length > 0) w.rec.removed(`docProps/core.xml: ${fields.join(', ')}`);
  const created = firstElementText(xml, (el) => el.ns === DCTERMS && el.local === 'created')?.trim();
  const keep = w.opts.keepCaptureDate && created !== undefined && ISO_DATE.test(created) ? created : undefined;
  if (keep) w.rec.kept('docProps/core.xml: created');
  return EMPTY_CORE(keep);
}

/** docProps/app.xml written anew, empty. */
function rewriteApp(xml: string, w: PackageWork): string {
  const fields = childNames(xml);
  if (fields.length > 0) w.rec.removed(`docProps/app.xml: ${fields.join(', ')}`);
  return EMPTY_APP;
}

/** An embedded image or sound, stripped by its own stripper in a scratch file beside the output. */
async function stripMedia(e: ZipEntryData, w: PackageWork): Promise<Buffer> {
  const r = await stripEmbeddedFile(e.data, `${w.tmpPath}.m${w.media}`, w.opts, w.label);
  w.media++;
  w.rec.removed(`embedded media: ${r.what}`);
  return r.data;
}

const REFUSED =
  'it contains embedded objects, macros or parts of an unknown kind, which carry metadata we do not strip; export the original encrypted to the recipient instead';

/** One part's new bytes as its kind says, or undefined when the part is removed; a part of a refused kind throws. */
async function rewritePart(e: ZipEntryData, w: PackageWork): Promise<Buffer | string | undefined> {
  const text = (): string => e.data.toString('utf8');
  switch (classify(e.name)) {
    case 'core':
      return rewriteCore(text(), w);
    case 'app':
      return rewriteApp(text(), w);
    case 'remove':
      w.rec.removed(e.name.toLowerCase().startsWith('customxml/') ? 'customXml parts' : e.name);
      return undefined;
    case 'rels':
      return dropRelationships(e.name, text(), w.removed);
    case 'content-types':
      return dropOverrides(text(), w.removed);
    case 'xml':
      return scrubPart(text(), w.counters);
    case 'media':
      return stripMedia(e, w);
    case 'printer':
      w.rec.removed('printer name in printer settings');
      return zeroPrinterName(e.data);
    case 'keep':
      return e.data;
    case 'refuse':
      throw stripUnsupported(w.label, REFUSED);
  }
}

/** Every part rewritten in the package's order into `w.out`; a part that is not well-formed XML fails the strip. */
async function rewriteParts(entries: readonly ZipEntryData[], w: PackageWork): Promise<void> {
  try {
    for (const e of entries) {
      const data = await rewritePart(e, w);
      if (data !== undefined) w.out.push({ name: e.name, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data, compress: e.compressed });
    }
  } catch (e) {
    if (e instanceof XmlRewriteError) throw stripFailed(w.label, `a part is not well-formed XML (${e.message})`);
    throw e;
  }
}

/** The record's totals: authors, dates, rsids and settings counted across the parts, and the media stripped. */
function recordTotals(w: PackageWork): void {
  const { rec, counters: c, media } = w;
  if (c.authors > 0) rec.removed(`comment and revision authors replaced by "${NEUTRAL_AUTHOR}" (${c.authors})`);
  if (c.dates > 0) rec.removed(`comment and revision dates (${c.dates})`);
  if (c.rsids > 0) rec.removed(`editing-session ids w:rsid* (${c.rsids})`);
  if (c.settings > 0) rec.removed(`settings naming templates, paths, data sources or builds (${c.settings})`);
  rec.note(`ZIP written anew with fixed entry times${media > 0 ? `; ${media} embedded media file${media === 1 ? '' : 's'} stripped` : ''}; document text unchanged`);
}

export function stripOoxml(ext: string): StripHandler {
  const label = ext.toUpperCase();
  return async (source, tmpPath, opts: StripOptions) => {
    const input = await readAllLimited(source, MAX_INPUT_BYTES, () => stripUnsupported(label, 'it is larger than 256 MiB'));
    const entries = await readPackage(input, label);
    const removed = new Set(entries.filter((e) => classify(e.name) === 'remove').map((e) => e.name));
    const counters: Counters = { authors: 0, dates: 0, rsids: 0, settings: 0 };
    const w: PackageWork = { label, tmpPath, opts, rec: new RecordBuilder(ext, 'rewrite'), counters, removed, out: [], media: 0 };
    await rewriteParts(entries, w);
    recordTotals(w);
    await writeZip(w.out, tmpPath);
    return { record: w.rec.build(), bytesIn: input.length };
  };
}
