import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createVault } from '../../main/archive/vault/vault';

/**
 * Cost of the DB-backed custody log (events + Merkle nodes of complete subtrees in archive.db): append rate,
 * storage per event, and root/proof latency at N events. `npx tsx test/bench/custody-log.ts [N]`.
 */
export async function benchCustodyLog(n: number, workDir: string) {
  process.env.HUELLA_TEST_WEAK_KDF = '1';
  const { vault } = await createVault(path.join(workDir, 'v'), 'benchmark passphrase 1');
  const batch = 5000;
  const t0 = performance.now();
  for (let done = 0; done < n; done += batch) {
    vault.transaction(() => {
      for (let i = 0; i < batch; i++) vault.log.append('tag.assigned', `it_${String(done + i).padStart(10, '0')}`, { term: 'ip.falanga', n: done + i });
    });
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  vault.db.pragma('wal_checkpoint(TRUNCATE)');
  const size = vault.log.size();
  const nodes = (vault.db.prepare('SELECT count(*) AS c FROM merkle_nodes').get() as { c: number }).c;
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) vault.log.root(size - (i % 7));
  const rootMs = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  for (let i = 0; i < 1000; i++) vault.log.inclusionProof((i * 7919) % size, size);
  const proofMs = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  for (let i = 0; i < 1000; i++) vault.log.consistencyProof(1 + ((i * 104729) % (size - 1)), size);
  const consistencyMs = (performance.now() - t3) / 1000;
  const dbBytes = fs.statSync(path.join(workDir, 'v', 'archive.db')).size;
  vault.lock();
  return { events: size, appendSeconds, appendsPerSecond: n / appendSeconds, merkleNodes: nodes, dbBytes, bytesPerEvent: dbBytes / size, rootMs, proofMs, consistencyMs };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-bench-log-'));
  try {
    console.log(JSON.stringify(await benchCustodyLog(n, workDir), null, 2));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
