import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { huella, jsonLines } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tmp';
import { writeGpsPhoto } from '../../../helpers/photos';

/** The catalogue commands as a user runs them: --json shapes (documented in main/cli/README.md) and exit codes. */

function ok(args: string[], input?: string): unknown {
  const r = huella([...args, '--json'], input === undefined ? {} : { input });
  expect(r.code, `huella ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as unknown;
}

describe('huella catalogue commands', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');
  let itemId = '';
  let caseId = '';
  let personId = '';
  let testimonyId = '';

  beforeAll(async () => {
    expect(huella(['init', vault, '--json']).code).toBe(0);
    const photo = await writeGpsPhoto(path.join(root, 'in'), 'plaza.jpg', 5);
    const r = huella(['ingest', vault, photo.file, '--json']);
    itemId = (jsonLines(r.stdout)[0] as { itemId: string }).itemId;
  });

  it('case create / add-items / show / update / list', () => {
    const c = ok(['case', 'create', vault, '--title', 'Detención de Ana Ruiz', '--country', 'mx', '--mechanism', 'wgad-individual']) as { id: string; country: string; mechanisms: string[] };
    expect(c).toMatchObject({ country: 'MX', mechanisms: ['wgad-individual'], status: 'open' });
    caseId = c.id;
    expect(ok(['case', 'add-items', vault, caseId, itemId])).toEqual({ added: 1 });
    expect(ok(['case', 'show', vault, caseId])).toMatchObject({ id: caseId, itemCount: 1 });
    expect(ok(['case', 'update', vault, caseId, '--status', 'submitted', '--summary', ''])).toMatchObject({ status: 'submitted' });
    const list = huella(['case', 'list', vault, '--json']);
    expect(jsonLines(list.stdout)).toMatchObject([{ id: caseId, title: 'Detención de Ana Ruiz', itemCount: 1 }]);
    const bad = huella(['case', 'create', vault, '--title', '', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(bad.stderr).toMatch(/title: Required/);
  });

  it('person create / role / show; consent record / list / revoke', () => {
    const p = ok(['person', 'create', vault, '--real-name', 'Ana Ruiz', '--pseudonym', 'Víctima A', '--birth-date', '1990']) as { id: string };
    personId = p.id;
    expect(ok(['person', 'role', vault, personId, caseId, 'victim'])).toMatchObject({ roles: [{ caseId, role: 'victim' }] });
    const c = ok(['consent', 'record', vault, personId, '*', '--disclose-name', 'no', '--share-material', 'yes', '--given', '2024-05-01', '--how', 'oral-recorded']) as { id: string };
    const listed = ok(['consent', 'list', vault, personId]) as { records: unknown[]; states: { mechanism: string; state: string }[] };
    expect(listed.records).toHaveLength(1);
    expect(listed.states.find((s) => s.mechanism === 'wgad-individual')?.state).toBe('name-withheld');
    expect(ok(['consent', 'revoke', vault, c.id])).toMatchObject({ id: c.id, revokedAt: expect.any(String) as unknown });
    expect(huella(['consent', 'record', vault, personId, '*', '--disclose-name', 'maybe', '--share-material', 'yes', '--given', '2024-05-01', '--how', 'other']).code).toBe(2);
  });

  it('testimony create (stdin) / edit (--text-file) / show / history', () => {
    const t = ok(['testimony', 'create', vault, '--title', 'Entrevista', '--case', caseId, '--witness', personId, '--language', 'es'], 'Me detuvieron en la plaza.\n') as { id: string; revision: number };
    testimonyId = t.id;
    expect(t.revision).toBe(1);
    const file = path.join(root, 'texto.txt');
    fs.writeFileSync(file, 'Me detuvieron en la plaza. Me aplicaron electricidad.\n');
    expect(ok(['testimony', 'edit', vault, testimonyId, '--text-file', file, '--base-revision', '1'])).toMatchObject({ revision: 2 });
    expect(ok(['testimony', 'show', vault, testimonyId])).toMatchObject({ text: 'Me detuvieron en la plaza. Me aplicaron electricidad.\n' });
    expect(ok(['testimony', 'show', vault, testimonyId, '--revision', '1'])).toMatchObject({ revision: 1, text: 'Me detuvieron en la plaza.\n' });
    const history = jsonLines(huella(['testimony', 'history', vault, testimonyId, '--json']).stdout);
    expect(history.map((h) => (h as { revision: number }).revision)).toEqual([1, 2]);
    const big = path.join(root, 'big.txt');
    fs.writeFileSync(big, Buffer.alloc(2 * 1024 * 1024 + 1, 0x61));
    const r = huella(['testimony', 'edit', vault, testimonyId, '--text-file', big, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it('tag with details / untag; item edit; search with filters', () => {
    const tags = jsonLines(huella(['tag', vault, itemId, 'ip.electric-shock', 'vt.torture', '--detail', 'anatomicalSites=feet-soles,back', '--detail', 'duration=2 h', '--json']).stdout);
    expect(tags).toHaveLength(2);
    expect(tags[0]).toMatchObject({ termId: 'ip.electric-shock', details: { anatomicalSites: ['back', 'feet-soles'], duration: '2 h' } });
    // All or nothing: an unknown term refuses the whole command.
    expect(huella(['tag', vault, itemId, 'perp.police', 'ip.nope']).code).toBe(1);
    expect(ok(['untag', vault, itemId, 'vt.torture'])).toEqual({ removed: 1 });
    expect(ok(['item', 'edit', vault, itemId, '--title', 'Marcas de electricidad', '--place', 'Zócalo'])).toMatchObject({ title: 'Marcas de electricidad', place: 'Zócalo' });
    const r = ok(['search', vault, 'electricidad', '--type', 'image/', '--tag', 'ip.electric-shock', '--case', caseId, '--has-gps', '--place', 'zocalo', '--sort', 'date-desc']) as {
      total: number;
      hits: { docType: string; id: string; snippet: string }[];
    };
    expect(r.total).toBe(1);
    expect(r.hits[0]).toMatchObject({ docType: 'item', id: itemId, title: 'Marcas de electricidad', hasGps: true, mediaType: 'image/jpeg' });
    const all = ok(['search', vault, 'electricidad']) as { total: number };
    expect(all.total).toBe(2); // the item and the testimony
    expect((ok(['search', vault, '', '--doc-type', 'person']) as { total: number }).total).toBe(1);
    expect(huella(['search', vault, 'x', '--has-gps', '--no-gps']).code).toBe(2);
  });

  it('rm (reason required) / restore-item / purge (--yes required)', () => {
    expect(huella(['rm', vault, itemId]).code).toBe(2);
    expect(ok(['rm', vault, itemId, '--reason', 'identifica a un testigo'])).toEqual({ deleted: itemId });
    expect(ok(['restore-item', vault, itemId])).toMatchObject({ id: itemId, deleted: false });
    expect(huella(['purge', vault, itemId, '--yes']).code).toBe(1); // not deleted
    ok(['rm', vault, itemId, '--reason', 'riesgo']);
    expect(huella(['purge', vault, itemId]).code).toBe(2);
    expect(ok(['purge', vault, itemId, '--yes'])).toEqual({ purged: itemId, purgedObjects: 2, alreadyPurged: false });
    const v = huella(['verify', vault, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, problems: [] });
  });
});
