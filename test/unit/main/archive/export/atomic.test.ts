import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPacket } from '../../../../../main/archive/export';
import { partialsNextTo } from '../../../../../main/archive/export/output';
import { itemObjectName } from '../../../../../main/archive/items/items';
import { shutdownIngestWorkers } from '../../../../../main/archive/ingest/ingest';
import type { PacketExportInput, PacketPhase } from '../../../../../shared/model/packet';
import { tempDir } from '../../../../helpers/tmp';
import { MECHANISM, makeWorld, type World } from './world';

/** An export is all or nothing: cancel or failure at any phase leaves nothing at --out and no partial files. */
describe('packet export atomicity', () => {
  const root = tempDir('huella-atomic-');
  const outDir = path.join(root, 'out');
  let w: World;
  const input = (out: string, extra: Partial<PacketExportInput> = {}): PacketExportInput => ({
    mechanismId: MECHANISM,
    caseId: w.caseId,
    profile: 'redacted',
    lang: 'en',
    answers: w.answers,
    outPath: out,
    ...extra,
  });

  beforeAll(async () => {
    w = await makeWorld(root);
    await shutdownIngestWorkers();
    fs.mkdirSync(outDir);
  });
  afterAll(() => w?.vault.lock());

  const phases: PacketPhase[] = ['stripping', 'custody', 'documents', 'manifests', 'verifying'];
  for (const phase of phases) {
    for (const zip of [false, true]) {
      it(`cancel during ${phase} (${zip ? 'zip' : 'folder'}) leaves nothing`, async () => {
        const out = path.join(outDir, `cancel-${phase}${zip ? '.zip' : ''}`);
        const controller = new AbortController();
        let seen = false;
        await expect(
          exportPacket(w.vault, input(out, { zip }), {
            signal: controller.signal,
            concurrency: 2,
            onProgress: (p) => {
              if (p.phase === phase && !seen) {
                seen = true;
                controller.abort();
              }
            },
          }),
        ).rejects.toMatchObject({ code: 'CANCELLED' });
        expect(seen).toBe(true);
        expect(fs.existsSync(out)).toBe(false);
        expect(partialsNextTo(out)).toEqual([]);
        expect(fs.readdirSync(outDir).filter((n) => n.includes(`cancel-${phase}`))).toEqual([]);
      });
    }
  }

  it('a failure mid-export (an original missing from the vault) leaves nothing, and the error says why', async () => {
    const victimItem = w.photos[2]!.itemId;
    const blob = w.vault.blobs.pathOf(itemObjectName(w.vault, victimItem));
    const aside = path.join(root, 'aside.age');
    fs.renameSync(blob, aside);
    const out = path.join(outDir, 'fails');
    try {
      await expect(exportPacket(w.vault, input(out), { concurrency: 1 })).rejects.toMatchObject({ code: 'OBJECT_MISSING' });
    } finally {
      fs.renameSync(aside, blob);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(partialsNextTo(out)).toEqual([]);
  });

  it('refuses to write over anything that exists, even an empty folder', async () => {
    const out = path.join(outDir, 'exists');
    fs.mkdirSync(out);
    await expect(exportPacket(w.vault, input(out))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(fs.readdirSync(out)).toEqual([]);
    expect(partialsNextTo(out)).toEqual([]);
  });

  it('after all that, a normal export still succeeds and leaves only the packet', async () => {
    const out = path.join(outDir, 'ok.zip');
    const r = await exportPacket(w.vault, input(out));
    expect(r.format).toBe('zip');
    expect(fs.statSync(out).isFile()).toBe(true);
    expect(partialsNextTo(out)).toEqual([]);
  });
});
