import { describe, expect, it } from 'vitest';
import { parseVaultHeader } from '../../../../../main/archive/vault/header';
import { isHuellaError } from '../../../../../main/archive/errors';

const valid = {
  format: 'huella-vault',
  version: 1,
  envelopes: [
    { method: 'passphrase', kdf: { alg: 'argon2id13', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', opslimit: 3, memlimit: 268435456 }, nonce: 'AA==', kcv: 'AA==', ciphertext: 'AA==' },
  ],
};

function codeOf(text: string): string | undefined {
  try {
    parseVaultHeader(text);
    return undefined;
  } catch (e) {
    return isHuellaError(e) ? e.code : 'other';
  }
}

describe('vault.json header', () => {
  it('parses a valid header', () => {
    expect(parseVaultHeader(JSON.stringify(valid)).envelopes).toHaveLength(1);
  });

  it('refuses a newer format version with a clear message, without guessing', () => {
    const text = JSON.stringify({ ...valid, version: 2, envelopes: 'anything a future version writes' });
    expect(codeOf(text)).toBe('VAULT_TOO_NEW');
    expect(() => parseVaultHeader(text)).toThrow(/newer version of Huella.*Nothing was changed/);
  });

  it('calls damaged headers corrupt, not a wrong passphrase', () => {
    expect(codeOf('{not json')).toBe('VAULT_CORRUPT');
    expect(codeOf(JSON.stringify({ ...valid, format: 'other' }))).toBe('VAULT_CORRUPT');
    expect(codeOf(JSON.stringify({ ...valid, envelopes: [] }))).toBe('VAULT_CORRUPT');
    expect(codeOf(JSON.stringify({ ...valid, extra: 1 }))).toBe('VAULT_CORRUPT');
    const mismatched = { ...valid, envelopes: [{ ...valid.envelopes[0], method: 'recovery' }] };
    expect(codeOf(JSON.stringify(mismatched))).toBe('VAULT_CORRUPT');
  });

  it('holds nothing identifying: no vault id, no key, no date', () => {
    const keys = Object.keys(valid).sort();
    expect(keys).toEqual(['envelopes', 'format', 'version']);
  });
});
