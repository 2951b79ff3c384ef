// Runs one `verifyVault` (every object hashed) in its own process and prints {seconds, maxRssKb, objects} as JSON, so
// the parent measures the time and peak memory (process.resourceUsage().maxRSS covers the crypto worker threads too)
// of exactly one verify.   verify-child.ts <vault>
import { openVault } from '../../main/archive/vault/vault';
import { verifyVault } from '../../main/archive/verify/verify';
import { shutdownCryptoWorkers } from '../../main/archive/blobs/crypto';

const vault = await openVault(process.argv[2]!, { passphrase: process.env.HUELLA_PASSPHRASE! });
const t = performance.now();
const report = await verifyVault(vault);
const seconds = (performance.now() - t) / 1000;
vault.lock();
await shutdownCryptoWorkers();
if (!report.ok) throw new Error(`verify found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, objects: report.objects }) + '\n');
