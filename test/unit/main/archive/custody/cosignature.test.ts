import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendSignatureLines,
  cosignatureMessage,
  cosignatureTimestamp,
  cosignCheckpointText,
  cosignerKeyHash,
  cosignerVerifierKey,
  parseCosignerVerifierKey,
  verifyCosignatures,
} from '../../../../../main/archive/custody/cosignature';
import { formatCheckpointBody, signCheckpoint, verifyCheckpoint } from '../../../../../main/archive/custody/checkpoint';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { openNote, parseVerifierKey, verifierKey } from '../../../../../main/archive/custody/note';
import { isHuellaError } from '../../../../../main/archive/errors';

// ---- Known answers from outside Huella ----

// A real checkpoint of the Certificate Transparency staging log arche2025h1, cosigned by production witnesses of the
// public witness network, as published in florolf/tlog-scales, tests/test_signing.py (TestCheckpointVerification).
// The witness key of remora.n621.de (type 0x04) is the one in transparency-dev/formats, note/note_cosigv1_test.go
// (TestCoSigV1NewVerifier, "works: native algEd25519CosignatureV1 verifier"); the log's Ed25519 key is in tlog-scales.
const ARCHE_TEXT = 'arche2025h1.staging.ct.transparency.dev\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n';
const ARCHE_NOTE = `${ARCHE_TEXT}
— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
`;
const ARCHE_LOG_VKEY = 'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
// transparency-dev/formats, note_cosigv1_test.go, TestCoSigV1NewVerifier: a plain Ed25519 vkey (type 0x01) that
// its NewVerifierForCosignatureV1 accepts as a cosigner key.
const TEST_TYPE1_VKEY = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';
// transparency-dev/formats, TestCoSigV1Timestamp: a cosignature whose embedded timestamp is 1727964367; and a plain
// note signature (no timestamp) that must be refused as a cosignature.
const TD_COSIG = 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
const TD_PLAIN_SIG = 'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=';
// c2sp.org/tlog-cosignature, the example at the top of the spec: its witness line carries key ID 8d66cf3f and
// timestamp 1679315147, the "time 1679315147" of the spec's signed-message example. (The spec publishes no key.)
const SPEC_WITNESS_LINE_B64 = 'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
const SPEC_MESSAGE = 'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

const CHECKER = path.resolve(__dirname, '../../../../tools/tlog-cosignature-check.mjs');

function sigOf(b64: string, name = 'x'): { name: string; keyHash: Buffer; signature: Buffer } {
  const bytes = Buffer.from(b64, 'base64');
  return { name, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
}

function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    return isHuellaError(e) ? { code: e.code, message: e.message } : { code: 'not a HuellaError', message: String(e) };
  }
  return undefined;
}

