import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_STATE_FILE, AppStateFile } from '../../../../../main/electron/state/app-state-file';
import { tempDir } from '../../../../helpers/tmp';

describe('AppStateFile (AppStatePort in userData)', () => {
  const root = tempDir();

  it('reads empty when there is no file yet, then round-trips through the disk', () => {
    const dir = path.join(root, 'a');
    expect(new AppStateFile(dir).load()).toEqual({});
    new AppStateFile(dir).save({ lastVaultPath: '/home/me/Vault', language: 'ar' });
    expect(new AppStateFile(dir).load()).toEqual({ lastVaultPath: '/home/me/Vault', language: 'ar' });
  });

  it('writes the file owner-only and leaves no temporary file behind', () => {
    const dir = path.join(root, 'b');
    new AppStateFile(dir).save({ language: 'es' });
    expect(fs.readdirSync(dir)).toEqual([APP_STATE_FILE]);
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, APP_STATE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('treats a damaged or foreign file as empty instead of crashing', () => {
    for (const [i, text] of ['{not json', '[]', '{"language":"xx"}', '{"lastVaultPath":""}', '\u0000\u0001'].entries()) {
      const dir = path.join(root, `bad${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, APP_STATE_FILE), text);
      expect(new AppStateFile(dir).load(), text).toEqual({});
    }
  });

  it('keeps only the known fields (nothing else is ever written next to the vault path)', () => {
    const dir = path.join(root, 'c');
    new AppStateFile(dir).save({ language: 'fr', passphrase: 'hunter2' } as never);
    expect(JSON.parse(fs.readFileSync(path.join(dir, APP_STATE_FILE), 'utf8'))).toEqual({ language: 'fr' });
  });

  it('refuses to save an invalid state rather than writing it', () => {
    const dir = path.join(root, 'd');
    expect(() => new AppStateFile(dir).save({ language: 'xx' } as never)).toThrow();
    expect(fs.existsSync(path.join(dir, APP_STATE_FILE))).toBe(false);
  });
});
