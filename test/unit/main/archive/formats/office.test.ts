import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { findLeaks, stripToFile } from '../../../../../main/archive/formats/index';
import { readZipSafely } from '../../../../../main/archive/formats/zip/read';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import { DOC_PEOPLE, makeDocx, makeOdt, writeZipFile } from '../../../../fixtures/documents';
import type { MadeFixture } from '../../../../fixtures/photos';
import { expectClean, expectDirty, KEEP_DATE, OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-strip-office-');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function parts(file: string): Promise<Map<string, string>> {
  const entries = await readZipSafely(fs.readFileSync(file), 'test');
  return new Map(entries.map((e) => [e.name, e.data.toString('utf8')]));
}

function texts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

describe('DOCX stripping', () => {
  it('removes authors, company, template path, custom properties, people, rsids, dates; text is unchanged', async () => {
    const fx = await makeDocx({ dir, photo: true });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(result.record.method).toBe('rewrite');
    const before = await parts(fx.path);
    const after = await parts(out);
    expect([...after.keys()].sort()).toEqual(
      ['[Content_Types].xml', '_rels/.rels', 'docProps/app.xml', 'docProps/core.xml', 'word/_rels/document.xml.rels', 'word/_rels/settings.xml.rels', 'word/comments.xml', 'word/document.xml', 'word/media/image1.jpeg', 'word/settings.xml'].sort(),
    );
    // The visible text, including tracked insertions and deletions, is untouched.
    const doc = (m: Map<string, string>): string => m.get('word/document.xml') ?? '';
    expect(texts(doc(after), 'w:t')).toEqual(texts(doc(before), 'w:t'));
    expect(texts(doc(after), 'w:delText')).toEqual(['two']);
    expect(doc(after)).toContain('<w:ins w:id="2" w:author="Author">');
    expect(doc(after)).toContain('days &amp; nights &lt;without&gt; food.');
    // No dangling references to removed parts.
    expect(after.get('_rels/.rels')).not.toContain('custom.xml');
    expect(after.get('word/_rels/document.xml.rels')).not.toMatch(/people|customXml/);
    expect(after.get('word/_rels/settings.xml.rels')).not.toContain('xachterberg');
    expect(after.get('[Content_Types].xml')).not.toMatch(/custom\.xml|people\.xml|itemProps/);
    expect(after.get('docProps/core.xml')).not.toContain('dcterms:created');
    for (const v of Object.values(DOC_PEOPLE)) for (const [name, xml] of after) expect(xml.includes(v), `${v} in ${name}`).toBe(false);
  });

  it('keeps dcterms:created when the profile keeps the capture date', async () => {
    const fx = await makeDocx({ dir, name: 'keep.docx' });
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'keep-out.docx');
    expect(result.record.kept).toEqual(['docProps/core.xml: created']);
    expect((await parts(out)).get('docProps/core.xml')).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-05T14:22:00Z</dcterms:created>');
    await expectClean(fx, out, KEEP_DATE);
  });

  it('keeps dcterms:created but drops an embedded photo\'s own dates, so the re-read finds nothing (as in a PDF)', async () => {
    // A forensic export (capture dates kept) of a report with a pasted photo was refused by the export's re-read:
    // the photo kept its Exif dates, which only a stand-alone JPEG may keep.
    const fx = await makeDocx({ dir, name: 'keep-photo.docx', photo: true });
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'keep-photo-out.docx');
    expect(result.record.kept).toEqual(['docProps/core.xml: created']);
    expect(await findLeaks(out, DOCX, KEEP_DATE)).toEqual([]);
    await expectClean(fx, out, KEEP_DATE);
  });

  it('refuses a zip bomb quickly, without inflating it', async () => {
    const file = path.join(dir, 'bomb.docx');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'), '[Content_Types].xml');
    zip.addBuffer(Buffer.alloc(64 * 1024 * 1024), 'word/document.xml', { compressionLevel: 9 });
    zip.end();
    await new Promise<void>((resolve) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', () => resolve()));
    expect(fs.statSync(file).size).toBeLessThan(200_000);
    const out = path.join(dir, 'bomb-out.docx');
    const t0 = Date.now();
    const err = await stripToFile(() => fs.createReadStream(file), DOCX, out, OPTS).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/DOCX.*unsafe archive.*zip bomb/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses an entry whose path escapes the folder (zip-slip)', async () => {
    const file = path.join(dir, 'slip.docx');
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
      { name: 'zz/aa/aa/evil.xml', data: '<x/>' },
    ]);
    const b = fs.readFileSync(file);
    const from = Buffer.from('zz/aa/aa/evil.xml');
    const to = Buffer.from('zz/../../evil.xml');
    for (let i = b.indexOf(from); i >= 0; i = b.indexOf(from, i + 1)) to.copy(b, i);
    fs.writeFileSync(file, b);
    const out = path.join(dir, 'slip-out.docx');
    const err = await stripToFile(() => fs.createReadStream(file), DOCX, out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/zip-slip/);
    expect((err as Error).message).not.toContain('evil');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(dir, '..', 'evil.xml'))).toBe(false);
  });

  it('refuses embedded OLE objects rather than passing them through', async () => {
    const file = path.join(dir, 'ole.docx');
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
      { name: 'word/embeddings/oleObject1.bin', data: Buffer.from('d0cf11e0a1b11ae1', 'hex') },
    ]);
    const err = await stripToFile(() => fs.createReadStream(file), DOCX, path.join(dir, 'ole-out.docx'), OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_UNSUPPORTED')).toBe(true);
  });
});

