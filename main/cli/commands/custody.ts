import fs from 'node:fs';
import { HuellaError } from '../../archive/errors';
import { limitPageCache } from '../../archive/db/open';
import { warmCryptoWorkers } from '../../archive/blobs/crypto';
import { formatBytes } from '../../archive/blobs/store';
import { consistencyReport, parsePublicKeyText, publicKeyForms, verifyStandaloneProof } from '../../archive/custody/service';
import { itemInclusionProof } from '../../archive/items/proof';
import { verifyVault, type VerifyProblem } from '../../archive/verify/verify';
import { recordVerification } from '../../archive/verify/record-verification';
import type { Command } from '../command';
import { list, str } from '../command';
import { progressBar } from '../io';
import { withVault } from '../unlock';
import { keyFingerprint } from '../../archive/custody/cosignature';
import { printWitnessRequest, witnessRequest } from './witness';

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HuellaError('FILE_UNREADABLE', `Cannot read the ${what} file (${file}).`, { cause: e });
  }
}

/**
 * The database page cache of `huella verify` (KiB; the app keeps SQLite's 16 MB). Verify reads the log, the tree and
 * the object rows once each, in order; the integrity check reads every page once. A bigger cache only holds pages
 * that are not read again.
 */
export const VERIFY_PAGE_CACHE_KIB = 4096;

