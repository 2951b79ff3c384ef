import crypto from 'node:crypto';
import path from 'node:path';
import { expect } from 'vitest';
import { isHuellaError } from '../../../../../main/archive/errors';
import { parseEvent, type CustodyEvent } from '../../../../../main/archive/custody/log';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { insertSyntheticItems, type SyntheticItem } from '../../../../fixtures/catalogue-generator';
import { TEST_PASSPHRASE } from '../../../../helpers/tmp';

/** Shared by the catalogue tests: a fresh vault, a digest of everything the catalogue can change, event readers. */

let counter = 0;
export async function newVault(root: string): Promise<Vault> {
  const { vault } = await createVault(path.join(root, `v${++counter}`), TEST_PASSPHRASE);
  return vault;
}

const TABLES = [
  'cases',
  'case_items',
  'persons',
  'case_persons',
  'testimonies',
  'testimony_revisions',
  'testimony_items',
  'consents',
  'tag_assignments',
  'links',
  'items',
  'objects',
  'events',
  'event_salts',
  'merkle_nodes',
  'search_docs',
];

function bufferAsHex(_key: string, v: unknown): unknown {
  const b = v as { type?: unknown; data?: unknown } | null;
  return b && typeof b === 'object' && b.type === 'Buffer' && Array.isArray(b.data) ? Buffer.from(b.data as number[]).toString('hex') : v;
}

/** A digest of every row of every table the catalogue writes (and the FTS rows): equal digests = nothing changed. */
export function snapshot(vault: Vault): string {
  const h = crypto.createHash('sha256');
  for (const t of TABLES) {
    const rows = vault.db.prepare(`SELECT * FROM ${t}`).all().map((r) => JSON.stringify(r, bufferAsHex));
    h.update(`${t}:${rows.length}:${rows.sort().join('\n')}\n`);
  }
  h.update(JSON.stringify(vault.db.prepare('SELECT rowid, * FROM search_fts ORDER BY rowid').all()));
  return h.digest('hex');
}

export function eventsSince(vault: Vault, fromSeq: number): CustodyEvent[] {
  return [...vault.log.events(fromSeq)].map((e) => parseEvent(e.bytes));
}

export function allEventText(vault: Vault): string {
  return [...vault.log.events(0)].map((e) => e.bytes.toString('utf8')).join('\n');
}

/** Expects `fn` to throw a HuellaError with `code` (and, if given, naming `field`) and to change nothing. */
export async function expectRefused(vault: Vault, fn: () => unknown, code: string, field?: string): Promise<void> {
  const before = snapshot(vault);
  const size = vault.log.size();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a refusal').toBeDefined();
  expect(isHuellaError(error), `not a HuellaError: ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (field !== undefined) expect((error as { details?: { field?: string } }).details?.field).toBe(field);
  expect(vault.log.size()).toBe(size);
  expect(snapshot(vault)).toBe(before);
}

/** Runs `fn` and returns the events it appended. */
export async function eventsOf(vault: Vault, fn: () => unknown): Promise<CustodyEvent[]> {
  const from = vault.log.size();
  await fn();
  return eventsSince(vault, from);
}

/** Checks that no event ever written contains any of the given strings (raw, lowercased, or JSON-escaped). */
export function expectNoPlaintext(vault: Vault, secrets: readonly string[]): void {
  const text = allEventText(vault);
  const lower = text.toLowerCase();
  for (const s of secrets) {
    expect(text.includes(s), `an event contains "${s}"`).toBe(false);
    expect(lower.includes(s.toLowerCase()), `an event contains "${s}" (any case)`).toBe(false);
    expect(text.includes(JSON.stringify(s).slice(1, -1)), `an event contains "${s}" (escaped)`).toBe(false);
  }
}

let itemSeq = 0;
/** Items with real encrypted content and real ingest events (fast path of the catalogue generator). */
export async function makeItems(vault: Vault, specs: readonly Partial<SyntheticItem>[]): Promise<string[]> {
  return insertSyntheticItems(
    vault,
    specs.map((s) => ({ originalName: `file-${++itemSeq}.jpg`, mediaType: 'image/jpeg', metadata: {}, ...s })),
  );
}

/** The error `fn` throws (fails the test if it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