describe('XLSX and PPTX stripping', () => {
  const CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';
  const CORE = `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${DOC_PEOPLE.author}</dc:creator></cp:coreProperties>`;

  it('XLSX: comment authors, threaded-comment persons, the workbook path and build go', async () => {
    const file = path.join(dir, 'sheet.xlsx');
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: CT },
      { name: 'docProps/core.xml', data: CORE },
      {
        name: 'xl/workbook.xml',
        data: `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/><mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\xachterberg\\Cases\\"/></mc:Choice></mc:AlternateContent><sheets><sheet name="Detainees" sheetId="1"/></sheets></workbook>`,
      },
      { name: 'xl/comments1.xml', data: `<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>${DOC_PEOPLE.commenter}</author></authors><commentList><comment ref="A1" authorId="0"><text><t>verify</t></text></comment></commentList></comments>` },
      { name: 'xl/persons/person.xml', data: `<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person displayName="${DOC_PEOPLE.commenter}" id="{0001}" userId="tomasz.wh@example.org" providerId="AD"/></personList>` },
    ]);
    const fx: MadeFixture = { path: file, mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', originalValues: [DOC_PEOPLE.author, DOC_PEOPLE.commenter, 'xachterberg', 'tomasz.wh@example.org'] };
    await expectDirty(fx);
    const { out } = await strip(fx, dir);
    await expectClean(fx, out);
    const after = await parts(out);
    expect(after.get('xl/workbook.xml')).toContain('<sheet name="Detainees" sheetId="1"/>');
    expect(after.get('xl/comments1.xml')).toContain('<author>Author</author>');
    expect(after.get('xl/persons/person.xml')).toContain('<person displayName="Author" id="{0001}"/>');
  });

  it('PPTX: comment authors and dates go', async () => {
    const file = path.join(dir, 'slides.pptx');
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: CT },
      { name: 'docProps/core.xml', data: CORE },
      { name: 'ppt/commentAuthors.xml', data: `<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor id="1" name="${DOC_PEOPLE.commenter}" initials="TWH" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>` },
      { name: 'ppt/comments/comment1.xml', data: '<p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cm authorId="1" dt="2024-03-06T09:15:00.000" idx="1"><p:text>source?</p:text></p:cm></p:cmLst>' },
    ]);
    const fx: MadeFixture = { path: file, mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', originalValues: [DOC_PEOPLE.author, DOC_PEOPLE.commenter] };
    await expectDirty(fx);
    const { out } = await strip(fx, dir);
    await expectClean(fx, out);
    const after = await parts(out);
    expect(after.get('ppt/commentAuthors.xml')).toContain('<p:cmAuthor id="1" name="Author" initials="A" lastIdx="1" clrIdx="0"/>');
    expect(after.get('ppt/comments/comment1.xml')).toContain('<p:cm authorId="1" idx="1">');
  });

  it('XLSX: the shared-workbook revision history keeps its changes but loses user names and times', async () => {
    const file = path.join(dir, 'revisions.xlsx');
    const S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: CT },
      { name: 'xl/workbook.xml', data: `<workbook ${S}><sheets><sheet name="Detainees" sheetId="1"/></sheets></workbook>` },
      { name: 'xl/revisions/revisionHeaders.xml', data: `<headers ${S} guid="{1}"><header guid="{2}" dateTime="2024-03-06T09:15:00" maxSheetId="2" userName="${DOC_PEOPLE.editor}"><sheetIdMap count="1"><sheetId val="1"/></sheetIdMap></header></headers>` },
      { name: 'xl/revisions/userNames.xml', data: `<users ${S} count="1"><userInfo guid="{3}" name="${DOC_PEOPLE.commenter}" id="1" dateTime="2024-03-06T09:20:00"/></users>` },
      { name: 'xl/revisions/revisionLog1.xml', data: `<revisions ${S}><rcmt sheetId="1" cell="B1" guid="{4}" action="add" author="${DOC_PEOPLE.author}"/><rcc rId="1" sId="1"><nc r="B1"><v>3</v></nc></rcc></revisions>` },
    ]);
    const fx: MadeFixture = { path: file, mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', originalValues: [DOC_PEOPLE.editor, DOC_PEOPLE.commenter, DOC_PEOPLE.author, '2024-03-06T09:15', '2024-03-06T09:20'] };
    // The copy's independent re-read knows these fields by their structure, without being told the values.
    expect((await findLeaks(file, fx.mediaType, OPTS)).map((l) => `${l.kind}: ${l.detail}`)).toEqual(
      expect.arrayContaining(['owner: spreadsheet revision user', 'timestamp: spreadsheet revision time']),
    );
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    expect(await findLeaks(out, fx.mediaType, OPTS)).toEqual([]);
    const after = await parts(out);
    expect(after.get('xl/revisions/revisionHeaders.xml')).toContain('<header guid="{2}" dateTime="1970-01-01T00:00:00Z" maxSheetId="2" userName="Author">');
    expect(after.get('xl/revisions/userNames.xml')).toContain('<userInfo guid="{3}" name="Author" id="1" dateTime="1970-01-01T00:00:00Z"/>');
    expect(after.get('xl/revisions/revisionLog1.xml')).toContain('author="Author"/><rcc rId="1" sId="1"><nc r="B1"><v>3</v></nc></rcc>');
    expect(result.record.removed).toContain('comment and revision authors replaced by "Author" (3)');
    expect(result.record.removed).toContain('comment and revision dates (2)');
  });

  it('PPTX: the presence ids in a comment author\'s extension go', async () => {
    const file = path.join(dir, 'presence.pptx');
    await writeZipFile(file, [
      { name: '[Content_Types].xml', data: CT },
      {
        name: 'ppt/commentAuthors.xml',
        data: `<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor id="1" name="${DOC_PEOPLE.commenter}" initials="TWH" lastIdx="1" clrIdx="0"><p:extLst><p:ext uri="{19B8F6BF-5375-455C-9EA6-DF929625EA0E}"><p15:presenceInfo xmlns:p15="http://schemas.microsoft.com/office/powerpoint/2012/main" userId="tomasz.wh@example.org" providerId="AD"/></p:ext></p:extLst></p:cmAuthor></p:cmAuthorLst>`,
      },
    ]);
    const fx: MadeFixture = { path: file, mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', originalValues: [DOC_PEOPLE.commenter, 'tomasz.wh@example.org'] };
    const { out } = await strip(fx, dir);
    await expectClean(fx, out);
    expect((await parts(out)).get('ppt/commentAuthors.xml')).toContain('<p15:presenceInfo xmlns:p15="http://schemas.microsoft.com/office/powerpoint/2012/main"/>');
  });
});

