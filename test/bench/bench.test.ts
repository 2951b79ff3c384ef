import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { HUELLA_BIN } from '../helpers/cli';
import { parseCli, printReport, QUICK_SIZES, RATIO_CONVENTION, runBench, SECTIONS, type BenchReport } from './run';
import { huellaLaunch } from './vault-verify';

/**
 * The quick benchmark (`npm run bench -- --quick`), run in-process so regressions in any section show in CI. Timings
 * are not asserted (the machine is shared); what is asserted is that every section produced its figures, each next
 * to a reference value and a ratio computed one way only, and that the stripped copies stayed lossless and clean.
 */
describe('npm run bench --quick', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({ quick: true });
  }, 240_000);

  it('has every section, each figure positive and finite with a reference value and ratio = reference / huella', () => {
    expect(report.options.sections).toEqual(SECTIONS);
    for (const section of SECTIONS) expect(report.measures.filter((m) => m.section === section).length, section).toBeGreaterThan(0);
    for (const m of report.measures) {
      for (const v of [m.huella, m.referenceValue, m.ratio]) {
        expect(Number.isFinite(v), `${m.measure}: ${v}`).toBe(true);
        expect(v, m.measure).toBeGreaterThan(0);
      }
      expect(m.reference.trim(), m.measure).not.toBe('');
      expect(m.ratio, m.measure).toBe(m.referenceValue / m.huella);
      expect(['cli', 'library']).toContain(m.via);
    }
    expect(report.ratioConvention).toBe(RATIO_CONVENTION);
  });

  it('states peak RSS for each ingest size, next to age on the same file', () => {
    const sizes = QUICK_SIZES.ingestMiB.map((m) => m * 1024 * 1024);
    expect(report.details.ingest?.map((r) => r.bytes)).toEqual(sizes);
    const rss = report.measures.filter((m) => m.section === 'ingest' && m.unit === 'MB');
    expect(rss).toHaveLength(sizes.length);
    for (const m of rss) expect(m.goal?.text).toMatch(/≤ 200 MB/);
    // `huella ingest` as a user runs it (its process's own peak), not the library under tsx.
    expect(report.measures.filter((m) => m.section === 'ingest').map((m) => m.via)).toEqual(['cli', 'cli', ...sizes.map(() => 'cli')]);
    for (const r of report.details.ingest ?? []) {
      expect(r.peakRssMb).toBeGreaterThan(r.baselineRssMb);
      expect(r.agePeakRssMb).toBeGreaterThan(0);
    }
  });

  it('measured what it says: every photo ingested and verified, a verified packet, lossless clean strips', () => {
    const d = report.details;
    expect(d.batch?.files).toBe(QUICK_SIZES.smallJpegs);
    // Batch ingest is `huella ingest` as a user runs it (its process's own peak), not a library call.
    expect(report.measures.filter((m) => m.section === 'batch').map((m) => m.via)).toEqual(['cli', 'cli', 'cli']);
    expect(d.batch?.peakRssMb).toBeGreaterThan(30);
    // The scale section's ingest rows run the built CLI too; each batch's fixed cost (a one-photo import into the same
    // vault) is measured beside its time per item (the whole command / N).
    expect(report.measures.filter((m) => m.section === 'scale' && m.measure.includes('ingest')).map((m) => m.via)).toEqual(QUICK_SIZES.scaleIngest.flatMap(() => ['cli', 'cli']));
    for (const p of d.scale?.ingest ?? []) {
      expect(p.fixedSeconds).toBeGreaterThan(0);
      expect(p.perItemMs).toBeCloseTo((p.seconds * 1000) / p.items, 6);
    }
    expect(d.scale?.ingest.map((p) => p.items)).toEqual(QUICK_SIZES.scaleIngest);
    // Its verify rows too (`huella verify`, not the library under tsx), each beside the same command on one object.
    expect(report.measures.filter((m) => m.section === 'scale' && m.measure.includes('verify')).map((m) => m.via)).toEqual(QUICK_SIZES.scaleVerify.flatMap(() => ['cli', 'cli']));
    for (const p of d.scale?.verify ?? []) {
      expect(p.fixedSeconds).toBeGreaterThan(0);
      expect(p.perItemMs).toBeCloseTo((p.seconds * 1000) / p.items, 6);
    }
    expect(d.scale?.verify.map((p) => p.items)).toEqual(QUICK_SIZES.scaleVerify.map((n) => n + 1)); // and the probe photo
    // Every original (previews come on top; identical previews of copies are stored once).
    expect(d.verify?.objects).toBeGreaterThan(QUICK_SIZES.smallJpegs);
    expect(d.verify?.bytesHashed).toBeGreaterThan(d.batch!.bytes);
    // The CLI's own peak (a Node process with its crypto workers is well over 30 MB; 0 would mean nothing was read).
    expect(d.verify?.peakRssMb).toBeGreaterThan(30);
    expect(d.packet?.items).toBe(QUICK_SIZES.packetItems);
    expect(d.packet?.payloadBytes).toBeGreaterThan(0);
    expect(d.search?.items).toBe(QUICK_SIZES.searchItems);
    expect(d.search?.queries.length).toBeGreaterThan(0);
    expect(d.strip?.files).toBe(QUICK_SIZES.stripPhotos);
    expect(d.strip?.losslessFiles).toEqual({ ours: QUICK_SIZES.stripPhotos, exiftool: QUICK_SIZES.stripPhotos });
    expect(d.strip?.filesWithLeaks.ours).toBe(0);
    expect(d.push?.mib).toBe(QUICK_SIZES.pushMiB);
    expect(d.push?.ratio).toBe(d.push!.rcloneSeconds / d.push!.huellaSeconds);
  });

  it('records the machine, and survives a JSON round trip', () => {
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.loadAverageAtStart).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('prints one table row per figure under a header that states the ratio convention', () => {
    const lines: string[] = [];
    printReport(report, (l) => lines.push(l));
    expect(lines.join('\n')).toContain(RATIO_CONVENTION);
    expect(lines.some((l) => /^measure\s+huella\s+reference\s+ref value\s+ratio\s+goal$/.test(l))).toBe(true);
    for (const m of report.measures) expect(lines.some((l) => l.startsWith(`${m.measure} (${m.unit}) [${m.via}]`) && l.includes(`${m.ratio.toFixed(2)}×`)), m.measure).toBe(true);
  });
});

