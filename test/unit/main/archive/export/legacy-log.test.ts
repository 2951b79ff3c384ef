import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Sign } from '../../../../../main/archive/custody/ed25519';
import { CHAINED_EVENT_VERSION, EVENT_VERSION, parseEvent } from '../../../../../main/archive/custody/log';
import { iterateEvents } from '../../../../../main/archive/db/custody';
import { exportPacket, verifyPacket } from '../../../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { rewriteLogAsVersion1 } from '../../../../helpers/legacy-log';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

/**
 * Custody events lost their `prev` hash in version 2 (issue 14: a packet's event named the hash of its neighbour in
 * the log, which another packet could carry). Vaults written before hold version-1 events, hash-chained; they keep
 * verifying (the chain is still checked where it exists), new events are appended after them in version 2, and a
 * packet exported from such a vault (old events with `prev`, new ones without) passes Huella's verifier and the
 * standard tools.
 */

const REPO = path.resolve(import.meta.dirname, '../../../../..');
const RFC9162 = path.join(REPO, 'test/tools/rfc9162-check.mjs');
const BAGIT = path.join(REPO, 'test/tools/bagit-python/validate.py');

function run(cmd: string, args: readonly string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const versions = (w: World): number[] => [...iterateEvents(w.vault.store)].map((r) => parseEvent(r.bytes).v);

describe('vaults and packets with version-1 (hash-chained) custody events', () => {
  const root = tempDir('huella-legacy-log-');
  let w: World;
  let v1Count = 0;
  const packet = path.join(root, 'packet');

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    rewriteLogAsVersion1(w.vault);
    v1Count = versions(w).length;
  }, 60_000);
  afterAll(() => w?.vault.lock());

  it('an old vault (every event version 1, chained) verifies', async () => {
    expect(versions(w).every((v) => v === CHAINED_EVENT_VERSION)).toBe(true);
    const report = await verifyVault(w.vault);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('new events follow in version 2 (no prev) and the mixed log verifies; a packet from it passes every checker', async () => {
    await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: packet });
    const all = versions(w);
    expect(all.slice(0, v1Count).every((v) => v === CHAINED_EVENT_VERSION)).toBe(true);
    expect(all.length).toBeGreaterThan(v1Count);
    expect(all.slice(v1Count).every((v) => v === EVENT_VERSION)).toBe(true);
    const vaultReport = await verifyVault(w.vault);
    expect(vaultReport.problems).toEqual([]);

    // The packet carries both: its exhibits' ingest events (version 1, with prev) and its own derived events (version 2).
    const shipped = fs.readdirSync(path.join(packet, 'custody/entries')).map((f) => parseEvent(fs.readFileSync(path.join(packet, 'custody/entries', f))));
    expect(shipped.some((e) => e.v === CHAINED_EVENT_VERSION && typeof e.prev === 'string')).toBe(true);
    expect(shipped.some((e) => e.v === EVENT_VERSION && !('prev' in e))).toBe(true);
    const report = await verifyPacket(packet, { key: fs.readFileSync(path.join(packet, 'custody/public-key'), 'utf8') });
    expect(report.checks.filter((c) => c.status !== 'PASS')).toEqual([]);
    expect(report.ok).toBe(true);

    expect(run('minisign', ['-Vm', 'tagmanifest-sha256.txt', '-p', 'custody/public-key'], packet).code).toBe(0);
    for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) expect(run('sha256sum', ['--strict', '-c', m], packet).code).toBe(0);
    expect(run('python3', [BAGIT, packet]).code).toBe(0);
    const verifierKey = fs.readFileSync(path.join(packet, 'custody/verifier-key'), 'utf8').trim();
    for (const f of fs.readdirSync(path.join(packet, 'custody/proofs'))) {
      const seq = f.replace('.tlog-proof', '');
      const r = run(process.execPath, [RFC9162, 'tlog-proof', '--proof-file', `custody/proofs/${f}`, '--leaf-file', `custody/entries/${seq}.json`, '--verifier-key', verifierKey], packet);
      expect(r.code, `${f}: ${r.out}`).toBe(0);
    }
  });

  it('the chain of version-1 events is still checked: an event edited and re-signed by the owner breaks the link of the next', async () => {
    const seq = 3;
    const row = w.vault.db.prepare('SELECT bytes FROM events WHERE seq = ?').get(seq) as { bytes: Buffer };
    expect(parseEvent(row.bytes).v).toBe(CHAINED_EVENT_VERSION);
    const bytes = Buffer.from(row.bytes.toString().replace(/"time":"(\d{4})/, (_m, y: string) => `"time":"${Number(y) - 1}`));
    expect(bytes.equals(row.bytes)).toBe(false);
    w.vault.db
      .prepare('UPDATE events SET bytes = ?, signature = ?, hash = ? WHERE seq = ?')
      .run(bytes, ed25519Sign(w.vault.signingSeed, bytes), crypto.createHash('sha256').update(bytes).digest(), seq);
    const report = await verifyVault(w.vault, { skipObjects: true });
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.check === 'event.chain').map((p) => p.event)).toEqual([seq + 1]);
  });
});
