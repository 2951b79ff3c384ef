import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HUELLA_BIN, huella, huellaBytes, jsonLines } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tmp';
import { writeGpsPhoto } from '../../../helpers/photos';

describe('huella CLI', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');
  let recoveryKey = '';
  let photo = '';

  beforeAll(async () => {
    photo = (await writeGpsPhoto(path.join(root, 'in'), 'prueba.jpg', 3)).file;
    fs.writeFileSync(path.join(root, 'in', 'notes.txt'), 'Testimonio: fue detenido el lunes.\n');
  });

  it('prints usage with exit 2 for usage errors', () => {
    expect(huella([]).code).toBe(2);
    expect(huella(['frobnicate']).code).toBe(2);
    expect(huella(['ls']).code).toBe(2);
    const r = huella(['ls', vault, '--bogus-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bogus-flag/);
  });

  it('a command group alone lists its commands (with --help on stdout and exit 0), not "unknown command"', () => {
    const help = huella(['consent', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^ {2}consent record {2}record a person's consent/m);
    expect(help.stdout).toMatch(/^ {2}consent revoke /m);
    const bare = huella(['case']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/'huella case' is followed by one of:/);
    expect(bare.stderr).toMatch(/^ {2}case add-items /m);
    expect(huella(['log', 'witness', '--help']).stdout).toMatch(/^ {2}log witness add /m);
    expect(huella(['frobnicate', '--help']).stderr).toMatch(/Unknown command 'frobnicate'/);
  });

  it('init prints the recovery key once, with the instruction to write it down', () => {
    const r = huella(['init', vault, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { vaultId: string; recoveryKey: string };
    expect(out.recoveryKey).toMatch(/^([A-Z2-7]{5}-){10}[A-Z2-7]{5}$/);
    recoveryKey = out.recoveryKey;
    const text = huella(['init', path.join(root, 'vault2')]);
    expect(text.stdout).toMatch(/RECOVERY KEY/);
    expect(text.stdout).toMatch(/write it on paper/);
    expect(huella(['init', vault]).code).toBe(1); // exists
  });

  it('ingest reports one JSON object per file and a summary; ls/show/cat agree', () => {
    const r = huella(['ingest', vault, path.join(root, 'in'), '--json']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    const files = lines.filter((l) => 'status' in l);
    expect(files).toHaveLength(2);
    for (const f of files) expect(Object.keys(f)).toEqual(expect.arrayContaining(['path', 'status', 'itemId', 'sha256', 'size', 'mediaType', 'warnings']));
    expect(lines.at(-1)).toMatchObject({ summary: { ingested: 2, duplicates: 0, failed: 0 } });
    const jpeg = files.find((f) => f.mediaType === 'image/jpeg')!;
    const again = jsonLines(huella(['ingest', vault, photo, '--json']).stdout) as Record<string, unknown>[];
    expect(again[0]).toMatchObject({ status: 'duplicate', itemId: jpeg.itemId });

    const ls = jsonLines(huella(['ls', vault, '--json']).stdout) as Record<string, unknown>[];
    expect(ls.map((i) => i.id).sort()).toEqual(files.map((f) => f.itemId).sort());
    const show = JSON.parse(huella(['show', vault, String(jpeg.itemId), '--json']).stdout) as { metadata: { gps?: unknown; model?: string } };
    expect(show.metadata.gps).toBeDefined();
    expect(show.metadata.model).toBe('Testcam Model 3');
    const bytes = huellaBytes(['cat', vault, String(jpeg.itemId)]);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(jpeg.sha256);
    expect(bytes.equals(fs.readFileSync(photo))).toBe(true);
  });

  it('ls piped into a reader that has already gone (| head) ends quietly with 0, not an EPIPE stack trace', () => {
    const err = path.join(root, 'epipe.err');
    const r = execFileSync('bash', ['-c', `"${process.execPath}" "${HUELLA_BIN}" ls "${vault}" 2>"${err}" | true; echo "\${PIPESTATUS[0]}"`], {
      env: { ...process.env, HUELLA_PASSPHRASE: 'correct horse battery staple' },
    }).toString().trim();
    expect(fs.readFileSync(err, 'utf8')).not.toMatch(/EPIPE|Unhandled/);
    expect(r).toBe('0');
  });

  it('gives a clear error and exit 1 for a wrong passphrase, an unknown item, a missing vault', () => {
    const wrong = huella(['ls', vault], { env: { HUELLA_PASSPHRASE: 'this is not the passphrase' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Wrong passphrase/);
    const wrongJson = huella(['ls', vault, '--json'], { env: { HUELLA_PASSPHRASE: 'this is not the passphrase' } });
    expect(JSON.parse(wrongJson.stdout)).toEqual({ error: { code: 'WRONG_PASSPHRASE', message: 'Wrong passphrase.' } });
    expect(huella(['show', vault, 'it_0000000000']).stderr).toMatch(/No item/);
    expect(huella(['ls', path.join(root, 'nope')]).stderr).toMatch(/No vault here/);
  });

  it('unlock-test, passwd, recovery key', () => {
    expect(huella(['unlock-test', vault]).code).toBe(0);
    const keyFile = path.join(root, 'key.txt');
    fs.writeFileSync(keyFile, recoveryKey);
    const newPass = path.join(root, 'new.txt');
    fs.writeFileSync(newPass, 'an entirely new passphrase\n');
    expect(huella(['passwd', vault, '--new-passphrase-file', newPass]).code).toBe(0);
    expect(huella(['unlock-test', vault]).code).toBe(1);
    expect(huella(['unlock-test', vault], { env: { HUELLA_PASSPHRASE: 'an entirely new passphrase' } }).code).toBe(0);
    expect(huella(['unlock-test', vault, '--recovery-key-file', keyFile]).code).toBe(0);
    // Back to the test passphrase, unlocking with the recovery key (a forgotten passphrase).
    const back = path.join(root, 'back.txt');
    fs.writeFileSync(back, 'correct horse battery staple');
    expect(huella(['passwd', vault, '--recovery-key-file', keyFile, '--new-passphrase-file', back]).code).toBe(0);
    expect(huella(['unlock-test', vault]).code).toBe(0);
  });

  it('identity export needs --yes and then prints an age identity', () => {
    const no = huella(['identity', 'export', vault]);
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/--yes/);
    const yes = huella(['identity', 'export', vault, '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
  });

  it('identity recipient prints the public age recipient alone, the one the secret key belongs to', () => {
    const r = huella(['identity', 'recipient', vault]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^age1[02-9ac-hj-np-z]{58}\n$/);
    expect(r.stdout + r.stderr).not.toMatch(/SECRET/);
    const secret = huella(['identity', 'export', vault, '--yes']).stdout.match(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m)![0];
    const keyFile = path.join(root, 'identity.txt');
    fs.writeFileSync(keyFile, `${secret}\n`, { mode: 0o600 });
    expect(execFileSync('age-keygen', ['-y', keyFile]).toString('utf8')).toBe(r.stdout);
    expect(JSON.parse(huella(['identity', 'recipient', vault, '--json']).stdout)).toEqual({ recipient: r.stdout.trim() });
  });

  it('verify exits 0 on a sound vault and 1 with a named problem after tampering', () => {
    const ok = huella(['verify', vault, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, problems: [] });
    const blobs = path.join(vault, 'blobs');
    const dir = fs.readdirSync(blobs)[0]!;
    const file = path.join(blobs, dir, fs.readdirSync(path.join(blobs, dir))[0]!);
    const orig = fs.readFileSync(file);
    const bad = Buffer.from(orig);
    bad[bad.length - 20]! ^= 1;
    fs.writeFileSync(file, bad);
    const r = huella(['verify', vault]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL \[object.decrypt\].*object [0-9a-f]{16}/);
    fs.writeFileSync(file, orig);
    expect(huella(['verify', vault]).code).toBe(0);
  });
});
