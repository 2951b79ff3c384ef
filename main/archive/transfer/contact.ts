/**
 * The contact card (DESIGN §9): what a person gives to those who will send them evidence. One line that fits in a
 * QR code, with comment lines for people:
 *
 *   # Huella contact card …
 *   # fingerprint: 1A2B 3C4D 5E6F 7081 92A3 B4C5 D6E7 F809
 *   # words: abandon ability able about above absent
 *   huella-contact-v1 age1… <base64 Ed25519 custody public key>
 *
 * The age recipient is the vault's own (bundles sent to it open with the vault identity, like its own blobs); the
 * custody key is the vault's signing key (the key that signs its log, its packets and the bundles it sends).
 *
 * fingerprint = SHA-256 of the card line; people compare its first 16 bytes as hex, or the first 66 bits as six
 * BIP-39 English words, read over a phone call or side by side. The same fingerprint names a sender when their
 * bundle arrives (pinned at first use) and a recipient in bundle.json and in the sender's `items.transferred` event.
 */
import crypto from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { decodeAgeRecipient, encodeAgeRecipient } from '../blobs/age-keys';
import { tryDecodeBase64 } from '../custody/base64';
import { HuellaError } from '../errors';

export const CONTACT_PREFIX = 'huella-contact-v1';
const FINGERPRINT_BYTES = 16;
const WORDS = 6;

export type ContactCard = {
  /** X25519 age recipient (32 bytes). */
  readonly ageRecipient: Buffer;
  /** Ed25519 custody public key (32 bytes). */
  readonly custodyKey: Buffer;
};

export function contactLine(card: ContactCard): string {
  return `${CONTACT_PREFIX} ${encodeAgeRecipient(card.ageRecipient)} ${card.custodyKey.toString('base64')}`;
}

/** The full fingerprint, lower-case hex of SHA-256(card line): what bundle.json and custody events name. */
export function contactFingerprint(card: ContactCard): string {
  return crypto.createHash('sha256').update(contactLine(card), 'utf8').digest('hex');
}

/** The part people compare: 16 bytes as eight groups of four upper-case hex digits. */
export function displayFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, FINGERPRINT_BYTES * 2).toUpperCase().match(/.{4}/g)!.join(' ');
}

/** Six BIP-39 English words from the first 66 bits of the fingerprint: easier to read aloud than hex. */
export function fingerprintWords(fingerprint: string): string[] {
  const bits = BigInt(`0x${fingerprint.slice(0, 18)}`); // 72 bits, of which the top 66 are used
  const words: string[] = [];
  for (let i = 0; i < WORDS; i++) {
    const shift = BigInt(72 - 11 * (i + 1));
    words.push(wordlist[Number((bits >> shift) & 0x7ffn)]!);
  }
  return words;
}

export function formatContactCard(card: ContactCard): string {
  const fp = contactFingerprint(card);
  return [
    '# Huella contact card. Give it to the people who will send you evidence; they check the fingerprint with you.',
    `# fingerprint: ${displayFingerprint(fp)}`,
    `# words: ${fingerprintWords(fp).join(' ')}`,
    contactLine(card),
    '',
  ].join('\n');
}

/** Reads a card from its text (the file, or the line a QR code holds). Throws FORMAT_INVALID saying what is wrong. */
export function parseContactCard(text: string): ContactCard {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${CONTACT_PREFIX} `));
  if (!line) throw new HuellaError('FORMAT_INVALID', `This is not a Huella contact card: no line starts with "${CONTACT_PREFIX}".`);
  const parts = line.split(/\s+/);
  if (parts.length !== 3) throw new HuellaError('FORMAT_INVALID', 'This contact card is damaged: its card line must hold an age recipient and a custody key.');
  const ageRecipient = decodeAgeRecipient(parts[1]!);
  const custodyKey = tryDecodeBase64(parts[2]!);
  if (!custodyKey || custodyKey.length !== 32 || custodyKey.toString('base64') !== parts[2]) {
    throw new HuellaError('FORMAT_INVALID', 'This contact card is damaged: its custody key is not a 32-byte key in base64.');
  }
  return { ageRecipient, custodyKey };
}

/** This vault's own card: its age recipient and custody key. */
export function vaultContactCard(vault: { readonly blobs: { readonly recipientPublicKey: Buffer }; readonly log: { readonly publicKey: Buffer } }): ContactCard {
  return { ageRecipient: vault.blobs.recipientPublicKey, custodyKey: vault.log.publicKey };
}

/** Accepts a fingerprint as printed (groups, any case) or in full; returns it lower-case without spaces. */
export function normalizeContactFingerprint(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/** Whether `given` (a full fingerprint, or the 32 hex digits people compare) names `fingerprint`. */
export function fingerprintMatches(given: string, fingerprint: string): boolean {
  const g = normalizeContactFingerprint(given);
  return g.length >= 32 && /^[0-9a-f]+$/.test(g) && fingerprint.startsWith(g);
}
