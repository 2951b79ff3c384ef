import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { parseEvent } from '../../../../../main/archive/custody/log';
import { createVault } from '../../../../../main/archive/vault/vault';
import { createCase } from '../../../../../main/archive/catalogue/cases';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Ingest as a pipeline (issue 19): files prepared ahead, recorded in groups (one transaction, one publish round).
 * The report must still be in file order, a duplicate inside one group must be found as a duplicate, every
 * reported object must be in blobs/ (published, not left in tmp/), and the vault must verify.
 */
describe('ingest pipeline and grouped commits', () => {
  const root = tempDir();
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it('reports every file in order, finds a duplicate inside a group, publishes every object, verifies', async () => {
    const inputs = path.join(root, 'in');
    fs.mkdirSync(inputs);
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `f${String(i).padStart(3, '0')}.txt`;
      names.push(name);
      // f005 and f007 have the same bytes: the second is a duplicate of the first, recorded in the same group.
      const body = i === 7 ? 'same bytes\n' : i === 5 ? 'same bytes\n' : `${i}\n${crypto.randomBytes(100 + i * 300).toString('hex')}\n`;
      fs.writeFileSync(path.join(inputs, name), body);
    }
    const { vault } = await createVault(path.join(root, 'vault'), TEST_PASSPHRASE);
    try {
      const seen: string[] = [];
      const report = await ingestPaths(vault, [inputs], { onFile: (r) => seen.push(path.basename(r.path)) });
      expect(seen).toEqual(names);
      expect(report.results.map((r) => r.status)).toEqual(names.map((_, i) => (i === 7 ? 'duplicate' : 'ingested')));
      expect(report.results[7]!.itemId).toBe(report.results[5]!.itemId);
      expect(report.ingested).toBe(39);
      for (const r of report.results) {
        const name = vault.blobs.objectName(Buffer.from(r.sha256!, 'hex'));
        expect(fs.existsSync(vault.blobs.pathOf(name)), r.path).toBe(true);
      }
      expect(fs.readdirSync(path.join(root, 'vault', 'tmp'))).toEqual([]);
      const v = await verifyVault(vault);
      expect(v.problems).toEqual([]);
      expect(v.objects).toBe(39);
    } finally {
      vault.lock();
    }
  });

  it('groups of many files: each file is committed and stored when reported, a failing file loses none of its group, events in file order', async () => {
    const inputs = path.join(root, 'in-groups');
    fs.mkdirSync(inputs);
    const names: string[] = [];
    for (let i = 0; i < 120; i++) {
      const name = `g${String(i).padStart(3, '0')}.bin`;
      names.push(name);
      // Every 17th file is over the size limit: it fails while the files around it are prepared in the same group.
      fs.writeFileSync(path.join(inputs, name), crypto.randomBytes(i % 17 === 3 ? 9000 : 1000 + i * 37));
    }
    const { vault } = await createVault(path.join(root, 'vault-groups'), TEST_PASSPHRASE);
    try {
      const eventsBefore = vault.log.size();
      const seen: { name: string; status: string; events: number }[] = [];
      const problems: string[] = [];
      const report = await ingestPaths(vault, [inputs], {
        maxFileBytes: 8000,
        onFile: (r) => {
          const name = path.basename(r.path);
          seen.push({ name, status: r.status, events: vault.log.size() });
          if (r.status !== 'ingested') return;
          // Reported: its transaction committed, its row there, its object readable from blobs/ (durable in tmp/
          // under its name until the batch's folders are flushed, see BlobStore.publishLinked).
          if (vault.db.inTransaction) problems.push(`${name}: reported inside a transaction`);
          const objectName = vault.blobs.objectName(Buffer.from(r.sha256!, 'hex'));
          if (!vault.db.prepare('SELECT 1 FROM objects WHERE name = ?').get(objectName)) problems.push(`${name}: no object row`);
          if (!fs.existsSync(vault.blobs.pathOf(objectName))) problems.push(`${name}: not in blobs/`);
        },
      });
      expect(problems).toEqual([]);
      expect(seen.map((x) => x.name)).toEqual(names);
      const tooLarge = names.filter((_, i) => i % 17 === 3);
      expect(report.results.filter((r) => r.status === 'failed').map((r) => path.basename(r.path))).toEqual(tooLarge);
      expect(report.results.filter((r) => r.status === 'failed').every((r) => r.error?.code === 'FILE_TOO_LARGE')).toBe(true);
      expect(report.ingested).toBe(120 - tooLarge.length);
      // Grouped: at the time of some report, events of later files were committed already (one transaction each group).
      expect(seen.some((x, k) => k > 0 && x.status === 'ingested' && x.events > eventsBefore + seen.slice(0, k + 1).filter((y) => y.status === 'ingested').length)).toBe(true);
      // The item.ingested events, one per ingested file, in the order of the files, each naming its file's item.
      const ingestedEvents = [...vault.log.events(eventsBefore)].map((e) => parseEvent(e.bytes)).filter((e) => e.type === 'item.ingested');
      expect(ingestedEvents.map((e) => e.subject)).toEqual(report.results.filter((r) => r.status === 'ingested').map((r) => r.itemId));
      expect(fs.readdirSync(path.join(root, 'vault-groups', 'tmp'))).toEqual([]);
      const v = await verifyVault(vault);
      expect(v.problems).toEqual([]);
    } finally {
      vault.lock();
    }
  });

  it('events appended by others while a group is prepared: each file\'s event is signed for its own place in the log', async () => {
    // A group's item.ingested events are signed ahead for the numbers they will have (signAhead); the app may append
    // other events meanwhile (a case created while an import runs). Those shift the numbers: the events are signed
    // again in the transaction, and the log stays in order and verifies.
    const inputs = path.join(root, 'in-others');
    fs.mkdirSync(inputs);
    for (let i = 0; i < 150; i++) fs.writeFileSync(path.join(inputs, `o${String(i).padStart(3, '0')}.bin`), crypto.randomBytes(2000 + i));
    const { vault } = await createVault(path.join(root, 'vault-others'), TEST_PASSPHRASE);
    let cases = 0;
    let stop = false;
    const others = (async () => {
      while (!stop) {
        await new Promise((r) => setImmediate(r));
        if (!stop) {
          createCase(vault, { title: `case ${cases}` });
          cases++;
        }
      }
    })();
    try {
      const report = await ingestPaths(vault, [inputs]);
      stop = true;
      await others;
      expect(report.ingested).toBe(150);
      expect(cases).toBeGreaterThan(0);
      const events = [...vault.log.events()].map((e) => parseEvent(e.bytes));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, k) => k));
      expect(events.filter((e) => e.type === 'item.ingested').map((e) => e.subject)).toEqual(report.results.map((r) => r.itemId));
      expect(events.filter((e) => e.type === 'case.created')).toHaveLength(cases);
      const v = await verifyVault(vault);
      expect(v.problems).toEqual([]);
    } finally {
      stop = true;
      await others;
      vault.lock();
    }
  });
});
