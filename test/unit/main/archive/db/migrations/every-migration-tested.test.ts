import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../../../main/archive/db/migrations';

/** Each migration is tested on a database of the previous version that holds data (STYLE §15; the harness is test/helpers/migrations.ts). */
describe('migrations', () => {
  it('every migration has its test file beside this one, named after it', () => {
    const here = import.meta.dirname;
    const missing = MIGRATIONS.filter((m) => !fs.existsSync(path.join(here, `${m.name}.test.ts`))).map((m) => m.name);
    expect(missing).toEqual([]);
  });

  it('migrations are numbered 1, 2, 3… in order and their names start with their number', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(m.name.startsWith(String(m.version).padStart(4, '0') + '-')).toBe(true);
    });
  });
});
