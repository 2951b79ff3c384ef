import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupVault } from '../../../../../main/archive/backup';
import { BACKUP_FILES, GENERATION_FILES, formatObjectsList, parseCustodyRecord, parseManifest, parseObjectsList, serializeManifest } from '../../../../../main/archive/backup/format';
import { backupKeyFingerprint, deriveBackupSigningKey, normalizeFingerprint } from '../../../../../main/archive/backup/keys';
import { ed25519KeyPairFromSeed } from '../../../../../main/archive/custody/ed25519';
import { createVault, type Vault } from '../../../../../main/archive/vault/vault';
import { insertSyntheticItems } from '../../../../fixtures/catalogue-generator';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/** The backup folder format: known answers, strict parsing, interop with minisign and age. */
describe('backup format', () => {
  const root = tempDir();
  const backupDir = path.join(root, 'backup');
  let vault: Vault;
  const gen = (): string => path.join(backupDir, BACKUP_FILES.generations, '000001');

  beforeAll(async () => {
    vault = (await createVault(path.join(root, 'vault'), TEST_PASSPHRASE)).vault;
    await insertSyntheticItems(vault, [{ originalName: 'a.jpg', mediaType: 'image/jpeg', metadata: {} }, { originalName: 'b.jpg', mediaType: 'image/jpeg', metadata: {} }]);
    await backupVault(vault, backupDir);
  });

  it('derives the backup-signing key with HKDF-SHA256 under its own label (known answer), unrelated to the custody key', () => {
    const seed = Buffer.alloc(32, 1);
    const k = deriveBackupSigningKey(seed);
    // HKDF-SHA256(ikm = 32 × 0x01, salt = empty, info = "huella backup-signing key v1"), also checked with openssl below.
    expect(k.seed.toString('hex')).toBe('1f7c51a51e2ee9f0eef3e63574fcbbae24725b8b87ba26d3cf5a0091e021add8');
    expect(k.publicKey.toString('hex')).toBe('f122fd4700892d663717a02ba60effa662b341b136b143c7a8bd447207d1d527');
    expect(backupKeyFingerprint(k.publicKey)).toBe('09DC 9CCE 413F 2987');
    expect(k.publicKey.equals(ed25519KeyPairFromSeed(seed).publicKey)).toBe(false);
    expect(normalizeFingerprint('09dc9cce413f2987')).toBe('09DC 9CCE 413F 2987');
    const openssl = spawnSync('openssl', ['kdf', '-keylen', '32', '-kdfopt', 'digest:SHA256', '-kdfopt', `hexkey:${seed.toString('hex')}`, '-kdfopt', 'hexsalt:', '-kdfopt', 'info:huella backup-signing key v1', 'HKDF']);
    if (openssl.status === 0) expect(openssl.stdout.toString().trim().replace(/:/g, '').toLowerCase()).toBe(k.seed.toString('hex'));
  });

  it('the manifest signature verifies with the reference minisign tool, and fails after a change', () => {
    const pub = path.join(backupDir, BACKUP_FILES.publicKey);
    const manifest = path.join(gen(), GENERATION_FILES.manifest);
    const ok = spawnSync('minisign', ['-V', '-p', pub, '-m', manifest, '-x', path.join(gen(), GENERATION_FILES.signature)]);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(ok.stdout.toString()).toMatch(/huella backup [a-z2-7]{26} generation 1/);
    const tampered = path.join(root, 'manifest-tampered.json');
    fs.writeFileSync(tampered, fs.readFileSync(manifest, 'utf8').replace('"generation":1', '"generation":9'));
    const bad = spawnSync('minisign', ['-V', '-p', pub, '-m', tampered, '-x', path.join(gen(), GENERATION_FILES.signature)]);
    expect(bad.status).not.toBe(0);
    // The fingerprint people see is the key ID minisign prints.
    const id = /minisign public key ([0-9A-F]+)/.exec(fs.readFileSync(pub, 'utf8'))![1]!;
    expect(normalizeFingerprint(id)).toBe(backupKeyFingerprint(deriveBackupSigningKey(vault.signingSeed).publicKey));
  });

  it('the encrypted custody record opens with the standard age tool and the vault identity, and holds the checkpoint', () => {
    const identityFile = path.join(root, 'identity.txt');
    fs.writeFileSync(identityFile, `${vault.exportAgeIdentity()}\n`, { mode: 0o600 });
    const r = spawnSync('age', ['-d', '-i', identityFile, path.join(gen(), GENERATION_FILES.custody)]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const record = parseCustodyRecord(r.stdout);
    expect(record).toMatchObject({ vaultId: vault.id, generation: 1, objects: 2, items: 2 });
    expect(record.checkpoint).toMatch(new RegExp(`^huella/${vault.id}\\n${record.treeSize}\\n`));
    fs.rmSync(identityFile);
  });

  it('the manifest is canonical JSON with exactly the documented fields; anything else is refused', () => {
    const bytes = fs.readFileSync(path.join(gen(), GENERATION_FILES.manifest));
    const m = parseManifest(bytes);
    expect(serializeManifest(m).equals(bytes)).toBe(true);
    expect(Object.keys(m).sort()).toEqual(['backupId', 'createdAt', 'files', 'format', 'generation', 'missingAtSource', 'previous', 'signingKey', 'version']);
    expect(m.previous).toBeNull();
    expect(() => parseManifest(Buffer.from(JSON.stringify({ ...m, vaultId: 'x' })))).toThrow(/manifest is damaged/);
    expect(() => parseManifest(Buffer.from(JSON.stringify({ ...m, version: 2 })))).toThrow(/manifest is damaged/);
    expect(() => parseManifest(Buffer.from('{'))).toThrow(/not valid JSON/);
  });

  it('object lists round-trip and are parsed strictly', () => {
    const a = { name: 'a'.repeat(64), size: 10, sha256: '1'.repeat(64) };
    const b = { name: 'b'.repeat(64), size: 0, sha256: '2'.repeat(64) };
    const text = formatObjectsList([b, a]);
    expect(text).toBe(`${a.name}\t10\t${a.sha256}\n${b.name}\t0\t${b.sha256}\n`);
    expect(parseObjectsList(text)).toEqual([a, b]);
    expect(parseObjectsList('')).toEqual([]);
    expect(() => parseObjectsList(`${b.name}\t0\t${b.sha256}\n${a.name}\t10\t${a.sha256}\n`)).toThrow(/not sorted.*line 2/);
    expect(() => parseObjectsList(`${a.name}\t010\t${a.sha256}\n`)).toThrow(/line 1/);
    expect(() => parseObjectsList(`${a.name}\t10\t${a.sha256}`)).toThrow(/truncated/);
    expect(() => parseObjectsList(`${a.name}\t10\t${a.sha256}\textra\n`)).toThrow(/line 1/);
  });

  it('the second generation chains to the first by the first manifest\'s hash', async () => {
    await backupVault(vault, backupDir);
    const first = fs.readFileSync(path.join(gen(), GENERATION_FILES.manifest));
    const second = parseManifest(fs.readFileSync(path.join(backupDir, BACKUP_FILES.generations, '000002', GENERATION_FILES.manifest)));
    const { createHash } = await import('node:crypto');
    expect(second.previous).toEqual({ generation: 1, manifestSha256: createHash('sha256').update(first).digest('hex') });
    vault.lock();
  });
});
