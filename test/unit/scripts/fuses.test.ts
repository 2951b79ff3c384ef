import fs from 'node:fs';
import path from 'node:path';
import fuses from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import afterPack from '../../../scripts/after-pack';
import { REQUIRED_FUSES, flipAndVerifyFuses, fuseConfig, fuseWireProblems } from '../../../scripts/fuses';
import { tempDir } from '../../helpers/tmp';

const { FuseV1Options, getCurrentFuseWire } = fuses;
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 49;
const OFF = 48;

/** A stand-in for an Electron binary: junk, the fuse sentinel, wire version 1, wire length, the wire, junk. */
function fakeElectron(file: string, wire: readonly number[]): void {
  const body = Buffer.concat([Buffer.alloc(4096, 0xcc), Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, wire.length, ...wire]), Buffer.alloc(4096, 0xdd)]);
  fs.writeFileSync(file, body);
}

// Electron's defaults (Electron 45 has nine fuses; the ninth, WasmTrapHandlers, is not ours to change).
const DEFAULT_WIRE = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON];

describe('Electron fuses (scripts/fuses.js, used by scripts/after-pack.js)', () => {
  const dir = tempDir();

  it('requires the fuses DESIGN §8 and the issue name', () => {
    expect(REQUIRED_FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('maps every fuse to its index in the wire', () => {
    const config = fuseConfig();
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBeUndefined();
  });

  it('flips a binary with the default wire and verifies it by reading it back', async () => {
    const file = path.join(dir, 'electron');
    fakeElectron(file, DEFAULT_WIRE);
    expect(fuseWireProblems(await getCurrentFuseWire(file)).length).toBeGreaterThan(0);
    await flipAndVerifyFuses(file);
    const wire = await getCurrentFuseWire(file);
    expect(fuseWireProblems(wire)).toEqual([]);
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    // Fuses we do not own keep Electron's default.
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(OFF);
    expect((wire as Record<number, number>)[8]).toBe(ON);
  });

  it('fails the build when a fuse cannot be set (e.g. a wire too short: an Electron without that fuse)', async () => {
    const file = path.join(dir, 'old-electron');
    fakeElectron(file, DEFAULT_WIRE.slice(0, 5));
    await expect(flipAndVerifyFuses(file)).rejects.toThrow();
  });

  it('names each wrong fuse', () => {
    const wire: Record<number, number> = {};
    for (const [name, value] of Object.entries(REQUIRED_FUSES)) wire[FuseV1Options[name as keyof typeof FuseV1Options]] = value ? ON : OFF;
    expect(fuseWireProblems(wire)).toEqual([]);
    wire[FuseV1Options.RunAsNode] = ON;
    delete wire[FuseV1Options.OnlyLoadAppFromAsar];
    expect(fuseWireProblems(wire)).toEqual(['RunAsNode is 1, expected off', 'OnlyLoadAppFromAsar is missing, expected on']);
  });

  it('afterPack finds the Linux and Windows binaries the way electron-builder names them, and flips them', async () => {
    const linux = path.join(dir, 'linux-unpacked');
    fs.mkdirSync(linux);
    fakeElectron(path.join(linux, 'huella'), DEFAULT_WIRE);
    await afterPack({ appOutDir: linux, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'huella', appInfo: { productFilename: 'Huella' } } });
    expect(fuseWireProblems(await getCurrentFuseWire(path.join(linux, 'huella')))).toEqual([]);

    const win = path.join(dir, 'win-unpacked');
    fs.mkdirSync(win);
    fakeElectron(path.join(win, 'Huella.exe'), DEFAULT_WIRE);
    await afterPack({ appOutDir: win, electronPlatformName: 'win32', arch: 1, packager: { appInfo: { productFilename: 'Huella' } } });
    expect(fuseWireProblems(await getCurrentFuseWire(path.join(win, 'Huella.exe')))).toEqual([]);

    await expect(afterPack({ appOutDir: win, electronPlatformName: 'plan9', arch: 1, packager: { appInfo: { productFilename: 'Huella' } } })).rejects.toThrow(/unknown platform/);
  });
});
