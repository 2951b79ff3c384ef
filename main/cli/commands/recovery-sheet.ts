import fs from 'node:fs';
import { LANGUAGES, type Language } from '../../../shared/api';
import { backupKeyFingerprint, deriveBackupSigningKey } from '../../archive/backup';
import { HuellaError } from '../../archive/errors';
import { renderRecoverySheet, type SheetPaper } from '../../archive/vault/recovery-sheet';
import type { Vault } from '../../archive/vault/vault';
import type { Command, ParsedValues } from '../command';
import { requireYes, str } from '../command';
import type { Out } from '../io';
import { UsageError } from '../io';
import { withVault } from '../unlock';

/** Shared by `init --recovery-sheet` and `recovery-sheet`. */

export const SHEET_OPTIONS = { lang: { type: 'string' }, paper: { type: 'string' } } as const;

export function sheetLanguage(values: ParsedValues): Language {
  const lang = str(values, 'lang') ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang)) throw new UsageError(`--lang must be one of ${LANGUAGES.join(', ')}.`);
  return lang as Language;
}

export function sheetPaper(values: ParsedValues): SheetPaper {
  const paper = str(values, 'paper') ?? 'a4';
  if (paper !== 'a4' && paper !== 'letter') throw new UsageError('--paper must be a4 or letter.');
  return paper;
}

function fingerprintOf(vault: Vault): string {
  const key = deriveBackupSigningKey(vault.signingSeed);
  try {
    return backupKeyFingerprint(key.publicKey);
  } finally {
    key.seed.fill(0);
  }
}

/**
 * Renders the sheet and writes it to `target` ("-" = standard output, so it can go straight to a printer with
 * `| lp` and never touch the disk). A file is created new (never overwritten), readable by its owner only.
 */
export async function writeSheet(vault: Vault, recoveryKey: string, target: string, values: ParsedValues, out: Out): Promise<void> {
  const pdf = await renderRecoverySheet({ recoveryKey, vaultId: vault.id, lang: sheetLanguage(values), paper: sheetPaper(values), backupKeyFingerprint: fingerprintOf(vault) });
  if (target === '-') {
    process.stdout.write(pdf);
    return;
  }
  try {
    fs.writeFileSync(target, pdf, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new HuellaError(code === 'EEXIST' ? 'CONFLICT' : 'FILE_UNREADABLE', code === 'EEXIST' ? 'That file already exists; the recovery sheet is never written over another file.' : 'The recovery sheet could not be written there.', { cause: e });
  }
  out.info(`WARNING: ${target} contains the recovery key in clear. Print it, then delete the file (a deleted file may stay recoverable on this disk: prefer "--recovery-sheet -" piped to a printer, or a RAM disk such as /dev/shm).`);
}

export const recoverySheetCommand: Command = {
  name: 'recovery-sheet',
  summary: 'make a NEW recovery key and print its sheet as PDF (the old key stops working; needs --yes)',
  usage: 'huella recovery-sheet <vault> --out FILE.pdf|- --yes [--lang en|es|fr|ar] [--paper a4|letter]\n' +
    '  The recovery key is not stored anywhere (only a key sealed by it is), so a sheet cannot be reprinted: this\n' +
    '  command replaces the recovery key (Vault.replaceRecoveryKey) and prints the new one. The old sheet stops working.',
  options: { out: { type: 'string' }, yes: { type: 'boolean' }, ...SHEET_OPTIONS },
  args: [1, 1],
  async run([dir], values, out) {
    const target = str(values, 'out');
    if (!target) throw new UsageError('Say where the sheet goes: --out FILE.pdf (or --out - for standard output).');
    sheetLanguage(values);
    sheetPaper(values);
    if (target !== '-' && fs.existsSync(target)) throw new HuellaError('CONFLICT', 'That file already exists; the recovery sheet is never written over another file.');
    requireYes(values, 'The recovery key is not stored anywhere, so it cannot be printed again. This command makes a NEW recovery key: the old key and its sheet stop working. Run again with --yes to do that.');
    const vaultId = await withVault(dir!, values, async (vault) => {
      const key = await vault.replaceRecoveryKey();
      await writeSheet(vault, key, target, values, out);
      return vault.id;
    });
    if (out.json && target !== '-') out.data({ ok: true, vaultId, sheet: target, recoveryKeyReplaced: true });
    else if (target !== '-') out.line(`A new recovery key was made for vault ${vaultId}; its sheet is in ${target}. The old recovery key no longer works.`);
    return 0;
  },
};
