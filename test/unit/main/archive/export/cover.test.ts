import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCoverDocx } from '../../../../../main/archive/export/cover/docx';
import { buildCoverModel, type CoverInput } from '../../../../../main/archive/export/cover/model';
import { renderCoverPdf } from '../../../../../main/archive/export/cover/pdf';
import { MECHANISMS, getMechanism } from '../../../../../shared/mechanisms';
import { COVER_TEXT_KEYS, coverText, joinList, labelled } from '../../../../../shared/cover';
import { LANGS } from '../../../../../shared/localized';
import { tempDir } from '../../../../helpers/tmp';

const mechanism = getMechanism('wgad-individual')!;

function input(lang: CoverInput['lang'], m = mechanism): CoverInput {
  const mechanism = m;
  return {
    lang,
    mechanism,
    caseTitle: 'Detention of Persona A',
    packetId: 'pkt_0123456789',
    preparedOn: '2024-05-01',
    profile: 'redacted',
    fields: mechanism.sections.flatMap((s) =>
      s.fields.map((f) => ({ fieldId: f.id, sectionId: s.id, label: f.label[lang], required: f.required, confidential: f.confidential ?? false, source: 'answer' as const, value: f.type === 'date' ? '2024-03-05' : f.type === 'boolean' ? true : null })),
    ),
    evidence: [{ label: 'E001', file: 'E001.jpg', shows: 'North gate', tagIds: ['ip.blunt-trauma'], originalSha256: 'a'.repeat(64), exportedSha256: 'b'.repeat(64), method: 'lossless-structure', encryptedOriginal: false }],
    testimonies: [{ label: 'T01', file: 'T01.txt', witness: 'Testigo B', date: '2024-03' }],
    custody: { firstIngest: '2024-03-05T14:22:10Z', lastIngest: '2024-03-06T10:00:00Z', origin: 'huella/abc', size: 42, rootHash: `${'q'.repeat(43)}=`, events: 12, minisignKeyLine: `RWQ${'x'.repeat(53)}`, exampleProofSeq: 5 },
  };
}

