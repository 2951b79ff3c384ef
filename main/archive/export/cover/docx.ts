import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { Language } from '../../../../shared/api';
import { coverParts } from '../../../../shared/cover';
import { startsLeftToRight, type CoverModel, type Text } from './model';

/**
 * The editable cover document (DOCX), made with the `docx` package. Lawyers finish it in Word or LibreOffice
 * before sending, so it is plain: headings, paragraphs and tables, no fields, macros or embedded files.
 *
 * Right to left (Arabic): every paragraph is `bidirectional` (w:bidi), every run of text in the document
 * language is `rightToLeft` (w:rtl) and tables are `visuallyRightToLeft` (w:bidiVisual), so Word and LibreOffice
 * lay the page out from the right. Left-to-right data (dates, hashes, file names, commands) are runs without
 * w:rtl, bracketed by LEFT-TO-RIGHT MARKs so the bidi algorithm cannot reorder a date like 2024-03-05; so is
 * any text that starts with a Latin letter (a Latin name with "(unit 7)" keeps its brackets in place).
 *
 * Fonts: Arial for Latin and for complex scripts (it has Arabic on Windows and macOS, and LibreOffice falls
 * back to a font with Arabic); monospace data in Courier New. Fonts are not embedded: an editable document
 * should use the fonts of the machine it is edited on. Document properties name no person: creator and last
 * editor are "Huella".
 */

const LRM = '\u200E';
const FONT = { ascii: 'Arial', hAnsi: 'Arial', cs: 'Arial', eastAsia: 'Arial' };
const MONO = { ascii: 'Courier New', hAnsi: 'Courier New', cs: 'Courier New', eastAsia: 'Courier New' };

type Ctx = { readonly rtl: boolean; readonly lang: Language };

function run(ctx: Ctx, t: Text, opts: { bold?: boolean; size?: number; mono?: boolean; color?: string } = {}): TextRun {
  const ltr = t.ltr === true || (ctx.rtl && startsLeftToRight(t.text));
  return new TextRun({
    text: ltr && ctx.rtl ? `${LRM}${t.text}${LRM}` : t.text,
    rightToLeft: ctx.rtl && !ltr,
    font: opts.mono || t.mono ? MONO : FONT,
    ...(opts.bold ? { bold: true, boldComplexScript: true } : {}),
    ...(opts.size ? { size: opts.size, sizeComplexScript: opts.size } : {}),
    ...(opts.color ? { color: opts.color } : {}),
  });
}

function para(ctx: Ctx, children: ParagraphChild[], opts: { heading?: (typeof HeadingLevel)[keyof typeof HeadingLevel]; ltr?: boolean; spacingAfter?: number } = {}): Paragraph {
  return new Paragraph({
    children,
    bidirectional: ctx.rtl && !opts.ltr,
    ...(opts.ltr && ctx.rtl ? { alignment: AlignmentType.LEFT } : {}),
    ...(opts.heading ? { heading: opts.heading } : {}),
    spacing: opts.heading ? { before: 240, after: 80 } : { after: opts.spacingAfter ?? 80 },
  });
}

/** A cell's lines, one paragraph each; a line given as several texts is one paragraph of several runs. */
function cell(ctx: Ctx, lines: readonly (Text | readonly Text[])[], opts: { widthPct?: number; header?: boolean; span?: number; color?: string; size?: number; mono?: boolean } = {}): TableCell {
  const runOpts = { bold: opts.header ?? false, ...(opts.color ? { color: opts.color } : {}), ...(opts.size ? { size: opts.size } : {}), ...(opts.mono ? { mono: true } : {}) };
  return new TableCell({
    children: (lines.length > 0 ? lines : [{ text: '' }]).map((l) => para(ctx, (isTextList(l) ? l : [l]).map((t) => run(ctx, t, runOpts)), { spacingAfter: 0 })),
    ...(opts.widthPct ? { width: { size: opts.widthPct, type: WidthType.PERCENTAGE } } : {}),
    ...(opts.span ? { columnSpan: opts.span } : {}),
    ...(opts.header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'EEEEEE' } } : {}),
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
  });
}

function isTextList(l: Text | readonly Text[]): l is readonly Text[] {
  return Array.isArray(l);
}

/** 'Original: <hash>' in the cover's language (`labelValue`), one paragraph: the hash a left-to-right monospaced run. */
function hashLine(ctx: Ctx, label: string, sha256: string): Text[] {
  return coverParts<Text>('labelValue', ctx.lang, { label: { text: label }, value: { text: sha256, ltr: true, mono: true } }, (text) => ({ text }));
}

function table(ctx: Ctx, rows: TableRow[]): Table {
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE }, layout: TableLayoutType.FIXED, visuallyRightToLeft: ctx.rtl });
}

function twoColumn(ctx: Ctx, rows: readonly (readonly [string, readonly Text[], { color?: string; mono?: boolean }?])[]): Table {
  return table(
    ctx,
    rows.map(([k, v, o]) => new TableRow({ children: [cell(ctx, [{ text: k }], { widthPct: 32, header: true }), cell(ctx, v, { widthPct: 68, ...(o ?? {}) })] })),
  );
}

type Block = Paragraph | Table;

function heading(ctx: Ctx, text: string): Paragraph {
  return para(ctx, [run(ctx, { text })], { heading: HeadingLevel.HEADING_2 });
}

/** Title, case, notices, the addressee table and the note on names. */
function headBlocks(ctx: Ctx, m: CoverModel): Block[] {
  return [
    para(ctx, [run(ctx, { text: m.title }, { bold: true })], { heading: HeadingLevel.TITLE }),
    ...(m.caseTitle ? [para(ctx, [run(ctx, { text: m.caseTitle }, { size: 24 })])] : []),
    ...m.notices.map((n) => para(ctx, [run(ctx, { text: n }, { bold: true, color: 'AA0000' })])),
    twoColumn(ctx, m.meta.map(([k, v]) => [k, [v]] as const)),
    para(ctx, [run(ctx, { text: m.namesNote }, { color: '444444' })]),
  ];
}

