import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ed25519Sign } from '../../../main/archive/custody/ed25519';
import { canonicalBytes } from '../../../main/archive/custody/jcs';
import { isHuellaError } from '../../../main/archive/errors';
import { ingestPaths, shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import { verifyVault, type VerifyCheck, type VerifyReport } from '../../../main/archive/verify/verify';
import { createVault, openVault, type Unlock, type Vault } from '../../../main/archive/vault/vault';
import { writeGpsPhoto } from '../photos';
import { TEST_PASSPHRASE } from '../tmp';

/**
 * Vault tamper mutations, shared by the unit test (test/unit/main/archive/verify/tamper.test.ts) and the
 * reliability campaign (test/reliability/campaigns/tamper.ts). Each names the checker's answer it must produce:
 * a verify problem of the right check about the right event/object/item, or a refusal to unlock whose message
 * names the damaged file. "Something failed" is not enough.
 */

export type PristineVault = { readonly dir: string; readonly recoveryKey: string; readonly firstCheckpoint: string; readonly dbBytes: number };

export type VaultCtx = { readonly dir: string; readonly vault: Vault; readonly itemIds: string[]; readonly blobOf: (itemId: string) => string; readonly firstCheckpoint: string };

export type VaultMutation = {
  readonly name: string;
  /** Changes the closed vault's files before it is unlocked (vault.json, database pages). */
  readonly files?: (dir: string) => void;
  /** Changes the unlocked vault (rows, blobs) before verify runs. */
  readonly mutate?: (ctx: VaultCtx) => Promise<void> | void;
  /** The verify check(s) that must report it; at least one of them must appear. */
  readonly expect: readonly VerifyCheck[];
  /** Which event/object/checkpoint the problem must name. */
  readonly where?: (r: VerifyReport, ctx: VaultCtx) => boolean;
  /** When unlocking (or verify) refuses outright: the error code and a message naming the damage. */
  readonly refusal?: { readonly code: string; readonly message: RegExp };
  /** Unlock with the recovery key (mutations of the recovery envelope only show there). */
  readonly unlock?: 'passphrase' | 'recovery';
  readonly externalCheckpoint?: boolean;
};

export type MutationOutcome = { readonly detected: boolean; readonly answer: string };

/** Four photos and a note in two batches (so the log has several checkpoints), closed. */
export async function makePristineVault(root: string): Promise<PristineVault> {
  const dir = path.join(root, 'pristine');
  const { vault, recoveryKey } = await createVault(dir, TEST_PASSPHRASE);
  let firstCheckpoint: string;
  try {
    const inputs = path.join(root, 'in');
    for (let i = 0; i < 4; i++) await writeGpsPhoto(inputs, `p${i}.jpg`, 10 + i);
    fs.writeFileSync(path.join(inputs, 'notes.txt'), 'testimony draft\n');
    await ingestPaths(vault, [path.join(inputs, 'p0.jpg'), path.join(inputs, 'p1.jpg')]);
    firstCheckpoint = vault.log.latestCheckpoint()!.note;
    await ingestPaths(vault, [path.join(inputs, 'p2.jpg'), path.join(inputs, 'p3.jpg'), path.join(inputs, 'notes.txt')]);
    const report = await verifyVault(vault);
    if (!report.ok) throw new Error(`the pristine vault does not verify: ${JSON.stringify(report.problems)}`);
  } finally {
    vault.lock();
    await shutdownIngestWorkers();
  }
  return { dir, recoveryKey, firstCheckpoint, dbBytes: fs.statSync(path.join(dir, 'archive.db')).size };
}

/**
 * Applies one mutation to a fresh copy of the pristine vault at `dir`, runs the real checker (unlock, then
 * verifyVault with every blob re-hashed) and says whether it answered precisely, with the answer it gave.
 */
export async function checkVaultMutation(m: VaultMutation, pristine: PristineVault, dir: string): Promise<MutationOutcome> {
  fs.cpSync(pristine.dir, dir, { recursive: true });
  m.files?.(dir);
  const unlock: Unlock = m.unlock === 'recovery' ? { recoveryKey: pristine.recoveryKey } : { passphrase: TEST_PASSPHRASE };
  let vault: Vault | undefined;
  try {
    vault = await openVault(dir, unlock);
    // Nothing is read before verify unless the mutation needs it: a read of a damaged page here would be the
    // harness failing, not the checker.
    const ctx = m.mutate || m.where ? vaultCtx(vault, dir, pristine) : undefined;
    if (m.mutate) await m.mutate(ctx!);
    const report = await verifyVault(vault, m.externalCheckpoint ? { externalCheckpoints: [pristine.firstCheckpoint] } : {});
    const checks = new Set(report.problems.map((p) => p.check));
    const answer = report.ok ? 'verify passed' : report.problems.map((p) => `${p.check}: ${p.message}`).join(' | ');
    const precise = m.expect.some((c) => checks.has(c)) && (m.where ? m.where(report, ctx!) : true) && report.problems.every((p) => p.message.length > 10);
    return { detected: !report.ok && precise, answer };
  } catch (e) {
    const code = isHuellaError(e) ? e.code : 'non-Huella error';
    const answer = `refused: ${code}: ${(e as Error).message}`;
    return { detected: m.refusal !== undefined && isHuellaError(e) && e.code === m.refusal.code && m.refusal.message.test((e as Error).message), answer };
  } finally {
    if (vault && !vault.isLocked) vault.lock();
  }
}

function vaultCtx(vault: Vault, dir: string, pristine: PristineVault): VaultCtx {
  const itemIds = (vault.db.prepare('SELECT id FROM items ORDER BY ingest_seq').all() as { id: string }[]).map((r) => r.id);
  const blobOf = (id: string): string =>
    vault.blobs.pathOf((vault.db.prepare('SELECT object_name FROM items WHERE id = ?').get(id) as { object_name: string }).object_name);
  return { dir, vault, itemIds, blobOf, firstCheckpoint: pristine.firstCheckpoint };
}

const eventRow = (v: Vault, seq: number) => v.db.prepare('SELECT bytes, signature, hash FROM events WHERE seq = ?').get(seq) as { bytes: Buffer; signature: Buffer; hash: Buffer };
const ingestSeq = (v: Vault, id: string) => (v.db.prepare('SELECT ingest_seq FROM items WHERE id = ?').get(id) as { ingest_seq: number }).ingest_seq;
const problemAt = (r: VerifyReport, check: VerifyCheck, event: number): boolean => r.problems.some((p) => p.check === check && p.event === event);
const problemOfItem = (r: VerifyReport, check: VerifyCheck, item: string | undefined): boolean => r.problems.some((p) => p.check === check && p.item === item);

/** Writes an event's bytes back re-signed with the vault's own key and a matching stored hash (what the owner could do). */
function forgeEvent(vault: Vault, seq: number, bytes: Buffer): void {
  vault.db
    .prepare('UPDATE events SET bytes = ?, signature = ?, hash = ? WHERE seq = ?')
    .run(bytes, ed25519Sign(vault.signingSeed, bytes), crypto.createHash('sha256').update(bytes).digest(), seq);
}

/** What an owner with the key could do: drop events after `keep` and append others, re-signed, tree rebuilt. */
export function rewriteHistory(vault: Vault, keep: number): void {
  vault.transaction(() => {
    vault.db.prepare('DELETE FROM events WHERE seq >= ?').run(keep);
    vault.db.prepare('DELETE FROM merkle_nodes').run();
    // Rebuild the node store for the kept prefix, then append the new history.
    const kept = vault.db.prepare('SELECT seq, bytes FROM events ORDER BY seq').all() as { seq: number; bytes: Buffer }[];
    vault.db.prepare('DELETE FROM events').run();
    for (const e of kept) {
      const ev = JSON.parse(e.bytes.toString()) as { type: never; subject: string | null; data: never; time: string };
      vault.log.append(ev.type, ev.subject, ev.data, new Date(ev.time));
    }
    for (let i = 0; i < 6; i++) vault.log.append('case.created', `case_${'0'.repeat(9)}${i}`, { forged: 1 });
  });
}

/** A stored checkpoint's signed note with line `line` replaced (0 origin, 1 size, 2 root, 4 signature). */
function editCheckpoint(vault: Vault, offset: number, edit: (lines: string[]) => void): number {
  const cp = vault.db.prepare('SELECT id, note FROM checkpoints ORDER BY id LIMIT 1 OFFSET ?').get(offset) as { id: number; note: string };
  const lines = cp.note.split('\n');
  edit(lines);
  vault.db.prepare('UPDATE checkpoints SET note = ? WHERE id = ?').run(lines.join('\n'), cp.id);
  return cp.id;
}

function flipBase64(s: string, at = 5): string {
  const b = Buffer.from(s, 'base64');
  b[at % b.length]! ^= 0x01;
  return b.toString('base64');
}

function flipByte(file: string, at: (size: number) => number): void {
  const b = fs.readFileSync(file);
  b[at(b.length)]! ^= 0x40;
  fs.writeFileSync(file, b);
}

const checkpointNamed = (r: VerifyReport): boolean => r.problems.some((p) => p.check === 'checkpoint.signature' && p.checkpoint !== undefined);

/** Events, blobs, rows, tree, checkpoints: changes made with the vault open. */
export const VAULT_MUTATIONS: readonly VaultMutation[] = [
  {
    name: 'event payload: edit a field of an event in the database',
    expect: ['event.signature'],
    where: (r, c) => problemAt(r, 'event.signature', ingestSeq(c.vault, c.itemIds[1]!)),
    mutate: ({ vault, itemIds }) => {
      const seq = ingestSeq(vault, itemIds[1]!);
      const text = eventRow(vault, seq).bytes.toString().replace(/"size":(\d+)/, (_m, n: string) => `"size":${Number(n) + 1}`);
      vault.db.prepare('UPDATE events SET bytes = ? WHERE seq = ?').run(Buffer.from(text), seq);
    },
  },
  {
    name: 'event payload: edit an event and recompute its stored hash',
    expect: ['event.signature', 'event.chain'],
    where: (r, c) => problemAt(r, 'event.signature', ingestSeq(c.vault, c.itemIds[0]!)),
    mutate: ({ vault, itemIds }) => {
      const seq = ingestSeq(vault, itemIds[0]!);
      const bytes = Buffer.from(eventRow(vault, seq).bytes.toString().replace('image/jpeg', 'image/png'));
      vault.db.prepare('UPDATE events SET bytes = ?, hash = ? WHERE seq = ?').run(bytes, crypto.createHash('sha256').update(bytes).digest(), seq);
    },
  },
  {
    // Events carry no hash chain since issue 14: the event's leaf in the stored Merkle tree (and every checkpoint
    // covering it) no longer matches. (A version-1 vault also reports the broken chain: legacy-log.test.ts.)
    name: 'event payload: edit an event and re-sign it with the vault key (owner)',
    expect: ['merkle.node'],
    where: (r, c) => problemAt(r, 'merkle.node', ingestSeq(c.vault, c.itemIds[2]!)) && r.problems.some((p) => p.check === 'checkpoint.consistency'),
    mutate: ({ vault, itemIds }) => {
      const seq = ingestSeq(vault, itemIds[2]!);
      forgeEvent(vault, seq, Buffer.from(eventRow(vault, seq).bytes.toString().replace(/"size":(\d+)/, (_m, n: string) => `"size":${Number(n) + 1}`)));
    },
  },
  {
    name: 'event signature: flip one bit',
    expect: ['event.signature'],
    where: (r) => problemAt(r, 'event.signature', 2),
    mutate: ({ vault }) => {
      const sig = Buffer.from(eventRow(vault, 2).signature);
      sig[10]! ^= 0x01;
      vault.db.prepare('UPDATE events SET signature = ? WHERE seq = 2').run(sig);
    },
  },
  {
    name: 'event signature: re-sign an event with a different key',
    expect: ['event.signature'],
    where: (r, c) => problemAt(r, 'event.signature', ingestSeq(c.vault, c.itemIds[0]!)),
    mutate: ({ vault, itemIds }) => {
      const seq = ingestSeq(vault, itemIds[0]!);
      vault.db.prepare('UPDATE events SET signature = ? WHERE seq = ?').run(ed25519Sign(crypto.randomBytes(32), eventRow(vault, seq).bytes), seq);
    },
  },
  {
    name: 'event prev hash: make an event a version-1 (chained) event pointing at another predecessor (re-signed with the vault key)',
    expect: ['event.chain'],
    where: (r) => problemAt(r, 'event.chain', 3),
    mutate: ({ vault }) => {
      const ev = JSON.parse(eventRow(vault, 3).bytes.toString()) as Record<string, unknown>;
      forgeEvent(vault, 3, canonicalBytes({ ...ev, v: 1, prev: 'ab'.repeat(32) }));
    },
  },
  {
    name: 'event fields: add a prev hash to a version-2 event (re-signed with the vault key)',
    expect: ['event.fields'],
    where: (r) => problemAt(r, 'event.fields', 3),
    mutate: ({ vault }) => {
      const ev = JSON.parse(eventRow(vault, 3).bytes.toString()) as Record<string, unknown>;
      forgeEvent(vault, 3, canonicalBytes({ ...ev, prev: eventRow(vault, 2).hash.toString('hex') }));
    },
  },
  {
    name: 'event stored hash: change the hash column only',
    expect: ['event.hash'],
    where: (r) => problemAt(r, 'event.hash', 1),
    mutate: ({ vault }) => {
      vault.db.prepare('UPDATE events SET hash = ? WHERE seq = 1').run(crypto.randomBytes(32));
    },
  },
  {
    name: 'event delete: remove one event',
    expect: ['event.sequence', 'event.chain'],
    where: (r) => r.problems.some((p) => p.check === 'event.sequence' && p.expected === '3'),
    mutate: ({ vault }) => {
      vault.db.prepare('DELETE FROM events WHERE seq = 3').run();
    },
  },
  {
    name: 'event delete: truncate the log (the last three events)',
    expect: ['checkpoint.size', 'merkle.node'],
    mutate: ({ vault }) => {
      const max = (vault.db.prepare('SELECT max(seq) AS m FROM events').get() as { m: number }).m;
      vault.db.prepare('DELETE FROM events WHERE seq > ?').run(max - 3);
    },
  },
  {
    name: 'event reorder: swap two events',
    expect: ['event.sequence', 'event.chain', 'event.signature'],
    where: (r) => problemAt(r, 'event.sequence', 2) || problemAt(r, 'event.chain', 2) || problemAt(r, 'event.signature', 2),
    mutate: ({ vault }) => {
      const a = eventRow(vault, 2);
      const b = eventRow(vault, 4);
      const upd = vault.db.prepare('UPDATE events SET bytes = ?, signature = ?, hash = ? WHERE seq = ?');
      vault.db.transaction(() => {
        upd.run(b.bytes, b.signature, b.hash, 2);
        upd.run(a.bytes, a.signature, a.hash, 4);
      })();
    },
  },
  {
    name: 'event genesis: swap the signing key in the first event',
    expect: ['genesis.key', 'event.signature'],
    mutate: ({ vault }) => {
      const text = eventRow(vault, 0).bytes.toString().replace(/"publicKey":"[^"]+"/, `"publicKey":"${crypto.randomBytes(32).toString('base64')}"`);
      vault.db.prepare('UPDATE events SET bytes = ? WHERE seq = 0').run(Buffer.from(text));
    },
  },
  {
    name: 'blob swap: replace a blob with another valid age file of the vault',
    expect: ['object.hash'],
    where: (r, c) => problemOfItem(r, 'object.hash', c.itemIds[0]),
    mutate: ({ itemIds, blobOf }) => {
      fs.copyFileSync(blobOf(itemIds[1]!), blobOf(itemIds[0]!));
    },
  },
  {
    name: 'blob swap: exchange two blobs',
    expect: ['object.hash'],
    where: (r, c) => problemOfItem(r, 'object.hash', c.itemIds[0]) && problemOfItem(r, 'object.hash', c.itemIds[3]),
    mutate: ({ itemIds, blobOf }) => {
      const a = blobOf(itemIds[0]!);
      const b = blobOf(itemIds[3]!);
      const aside = `${a}.swap`;
      fs.renameSync(a, aside);
      fs.renameSync(b, a);
      fs.renameSync(aside, b);
    },
  },
  {
    name: 'blob header: flip one byte of the age header',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[1]),
    mutate: ({ itemIds, blobOf }) => flipByte(blobOf(itemIds[1]!), () => 40),
  },
  {
    name: 'blob body: flip one byte in the middle',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[2]),
    mutate: ({ itemIds, blobOf }) => flipByte(blobOf(itemIds[2]!), (n) => Math.floor(n / 2)),
  },
  {
    name: 'blob body: flip the last byte (final chunk tag)',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[4]),
    mutate: ({ itemIds, blobOf }) => flipByte(blobOf(itemIds[4]!), (n) => n - 1),
  },
  {
    name: 'blob truncation: cut the last 100 bytes',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[3]),
    mutate: ({ itemIds, blobOf }) => {
      const f = blobOf(itemIds[3]!);
      fs.truncateSync(f, fs.statSync(f).size - 100);
    },
  },
  {
    name: 'blob truncation: cut to zero bytes',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[0]),
    mutate: ({ itemIds, blobOf }) => fs.truncateSync(blobOf(itemIds[0]!), 0),
  },
  {
    name: 'blob truncation: append bytes after the end',
    expect: ['object.decrypt'],
    where: (r, c) => problemOfItem(r, 'object.decrypt', c.itemIds[1]),
    mutate: ({ itemIds, blobOf }) => fs.appendFileSync(blobOf(itemIds[1]!), crypto.randomBytes(64)),
  },
  {
    name: 'blob deletion: delete a blob',
    expect: ['object.missing'],
    where: (r, c) => problemOfItem(r, 'object.missing', c.itemIds[4]),
    mutate: ({ itemIds, blobOf }) => fs.rmSync(blobOf(itemIds[4]!)),
  },
  {
    name: 'blob planted: an extra file in blobs/',
    expect: ['object.orphan'],
    where: (r) => r.problems.some((p) => p.check === 'object.orphan' && p.object === 'f'.repeat(64)),
    mutate: ({ dir }) => {
      fs.mkdirSync(path.join(dir, 'blobs', 'ff'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'blobs', 'ff', 'f'.repeat(64)), crypto.randomBytes(500));
    },
  },
  {
    name: "object row: change an object's recorded hash",
    expect: ['object.row', 'object.name'],
    mutate: ({ vault, itemIds }) => {
      vault.db.prepare('UPDATE objects SET sha256 = ? WHERE name = (SELECT object_name FROM items WHERE id = ?)').run(crypto.randomBytes(32), itemIds[0]!);
    },
  },
  {
    name: 'object row: change an object’s recorded size',
    expect: ['object.row'],
    where: (r, c) => problemOfItem(r, 'object.row', c.itemIds[2]),
    mutate: ({ vault, itemIds }) => {
      vault.db.prepare('UPDATE objects SET size = size + 1 WHERE name = (SELECT object_name FROM items WHERE id = ?)').run(itemIds[2]!);
    },
  },
  {
    name: 'item row: point an item at another ingest event',
    expect: ['item.event'],
    where: (r, c) => problemOfItem(r, 'item.event', c.itemIds[1]),
    mutate: ({ vault, itemIds }) => {
      vault.db.prepare('UPDATE items SET ingest_seq = 0 WHERE id = ?').run(itemIds[1]!);
    },
  },
  {
    name: 'merkle: alter a stored node',
    expect: ['merkle.node'],
    mutate: ({ vault }) => {
      vault.db.prepare('UPDATE merkle_nodes SET hash = ? WHERE level = 1 AND idx = 1').run(crypto.randomBytes(32));
    },
  },
  {
    name: 'checkpoint size: change the size line of a stored checkpoint',
    expect: ['checkpoint.signature'],
    where: checkpointNamed,
    mutate: ({ vault }) => {
      editCheckpoint(vault, 1, (l) => (l[1] = String(Number(l[1]) + 1)));
    },
  },
  {
    name: 'checkpoint root: change the root hash line of a stored checkpoint',
    expect: ['checkpoint.signature'],
    where: checkpointNamed,
    mutate: ({ vault }) => {
      editCheckpoint(vault, 1, (l) => (l[2] = flipBase64(l[2]!)));
    },
  },
  {
    name: 'checkpoint origin: change the origin line of a stored checkpoint',
    expect: ['checkpoint.signature', 'checkpoint.origin'],
    where: (r) => r.problems.some((p) => (p.check === 'checkpoint.signature' || p.check === 'checkpoint.origin') && p.checkpoint !== undefined),
    mutate: ({ vault }) => {
      editCheckpoint(vault, 0, (l) => (l[0] = `${l[0]}x`));
    },
  },
  {
    name: 'checkpoint signature line: flip a bit of the signature',
    expect: ['checkpoint.signature'],
    where: checkpointNamed,
    mutate: ({ vault }) => {
      editCheckpoint(vault, 2, (l) => {
        const i = l.findIndex((x) => x.startsWith('— '));
        const parts = l[i]!.split(' ');
        parts[2] = flipBase64(parts[2]!, 12);
        l[i] = parts.join(' ');
      });
    },
  },
  {
    name: 'checkpoint signature line: remove it',
    expect: ['checkpoint.signature'],
    where: checkpointNamed,
    mutate: ({ vault }) => {
      editCheckpoint(vault, 1, (l) => l.splice(l.findIndex((x) => x.startsWith('— ')), 1));
    },
  },
  {
    name: 'history: roll the log back and extend it differently (owner, with the key), keeping stored checkpoints',
    expect: ['checkpoint.consistency', 'checkpoint.size'],
    mutate: ({ vault }) => rewriteHistory(vault, 4),
  },
  {
    name: 'history: roll back, extend and delete stored checkpoints (needs an earlier external checkpoint)',
    expect: ['external.checkpoint'],
    externalCheckpoint: true,
    mutate: ({ vault }) => {
      rewriteHistory(vault, 4);
      vault.db.prepare('DELETE FROM checkpoints').run();
      vault.log.writeCheckpoint('rewritten');
    },
  },
];

