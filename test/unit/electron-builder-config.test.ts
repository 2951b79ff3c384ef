import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml, checked without packaging (packaging needs the Electron binary, which cannot be
 * downloaded here): valid against electron-builder's own schema, and saying what DESIGN §8 asks.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
// js-yaml and the validator as electron-builder itself resolves them (we do not depend on them directly).
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib'));
const yaml = builderRequire('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = builderRequire('./util/config/config.js') as {
  validateConfiguration(config: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
};

type BuilderConfig = {
  appId: string;
  productName: string;
  asar: boolean;
  asarUnpack: string[];
  files: string[];
  afterPack: string;
  npmRebuild: boolean;
  publish: null;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string; hardenedRuntime: boolean };
  electronFuses?: unknown;
};
const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("is valid for electron-builder's schema", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('the schema check is real: an unknown option is refused', async () => {
    await expect(validateConfiguration({ ...config, fusesPlease: true }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/unknown property/);
  });

  it('targets Linux AppImage + deb, Windows NSIS, macOS dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.appId).toBe('org.huella.desktop');
    expect(config.productName).toBe('Huella');
  });

  it('packs into asar with the native modules unpacked and rebuilt for Electron', () => {
    expect(config.asar).toBe(true);
    for (const m of ['better-sqlite3-multiple-ciphers', 'sharp', '@img']) expect(config.asarUnpack.some((p) => p.includes(`node_modules/${m}/`)), m).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
  });

  it('flips fuses in afterPack (not twice through electronFuses) and publishes no update feed', () => {
    expect(fs.existsSync(path.join(ROOT, config.afterPack))).toBe(true);
    expect(config.electronFuses).toBeUndefined();
    expect(config.publish).toBeNull();
  });

  it('ships the bundles and the renderer, not sources, maps or the build metafile', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/electron/*.cjs', 'dist/renderer/**/*', '!**/*.map', '!dist/main/electron/meta.json']));
    expect(config.files.some((f) => /^(main|renderer\/src|shared|test)\//.test(f))).toBe(false);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron/main.cjs');
  });

  it('takes icons rendered from the committed SVG', () => {
    expect(fs.existsSync(path.join(ROOT, 'resources/icon.svg'))).toBe(true);
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) expect(icon.startsWith('dist/icons')).toBe(true);
  });
});
