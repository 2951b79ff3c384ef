import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packetDestinationDialog, packetDialog, pickFilesDialog, safeSuggestedName, vaultFolderDialog } from '../../../../../main/electron/dialogs/options';

describe('native dialog options', () => {
  it('chooses folders for vaults and never adds them to the OS recent list', () => {
    for (const mode of ['create', 'open'] as const) {
      const o = vaultFolderDialog(mode);
      expect(o.properties).toContain('openDirectory');
      expect(o.properties).toContain('dontAddToRecent');
      expect(o.properties).not.toContain('openFile');
    }
    expect(vaultFolderDialog('create').properties).toContain('createDirectory');
  });

  it('picks many files or many folders, not added to recents', () => {
    expect(pickFilesDialog(false).properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections', 'dontAddToRecent']));
    expect(pickFilesDialog(true).properties).toEqual(expect.arrayContaining(['openDirectory', 'multiSelections', 'dontAddToRecent']));
    expect(packetDialog().properties).toContain('dontAddToRecent');
  });

  it('opens a packet as a zip file or, in the folder mode, as a folder', () => {
    expect(packetDialog(false).properties).toEqual(expect.arrayContaining(['openFile', 'dontAddToRecent']));
    expect(packetDialog(false).properties).not.toContain('openDirectory');
    expect(packetDialog(false).filters).toEqual([{ name: 'Packets (zip)', extensions: ['zip'] }]);
    expect(packetDialog(true).properties).toEqual(expect.arrayContaining(['openDirectory', 'dontAddToRecent']));
    expect(packetDialog(true).properties).not.toContain('openFile');
    expect(packetDialog(true).filters).toBeUndefined();
  });

  it('reduces a suggested packet name to a plain file name in the base folder', () => {
    const base = path.resolve('/home/me/Documents');
    expect(packetDestinationDialog('wgad-2024.zip', base).defaultPath).toBe(path.join(base, 'wgad-2024.zip'));
    for (const evil of ['../../etc/passwd', '/etc/passwd', '..\\..\\Windows\\x.zip', 'C:\\x\\y.zip']) {
      const p = packetDestinationDialog(evil, base).defaultPath!;
      expect(path.dirname(p), evil).toBe(base);
    }
    expect(safeSuggestedName('..')).toBe('packet.zip');
    expect(safeSuggestedName('')).toBe('packet.zip');
    expect(safeSuggestedName('a\u0000b\nc.zip')).toBe('a_b_c.zip');
    expect(safeSuggestedName('x'.repeat(500)).length).toBe(200);
  });
});
