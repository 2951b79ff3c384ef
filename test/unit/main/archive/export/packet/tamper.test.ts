import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket, verifyPacket } from '../../../../../../main/archive/export';
import { formatMinisignPublicKey, minisignSign } from '../../../../../../main/archive/custody/minisign';
import { ed25519KeyPairFromSeed } from '../../../../../../main/archive/custody/ed25519';
import { shutdownIngestWorkers } from '../../../../../../main/archive/ingest/ingest';
import type { PacketVerifyReport } from '../../../../../../shared/model/packet';
import { tempDir } from '../../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

/**
 * The tamper campaign (DESIGN §1 A4): every kind of change to a packet is detected by `verifyPacket`, with a
 * precise reason that names the file or the entry. Zero undetected.
 */

type Tamper = { readonly name: string; readonly apply: (dir: string) => void; readonly expect: { readonly file?: string; readonly check?: string; readonly reason: RegExp } };

function sha256(b: Buffer | string): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

function rewriteManifestLine(file: string, target: string, hash: string): void {
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(new RegExp(`^[0-9a-f]{64}  ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `${hash}  ${target}`));
}

function failures(r: PacketVerifyReport): string {
  return JSON.stringify([...r.checks.filter((c) => c.status === 'FAIL'), ...r.files.filter((f) => f.status === 'FAIL')], null, 1);
}

async function zipOf(entries: readonly { name: string; data: Buffer; mode?: number; compress?: boolean }[], file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { mtime: new Date(1980, 0, 1), mode: e.mode ?? 0o100644, compress: e.compress ?? true });
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject));
}

/** Replaces a same-length placeholder name in the zip's local and central headers (yazl refuses unsafe names). */
function renameInZip(file: string, from: string, to: string): void {
  if (from.length !== to.length) throw new Error('same length only');
  const b = fs.readFileSync(file);
  const f = Buffer.from(from);
  let i = b.indexOf(f);
  let n = 0;
  while (i >= 0) {
    Buffer.from(to).copy(b, i);
    n++;
    i = b.indexOf(f, i + 1);
  }
  if (n < 2) throw new Error('name not found twice');
  fs.writeFileSync(file, b);
}

function bagEntries(dir: string, top: string): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push({ name: `${top}/${r}`, data: fs.readFileSync(path.join(d, e.name)) });
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

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
    expect((await verifyPacket(original, { key })).ok).toBe(true);
  });

  const evidence = (dir: string): string => {
    const name = fs.readdirSync(path.join(dir, 'data/evidence')).sort()[0]!;
    return `data/evidence/${name}`;
  };

  const tampers: Tamper[] = [
    {
      name: 'one payload byte changed',
      apply: (d) => {
        const f = path.join(d, evidence(d));
        const b = fs.readFileSync(f);
        b[b.length - 100] = b[b.length - 100]! ^ 0x01;
        fs.writeFileSync(f, b);
      },
      expect: { file: 'data/evidence/E001.jpg', reason: /SHA-256 differs from manifest-sha256\.txt/ },
    },
    {
      name: 'a manifest line changed',
      apply: (d) => rewriteManifestLine(path.join(d, 'manifest-sha256.txt'), 'data/testimonies/T01.txt', '0'.repeat(64)),
      expect: { file: 'manifest-sha256.txt', reason: /SHA-256 differs from tagmanifest-sha256\.txt/ },
    },
    {
      name: 'items.json edited',
      apply: (d) => {
        const f = path.join(d, 'custody/items.json');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"profile": "redacted"', '"profile": "forensic"'));
      },
      expect: { file: 'custody/items.json', reason: /differs from tagmanifest/ },
    },
    {
      name: 'the checkpoint edited',
      apply: (d) => {
        const f = path.join(d, 'custody/checkpoint');
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        lines[1] = String(Number(lines[1]) + 1);
        fs.writeFileSync(f, lines.join('\n'));
      },
      expect: { check: 'checkpoint', reason: /signature|changed after signing/ },
    },
    {
      name: 'the signature changed',
      apply: (d) => {
        const f = path.join(d, 'tagmanifest-sha256.txt.minisig');
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        const sig = Buffer.from(lines[1]!, 'base64');
        sig[20] = sig[20]! ^ 0xff;
        lines[1] = sig.toString('base64');
        fs.writeFileSync(f, lines.join('\n'));
      },
      expect: { file: 'tagmanifest-sha256.txt.minisig', reason: /does not match the file|changed after signing/ },
    },
    {
      name: 'a payload file added',
      apply: (d) => fs.writeFileSync(path.join(d, 'data/evidence/E099.jpg'), 'planted'),
      expect: { file: 'data/evidence/E099.jpg', reason: /not listed in manifest-sha256\.txt/ },
    },
    {
      name: 'a payload file removed',
      apply: (d) => fs.rmSync(path.join(d, 'data/testimonies/T01.txt')),
      expect: { file: 'data/testimonies/T01.txt', reason: /listed in manifest-sha256\.txt but missing/ },
    },
    {
      name: 'a payload file renamed',
      apply: (d) => fs.renameSync(path.join(d, evidence(d)), path.join(d, 'data/evidence/E001-renamed.jpg')),
      expect: { file: 'data/evidence/E001-renamed.jpg', reason: /not listed in manifest-sha256\.txt/ },
    },
    {
      name: 'a tag file added',
      apply: (d) => fs.writeFileSync(path.join(d, 'custody/extra-note.txt'), 'trust me'),
      expect: { file: 'custody/extra-note.txt', reason: /not listed in tagmanifest-sha256\.txt/ },
    },
    {
      name: 'payload changed and both manifests recomputed (only the signature can tell)',
      apply: (d) => {
        const rel = 'data/testimonies/T01.txt';
        const f = path.join(d, rel);
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('Oaxaca', 'Puebla'));
        rewriteManifestLine(path.join(d, 'manifest-sha256.txt'), rel, sha256(fs.readFileSync(f)));
        rewriteManifestLine(path.join(d, 'tagmanifest-sha256.txt'), 'manifest-sha256.txt', sha256(fs.readFileSync(path.join(d, 'manifest-sha256.txt'))));
      },
      expect: { check: 'signature', reason: /does not match the file/ },
    },
    {
      name: 'an event in events.jsonl altered',
      apply: (d) => {
        const f = path.join(d, 'custody/events.jsonl');
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"type\\":\\"item.ingested\\"', '"type\\":\\"item.restored\\"'));
      },
      expect: { check: 'events', reason: /signature does not verify|differs from events\.jsonl/ },
    },
    {
      name: 'an inclusion proof altered',
      apply: (d) => {
        const dir = path.join(d, 'custody/proofs');
        const f = path.join(dir, fs.readdirSync(dir).sort()[0]!);
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        const h = Buffer.from(lines[2]!, 'base64');
        h[0] = h[0]! ^ 1;
        lines[2] = h.toString('base64');
        fs.writeFileSync(f, lines.join('\n'));
      },
      expect: { check: 'proofs', reason: /not in the signed log|altered/ },
    },
    {
      name: 'a symbolic link planted in the folder',
      apply: (d) => fs.symlinkSync('/etc/passwd', path.join(d, 'data/evidence/link.jpg')),
      expect: { file: 'data/evidence/link.jpg', reason: /symbolic link/ },
    },
    {
      name: 're-signed with another key (checked with the real key)',
      apply: (d) => {
        const seed = crypto.randomBytes(32);
        const pub = ed25519KeyPairFromSeed(seed).publicKey;
        fs.writeFileSync(path.join(d, 'custody/public-key'), formatMinisignPublicKey(pub));
        rewriteManifestLine(path.join(d, 'tagmanifest-sha256.txt'), 'custody/public-key', sha256(fs.readFileSync(path.join(d, 'custody/public-key'))));
        const tm = fs.readFileSync(path.join(d, 'tagmanifest-sha256.txt'));
        return minisignSign(seed, pub, tm, { trustedComment: 'forged' }).then((sig) => fs.writeFileSync(path.join(d, 'tagmanifest-sha256.txt.minisig'), sig));
      },
      expect: { check: 'public-key', reason: /NOT the key you gave/ },
    },
  ];

  for (const t of tampers) {
    it(`detects: ${t.name}`, async () => {
      const dir = copy();
      await t.apply(dir);
      const report = await verifyPacket(dir, { key });
      expect(report.ok, `${t.name} went undetected`).toBe(false);
      if (t.expect.file) {
        const row = report.files.find((f) => f.path === t.expect.file || (t.expect.file === 'data/evidence/E001.jpg' && f.path.startsWith('data/evidence/E001')));
        expect(row, `${t.expect.file} row; failures: ${failures(report)}`).toBeDefined();
        expect(row!.status).toBe('FAIL');
        expect(row!.reason).toMatch(t.expect.reason);
      }
      if (t.expect.check) {
        const c = report.checks.find((x) => x.name === t.expect.check);
        expect(c?.status, failures(report)).toBe('FAIL');
        expect(c!.reason).toMatch(t.expect.reason);
      }
    });
  }

  it('detects a re-signed packet even without --key: the checkpoint and events are still the vault key’s', async () => {
    const dir = copy();
    await tampers.find((t) => t.name.startsWith('re-signed'))!.apply(dir);
    const report = await verifyPacket(dir);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'public-key')!.reason).toMatch(/verifier-key names another key/);
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
      expect(r.files.find((f) => f.path === 'data/testimonies/T01.txt')!.reason).toMatch(/SHA-256 differs/);
    });

    const unsafe: { name: string; make: (file: string) => Promise<void>; reason: RegExp }[] = [
      {
        name: 'zip-slip entry',
        make: async (f) => {
          await zipOf([...bagEntries(original, 'packet'), { name: 'packet/XXevil.txt', data: Buffer.from('x') }], f);
          renameInZip(f, 'packet/XXevil.txt', '../../../evil.txt');
        },
        reason: /escapes the packet \(zip-slip/,
      },
      {
        name: 'absolute path entry',
        make: async (f) => {
          await zipOf([...bagEntries(original, 'packet'), { name: 'XXXXXXXXXXXXX', data: Buffer.from('x') }], f);
          renameInZip(f, 'XXXXXXXXXXXXX', '/etc/cron.d/x');
        },
        reason: /absolute path/,
      },
      {
        name: 'symlink entry',
        make: (f) => zipOf([...bagEntries(original, 'packet'), { name: 'packet/data/evidence/link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }], f),
        reason: /symbolic link/,
      },
      {
        name: 'duplicate entry',
        make: (f) => {
          const e = bagEntries(original, 'packet');
          const t = e.find((x) => x.name.endsWith('T01.txt'))!;
          return zipOf([...e, { name: t.name, data: Buffer.from('a second, different testimony') }], f);
        },
        reason: /appears twice/,
      },
      {
        name: 'zip bomb',
        make: (f) => zipOf([...bagEntries(original, 'packet'), { name: 'packet/data/evidence/E098.jpg', data: Buffer.alloc(64 * 1024 * 1024) }], f),
        reason: /zip bomb/,
      },
      {
        name: 'backslash entry',
        make: async (f) => {
          await zipOf([...bagEntries(original, 'packet'), { name: 'packet/data/XXXX.txt', data: Buffer.from('x') }], f);
          renameInZip(f, 'packet/data/XXXX.txt', 'packet\\data\\XXXX.txt');
        },
        reason: /backslash|invalid character/,
      },
    ];

    for (const u of unsafe) {
      it(`refuses a ${u.name} without extracting anything`, async () => {
        const file = path.join(zips, `${u.name.replace(/\W+/g, '-')}.zip`);
        await u.make(file);
        const before = fs.readdirSync(zips).length;
        const r = await verifyPacket(file, { key });
        expect(r.ok).toBe(false);
        expect(r.checks).toHaveLength(1);
        expect(r.checks[0]).toMatchObject({ name: 'container', status: 'FAIL' });
        expect(r.checks[0]!.reason).toMatch(u.reason);
        expect(r.files[0]!.status).toBe('FAIL');
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
