import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '../../../../../main');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * exifr.parse (and every other exifr call that builds an `Exifr`) keeps the Options it derives from its options
 * object in a module-level Map keyed by that object, and never drops it (Options.useCached). An options literal
 * written in the call is a new key per file: the parse thread of an import grew by ~7 KB per photo (138 MB of heap
 * after 15,000 photos; issue 19, peak memory of an import ≤ 200 MB whatever the batch). So every such call in main/
 * passes a module-level constant.
 */
describe('exifr options objects', () => {
  it('every exifr.parse / thumbnail / gps / orientation / rotation call in main/ passes a module-level constant', () => {
    const calls: string[] = [];
    for (const file of tsFiles(MAIN)) {
      const text = fs.readFileSync(file, 'utf8');
      if (!/from 'exifr'/.test(text)) continue;
      for (const m of text.matchAll(/exifr\.(parse|thumbnail|thumbnailUrl|gps|orientation|rotation)\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*([^,)]*)/g)) {
        const where = `${path.relative(MAIN, file)}: exifr.${m[1]}(…, ${m[2]!.trim()})`;
        calls.push(where);
        const name = /^([A-Z][A-Z0-9_]*)\b/.exec(m[2]!.trim())?.[1];
        expect(name, `${where} passes an options object made at the call`).toBeDefined();
        expect(new RegExp(`^(export )?const ${name} = `, 'm').test(text), `${where}: ${name} is not a module-level const`).toBe(true);
      }
    }
    // The three readers of metadata: ingest's parse thread, HEIF's Exif item, the strip's leak check.
    expect(calls.map((c) => c.split(':')[0]).sort()).toEqual(['archive/formats/leaks/exif.ts', 'archive/ingest/heif-metadata.ts', 'archive/ingest/parse-worker.ts']);
  });
});
