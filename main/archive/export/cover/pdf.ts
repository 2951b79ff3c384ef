import type * as MupdfModule from 'mupdf';
import { HuellaError } from '../../errors';
import { addActualText, runPageWithActualText } from '../../pdf/actual-text';
import { loadMupdfForWriting } from '../../pdf/mupdf';
import { coverHtml } from './html';
import type { CoverModel } from './model';

/**
 * The PDF cover document. Library: MuPDF.js (already a dependency for PDF stripping; AGPL like Huella). Its HTML
 * engine lays the document out with HarfBuzz shaping and the Unicode bidi algorithm, so Arabic joins and runs
 * right to left correctly, which the simpler PDF writers (pdf-lib, pdfkit without a shaper) cannot do. Fonts come
 * from main/archive/pdf (never from the system, never from the network) and are subset into the file. The PDF carries no Info dictionary or XMP: nothing about the machine or the person.
 */

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;

export async function renderCoverPdf(model: CoverModel): Promise<Buffer> {
  const mupdf = await loadMupdfForWriting();
  const html = coverHtml(model);
  let doc: MupdfModule.Document | undefined;
  let pdf: MupdfModule.PDFDocument | undefined;
  try {
    doc = mupdf.Document.openDocument(Buffer.from(html, 'utf8'), 'text/html');
    doc.layout(A4.width - 2 * MARGIN, A4.height - 2 * MARGIN, 9.5);
    const buf = new mupdf.Buffer();
    const writer = new mupdf.DocumentWriter(buf, 'pdf', '');
    const pages = doc.countPages();
    const marked: string[][] = [];
    for (let i = 0; i < pages; i++) {
      const page = doc.loadPage(i);
      const dev = writer.beginPage([0, 0, A4.width, A4.height]);
      marked.push(runPageWithActualText(mupdf, page, dev, mupdf.Matrix.translate(MARGIN, MARGIN)));
      writer.endPage();
      page.destroy();
    }
    writer.close();
    // The writer embeds whole fonts; subsetting keeps the PDF small (≈ 70 KB instead of ≈ 1.5 MB).
    // A copy: asUint8Array() is a view of the WebAssembly memory, which opening the document may grow (detaching it).
    const written = Buffer.from(buf.asUint8Array());
    buf.destroy();
    const opened = mupdf.Document.openDocument(written, 'application/pdf').asPDF();
    if (!opened) throw new Error('not a PDF');
    pdf = opened;
    // Shaped words (Arabic, ligatures) extract as the characters typed: ../../pdf/actual-text.ts.
    marked.forEach((words, i) => addActualText(opened, i, words));
    pdf.setLanguage(model.lang);
    pdf.subsetFonts();
    return Buffer.from(pdf.saveToBuffer('compress,garbage=deduplicate').asUint8Array());
  } catch (e) {
    throw new HuellaError('INTERNAL', 'The PDF cover document could not be produced.', { cause: e });
  } finally {
    pdf?.destroy();
    doc?.destroy();
  }
}
