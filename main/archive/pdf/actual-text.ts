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
}

const MARK = 1_000_000;

/** Glyphs that cannot be trusted to map back through the font's cmap: RTL and complex scripts (U+0590 up, except general punctuation), a ligature, a glyph of no character. */
function needsActualText(word: Glyph[]): boolean {
  return word.some((g) => g.gid < 0 || g.unicode < 0 || (g.unicode >= 0x0590 && !(g.unicode >= 0x2000 && g.unicode <= 0x206f)));
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
 * The glyphs that start a left-to-right run touching right-to-left text, on lines that hold right-to-left text.
 *
 * `pdftotext` (poppler) does not run the bidi algorithm: it orders a line's characters by position, takes each
 * maximal run of non-right-to-left characters (letters, digits and the punctuation it counts with numbers: . , : -
 * and the Arabic comma) as one left-to-right section, and writes the sections after one another in right-to-left
 * order with a space only where it sees a gap. A left-to-right run whose left end touches right-to-left text (the
 * Arabic semicolon before "colgado" in "…المدة: colgado…؛") or the line's left edge (a Latin value wrapped to the
 * next line after "التكرار:") then comes out glued to the Arabic word it follows in reading order ("المدةcolgado",
 * "التكرارtres"). Chromium's PDFs of the same HTML extract the same way. The fix: the first character of such a run
 * carries a space before it in its ActualText, so the reader's section starts with the space the text has there.
 */
function ltrRunEdges(glyphs: Glyph[]): { starts: Set<Glyph>; ends: Set<Glyph> } {
  const starts = new Set<Glyph>();
  const ends = new Set<Glyph>();
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
  const rtlGlyph = (g: Glyph): boolean => strongRtl(g.unicode) || (g.unicode < 0 && g.rtl);
  const right = (g: Glyph): number => g.trm[4] + Math.max(0, g.font.advanceGlyph(g.gid, g.wmode) * g.trm[0]);
  for (const l of lines) {
    if (!l.some((g) => strongRtl(g.unicode))) continue;
    for (const g of l) {
      if (g.unicode < 0 || rtlGlyph(g) || isMark(g) || !/[\p{L}\p{N}.,:\-\u060c]/u.test(String.fromCodePoint(g.unicode))) continue;
      let left: Glyph | undefined;
      for (const h of l) if (h !== g && h.trm[4] < g.trm[4] - 1e-3 && (!left || right(h) > right(left))) left = h;
      if (!left || (rtlGlyph(left) && g.trm[4] - right(left) < 0.15 * Math.abs(g.trm[0]))) starts.add(g);
    }
    // The right end of each left-to-right run with right-to-left text further left: the reader writes the run, then
    // that text, with nothing between ('mandateتحقق'). A space and a left-to-right mark (U+200E, which such a reader
    // counts as left-to-right, so the space stays inside the run) follow its last character.
    const sorted = l.filter((g) => g.unicode >= 0 && !isMark(g)).sort((p, q) => p.trm[4] - q.trm[4]);
    for (let i = 0; i < sorted.length; i++) {
      const g = sorted[i]!;
      if (rtlGlyph(g) || !/[\p{L}\p{N}.,:\-\u060c]/u.test(String.fromCodePoint(g.unicode))) continue;
      const next = sorted.slice(i + 1).find((h) => rtlGlyph(h) || /[\p{L}\p{N}.,:\-\u060c]/u.test(String.fromCodePoint(h.unicode)));
      if ((!next || rtlGlyph(next)) && sorted.slice(0, i).some(rtlGlyph)) ends.add(g);
    }
  }
  return { starts, ends };
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
 * Runs a laid-out page into the PDF writer's device. Returns the logical text of each marked word, in marker
 * order, for `addActualText` once the document is written.
 */
export function runPageWithActualText(mupdf: Mupdf, page: MupdfModule.Page, target: MupdfModule.Device, ctm: MupdfModule.Matrix): string[] {
  const marked: string[] = [];
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
        glyphs.push({ font, trm, gid, unicode, wmode, rtl: (bidi & 1) === 1 || rtl });
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
    const { starts, ends } = ltrRunEdges(glyphs);
    for (const w of words(glyphs)) {
      if (!needsActualText(w) && !w.some((g) => starts.has(g) || ends.has(g))) {
        plain.push(...w);
        continue;
      }
      flushPlain();
      for (const u of spans(w)) {
        const n = marked.length;
        marked.push(`${u.glyphs.some((g) => starts.has(g)) ? ' ' : ''}${u.text}${u.glyphs.some((g) => ends.has(g)) ? ' \u200e' : ''}`);
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
