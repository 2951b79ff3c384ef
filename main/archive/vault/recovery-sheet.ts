import encodeQR from 'qr';
import type * as MupdfModule from 'mupdf';
import type { Language } from '../../../shared/api';
import { HuellaError } from '../errors';
import { addActualText, runPageWithActualText } from '../pdf/actual-text';
import { loadMupdfForWriting } from '../pdf/mupdf';
import { parseRecoveryKey } from './recovery-key';
import { sheetText, uiText } from './recovery-sheet-text';

/**
 * The printable recovery sheet (DESIGN §3, §7): one PDF page, made locally, with the recovery key in groups, a QR
 * code of the same key, the vault id, and instructions in the person's language (en, es, fr, ar, right to left for
 * Arabic). Never the passphrase: it is not an input of this module.
 *
 * Layout: HTML laid out by MuPDF (the `mupdf` package, already our PDF library: formats/pdf.ts), whose HTML
 * engine does the bidirectional layout and Arabic shaping (HarfBuzz) that hand-placed PDF text would not — the same
 * library and fonts as the packet cover documents (export/cover/pdf.ts): Noto Sans and Noto Naskh Arabic (SIL OFL),
 * embedded and subset, never fetched. The QR code (`qr` package: zero dependencies, by the author of @scure/base) is drawn as a grey-scale PNG at
 * 8 pixels per module, so it stays sharp at any print scale; error correction level M.
 *
 * The PDF holds the key in clear. Whoever makes one should print it and not keep the file: the CLI says so, and
 * can write it to standard output (`--recovery-sheet -`) so that it never touches the disk.
 */

type Mupdf = typeof MupdfModule;
export type SheetPaper = 'a4' | 'letter';

export type RecoverySheetInput = {
  readonly recoveryKey: string;
  readonly vaultId: string;
  readonly lang: Language;
  /** Fingerprint of the vault's backup-signing key, so a backup drive can be checked against paper. */
  readonly backupKeyFingerprint?: string;
  readonly date?: Date;
  readonly paper?: SheetPaper;
};

const PAPER: Readonly<Record<SheetPaper, readonly [number, number]>> = { a4: [595.28, 841.89], letter: [612, 792] };
const QR_MODULE_PIXELS = 8;
const QR_QUIET_MODULES = 4;

const FONT_FAMILY = 'HuellaSheet';
/** Noto Naskh Arabic also covers Latin; an Arabic sheet names it for the whole text, because MuPDF caches ONE
 * fallback font per script (the first weight asked for), which would set all Arabic text in bold. */
const FONT_FAMILY_ARABIC = 'HuellaSheetArabic';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A left-to-right run (key, id, command) that keeps its order inside Arabic text. */
function ltr(s: string): string {
  return `<span dir="ltr">${esc(s)}</span>`;
}

/** The QR code of `text` as a PNG data URL (black modules on white, quiet zone included). */
function qrPng(m: Mupdf, text: string): string {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium', border: QR_QUIET_MODULES });
  const size = matrix.length * QR_MODULE_PIXELS;
  const pix = new m.Pixmap(m.ColorSpace.DeviceGray, [0, 0, size, size], false);
  pix.clear(255);
  const pixels = pix.getPixels();
  const stride = pix.getStride();
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < QR_MODULE_PIXELS; dy++) pixels.fill(0, (y * QR_MODULE_PIXELS + dy) * stride + x * QR_MODULE_PIXELS, (y * QR_MODULE_PIXELS + dy) * stride + (x + 1) * QR_MODULE_PIXELS);
    }),
  );
  return `data:image/png;base64,${Buffer.from(pix.asPNG()).toString('base64')}`;
}

