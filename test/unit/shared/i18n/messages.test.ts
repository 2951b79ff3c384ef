import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../../shared/api';
import { ERROR_CODES } from '../../../../shared/errors';
import { CUSTODY_EVENT_TYPES } from '../../../../main/archive/custody/event-types';
import { SHEET_TEXT_KEYS, sheetText } from '../../../../main/archive/vault/recovery-sheet-text';
import ar from '../../../../shared/i18n/ar.json';
import en from '../../../../shared/i18n/en.json';
import es from '../../../../shared/i18n/es.json';
import fr from '../../../../shared/i18n/fr.json';
import problemsAr from '../../../../shared/i18n/problems/ar.json';
import problemsEn from '../../../../shared/i18n/problems/en.json';
import problemsEs from '../../../../shared/i18n/problems/es.json';
import problemsFr from '../../../../shared/i18n/problems/fr.json';

/**
 * The UI's messages: complete in all four languages, with the plural forms each language needs, the same
 * placeholders as English, and every key the renderer uses present. A missing key would show English (or the key
 * itself) to someone reading Arabic under stress.
 */

type Tree = { readonly [k: string]: string | Tree };
// The renderer loads the problem sentences (shared/i18n/problems) under `problem.`: check them the same way.
const MESSAGES: Record<(typeof LANGUAGES)[number], Tree> = {
  en: { ...en, problem: problemsEn },
  es: { ...es, problem: problemsEs },
  fr: { ...fr, problem: problemsFr },
  ar: { ...ar, problem: problemsAr },
};
const PLURAL = /_(zero|one|two|few|many|other)$/;
// CLDR plural categories Intl.PluralRules returns for integers in each language.
const REQUIRED_FORMS: Record<string, readonly string[]> = {
  en: ['one', 'other'],
  es: ['one', 'many', 'other'],
  fr: ['one', 'many', 'other'],
  ar: ['zero', 'one', 'two', 'few', 'many', 'other'],
};

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => new Set([...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));

describe('shared/i18n messages', () => {
  const flat = Object.fromEntries(LANGUAGES.map((l) => [l, flatten(MESSAGES[l])])) as Record<string, Map<string, string>>;
  const bases = (l: string) => new Set([...flat[l]!.keys()].map((k) => k.replace(PLURAL, '')));

  it('has the same messages in every language', () => {
    for (const l of LANGUAGES) expect([...bases(l)].sort(), l).toEqual([...bases('en')].sort());
  });

  it('has every plural form the language uses, and the CLDR categories agree', () => {
    for (const l of LANGUAGES) {
      const rules = new Intl.PluralRules(l);
      const used = new Set([0, 1, 2, 3, 5, 11, 100, 1_000_000].map((n) => rules.select(n)));
      for (const form of used) expect(REQUIRED_FORMS[l], `${l} uses ${form}`).toContain(form);
      const pluralBases = [...flat.en!.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''));
      for (const b of new Set(pluralBases)) {
        for (const form of REQUIRED_FORMS[l]!) expect(flat[l]!.has(`${b}_${form}`), `${l}: ${b}_${form}`).toBe(true);
      }
    }
  });

  it('uses only the placeholders English uses, and no message is empty', () => {
    const enByBase = new Map([...flat.en!].map(([k, v]) => [k.replace(PLURAL, ''), v]));
    for (const l of LANGUAGES) {
      for (const [k, v] of flat[l]!) {
        expect(v.trim(), `${l}: ${k}`).not.toBe('');
        const allowed = new Set([...placeholders(enByBase.get(k.replace(PLURAL, '')) ?? ''), 'count', 'formatted']);
        for (const p of placeholders(v)) expect(allowed.has(p), `${l}: ${k} uses {{${p}}}`).toBe(true);
      }
    }
  });

  it('translates every error code and every custody event type', () => {
    for (const l of LANGUAGES) {
      for (const code of ERROR_CODES) expect(flat[l]!.has(`errors.${code}`), `${l}: errors.${code}`).toBe(true);
      for (const type of CUSTODY_EVENT_TYPES) expect(flat[l]!.has(`custody.type.${type}`), `${l}: custody.type.${type}`).toBe(true);
    }
  });

  it('has every key the renderer asks for with a literal t() key', () => {
    const root = path.resolve(import.meta.dirname, '../../../../renderer/src');
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) {
          const src = fs.readFileSync(p, 'utf8');
          for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]!);
          for (const m of src.matchAll(/\bkey: '([a-z]+\.[\w.]+)'/g)) used.add(m[1]!);
        }
      }
    };
    walk(root);
    expect(used.size).toBeGreaterThan(300);
    const known = bases('en');
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });

  it('French: a narrow no-break space (U+202F) before ":", ";", "?", "!" and "»" and after "«", never an ordinary or no-break space, never none', () => {
    // French typography (and the cover messages, shared/cover): with an ordinary space a line can start with the
    // mark; a no-break space is too wide before these marks. The printed recovery sheet's own French is checked too.
    const NNBSP = '\u202f';
    const texts: [string, string][] = [...flat.fr!, ...SHEET_TEXT_KEYS.map((k): [string, string] => [`recovery sheet ${k}`, sheetText(k, 'fr')])];
    const wrong: string[] = [];
    let marks = 0;
    for (const [key, text] of texts) {
      // A URL's scheme ('https://', 's3://') is not French punctuation.
      const s = text.replace(/\b[a-z][a-z0-9+.-]*:\/\//gi, '');
      for (const m of s.matchAll(/[:;?!»]|«/g)) {
        marks++;
        const ok = m[0] === '«' ? s[m.index + 1] === NNBSP : s[m.index - 1] === NNBSP;
        if (!ok) wrong.push(`${key}: ${JSON.stringify(s.slice(Math.max(0, m.index - 12), m.index + 12))}`);
      }
    }
    expect(marks).toBeGreaterThan(250);
    expect(wrong).toEqual([]);
  });
});
