import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Campaign, CampaignResult } from './lib';

/**
 * `npm run reliability [--seed N] [--quick] [--only crash,tamper,...] [--json FILE]`: runs the reliability
 * campaigns in turn, prints one summary line each with its time, and exits 1 if any campaign failed or is missing
 * (a campaign that does not exist must never look green). The seed is printed so any run can be replayed.
 */

const CAMPAIGNS = ['crash', 'tamper', 'malformed', 'full-disk', 'no-network', 'plaintext', 'packet-matrix'] as const;

process.env.HUELLA_TEST_WEAK_KDF = '1'; // key derivation is measured by the benchmarks; here it would only slow every open

const { values } = parseArgs({
  options: { seed: { type: 'string' }, quick: { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'string' } },
});
const seed = values.seed !== undefined ? Number(values.seed) : crypto.randomInt(1, 2 ** 31);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const wanted = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...CAMPAIGNS];
const unknown = wanted.filter((n) => !(CAMPAIGNS as readonly string[]).includes(n));
if (unknown.length > 0) {
  console.error(`Unknown campaign(s): ${unknown.join(', ')}. Known: ${CAMPAIGNS.join(', ')}.`);
  process.exit(2);
}

type Outcome = { readonly name: string; readonly seconds: number; readonly result?: CampaignResult; readonly error?: string };

async function load(name: string): Promise<Campaign | undefined> {
  const file = path.join(import.meta.dirname, 'campaigns', `${name}.ts`);
  if (!fs.existsSync(file)) return undefined;
  const mod = (await import(file)) as { run?: Campaign };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export \`run\` (a Campaign)`);
  return mod.run;
}

async function runOne(name: string): Promise<Outcome> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const campaign = await load(name);
  if (!campaign) return { name, seconds: 0, error: `MISSING campaign: test/reliability/campaigns/${name}.ts does not exist` };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `huella-reliability-${name}-`));
  try {
    const result = await campaign({ seed, quick: values.quick, workDir, log: (line) => console.log(`  ${line}`) });
    return { name, seconds: seconds(), result };
  } catch (e) {
    return { name, seconds: seconds(), error: `crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

console.log(`reliability: seed ${seed}${values.quick ? ' (quick)' : ''} — replay with: npm run reliability -- --seed ${seed}${values.quick ? ' --quick' : ''}`);
const outcomes: Outcome[] = [];
for (const name of wanted) {
  console.log(`\n== ${name}`);
  const o = await runOne(name);
  outcomes.push(o);
  if (o.result) for (const f of o.result.failures) console.log(`  FAIL ${f}`);
  console.log(o.error ? `${name}: ${o.error}` : `${o.result!.summary}  (${o.seconds.toFixed(1)} s)`);
}

const bad = outcomes.filter((o) => o.error || o.result!.failures.length > 0 || o.result!.passed !== o.result!.total);
const totalSeconds = outcomes.reduce((a, o) => a + o.seconds, 0);
console.log('\nsummary:');
for (const o of outcomes) {
  const line = o.error ? `${o.name}: ${o.error.split('\n')[0]}` : o.result!.summary;
  console.log(`  ${bad.includes(o) ? 'FAIL' : 'ok  '}  ${line}  (${o.seconds.toFixed(1)} s)`);
}
console.log(`total: ${outcomes.length - bad.length}/${outcomes.length} campaigns green in ${totalSeconds.toFixed(1)} s, seed ${seed}`);

if (values.json) {
  const report = {
    seed,
    quick: values.quick,
    ok: bad.length === 0,
    seconds: totalSeconds,
    campaigns: outcomes.map((o) => ({ name: o.name, seconds: o.seconds, ok: !bad.includes(o), ...(o.error ? { error: o.error } : {}), ...(o.result ? { result: o.result } : {}) })),
  };
  fs.writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
}
process.exit(bad.length === 0 ? 0 : 1);
