import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket, verifyPacket } from '../../../../../main/archive/export';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import { tempDir } from '../../../../helpers/tmp';
import { answeredPrecisely, bagEntries, failures, GENERATED_PACKET_MUTATION_KINDS, packetMutations, verifyPacketAnswer, zipMutations, zipOf } from '../../../../helpers/tamper/packet';
import { MECHANISM, makeWorld, type World } from '../export/world';

/**
 * The tamper campaign (DESIGN §1 A4): every kind of change to a packet is detected by `verifyPacket`, with a
 * precise reason that names the file or the entry. Zero undetected. The mutations are generated from the packet
 * itself (test/helpers/tamper/packet.ts, shared with `npm run reliability`, which also runs each one on a zip).
 */

describe('packet tamper campaign', () => {
  const root = tempDir('huella-tamper-');
  let w: World;
  const original = path.join(root, 'packet');
  let key: string;
  let n = 0;
  const copy = (): string => {
    const dir = path.join(root, `t${++n}`);
    fs.cpSync(original, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    await exportPacket(w.vault, { mechanismId: MECHANISM, caseId: w.caseId, profile: 'redacted', lang: 'en', answers: w.answers, outPath: original });
    key = fs.readFileSync(path.join(original, 'custody/public-key'), 'utf8');
  });
  afterAll(() => w?.vault.lock());

  it('the untouched packet passes (so every failure below is the tampering)', async () => {
    const report = await verifyPacket(original, { key });
    expect(report.ok).toBe(true);
    // What the reviewer's screen says in plain words: every payload file is named by its exhibit or testimony and the
    // date the sender's vault recorded it; the signer's key is given to compare with one the sender gave separately.
    const payload = report.files.filter((f) => /^data\/(evidence|originals|testimonies)\//.test(f.path));
    expect(payload.length).toBeGreaterThan(0);
    for (const f of payload) {
      expect(f.about?.label, f.path).toMatch(/^(E\d{3,}|T\d{2,})$/);
      expect(f.about?.recordedAt, f.path).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(f.problem).toBeUndefined();
    }
    expect(report.signer?.publicKey).toBe(key.trim().split('\n')[1]);
    expect(key).toContain(report.signer!.keyId);
  });

  // The list is generated from the exported packet, so it is built inside the test: every mutation of every kind,
  // each file, line, field, proof, entry and event (a sample of one in eight let a verifier that skipped the proofs
  // or the entry files pass). `npm run reliability` runs them all again, as folder and as zip.
  it('detects every mutation of every kind with a precise reason (folder)', { timeout: 120_000 }, async () => {
    const undetected: string[] = [];
    const mutations = packetMutations(original);
    const perKind = new Map<string, number>();
    for (const m of mutations) perKind.set(m.kind, (perKind.get(m.kind) ?? 0) + 1);
    // Every generator produced mutations from this packet (a packet without proofs or entries would make none).
    for (const kind of GENERATED_PACKET_MUTATION_KINDS) expect(perKind.get(kind) ?? 0, kind).toBeGreaterThan(0);
    // One per proof and per entry file: each event the packet carries has both, and each is changed on its own.
    const events = fs.readFileSync(path.join(original, 'custody/events.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(events).toBeGreaterThan(3);
    for (const kind of GENERATED_PACKET_MUTATION_KINDS.filter((k) => /^(proof|entry|events\.jsonl line):/.test(k))) {
      expect(perKind.get(kind), kind).toBe(events);
    }
    expect(mutations.length).toBeGreaterThan(300);
    for (const m of mutations) {
      const dir = copy();
      await m.apply(dir);
      const report = await verifyPacket(dir, { key });
      if (!answeredPrecisely(report, m.expect)) undetected.push(`${m.kind} | ${m.name} → ${report.ok ? 'verify passed' : failures(report)}`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(undetected).toEqual([]);
  });

  it('detects a re-signed packet even without --key: the checkpoint and events are still the vault key’s', async () => {
    const dir = copy();
    await packetMutations(original).find((t) => t.name.startsWith('re-signed'))!.apply(dir);
    const report = await verifyPacket(dir);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'public-key')!.reason).toMatch(/verifier-key .*names another key/);
  });

  describe('zip input is read safely', () => {
    const zips = path.join(root, 'zips');
    beforeAll(() => fs.mkdirSync(zips, { recursive: true }));

    it('a faithful zip of the packet passes; a changed byte inside it fails', async () => {
      const good = path.join(zips, 'good.zip');
      await zipOf(bagEntries(original, 'packet'), good);
      expect((await verifyPacket(good, { key })).ok).toBe(true);
      const bad = path.join(zips, 'bad.zip');
      const entries = bagEntries(original, 'packet');
      const t = entries.find((e) => e.name.endsWith('T01.txt'))!;
      t.data = Buffer.from(t.data.toString('utf8').replace('Oaxaca', 'Oaxacb'));
      await zipOf(entries, bad);
      const r = await verifyPacket(bad, { key });
      expect(r.ok).toBe(false);
      const row = r.files.find((f) => f.path === 'data/testimonies/T01.txt')!;
      expect(row.reason).toMatch(/SHA-256 differs/);
      expect([row.problem, row.about?.kind, row.about?.label]).toEqual(['changed', 'testimony', 'T01']);
    });

    for (const z of zipMutations()) {
      it(`zip entries: ${z.name} — refused or named precisely, nothing extracted`, async () => {
        const file = path.join(zips, `${z.name.replace(/\W+/g, '-')}.zip`);
        await z.make(file, original);
        const before = fs.readdirSync(zips).length;
        const r = await verifyPacketAnswer(file, key);
        expect(answeredPrecisely(r, z.expect(original)), failures(r)).toBe(true);
        if (r.checks.some((c) => c.name === 'container' && c.status === 'FAIL')) expect(r.checks).toHaveLength(1);
        expect(fs.readdirSync(zips).length).toBe(before);
        expect(fs.existsSync(path.join(root, 'evil.txt'))).toBe(false);
      });
    }

    it('the bomb limit is about ratio: real deflate of 64 MiB of zeros is ≈ 1000×', () => {
      const ratio = (64 * 1024 * 1024) / zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024)).length;
      expect(ratio).toBeGreaterThan(500);
    });
  });
});
