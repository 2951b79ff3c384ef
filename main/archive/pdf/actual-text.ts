import type * as MupdfModule from 'mupdf';
import type { Mupdf } from './mupdf';

/**
 * Logical text for shaped scripts in the PDFs we write (cover documents, recovery sheet).
 *
 * MuPDF's HTML engine shapes Arabic with HarfBuzz, but its PDF writer derives the font's ToUnicode map from the
 * font's cmap. A shaped Arabic glyph is a contextual form (mapped to a presentation form, or to nothing when the
 * font draws the letter as a dotless skeleton plus a separate dot), and a ligature maps to one letter of several:
 * `pdftotext`, search, copy and screen readers then get letters missing. The laid-out text itself knows better:
 * every glyph MuPDF shows carries the character it stands for, in logical order, and the extra characters of a
 * ligature follow as glyph-less entries.
 *
 * So each page is run through a device that forwards everything to the PDF writer, except that the text is cut
 * into words (at spaces, line changes and changes of direction). In a word whose glyphs cannot speak for
 * themselves (any character of a right-to-left or complex script, or any ligature) each cluster (see spans()) is
 * drawn between two markers: a clip to a huge rectangle whose corner encodes the span's number, which makes the
 * writer close the text object and open a `q … Q` scope. After writing, each marker clip is replaced by a
 * `/Span <</ActualText (the characters)>> BDC`, closed by `EMC` before the scope's `Q` (ISO 32000-1 §14.9.4):
 * readers extract the characters typed, in logical order once they order the spans by position as they do any
 * glyphs. The bidi algorithm (MuPDF's layout) has already placed words and punctuation.
 */

interface Glyph {
  font: MupdfModule.Font;
  trm: MupdfModule.Matrix;
  gid: number;
  unicode: number;
  wmode: number;
  rtl: boolean;
  /** The page reads right to left for a reader that guesses a page's direction (see pageReadsRightToLeft()). */
  rtlPage: boolean;
}

const MARK = 1_000_000;

/** Glyphs that cannot be trusted to map back through the font's cmap: RTL and complex scripts (U+0590 up, except general punctuation), a ligature, a glyph of no character. */
function needsActualText(word: Glyph[]): boolean {
  return word.some((g) => g.gid < 0 || g.unicode < 0 || (g.unicode >= 0x0590 && !(g.unicode >= 0x2000 && g.unicode <= 0x206f)) || rtlNeutral(g));
}

/** Bidi formatting characters (LRM, RLM, embeddings, overrides, isolates): MuPDF shows them as space glyphs, which a reader would extract. */
function isBidiControl(u: number): boolean {
  return u === 0x200e || u === 0x200f || (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069);
}

/**
 * Punctuation and symbols that the bidi algorithm laid out right to left (the colon of an Arabic 'label: value', a
 * full stop, brackets, a dash between an Arabic word and a Latin one). A reader that does not run the bidi
 * algorithm (poppler) counts '.', ',', ':' and '-' with numbers and any other neutral with the run beside it, so
 * the colon before a hash joined the hash's left-to-right section and came out after it ('الأصل aaaa:'). Each such
 * character is a span of its own whose text is the character between two right-to-left marks (U+200F): strong
 * right-to-left on both sides, it stays where the bidi algorithm put it in reading order. Only on a page that the
 * reader reads right to left: on a left-to-right page it writes every line's sections left to right, and the
 * characters as drawn (a mirrored bracket as its shape) keep such a line readable.
 */
function rtlNeutral(g: Glyph): boolean {
  return g.rtlPage && g.rtl && g.gid >= 0 && g.unicode > 0x20 && !strongRtl(g.unicode) && !isMark(g) && !isBidiControl(g.unicode) && !/[\p{L}\p{N}]/u.test(String.fromCodePoint(g.unicode));
}

function words(glyphs: Glyph[]): Glyph[][] {
  const out: Glyph[][] = [];
  let cur: Glyph[] = [];
  const flush = (): void => {
    if (cur.length) out.push(cur);
    cur = [];
  };
  for (const g of glyphs) {
    const prev = cur[cur.length - 1];
    if (g.unicode === 0x20) {
      flush();
      out.push([g]);
      continue;
    }
    // A glyph-less entry (the further characters of a ligature) always belongs to the glyph before it.
    if (prev && g.gid >= 0 && (prev.rtl !== g.rtl || Math.abs(prev.trm[5] - g.trm[5]) > 0.9 * Math.abs(g.trm[3] || 1))) flush();
    cur.push(g);
  }
  flush();
  return out;
}