describe('ODT stripping', () => {
  it('removes meta.xml identity and dates, change/annotation authors, printer; text is unchanged', async () => {
    const fx: MadeFixture = await makeOdt({ dir, photo: true });
    await expectDirty(fx);
    const { out, result } = await strip(fx, dir);
    // exiftool shows ODF meta.xml as XMP-dc/XMP-meta: the language and the statistics are kept on purpose.
    await expectClean(fx, out, OPTS, [/^XMP-dc:Language$/, /^XMP-meta:Document-statistic/]);
    const before = await parts(fx.path);
    const after = await parts(out);
    expect(texts(after.get('content.xml') ?? '', 'text:p')).toEqual(texts(before.get('content.xml') ?? '', 'text:p'));
    expect(after.get('content.xml')).toContain('<dc:creator>Author</dc:creator><dc:date>1970-01-01T00:00:00</dc:date>');
    expect(after.get('settings.xml')).toContain('AddParaTableSpacing');
    expect(result.record.removed).toEqual(expect.arrayContaining(['printer name and printer setup', 'embedded media: JPEG metadata']));
    // ODF requires 'mimetype' first and stored.
    const raw = fs.readFileSync(out);
    expect(raw.toString('latin1', 30, 38)).toBe('mimetype');
    expect(raw.readUInt16LE(8)).toBe(0);
  });

  it('keeps meta:creation-date when the profile keeps the capture date', async () => {
    const fx = await makeOdt({ dir, name: 'keep.odt' });
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'keep-out.odt');
    expect(result.record.kept).toEqual(['meta.xml: creation-date']);
    expect((await parts(out)).get('meta.xml')).toContain('<meta:creation-date>2024-03-05T14:22:00</meta:creation-date>');
  });

  it('keeps meta:creation-date but drops an embedded photo\'s own dates, so the re-read finds nothing', async () => {
    const fx = await makeOdt({ dir, name: 'keep-photo.odt', photo: true });
    const { out } = await strip(fx, dir, KEEP_DATE, 'keep-photo-out.odt');
    expect(await findLeaks(out, fx.mediaType, KEEP_DATE)).toEqual([]);
    await expectClean(fx, out, KEEP_DATE);
  });
});
