import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeAbandonedPartials } from '../../../../../main/archive/export/output';
import { tempDir } from '../../../../helpers/tmp';

/** A killed export leaves stripped copies in a hidden partial; the next export into that folder removes them. */
describe('removeAbandonedPartials', () => {
  it('removes the partials of exports whose process is gone, and only those', async () => {
    const dir = tempDir('huella-partials-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid is free
    const make = (name: string, folder: boolean): string => {
      const p = path.join(dir, name);
      if (folder) {
        fs.mkdirSync(p);
        fs.writeFileSync(path.join(p, 'evidence.jpg'), 'stripped copy');
      } else fs.writeFileSync(p, 'zip bytes');
      return name;
    };
    const abandoned = [make(`.packet-1.partial-${dead}-0123456789ab`, true), make(`.packet-2.zip.zip-partial-${dead}-ba9876543210`, false)];
    const kept = [
      make(`.packet-3.partial-${process.pid}-0123456789ab`, true), // this process: a live export
      make(`.packet-4.partial-${process.ppid}-0123456789ab`, true), // another live process
      make('packet-5', true), // a finished packet
      make('.packet-6.partial-notapid', true), // not our naming: never touched
    ];
    const removed = await removeAbandonedPartials(dir);
    expect(removed.sort()).toEqual(abandoned.sort());
    expect(fs.readdirSync(dir).sort()).toEqual(kept.sort());
  });

  it('a missing folder is not an error', async () => {
    expect(await removeAbandonedPartials(path.join(tempDir(), 'nope'))).toEqual([]);
  });
});