function problemLine(p: VerifyProblem): string {
  const where = [p.event !== undefined ? `event #${p.event}` : '', p.item ? `item ${p.item}` : '', p.object ? `object ${p.object.slice(0, 16)}…` : '', p.checkpoint !== undefined ? `checkpoint ${p.checkpoint}` : '']
    .filter(Boolean)
    .join(', ');
  const ef = p.expected !== undefined || p.found !== undefined ? `\n      expected: ${p.expected ?? '—'}\n      found:    ${p.found ?? '—'}` : '';
  return `FAIL [${p.check}]${where ? ` (${where})` : ''}: ${p.message}${ef}`;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'recompute the custody chain, signatures, Merkle tree, checkpoints and every blob hash',
  usage: 'huella verify <vault> [--key KEYFILE] [--checkpoint FILE]... [--no-objects] [--json]',
  options: { key: { type: 'string' }, checkpoint: { type: 'string', multiple: true }, 'no-objects': { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    // The crypto threads (signatures, objects) boot while the vault is unlocked: the key derivation alone takes ~1 s
    // with the real parameters, and a thread ~0.1 s to start. Idle threads do not keep the process alive.
    warmCryptoWorkers();
    const bar = progressBar(!out.json);
    const keyFile = str(values, 'key');
    const expectedPublicKey = keyFile ? parsePublicKeyText(readText(keyFile, 'public key')) : undefined;
    const externalCheckpoints = list(values, 'checkpoint').map((f) => readText(f, 'checkpoint'));
    const report = await withVault(dir!, values, async (vault) => {
      limitPageCache(vault.store, VERIFY_PAGE_CACHE_KIB);
      const r = await verifyVault(vault, {
        ...(expectedPublicKey ? { expectedPublicKey } : {}),
        externalCheckpoints,
        skipObjects: Boolean(values['no-objects']),
        onProgress: (p) => bar.update(p.phase === 'objects' ? p.bytesDone : p.done, p.phase === 'objects' ? p.bytesTotal : p.total, `${p.phase} ${p.phase === 'objects' ? `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` : `${p.done}/${p.total}`}`),
      });
      recordVerification(vault, r);
      return r;
    });
    bar.done();
    if (out.json) {
      out.data(report);
    } else {
      for (const p of report.problems) out.line(problemLine(p));
      out.line(
        `${report.ok ? 'OK' : `FAILED: ${report.problems.length} problem(s)`}: ${report.events} events, ${report.checkpoints} checkpoints, ${report.objects} objects (${formatBytes(report.bytesHashed)} hashed); root ${report.root}`,
      );
    }
    return report.ok ? 0 : 1;
  },
};

export const logShowCommand: Command = {
  name: 'log show',
  summary: 'print the custody log',
  usage: 'huella log show <vault> [--from SEQ] [--json]',
  options: { from: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const from = Number(str(values, 'from') ?? '0');
    await withVault(dir!, values, async (vault) => {
      for (const e of vault.log.events(from)) {
        const text = e.bytes.toString('utf8');
        if (out.json) out.data({ seq: e.seq, event: JSON.parse(text) as unknown, canonical: text, signature: e.signature.toString('base64') });
        else {
          const ev = JSON.parse(text) as { time: string; type: string; subject: string | null; data: unknown };
          out.line(`#${String(e.seq).padEnd(6)} ${ev.time}  ${ev.type.padEnd(24)} ${ev.subject ?? '-'}  ${JSON.stringify(ev.data)}`);
        }
      }
    });
    return 0;
  },
};

export const logCheckpointCommand: Command = {
  name: 'log checkpoint',
  summary: 'print the latest signed checkpoint; with --for-witness or --since, the request to hand to a witness',
  usage: 'huella log checkpoint <vault> [--for-witness WITNESS | --since SIZE] [--out FILE] [--qr] [--json]',
  options: { 'for-witness': { type: 'string' }, since: { type: 'string' }, out: { type: 'string' }, qr: { type: 'boolean' } },
  args: [1, 1],
  async run([dir], values, out) {
    const forWitness = str(values, 'for-witness');
    const sinceText = str(values, 'since');
    if (forWitness !== undefined || sinceText !== undefined) {
      if (sinceText !== undefined && !/^(0|[1-9][0-9]*)$/.test(sinceText)) throw new HuellaError('INVALID_INPUT', '--since must be a tree size (a whole number).');
      const request = await withVault(dir!, values, async (vault) =>
        witnessRequest(vault, { ...(forWitness !== undefined ? { witness: forWitness } : {}), ...(sinceText !== undefined ? { since: Number(sinceText) } : {}) }),
      );
      if (out.json) out.data(request);
      else {
        printWitnessRequest(request.text, values, out);
        out.info(`Checkpoint of size ${request.size} with the consistency proof from size ${request.oldSize}${request.witness ? ` (the last size ${request.witness.label} cosigned)` : ''}.`);
      }
      return 0;
    }
    const note = await withVault(dir!, values, async (vault) => {
      const latest = vault.log.latestCheckpoint();
      if (latest && latest.size === vault.log.size()) return latest.note;
      return vault.log.writeCheckpoint('requested').note;
    });
    if (out.json) out.data({ checkpoint: note });
    else printWitnessRequest(note, values, out);
    return 0;
  },
};

export const logKeyCommand: Command = {
  name: 'log key',
  summary: "print the vault's public signing key (signed-note verifier key and minisign form)",
  usage: 'huella log key <vault> [--format note|minisign] [--json]',
  options: { format: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const forms = await withVault(dir!, values, async (vault) => ({ ...publicKeyForms(vault.log.origin, vault.log.publicKey), fingerprint: keyFingerprint(vault.log.publicKey) }));
    const format = str(values, 'format');
    if (out.json) out.data(forms);
    else if (format === 'note') out.line(forms.noteVerifierKey);
    else if (format === 'minisign') process.stdout.write(forms.minisignPublicKey);
    else {
      out.line(`signed-note verifier key: ${forms.noteVerifierKey}`);
      out.line(`fingerprint (a witness sees the same when it pins this key): ${forms.fingerprint}`);
      out.line('minisign public key:');
      process.stdout.write(forms.minisignPublicKey);
    }
    return 0;
  },
};

export const logProofCommand: Command = {
  name: 'log proof',
  summary: "inclusion proof of an item's ingest event (tlog-proof text, or JSON)",
  usage: 'huella log proof <vault> <item id> [--checkpoint FILE] [--event-out FILE] [--json]',
  options: { checkpoint: { type: 'string' }, 'event-out': { type: 'string' } },
  args: [2, 2],
  async run([dir, itemId], values, out) {
    const cpFile = str(values, 'checkpoint');
    const proof = await withVault(dir!, values, async (vault) => itemInclusionProof(vault, itemId!, cpFile ? readText(cpFile, 'checkpoint') : undefined));
    const eventOut = str(values, 'event-out');
    if (eventOut) fs.writeFileSync(eventOut, proof.event);
    if (out.json) out.data(proof.json);
    else process.stdout.write(proof.text);
    return 0;
  },
};

export const logVerifyProofCommand: Command = {
  name: 'log verify-proof',
  summary: 'check an inclusion proof without the vault (what a reviewer runs)',
  usage: 'huella log verify-proof --event FILE --proof FILE [--checkpoint FILE] --key KEYFILE [--json]',
  options: { event: { type: 'string' }, proof: { type: 'string' }, checkpoint: { type: 'string' }, key: { type: 'string' } },
  args: [0, 0],
  async run(_pos, values, out) {
    const eventFile = str(values, 'event');
    const proofFile = str(values, 'proof');
    const keyFile = str(values, 'key');
    if (!eventFile || !proofFile || !keyFile) throw new HuellaError('INVALID_INPUT', 'Give --event, --proof and --key (and --checkpoint unless the proof file contains one).');
    let eventBytes: Buffer;
    try {
      eventBytes = fs.readFileSync(eventFile);
    } catch (e) {
      throw new HuellaError('FILE_UNREADABLE', `Cannot read the event file (${eventFile}).`, { cause: e });
    }
    const cp = str(values, 'checkpoint');
    const result = verifyStandaloneProof({
      event: eventBytes,
      proofText: readText(proofFile, 'proof'),
      ...(cp ? { checkpointText: readText(cp, 'checkpoint') } : {}),
      keyText: readText(keyFile, 'key'),
    });
    if (out.json) out.data(result);
    else out.line(result.ok ? `OK: event is leaf ${result.index} of the log "${result.origin}" at size ${result.size}, signed by the given key.` : `FAIL: ${result.reason}`);
    return result.ok ? 0 : 1;
  },
};

export const logConsistencyCommand: Command = {
  name: 'log consistency',
  summary: 'prove that an earlier checkpoint is a prefix of the current log',
  usage: 'huella log consistency <vault> --from FILE [--json]',
  options: { from: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const from = str(values, 'from');
    if (!from) throw new HuellaError('INVALID_INPUT', 'Give the earlier checkpoint with --from FILE.');
    const report = await withVault(dir!, values, async (vault) => consistencyReport(vault.log, readText(from, 'checkpoint')));
    if (out.json) out.data(report);
    else if (report.consistent) {
      out.line(`OK: the checkpoint of size ${report.fromSize} is a prefix of the current log (size ${report.toSize}).`);
      out.line(`proof (${report.proof.length} hashes):`);
      for (const h of report.proof) out.line(`  ${h}`);
      out.line('current checkpoint:');
      process.stdout.write(report.toCheckpoint);
    } else {
      out.line(`NOT CONSISTENT: ${report.reason}`);
    }
    return report.consistent ? 0 : 1;
  },
};
