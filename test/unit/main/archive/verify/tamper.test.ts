import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { ingestPaths, shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { verifyVault, type VerifyCheck, type VerifyReport } from '../../../../../main/archive/verify/verify';
import { consistencyReport } from '../../../../../main/archive/custody/service';
import { ed25519Sign } from '../../../../../main/archive/custody/ed25519';
import { isHuellaError } from '../../../../../main/archive/errors';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { writeGpsPhoto } from '../../../../helpers/photos';

/**
 * Tamper campaign (issue 4): for each kind of change to a vault on disk or in its database, `verifyVault` must fail
 * and name the place. Every mutation runs on a fresh copy of one pristine vault.
 */
type Mutation = {
  readonly name: string;
  /** The check(s) that must report it; at least one of them must appear. */
  readonly expect: readonly VerifyCheck[];
  /** Extra expectation on the problem: which event/object/checkpoint it names. */
  readonly where?: (r: VerifyReport, ctx: Ctx) => boolean;
  readonly mutate: (ctx: Ctx) => Promise<void> | void;
  readonly externalCheckpoint?: boolean;
};

type Ctx = { dir: string; vault: Vault; itemIds: string[]; blobOf: (itemId: string) => string; firstCheckpoint: string };

describe('tamper campaign: verify detects every mutation and names it', () => {
  const root = tempDir();
  const pristine = path.join(root, 'pristine');
  let pristineCheckpoint = '';
  const results: { name: string; detected: boolean }[] = [];

  beforeAll(async () => {
    const { vault } = await createVault(pristine, TEST_PASSPHRASE);
    const inputs = path.join(root, 'in');
    for (let i = 0; i < 4; i++) await writeGpsPhoto(inputs, `p${i}.jpg`, 10 + i);
    fs.writeFileSync(path.join(inputs, 'notes.txt'), 'testimony draft\n');
    await ingestPaths(vault, [path.join(inputs, 'p0.jpg'), path.join(inputs, 'p1.jpg')]);
    pristineCheckpoint = vault.log.latestCheckpoint()!.note;
    await ingestPaths(vault, [path.join(inputs, 'p2.jpg'), path.join(inputs, 'p3.jpg'), path.join(inputs, 'notes.txt')]);
    expect((await verifyVault(vault)).ok).toBe(true);
    vault.lock();
  });
  afterAll(async () => {
    await shutdownIngestWorkers();
    const detected = results.filter((r) => r.detected).length;
    console.log(`tamper campaign: ${detected}/${results.length} mutations detected`);
  });

  async function withCopy(name: string, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
    const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, '-'));
    fs.cpSync(pristine, dir, { recursive: true });
    const vault = await openVault(dir, { passphrase: TEST_PASSPHRASE });
    const itemIds = (vault.db.prepare('SELECT id FROM items ORDER BY ingest_seq').all() as { id: string }[]).map((r) => r.id);
    const blobOf = (id: string): string =>
      vault.blobs.pathOf((vault.db.prepare('SELECT object_name FROM items WHERE id = ?').get(id) as { object_name: string }).object_name);
    try {
      await fn({ dir, vault, itemIds, blobOf, firstCheckpoint: pristineCheckpoint });
    } finally {
      if (!vault.isLocked) vault.lock();
    }
  }

  const eventRow = (v: Vault, seq: number) => v.db.prepare('SELECT bytes, signature, hash FROM events WHERE seq = ?').get(seq) as { bytes: Buffer; signature: Buffer; hash: Buffer };
  const ingestSeq = (v: Vault, id: string) => (v.db.prepare('SELECT ingest_seq FROM items WHERE id = ?').get(id) as { ingest_seq: number }).ingest_seq;

  const mutations: Mutation[] = [
    {
      name: 'edit a field of an event in the database',
      expect: ['event.signature'],
      where: (r, c) => r.problems.some((p) => p.check === 'event.signature' && p.event === ingestSeq(c.vault, c.itemIds[1]!)),
      mutate: ({ vault, itemIds }) => {
        const seq = ingestSeq(vault, itemIds[1]!);
        const text = eventRow(vault, seq).bytes.toString().replace(/"size":(\d+)/, (_m, n: string) => `"size":${Number(n) + 1}`);
        vault.db.prepare('UPDATE events SET bytes = ? WHERE seq = ?').run(Buffer.from(text), seq);
      },
    },
    {
      name: 'edit an event and recompute its stored hash',
      expect: ['event.signature', 'event.chain'],
      mutate: ({ vault, itemIds }) => {
        const seq = ingestSeq(vault, itemIds[0]!);
        const bytes = Buffer.from(eventRow(vault, seq).bytes.toString().replace('image/jpeg', 'image/png'));
        vault.db.prepare('UPDATE events SET bytes = ?, hash = ? WHERE seq = ?').run(bytes, crypto.createHash('sha256').update(bytes).digest(), seq);
      },
    },
    {
      name: 'delete an event',
      expect: ['event.sequence', 'event.chain'],
      where: (r) => r.problems.some((p) => p.check === 'event.sequence' && p.expected === '3'),
      mutate: ({ vault }) => {
        vault.db.prepare('DELETE FROM events WHERE seq = 3').run();
      },
    },
    {
      name: 'delete the last events (truncate the log)',
      expect: ['checkpoint.size', 'merkle.node'],
      mutate: ({ vault }) => {
        const max = (vault.db.prepare('SELECT max(seq) AS m FROM events').get() as { m: number }).m;
        vault.db.prepare('DELETE FROM events WHERE seq > ?').run(max - 3);
      },
    },
    {
      name: 'reorder two events',
      expect: ['event.chain', 'event.signature'],
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
      name: 'replace a blob with another valid age file of the vault',
      expect: ['object.hash'],
      where: (r, c) => r.problems.some((p) => p.check === 'object.hash' && p.item === c.itemIds[0]),
      mutate: ({ itemIds, blobOf }) => {
        fs.copyFileSync(blobOf(itemIds[1]!), blobOf(itemIds[0]!));
      },
    },
    {
      name: 'flip one byte of a blob',
      expect: ['object.decrypt'],
      where: (r, c) => r.problems.some((p) => p.check === 'object.decrypt' && p.item === c.itemIds[2]),
      mutate: ({ itemIds, blobOf }) => {
        const f = blobOf(itemIds[2]!);
        const b = fs.readFileSync(f);
        b[Math.floor(b.length / 2)]! ^= 0x40;
        fs.writeFileSync(f, b);
      },
    },
    {
      name: 'truncate a blob',
      expect: ['object.decrypt'],
      mutate: ({ itemIds, blobOf }) => {
        const f = blobOf(itemIds[3]!);
        fs.truncateSync(f, fs.statSync(f).size - 100);
      },
    },
    {
      name: 'delete a blob',
      expect: ['object.missing'],
      where: (r, c) => r.problems.some((p) => p.check === 'object.missing' && p.item === c.itemIds[4]),
      mutate: ({ itemIds, blobOf }) => fs.rmSync(blobOf(itemIds[4]!)),
    },
    {
      name: 'plant an extra file in blobs/',
      expect: ['object.orphan'],
      mutate: ({ dir }) => {
        fs.mkdirSync(path.join(dir, 'blobs', 'ff'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'blobs', 'ff', 'f'.repeat(64)), crypto.randomBytes(500));
      },
    },
    {
      name: "change an object's recorded hash in the database",
      expect: ['object.row', 'object.name'],
      mutate: ({ vault, itemIds }) => {
        vault.db.prepare('UPDATE objects SET sha256 = ? WHERE name = (SELECT object_name FROM items WHERE id = ?)').run(crypto.randomBytes(32), itemIds[0]!);
      },
    },
    {
      name: 'point an item at another ingest event',
      expect: ['item.event'],
      mutate: ({ vault, itemIds }) => {
        vault.db.prepare('UPDATE items SET ingest_seq = 0 WHERE id = ?').run(itemIds[1]!);
      },
    },
    {
      name: 'alter a stored Merkle node',
      expect: ['merkle.node'],
      mutate: ({ vault }) => {
        vault.db.prepare('UPDATE merkle_nodes SET hash = ? WHERE level = 1 AND idx = 1').run(crypto.randomBytes(32));
      },
    },
    {
      name: 'alter a stored checkpoint',
      expect: ['checkpoint.signature'],
      mutate: ({ vault }) => {
        const cp = vault.db.prepare('SELECT id, note FROM checkpoints ORDER BY id LIMIT 1 OFFSET 1').get() as { id: number; note: string };
        const lines = cp.note.split('\n');
        lines[1] = String(Number(lines[1]) + 1);
        vault.db.prepare('UPDATE checkpoints SET note = ? WHERE id = ?').run(lines.join('\n'), cp.id);
      },
    },
    {
      name: 'roll the log back and extend it differently (owner, with the key), keeping stored checkpoints',
      expect: ['checkpoint.consistency', 'checkpoint.size'],
      mutate: ({ vault }) => rewriteHistory(vault, 4),
    },
    {
      name: 'roll the log back and extend it differently, deleting stored checkpoints too (needs an earlier external checkpoint)',
      expect: ['external.checkpoint'],
      externalCheckpoint: true,
      mutate: ({ vault }) => {
        rewriteHistory(vault, 4);
        vault.db.prepare('DELETE FROM checkpoints').run();
        vault.log.writeCheckpoint('rewritten');
      },
    },
    {
      name: 'swap the signing key in the genesis event',
      expect: ['genesis.key', 'event.signature'],
      mutate: ({ vault }) => {
        const text = eventRow(vault, 0).bytes.toString().replace(/"publicKey":"[^"]+"/, `"publicKey":"${crypto.randomBytes(32).toString('base64')}"`);
        vault.db.prepare('UPDATE events SET bytes = ? WHERE seq = 0').run(Buffer.from(text));
      },
    },
    {
      name: 're-sign an edited event with a different key',
      expect: ['event.signature'],
      mutate: ({ vault, itemIds }) => {
        const seq = ingestSeq(vault, itemIds[0]!);
        const bytes = eventRow(vault, seq).bytes;
        vault.db.prepare('UPDATE events SET signature = ? WHERE seq = ?').run(ed25519Sign(crypto.randomBytes(32), bytes), seq);
      },
    },
  ];

  /** What an owner with the key could do: drop events after `keep` and append others, re-signed, tree rebuilt. */
  function rewriteHistory(vault: Vault, keep: number): void {
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

  for (const m of mutations) {
    it(m.name, async () => {
      await withCopy(m.name, async (ctx) => {
        await m.mutate(ctx);
        let report: VerifyReport;
        try {
          report = await verifyVault(ctx.vault, m.externalCheckpoint ? { externalCheckpoints: [ctx.firstCheckpoint] } : {});
        } catch (e) {
          // A mutation that stops the vault from working at all is detected too, but it must say so clearly.
          expect(isHuellaError(e)).toBe(true);
          results.push({ name: m.name, detected: true });
          return;
        }
        const checks = new Set(report.problems.map((p) => p.check));
        const detected = !report.ok && m.expect.some((c) => checks.has(c)) && (m.where ? m.where(report, ctx) : true);
        results.push({ name: m.name, detected });
        expect(report.ok).toBe(false);
        expect(m.expect.filter((c) => checks.has(c)), `checks reported: ${[...checks].join(', ')}`).not.toEqual([]);
        if (m.where) expect(m.where(report, ctx)).toBe(true);
        for (const p of report.problems) expect(p.message.length).toBeGreaterThan(10);
      });
    });
  }

  it('database pages changed on disk: the vault refuses to open or verify reports the damage', async () => {
    const dir = path.join(root, 'db-pages');
    fs.cpSync(pristine, dir, { recursive: true });
    const dbFile = path.join(dir, 'archive.db');
    const bytes = fs.readFileSync(dbFile);
    const pageSize = 4096;
    const pages = Math.floor(bytes.length / pageSize);
    let detected = 0;
    const undetected: number[] = [];
    for (let page = 1; page < pages; page++) {
      const before = detected;
      const copy = Buffer.from(bytes);
      copy[page * pageSize + 200]! ^= 0x01;
      fs.writeFileSync(dbFile, copy);
      try {
        const v = await openVault(dir, { passphrase: TEST_PASSPHRASE });
        try {
          const r = await verifyVault(v, { skipObjects: true });
          if (!r.ok) detected++;
        } catch (e) {
          if (isHuellaError(e)) detected++;
        } finally {
          v.lock();
        }
      } catch (e) {
        if (isHuellaError(e, 'VAULT_CORRUPT')) detected++;
      }
      if (detected === before) undetected.push(page);
    }
    fs.writeFileSync(dbFile, bytes);
    results.push({ name: `database pages (${pages - 1})`, detected: detected === pages - 1 });
    expect(undetected, `undetected pages of ${pages}`).toEqual([]);
  });

  it('a checkpoint handed out before a rewrite of history no longer verifies as consistent', async () => {
    await withCopy('consistency-after-rewrite', async ({ vault, firstCheckpoint }) => {
      expect(consistencyReport(vault, firstCheckpoint).consistent).toBe(true);
      rewriteHistory(vault, 4);
      const after = consistencyReport(vault, firstCheckpoint);
      expect(after.consistent).toBe(false);
      expect(after.reason).toMatch(/rewritten/);
    });
  });
});