/** A glyph with what follows it: the dots of a skeleton letter (glyphs of no character), the further characters of a ligature (entries of no glyph). */
function clusters(word: Glyph[]): Glyph[][] {
  const out: Glyph[][] = [];
  for (const g of word) {
    const last = out[out.length - 1];
    // In a right-to-left run a ligature's further characters are spans of their own (see spans()).
    if (last && (g.unicode < 0 || (g.gid < 0 && !g.rtl))) last.push(g);
    else out.push([g]);
  }
  return out;
}

interface Unit {
  /** The characters, in logical order. */
  text: string;
  /** The glyphs to draw. */
  glyphs: Glyph[];
}

function isMark(g: Glyph): boolean {
  return g.unicode >= 0 && /\p{M}/u.test(String.fromCodePoint(g.unicode));
}

function spaceAt(base: Glyph, right: number, y: number): Glyph {
  const space = base.font.encodeCharacter(0x20);
  const x = right - base.font.advanceGlyph(space, base.wmode) * base.trm[0];
  return { ...base, gid: space, unicode: 0x20, trm: [base.trm[0], base.trm[1], base.trm[2], base.trm[3], x, y] };
}

/**
 * A word's ActualText spans, one per cluster. A reader (poppler) takes a span's extent from its first glyph's
 * origin to its last glyph's advance (from the font's widths), spreads the span's characters over it and orders
 * them by position like any glyphs; a span of several right-to-left characters would come out reversed, and
 * glyphs off the baseline or extents that do not meet would split the word. So each cluster is its own span,
 * drawn between two space glyphs (which draw nothing) on the word's baseline: one at the letter's origin, one
 * ending where the next letter of the word begins (Arabic skeletons have no advance of their own; the shaper
 * places them). A combining mark is a span of its own over its letter, which readers join to the letter.
 */
function spans(word: Glyph[]): Unit[] {
  const cl = clusters(word);
  const ys = new Map<number, number>();
  for (const g of word) if (g.gid >= 0 && g.unicode >= 0) ys.set(g.trm[5], (ys.get(g.trm[5]) ?? 0) + 1);
  const baseline = [...ys].sort((p, q) => q[1] - p[1])[0]?.[0] ?? word[0]!.trm[5];
  const starts = cl.filter((c) => !isMark(c[0]!)).map((c) => c[0]!.trm[4]);
  const advance = (g: Glyph): number => g.font.advanceGlyph(g.gid, g.wmode) * g.trm[0];
  let letter: Glyph | undefined;
  let marks = 0;
  return cl.map((c) => {
    const text = String.fromCodePoint(...c.filter((g) => g.unicode >= 0).map((g) => g.unicode));
    const base = c[0]!;
    const space = base.font.advanceGlyph(base.font.encodeCharacter(0x20), base.wmode) * base.trm[0];
    if (isMark(base) || base.gid < 0) {
      // A mark, or a further character of a right-to-left ligature: zero width, just inside its letter on the side
      // where it follows it in reading order (several in order).
      marks++;
      const at = letter ? letter.trm[4] + (letter.rtl ? -0.01 : 0.01) * marks : base.trm[4];
      return { text, glyphs: [spaceAt(base, at + space, baseline), ...c, spaceAt(base, at, baseline)] };
    }
    letter = base;
    marks = 0;
    const x = base.trm[4];
    const next = starts.filter((s) => s > x + 1e-3);
    // An Arabic skeleton has no advance; the glyph of its dots (or the shaper's next letter) carries it.
    const right = next.length ? Math.min(...next) : Math.max(x, ...c.filter((g) => g.gid >= 0).map((g) => g.trm[4] + advance(g)));
    return { text, glyphs: [spaceAt(base, x + space, baseline), ...c, spaceAt(base, right, baseline)] };
  });
}

/** Strong right-to-left for a bidi-unaware reader: Hebrew, Arabic letters and Arabic punctuation of class AL (not Arabic digits or the Arabic comma). */
function strongRtl(u: number): boolean {
  if (u < 0x0590 || u === 0x060c || (u >= 0x0660 && u <= 0x066c) || (u >= 0x06f0 && u <= 0x06f9)) return false;
  return u <= 0x08ff || (u >= 0xfb1d && u <= 0xfdff) || (u >= 0xfe70 && u <= 0xfefe);
}

