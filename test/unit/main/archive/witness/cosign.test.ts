import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCosignerVerifierKey, verifyCosignatures } from '../../../../../main/archive/custody/cosignature';
import { formatCheckpointBody, signCheckpoint, verifyCheckpoint } from '../../../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { MemoryMerkleStore, appendLeaf, consistencyProof, leafHash, treeRoot } from '../../../../../main/archive/custody/merkle';
import { verifierKey } from '../../../../../main/archive/custody/note';
import { isHuellaError } from '../../../../../main/archive/errors';
import { cosignRequest } from '../../../../../main/archive/witness/cosign';
import { formatAddCheckpointBody, formatWitnessRequest, parseWitnessRequest } from '../../../../../main/archive/witness/request';
import { initWitness, listLogStates, logStateId, readLogState, WITNESS_FILES } from '../../../../../main/archive/witness/state';

const ORIGIN = 'huella/vlt_witness_test';
const LOG_SEED = Buffer.alloc(32, 0x21);
const LOG_KEY = verifierKey(ORIGIN, ed25519KeyPairFromSeed(LOG_SEED).publicKey);

/** A log as the witness sees it: leaves, and signed checkpoints of any prefix. */
class TestLog {
  readonly store = new MemoryMerkleStore();
  size = 0;
  constructor(entries: readonly string[] = []) {
    for (const e of entries) this.add(e);
  }
  add(entry: string): this {
    this.size = appendLeaf(this.store, this.size, leafHash(Buffer.from(entry)));
    return this;
  }
  checkpoint(size = this.size, seed = LOG_SEED): string {
    return signCheckpoint(formatCheckpointBody({ origin: ORIGIN, size, rootHash: treeRoot(this.store, size) }), ORIGIN, seed);
  }
  request(oldSize: number, size = this.size): string {
    return formatWitnessRequest({ logKey: LOG_KEY, oldSize, proof: oldSize === 0 ? [] : consistencyProof(this.store, oldSize, size), checkpoint: this.checkpoint(size) });
  }
}

function errorOf(f: () => unknown): { code: string; message: string; reason?: unknown } | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message, reason: e.details?.reason } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'witness-'));
  initWitness(dir, 'witness.example.org/lawyer');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (iso: string): { now: Date } => ({ now: new Date(iso) });

