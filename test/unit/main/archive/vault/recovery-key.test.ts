import { describe, expect, it } from 'vitest';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from '../../../../../main/archive/vault/recovery-key';
import { isHuellaError } from '../../../../../main/archive/errors';

describe('recovery key', () => {
  it('round-trips through its printed form, tolerating how people copy from paper', () => {
    const key = generateRecoveryKey();
    const text = formatRecoveryKey(key);
    expect(text).toMatch(/^([A-Z2-7]{5}-){10}[A-Z2-7]{5}$/);
    expect(parseRecoveryKey(text).equals(key)).toBe(true);
    expect(parseRecoveryKey(text.toLowerCase().replace(/-/g, ' ')).equals(key)).toBe(true);
    // 0/O and 1/I confusion is forgiven (base32 has no 0 or 1).
    expect(parseRecoveryKey(text.replace(/O/g, '0').replace(/I/g, '1')).equals(key)).toBe(true);
  });

  it('reports a typo (checksum) instead of a wrong key', () => {
    const text = formatRecoveryKey(generateRecoveryKey());
    const i = text.indexOf('-') + 1;
    const swapped = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
    try {
      parseRecoveryKey(swapped);
      expect.fail('accepted a mistyped key');
    } catch (e) {
      expect(isHuellaError(e, 'WRONG_RECOVERY_KEY')).toBe(true);
      expect((e as Error).message).toMatch(/typo/);
    }
  });

  it('rejects things that are not recovery keys', () => {
    for (const bad of ['', 'hello', 'A'.repeat(54), 'A'.repeat(56), '!'.repeat(55)]) {
      expect(() => parseRecoveryKey(bad)).toThrow(/recovery key/i);
    }
  });
});
