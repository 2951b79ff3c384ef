// Migration 0005 (transfer tables) on a database of version 4 that holds data: the data stays, the tables appear,
// and their owner module reads and writes them.
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../../main/archive/db/migrations';
import { openDatabase } from '../../../../../main/archive/db/open';
import { addRemote, getRemote, pinSender, pinnedSenderByFingerprint, receivedBundle, recordReceivedBundle } from '../../../../../main/archive/db/transfers';
import { tempDir } from '../../../../helpers/tmp';

describe('migration 0005-transfers', () => {
  it('adds the transfer tables to a version-4 database without touching its rows', () => {
    const old = path.join(tempDir('huella-mig5-'), 'v4.db');
    const key = crypto.randomBytes(32);
    // A version-4 database: made at the latest version, the tables of 0005 and later dropped, user_version set back to 4.
    const raw = openDatabase(old, key, { create: true });
    raw.exec('DROP TABLE drafts;');
    raw.exec('DROP TABLE remotes; DROP TABLE transfers_sent; DROP TABLE received_custody; DROP TABLE transfers_received; DROP TABLE transfer_senders;');
    raw.pragma('user_version = 4');
    raw.prepare("INSERT INTO settings (key, value) VALUES ('actor', 'documenter')").run();
    raw.prepare("INSERT INTO objects (name, sha256, size, kind, created_at) VALUES (?, ?, 3, 'original', '2026-01-01T00:00:00Z')").run('ab'.repeat(32), crypto.randomBytes(32));
    raw.close();

    const db5 = openDatabase(old, key, { create: false });
    try {
      expect(db5.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db5.prepare("SELECT value FROM settings WHERE key = 'actor'").get()).toEqual({ value: 'documenter' });
      expect((db5.prepare('SELECT count(*) AS n FROM objects').get() as { n: number }).n).toBe(1);
      pinSender(db5, { fingerprint: 'f'.repeat(64), card: 'huella-contact-v1 x y', publicKey: crypto.randomBytes(32), origin: 'huella/x', firstSeen: '2026-01-01T00:00:00Z' });
      expect(pinnedSenderByFingerprint(db5, 'f'.repeat(64))?.origin).toBe('huella/x');
      recordReceivedBundle(db5, { bundleId: 'a'.repeat(26), sender: 'f'.repeat(64), receivedAt: 'now', items: 2, duplicates: 0, eventSeq: 4 });
      expect(receivedBundle(db5, 'a'.repeat(26))?.items).toBe(2);
      addRemote(db5, { name: 'org', url: 's3://bucket/prefix', endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', allowHttp: false, retentionDays: 30, createdAt: 'now' });
      expect(getRemote(db5, 'org')).toMatchObject({ url: 's3://bucket/prefix', retentionDays: 30, allowHttp: false });
    } finally {
      db5.close();
    }
  });
});
