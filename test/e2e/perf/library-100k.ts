/**
 * The 100,000-item library measurement (issue 7), in Debian's Chromium against the real vault behind the test host:
 * time to first render, frame times while wheel-scrolling the grid and the list, the End-key jump.
 * Not part of `npm test` (it takes minutes to build the vault); run it with
 *
 *   npm run build:renderer && npx tsx test/e2e/perf/library-100k.ts [items] [vault-dir]
 *
 * With a vault-dir, the filled vault is kept there and reused by the next run (filling 100,000 items takes ~15 min).
 * Prints the figures and writes test-output/perf/library-<items>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHost } from '../host/server';
import { OUTPUT_DIR, openApp } from '../support/browser';
import { PASSPHRASE } from '../support/flows';
import { fillVault, measureLibrary, report } from './measure';

process.env.HUELLA_TEST_WEAK_KDF = '1';
const items = Number(process.argv[2] ?? 100_000);
const keep = process.argv[3];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-perf-'));
const vaultDir = keep ?? path.join(tmp, 'vault');
const host = await startTestHost();
try {
  let seconds = 0;
  if (keep && fs.existsSync(path.join(keep, 'vault.json'))) {
    await host.call('vault.unlock', { path: keep, passphrase: PASSPHRASE });
    console.log(`reusing the vault in ${keep}`);
  } else {
    await host.call('vault.create', { path: vaultDir, passphrase: PASSPHRASE, language: 'en' });
    console.log(`filling a vault with ${items} items…`);
    seconds = await fillVault(host, tmp, items, true);
  }
  const total = (await host.call('items.list', { offset: 0, limit: 1, sort: 'ingested-desc' })).total;
  const app = await openApp(host, { viewport: { width: 1280, height: 900 } });
  try {
    const perf = await measureLibrary(app.page, host, total, seconds, { steps: 300 });
    console.log(report(perf, path.join(OUTPUT_DIR, 'perf', `library-${total}.json`)));
    await app.close();
    app.assertClean();
  } finally {
    await app.close().catch(() => undefined);
  }
} finally {
  await host.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
