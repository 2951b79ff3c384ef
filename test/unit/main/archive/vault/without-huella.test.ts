import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../../../../main/archive/vault/vault';
import { huella, REPO } from '../../../../helpers/cli';
import { tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';

/**
 * "Reading your vault without Huella" (README), done as the README says, with tools that share no code with Huella:
 * an upstream SQLCipher 4.9 shell built from ../shared/vendor by ../shared/tools/sqlcipher4-shell.sh (OpenSSL, not
 * the npm package's cipher layer) opens archive.db with the key printed by `huella db-key`, in WAL mode (rows still
 * only in the -wal file, written by a vault open at that moment) and in rollback-journal mode; and Debian's `age`
 * decrypts every object in blobs/ with the identity printed by `huella identity export`.
 *
 * The shell is built once into test-output/sqlcipher4/ (gitignored) and reused by later runs (~45 s to build).
 */
function sharedTools(): string {
  const candidates = [process.env.HUELLA_SHARED_DIR, path.join(REPO, '..', 'shared'), path.join(REPO, '..', '..', 'shared')].filter((p): p is string => !!p);
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'tools', 'sqlcipher4-shell.sh')));
  if (!found) throw new Error(`../shared/tools/sqlcipher4-shell.sh not found (looked in ${candidates.join(', ')}); set HUELLA_SHARED_DIR`);
  return path.join(found, 'tools', 'sqlcipher4-shell.sh');
}

const SHELL = path.join(REPO, 'test-output', 'sqlcipher4', 'sqlcipher4');

