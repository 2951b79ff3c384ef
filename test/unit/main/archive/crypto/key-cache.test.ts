import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from '../../../../../main/archive/custody/ed25519';

describe('key object cache', () => {
  it('never signs with a stale key when the secret buffer is rewritten in place', () => {
    const seed = crypto.randomBytes(32);
    const pubA = ed25519KeyPairFromSeed(seed).publicKey;
    const msg = Buffer.from('event');
    expect(ed25519Verify(pubA, msg, ed25519Sign(seed, msg))).toBe(true);
    crypto.randomFillSync(seed); // same Buffer object, new key (as after zeroing and reuse)
    const pubB = ed25519KeyPairFromSeed(seed).publicKey;
    const sig = ed25519Sign(seed, msg);
    expect(ed25519Verify(pubB, msg, sig)).toBe(true);
    expect(ed25519Verify(pubA, msg, sig)).toBe(false);
  });

  it('signs identically with and without a cached key (Ed25519 is deterministic)', () => {
    const seed = crypto.randomBytes(32);
    const msg = crypto.randomBytes(100);
    const first = ed25519Sign(seed, msg);
    expect(ed25519Sign(Buffer.from(seed), msg).equals(first)).toBe(true);
    expect(ed25519Sign(seed, msg).equals(first)).toBe(true);
  });
});