/**
 * The glyphs that start a left-to-right run on a line that holds right-to-left text, where right-to-left text (or
 * a right-to-left neutral, see rtlNeutral()) lies further left.
 *
 * `pdftotext` (poppler) does not run the bidi algorithm: it orders a line's characters by position and, on a
 * right-to-left page, reads them from the right in sections: a right-to-left section runs over everything but
 * left-to-right letters and what it counts with numbers (digits, '.', ',', ':', '-'), a left-to-right section over
 * everything but right-to-left letters, and each left-to-right section is written left to right. The gap (a
 * space) left of a left-to-right run thus joins that run and is written before it, not after it ('SHA-256 —'
 * came out ' SHA-256—'), and a run whose left end touches right-to-left text is glued to the word it follows in
 * reading order ('التكرارtres'). The fix: the run's first character carries a right-to-left mark (U+200F) before it
 * in its ActualText, so the run's section ends there and the gap falls in the right-to-left section, where it is.
 */
function ltrRunStarts(glyphs: Glyph[]): Set<Glyph> {
  const starts = new Set<Glyph>();
  const lines: Glyph[][] = [];
  let line: Glyph[] = [];
  for (const g of glyphs) {
    if (g.gid < 0) continue;
    const prev = line[line.length - 1];
    if (prev && Math.abs(prev.trm[5] - g.trm[5]) > 0.9 * Math.abs(g.trm[3] || 1)) {
      lines.push(line);
      line = [];
    }
    if (g.unicode !== 0x20) line.push(g);
  }
  lines.push(line);
  const rtlGlyph = (g: Glyph): boolean => strongRtl(g.unicode) || (g.unicode < 0 && g.rtl) || rtlNeutral(g);
  const right = (g: Glyph): number => g.trm[4] + Math.max(0, g.font.advanceGlyph(g.gid, g.wmode) * g.trm[0]);
  for (const l of lines) {
    if (!l.some((g) => strongRtl(g.unicode))) continue;
    for (const g of l) {
      if (g.unicode < 0 || rtlGlyph(g) || isMark(g) || !/[\p{L}\p{N}.,:\-\u060c]/u.test(String.fromCodePoint(g.unicode))) continue;
      let left: Glyph | undefined;
      for (const h of l) if (h !== g && h.trm[4] < g.trm[4] - 1e-3 && (!left || right(h) > right(left))) left = h;
      if (left && rtlGlyph(left)) starts.add(g);
    }
  }
  return starts;
}

function toText(mupdf: Mupdf, glyphs: Glyph[]): MupdfModule.Text {
  const t = new mupdf.Text();
  for (const g of glyphs) t.showGlyph(g.font, g.trm, g.gid, g.unicode, g.wmode);
  return t;
}

