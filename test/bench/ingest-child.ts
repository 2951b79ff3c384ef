// Runs one ingest in its own process and prints {seconds, maxRssKb, rssBeforeKb} as JSON, so the parent can measure
// peak memory of exactly one ingest (process.resourceUsage().maxRSS covers the process and its threads).
//   ingest-child.ts <vault> <path>... [--previews] [--expect N]   (default: no previews, expect one file)
import { parseArgs } from 'node:util';
import { openVault } from '../../main/archive/vault/vault';
import { ingestPaths, shutdownIngestWorkers } from '../../main/archive/ingest/ingest';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { previews: { type: 'boolean', default: false }, expect: { type: 'string', default: '1' } } });
const [vaultDir, ...inputs] = positionals;
const vault = await openVault(vaultDir!, { passphrase: process.env.HUELLA_PASSPHRASE! });
const rssBefore = process.resourceUsage().maxRSS;
const t = performance.now();
const report = await ingestPaths(vault, inputs, { previews: values.previews });
const seconds = (performance.now() - t) / 1000;
vault.lock();
await shutdownIngestWorkers();
if (report.ingested !== Number(values.expect)) {
  throw new Error(`ingested ${report.ingested} of ${values.expect}: ${JSON.stringify(report.results.filter((r) => r.status !== 'ingested').slice(0, 3))}`);
}
process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, rssBeforeKb: rssBefore }) + '\n');
