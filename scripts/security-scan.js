#!/usr/bin/env node
// Electron security scan (npm run security:scan): @doyensec/electronegativity over the BUILT main, preload,
// worker and renderer, plus the same CSP evaluator over our CSP. Results: test-output/electronegativity/.
// Fails on any HIGH or MEDIUM finding not accepted, with a reason, in electronegativity.config.json; on any file
// the scanner could not parse (an unparsed file is an unscanned file); and on any stale config entry.
//
// Two adaptations, both to the scanner's age, neither changing what is scanned:
// - it only reads .js/.html/.json: the .cjs/.mjs bundles are staged as .js;
// - its parser predates class private fields: the bundles are lowered to ES2020 syntax with esbuild first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, transform } from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'test-output/electronegativity');
const STAGE = path.join(OUT, 'input');
const CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, 'electronegativity.config.json'), 'utf8'));
const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

function log(line) {
  process.stdout.write(`${line}\n`);
}

/** Loads one of our small, dependency-free TypeScript modules (plain Node 20 cannot import .ts). */
async function loadTs(file) {
  const out = await build({ entryPoints: [path.join(ROOT, file)], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, require);
  return mod.exports;
}

// ------------------------------------------------------------------------------------------ build + stage

execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-main.js')], { cwd: ROOT, stdio: 'inherit' });
if (!fs.existsSync(path.join(ROOT, 'dist/renderer/index.html'))) {
  execFileSync(process.execPath, [require.resolve('vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
}

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(path.join(STAGE, 'main'), { recursive: true });
const mainDir = path.join(ROOT, 'dist/main/electron');
const staged = [];
for (const name of fs.readdirSync(mainDir).sort()) {
  const ext = path.extname(name);
  if (ext !== '.cjs' && ext !== '.mjs') continue;
  const code = fs.readFileSync(path.join(mainDir, name), 'utf8');
  // .mjs (the worker bootstrap) uses top-level await, which needs ES2022; it has no class to lower.
  const lowered = ext === '.cjs' ? (await transform(code, { target: 'es2020', loader: 'js', legalComments: 'inline' })).code : code;
  const target = path.join(STAGE, 'main', `${path.basename(name, ext)}.js`);
  fs.writeFileSync(target, lowered);
  staged.push(path.relative(STAGE, target));
}
fs.cpSync(path.join(ROOT, 'dist/renderer'), path.join(STAGE, 'renderer'), { recursive: true });
for (const e of fs.readdirSync(path.join(STAGE, 'renderer'), { recursive: true, withFileTypes: true })) {
  if (e.isFile()) staged.push(path.relative(STAGE, path.join(e.parentPath, e.name)));
}
// package.json tells the scanner which Electron version the checks apply to.
fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(STAGE, 'package.json'));

// ------------------------------------------------------------------------------------------ electronegativity

// The scanner tries to download translations and Electron release data; this scan is offline by design (and CI
// has no network): our own socket guard makes those attempts fail at once instead of timing out.
const { installSocketGuard } = await loadTs('main/electron/guard/socket-guard.ts');
installSocketGuard({ net: require('node:net'), dgram: require('node:dgram') });
const run = require('@doyensec/electronegativity');
const excluded = CONFIG.excludedChecks.map((e) => e.check);
const common = { input: STAGE, customScan: [], excludeFromScan: excluded.map((c) => c.toLowerCase()), isRelative: true, isVerbose: true, parserPlugins: [] };
const result = await run({ ...common, output: path.join(OUT, 'results.sarif'), isSarif: true });

const issues = result.issues.map((i) => ({
  check: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  file: i.file,
  line: i.location.line,
  description: i.description,
  manualReview: Boolean(i.manualReview),
}));
const matches = (a, i) => a.check === i.check && (!a.severity || a.severity === i.severity) && (!a.file || a.file === i.file) && (!a.description || i.description.includes(a.description));
const accepted = [];
const open = [];
for (const i of issues) {
  const a = CONFIG.accepted.find((entry) => matches(entry, i));
  (a ? accepted : open).push(a ? { ...i, reason: a.reason } : i);
}
const staleAccepted = CONFIG.accepted.filter((a) => !issues.some((i) => matches(a, i)));
const parseErrors = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: path.relative(STAGE, e.file), message: e.message }));

