import fs from 'node:fs';
import { createVault, openVault } from '../../archive/vault/vault';
import { HuellaError } from '../../archive/errors';
import type { Command } from '../command';
import { requireYes, str } from '../command';
import { newPassphraseFrom, passphraseFrom, UsageError, unlockFrom } from '../io';
import { SHEET_OPTIONS, sheetLanguage, sheetPaper, writeSheet } from './recovery-sheet';
import { withVault } from '../unlock';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new vault',
  usage: 'huella init <vault> [--passphrase-file F] [--recovery-key-out F] [--recovery-sheet FILE.pdf|- [--lang en|es|fr|ar] [--paper a4|letter]] [--json]',
  options: { 'recovery-key-out': { type: 'string' }, 'recovery-sheet': { type: 'string' }, ...SHEET_OPTIONS },
  args: [1, 1],
  async run([dir], values, out) {
    const passphrase = values['passphrase-file'] || process.env.HUELLA_PASSPHRASE !== undefined
      ? await passphraseFrom({ 'passphrase-file': str(values, 'passphrase-file') })
      : await newPassphraseFrom(undefined, 'HUELLA_PASSPHRASE');
    const sheet = str(values, 'recovery-sheet');
    if (sheet) {
      sheetLanguage(values);
      sheetPaper(values);
      if (sheet === '-' && out.json) throw new UsageError('--recovery-sheet - writes the PDF to standard output; it cannot be combined with --json.');
      if (sheet !== '-' && fs.existsSync(sheet)) throw new HuellaError('CONFLICT', 'The recovery sheet file already exists; choose a new file name.');
    }
    const { vault, recoveryKey } = await createVault(dir!, passphrase);
    const id = vault.id;
    try {
      if (sheet) await writeSheet(vault, recoveryKey, sheet, values, out);
    } finally {
      vault.lock();
    }
    if (sheet === '-') return 0;
    const keyOut = str(values, 'recovery-key-out');
    if (keyOut) fs.writeFileSync(keyOut, recoveryKey + '\n', { mode: 0o600, flag: 'wx' });
    if (out.json) {
      out.data({ vault: dir, vaultId: id, recoveryKey });
    } else {
      out.line(`Created vault ${id} in ${dir}.`);
      out.line('');
      out.line('RECOVERY KEY (shown once; write it on paper and keep it somewhere safe, away from this computer):');
      out.line('');
      out.line(`    ${recoveryKey}`);
      out.line('');
      out.line('Anyone with this key can open the vault. Without it, a forgotten passphrase means the evidence is lost.');
      if (sheet) out.line(`The printable recovery sheet is in ${sheet}.`);
    }
    return 0;
  },
};

export const unlockTestCommand: Command = {
  name: 'unlock-test',
  summary: 'exit 0 if the passphrase (or recovery key) opens the vault',
  usage: 'huella unlock-test <vault> [--passphrase-file F | --recovery-key-file F] [--json]',
  args: [1, 1],
  async run([dir], values, out) {
    const vault = await openVault(dir!, await unlockFrom({ 'passphrase-file': str(values, 'passphrase-file'), 'recovery-key-file': str(values, 'recovery-key-file') }));
    const id = vault.id;
    vault.lock();
    if (out.json) out.data({ ok: true, vaultId: id });
    else out.line(`OK: the vault ${id} opens.`);
    return 0;
  },
};

export const passwdCommand: Command = {
  name: 'passwd',
  summary: 'change the passphrase (unlock with the old one or the recovery key)',
  usage: 'huella passwd <vault> [--passphrase-file OLD | --recovery-key-file F] [--new-passphrase-file NEW] [--json]',
  options: { 'new-passphrase-file': { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    await withVault(dir!, values, async (vault) => {
      const next = await newPassphraseFrom(str(values, 'new-passphrase-file'), 'HUELLA_NEW_PASSPHRASE');
      await vault.changePassphrase(next);
    });
    if (out.json) out.data({ ok: true });
    else out.line('Passphrase changed. The recovery key is unchanged.');
    return 0;
  },
};

export const identityRecipientCommand: Command = {
  name: 'identity recipient',
  summary: "print the vault's public age recipient (age1…), which is safe to share",
  usage: 'huella identity recipient <vault> [--json]',
  options: {},
  args: [1, 1],
  async run([dir], values, out) {
    const recipient = await withVault(dir!, values, async (vault) => vault.ageRecipient);
    if (out.json) out.data({ recipient });
    else out.line(recipient);
    return 0;
  },
};

export const identityExportCommand: Command = {
  name: 'identity export',
  summary: 'print the age identity that decrypts every blob (needs --yes)',
  usage: 'huella identity export <vault> --yes',
  options: { yes: { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    requireYes(values, 'This prints the secret key that decrypts every file in the vault. Anyone who sees it can read all the evidence. Run again with --yes if you really need it (e.g. to recover files with `age -d -i`).');
    const identity = await withVault(dir!, values, async (vault) => ({ identity: vault.exportAgeIdentity(), recipient: vault.ageRecipient }));
    if (out.json) out.data(identity);
    else {
      out.info('WARNING: this key decrypts every file of the vault. Store it offline; delete it when done.');
      out.line(`# recipient: ${identity.recipient}`);
      out.line(identity.identity);
    }
    return 0;
  },
};