describe('cover documents', () => {
  const dir = tempDir('huella-cover-');

  it('has every text in all four languages', () => {
    for (const k of COVER_TEXT_KEYS) for (const l of LANGS) expect(coverText(k, l).trim(), `${k}/${l}`).not.toBe('');
  });

  it('says where the RFC 9162 checker it names comes from, in every language (it is not a standard tool nor in the packet)', () => {
    for (const l of LANGS) {
      const model = buildCoverModel(input(l));
      const proof = model.commands.find(([, command]) => command.startsWith('node rfc9162-check.mjs'));
      expect(proof, l).toBeDefined();
      expect(proof![0], l).toContain('test/tools');
    }
  });

  it('dates the custody log by when files were added to the archive, never by when they were collected', () => {
    // The ingest time is when a file entered the vault (or was received from another): a photo taken in 2024 and
    // imported in 2026 was not 'collected' in 2026, as 'First file collected: 2026-…' said.
    expect(coverText('firstIngest', 'en')).toBe('First file added to the archive');
    expect(coverText('custodyIntro', 'en')).toMatch(/when it was added to the archive/);
    for (const l of LANGS) for (const k of ['firstIngest', 'lastIngest'] as const) expect(coverText(k, l), `${k}/${l}`).not.toMatch(/collect|recopil|جُمع/u);
    expect(coverText('custodyIntro', 'es')).toMatch(/al incorporarse al acervo/);
    expect(coverText('custodyIntro', 'fr')).toMatch(/lors de son entrée dans l'archive/);
    expect(coverText('custodyIntro', 'ar')).toMatch(/عند إضافته إلى الأرشيف/u);
  });

  it('says how to submit in the cover\'s language (the Special Procedures give a sentence, not an address)', () => {
    const sp = getMechanism('sp-torture')!;
    const contactOf = (lang: CoverInput['lang']): string => JSON.stringify(buildCoverModel(input(lang, sp)));
    expect(contactOf('en')).toContain('online submission form');
    for (const lang of ['es', 'fr', 'ar'] as const) expect(contactOf(lang), lang).not.toContain('online submission form');
    expect(contactOf('ar')).toContain('استمارة الإجراءات الخاصة الإلكترونية');
    // An address stays as published.
    expect(JSON.stringify(buildCoverModel(input('ar')))).toContain('hrc-wg-ad@un.org');
  });

  it('PDF: fonts embedded and subset (no system or network font), no document metadata, required fields marked', async () => {
    for (const lang of ['en', 'ar'] as const) {
      const file = path.join(dir, `${lang}.pdf`);
      fs.writeFileSync(file, await renderCoverPdf(buildCoverModel(input(lang))));
      const fonts = execFileSync('pdffonts', [file]).toString();
      const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows) expect(r, r).toMatch(/\+\S+\s.*\byes\s+yes\s+yes\b/);
      if (lang === 'ar') expect(fonts).toMatch(/NotoNaskhArabic/);
      const info = execFileSync('pdfinfo', [file]).toString();
      expect(info).not.toMatch(/^(Producer|Creator|Author|CreationDate|ModDate):/m);
      const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
      expect(text).toContain('b'.repeat(64));
      if (lang === 'en') expect(text).toContain('[to be completed]');
      expect(text).toContain('--proof-file custody/proofs/5.tlog-proof');
    }
  });

  it('PDF: the Arabic cover extracts (pdftotext) as logical text: every Arabic word of its DOCX, a person\'s name, marks in place', async () => {
    const name = 'فاطمةُ الزهراء عبدِ الله';
    const MIXED = 'التعليق (الوضعية: colgado de las muñecas a una barra؛ المدة: unas 2 horas؛ التكرار: tres noches seguidas؛ المواضع التشريحية: الرسغان واليدان والأصابع / القدمان وباطنهما)\nالأدوات المستخدمة: a cable, said the witness؛ الجناة الحاضرون: Comandante Vega Ortiz؛ المدة: minutos';
    const base = input('ar');
    const arabic: CoverInput = {
      ...base,
      caseTitle: 'احتجاز أحمد محمود في السجن المركزي',
      // Free text typed in Latin letters inside Arabic lines, long enough to wrap: Latin runs meet Arabic words
      // mid-line and at a line's left edge (issue 14: pdftotext gave 'التكرارtres').
      fields: base.fields.map((f) => (/name/i.test(f.fieldId) ? { ...f, value: name } : f.fieldId === mechanism.sections.flatMap((x) => x.fields).find((x) => x.type === 'longtext')?.id ? { ...f, value: MIXED } : f)),
      evidence: base.evidence.map((e) => ({ ...e, shows: 'البوابة الشمالية للسجن' })),
      testimonies: base.testimonies.map((t) => ({ ...t, witness: 'الشاهدة ب' })),
    };
    const model = buildCoverModel(arabic);
    const pdf = path.join(dir, 'ar-words.pdf');
    const docx = path.join(dir, 'ar-words.docx');
    fs.writeFileSync(pdf, await renderCoverPdf(model));
    fs.writeFileSync(docx, await renderCoverDocx(model));
    // An Arabic word: a maximal run of Arabic letters and marks (Arabic punctuation and any other script end it).
    const words = (s: string): Set<string> => new Set(s.match(/(?:(?![\u060c\u061b\u061f\u066a-\u066d\u06d4])[\u0600-\u06ff])+/gu) ?? []);
    const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml']).toString('utf8');
    const docxText = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    const extracted = execFileSync('pdftotext', [pdf, '-']).toString('utf8');
    const inPdf = words(extracted);
    const inDocx = words(docxText);
    expect(inDocx.size).toBeGreaterThan(100);
    const missing = [...inDocx].filter((w) => !inPdf.has(w));
    expect(missing, `Arabic words of the DOCX that pdftotext does not yield: ${missing.join(' ')}`).toEqual([]);
    // Word by word, every script: each word of the DOCX (letters and marks) is a word of the PDF text, none glued
    // to its neighbour across a change of direction ('التكرارtres', 'المدةunas').
    const tokens = (s: string): Set<string> => new Set(s.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '').match(/[\p{L}\p{M}]+/gu) ?? []);
    const inPdfTokens = tokens(extracted);
    const glued = [...tokens(docxText)].filter((w) => !inPdfTokens.has(w));
    expect(glued, `words of the DOCX that are not words of the PDF text: ${glued.join(' ')}`).toEqual([]);
    expect(extracted).toContain('colgado de las muñecas');
    expect(extracted).toContain(name);
    expect(extracted).toContain('احتجاز أحمد محمود في السجن المركزي');
    // No presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF): the logical letters, not the shapes.
    expect(extracted).not.toMatch(/[\ufb50-\ufdff\ufe70-\ufefe]/u);
    // Punctuation placed by the bidi algorithm: no line starts with a full stop (it once led an RTL line that began
    // with an e-mail address).
    expect(extracted).not.toMatch(/^[\u200e\u200f\u202a-\u202e]*\./mu);
    expect(extracted).toMatch(/hrc-wg-ad@un\.org[^\n]*تحقق[^\n]*شيئاً/u);
    // Latin and data runs keep extracting as before.
    expect(extracted).toContain('b'.repeat(64));
    expect(extracted).toContain('2024-05-01');
    // Every labelled line reads 'label: value' in logical order (issue 14: pdftotext gave 'الأصل aaaa…:', the colon
    // after the hash, and 'منقّح : نسخ'). poppler takes one direction per page from its letters (see
    // pageReadsRightToLeft in main/archive/pdf/actual-text.ts): every line of a page it reads right to left starts
    // with U+202B. The pages before the verification commands are such pages; those are checked.
    const pages = execFileSync('pdftotext', [pdf, '-']).toString('utf8').split('\f').filter((p) => p.trim());
    const rtlPages = pages.filter((p) => p.split('\n').filter((l) => l.trim()).every((l) => l.startsWith('\u202b')));
    expect(rtlPages[0]).toBe(pages[0]);
    expect(rtlPages.length).toBeGreaterThanOrEqual(pages.length - 1);
    // The bidi controls pdftotext adds (or that the text carries) say nothing to a reader searching the text.
    const logical = rtlPages.join('\n').replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
    const h = model.headings;
    expect(logical).toContain(`SHA-256 — ${labelled(h.original, 'a'.repeat(64), 'ar')}`);
    expect(logical).toContain(labelled(h.exported, 'b'.repeat(64), 'ar'));
    expect(logical).toContain(coverText('confidential', 'ar'));
    for (const l of MIXED.split('\n')[0]!.split('؛').slice(0, 3)) expect(logical).toContain(l.trim().replace(/^التعليق /, ''));
    expect(logical).toContain('الجناة الحاضرون: Comandante Vega Ortiz؛');
    expect(logical).toContain('hrc-wg-ad@un.org — تحقق');
    expect(logical).toContain('(minisign)');
    // No colon apart from its label or glued to its value, no hash followed by a colon.
    expect(logical).not.toMatch(/ :|:[^\s\d"/]|[\da-f]{64}:/u);
  });

  it('PDF and DOCX say the same words: every word of the DOCX is in the PDF text, for every template and language (one process: many covers)', async () => {
    const letters = (s: string): Set<string> => new Set(s.match(/[\p{L}\p{M}]+/gu) ?? []);
    for (const m of MECHANISMS) {
      for (const lang of LANGS) {
        const model = buildCoverModel(input(lang, m));
        const pdf = path.join(dir, `${m.id}-${lang}.pdf`);
        const docx = path.join(dir, `${m.id}-${lang}.docx`);
        fs.writeFileSync(pdf, await renderCoverPdf(model));
        fs.writeFileSync(docx, await renderCoverDocx(model));
        const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml']).toString('utf8');
        const inDocx = letters([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]!.replace(/&(amp|lt|gt|quot|apos);/g, ' ')).join(' '));
        const inPdf = letters(execFileSync('pdftotext', [pdf, '-']).toString('utf8'));
        const missing = [...inDocx].filter((w) => !inPdf.has(w));
        expect(missing, `${m.id}/${lang}: words of the DOCX missing from the PDF text`).toEqual([]);
      }
    }
  }, 60_000);

  it('placeholders: every language of a cover message has the same ones', () => {
    const names = (s: string) => [...s.matchAll(/\{([a-zA-Z]+)\}/g)].map((x) => x[1]).sort();
    for (const k of COVER_TEXT_KEYS) for (const l of LANGS) expect(names(coverText(k, l)), `${k}/${l}`).toEqual(names(coverText(k, 'en')));
    expect(names(coverText('labelValue', 'en'))).toEqual(['label', 'value']);
  });

  it('French punctuation: a narrow no-break space (U+202F) before ":" and ";" and inside « » in the DOCX, and in the PDF the mark never starts a line', async () => {
    const NNBSP = '\u202f';
    const fr = input('fr');
    // A long value in the form the catalogue fills French answers (tag details: fill.ts labelled and joinList),
    // words of many lengths, so the lines break at many places.
    const parts = Array.from({ length: 36 }, (_, i) => labelled(['Durée', 'Lieu', 'Fréquence', 'Position', 'Outils', 'Sites anatomiques'][i % 6]!, ['deux', 'heures', 'la gare du nord', 'trois nuits de suite', 'un câble', 'poignets'].slice(0, 1 + (i % 5)).join(' '), 'fr'));
    const long = joinList(parts, 'fr');
    const longField = mechanism.sections.flatMap((x) => x.fields).find((x) => x.type === 'longtext')!.id;
    const model = buildCoverModel({ ...fr, fields: fr.fields.map((f) => (f.fieldId === longField ? { ...f, value: long } : f)) });
    const pdf = path.join(dir, 'fr-punct.pdf');
    const docx = path.join(dir, 'fr-punct.docx');
    fs.writeFileSync(pdf, await renderCoverPdf(model));
    fs.writeFileSync(docx, await renderCoverDocx(model));

    // DOCX: the words as written.
    const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml']).toString('utf8');
    const text = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join('')).join('\n')
      .replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
    expect(text).toContain(`${coverText('col.original', 'fr')}${NNBSP}: ${'a'.repeat(64)}`);
    expect(text).toContain(`${coverText('col.exported', 'fr')}${NNBSP}: ${'b'.repeat(64)}`);
    expect(text).toContain(`Durée${NNBSP}: deux${NNBSP}; Lieu${NNBSP}: deux heures`);
    expect(text).toContain(`${coverText('confidential', 'fr').split(NNBSP)[0]}${NNBSP}: `);
    expect(text.match(/[:;»?!]/g)!.length).toBeGreaterThan(80);
    // No ordinary (breakable) space, or none at all, before a French high mark or inside guillemets.
    expect(text.match(/(^|[^\u202f])[;»?!]|[^\u202f\d/]:|«[^\u202f]/gm) ?? []).toEqual([]);

    // PDF: pdftotext (poppler) writes any space as U+0020, so the layout is measured instead: every ':' and ';' is on
    // the line of the word before it, at the narrow space's distance (0.166 em in Noto Sans; a space is 0.26 em).
    const words = [...execFileSync('pdftotext', ['-bbox', pdf, '-']).toString('utf8').matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((w) => ({
      xMin: Number(w[1]),
      yMin: Number(w[2]),
      xMax: Number(w[3]),
      height: Number(w[4]) - Number(w[2]),
      text: w[5]!,
    }));
    const marks = words.map((w, i) => ({ w, prev: words[i - 1] })).filter(({ w }) => w.text === ':' || w.text === ';');
    expect(marks.length).toBeGreaterThan(70);
    for (const { w, prev } of marks) {
      expect(prev && Math.abs(prev.yMin - w.yMin) < 0.5, `'${w.text}' after '${prev?.text}' starts a line`).toBe(true);
      // A word box is 1.36 em high in Noto Sans: the narrow space is 0.12 of it, a space 0.19.
      const gap = (w.xMin - prev!.xMax) / w.height;
      expect(gap, `gap before '${w.text}' after '${prev!.text}'`).toBeGreaterThan(0.08);
      expect(gap, `gap before '${w.text}' after '${prev!.text}'`).toBeLessThan(0.15);
    }
    for (const line of execFileSync('pdftotext', [pdf, '-']).toString('utf8').split('\n')) expect(line, line).not.toMatch(/^\s*[:;»]|«\s*$/);
  });

  it('DOCX: Arabic paragraphs, runs and tables are right to left; data runs stay left to right; no person named in properties', async () => {
    const file = path.join(dir, 'ar.docx');
    fs.writeFileSync(file, await renderCoverDocx(buildCoverModel(input('ar'))));
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8');
    expect(xml).toContain('<w:bidi/>');
    expect(xml).toContain('<w:rtl/>');
    expect(xml).toContain('<w:bidiVisual/>');
    expect(xml).toContain('\u200E2024-03-05\u200E');
    const core = execFileSync('unzip', ['-p', file, 'docProps/core.xml']).toString('utf8');
    expect(core).toMatch(/<dc:creator>Huella<\/dc:creator>/);
    expect(core).toMatch(/<cp:lastModifiedBy>Huella<\/cp:lastModifiedBy>/);
    const en = path.join(dir, 'en.docx');
    fs.writeFileSync(en, await renderCoverDocx(buildCoverModel(input('en'))));
    expect(execFileSync('unzip', ['-p', en, 'word/document.xml']).toString('utf8')).not.toContain('<w:bidi/>');
  });
});