describe('npm run bench flags', () => {
  it('runs the CLI as its shebang does: the same environment settings and Node flags, in order', () => {
    const { env, nodeArgs } = huellaLaunch();
    const envWords = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    expect(`#!/usr/bin/env -S ${[...envWords, 'node', ...nodeArgs].join(' ')}`).toBe(fs.readFileSync(HUELLA_BIN, 'utf8').split('\n', 1)[0]);
    expect(nodeArgs.length + envWords.length).toBeGreaterThan(0);
  });

  it('parses its flags, and refuses an unknown section or a bad run count with the usage', () => {
    expect(parseCli(['--quick', '--json', '--only', 'ingest, strip', '--runs', '5', '--cache', 'c'])).toEqual({ quick: true, json: true, runs: 5, sections: ['ingest', 'strip'], cacheDir: 'c' });
    expect(parseCli([])).toEqual({ quick: false, json: false });
    expect(parseCli(['--only', 'ingest,nope'])).toEqual({ error: expect.stringMatching(/unknown section\(s\): nope\nusage: npm run bench/) });
    expect(parseCli(['--runs', '0'])).toEqual({ error: expect.stringMatching(/--runs must be a whole number/) });
    expect(parseCli(['--photos', '500'])).toEqual({ quick: false, json: false, photos: 500 });
    expect(parseCli(['--photos', '2.5'])).toEqual({ error: expect.stringMatching(/--photos must be a whole number/) });
    expect(parseCli(['--fast'])).toEqual({ error: expect.stringMatching(/--fast/) });
  });
});
