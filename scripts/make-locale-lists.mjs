// Writes shared/locale/codes.json: the country and language codes the pickers offer and the schemas accept.
//
//   node scripts/make-locale-lists.mjs        (needs Debian's iso-codes package: apt-get install iso-codes)
//
// Sources: ISO 3166-1 alpha-2 and ISO 639-3 from Debian's iso-codes (/usr/share/iso-codes/json, LGPL-2.1+ data,
// itself from the ISO maintenance agencies' published tables). Countries: every officially assigned alpha-2 code,
// plus XK (Kosovo: user-assigned in ISO 3166 but used by the EU, CLDR and UN documents). Languages: living
// individual and macro languages, written as BCP 47 wants (the two-letter ISO 639-1 code where one exists), kept
// only when CLDR (Node's ICU) has an English name for them, so the picker never shows a bare code. Run again when
// iso-codes or ICU brings new names; the output is sorted and diff-friendly.
import fs from 'node:fs';
import path from 'node:path';

const ISO = '/usr/share/iso-codes/json';
if (!fs.existsSync(ISO)) {
  console.error(`${ISO} is missing: install Debian's iso-codes package.`);
  process.exit(1);
}
const read = (f) => JSON.parse(fs.readFileSync(path.join(ISO, f), 'utf8'));
const countries = [...read('iso_3166-1.json')['3166-1'].map((c) => c.alpha_2), 'XK'].sort();
const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
const languages = read('iso_639-3.json')['639-3']
  .filter((l) => l.type === 'L' && l.scope !== 'S')
  .map((l) => l.alpha_2 ?? l.alpha_3)
  .filter((code) => {
    const name = names.of(code);
    return name !== undefined && name.toLowerCase() !== code;
  })
  .sort();
const out = path.resolve(import.meta.dirname, '../shared/locale/codes.json');
fs.writeFileSync(out, `${JSON.stringify({ source: `iso-codes, ICU ${process.versions.icu}`, countries, languages })}\n`);
console.log(`${out}: ${countries.length} countries, ${languages.length} languages`);
