import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEventName, OperationResult } from '../../../../shared/api';
import type { IngestReport } from '../../../../shared/model/items';
import { countPendingPreviews } from '../../../../main/archive/db/items';
import { shutdownIngestWorkers } from '../../../../main/archive/ingest/ingest';
import { createHandlers } from '../../../../main/ipc/handlers';
import type { Session } from '../../../../main/ipc/session';
import { tempDir, TEST_PASSPHRASE } from '../../../helpers/tmp';
import { writeGpsPhoto } from '../../../helpers/photos';
import { testSession, type Emitted } from '../../../helpers/session-host';

/**
 * Cancel of the app's import (operations.cancel), at each of its two phases, made deterministic by cancelling from
 * inside the events the operation emits. Among the originals the import stops (report.cancelled, fewer files);
 * among the previews only the previews stop: every original is in and report.cancelled stays false. Either way the
 * report says how many previews are left for the next unlock or import (previewsPending), which the screen shows.
 */
function host(cancelWhen: (event: ApiEventName, payload: unknown) => boolean): { session: Session; emitted: Emitted[] } {
  let cancelled = false;
  return testSession((session, emitted, event, payload) => {
    const id = (emitted.find((e) => e.event === 'operation.progress')?.payload as { operationId?: string } | undefined)?.operationId;
    if (!cancelled && id && cancelWhen(event, payload)) {
      cancelled = true;
      session.cancelOperation(id);
    }
  });
}

async function finished(emitted: readonly Emitted[]): Promise<IngestReport> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const done = emitted.find((e) => e.event === 'operation.done')?.payload as { ok: boolean; result?: OperationResult; error?: unknown } | undefined;
    if (done) {
      if (!done.ok || done.result?.kind !== 'ingest') throw new Error(`no ingest report: ${JSON.stringify(done)}`);
      return done.result.report;
    }
    if (Date.now() > deadline) throw new Error('the import did not finish');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('cancelling the app import', () => {
  const root = tempDir();
  const photos = path.join(root, 'photos');
  afterAll(async () => {
    await shutdownIngestWorkers();
  });

  it.each([
    ['among the originals', (event: ApiEventName, payload: unknown) => event === 'operation.progress' && (payload as { file?: unknown }).file !== undefined],
    ['among the previews', (event: ApiEventName) => event === 'items.previewsMade'],
  ] as const)('%s', async (when, cancelWhen) => {
    if (when === 'among the originals') for (let i = 0; i < 40; i++) await writeGpsPhoto(photos, `p${i}.jpg`, 700 + i);
    const { session, emitted } = host(cancelWhen);
    const handlers = createHandlers(session);
    await handlers['vault.create']({ path: path.join(root, when.replace(/ /g, '-')), passphrase: TEST_PASSPHRASE, language: 'en' });
    await handlers['ingest.start']({ paths: [photos] });
    const report = await finished(emitted);
    const vault = session.requireVault();
    const pending = countPendingPreviews(vault.store);
    if (when === 'among the originals') {
      expect(report.cancelled).toBe(true);
      expect(report.ingested).toBeGreaterThan(0);
      expect(report.ingested).toBeLessThan(40);
      // No previews phase ran: the previews of the items stored are left for the next unlock or import, and the
      // report says so (the screen shows it under the cancelled import).
      expect(pending).toBe(report.ingested);
      expect(report.previewsPending).toBe(pending);
    } else {
      expect(report.cancelled).toBe(false);
      expect(report.ingested).toBe(40);
      expect(pending).toBeGreaterThan(0);
      expect(pending).toBeLessThan(40);
      expect(report.previewsPending).toBe(pending);
    }
    expect((await handlers['items.list']({ offset: 0, limit: 1, sort: 'name-asc' })).total).toBe(report.ingested);
    session.lock('user');
  }, 120_000);
});
