import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signMessages, shutdownCryptoWorkers } from '../../../../../main/archive/blobs/crypto';
import { ed25519Sign, ed25519Verify } from '../../../../../main/archive/custody/ed25519';
import { createVault } from '../../../../../main/archive/vault/vault';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * Events signed ahead (issue 19: ingest signs a group's item.ingested events on a crypto thread before its
 * transaction). CustodyLog.append takes such a signature only for the very event it appends now, so what is stored
 * is what signing in the transaction stores (Ed25519 is deterministic).
 */
describe('custody events signed ahead', () => {
  const root = tempDir();
  afterAll(async () => {
    await shutdownCryptoWorkers();
  });

  it('a crypto thread signs as this thread does', async () => {
    const { vault } = await createVault(path.join(root, 'v-sign'), TEST_PASSPHRASE);
    try {
      const messages = [Buffer.from('one'), Buffer.alloc(0), Buffer.alloc(5000, 7)];
      const signatures = await vault.log.withSeedCopy((seed) => signMessages(seed, messages));
      const here = vault.log.withSeedCopy((seed) => messages.map((m) => ed25519Sign(seed, m)));
      expect(signatures.map((s) => Buffer.from(s).toString('hex'))).toEqual(here.map((s) => s.toString('hex')));
      messages.forEach((m, i) => expect(ed25519Verify(vault.log.publicKey, m, signatures[i]!)).toBe(true));
    } finally {
      vault.lock();
    }
  });

  it('the same event: stored with the signature made ahead, byte for byte what appending alone stores', async () => {
    const { vault } = await createVault(path.join(root, 'v-same'), TEST_PASSPHRASE);
    try {
      const time = new Date('2026-01-02T03:04:05.678Z');
      const data = Object.freeze({ sha256: 'ab'.repeat(32), size: 3 });
      const prepared = vault.log.prepareEvent('item.ingested', 'it_0000000000', data, time, vault.log.nextSeq());
      const [signature] = await vault.log.withSeedCopy((seed) => signMessages(seed, [prepared.bytes]));
      const stored = vault.transaction(() => vault.log.append('item.ingested', 'it_0000000000', data, time, { ...prepared, signature: signature! }));
      expect(stored.bytes.equals(prepared.bytes)).toBe(true);
      expect(stored.signature.equals(Buffer.from(signature!))).toBe(true);
      // What the same append signed here would have stored:
      const inline = vault.log.withSeedCopy((seed) => ed25519Sign(seed, prepared.bytes));
      expect(stored.signature.equals(inline)).toBe(true);
      expect(ed25519Verify(vault.log.publicKey, stored.bytes, stored.signature)).toBe(true);
      // Taken as given for the very event, not signed again: the caller signs with this log's key (signMessages).
      const next = vault.log.prepareEvent('item.ingested', 'it_0000000001', data, time, vault.log.nextSeq());
      const given = new Uint8Array(64).fill(3);
      const taken = vault.transaction(() => vault.log.append('item.ingested', 'it_0000000001', data, time, { ...next, signature: given }));
      expect(Buffer.from(taken.signature).equals(Buffer.from(given))).toBe(true);
    } finally {
      vault.lock();
    }
  });

  it('uses the signature given only for the very event: another number, time, subject or data object is signed here', async () => {
    const { vault } = await createVault(path.join(root, 'v-other'), TEST_PASSPHRASE);
    try {
      const time = new Date('2026-01-02T03:04:05.678Z');
      const data = Object.freeze({ size: 1 });
      const wrong = new Uint8Array(64).fill(9); // would fail verify if it were stored
      const seq = vault.log.nextSeq();
      const attempts = [
        // Another event appended since it was prepared: the number differs.
        { prepared: vault.log.prepareEvent('item.ingested', 'it_a', data, time, seq - 1), subject: 'it_a', data, time },
        // Equal content, another object: not taken as the same.
        { prepared: vault.log.prepareEvent('item.ingested', 'it_b', data, time, seq + 1), subject: 'it_b', data: { size: 1 }, time },
        { prepared: vault.log.prepareEvent('item.ingested', 'it_c', data, time, seq + 2), subject: 'it_x', data, time },
        { prepared: vault.log.prepareEvent('item.ingested', 'it_d', data, time, seq + 3), subject: 'it_d', data, time: new Date(time.getTime() + 1) },
      ];
      for (const a of attempts) {
        const stored = vault.transaction(() => vault.log.append('item.ingested', a.subject, a.data, a.time, { ...a.prepared, signature: wrong }));
        expect(Buffer.from(stored.signature).equals(Buffer.from(wrong))).toBe(false);
        expect(ed25519Verify(vault.log.publicKey, stored.bytes, stored.signature)).toBe(true);
      }
      expect(vault.log.checkSignatures([...vault.log.events()].map((e) => e.bytes), [...vault.log.events()].map((e) => e.signature)).every(Boolean)).toBe(true);
    } finally {
      vault.lock();
    }
  });
});