// ------------------------------------------------------------------------------------------ our CSP

// The CSP string is built in main/electron/policy/csp.ts: compile that module and read the exact string shipped.
const { CONTENT_SECURITY_POLICY } = await loadTs('main/electron/policy/csp.ts');
const csp = require('@doyensec/csp-evaluator');
const severityName = Object.fromEntries(Object.entries(csp.severities).map(([k, v]) => [v, k]));
const cspFindings = new csp.CspEvaluator(new csp.CspParser(CONTENT_SECURITY_POLICY).csp, csp.Version.CSP3).evaluate().map((f) => ({
  directive: f.directive,
  severity: severityName[f.severity],
  value: f.value,
  description: f.description,
}));
const cspMatches = (a, f) => a.directive === f.directive && a.severity === f.severity;
const cspOpen = cspFindings.filter((f) => ['HIGH', 'SYNTAX', 'MEDIUM'].includes(f.severity) && !CONFIG.acceptedCspFindings.some((a) => cspMatches(a, f)));
const staleCsp = CONFIG.acceptedCspFindings.filter((a) => !cspFindings.some((f) => cspMatches(a, f)));

// ------------------------------------------------------------------------------------------ report

const count = (list) => Object.fromEntries(SEVERITIES.map((s) => [s, list.filter((i) => i.severity === s).length]));
const summary = {
  scanner: `@doyensec/electronegativity ${require('@doyensec/electronegativity/package.json').version}`,
  checks: { global: result.globalChecks, atomic: result.atomicChecks, excluded: CONFIG.excludedChecks },
  scannedFiles: staged,
  counts: { all: count(issues), accepted: count(accepted), open: count(open) },
  open,
  accepted,
  parseErrors,
  stale: { accepted: staleAccepted, csp: staleCsp },
  csp: { policy: CONTENT_SECURITY_POLICY, findings: cspFindings, open: cspOpen },
};
fs.writeFileSync(path.join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

log(`\n${summary.scanner}: ${result.globalChecks} global + ${result.atomicChecks} atomic checks over ${staged.length} built files`);
log(`findings by severity (all):      ${SEVERITIES.map((s) => `${s} ${summary.counts.all[s]}`).join(', ')}`);
log(`accepted with a reason:          ${SEVERITIES.map((s) => `${s} ${summary.counts.accepted[s]}`).join(', ')}`);
log(`open:                            ${SEVERITIES.map((s) => `${s} ${summary.counts.open[s]}`).join(', ')}`);
for (const i of [...open, ...accepted]) log(`  ${i.severity.padEnd(13)} ${i.check} ${i.file}:${i.line}${i.reason ? ' (accepted)' : ''}${i.manualReview ? ' [review]' : ''}`);
log(`CSP evaluator: ${cspFindings.length} finding(s), ${cspOpen.length} open: ${cspFindings.map((f) => `${f.severity} ${f.directive}`).join('; ') || 'none'}`);
log(`results: ${path.relative(ROOT, OUT)}/{results.sarif,summary.json}`);

const failures = [
  ...open.filter((i) => i.severity === 'HIGH' || i.severity === 'MEDIUM').map((i) => `${i.severity} ${i.check} in ${i.file}:${i.line} is not accepted in electronegativity.config.json`),
  ...parseErrors.map((e) => `the scanner could not parse ${e.file} (${e.message}): that file was not scanned`),
  ...staleAccepted.map((a) => `accepted entry for ${a.check} matches no finding any more: remove it`),
  ...staleCsp.map((a) => `accepted CSP finding ${a.severity} ${a.directive} matches nothing any more: remove it`),
  ...cspOpen.map((f) => `CSP: ${f.severity} on ${f.directive}: ${f.description}`),
];
if (failures.length > 0) {
  for (const f of failures) console.error(`security:scan FAILED: ${f}`);
  process.exit(1);
}
log('security:scan passed: no open HIGH or MEDIUM finding');