/** UTF-16BE with BOM as a PDF hex string (ISO 32000-1 §7.9.2.2). */
function pdfTextString(s: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/**
 * Whether poppler reads the page right to left: it takes one direction per page, from the count of left-to-right
 * letters against right-to-left ones (TextPage::coalesce), and on a left-to-right page writes each line's sections
 * in left-to-right order. The last page of an Arabic cover, holding the verification commands, can be such a page.
 */
function pageReadsRightToLeft(mupdf: Mupdf, page: MupdfModule.Page, ctm: MupdfModule.Matrix): boolean {
  let count = 0;
  const dev = new mupdf.Device({
    fillText: (text: MupdfModule.Text) => {
      text.walk({
        showGlyph: (_font, _trm, _gid, unicode) => {
          if (unicode < 0 || isBidiControl(unicode)) return;
          if (strongRtl(unicode)) count--;
          else if (/\p{L}/u.test(String.fromCodePoint(unicode))) count++;
        },
      });
    },
  });
  page.run(dev, ctm);
  dev.close();
  dev.destroy();
  return count < 0;
}

/**
 * Runs a laid-out page into the PDF writer's device. Returns the logical text of each marked word, in marker
 * order, for `addActualText` once the document is written.
 */
export function runPageWithActualText(mupdf: Mupdf, page: MupdfModule.Page, target: MupdfModule.Device, ctm: MupdfModule.Matrix): string[] {
  const marked: string[] = [];
  const rtlPage = pageReadsRightToLeft(mupdf, page, ctm);
  const forward = target as unknown as Record<string, (...a: unknown[]) => unknown>;
  const pass = (name: string) => (...a: unknown[]) => forward[name]!.apply(target, a);
  const names = ['fillPath', 'strokePath', 'clipPath', 'clipStrokePath', 'strokeText', 'clipText', 'clipStrokeText', 'ignoreText', 'fillShade', 'fillImage', 'fillImageMask', 'clipImageMask', 'popClip', 'beginMask', 'endMask', 'beginGroup', 'endGroup', 'beginTile', 'endTile', 'beginLayer', 'endLayer'];
  const callbacks: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, pass(n)]));
  callbacks.fillText = (text: MupdfModule.Text, m: MupdfModule.Matrix, cs: MupdfModule.ColorSpace, components: number[], alpha: number): void => {
    const color = components as MupdfModule.Color;
    const glyphs: Glyph[] = [];
    let rtl = false;
    text.walk({
      beginSpan: (_f, _t, _w, bidi) => {
        rtl = (bidi & 1) === 1;
      },
      showGlyph: (font, trm, gid, unicode, wmode, bidi) => {
        // A bidi control draws nothing: left out, so no reader extracts it.
        if (isBidiControl(unicode)) return;
        glyphs.push({ font, trm, gid, unicode, wmode, rtl: (bidi & 1) === 1 || rtl, rtlPage });
      },
    });
    let plain: Glyph[] = [];
    const flushPlain = (): void => {
      if (plain.length) {
        const t = toText(mupdf, plain);
        target.fillText(t, m, cs, color, alpha);
        t.destroy();
      }
      plain = [];
    };
    const starts = rtlPage ? ltrRunStarts(glyphs) : new Set<Glyph>();
    for (const w of words(glyphs)) {
      if (!needsActualText(w) && !w.some((g) => starts.has(g))) {
        plain.push(...w);
        continue;
      }
      flushPlain();
      for (const u of spans(w)) {
        const n = marked.length;
        const text = rtlNeutral(u.glyphs[1]!) ? `\u200f${u.text}\u200f` : u.text;
        marked.push(`${u.glyphs.some((g) => starts.has(g)) ? '\u200f' : ''}${text}`);
        const p = new mupdf.Path();
        p.rect(-MARK - n, -MARK, MARK, MARK);
        target.clipPath(p, false, mupdf.Matrix.identity);
        const t = toText(mupdf, u.glyphs);
        target.fillText(t, m, cs, color, alpha);
        target.popClip();
        t.destroy();
        p.destroy();
      }
    }
    flushPlain();
  };
  const dev = new mupdf.Device(callbacks);
  page.run(dev, ctm);
  dev.close();
  dev.destroy();
  return marked;
}

// The writer may re-establish its matrix between `q` and the clip path: that `cm` is kept.
const MARKER = /q\n((?:[-.\d]+ ){6}cm\n)?(-?\d+) (-?\d+) (\d+) (\d+) re\nW n\n/g;

/** Replaces the markers of page `index` by ActualText spans (see the module comment). Throws if any is unmatched. */
export function addActualText(pdf: MupdfModule.PDFDocument, index: number, marked: string[]): void {
  if (marked.length === 0) return;
  const page = pdf.loadPage(index);
  try {
    const contents = page.getObject().get('Contents');
    const streams = contents.isArray() ? Array.from({ length: contents.length }, (_, i) => contents.get(i)) : [contents];
    let seen = 0;
    for (const s of streams) {
      const src = Buffer.from(s.readStream().asUint8Array()).toString('latin1');
      let out = '';
      let at = 0;
      for (const m of src.matchAll(MARKER)) {
        if (m.index < at) throw new Error('nested ActualText marker');
        const n = -MARK - Number(m[2]);
        if (Number(m[3]) !== -MARK || n < 0 || n >= marked.length || Number(m[4]) !== 2 * MARK + n) continue;
        const end = src.indexOf('\nQ\n', m.index + m[0].length - 1);
        if (end < 0) throw new Error('ActualText marker without its Q');
        out += src.slice(at, m.index) + `q\n${m[1] ?? ''}/Span <</ActualText ${pdfTextString(marked[n]!)}>> BDC\n` + src.slice(m.index + m[0].length, end + 1) + 'EMC\nQ\n';
        at = end + 3;
        seen++;
      }
      out += src.slice(at);
      s.writeStream(Buffer.from(out, 'latin1'));
    }
    if (seen !== marked.length) throw new Error(`ActualText: ${seen} of ${marked.length} words marked`);
  } finally {
    page.destroy();
  }
}
