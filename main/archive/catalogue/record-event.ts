import { commitment } from '../custody/commitment';
import type { CustodyEventType } from '../custody/event-types';
import type { JsonValue, StoredEvent } from '../custody/log';
import type { Vault } from '../vault/vault';

/**
 * Custody events of catalogue changes: `secret` (free text, personal data) is recorded only as a salted
 * commitment (CustodyLog.record says how and why).
 */

export type Secret = Readonly<Record<string, JsonValue>>;

export { commitment };

/** Appends one custody event; `secret` (if any non-empty) is replaced by its commitment. Call inside the change's transaction. */
export function recordEvent(vault: Vault, type: CustodyEventType, subject: string | null, data: Readonly<Record<string, JsonValue>>, secret?: Secret): StoredEvent {
  return vault.log.record(type, subject, data, secret);
}

/** The salt of an event's commitment (for opening it to a reviewer), or undefined. */
export function eventSalt(vault: Vault, seq: number): Buffer | undefined {
  return vault.log.salt(seq);
}

export function nowIso(): string {
  return new Date().toISOString();
}
