import { randomBytesPooled } from './crypto/random-pool';

/**
 * Identifiers people may type: a short type prefix and 10 characters of Crockford base32 (50 random bits).
 * Random, so an id reveals neither order nor count.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'it' | 'case' | 'per' | 'tes' | 'con' | 'tag' | 'lnk' | 'pkt' | 'pmb';

export function newId(prefix: IdPrefix): string {
  const bytes = randomBytesPooled(10);
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[bytes[i]! & 31];
  return `${prefix}_${s}`;
}

export function newItemId(): string {
  return newId('it');
}

export function isId(value: string, prefix: IdPrefix): boolean {
  return new RegExp(`^${prefix}_[${ALPHABET}]{10}$`).test(value);
}
