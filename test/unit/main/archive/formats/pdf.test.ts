import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir } from '../../../../helpers/tmp';
import { DOC_PEOPLE, makePdf } from '../../../../fixtures/documents';
import type { MadeFixture } from '../../../../fixtures/photos';
import { RICH_EXIF } from '../../../../fixtures/photos';
import { expectClean, expectDirty, KEEP_DATE, OPTS, strip } from './strip-helpers';
import { pdfFile } from '../../../../reliability/campaigns/hostile';

const dir = tempDir('huella-strip-pdf-');

function pdfinfo(file: string): string {
  return execFileSync('pdfinfo', [file], { encoding: 'utf8' });
}

function render(file: string): Buffer {
  const prefix = path.join(dir, `render-${path.basename(file)}`);
  execFileSync('pdftoppm', ['-r', '36', '-png', '-singlefile', file, prefix]);
  return fs.readFileSync(`${prefix}.png`);
}

/**
 * A one-page PDF whose only metadata is the trailer's Info dictionary and /ID: no object in it needs cleaning, so the
 * trailer is the document's first edit (as in a pdfTeX file). Offsets are computed, so MuPDF needs no repair.
 */
function infoOnlyPdf(file: string): MadeFixture {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Author (${DOC_PEOPLE.author}) /Producer (${DOC_PEOPLE.software}) /CreationDate (D:20240305142210-03'00') >>`,
  ];
  const trailer = (xref: number): string =>
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n${xref}\n%%EOF\n`;
  fs.writeFileSync(file, pdfFile(objects, trailer));
  return { path: file, mediaType: 'application/pdf', originalValues: [DOC_PEOPLE.author, DOC_PEOPLE.software] };
}

describe('PDF stripping', () => {
  let fx: MadeFixture;
  beforeAll(async () => {
    fx = await makePdf({ dir, photo: true, incremental: true });
  });

  it('removes Info, XMP, PieceInfo, annotation authors, the embedded photo\'s Exif and every earlier revision', async () => {
    await expectDirty(fx);
    expect(pdfinfo(fx.path)).toContain(DOC_PEOPLE.editor);
    // The first revision's author is still in the original bytes, hidden from pdfinfo by the incremental update.
    expect(fs.readFileSync(fx.path).includes(Buffer.from(DOC_PEOPLE.author, 'latin1'))).toBe(true);
    const { out, result } = await strip(fx, dir);
    await expectClean(fx, out);
    const info = pdfinfo(out);
    expect(info).not.toMatch(/^(Author|Creator|Producer|CreationDate|ModDate|Title):/m);
    expect(info).toMatch(/^Metadata Stream:\s+no$/m);
    expect(info).toMatch(/^Pages:\s+1$/m);
    const bytes = fs.readFileSync(out);
    for (const v of [DOC_PEOPLE.author, DOC_PEOPLE.editor, DOC_PEOPLE.commenter, RICH_EXIF.serial, 'MuPDF']) expect(bytes.includes(Buffer.from(v, 'latin1')), v).toBe(false);
    expect(bytes.toString('latin1').match(/%%EOF/g)).toHaveLength(1);
    expect(result.record.method).toBe('rewrite');
    expect(result.record.removed).toEqual(
      expect.arrayContaining(['Info dictionary (author, creator, producer, dates…)', 'earlier revisions (1 incremental update)', 'metadata inside embedded JPEG images (1)', 'annotation authors and dates (1)']),
    );
    execFileSync('qpdf', ['--check', out]);
  });

  it('renders the same page as the original', async () => {
    const { out } = await strip(fx, dir, OPTS, 'render-check.pdf');
    expect(render(out).equals(render(fx.path))).toBe(true);
  });

  it('keeps only CreationDate when the profile keeps the capture date', async () => {
    const { out, result } = await strip(fx, dir, KEEP_DATE, 'keep-date.pdf');
    expect(result.record.kept).toEqual(['Info/CreationDate']);
    const info = pdfinfo(out);
    expect(info).toMatch(/^CreationDate:/m);
    expect(info).not.toMatch(/^(Author|Producer|ModDate):/m);
    await expectClean(fx, out, KEEP_DATE);
  });

  it.each(['classic', 'stream'])('removes the Info dictionary and /ID of a file in which no object needed cleaning (%s cross-reference)', async (xref) => {
    const classic = infoOnlyPdf(path.join(dir, 'info-only.pdf'));
    // A cross-reference stream and object streams, as pdfTeX and most current writers make them.
    if (xref === 'stream') execFileSync('qpdf', ['--object-streams=generate', classic.path, path.join(dir, 'info-only-xref-stream.pdf')]);
    const plain = xref === 'stream' ? { ...classic, path: path.join(dir, 'info-only-xref-stream.pdf') } : classic;
    if (xref === 'stream') expect(fs.readFileSync(plain.path, 'latin1')).toMatch(/\/Type\s*\/XRef/);
    expect(pdfinfo(plain.path)).toContain(DOC_PEOPLE.author);
    const { out, result } = await strip(plain, dir, OPTS, `info-only-${xref}-out.pdf`);
    expect(result.record.removed).toEqual(['Info dictionary (author, creator, producer, dates…)', 'document ID']);
    expect(result.record.notes).not.toMatch(/rebuilt/);
    const bytes = fs.readFileSync(out).toString('latin1');
    expect(bytes).not.toContain(DOC_PEOPLE.author);
    expect(bytes).not.toContain(DOC_PEOPLE.software);
    expect(bytes).not.toMatch(/\/ID\s*\[/);
    expect(pdfinfo(out)).not.toMatch(/^(Author|Producer|CreationDate):/m);
    await expectClean(plain, out);

    const kept = await strip(plain, dir, KEEP_DATE, `info-only-${xref}-keep-date.pdf`);
    expect(kept.result.record.kept).toEqual(['Info/CreationDate']);
    expect(pdfinfo(kept.out)).toMatch(/^CreationDate:/m);
    expect(pdfinfo(kept.out)).not.toMatch(/^(Author|Producer):/m);
    await expectClean(plain, kept.out, KEEP_DATE);
  });

  it('refuses an encrypted PDF with a clear reason', async () => {
    const enc = path.join(dir, 'encrypted.pdf');
    execFileSync('qpdf', ['--encrypt', 'user-pw', 'owner-pw', '256', '--', fx.path, enc]);
    const out = path.join(dir, 'encrypted-out.pdf');
    const err = await stripToFile(() => fs.createReadStream(enc), 'application/pdf', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_UNSUPPORTED')).toBe(true);
    expect((err as Error).message).toMatch(/PDF.*encrypted/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails clearly on garbage with a PDF header, fast, leaving nothing', async () => {
    const bad = path.join(dir, 'garbage.pdf');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) % 251))]));
    const out = path.join(dir, 'garbage-out.pdf');
    const t0 = Date.now();
    const err = await stripToFile(() => fs.createReadStream(bad), 'application/pdf', out, OPTS).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });
});
