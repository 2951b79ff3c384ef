/**
 * OpenPGP detached signatures (RFC 9580 / RFC 4880) checked with openpgp.js (OpenPGP.js 6, LGPL-3.0, maintained by
 * Proton; pure JavaScript, no network). Runs in the pgp worker (pgp-worker.ts): a signature and a key from a bundle
 * are attacker-controlled packets.
 *
 * The check answers three things a person needs: is the signature over exactly these bytes, was it made by the key
 * the bundle carries, and which key that is (its fingerprint: nobody vouches for whose it is). A signature is checked
 * at its own creation time (the key had to be valid then), not at ours: a phone whose clock runs ahead must not make
 * a good signature "invalid". openpgp.js's defaults stay in force otherwise (MD5/RIPEMD refused; SHA-1 refused for
 * signatures over data; RSA under 2047 bits refused).
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { MAX_KEY_BYTES, MAX_SIGNATURE_BYTES, PGP_VERIFIER, type SignatureCheckRequest, type SignatureCheckResult } from './pgp-check';

export { MAX_KEY_BYTES, MAX_SIGNATURE_BYTES, PGP_VERIFIER, type SignatureCheckRequest, type SignatureCheckResult } from './pgp-check';

/** RFC 9580 §9.5 hash algorithm IDs. */
const HASH_NAMES: Record<number, string> = { 1: 'MD5', 2: 'SHA-1', 3: 'RIPEMD-160', 8: 'SHA-256', 9: 'SHA-384', 10: 'SHA-512', 11: 'SHA-224', 12: 'SHA3-256', 14: 'SHA3-512' };

function hex(id: { toHex(): string }): string {
  return id.toHex().toUpperCase();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

async function drain(stream: unknown): Promise<void> {
  if (stream && typeof (stream as ReadableStream).getReader === 'function') {
    const reader = (stream as ReadableStream<Uint8Array>).getReader();
    while (!(await reader.read()).done);
  }
}

/** Checks one armored detached signature over `data` (or the file at `path`) against the bundle's public key. */
export async function checkDetachedSignature(req: SignatureCheckRequest): Promise<SignatureCheckResult> {
  const base = { verifier: PGP_VERIFIER };
  if (req.publicKey.length > MAX_KEY_BYTES) return { ...base, state: 'invalid', problem: 'too-large', reason: 'The public key file is too large to be a key.' };
  if (req.signature.length > MAX_SIGNATURE_BYTES) return { ...base, state: 'invalid', problem: 'too-large', reason: 'The signature file is too large to be a signature.' };
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: req.publicKey });
  } catch (e) {
    return { ...base, state: 'invalid', problem: 'key-unreadable', reason: `The bundle's public key could not be read (${firstLine(e)}).` };
  }
  const keyInfo = {
    keyFingerprint: key.getFingerprint().toUpperCase(),
    keyUserIds: key.getUserIDs().slice(0, 10).map((u) => u.slice(0, 200)),
  };
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: req.signature });
  } catch (e) {
    return { ...base, ...keyInfo, state: 'invalid', problem: 'signature-unreadable', reason: `The signature could not be read (${firstLine(e)}).` };
  }
  const packet = signature.packets[0];
  const issuers = signature.getSigningKeyIDs();
  const sigInfo = {
    ...(issuers[0] ? { issuerKeyId: hex(issuers[0]) } : {}),
    ...(packet?.created instanceof Date && !Number.isNaN(packet.created.getTime()) ? { signedAt: packet.created.toISOString() } : {}),
    ...(packet && packet.hashAlgorithm !== null ? { hashAlgorithm: HASH_NAMES[packet.hashAlgorithm] ?? `hash algorithm ${packet.hashAlgorithm}` } : {}),
  };
  if (signature.packets.length !== 1) return { ...base, ...keyInfo, ...sigInfo, state: 'invalid', problem: 'several-signatures', reason: 'The signature file holds more than one signature.' };
  const ours = new Set(key.getKeyIDs().map(hex));
  if (issuers.length > 0 && !issuers.some((id) => ours.has(hex(id)))) {
    return { ...base, ...keyInfo, ...sigInfo, state: 'unknown-key', problem: 'other-key', reason: 'The signature was made by another key than the one in the bundle.' };
  }
  try {
    const binary = req.data ?? (req.path ? (Readable.toWeb(fs.createReadStream(req.path, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>) : undefined);
    if (!binary) throw new Error('no data to check');
    const message = await openpgp.createMessage({ binary });
    const result = await openpgp.verify({ message, signature, verificationKeys: key, format: 'binary', ...(packet?.created ? { date: packet.created } : {}) });
    await drain(result.data);
    await result.signatures[0]!.verified;
    return { ...base, ...keyInfo, ...sigInfo, state: 'valid' };
  } catch (e) {
    const m = firstLine(e);
    const mismatch = /digest did not match|verification failed/i.test(m);
    const reason = mismatch ? 'The signature does not match these bytes: the file differs from the one that was signed.' : `The signature could not be checked (${m}).`;
    return { ...base, ...keyInfo, ...sigInfo, state: 'invalid', problem: mismatch ? 'mismatch' : 'check-failed', reason };
  }
}