type HeaderJson = { format: unknown; version: unknown; envelopes: Record<string, unknown>[] };

function editHeader(dir: string, edit: (h: HeaderJson) => void): void {
  const file = path.join(dir, 'vault.json');
  const h = JSON.parse(fs.readFileSync(file, 'utf8')) as HeaderJson;
  edit(h);
  fs.writeFileSync(file, JSON.stringify(h, null, 2) + '\n');
}

const DAMAGED_HEADER = { code: 'VAULT_CORRUPT', message: /vault\.json/ };

/** vault.json: every field of the header and of both envelopes (the recovery one is checked by unlocking with it). */
export function vaultJsonMutations(): VaultMutation[] {
  const out: VaultMutation[] = [
    { name: 'vault.json: not JSON (truncated)', files: (d) => fs.truncateSync(path.join(d, 'vault.json'), 40), expect: [], refusal: DAMAGED_HEADER },
    { name: 'vault.json: format marker changed', files: (d) => editHeader(d, (h) => (h.format = 'huella-vaulx')), expect: [], refusal: DAMAGED_HEADER },
    { name: 'vault.json: version raised', files: (d) => editHeader(d, (h) => (h.version = 2)), expect: [], refusal: { code: 'VAULT_TOO_NEW', message: /format version 2/ } },
    { name: 'vault.json: version lowered', files: (d) => editHeader(d, (h) => (h.version = 0)), expect: [], refusal: DAMAGED_HEADER },
    { name: 'vault.json: unknown field added', files: (d) => editHeader(d, (h) => Object.assign(h, { note: 'x' })), expect: [], refusal: DAMAGED_HEADER },
    { name: 'vault.json: envelopes emptied', files: (d) => editHeader(d, (h) => (h.envelopes = [])), expect: [], refusal: DAMAGED_HEADER },
  ];
  for (const [index, method] of [[0, 'passphrase'], [1, 'recovery']] as const) {
    const unlock = method;
    const env = (h: HeaderJson): Record<string, unknown> => h.envelopes[index]!;
    const kdf = (h: HeaderJson): Record<string, unknown> => env(h).kdf as Record<string, unknown>;
    const m = (field: string, edit: (h: HeaderJson) => void): VaultMutation => ({
      name: `vault.json: ${method} envelope ${field}`,
      files: (d) => editHeader(d, edit),
      expect: [],
      unlock,
      refusal: DAMAGED_HEADER,
    });
    out.push(
      m('removed', (h) => h.envelopes.splice(index, 1)),
      m('method swapped', (h) => (env(h).method = method === 'passphrase' ? 'recovery' : 'passphrase')),
      m('kdf algorithm swapped', (h) => (kdf(h).alg = method === 'passphrase' ? 'hkdf-sha256' : 'argon2id13')),
      m('kdf salt changed', (h) => (kdf(h).salt = flipBase64(kdf(h).salt as string))),
      m('nonce changed', (h) => (env(h).nonce = flipBase64(env(h).nonce as string))),
      m('key-check value changed', (h) => (env(h).kcv = flipBase64(env(h).kcv as string))),
      m('ciphertext changed', (h) => (env(h).ciphertext = flipBase64(env(h).ciphertext as string, 30))),
      m('ciphertext truncated', (h) => (env(h).ciphertext = Buffer.from(env(h).ciphertext as string, 'base64').subarray(0, 20).toString('base64'))),
    );
    if (method === 'passphrase') {
      out.push(
        m('kdf opslimit changed', (h) => (kdf(h).opslimit = (kdf(h).opslimit as number) + 1)),
        m('kdf memlimit changed', (h) => (kdf(h).memlimit = (kdf(h).memlimit as number) * 2)),
      );
    }
  }
  return out;
}

/** archive.db: one bit flipped in each listed page (SQLCipher authenticates every page). */
export function databasePageMutations(pages: readonly number[], pageSize = 4096): VaultMutation[] {
  return pages.map((page) => ({
    name: `archive.db: page ${page} altered`,
    files: (d: string) => {
      const f = path.join(d, 'archive.db');
      const b = fs.readFileSync(f);
      b[page * pageSize + 200]! ^= 0x01;
      fs.writeFileSync(f, b);
    },
    expect: ['database.integrity'],
    refusal: { code: 'VAULT_CORRUPT', message: /archive\.db/ },
  }));
}
