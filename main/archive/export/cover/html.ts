import type { CoverModel, Text } from './model';

/**
 * The cover document as HTML for MuPDF's layout engine (./pdf.ts), which shapes Arabic with HarfBuzz and applies
 * the Unicode bidi algorithm. MuPDF's bidi gets a European number with hyphens wrong inside Arabic (it showed
 * "2024-03-05" as "05-03-2024"), so every left-to-right datum (`Text.ltr`: dates, hashes, file names, ids,
 * commands) is wrapped in an explicit `dir="ltr"` span. Only HTML and CSS that MuPDF supports are used.
 */

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function text(t: Text): string {
  return t.ltr ? `<span dir="ltr">${esc(t.text)}</span>` : esc(t.text);
}

function ltr(s: string): string {
  return `<span dir="ltr">${esc(s)}</span>`;
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
table.fields th { font-weight: normal; background-color: #f4f4f4; }
.missing { color: #a00; font-weight: bold; }
.conf { color: #a00; font-size: 8pt; }
.hash { font-family: monospace; font-size: 7pt; color: #222; }
.cmd { font-family: monospace; font-size: 8pt; background-color: #f4f4f4; padding: 2pt 4pt; margin: 1pt 0 6pt 0; }
`;

export function coverHtml(m: CoverModel): string {
  const h = m.headings;
  const out: string[] = [];
  out.push(`<!DOCTYPE html><html lang="${m.lang}" dir="${m.rtl ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${esc(m.title)}</h1>`);
  if (m.caseTitle) out.push(`<p class="case">${esc(m.caseTitle)}</p>`);
  for (const n of m.notices) out.push(`<p class="notice">${esc(n)}</p>`);
  out.push('<table class="fields">');
  for (const [k, v] of m.meta) out.push(`<tr><th width="30%">${esc(k)}</th><td>${text(v)}</td></tr>`);
  out.push('</table>');
  out.push(`<p class="note">${esc(m.namesNote)}</p>`);
  for (const s of m.sections) {
    out.push(`<h2>${esc(s.title)}</h2><table class="fields">`);
    for (const f of s.fields) {
      const value = f.lines.map(text).join('<br>');
      const conf = f.confidential ? `<br><span class="conf">${esc(h.confidential)}</span>` : '';
      out.push(`<tr><th width="30%">${esc(f.label)}</th><td${f.missing ? ' class="missing"' : ''}>${value}${conf}</td></tr>`);
    }
    out.push('</table>');
  }
  if (m.evidence.length > 0) {
    out.push(`<h2>${esc(h.evidence)}</h2><table>`);
    out.push(`<tr><th>${esc(h.number)}</th><th>${esc(h.file)}</th><th>${esc(h.shows)}</th><th>${esc(h.tags)}</th><th>${esc(h.transformation)}</th></tr>`);
    for (const e of m.evidence) {
      out.push(`<tr><td>${ltr(e.label)}</td><td>${ltr(e.file)}</td><td>${esc(e.shows)}</td><td>${esc(e.tags)}</td><td>${esc(e.transformation)}</td></tr>`);
      const hashes = [`${esc(h.original)}: ${ltr(e.originalSha256)}`, ...(e.exportedSha256 ? [`${esc(h.exported)}: ${ltr(e.exportedSha256)}`] : [])].join('<br>');
      out.push(`<tr><td></td><td colspan="4" class="hash">SHA-256 — ${hashes}</td></tr>`);
    }
    out.push('</table>');
  }
  if (m.testimonies.length > 0) {
    out.push(`<h2>${esc(h.testimonies)}</h2><table>`);
    out.push(`<tr><th>${esc(h.number)}</th><th>${esc(h.file)}</th><th>${esc(h.witness)}</th><th>${esc(h.interviewDate)}</th></tr>`);
    for (const t of m.testimonies) out.push(`<tr><td>${ltr(t.label)}</td><td>${ltr(t.file)}</td><td>${esc(t.witness)}</td><td>${ltr(t.date)}</td></tr>`);
    out.push('</table>');
  }
  out.push(`<h2>${esc(h.custody)}</h2><p>${esc(m.custodyIntro)}</p><table class="fields">`);
  for (const [k, v] of m.custody) out.push(`<tr><th>${esc(k)}</th><td${v.ltr && v.text.length > 40 ? ' class="hash"' : ''}>${text(v)}</td></tr>`);
  out.push('</table>');
  out.push(`<h2>${esc(h.verify)}</h2><p>${esc(m.verifyIntro)}</p>`);
  for (const [label, cmd] of m.commands) out.push(`<p>${esc(label)}</p><p class="cmd" dir="ltr">${esc(cmd)}</p>`);
  out.push('</body></html>');
  return out.join('\n');
}
