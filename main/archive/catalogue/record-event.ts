import { commitment, newCommitmentSalt } from '../custody/commitment';
import type { CustodyEventType } from '../custody/event-types';
import type { JsonValue, StoredEvent } from '../custody/log';
import type { Vault } from '../vault/vault';
import { one, run } from './sql';

/**
 * Custody events of catalogue changes. Packets may carry these events to UN mechanisms, so their `data` holds only
 * ids, term ids, enumerations, counts and dates. Free text and personal data appear only as a salted commitment:
 *
 *   { fields: [names, sorted], commitment: hex(SHA-256(salt ‖ JCS({ field: value, … }))) }
 *
 * The 16-byte salt is random per event and kept in event_salts (inside the encrypted database), so the owner can
 * later prove what was recorded by revealing salt and values for that one event, while nobody holding only the
 * event can confirm a guess (a name, "female", a date of birth).
 */

export type Secret = Readonly<Record<string, JsonValue>>;

export { commitment };

/** Appends one custody event; `secret` (if any non-empty) is replaced by its commitment. Call inside the change's transaction. */
export function recordEvent(vault: Vault, type: CustodyEventType, subject: string | null, data: Readonly<Record<string, JsonValue>>, secret?: Secret): StoredEvent {
  if (!secret || Object.keys(secret).length === 0) return vault.log.append(type, subject, data);
  const salt = newCommitmentSalt();
  const fields = Object.keys(secret).sort();
  const ev = vault.log.append(type, subject, { ...data, fields, commitment: commitment(salt, secret) });
  run(vault, 'INSERT INTO event_salts (seq, salt) VALUES (?, ?)', ev.seq, salt);
  return ev;
}

/** The salt of an event's commitment (for opening it to a reviewer), or undefined. */
export function eventSalt(vault: Vault, seq: number): Buffer | undefined {
  return one<{ salt: Buffer }>(vault, 'SELECT salt FROM event_salts WHERE seq = ?', seq)?.salt;
}

export function nowIso(): string {
  return new Date().toISOString();
}