describe('offline witness: cosigning', () => {
  it('pins the log key on first use, cosigns, and the cosignature verifies under the witness key', () => {
    const log = new TestLog(['a', 'b', 'c']);
    const r = cosignRequest(dir, log.request(0), at('2026-05-03T10:00:00Z'));
    expect(r.firstUse).toBe(true);
    expect(r.size).toBe(3);
    expect(r.timestamp).toBe(Date.parse('2026-05-03T10:00:00Z') / 1000);
    expect(r.logKeyFingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    const cp = verifyCheckpoint(r.cosignedCheckpoint, { name: ORIGIN, publicKey: ed25519KeyPairFromSeed(LOG_SEED).publicKey });
    const found = verifyCosignatures(cp.text, cp.otherSignatures, [parseCosignerVerifierKey(r.witness.verifierKey)]);
    expect(found.map((f) => f.timestamp)).toEqual([r.timestamp]);
    const state = readLogState(dir, ORIGIN)!;
    expect(state).toMatchObject({ size: 3, logKey: LOG_KEY, cosignedAt: r.timestamp });
    // Written atomically: no temporary files are left beside the state.
    expect(fs.readdirSync(path.join(dir, WITNESS_FILES.logs)).every((n) => n.endsWith('.json'))).toBe(true);
  });

  it('cosigns an append-only extension with a valid consistency proof, and the same checkpoint again', () => {
    const log = new TestLog(['a', 'b', 'c']);
    cosignRequest(dir, log.request(0), at('2026-05-03T10:00:00Z'));
    log.add('d').add('e');
    const r = cosignRequest(dir, log.request(3), at('2026-05-04T10:00:00Z'));
    expect(r.firstUse).toBe(false);
    expect(r.previous).toMatchObject({ size: 3 });
    const again = cosignRequest(dir, log.request(5), at('2026-05-05T10:00:00Z'));
    expect(again.size).toBe(5);
  });

  it('refuses a FORKED log (rolled back and extended differently), naming both checkpoints, and keeps it as evidence', () => {
    const log = new TestLog(['a', 'b', 'c', 'd', 'e']);
    cosignRequest(dir, log.request(0, 3), at('2026-05-03T10:00:00Z'));
    cosignRequest(dir, log.request(3, 5), at('2026-05-04T10:00:00Z'));
    // The holder restores the vault as it was at 2 events, and records other events: same key, other history.
    const fork = new TestLog(['a', 'b', 'X', 'Y', 'Z', 'W']);
    const forkedRequest = formatWitnessRequest({ logKey: LOG_KEY, oldSize: 5, proof: consistencyProof(fork.store, 5, 6), checkpoint: fork.checkpoint(6) });
    const e = errorOf(() => cosignRequest(dir, forkedRequest, at('2026-05-06T10:00:00Z')));
    expect(e?.code).toBe('VERIFY_FAILED');
    expect(e?.reason).toBe('fork');
    expect(e?.message).toContain(`Refused: FORK of ${ORIGIN}`);
    expect(e?.message).toContain('does not extend the checkpoint of size 5');
    expect(e?.message).toContain('cosigned on 2026-05-04T10:00:00Z');
    expect(readLogState(dir, ORIGIN)!.size).toBe(5); // state unchanged
    const kept = fs.readdirSync(path.join(dir, WITNESS_FILES.refused));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, WITNESS_FILES.refused, kept[0]!), 'utf8')).toContain(fork.checkpoint(6));
    // A fork at the same size: the roots differ.
    const same = errorOf(() => cosignRequest(dir, formatWitnessRequest({ logKey: LOG_KEY, oldSize: 5, proof: [], checkpoint: fork.checkpoint(5) })));
    expect(same?.reason).toBe('fork');
    expect(same?.message).toContain('at that size this witness cosigned root');
  });

  it('refuses a checkpoint older than the last one it cosigned', () => {
    const log = new TestLog(['a', 'b', 'c', 'd', 'e']);
    cosignRequest(dir, log.request(0, 5), at('2026-05-04T10:00:00Z'));
    const e = errorOf(() => cosignRequest(dir, log.request(0, 3)));
    expect(e?.code).toBe('CONFLICT');
    expect(e?.reason).toBe('older');
    expect(e?.message).toContain('checkpoint of size 3 is older than the one this witness cosigned on 2026-05-04T10:00:00Z (size 5)');
  });

  it('says which size to ask for when the request starts from another size', () => {
    const log = new TestLog(['a', 'b', 'c']);
    cosignRequest(dir, log.request(0, 2));
    const e = errorOf(() => cosignRequest(dir, log.request(0, 3)));
    expect(e?.reason).toBe('old-size');
    expect(e?.message).toContain('huella log checkpoint <vault> --since 2');
  });

  it('refuses a checkpoint not signed by the pinned key, and a request that swaps the key', () => {
    const log = new TestLog(['a', 'b']);
    cosignRequest(dir, log.request(0));
    log.add('c');
    const otherSeed = Buffer.alloc(32, 0x99);
    const forged = formatAddCheckpointBody(2, consistencyProof(log.store, 2, 3), log.checkpoint(3, otherSeed));
    expect(errorOf(() => cosignRequest(dir, forged))?.code).toBe('SIGNATURE_INVALID');
    const swapped = formatWitnessRequest({ logKey: verifierKey(ORIGIN, ed25519KeyPairFromSeed(otherSeed).publicKey), oldSize: 2, proof: consistencyProof(log.store, 2, 3), checkpoint: log.checkpoint(3, otherSeed) });
    const e = errorOf(() => cosignRequest(dir, swapped));
    expect(e?.reason).toBe('key-changed');
    expect(e?.message).toContain('is not the key this witness pinned');
  });

  it('refuses a first checkpoint without the log key, and reads a bare checkpoint with a separate proof file', () => {
    const log = new TestLog(['a', 'b', 'c']);
    expect(errorOf(() => cosignRequest(dir, log.checkpoint()))?.reason).toBe('unknown-log');
    cosignRequest(dir, log.checkpoint(2), { logKey: LOG_KEY });
    const proof = `old 2\n${consistencyProof(log.store, 2, 3).map((h) => h.toString('base64')).join('\n')}\n`;
    expect(cosignRequest(dir, log.checkpoint(3), { proofText: proof }).size).toBe(3);
  });

  it('stops with a clear message, cosigning nothing, when a log state file is damaged', () => {
    const log = new TestLog(['a', 'b', 'c']);
    cosignRequest(dir, log.request(0, 2));
    expect(listLogStates(dir).map((s) => [s.origin, s.size])).toEqual([[ORIGIN, 2]]);
    const file = path.join(dir, WITNESS_FILES.logs, `${logStateId(ORIGIN)}.json`);
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.slice(0, 40));
    for (const f of [() => cosignRequest(dir, log.request(2, 3)), () => listLogStates(dir)]) {
      const e = errorOf(f);
      expect(e?.code).toBe('FORMAT_INVALID');
      expect(e?.message).toContain(`The witness's state for`);
      expect(e?.message).toContain('Nothing was cosigned');
    }
    // A state copied under another log's file name is not believed either.
    fs.writeFileSync(file, good.replace(ORIGIN, 'huella/vlt_other'));
    expect(errorOf(() => listLogStates(dir))?.message).toMatch(/damaged or of an unknown format/);
    fs.writeFileSync(file, good);
    expect(cosignRequest(dir, log.request(2, 3)).size).toBe(3);
  });

  it('parses the C2SP tlog-witness example request body', () => {
    // c2sp.org/tlog-witness, add-checkpoint, "Example request body".
    const body =
      'old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
    const r = parseWitnessRequest(body);
    expect(r.oldSize).toBe(20852014);
    expect(r.proof).toHaveLength(4);
    expect(r.checkpoint.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
    expect(errorOf(() => parseWitnessRequest(body.replace(/\n/g, '\r\n')))?.message).toMatch(/Windows line endings/);
  });
});