function sql(db: string, key: string, ...statements: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(SHELL, [db, 'PRAGMA cipher_log_level = NONE;', `PRAGMA key = "x'${key}'";`, ...statements], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The query results: the shell first prints "NONE" (cipher_log_level) and "ok" (PRAGMA key). */
function rows(db: string, key: string, statement: string): string[] {
  const r = sql(db, key, statement);
  expect(r.status, r.err).toBe(0);
  const lines = r.out.split('\n').filter((l) => l !== '');
  expect(lines.slice(0, 2)).toEqual(['NONE', 'ok']);
  return lines.slice(2);
}

describe('reading a vault without Huella: upstream SQLCipher 4 shell and age', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');
  let key = '';
  let identityFile = '';

  beforeAll(() => {
    const built = spawnSync('bash', [sharedTools(), SHELL], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the SQLCipher shell failed:\n${built.stderr}`);
    fs.mkdirSync(path.join(root, 'in'));
    fs.writeFileSync(path.join(root, 'in', 'acta.txt'), 'Acta de la detención, 3 de mayo.\n');
    fs.writeFileSync(path.join(root, 'in', 'datos.bin'), crypto.randomBytes(200_000));
    for (const args of [['init', vault], ['ingest', vault, path.join(root, 'in')]]) {
      const r = huella(args);
      if (r.code !== 0) throw new Error(`huella ${args.join(' ')}: ${r.stderr}`);
    }
  }, 900_000);

  it('huella db-key refuses without --yes, then prints the key and records that in the custody log', () => {
    const refused = huella(['db-key', vault]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/anyone can read the whole catalogue/);
    const r = huella(['db-key', vault, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/WARNING/);
    key = r.stdout.trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // --json also gives the statement to type into the shell (the one sql() below types).
    const json = huella(['db-key', vault, '--yes', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ key, pragma: `PRAGMA key = "x'${key}'";` });
    const id = huella(['identity', 'export', vault, '--yes']);
    expect(id.code, id.stderr).toBe(0);
    identityFile = path.join(root, 'identity.txt');
    fs.writeFileSync(identityFile, id.stdout, { mode: 0o600 });
  }, 300_000);

  it('the upstream shell reads archive.db in WAL mode, including rows only in the -wal file', async () => {
    const db = path.join(vault, 'archive.db');
    expect(rows(db, key, 'PRAGMA cipher_version;')).toEqual(['4.9.0 community']);
    expect(rows(db, key, 'PRAGMA journal_mode;')).toEqual(['wal']);
    expect(rows(db, key, "SELECT original_name FROM items ORDER BY original_name;")).toEqual(['acta.txt', 'datos.bin']);
    expect(rows(db, key, "SELECT type FROM events WHERE seq = 0;")).toEqual(['vault.created']);
    // Printing the key (twice: text and --json) was recorded in the custody log, like an identity export.
    expect(rows(db, key, "SELECT count(*) FROM events WHERE type = 'vault.db-key-exported';")).toEqual(['2']);
    expect(rows(db, key, "SELECT count(*) FROM events WHERE type = 'vault.identity-exported';")).toEqual(['1']);
    expect(sql(db, `${key.slice(0, 63)}${key[63] === '0' ? '1' : '0'}`, 'SELECT count(*) FROM items;').status).toBe(26); // wrong key: "file is not a database"

    // A vault open right now, with a change that has not been checkpointed into archive.db yet.
    const v = await openVault(vault, { passphrase: TEST_PASSPHRASE });
    try {
      v.db.pragma('wal_autocheckpoint = 0');
      v.transaction(() => v.log.append('case.created', 'case_only_in_wal', { n: 1 }));
      const wal = fs.statSync(path.join(vault, 'archive.db-wal')).size;
      expect(wal).toBeGreaterThan(0);
      expect(rows(db, key, "SELECT count(*) FROM events WHERE subject = 'case_only_in_wal';")).toEqual(['1']);
      expect(rows(db, key, 'PRAGMA cipher_integrity_check;')).toEqual([]);
    } finally {
      v.lock();
    }
  });

  it('the upstream shell reads a copy switched to rollback-journal mode', () => {
    const copy = path.join(root, 'rollback.db');
    fs.copyFileSync(path.join(vault, 'archive.db'), copy);
    expect(rows(copy, key, 'PRAGMA journal_mode = DELETE;')).toEqual(['delete']);
    expect(fs.existsSync(`${copy}-wal`)).toBe(false);
    expect(rows(copy, key, 'PRAGMA journal_mode;')).toEqual(['delete']);
    expect(rows(copy, key, "SELECT count(*) FROM events WHERE subject = 'case_only_in_wal';")).toEqual(['1']);
    expect(rows(copy, key, 'SELECT count(*) FROM items;')).toEqual(['2']);
  });

  it('every object in blobs/ decrypts with age -d -i and the exported identity, to the SHA-256 the database records', () => {
    // The README's query: which blob holds which item (object names are keyed hashes, so only the database knows).
    const listing = rows(
      path.join(vault, 'archive.db'),
      key,
      "SELECT o.name, lower(hex(o.sha256)), o.kind, coalesce(i.id, '-'), coalesce(i.original_name, '-') FROM objects o LEFT JOIN items i ON i.object_name = o.name OR i.preview_object = o.name ORDER BY o.name;",
    ).map((l) => l.split('|'));
    const files = fs.readdirSync(path.join(vault, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBe(listing.length);
    expect(listing.some(([, , kind, , name]) => kind === 'original' && name === 'acta.txt')).toBe(true);
    for (const [name, sha256] of listing) {
      const blob = path.join(vault, 'blobs', name!.slice(0, 2), name!);
      const plain = execFileSync('age', ['-d', '-i', identityFile, blob], { maxBuffer: 64 * 1024 * 1024 });
      expect(crypto.createHash('sha256').update(plain).digest('hex'), name).toBe(sha256);
    }
    const acta = listing.find((r) => r[4] === 'acta.txt')!;
    expect(execFileSync('age', ['-d', '-i', identityFile, path.join(vault, 'blobs', acta[0]!.slice(0, 2), acta[0]!)], { encoding: 'utf8' })).toBe('Acta de la detención, 3 de mayo.\n');
  });
});
