import crypto from 'node:crypto';
import fs from 'node:fs';
import encodeQR from 'qr';
import { shellKeyStatement } from '../../archive/db/open';
import { HuellaError } from '../../archive/errors';
import { keyFingerprint } from '../../archive/custody/cosignature';
import { addCosignature, addWitness, cosignedCheckpoints, witnessesOf, witnessRequest } from '../../archive/witness/documenter';
import { cosignRequest } from '../../archive/witness/cosign';
import { initWitness, listLogStates, loadWitnessKey } from '../../archive/witness/state';
import type { Command } from '../command';
import { requireYes, str } from '../command';
import { withVault } from '../unlock';

function readText(file: string, what: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HuellaError('FILE_UNREADABLE', `Cannot read the ${what} file (${file}).`, { cause: e });
  }
}

function writeOut(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') throw new HuellaError('CONFLICT', `${file} already exists; choose another name (nothing was overwritten).`);
    throw new HuellaError('FILE_UNREADABLE', `Cannot write ${file}.`, { cause: e });
  }
}

/** A QR code in the terminal (stderr), so a phone can carry the text; refused politely when the text is too long. */
function printQr(text: string): void {
  try {
    process.stderr.write(`${encodeQR(text, 'term', { ecc: 'low' })}\n`);
  } catch {
    throw new HuellaError('INVALID_INPUT', `This is too long for one QR code (${Buffer.byteLength(text)} bytes); hand over the file instead.`);
  }
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

// ---- the witness's side (no vault) ----

export const witnessInitCommand: Command = {
  name: 'witness init',
  summary: 'make an offline witness key in a folder and print its verifier key (no vault needed)',
  usage: 'huella witness init <dir> [--name NAME]   (the name travels in every cosignature: a role or pseudonym, not a person\'s name)',
  options: { name: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const name = str(values, 'name') ?? `huella-witness/${crypto.randomBytes(4).toString('hex')}`;
    const key = initWitness(dir!, name);
    if (out.json) out.data({ name: key.name, verifierKey: key.verifierKey, fingerprint: keyFingerprint(key.publicKey) });
    else {
      out.line(key.verifierKey);
      out.info(`Witness key made in ${dir}. Give the line above to the documenters you witness for (they add it in Settings › Witnesses).`);
      out.info(`Fingerprint, to compare by voice: ${keyFingerprint(key.publicKey)}. Keep ${dir} private and on an encrypted disk: the key file is not encrypted.`);
    }
    return 0;
  },
};

export const witnessShowCommand: Command = {
  name: 'witness show',
  summary: "print the witness's verifier key and the logs it follows",
  usage: 'huella witness show <dir> [--json]',
  args: [1, 1],
  async run([dir], _values, out) {
    const key = loadWitnessKey(dir!);
    const logs = listLogStates(dir!).map((s) => ({ origin: s.origin, logKey: s.logKey, pinnedAt: s.pinnedAt, size: s.size, rootHash: s.rootHash, cosignedAt: s.cosignedAt }));
    if (out.json) out.data({ name: key.name, verifierKey: key.verifierKey, fingerprint: keyFingerprint(key.publicKey), logs });
    else {
      out.line(`witness ${key.name}  ${key.verifierKey}`);
      out.line(`fingerprint ${keyFingerprint(key.publicKey)}`);
      for (const l of logs) out.line(`log ${l.origin}: last cosigned size ${l.size} on ${day(l.cosignedAt)} (key pinned ${l.pinnedAt})`);
      if (logs.length === 0) out.line('no log cosigned yet');
    }
    return 0;
  },
};

export const witnessCosignCommand: Command = {
  name: 'witness cosign',
  summary: 'check a checkpoint against the last one this witness cosigned, and cosign it (C2SP tlog-cosignature)',
  usage: 'huella witness cosign <dir> --checkpoint FILE [--proof FILE] [--log-key KEY|FILE] [--out FILE] [--qr] [--json]',
  options: { checkpoint: { type: 'string' }, proof: { type: 'string' }, 'log-key': { type: 'string' }, out: { type: 'string' }, qr: { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    const cpFile = str(values, 'checkpoint');
    if (!cpFile) throw new HuellaError('INVALID_INPUT', 'Give the request or checkpoint the documenter handed over with --checkpoint FILE (- for standard input).');
    const proofFile = str(values, 'proof');
    const logKeyArg = str(values, 'log-key');
    const logKey = logKeyArg && !logKeyArg.includes('+') ? readText(logKeyArg, 'log key').trim() : logKeyArg;
    const r = cosignRequest(dir!, readText(cpFile, 'checkpoint'), { ...(proofFile ? { proofText: readText(proofFile, 'proof') } : {}), ...(logKey ? { logKey } : {}) });
    const outFile = str(values, 'out');
    if (outFile) writeOut(outFile, r.cosignedCheckpoint);
    if (out.json) out.data(r);
    else {
      if (!outFile) process.stdout.write(r.cosignedCheckpoint);
      if (r.firstUse) {
        out.info(`First checkpoint from ${r.origin}: its key is now pinned (trust on first use). Key fingerprint: ${r.logKeyFingerprint}.`);
        out.info('Compare this fingerprint with the documenter by another channel (a call, in person) before relying on it.');
      } else {
        out.info(`Consistent with the checkpoint of size ${r.previous!.size} this witness cosigned on ${day(r.previous!.cosignedAt)}; the log's key is the pinned one (${r.logKeyFingerprint}).`);
      }
      out.info(`Cosigned ${r.origin} at size ${r.size} on ${day(r.timestamp)} as ${r.witness.name}.${outFile ? ` Written to ${outFile}: give it back to the documenter.` : ''}`);
    }
    if (values.qr) printQr(r.cosignedCheckpoint);
    return 0;
  },
};

// ---- the documenter's side (a vault) ----

export const logWitnessAddCommand: Command = {
  name: 'log witness add',
  summary: 'trust a witness key (printed by huella witness init) for cosignatures of this vault',
  usage: 'huella log witness add <vault> <witness key> [--label TEXT] [--json]',
  options: { label: { type: 'string' } },
  args: [2, 2],
  async run([dir, key], values, out) {
    const label = str(values, 'label');
    const w = await withVault(dir!, values, async (vault) => addWitness(vault, key!, label));
    if (out.json) out.data(w);
    else out.line(`witness ${w.id}: ${w.label} (${w.name}), fingerprint ${w.fingerprint}`);
    return 0;
  },
};

export const logWitnessListCommand: Command = {
  name: 'log witness list',
  summary: 'the witnesses this vault trusts and the last checkpoint each cosigned',
  usage: 'huella log witness list <vault> [--json]',
  args: [1, 1],
  async run([dir], values, out) {
    const list = await withVault(dir!, values, async (vault) => witnessesOf(vault));
    for (const w of list) {
      if (out.json) out.data(w);
      else out.line(`${w.id}  ${w.label} (${w.name})  ${w.lastCosigned ? `last cosigned size ${w.lastCosigned.size} on ${day(w.lastCosigned.signedAt)}` : 'nothing cosigned yet'}  ${w.fingerprint}`);
    }
    return 0;
  },
};

export const logAddCosignatureCommand: Command = {
  name: 'log add-cosignature',
  summary: "verify a witness's cosignature and store it beside its checkpoint",
  usage: 'huella log add-cosignature <vault> <file|-> [--json]',
  args: [2, 2],
  async run([dir, file], values, out) {
    const text = readText(file!, 'cosignature');
    const r = await withVault(dir!, values, async (vault) => addCosignature(vault, text));
    if (out.json) out.data(r);
    else {
      for (const a of r.added) out.line(`OK: checkpoint of size ${r.checkpointSize} cosigned by ${a.label} (${a.name}) on ${day(a.signedAt)}`);
      if (r.alreadyKnown > 0) out.line(`${r.alreadyKnown} cosignature(s) were already stored.`);
    }
    return 0;
  },
};

export const logCosignaturesCommand: Command = {
  name: 'log cosignatures',
  summary: 'the checkpoints of this vault cosigned by witnesses, and by whom',
  usage: 'huella log cosignatures <vault> [--json]',
  args: [1, 1],
  async run([dir], values, out) {
    const list = await withVault(dir!, values, async (vault) => cosignedCheckpoints(vault));
    for (const c of list) {
      if (out.json) out.data(c);
      else out.line(`size ${c.size} (${c.createdAt}): ${c.cosignatures.map((s) => `${s.label} on ${day(s.signedAt)}`).join(', ')}`);
    }
    if (list.length === 0 && !out.json) out.line('no cosigned checkpoint yet');
    return 0;
  },
};

export const dbKeyCommand: Command = {
  name: 'db-key',
  summary: 'print the key of archive.db, to read it with an upstream SQLCipher 4 shell (needs --yes)',
  usage: 'huella db-key <vault> --yes',
  options: { yes: { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    requireYes(values, 'This prints the key of the vault\'s database: with it and the vault folder, anyone can read the whole catalogue (file names, places, people, testimonies). Run again with --yes only to read the vault without Huella (see the README, "Reading your vault without Huella").');
    const key = await withVault(dir!, values, async (vault) => vault.exportDatabaseKeyHex());
    if (out.json) out.data({ key, pragma: shellKeyStatement(key) });
    else {
      out.info('WARNING: this key opens the whole catalogue of the vault. Do not save it in a file; type it only into the SQLCipher shell.');
      out.line(key);
    }
    return 0;
  },
};

/** For `huella log checkpoint --for-witness/--since`: the request to hand to a witness. */
export function printWitnessRequest(text: string, values: Record<string, unknown>, out: { info(t: string): void }): void {
  const file = typeof values.out === 'string' ? values.out : undefined;
  if (file) writeOut(file, text);
  else process.stdout.write(text);
  if (values.qr) printQr(text);
  if (file) out.info(`Witness request written to ${file}.`);
}

export { witnessRequest };
