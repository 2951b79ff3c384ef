import { describe, expect, it } from 'vitest';
import { workerEntry } from '../../../../../main/archive/workers/entry';

describe('workerEntry', () => {
  it('points at the TypeScript worker beside a source caller (tsx, vitest)', () => {
    expect(workerEntry('parse-worker', 'file:///repo/main/archive/ingest/ingest.ts').href).toBe('file:///repo/main/archive/ingest/parse-worker.ts');
  });

  it('points at the bundled .cjs worker beside a bundle caller (the packaged app)', () => {
    expect(workerEntry('parse-worker', 'file:///opt/Huella/resources/app.asar/dist/main/electron/main.cjs').href).toBe(
      'file:///opt/Huella/resources/app.asar/dist/main/electron/parse-worker.cjs',
    );
  });

  it('refuses names that are not plain module names', () => {
    for (const bad of ['../evil', 'a/b', 'x.ts', '', 'Parse']) expect(() => workerEntry(bad, 'file:///x/y.ts'), bad).toThrow();
  });
});
