import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { allFiles } from '../../helpers/tmp';
import { seededRandom, type Campaign } from '../lib';
import { campaignEnv, runHuella } from './cli-run';
import { makeJourneyInputs, runJourneys, type JourneyInputs } from './journeys';

/**
 * No plaintext at rest (DESIGN §2). After the CLI journeys (photos with Exif GPS and serials, a PDF and a DOCX with
 * authors, a testimony naming people, a packet, a backup and a restore), the vault folders (database, -wal, -shm,
 * tmp/, objects — everything) and the CLI's temp folder (a fresh TMPDIR, so the search is exact) must not contain:
 * evidence byte windows, file names, Exif strings, testimony text and names, or the sources' SHA-256 (hex or raw).
 * The packet and backup folders are outside the search on purpose: a packet carries stripped copies by design, and
 * backups are checked by their own tests. A control proves the search finds every needle in a plaintext copy.
 */
type Needle = { readonly label: string; readonly bytes: Buffer };

const WINDOW = 32;

/** Windows with enough distinct bytes that a match cannot be a coincidence (no runs of zeros or fill bytes). */
function byteWindows(file: string, data: Buffer, count: number, rnd: () => number): Needle[] {
  const out: Needle[] = [];
  for (let tries = 0; out.length < count && tries < count * 50 && data.length > WINDOW; tries++) {
    const at = Math.floor(rnd() * (data.length - WINDOW));
    const w = data.subarray(at, at + WINDOW);
    if (new Set(w).size >= 16) out.push({ label: `${path.basename(file)} bytes @${at}`, bytes: Buffer.from(w) });
  }
  return out;
}

function textNeedles(label: string, text: string): Needle[] {
  return [
    { label: `${label} (UTF-8)`, bytes: Buffer.from(text, 'utf8') },
    { label: `${label} (UTF-16LE)`, bytes: Buffer.from(text, 'utf16le') },
  ];
}

export function needlesFor(inputs: JourneyInputs, seed: number, windowsPerFile: number): Needle[] {
  const rnd = seededRandom(seed ^ 0x5eed);
  const needles: Needle[] = [];
  for (const s of inputs.sources) {
    const data = fs.readFileSync(s.path);
    const name = path.basename(s.path);
    needles.push(...byteWindows(s.path, data, windowsPerFile, rnd));
    needles.push(...textNeedles(`file name ${name}`, name), ...textNeedles(`file name stem ${name}`, name.replace(/\.[^.]+$/, '')));
    for (const v of new Set(s.values)) if (v.length >= 6) needles.push(...textNeedles(`metadata of ${name}: ${v}`, v));
    const sha = crypto.createHash('sha256').update(data).digest();
    needles.push({ label: `SHA-256 of ${name} (raw)`, bytes: sha });
    needles.push({ label: `SHA-256 of ${name} (hex)`, bytes: Buffer.from(sha.toString('hex')) });
    needles.push({ label: `SHA-256 of ${name} (HEX)`, bytes: Buffer.from(sha.toString('hex').toUpperCase()) });
    needles.push({ label: `SHA-256 of ${name} (base64)`, bytes: Buffer.from(sha.toString('base64')) });
  }
  for (const line of inputs.testimonyText.split('\n')) needles.push(...textNeedles(`testimony line '${line.slice(0, 24)}…'`, line));
  for (const n of inputs.names) needles.push(...textNeedles(`name ${n}`, n));
  return needles;
}

export type SearchReport = { readonly files: number; readonly bytes: number; readonly hits: readonly string[] };

/** Every needle in every file under the folders (whole files, including SQLite sidecars and partial temp files). */
export function searchFolders(roots: readonly string[], needles: readonly Needle[], relativeTo: string): SearchReport {
  const hits: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const root of roots) {
    for (const file of allFiles(root)) {
      const data = fs.readFileSync(file);
      files++;
      bytes += data.length;
      for (const n of needles) if (data.includes(n.bytes)) hits.push(`${path.relative(relativeTo, file)}: ${n.label}`);
    }
  }
  return { files, bytes, hits };
}

/** The control: one plaintext file holding every needle; the same search must find each of them. */
function controlMisses(dir: string, needles: readonly Needle[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const filler = Buffer.alloc(1000, 0x20);
  fs.writeFileSync(path.join(dir, 'plaintext-copy.bin'), Buffer.concat(needles.flatMap((n) => [n.bytes, filler])));
  const found = new Set(searchFolders([dir], needles, dir).hits.map((h) => h.slice(h.indexOf(': ') + 2)));
  return needles.filter((n) => !found.has(n.label)).map((n) => n.label);
}

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const failures: string[] = [];
  const rounds = quick ? 1 : 3;
  let searchedFiles = 0;
  let searchedBytes = 0;
  let needleCount = 0;
  let needlesHit = 0;
  for (let round = 0; round < rounds; round++) {
    const roundSeed = seed + round;
    const work = path.join(workDir, `round-${round}`);
    const tmp = path.join(work, 'tmpdir');
    fs.mkdirSync(tmp, { recursive: true });
    const inputs = await makeJourneyInputs(path.join(work, 'inputs'), roundSeed, quick ? 1024 * 1024 : 48 * 1024 * 1024);
    const env = campaignEnv({ TMPDIR: tmp, TMP: tmp, TEMP: tmp });
    const journey = await runJourneys(work, inputs, (_step, args, input) => runHuella(args, { env, timeoutMs: 300_000, ...(input === undefined ? {} : { input }) }));
    failures.push(...journey.failures.map((f) => `seed ${roundSeed}: ${f}`));
    const needles = needlesFor(inputs, roundSeed, quick ? 4 : 16);
    needleCount += needles.length;
    const missed = controlMisses(path.join(work, 'control'), needles);
    if (missed.length > 0) failures.push(`seed ${roundSeed}: control: the search did not find ${missed.length} needle(s) in a plaintext copy (first: ${missed[0]}): the check would be vacuous`);
    const report = searchFolders([journey.vaultDir, journey.restoredDir, tmp], needles, work);
    if (report.files === 0 || !allFiles(journey.vaultDir).some((f) => path.basename(f) === 'archive.db')) {
      failures.push(`seed ${roundSeed}: the search saw no vault database file (${report.files} files): nothing was checked`);
    }
    searchedFiles += report.files;
    searchedBytes += report.bytes;
    failures.push(...report.hits.map((h) => `seed ${roundSeed}: plaintext at rest: ${h}`));
    needlesHit += new Set(report.hits.map((h) => h.slice(h.indexOf(': ') + 2))).size;
    log(`plaintext: round ${round + 1}/${rounds}: ${needles.length} needles, ${report.files} files (${(report.bytes / 1024 / 1024).toFixed(1)} MiB) searched, ${report.hits.length} hit(s)`);
  }
  return {
    name: 'plaintext',
    total: needleCount,
    passed: needleCount - needlesHit,
    failures,
    summary: `plaintext: ${rounds} journey round(s), ${needleCount} needles × ${searchedFiles} files (${(searchedBytes / 1024 / 1024).toFixed(1)} MiB: vault, restored vault, TMPDIR), ${failures.length} failure(s)`,
    details: { rounds, needleCount, searchedFiles, searchedBytes },
  };
};
