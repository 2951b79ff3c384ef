import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { huella, jsonLines } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tmp';
import { writeGpsPhoto } from '../../../helpers/photos';

/** huella ingest: originals first, then the previews, waited for unless --no-wait-previews (issue 19). */
describe('huella ingest and its previews', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await writeGpsPhoto(path.join(root, 'a'), `a${i}.jpg`, i + 1);
    await writeGpsPhoto(path.join(root, 'b'), 'b.jpg', 9);
    expect(huella(['init', vault, '--json']).code).toBe(0);
  });

  const previews = (): boolean[] => (jsonLines(huella(['ls', vault, '--json']).stdout) as { hasPreview: boolean }[]).map((i) => i.hasPreview);

  it('--no-wait-previews returns once the originals are stored and says the previews are left for later', () => {
    const r = huella(['ingest', vault, path.join(root, 'a'), '--no-wait-previews']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/3 ingested/);
    expect(r.stderr).toMatch(/3 preview\(s\) not made yet: the next import makes them/);
    expect(r.stderr).not.toMatch(/making \d+ preview/);
    expect(previews()).toEqual([false, false, false]);
    const json = jsonLines(huella(['ls', vault, '--json']).stdout);
    expect(json).toHaveLength(3);
  });

  it('the next ingest waits for its previews and the ones left pending, and says so', () => {
    const r = huella(['ingest', vault, path.join(root, 'b')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Every original is stored; making 4 preview\(s\)/);
    expect(r.stderr).not.toMatch(/not made yet/);
    expect(previews()).toEqual([true, true, true, true]);
    const again = jsonLines(huella(['ingest', vault, path.join(root, 'b'), '--json']).stdout) as Record<string, unknown>[];
    expect(again.at(-1)).toMatchObject({ summary: { duplicates: 1, previewsPending: 0 } });
  });
});
