import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket, verifyPacket } from '../../../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { editItem } from '../../../../../main/archive/items/edit';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from '../export/world';

/**
 * A packet whose custody/events.jsonl is large enough (≥ 64 KiB, packet/verify.ts POOL_SIGNATURES_FROM_BYTES) that
 * its events' signatures are checked on the thread pool while the payload is hashed: a bad signature there is
 * reported as precisely as in place (tamper.test's packets are small and stay in place).
 */
describe('packet verify with many events (signatures on the thread pool)', () => {
  const root = tempDir('huella-many-events-');
  let w: World;
  const original = path.join(root, 'packet');
  let key: string;
  const eventsFile = (dir: string): string => path.join(dir, 'custody/events.jsonl');

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    // Each edit of an exhibit is a custody event the packet carries.
    for (let i = 0; i < 160; i++) editItem(w.vault, { id: w.photos[2]!.itemId, description: `Seen again on day ${i + 1}: the same marks on the wall behind the desk.` });
    await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: original });
    key = fs.readFileSync(path.join(original, 'custody/public-key'), 'utf8');
  }, 120_000);
  afterAll(() => w?.vault.lock());

  it('the packet is large enough for the pool path, and passes untouched', async () => {
    expect(fs.statSync(eventsFile(original)).size).toBeGreaterThanOrEqual(64 * 1024);
    const report = await verifyPacket(original, { key });
    expect(report.ok, JSON.stringify(report.checks.filter((c) => c.status !== 'PASS'))).toBe(true);
  }, 60_000);

  it('one event with a changed signature is named, and only that one', async () => {
    const dir = path.join(root, 'bad-signature');
    fs.cpSync(original, dir, { recursive: true });
    const lines = fs.readFileSync(eventsFile(dir), 'utf8').split('\n');
    const at = Math.floor(lines.length / 2);
    const rec = JSON.parse(lines[at]!) as { event: string; signature: string };
    const sig = Buffer.from(rec.signature, 'base64');
    sig[10] = (sig[10] as number) ^ 0x01;
    lines[at] = JSON.stringify({ ...rec, signature: sig.toString('base64') });
    fs.writeFileSync(eventsFile(dir), lines.join('\n'));
    const seq = (JSON.parse(rec.event) as { seq: number }).seq;
    const report = await verifyPacket(dir, { key });
    expect(report.ok).toBe(false);
    const events = report.checks.find((c) => c.name === 'events')!;
    expect(events.status).toBe('FAIL');
    expect(events.reason.match(/event #\d+: its Ed25519 signature does not verify/g)).toEqual([`event #${seq}: its Ed25519 signature does not verify`]);
    // The file row names it too.
    expect(report.files.find((f) => f.path === 'custody/events.jsonl')?.reason).toContain(`event #${seq}: its signature does not verify`);
  }, 60_000);
});