function sheetHtml(input: RecoverySheetInput, qr: string, groups: readonly string[]): string {
  const { lang } = input;
  const rtl = lang === 'ar';
  const ui = uiText(lang);
  const t = (k: Parameters<typeof sheetText>[0]): string => esc(sheetText(k, lang));
  const date = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang, { dateStyle: 'long' }).format(input.date ?? new Date());
  const rows: string[] = [];
  for (let i = 0; i < groups.length; i += 4) rows.push(`<tr>${groups.slice(i, i + 4).map((g) => `<td class="g">${esc(g)}</td>`).join('')}</tr>`);
  // Numbered steps as a table: MuPDF places list markers on the wrong side in right-to-left text, and does not
  // mirror table columns, so the number cell comes last there.
  const steps = (html: readonly string[]): string =>
    `<table class="steps">${html.map((h, i) => (rtl ? `<tr><td>${h}</td><td class="n">${i + 1}.</td></tr>` : `<tr><td class="n">${i + 1}.</td><td>${h}</td></tr>`)).join('')}</table>`;
  const use1 = t('use1').replace('{button}', esc(ui.useRecoveryKey));
  return `<!DOCTYPE html>
<html lang="${lang}" dir="${rtl ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"/><style>
body { font-family: ${rtl ? FONT_FAMILY_ARABIC : FONT_FAMILY}; font-size: 10pt; line-height: 1.35; margin: 0; }
h1 { font-size: 20pt; margin: 0 0 4pt 0; }
h2 { font-size: 12pt; margin: 10pt 0 3pt 0; }
p { margin: 0 0 4pt 0; }
.warn { border: 1.5pt solid #000; padding: 6pt 8pt; font-weight: bold; margin: 8pt 0; }
.meta td { padding: 1pt 8pt 1pt 0; }
.keybox { border: 1pt solid #000; padding: 8pt; margin: 6pt 0; }
table.key { direction: ltr; margin: 0; }
td.g { font-family: ${FONT_FAMILY}; text-align: left; font-weight: bold; font-size: 17pt; letter-spacing: 1.5pt; padding: 3pt 8pt 3pt 0; }
.layout td { vertical-align: top; }
.keycell { padding-right: 10pt; }
td.n { width: 16pt; vertical-align: top; font-weight: bold; text-align: ${rtl ? 'right' : 'left'}; }
table.steps { margin: 0 0 2pt 0; }
table.steps td { padding: 0 0 2pt 0; vertical-align: top; }
.small { font-size: 8.5pt; }
</style></head><body>
<h1>${esc(ui.title)}</h1>
<p class="small">${t('brand')}</p>
<div class="warn">${t('warning')}</div>
<table class="meta">
<tr><td>${esc(ui.vault)}:</td><td><b>${ltr(input.vaultId)}</b></td></tr>
<tr><td>${t('printed')}:</td><td>${esc(date)}</td></tr>
${input.backupKeyFingerprint ? `<tr><td>${t('backupKey')}:</td><td>${ltr(input.backupKeyFingerprint)}</td></tr>` : ''}
</table>
<h2>${esc(ui.keyHeading)}</h2>
<table class="layout" dir="ltr"><tr>
<td class="keycell"><div class="keybox" dir="ltr"><table class="key">${rows.join('\n')}</table></div><p class="small" dir="${rtl ? 'rtl' : 'ltr'}">${t('qrCaption')}</p></td>
<td class="qrcell"><img src="${qr}" style="width:132pt;height:132pt"/></td>
</tr></table>
<h2>${t('useHeading')}</h2>
${steps([use1, t('use2')])}
<h2>${t('keepHeading')}</h2>
${steps([...ui.steps.map(esc), t('lost').replace('huella recovery-sheet', ltr('huella recovery-sheet'))])}
<p><b>${t('noPassphrase')}</b></p>
${input.backupKeyFingerprint ? `<p class="small">${t('backupKeyHint').replace('huella backup verify', ltr('huella backup verify'))}</p>` : ''}
</body></html>`;
}

/** Renders the sheet; returns the PDF bytes. Throws WRONG_RECOVERY_KEY if `recoveryKey` is not a well-formed key. */
export async function renderRecoverySheet(input: RecoverySheetInput): Promise<Buffer> {
  parseRecoveryKey(input.recoveryKey).fill(0); // never print something that would not unlock
  const m = await loadMupdfForWriting();
  const groups = input.recoveryKey.trim().toUpperCase().split(/[\s-]+/).filter(Boolean);
  const html = sheetHtml(input, qrPng(m, groups.join('-')), groups);
  const [w, h] = PAPER[input.paper ?? 'a4'];
  const margin = 48;
  let doc: MupdfModule.Document | undefined;
  try {
    doc = m.Document.openDocument(Buffer.from(html, 'utf8'), 'text/html');
    doc.layout(w - 2 * margin, h - 2 * margin, 10);
    if (doc.countPages() !== 1) throw new HuellaError('INTERNAL', 'The recovery sheet does not fit on one page.');
    const page = doc.loadPage(0);
    const out = new m.Buffer();
    const writer = new m.DocumentWriter(out, 'pdf', 'compress');
    const device = writer.beginPage([0, 0, w, h]);
    const marked = runPageWithActualText(m, page, device, [1, 0, 0, 1, margin, margin]);
    writer.endPage();
    writer.close();
    // Keep only the glyphs used (the full Noto fonts are ~650 KB) and drop the Info dictionary (producer name).
    // A copy: asUint8Array() is a view of the WebAssembly memory, which opening the document may grow (detaching it).
    const written = Buffer.from(out.asUint8Array());
    out.destroy();
    const pdf = new m.PDFDocument(written);
    try {
      // Arabic extracts as the characters typed (../pdf/actual-text.ts).
      addActualText(pdf, 0, marked);
      pdf.setLanguage(input.lang);
      pdf.subsetFonts();
      pdf.getTrailer().delete('Info');
      pdf.getTrailer().get('Root').delete('Info');
      return Buffer.from(pdf.saveToBuffer('garbage=4,compress').asUint8Array());
    } finally {
      pdf.destroy();
    }
  } catch (e) {
    if (e instanceof HuellaError) throw e;
    throw new HuellaError('INTERNAL', 'The recovery sheet could not be made.', { cause: e });
  } finally {
    doc?.destroy();
  }
}
