import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../../../../shared/mechanisms';
import { LANGS } from '../../../../../shared/localized';
import { combos, run } from '../../../../reliability/campaigns/packet-matrix';
import { tempDir } from '../../../../helpers/tmp';

/**
 * Issue 14's packet check in the suite (test/reliability/campaigns/packet-matrix.ts, quick): one packet per mechanism
 * template, the languages and both profiles spread over them, folder and zip, all from one vault; minisign,
 * sha256sum, bagit.py, the RFC 9162 checker and `huella packet verify`; every claim of items.json read back from
 * the exported file; no name without consent; no event with `prev`, no packet naming another; no false block.
 * Every template × profile × language (48 packets) runs in `npm run reliability -- --only packet-matrix`.
 */
describe('packet matrix (quick): what each packet says holds, standard tools pass', () => {
  it('the spread covers every template, every language, both profiles, folder and zip', () => {
    const quick = combos(true);
    expect(new Set(quick.map((c) => c.mechanismId)).size).toBe(MECHANISMS.length);
    expect(new Set(quick.map((c) => c.lang))).toEqual(new Set(LANGS));
    expect(new Set(quick.map((c) => c.profile))).toEqual(new Set(['redacted', 'forensic']));
    expect(new Set(quick.map((c) => c.zip))).toEqual(new Set([true, false]));
    // The full matrix: every template × profile × language once, each template, profile and language in both forms.
    const full = combos(false);
    expect(new Set(full.map((c) => `${c.mechanismId} ${c.profile} ${c.lang}`)).size).toBe(MECHANISMS.length * 2 * LANGS.length);
    expect(full).toHaveLength(MECHANISMS.length * 2 * LANGS.length);
    for (const key of ['mechanismId', 'profile', 'lang'] as const) {
      for (const v of new Set(full.map((c) => c[key]))) expect(new Set(full.filter((c) => c[key] === v).map((c) => c.zip)), `${key} ${v}`).toEqual(new Set([true, false]));
    }
  });

  it('every packet passes every check', { timeout: 120_000 }, async () => {
    const result = await run({ seed: 1, quick: true, workDir: tempDir('huella-packet-matrix-'), log: () => undefined });
    expect(result.failures).toEqual([]);
    expect(result.total).toBe(MECHANISMS.length);
    expect(result.passed).toBe(result.total);
  });
});