function runChecker(args: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync(process.execPath, [CHECKER, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

describe('tlog-cosignature: known answers from independent implementations', () => {
  it('verifies a production witness cosignature (remora.n621.de on the CT staging log arche2025h1)', () => {
    const log = parseVerifierKey(ARCHE_LOG_VKEY);
    const cp = verifyCheckpoint(ARCHE_NOTE, log, 'arche2025h1.staging.ct.transparency.dev');
    expect(cp.size).toBe(1432088532);
    const remora = parseCosignerVerifierKey(REMORA_VKEY);
    expect(remora.keyHash.toString('hex')).toBe('da77ade7');
    expect(remora.verifierKey).toBe(REMORA_VKEY);
    const found = verifyCosignatures(cp.text, cp.otherSignatures, [remora]);
    expect(found).toHaveLength(1);
    expect(found[0]!.timestamp).toBe(1779573024);
    expect(new Date(found[0]!.timestamp * 1000).toISOString()).toBe('2026-05-23T21:50:24.000Z');
  });

  it('refuses that cosignature once any byte of the checkpoint or its time changes', () => {
    const remora = parseCosignerVerifierKey(REMORA_VKEY);
    const sig = openNote(ARCHE_NOTE, parseVerifierKey(ARCHE_LOG_VKEY)).otherSignatures.find((s) => s.name === 'remora.n621.de')!;
    const otherSize = ARCHE_TEXT.replace('1432088532', '1432088533');
    expect(errorOf(() => verifyCosignatures(otherSize, [sig], [remora]))?.code).toBe('SIGNATURE_INVALID');
    const laterTime = Buffer.from(sig.signature);
    laterTime[7]! ^= 1;
    expect(errorOf(() => verifyCosignatures(ARCHE_TEXT, [{ ...sig, signature: laterTime }], [remora]))?.message).toMatch(/witness remora\.n621\.de/);
  });

  it('ignores cosignatures by witnesses it was not given (the other four witnesses of that note)', () => {
    const cp = openNote(ARCHE_NOTE, parseVerifierKey(ARCHE_LOG_VKEY));
    expect(cp.otherSignatures.length).toBe(5);
    expect(verifyCosignatures(cp.text, cp.otherSignatures, [parseCosignerVerifierKey(cosignerVerifierKey('w', Buffer.alloc(32, 7)))])).toEqual([]);
  });

  it('accepts a plain Ed25519 vkey as a cosigner key, as transparency-dev/formats does', () => {
    const k = parseCosignerVerifierKey(TEST_TYPE1_VKEY);
    expect(k.name).toBe('TEST');
    expect(k.keyHash).toEqual(cosignerKeyHash('TEST', k.publicKey));
    expect(k.verifierKey.split('+')[2]!.startsWith('B')).toBe(true); // 0x04 ‖ key, base64
  });

  it('reads the timestamps of transparency-dev/formats TestCoSigV1Timestamp and of the spec example', () => {
    expect(cosignatureTimestamp(sigOf(TD_COSIG))).toBe(1727964367);
    expect(cosignatureTimestamp(sigOf(TD_PLAIN_SIG))).toBeUndefined();
    const spec = sigOf(SPEC_WITNESS_LINE_B64, 'witness.example.com/w1');
    expect(spec.keyHash.toString('hex')).toBe('8d66cf3f');
    expect(cosignatureTimestamp(spec)).toBe(1679315147);
    expect(cosignatureMessage(1679315147, 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n').toString('utf8')).toBe(SPEC_MESSAGE);
  });

  it('the independent checker (test/tools, written from the spec) accepts the production cosignature and refuses a changed one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosig-'));
    try {
      fs.writeFileSync(path.join(dir, 'cp'), ARCHE_NOTE);
      const ok = runChecker(['--note', path.join(dir, 'cp'), '--log-key', ARCHE_LOG_VKEY, '--witness-key', REMORA_VKEY]);
      expect(ok.status, ok.out).toBe(0);
      expect(ok.out).toContain('cosignature by remora.n621.de: valid, time 1779573024 (2026-05-23T21:50:24.000Z)');
      fs.writeFileSync(path.join(dir, 'bad'), ARCHE_NOTE.replace('1432088532', '1432088531'));
      const bad = runChecker(['--note', path.join(dir, 'bad'), '--log-key', ARCHE_LOG_VKEY, '--witness-key', REMORA_VKEY]);
      expect(bad.status).toBe(1);
      expect(bad.out).toContain('FAIL: cosignature by remora.n621.de: INVALID');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tlog-cosignature: our signer', () => {
  const seed = Buffer.alloc(32, 0x42);
  const name = 'witness.example.org/lawyer';
  const logSeed = Buffer.alloc(32, 0x11);
  const origin = 'huella/vlt_test';
  const body = formatCheckpointBody({ origin, size: 7, rootHash: Buffer.alloc(32, 3) });
  const note = signCheckpoint(body, origin, logSeed);

  it('writes the spec framing: key ID ‖ big-endian time ‖ 64-byte signature over the cosignature/v1 message', () => {
    const line = cosignCheckpointText(body, name, seed, 1_780_000_000);
    const m = /^— (\S+) (\S+)$/.exec(line)!;
    expect(m[1]).toBe(name);
    const bytes = Buffer.from(m[2]!, 'base64');
    expect(bytes.length).toBe(76);
    const { publicKey } = ed25519KeyPairFromSeed(seed);
    expect(bytes.subarray(0, 4)).toEqual(cosignerKeyHash(name, publicKey));
    expect(bytes.readBigUInt64BE(4)).toBe(1_780_000_000n);
  });

  it('round trip: a cosigned Huella checkpoint verifies with our verifier and with the independent checker', () => {
    const { publicKey } = ed25519KeyPairFromSeed(seed);
    const vkey = cosignerVerifierKey(name, publicKey);
    const cosigned = appendSignatureLines(note, [cosignCheckpointText(body, name, seed, 1_780_000_000)]);
    const logKey = ed25519KeyPairFromSeed(logSeed).publicKey;
    const cp = verifyCheckpoint(cosigned, { name: origin, publicKey: logKey });
    expect(verifyCosignatures(cp.text, cp.otherSignatures, [parseCosignerVerifierKey(vkey)]).map((c) => c.timestamp)).toEqual([1_780_000_000]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosig-'));
    try {
      fs.writeFileSync(path.join(dir, 'cp'), cosigned);
      const r = runChecker(['--note', path.join(dir, 'cp'), '--log-key', verifierKey(origin, logKey), '--witness-key', vkey]);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain(`cosignature by ${name}: valid, time 1780000000`);
      const other = cosignerVerifierKey(name, ed25519KeyPairFromSeed(Buffer.alloc(32, 9)).publicKey);
      const wrongKey = runChecker(['--note', path.join(dir, 'cp'), '--log-key', verifierKey(origin, logKey), '--witness-key', other]);
      expect(wrongKey.status).toBe(1);
      expect(wrongKey.out).toContain(`FAIL: cosignature by ${name}: MISSING`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appendSignatureLines keeps the log signature first and drops repeats', () => {
    const line = cosignCheckpointText(body, name, seed, 5);
    const twice = appendSignatureLines(appendSignatureLines(note, [line]), [line]);
    expect(twice.split('\n').filter((l) => l.startsWith('—'))).toHaveLength(2);
    expect(twice.startsWith(note)).toBe(true);
  });

  it('refuses malformed witness keys with a message saying what is wrong', () => {
    expect(errorOf(() => parseCosignerVerifierKey('nope'))?.message).toMatch(/expected <name>\+<key ID>\+<key>/);
    const good = cosignerVerifierKey(name, Buffer.alloc(32, 1));
    expect(errorOf(() => parseCosignerVerifierKey(good.replace(/\+[0-9a-f]{8}\+/, '+00000000+')))?.message).toMatch(/key ID does not match/);
    expect(errorOf(() => cosignCheckpointText('not a checkpoint\n', name, seed, 1))?.code).toBe('FORMAT_INVALID');
  });
});
