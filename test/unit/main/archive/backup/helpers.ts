import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Vault } from '../../../../../main/archive/vault/vault';
import { itemEditState, iterateItemObjects } from '../../../../../main/archive/db/items';

/** Shared by the backup tests: plaintext hashes of every live object, and file lists. */

/** item id → SHA-256 (hex) of its original's plaintext, read back through decryption. */
export async function itemHashes(vault: Vault): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const rows = [...iterateItemObjects(vault.store)].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const r of rows) {
    const h = crypto.createHash('sha256');
    for await (const chunk of vault.blobs.openPlaintext(r.objectName)) h.update(chunk as Buffer);
    out.set(r.id, h.digest('hex'));
  }
  return out;
}

/** SHA-256 (hex) of one item's original plaintext. */
export async function itemHash(vault: Vault, itemId: string): Promise<string> {
  const row = itemEditState(vault.store, itemId)!;
  const h = crypto.createHash('sha256');
  for await (const chunk of vault.blobs.openPlaintext(row.object_name)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function objectFiles(dir: string): string[] {
  const blobs = path.join(dir, 'blobs');
  if (!fs.existsSync(blobs)) return [];
  return fs.readdirSync(blobs).flatMap((p) => fs.readdirSync(path.join(blobs, p)).map((n) => path.join(blobs, p, n)));
}

export function objectPath(dir: string, name: string): string {
  return path.join(dir, 'blobs', name.slice(0, 2), name);
}

export type Needle = { readonly label: string; readonly bytes: Buffer };

/**
 * Every occurrence of any needle in any file, in one pass per file: needles are indexed by their first four bytes,
 * so thousands of needles cost about as much as one (a Buffer.indexOf per needle would be far slower).
 */
export function findNeedles(files: readonly string[], needles: readonly Needle[]): string[] {
  const index = new Map<number, Needle[]>();
  for (const n of needles) {
    if (n.bytes.length < 8) throw new Error(`needle too short to be meaningful: ${n.label}`);
    const k = n.bytes.readUInt32LE(0);
    const list = index.get(k);
    if (list) list.push(n);
    else index.set(k, [n]);
  }
  const hits: string[] = [];
  for (const file of files) {
    const buf = fs.readFileSync(file);
    for (let i = 0; i + 4 <= buf.length; i++) {
      const candidates = index.get(buf.readUInt32LE(i));
      if (!candidates) continue;
      for (const n of candidates) {
        if (i + n.bytes.length <= buf.length && buf.compare(n.bytes, 0, n.bytes.length, i, i + n.bytes.length) === 0) hits.push(`${n.label} in ${path.basename(file)} at ${i}`);
      }
    }
  }
  return hits;
}

/** A text needle in the spellings a file could hold it: UTF-8 as is, lower and upper case, UTF-16LE. */
export function textNeedles(label: string, text: string): Needle[] {
  const forms = new Set([text, text.toLowerCase(), text.toUpperCase()]);
  return [...forms].flatMap((f) => [
    { label: `${label} (utf8)`, bytes: Buffer.from(f, 'utf8') },
    { label: `${label} (utf16)`, bytes: Buffer.from(f, 'utf16le') },
  ]);
}

/** A SHA-256 in every spelling: raw, hex (both cases), base64, base64url. */
export function hashNeedles(label: string, raw: Buffer): Needle[] {
  const hex = raw.toString('hex');
  return [
    { label: `${label} (raw)`, bytes: raw },
    { label: `${label} (hex)`, bytes: Buffer.from(hex) },
    { label: `${label} (HEX)`, bytes: Buffer.from(hex.toUpperCase()) },
    { label: `${label} (base64)`, bytes: Buffer.from(raw.toString('base64').slice(0, 40)) },
    { label: `${label} (base64url)`, bytes: Buffer.from(raw.toString('base64url').slice(0, 40)) },
  ];
}
