import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignTag, createTestimony, recordConsent } from '../../../../../main/archive/catalogue';
import { exportPacket } from '../../../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { Language } from '../../../../../shared/api';
import { getMechanism } from '../../../../../shared/mechanisms';
import istanbul from '../../../../../shared/taxonomy/istanbul-protocol-methods.json';
import { tempDir } from '../../../../helpers/tmp';
import { makeWorld, type World } from './world';

/**
 * Issue 14: the Istanbul Protocol methods tagged on a packet's exhibits and testimonies, with their details (body
 * position, duration, frequency, anatomical sites), reach the cover of the torture mechanisms (the Special
 * Rapporteur on torture, sp-torture, and CAT art. 22) in the packet's language. Read back from the written files
 * by parsers that are not Huella's: `unzip -p` of word/document.xml and `pdftotext`.
 * The expected words come from the taxonomy file (the published labels), not from the code that fills the form.
 */

const LANGS: readonly Language[] = ['en', 'es', 'fr', 'ar'];
const MECHANISMS = ['sp-torture', 'cat-art22'] as const;

type Labels = Readonly<Record<Language, string>>;
type Field = { id: string; label: Labels; choices?: { id: string; label: Labels }[] };
const terms = istanbul.terms as unknown as { id: string; labels: Labels }[];
const fields = istanbul.assignmentFields as unknown as Field[];
const term = (id: string, lang: Language): string => terms.find((t) => t.id === id)!.labels[lang];
const fieldLabel = (id: string, lang: Language): string => fields.find((f) => f.id === id)!.label[lang];
const site = (id: string, lang: Language): string => fields.find((f) => f.id === 'anatomicalSites')!.choices!.find((c) => c.id === id)!.label[lang];

/** What the person typed (the details are free text, kept as typed, in any language). */
const TYPED = { position: 'colgado de las muñecas a una barra', duration: 'unas 2 horas', frequency: 'tres noches seguidas', shockDuration: 'minutos' };

