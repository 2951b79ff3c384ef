import crypto from 'node:crypto';
import { formatCheckpointBody, signCheckpoint } from '../../main/archive/custody/checkpoint';
import { ed25519Sign } from '../../main/archive/custody/ed25519';
import { canonicalBytes } from '../../main/archive/custody/jcs';
import { CHAINED_EVENT_VERSION, GENESIS_PREV, type CustodyEvent } from '../../main/archive/custody/log';
import { appendLeaf, leafHash, treeRoot } from '../../main/archive/custody/merkle';
import type { Vault } from '../../main/archive/vault/vault';

/**
 * Rewrites a vault's custody log as Huella wrote it before issue 14: every event version 1 with `prev` (the hex
 * SHA-256 of the event before it), re-signed with the vault's key; the Merkle tree rebuilt and every stored
 * checkpoint re-signed at its size. The result is what an older vault holds, so tests can check that such vaults
 * (and packets exported from them) still verify. Events appended afterwards are written in the current version.
 */
export function rewriteLogAsVersion1(vault: Vault): void {
  const db = vault.db;
  vault.transaction(() => {
    const rows = db.prepare('SELECT seq, bytes FROM events ORDER BY seq').all() as { seq: number; bytes: Buffer }[];
    db.prepare('DELETE FROM merkle_nodes').run();
    const store = {
      getNode: (level: number, index: number) => (db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?').get(level, index) as { hash: Buffer } | undefined)?.hash,
      putNode: (level: number, index: number, hash: Buffer) => void db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)').run(level, index, hash),
    };
    const update = db.prepare('UPDATE events SET bytes = ?, signature = ?, hash = ? WHERE seq = ?');
    let prev = GENESIS_PREV;
    for (const row of rows) {
      const { prev: _old, ...ev } = JSON.parse(row.bytes.toString('utf8')) as CustodyEvent;
      const bytes = canonicalBytes({ ...ev, v: CHAINED_EVENT_VERSION, prev });
      const hash = crypto.createHash('sha256').update(bytes).digest();
      update.run(bytes, ed25519Sign(vault.signingSeed, bytes), hash, row.seq);
      appendLeaf(store, row.seq, leafHash(bytes));
      prev = hash.toString('hex');
    }
    const checkpoints = db.prepare('SELECT id, size FROM checkpoints ORDER BY id').all() as { id: number; size: number }[];
    for (const cp of checkpoints) {
      const body = formatCheckpointBody({ origin: vault.log.origin, size: cp.size, rootHash: treeRoot(store, cp.size) });
      db.prepare('UPDATE checkpoints SET note = ? WHERE id = ?').run(signCheckpoint(body, vault.log.origin, vault.signingSeed), cp.id);
    }
  });
}
