import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { huella, huellaBytes } from '../../../helpers/cli';
import { writeGpsPhoto } from '../../../helpers/photos';
import { tempDir } from '../../../helpers/tmp';

/** `huella backup`, `backup verify`, `restore`, `init --recovery-sheet` and `recovery-sheet`, as a person runs them. */
describe('huella backup / restore / recovery sheet CLI', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');
  const backup = path.join(root, 'usb', 'backup');
  let recoveryKey = '';

  const keyFromSheet = (pdf: string): string => {
    const text = spawnSync('pdftotext', ['-layout', pdf, '-']).stdout.toString();
    return [...text.matchAll(/\b[A-Z2-7]{5}\b/g)].map((m) => m[0]).filter((g) => g !== 'HUELL').slice(0, 11).join('-');
  };

  beforeAll(async () => {
    const sheet = path.join(root, 'sheet-ar.pdf');
    const r = huella(['init', vault, '--recovery-sheet', sheet, '--lang', 'ar', '--json']);
    expect(r.code, r.stderr).toBe(0);
    recoveryKey = (JSON.parse(r.stdout) as { recoveryKey: string }).recoveryKey;
    expect(r.stderr).toMatch(/contains the recovery key in clear/);
    expect(fs.statSync(sheet).mode & 0o777).toBe(0o600);
    expect(keyFromSheet(sheet)).toBe(recoveryKey);
    const inbox = path.join(root, 'in');
    await writeGpsPhoto(inbox, 'calle.jpg', 5);
    fs.writeFileSync(path.join(inbox, 'nota.txt'), 'Declaración del testigo.\n');
    expect(huella(['ingest', vault, inbox]).code).toBe(0);
  }, 60_000);

  it('init --recovery-sheet - writes the PDF to standard output only', () => {
    const pdf = huellaBytes(['init', path.join(root, 'vault-stdout'), '--recovery-sheet', '-', '--lang', 'es']);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.readdirSync(root).some((f) => f.endsWith('.pdf') && f !== 'sheet-ar.pdf')).toBe(false);
  });

  it('backup prints what it copied and wrote; a second run copies no object', () => {
    const first = huella(['backup', vault, backup, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const r1 = JSON.parse(first.stdout) as { generation: number; objects: { copied: number }; bytesWritten: number; keyFingerprint: string };
    expect(r1).toMatchObject({ generation: 1, objects: { copied: 3 } }); // photo, its preview, the note
    const second = huella(['backup', vault, backup]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Backup generation 2 written/);
    expect(second.stdout).toMatch(/objects: +0 copied \(0 bytes\), 3 already in the backup/);
    expect(second.stdout).toMatch(/written: .* this run \(\d+ bytes\)/);
    expect(second.stdout).toContain(`backup key fingerprint: ${r1.keyFingerprint}`);
  });

  it('backup verify: exit 0 when intact; checks a given fingerprint; --full restores and verifies with the passphrase', () => {
    const ok = huella(['backup', 'verify', backup, '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    const fp = (JSON.parse(ok.stdout) as { keyFingerprint: string }).keyFingerprint;
    expect(huella(['backup', 'verify', backup, '--key-fingerprint', fp]).code).toBe(0);
    const wrong = huella(['backup', 'verify', backup, '--key-fingerprint', 'AAAA BBBB CCCC DDDD']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/FAIL \[manifest\.key\]/);
    const full = huella(['backup', 'verify', backup, '--full']);
    expect(full.code, full.stdout + full.stderr).toBe(0);
    expect(full.stdout).toMatch(/OK: full check with the passphrase/);
    expect(huella(['backup', 'verify', backup, '--all']).stdout).toMatch(/generation 1 .*OK\n.*generation 2 .*OK/);
  }, 60_000);

  it('restore: a new vault that opens with the recovery key and verifies; refuses an existing target and a wrong passphrase', () => {
    const target = path.join(root, 'restored');
    const r = huella(['restore', backup, target, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ generation: 2, manifestTrusted: true, damagedItems: [], verify: { ok: true } });
    const keyFile = path.join(root, 'key.txt');
    fs.writeFileSync(keyFile, recoveryKey);
    expect(huella(['verify', target, '--recovery-key-file', keyFile]).code).toBe(0);
    const again = huella(['restore', backup, target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/never overwrites/);
    const wrong = huella(['restore', backup, path.join(root, 'restored-wrong')], { env: { HUELLA_PASSPHRASE: 'wrong passphrase here' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Wrong passphrase/);
    expect(fs.readdirSync(root).filter((f) => f.includes('restored-wrong'))).toEqual([]);
  }, 60_000);

  it('a damaged backup: verify names the object; restore restores the rest, names the lost item, exits 1', () => {
    const copy = path.join(root, 'damaged');
    fs.cpSync(backup, copy, { recursive: true });
    const blobs = path.join(copy, 'blobs');
    const victim = fs.readdirSync(blobs).flatMap((p) => fs.readdirSync(path.join(blobs, p))).sort()[0]!;
    fs.rmSync(path.join(blobs, victim.slice(0, 2), victim));
    const v = huella(['backup', 'verify', copy]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`FAIL [object.missing] (generation 2, object ${victim})`);
    const r = huella(['restore', copy, path.join(root, 'restored-damaged')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`LOST \\w+ object ${victim} \\(missing from the backup\\) — item it_[0-9a-z]{10}`));
    expect(r.stdout).toMatch(/1 item\(s\) lost content: it_/);
  }, 60_000);

  it('recovery-sheet needs --yes, replaces the recovery key, and the old key stops working', () => {
    const sheet = path.join(root, 'new-sheet.pdf');
    const refused = huella(['recovery-sheet', vault, '--out', sheet]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not stored anywhere.*--yes/s);
    expect(fs.existsSync(sheet)).toBe(false);
    expect(huella(['recovery-sheet', vault, '--out', sheet, '--yes', '--lang', 'fr']).code).toBe(0);
    const oldKey = path.join(root, 'old-key.txt');
    const newKey = path.join(root, 'new-key.txt');
    fs.writeFileSync(oldKey, recoveryKey);
    fs.writeFileSync(newKey, keyFromSheet(sheet));
    expect(huella(['unlock-test', vault, '--recovery-key-file', oldKey]).code).toBe(1);
    expect(huella(['unlock-test', vault, '--recovery-key-file', newKey]).code).toBe(0);
    expect(huella(['recovery-sheet', vault, '--out', sheet, '--yes']).stderr).toMatch(/already exists/);
    expect(huella(['recovery-sheet', '--help']).stdout).toMatch(/not stored anywhere/);
  }, 60_000);
});
