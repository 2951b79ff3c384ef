// Runs one ingest in its own process and prints {seconds, maxRssKb} as JSON, so the parent can measure peak
// memory of exactly one ingest (process.resourceUsage().maxRSS covers the process and its threads).
import { openVault } from '../../main/archive/vault/vault';
import { ingestPaths, shutdownIngestWorkers } from '../../main/archive/ingest/ingest';

const [vaultDir, file] = process.argv.slice(2);
const vault = await openVault(vaultDir!, { passphrase: process.env.HUELLA_PASSPHRASE! });
const rssBefore = process.resourceUsage().maxRSS;
const t = performance.now();
const report = await ingestPaths(vault, [file!], { previews: false });
const seconds = (performance.now() - t) / 1000;
vault.lock();
await shutdownIngestWorkers();
if (report.ingested !== 1) throw new Error(`ingest failed: ${JSON.stringify(report.results)}`);
process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, rssBeforeKb: rssBefore }) + '\n');
