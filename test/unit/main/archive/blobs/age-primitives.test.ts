import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfSha256 } from '../../../../../main/archive/blobs/age-primitives';

describe('age primitives: HKDF-SHA-256 written out as two HMACs', () => {
  it('gives the first 32 bytes of RFC 5869 test case 3 (empty salt, empty info)', () => {
    const ikm = Buffer.alloc(22, 0x0b);
    const okm = '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d';
    expect(hkdfSha256(ikm, Buffer.alloc(0), '').toString('hex')).toBe(okm);
  });

  it('agrees with crypto.hkdfSync on the salts and infos age uses, and on odd ones', () => {
    const salts = [Buffer.alloc(0), crypto.randomBytes(16), crypto.randomBytes(64), crypto.randomBytes(65), crypto.randomBytes(200)];
    const infos = ['payload', 'header', 'age-encryption.org/v1/X25519', '', 'ü ✓ non-ASCII'];
    for (const salt of salts) {
      for (const info of infos) {
        const ikm = crypto.randomBytes(32);
        expect(hkdfSha256(ikm, salt, info)).toEqual(Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, 32)));
      }
    }
  });
});
