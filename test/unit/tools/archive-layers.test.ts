import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backArrowsIn } from '../../../tools/archive-metrics';
import { tempDir } from '../../helpers/tmp';

// Issue 18: the folders of main/archive form layers; an import from a lower folder back to one that uses it
// (directly or through others) is a cycle that makes neither folder testable or movable on its own.

const REPO = path.resolve(import.meta.dirname, '../../..');

function tree(files: Record<string, string>): string {
  const root = tempDir('huella-layers-');
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, 'main', 'archive', rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

describe('imports between folders of main/archive', () => {
  it('none runs back up', () => {
    expect(backArrowsIn(REPO).map((e) => `${e.file} imports ${e.target}`)).toEqual([]);
  });

  it('the check finds a cycle through a third folder, and type-only imports count', () => {
    const root = tree({
      'a/one.ts': "import { two } from '../b/two';\nexport const one = two;\n",
      'b/two.ts': "import type { T } from '../c/three';\nexport const two = 2 as T;\n",
      'c/three.ts': "import { one } from '../a/one';\nexport type T = number;\nexport const three = one;\n",
      'd/down.ts': "import { one } from '../a/one';\nexport const down = one;\n",
      'a/same.ts': "import { one } from './one';\nexport const same = one;\n",
    });
    const found = backArrowsIn(root).map((e) => `${e.from}->${e.to}${e.typeOnly ? ' (type)' : ''}`).sort();
    expect(found).toEqual(['a->b', 'b->c (type)', 'c->a']);
  });

  it('arrows that only go down are not reported', () => {
    const root = tree({
      'top/t.ts': "import { m } from '../mid/m';\nimport { l } from '../low/l';\nexport const t = m + l;\n",
      'mid/m.ts': "import { l } from '../low/l';\nexport const m = l;\n",
      'low/l.ts': 'export const l = 1;\n',
    });
    expect(backArrowsIn(root)).toEqual([]);
  });
});