/** The mechanism's sections: a heading and a two-column table of answers each (missing answers in red). */
function sectionBlocks(ctx: Ctx, m: CoverModel): Block[] {
  return m.sections.flatMap((s) => [
    heading(ctx, s.title),
    twoColumn(
      ctx,
      s.fields.map((f) => [f.label, f.confidential ? [...f.lines, { text: m.headings.confidential }] : f.lines, f.missing ? { color: 'AA0000' } : {}] as const),
    ),
  ]);
}

/** An exhibit's two rows: number, file, what it shows, tags, transformation; then its hashes across four columns. */
function evidenceRows(ctx: Ctx, h: CoverModel['headings'], e: CoverModel['evidence'][number]): TableRow[] {
  return [
    new TableRow({
      children: [
        cell(ctx, [{ text: e.label, ltr: true }], { widthPct: 8 }),
        cell(ctx, [{ text: e.file, ltr: true }], { widthPct: 24 }),
        cell(ctx, [{ text: e.shows }], { widthPct: 28 }),
        cell(ctx, [{ text: e.tags }], { widthPct: 20 }),
        cell(ctx, [{ text: e.transformation }], { widthPct: 20 }),
      ],
    }),
    new TableRow({
      children: [
        cell(ctx, [{ text: 'SHA-256' }], { widthPct: 8, size: 14 }),
        cell(
          ctx,
          [hashLine(ctx, h.original, e.originalSha256), ...(e.exportedSha256 ? [hashLine(ctx, h.exported, e.exportedSha256)] : [])],
          { widthPct: 92, span: 4, size: 14 },
        ),
      ],
    }),
  ];
}

/** The evidence index (nothing when the packet has no exhibit). */
function evidenceBlocks(ctx: Ctx, m: CoverModel): Block[] {
  if (m.evidence.length === 0) return [];
  const h = m.headings;
  const header = new TableRow({
    tableHeader: true,
    children: [
      cell(ctx, [{ text: h.number }], { widthPct: 8, header: true }),
      cell(ctx, [{ text: h.file }], { widthPct: 24, header: true }),
      cell(ctx, [{ text: h.shows }], { widthPct: 28, header: true }),
      cell(ctx, [{ text: h.tags }], { widthPct: 20, header: true }),
      cell(ctx, [{ text: h.transformation }], { widthPct: 20, header: true }),
    ],
  });
  return [heading(ctx, h.evidence), table(ctx, [header, ...m.evidence.flatMap((e) => evidenceRows(ctx, h, e))])];
}

/** The testimonies table (nothing when the packet has none). */
function testimonyBlocks(ctx: Ctx, m: CoverModel): Block[] {
  if (m.testimonies.length === 0) return [];
  const h = m.headings;
  const header = new TableRow({
    tableHeader: true,
    children: [h.number, h.file, h.witness, h.interviewDate].map((x, i) => cell(ctx, [{ text: x }], { widthPct: [10, 30, 35, 25][i]!, header: true })),
  });
  const rows = m.testimonies.map(
    (t) =>
      new TableRow({
        children: [
          cell(ctx, [{ text: t.label, ltr: true }], { widthPct: 10 }),
          cell(ctx, [{ text: t.file, ltr: true }], { widthPct: 30 }),
          cell(ctx, [{ text: t.witness }], { widthPct: 35 }),
          cell(ctx, [{ text: t.date, ltr: true }], { widthPct: 25 }),
        ],
      }),
  );
  return [heading(ctx, h.testimonies), table(ctx, [header, ...rows])];
}

/** Chain of custody (the checkpoint's figures), then how to verify: a label and a monospaced command each. */
function custodyAndVerifyBlocks(ctx: Ctx, m: CoverModel): Block[] {
  return [
    heading(ctx, m.headings.custody),
    para(ctx, [run(ctx, { text: m.custodyIntro })]),
    twoColumn(ctx, m.custody.map(([k, v]) => [k, [v]] as const)),
    heading(ctx, m.headings.verify),
    para(ctx, [run(ctx, { text: m.verifyIntro })]),
    ...m.commands.flatMap(([label, cmd]) => [
      para(ctx, [run(ctx, { text: label })], { spacingAfter: 20 }),
      para(ctx, [run(ctx, { text: cmd, ltr: true }, { mono: true, size: 16 })], { ltr: true }),
    ]),
  ];
}

/** The document around the body: properties that name no person, default fonts and language, A4 with 2 cm margins. */
function coverDocument(m: CoverModel, body: Block[]): Document {
  return new Document({
    creator: 'Huella',
    lastModifiedBy: 'Huella',
    title: m.title,
    description: '',
    styles: {
      default: {
        document: {
          run: { font: FONT, size: 20, sizeComplexScript: 20, language: { value: m.lang === 'ar' ? 'ar-SA' : m.lang, bidirectional: 'ar-SA' } },
        },
      },
    },
    sections: [{ properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } }, children: body }],
  });
}

export async function renderCoverDocx(m: CoverModel): Promise<Buffer> {
  const ctx: Ctx = { rtl: m.rtl, lang: m.lang };
  const body = [...headBlocks(ctx, m), ...sectionBlocks(ctx, m), ...evidenceBlocks(ctx, m), ...testimonyBlocks(ctx, m), ...custodyAndVerifyBlocks(ctx, m)];
  return Packer.toBuffer(coverDocument(m, body));
}
