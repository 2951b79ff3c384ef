/**
 * Office documents re-read part by part (prefix-level text checks, deliberately simpler and independent of the
 * namespace-aware rewriter the stripper uses): document properties, comment and revision authors, dates,
 * editing-session ids, paths, entry times, and the embedded images' own metadata.
 */
import { readZipSafely } from '../zip/read';
import { exifrFindings } from './exif';
import type { Findings } from './findings';
import { gifStructure, jpegStructure, pngStructure, webpStructure } from './images';
import type { Needles } from './values';
import { scanBuffer } from './values';

function rootChildren(xml: string): string[] {
  const body = xml.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const root = /<([\w.-]+:)?[\w.-]+[^>]*?(\/?)>/.exec(body);
  if (!root || root[2] === '/') return [];
  const inner = body.slice((root.index ?? 0) + root[0].length);
  const names: string[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([\w.-]+:)?([\w.-]+)[^>]*?(\/?)>/g)) {
    const closing = m[1] === '/';
    const selfClosing = m[4] === '/';
    if (closing) depth--;
    else {
      if (depth === 0 && m[3] !== undefined) names.push(m[3]);
      if (!selfClosing) depth++;
    }
  }
  return names;
}

function ooxmlProps(name: string, xml: string, f: Findings, keepCaptureDate: boolean): void {
  const core = name === 'docprops/core.xml';
  for (const child of rootChildren(xml)) {
    if (/^(creator|lastModifiedBy|Company|Manager)$/i.test(child)) f.add('owner', `${core ? 'core' : 'app'} properties: ${child}`);
    else if (/^(Application|AppVersion)$/i.test(child)) f.add('software', `app properties: ${child}`);
    else if (/^(modified|lastPrinted)$/.test(child) || (child === 'created' && !keepCaptureDate)) f.add('timestamp', `core properties: ${child}`);
    else if (child === 'created') f.captureDate('core properties: created');
    else f.add('unknown-metadata', `${core ? 'core' : 'app'} properties: ${child}`);
  }
}

function ooxmlPart(xml: string, f: Findings): void {
  if (/\bw:author="(?!Author")/.test(xml)) f.add('owner', 'comment or revision author (w:author)');
  if (/\bw:rsid\w*="/.test(xml)) f.add('unknown-metadata', 'editing-session ids (w:rsid)');
  if (/\bw:date="/.test(xml)) f.add('timestamp', 'comment or revision date (w:date)');
  if (/\bw16cex:dateUtc="/.test(xml)) f.add('timestamp', 'comment date (dateUtc)');
  if (/<w:attachedTemplate\b|<w:mailMerge\b|<w:docVars\b/.test(xml)) f.add('unknown-metadata', 'template, mail-merge source or document variables');
  if (/<x15ac:absPath\b/.test(xml)) f.add('owner', 'workbook absolute path');
  if (/<author>(?!Author<)/.test(xml)) f.add('owner', 'spreadsheet comment author');
  if (/\bdisplayName="(?!Author")/.test(xml) && /threadedcomments/.test(xml)) f.add('owner', 'threaded-comment person');
  if (/<p:cmAuthor\b[^>]*\bname="(?!Author")/.test(xml) || /<p188:author\b[^>]*\bname="(?!Author")/.test(xml)) f.add('owner', 'presentation comment author');
  if (/\b(userId|providerId)="/.test(xml)) f.add('owner', 'account ids of commenters');
  // A shared workbook's revision history (xl/revisions/): who changed it, and when.
  if (/<([\w.-]+:)?(header\b[^>]*\buserName|userInfo\b[^>]*\bname|rcmt\b[^>]*\bauthor)="(?!Author")/.test(xml)) f.add('owner', 'spreadsheet revision user');
  if (/<([\w.-]+:)?(header|userInfo)\b[^>]*\bdateTime="(?!1970-01-01T00:00:00Z")/.test(xml)) f.add('timestamp', 'spreadsheet revision time');
}

function odfMeta(xml: string, f: Findings, keepCaptureDate: boolean): void {
  if (/<meta:initial-creator\b|<dc:creator\b|<meta:printed-by\b/.test(xml)) f.add('owner', 'meta.xml creator or printer user');
  if (/<meta:generator\b/.test(xml)) f.add('software', 'meta.xml generator');
  if (/<dc:date\b|<meta:print-date\b/.test(xml) || (!keepCaptureDate && /<meta:creation-date\b/.test(xml))) f.add('timestamp', 'meta.xml dates');
  else if (/<meta:creation-date\b/.test(xml)) f.captureDate('meta.xml creation-date');
  if (/<meta:(editing-cycles|editing-duration|user-defined|template|keyword)\b|<dc:(title|subject|description)\b/.test(xml)) f.add('unknown-metadata', 'meta.xml fields');
}

function odfPart(xml: string, f: Findings): void {
  if (/<dc:creator>(?!Author<)/.test(xml)) f.add('owner', 'change or annotation author (dc:creator)');
  if (/<dc:date>(?!1970-01-01T00:00:00<)/.test(xml)) f.add('timestamp', 'change or annotation date (dc:date)');
  if (/config:name="Printer(Name|Setup)"/.test(xml)) f.add('unknown-metadata', 'printer name or setup');
}

async function mediaFindings(data: Buffer, f: Findings, keepCaptureDate: boolean): Promise<void> {
  if (data[0] === 0xff && data[1] === 0xd8) {
    jpegStructure(data, f, 'embedded JPEG');
    await exifrFindings(data, f, keepCaptureDate);
  } else if (data.toString('latin1', 1, 4) === 'PNG') {
    pngStructure(data, f);
    await exifrFindings(data, f, keepCaptureDate);
  } else if (data.toString('latin1', 0, 3) === 'GIF') gifStructure(data, f);
  else if (data.toString('latin1', 8, 12) === 'WEBP') webpStructure(data, f);
}

export async function zipFindings(b: Buffer, family: 'ooxml' | 'odf', f: Findings, keepCaptureDate: boolean, needles: Needles): Promise<void> {
  const entries = await readZipSafely(b, family === 'ooxml' ? 'Office document' : 'OpenDocument');
  for (const e of entries) {
    const name = e.name.toLowerCase();
    if (e.modified.getFullYear() !== 1980) f.add('timestamp', 'ZIP entry modification times');
    scanBuffer(e.data, needles, f, 'a document part');
    if (/(^|\/)(media|pictures|thumbnails)\//.test(name) || name.startsWith('docprops/thumbnail')) {
      await mediaFindings(e.data, f, keepCaptureDate);
      continue;
    }
    if (!/\.(xml|rels|rdf)$/.test(name)) continue;
    const xml = e.data.toString('utf8');
    if (family === 'ooxml') {
      if (name === 'docprops/core.xml' || name === 'docprops/app.xml') ooxmlProps(name, xml, f, keepCaptureDate);
      else if (name === 'docprops/custom.xml') f.add('unknown-metadata', 'custom document properties');
      else if (/(^|\/)people\.xml$/.test(name)) f.add('owner', 'people.xml (commenters)');
      else if (name.startsWith('customxml/')) f.add('unknown-metadata', 'custom XML parts');
      else ooxmlPart(xml, f);
    } else if (name === 'meta.xml' || name.endsWith('/meta.xml')) odfMeta(xml, f, keepCaptureDate);
    else odfPart(xml, f);
  }
}