const squash = (s: string): string => s.normalize('NFKC').replace(/\s+/g, ' ');
/** Spaces squashed but the narrow no-break space (U+202F) kept as written: the DOCX must hold it. */
const exact = (s: string): string => s.replace(/[^\S\u202f]+/g, ' ');
const docxText = (file: string): string =>
  exact([...execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8').matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)].map((m) => m[1]!.replace(/&amp;/g, '&')).join(''));
// pdftotext wraps right-to-left lines in bidi embedding marks and lays out each line's runs in display order.
const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const pdfText = (file: string): string => squash(execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').replace(BIDI_MARKS, ''));
const words = (s: string): string[] => s.split(/[\s;:,/()؛،]+/).filter((x) => x.length > 0);
/** The list separator of each cover language (written here, not taken from the catalogue): Arabic has its own semicolon. */
const SEP: Readonly<Record<Language, string>> = { en: '; ', es: '; ', fr: '\u202f; ', ar: '\u061b ' };
/** Between a detail's label and its value: French puts a narrow no-break space before the colon. */
const COLON: Readonly<Record<Language, string>> = { en: ': ', es: ': ', fr: '\u202f: ', ar: ': ' };

describe('Istanbul Protocol methods and their details in the torture mechanisms\' covers (DOCX and PDF text)', () => {
  const root = tempDir('huella-istanbul-cover-');
  let w: World;
  const covers: { mechanismId: string; lang: Language; docx: string; pdf: string }[] = [];

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    // Material may go to every mechanism (the world's victim consented only to the Special Procedures and WGAD).
    recordConsent(w.vault, { personId: w.persons.victim, mechanism: '*', discloseName: false, shareMaterial: true, givenAt: '2024-04-03', howRecorded: 'written-signed' });
    // A method with every kind of detail on an exhibit, another on a testimony, a third on an exhibit left out.
    assignTag(w.vault, {
      targetId: w.photos[1]!.itemId,
      termId: 'ip.suspension',
      details: { position: TYPED.position, duration: TYPED.duration, frequency: TYPED.frequency, anatomicalSites: ['wrists-hands', 'feet-soles'] },
    });
    const testimony = createTestimony(w.vault, { caseId: w.caseId, title: 'T2', text: 'Relato de la segunda detención.' });
    assignTag(w.vault, { targetId: testimony.id, termId: 'ip.electric-shock', details: { duration: TYPED.shockDuration, anatomicalSites: ['genitals-anus'] } });
    assignTag(w.vault, { targetId: w.photos[2]!.itemId, termId: 'ip.burns', details: { anatomicalSites: ['back'] } });
    for (const mechanismId of MECHANISMS) {
      const m = getMechanism(mechanismId)!;
      const ids = new Set(m.sections.flatMap((s) => s.fields.map((f) => f.id)));
      const answers = Object.fromEntries(Object.entries(w.answers).filter(([k]) => ids.has(k)));
      for (const lang of LANGS) {
        const outPath = path.join(root, 'out', `${mechanismId}-${lang}`);
        await exportPacket(w.vault, { mechanismId, caseId: w.caseId, profile: 'redacted', lang, answers, itemIds: [w.photos[1]!.itemId], testimonyIds: [testimony.id], outPath });
        const dir = path.join(outPath, 'data/submission');
        const files = fs.readdirSync(dir);
        covers.push({ mechanismId, lang, docx: path.join(dir, files.find((f) => f.endsWith('.docx'))!), pdf: path.join(dir, files.find((f) => f.endsWith('.pdf'))!) });
      }
    }
  }, 60_000);
  afterAll(() => w?.vault.lock());

  it('each cover names the methods tagged on its exhibit and testimony, with position, duration, frequency and body sites, in its language', () => {
    expect(covers).toHaveLength(MECHANISMS.length * LANGS.length);
    for (const c of covers) {
      const where = `${c.mechanismId} ${c.lang}`;
      const field = getMechanism(c.mechanismId)!.sections.flatMap((s) => s.fields).find((f) => f.fill?.from === 'tags.istanbul-protocol-methods')!;
      for (const [kind, text] of [['DOCX', docxText(c.docx)], ['PDF', pdfText(c.pdf)]] as const) {
        const at = `${where} ${kind}`;
        const expected = [
          squash(field.label[c.lang]),
          term('ip.suspension', c.lang),
          // In the taxonomy's order (the interview guidance's), the sites as on the body chart.
          [
            `${fieldLabel('position', c.lang)}${COLON[c.lang]}${TYPED.position}`,
            `${fieldLabel('duration', c.lang)}${COLON[c.lang]}${TYPED.duration}`,
            `${fieldLabel('frequency', c.lang)}${COLON[c.lang]}${TYPED.frequency}`,
            `${fieldLabel('anatomicalSites', c.lang)}${COLON[c.lang]}${site('wrists-hands', c.lang)} / ${site('feet-soles', c.lang)}`,
          ].join(SEP[c.lang]),
          term('ip.electric-shock', c.lang),
          `${fieldLabel('duration', c.lang)}${COLON[c.lang]}${TYPED.shockDuration}${SEP[c.lang]}${fieldLabel('anatomicalSites', c.lang)}${COLON[c.lang]}${site('genitals-anus', c.lang)}`,
        ];
        for (const phrase of expected) {
          // Phrases whole (in reading order) where the text is in logical order: the DOCX, and the PDF of a
          // left-to-right language. In the Arabic PDF pdftotext lays out mixed-direction runs in display order,
          // its punctuation by position (cover.test checks that no word is glued to the next): every word of the
          // phrase must be there, letter for letter (Arabic extracts as typed: ActualText).
          // The DOCX holds the phrase as written (French narrow no-break spaces included); pdftotext writes every
          // space as U+0020 (cover.test measures the French spacing in the PDF instead).
          if (kind === 'DOCX') expect(text, `${at}: ${phrase}`).toContain(exact(phrase));
          else if (c.lang !== 'ar') expect(text, `${at}: ${phrase}`).toContain(squash(phrase));
          else expect(words(phrase).filter((x) => !text.includes(x)), `${at}: ${phrase}`).toEqual([]);
        }
        // Lists are joined with the language's own separators: no Latin semicolon in an Arabic cover.
        if (c.lang === 'ar') expect(text.replace(/&[a-z]+;/g, ''), at).not.toContain(';');
        // The exhibit left out of the packet brings none of its tags.
        expect(text, at).not.toContain(term('ip.burns', c.lang));
        // Another language's label of a method is not what the cover says (es and fr share 'Suspension'-like words: use electric shock).
        for (const other of LANGS.filter((l) => l !== c.lang && term('ip.electric-shock', l) !== term('ip.electric-shock', c.lang))) {
          expect(text, `${at}: no ${other} label`).not.toContain(term('ip.electric-shock', other));
        }
      }
    }
  });
});
