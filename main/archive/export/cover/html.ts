import { coverParts } from '../../../../shared/cover';
import { startsLeftToRight, type CoverModel, type Text } from './model';

/**
 * The cover document as HTML for MuPDF's layout engine (./pdf.ts), which shapes Arabic with HarfBuzz and applies
 * the Unicode bidi algorithm. MuPDF's bidi gets a European number with hyphens wrong inside Arabic (it showed
 * "2024-03-05" as "05-03-2024"), so every left-to-right datum (`Text.ltr`: dates, hashes, file names, ids,
 * commands) is wrapped in an explicit `dir="ltr"` span. Only HTML and CSS that MuPDF supports are used.
 */

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// Set per document: in a right-to-left document, left-to-right runs are isolated (RLM keeps the paragraph
// right-to-left and right-aligned; LRI … PDI lays the run out left to right). MuPDF honours these controls.
let rtlDocument = false;

function isolate(escaped: string): string {
  return rtlDocument ? `\u200F\u2066${escaped}\u2069` : escaped;
}

const RTL_CHAR = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/u;

/**
 * Free text that starts left to right in a right-to-left document: wholly left to right (a name in Latin
 * letters), it is isolated; mixing in right-to-left text ("hrc-wg-ad@un.org — تحقق …."), it only gets an RLM,
 * so the paragraph stays right to left and the bidi algorithm places each run and the punctuation (isolating
 * it all would lay the Arabic sentence out left to right, its full stop at the start of the line).
 */
function leadingLtr(s: string, escaped: string): string {
  if (!rtlDocument || !startsLeftToRight(s)) return escaped;
  return RTL_CHAR.test(s) ? `\u200F${escaped}` : isolate(escaped);
}

function text(t: Text): string {
  const inner = t.mono ? `<span class="mono">${esc(t.text)}</span>` : esc(t.text);
  return t.ltr ? isolate(inner) : leadingLtr(t.text, inner);
}

function ltr(s: string): string {
  return isolate(esc(s));
}

function free(s: string): string {
  return leadingLtr(s, esc(s));
}

const STYLE = `
body { font-family: "Noto Sans", "Noto Naskh Arabic", sans-serif; font-size: 9.5pt; line-height: 1.35; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt 0; }
h2 { font-size: 12pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #555; }
p { margin: 3pt 0; }
.case { font-size: 11pt; margin-bottom: 8pt; }
.notice { border: 1px solid #a00; color: #a00; padding: 4pt; }
.note { font-style: italic; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0; }
th, td { border: 1px solid #999; padding: 2pt 4pt; vertical-align: top; text-align: start; }
th { background-color: #eee; font-weight: bold; }
p.label { font-size: 8.5pt; color: #444; margin: 5pt 0 0 0; }
p.value { margin: 0 0 2pt 0; padding: 0 10pt; border-bottom: 1px solid #ddd; }
.missing { color: #a00; font-weight: bold; }
.conf { color: #a00; font-size: 8pt; }
.hash { font-size: 7.5pt; color: #222; }
.mono { font-family: monospace; }
.cmd { font-family: monospace; font-size: 8pt; background-color: #f4f4f4; padding: 2pt 4pt; margin: 1pt 0 6pt 0; }
`;

/** A label above its value: MuPDF ignores column widths in tables, so two-column forms are laid out as blocks. */
function field(label: string, valueHtml: string): string {
  return `<p class="label">${esc(label)}</p><p class="value">${valueHtml}</p>`;
}

export function coverHtml(m: CoverModel): string {
  rtlDocument = m.rtl;
  const h = m.headings;
  const out: string[] = [];
  out.push(`<!DOCTYPE html><html lang="${m.lang}" dir="${m.rtl ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${esc(m.title)}</h1>`);
  if (m.caseTitle) out.push(`<p class="case">${free(m.caseTitle)}</p>`);
  for (const n of m.notices) out.push(`<p class="notice">${esc(n)}</p>`);
  for (const [k, v] of m.meta) out.push(field(k, text(v)));
  out.push(`<p class="note">${esc(m.namesNote)}</p>`);
  for (const s of m.sections) {
    out.push(`<h2>${esc(s.title)}</h2>`);
    for (const f of s.fields) {
      const value = f.lines.map(text).join('<br>');
      const conf = f.confidential ? `<br><span class="conf">${esc(h.confidential)}</span>` : '';
      out.push(field(f.label, f.missing ? `<span class="missing">${value}</span>${conf}` : `${value}${conf}`));
    }
  }
  if (m.evidence.length > 0) {
    out.push(`<h2>${esc(h.evidence)}</h2><table>`);
    out.push(`<tr><th>${esc(h.number)}</th><th>${esc(h.file)}</th><th>${esc(h.shows)}</th><th>${esc(h.tags)}</th><th>${esc(h.transformation)}</th></tr>`);
    for (const e of m.evidence) {
      out.push(`<tr><td>${ltr(e.label)}</td><td>${ltr(e.file)}</td><td>${free(e.shows)}</td><td>${free(e.tags)}</td><td>${free(e.transformation)}</td></tr>`);
      const hash = (label: string, sha256: string) => coverParts('labelValue', m.lang, { label: esc(label), value: `<span class="mono">${ltr(sha256)}</span>` }, esc).join('');
      const hashes = [hash(h.original, e.originalSha256), ...(e.exportedSha256 ? [hash(h.exported, e.exportedSha256)] : [])].join('<br>');
      out.push(`<tr><td></td><td colspan="4" class="hash">SHA-256 — ${hashes}</td></tr>`);
    }
    out.push('</table>');
  }
  if (m.testimonies.length > 0) {
    out.push(`<h2>${esc(h.testimonies)}</h2><table>`);
    out.push(`<tr><th>${esc(h.number)}</th><th>${esc(h.file)}</th><th>${esc(h.witness)}</th><th>${esc(h.interviewDate)}</th></tr>`);
    for (const t of m.testimonies) out.push(`<tr><td>${ltr(t.label)}</td><td>${ltr(t.file)}</td><td>${free(t.witness)}</td><td>${ltr(t.date)}</td></tr>`);
    out.push('</table>');
  }
  out.push(`<h2>${esc(h.custody)}</h2><p>${esc(m.custodyIntro)}</p>`);
  for (const [k, v] of m.custody) out.push(field(k, v.mono ? `<span class="hash">${text(v)}</span>` : text(v)));
  out.push(`<h2>${esc(h.verify)}</h2><p>${esc(m.verifyIntro)}</p>`);
  for (const [label, cmd] of m.commands) out.push(`<p>${esc(label)}</p><p class="cmd" dir="ltr">${esc(cmd)}</p>`);
  out.push('</body></html>');
  return out.join('\n');
}
