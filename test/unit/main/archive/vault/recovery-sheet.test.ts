import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../../../shared/api';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from '../../../../../main/archive/vault/recovery-key';
import { renderRecoverySheet } from '../../../../../main/archive/vault/recovery-sheet';
import { SHEET_TEXT_KEYS, sheetText, uiText } from '../../../../../main/archive/vault/recovery-sheet-text';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/** The printable recovery sheet: one page, the key in groups and as a QR code that decodes, no passphrase, 4 languages. */
describe('recovery sheet PDF', () => {
  const root = tempDir();
  const key = formatRecoveryKey(generateRecoveryKey());
  const vaultId = 'abcdefghijklmnopqrstuvwxyz';

  const run = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.toString()}`);
    return r.stdout.toString('utf8');
  };

  async function qrText(pdf: string): Promise<string> {
    run('pdftoppm', ['-r', '150', '-png', '-singlefile', pdf, pdf.replace(/\.pdf$/, '')]);
    const { data, info } = await sharp(pdf.replace(/\.pdf$/, '.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return decodeQR({ width: info.width, height: info.height, data }, { format: 'RGBA' });
  }

  for (const lang of LANGUAGES) {
    it(`${lang}: one page with the key in groups, the vault id, the QR code of the key, and no passphrase`, async () => {
      const pdf = await renderRecoverySheet({ recoveryKey: key, vaultId, lang, backupKeyFingerprint: '09DC 9CCE 413F 2987', date: new Date('2025-03-04T12:00:00Z') });
      const file = path.join(root, `sheet-${lang}.pdf`);
      fs.writeFileSync(file, pdf);
      expect(run('pdfinfo', [file])).toMatch(/Pages:\s+1\n/);
      const text = run('pdftotext', ['-layout', file, '-']);
      for (const group of key.split('-')) expect(text).toContain(group);
      expect(text).toContain(vaultId);
      expect(text).toContain('09DC 9CCE 413F 2987');
      // The text layer is the text typed, in every language: Arabic letters in logical order (ActualText), no
      // typographic ligature (ﬁ, ﬀ) standing for its letters. Compared without white space: pdftotext puts a full stop
      // inside a right-to-left line (drawn right after its word) against the next word.
      const bare = (t: string): string => t.replace(/[\s\u200e\u200f\u202a-\u202e]/g, '');
      const flat = bare(run('pdftotext', [file, '-']));
      expect(flat).toContain(bare(uiText(lang).title));
      expect(flat).toContain(bare(sheetText('noPassphrase', lang)));
      expect(pdf.includes(Buffer.from(TEST_PASSPHRASE))).toBe(false);
      // No producer or date metadata; every font embedded (nothing fetched or substituted at print time).
      expect(pdf.includes(Buffer.from('Producer'))).toBe(false);
      const fonts = run('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const f of fonts) expect(f).toMatch(/\byes\s+yes\s+yes\b/);
      if (lang === 'ar') expect(fonts.some((f) => /NotoNaskhArabic/.test(f))).toBe(true);
      const decoded = await qrText(file);
      expect(decoded).toBe(key);
      expect(parseRecoveryKey(decoded).equals(parseRecoveryKey(key))).toBe(true);
    });
  }

  it('fits one page on US letter too', async () => {
    const file = path.join(root, 'letter.pdf');
    fs.writeFileSync(file, await renderRecoverySheet({ recoveryKey: key, vaultId, lang: 'fr', paper: 'letter' }));
    expect(run('pdfinfo', [file])).toMatch(/Page size:\s+612 x 792 pts/);
    expect(await qrText(file)).toBe(key);
  });

  it('refuses to print something that is not a recovery key', async () => {
    await expect(renderRecoverySheet({ recoveryKey: key.replace(/^./, key[0] === 'A' ? 'B' : 'A'), vaultId, lang: 'en' })).rejects.toMatchObject({ code: 'WRONG_RECOVERY_KEY' });
  });

  it('has every text in every language', () => {
    for (const lang of LANGUAGES) {
      for (const k of SHEET_TEXT_KEYS) expect(sheetText(k, lang).trim().length, `${lang}.${k}`).toBeGreaterThan(0);
      const ui = uiText(lang);
      expect([ui.title, ui.vault, ui.keyHeading, ui.useRecoveryKey, ...ui.steps].every((s) => s.length > 0)).toBe(true);
    }
    expect(sheetText('use1', 'ar')).toContain('{button}');
  });
});
