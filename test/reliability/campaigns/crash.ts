import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { addCaseItems, createCase, listTags } from '../../../main/archive/catalogue';
import { ingestPaths, shutdownIngestWorkers } from '../../../main/archive/ingest/ingest';
import { getItem, listItems, openItemContent } from '../../../main/archive/items/items';
import { verifyPacket } from '../../../main/archive/export';
import { partialsNextTo } from '../../../main/archive/export/output';
import { PARALLEL_THRESHOLD } from '../../../main/archive/blobs/parallel-hash';
import { createVault, openVault, type Vault } from '../../../main/archive/vault/vault';
import { huella, huellaBytes, huellaSpawn, jsonLines } from '../../helpers/cli';
import { writeGpsPhoto } from '../../helpers/photos';
import { allFiles, TEST_PASSPHRASE } from '../../helpers/tmp';
import { seededRandom, type Campaign } from '../lib';
import { runTransferCrashes } from './crash-transfer';

/**
 * Crash campaign (issue 9, DESIGN §1 A6): kill -9 the real CLI at a seeded random moment of an ingest (a batch of
 * fresh files), of a run of catalogue edits (tag, item edit, case update, case add-items) or of a packet export;
 * then, before anything reopens the vault, grep tmp/ and the files the run touched for plaintext; then
 * `huella verify --json` must exit 0, every item the CLI reported as ingested must be there and byte-identical
 * (`huella cat` for one, the library stream for the rest), nothing reported failed may be half-present, every
 * catalogue edit the CLI reported must have stuck, and an interrupted export leaves either nothing or a whole,
 * verifying packet at --out (hidden `.name.partial-…` siblings are counted, then removed).
 * Some ingest batches hold a file above PARALLEL_THRESHOLD (sealed in parallel by the crypto workers); the summary
 * says how many kills landed while the CLI had that file open.
 * One vault serves every run (reopened after each kill), as a user's vault would. Then push and pull are killed
 * likewise between two vaults and the real S3 gateway (./crash-transfer.ts; 60 runs, quick 4).
 */

type Op = 'ingest' | 'tagging' | 'export';
const MiB = 1024 * 1024;
const OPS: readonly Op[] = ['ingest', 'tagging', 'export'];
const MECHANISM = 'sp-communication';
const CASE_TITLE = 'Crash campaign case';
const TERMS = ['perp.police', 'perp.military', 'perp.prison-staff', 'perp.intelligence', 'perp.paramilitary', 'perp.unknown'];
/**
 * How long things take on this machine right now (ms), measured before the runs and corrected by every run that
 * finished before its kill moment (the load of a shared machine changes): kill moments are spread over the work
 * itself rather than over Node's start-up or after the end, which would test nothing.
 */
type Timing = { startup: number; ingestPerMiB: number; largePerMiB: number; export: number; perEdit: number };

type Source = { readonly file: string; readonly name: string; readonly sha256: string; readonly needles: readonly Buffer[] };
/** `openAtKill`: which of the watched files the CLI held open at the moment it was killed (from /proc/<pid>/fd). */
type Child = { readonly stdout: string; readonly stderr: string; readonly code: number | null; readonly killed: boolean; readonly ms: number; readonly openAtKill: readonly string[]; readonly openMs?: number };

/**
 * Which of `watched` (absolute paths) process `pid` has open right now: ingest holds a source file open while it
 * reads, hashes and seals it, so a large file open at the kill means the kill landed inside its (parallel) sealing.
 * Linux only; elsewhere nothing is seen.
 */
function openFilesOf(pid: number | undefined, watched: readonly string[]): string[] {
  if (pid === undefined || watched.length === 0) return [];
  const fdDir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = fs.readdirSync(fdDir);
  } catch {
    return [];
  }
  const open = new Set<string>();
  for (const fd of fds) {
    try {
      open.add(fs.readlinkSync(path.join(fdDir, fd)));
    } catch {
      // closed meanwhile
    }
  }
  return watched.filter((f) => open.has(f));
}

/**
 * Runs the CLI and kills it with SIGKILL after `killAfterMs` (if it has not exited by then), or as soon as its stdout
 * holds `killAtLine` complete lines: just after a file is reported, while the next group of the ingest pipeline is
 * being named in tmp/ (makeReady), committed or published, the stages a timed kill rarely hits in a short batch, and
 * always before the batch's published objects are settled (BlobStore.settleLinked: their tmp/ names still hold them).
 */
/**
 * `fromOpen`: the timer starts only when the CLI is first seen holding this file open (polled every 10 ms), so the
 * kill lands inside its reading and sealing (or just after it), not in the start-up or the files before it.
 */
async function runKillable(args: readonly string[], killAfterMs: number, killAtLine?: number, watch: readonly string[] = [], fromOpen?: string): Promise<Child> {
  const started = performance.now();
  const child = huellaSpawn(args);
  let stdout = '';
  let stderr = '';
  let killed = false;
  let openAtKill: string[] = [];
  const kill = (): void => {
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    openAtKill = openFilesOf(child.pid, watch);
    killed = child.kill('SIGKILL');
    if (!killed) openAtKill = [];
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (killAtLine !== undefined && stdout.split('\n').length - 1 >= killAtLine) kill();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let openedAt: number | undefined;
  let openMs: number | undefined;
  if (fromOpen === undefined) timer = setTimeout(kill, killAfterMs);
  else {
    // Also measures how long the file stays open (the estimate of the next such run).
    poll = setInterval(() => {
      const open = openFilesOf(child.pid, [fromOpen]).length > 0;
      if (open && openedAt === undefined) {
        openedAt = performance.now();
        timer = setTimeout(kill, killAfterMs);
      } else if (!open && openedAt !== undefined && openMs === undefined && !killed) {
        openMs = performance.now() - openedAt;
        clearInterval(poll);
      }
    }, 10);
  }
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(poll);
  clearTimeout(timer);
  return { stdout, stderr, code, killed, ms: performance.now() - started, openAtKill, ...(openMs !== undefined ? { openMs } : {}) };
}

/** Complete JSON lines only: the line the kill cut in half was never reported. */
function completeJsonLines(stdout: string): Record<string, unknown>[] {
  const end = stdout.lastIndexOf('\n');
  return end < 0 ? [] : (jsonLines(stdout.slice(0, end + 1)) as Record<string, unknown>[]);
}

/** Deterministic incompressible bytes (AES-CTR keystream), so a run's corpus is reproducible from the seed. */
function seededBytes(key: string, size: number): Buffer {
  const k = crypto.createHash('sha256').update(key).digest();
  const c = crypto.createCipheriv('aes-256-ctr', k, Buffer.alloc(16));
  return Buffer.concat([c.update(Buffer.alloc(size)), c.final()]);
}

/** Three 32-byte slices of the file and its name: finding any of them in the vault means plaintext leaked. */
function sourceOf(file: string): Source {
  const bytes = fs.readFileSync(file);
  const at = (f: number): Buffer => bytes.subarray(Math.floor((bytes.length - 32) * f), Math.floor((bytes.length - 32) * f) + 32);
  const name = path.basename(file);
  return { file, name, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), needles: [at(0.25), at(0.5), at(0.9), Buffer.from(name)] };
}

function plaintextFound(files: readonly string[], sources: readonly Source[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(f);
    } catch {
      continue; // removed meanwhile (WAL, partial) — nothing to read
    }
    for (const s of sources) if (s.needles.some((n) => bytes.includes(n))) found.push(`${path.basename(f)} holds plaintext of ${s.name}`);
  }
  return found;
}

function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? allFiles(dir) : [];
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Object rows (not purged) and blob files must match one to one, and every object must belong to an item. */
function halfPresent(vault: Vault): string[] {
  const out: string[] = [];
  const rows = vault.db.prepare('SELECT name FROM objects WHERE purged_at IS NULL').all() as { name: string }[];
  const listed = new Set(rows.map((r) => r.name));
  const onDisk = new Set(filesIn(vault.blobs.blobsDir).map((f) => path.basename(f)));
  for (const n of listed) if (!onDisk.has(n)) out.push(`object ${n.slice(0, 12)}… is listed but its blob is missing`);
  for (const n of onDisk) if (!listed.has(n)) out.push(`blob ${n.slice(0, 12)}… is on disk but no object row lists it`);
  const unowned = vault.db
    .prepare('SELECT name FROM objects o WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.object_name = o.name OR i.preview_object = o.name)')
    .all() as { name: string }[];
  for (const r of unowned) out.push(`object ${r.name.slice(0, 12)}… belongs to no item`);
  const itemless = vault.db.prepare('SELECT id FROM items i WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.name = i.object_name)').all() as { id: string }[];
  for (const r of itemless) out.push(`item ${r.id} has no object row`);
  return out;
}

/** One catalogue command of a tagging run: a title change (`field` = value) or an addition recorded on success. */
type Edit = { readonly args: string[]; readonly field?: string; readonly value?: string; readonly reported?: () => void };

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const rnd = seededRandom(seed);
  const runs = quick ? 6 : 200;
  const vaultDir = path.join(workDir, 'vault');
  const outDir = path.join(workDir, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const failures: string[] = [];
  const counts: Record<Op, number> = { ingest: 0, tagging: 0, export: 0 };
  let killed = 0;
  let lost = 0;
  let verifyFailures = 0;
  let partialLeftovers = 0;
  let passed = 0;
  /** Ingest runs killed after at least one file was reported: the moments where a loss would hurt most. */
  let killedAfterReports = 0;
  /** Ingest runs killed right after their k-th report (the next group being named, committed or published). */
  let killedAtReport = 0;
  /** Ingest runs whose batch held a file above PARALLEL_THRESHOLD, and those killed while the CLI had it open. */
  let largeRuns = 0;
  let killedInLarge = 0;

  // The vault, and a case of photos to export (JPEGs: the redacted profile strips them).
  const exportSources: Source[] = [];
  let caseId = '';
  const itemIds: string[] = [];
  {
    const { vault } = await createVault(vaultDir, TEST_PASSPHRASE);
    try {
      const photos = path.join(workDir, 'case-photos');
      for (let i = 0; i < 3; i++) exportSources.push(sourceOf((await writeGpsPhoto(photos, `case-${seed}-${i}.jpg`, seed + i, { width: 800, height: 600 })).file));
      const report = await ingestPaths(vault, [photos]);
      for (const r of report.results) if (r.itemId) itemIds.push(r.itemId);
      caseId = createCase(vault, { title: CASE_TITLE, mechanisms: [MECHANISM] }).id;
      addCaseItems(vault, { caseId, itemIds });
    } finally {
      vault.lock();
      await shutdownIngestWorkers();
    }
  }

  /** What the CLI reported as ingested, over all runs: item id → source. */
  const ingested = new Map<string, Source>();
  /** Accepted values of edited fields (item/case titles): the last reported one, or the one cut by the kill. */
  const accepted = new Map<string, Set<string | undefined>>();
  accepted.set(`case:${caseId}`, new Set([CASE_TITLE]));
  const tagsReported: { target: string; term: string }[] = [];
  const caseItemsReported = new Set<string>();
  let order: Op[] = [...OPS];

  /**
   * Runs the edits one after the other until the kill moment; the command running then is killed. Its field may
   * hold the old or the new value afterwards (both are accepted); every edit reported before it must have stuck.
   */
  async function runEdits(edits: readonly Edit[], killAfter: number, onError: (e: Edit, r: Child) => void): Promise<Child> {
    const started = performance.now();
    const deadline = started + killAfter;
    for (const e of edits) {
      const left = deadline - performance.now();
      if (left <= 0) return { stdout: '', stderr: '', code: null, killed: true, ms: performance.now() - started, openAtKill: [] };
      const r = await runKillable(e.args, left);
      if (r.killed) {
        if (e.field) accepted.set(e.field, new Set([...(accepted.get(e.field) ?? [undefined]), e.value]));
        return { ...r, ms: performance.now() - started };
      }
      if (r.code !== 0) {
        onError(e, r);
        continue;
      }
      if (e.field) accepted.set(e.field, new Set([e.value]));
      e.reported?.();
    }
    return { stdout: '', stderr: '', code: 0, killed: false, ms: performance.now() - started, openAtKill: [] };
  }

  /**
   * A batch of fresh files for one ingest run: seeded random binaries and a photo (parsed, previewed). With `large`,
   * one more binary above PARALLEL_THRESHOLD (12–24 MiB; quick: just above it), sealed in parallel by the crypto
   * workers (blobs/encrypt-file.ts), so kill moments also fall inside that path.
   */
  async function makeBatch(runNo: number, large = false): Promise<{ dir: string; sources: Source[]; large?: string }> {
    const dir = path.join(workDir, 'in', `run-${runNo}`);
    fs.mkdirSync(dir, { recursive: true });
    const sources: Source[] = [];
    const n = 2 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const file = path.join(dir, `r${runNo}-f${i}-${crypto.createHash('sha256').update(`${seed}/${runNo}/${i}`).digest('hex').slice(0, 8)}.bin`);
      fs.writeFileSync(file, seededBytes(`${seed}/${runNo}/${i}`, (quick ? 16 : 32) * 1024 + Math.floor(rnd() * (quick ? 1024 : 4096) * 1024)));
      sources.push(sourceOf(file));
    }
    sources.push(sourceOf((await writeGpsPhoto(dir, `r${runNo}-photo.jpg`, seed * 1000 + runNo)).file));
    if (!large) return { dir, sources };
    const file = path.join(dir, `r${runNo}-large-${crypto.createHash('sha256').update(`${seed}/${runNo}/large`).digest('hex').slice(0, 8)}.bin`);
    const size = quick ? PARALLEL_THRESHOLD + Math.floor(rnd() * MiB) : 12 * MiB + Math.floor(rnd() * 12 * MiB);
    fs.writeFileSync(file, seededBytes(`${seed}/${runNo}/large`, size));
    sources.push(sourceOf(file));
    return { dir, sources, large: fs.realpathSync(file) }; // as /proc/<pid>/fd names it
  }
  const mib = (sources: readonly Source[]): number => sources.reduce((a, s) => a + fs.statSync(s.file).size, 0) / MiB;

  /** Start-up (open the vault and exit), an ingest and an export, unkilled; what they report counts like any run's. */
  async function calibrate(): Promise<Timing> {
    const startup = (await runKillable(['unlock-test', vaultDir], 120_000)).ms;
    const batch = await makeBatch(0);
    const ing = await runKillable(['ingest', vaultDir, batch.dir, '--json'], 120_000);
    if (ing.code !== 0) throw new Error(`calibration ingest failed: ${ing.stderr}`);
    for (const line of completeJsonLines(ing.stdout)) {
      const src = batch.sources.find((s) => typeof line.path === 'string' && path.basename(line.path) === s.name);
      if (src && line.status === 'ingested' && typeof line.itemId === 'string') {
        ingested.set(line.itemId, src);
        itemIds.push(line.itemId);
      }
    }
    const out = path.join(outDir, 'calibration');
    const exp = await runKillable(['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--out', out, '--json'], 120_000);
    if (exp.code !== 0) throw new Error(`calibration export failed: ${exp.stderr}`);
    fs.rmSync(out, { recursive: true, force: true });
    const ingestPerMiB = Math.max(10, (ing.ms - startup) / mib(batch.sources));
    // A large file is read and sealed on every core, faster than small files go (measured by the first such run).
    return { startup, ingestPerMiB, largePerMiB: ingestPerMiB / 4, export: exp.ms, perEdit: startup + 150 };
  }
  const timing = await calibrate();
  log(`crash calibration: start-up ${Math.round(timing.startup)} ms, ingest ${Math.round(timing.ingestPerMiB)} ms/MiB, export ${Math.round(timing.export)} ms`);

  const fail = (runNo: number, op: Op, what: string): void => {
    failures.push(`seed ${seed} run ${runNo} (${op}): ${what}`);
    log(`FAILURE ${failures[failures.length - 1]!}`);
  };

  let ingestRuns = 0;
  for (let runNo = 1; runNo <= runs; runNo++) {
    // Operations in seeded order, each of the three once in every block of three runs.
    if ((runNo - 1) % 3 === 0) order = shuffled(OPS, rnd);
    const op = order[(runNo - 1) % 3]!;
    // The kill moment, as a fraction of the expected work. The quick campaign (six runs in `npm test`) must kill most of
    // its runs whatever the machine's load, so it aims at the first 60 % of the work; a run that finishes before its
    // moment is not a failure but kills nothing.
    const fraction = quick ? 0.05 + 0.55 * rnd() : rnd();
    counts[op]++;
    const before = failures.length;
    const runStart = Date.now();
    const runSources: Source[] = [];
    let outcome: Child | undefined;
    const reportedFailed: string[] = [];
    const runIngested: string[] = [];
    const exportOut = path.join(outDir, `packet-${runNo}${rnd() < 0.5 ? '.zip' : ''}`);

    // Kill moments: from late in start-up (the vault is being opened) to the end of the expected work.
    const lead = 0.7 * timing.startup;
    const killAt = (expected: number): number => Math.round(lead + fraction * Math.max(expected - lead, 200));
    let killAfter = 0;
    let killAtLine: number | undefined;
    let batchMiB = 0;
    let editCount = 0;
    let fromOpenUsed = false;

    if (op === 'ingest') {
      // A large file in every second timed-kill run and every fourth kill-at-report run (quick: the first ingest).
      const large = quick ? ingestRuns === 0 : ingestRuns % 4 === 0 || ingestRuns % 8 === 3;
      const batch = await makeBatch(runNo, large);
      const dir = batch.dir;
      runSources.push(...batch.sources);
      batchMiB = mib(batch.sources);
      killAfter = killAt(timing.startup + batchMiB * timing.ingestPerMiB);
      // Every second ingest is killed right after its k-th report instead (k seeded), if that comes before the timer.
      killAtLine = ingestRuns++ % 2 === 1 ? 1 + Math.floor(rnd() * (runSources.length - 1)) : undefined;
      // A timed kill of a batch with a large file: timed from the moment the CLI opens that file, over the time its
      // bytes are expected to take (so most such kills land inside parallel sealing).
      const fromOpen = killAtLine === undefined ? batch.large : undefined;
      fromOpenUsed = fromOpen !== undefined;
      if (fromOpen) killAfter = Math.round(fraction * Math.max((fs.statSync(fromOpen).size / MiB) * timing.largePerMiB, 50));
      outcome = await runKillable(['ingest', vaultDir, dir, '--json'], killAtLine === undefined ? killAfter : Math.max(killAfter, 60_000), killAtLine, batch.large ? [batch.large] : [], fromOpen);
      if (batch.large) largeRuns++;
      if (batch.large && outcome.openMs !== undefined) timing.largePerMiB = Math.max(1, outcome.openMs / (fs.statSync(batch.large).size / MiB));
      if (outcome.openAtKill.length > 0) killedInLarge++;
      for (const line of completeJsonLines(outcome.stdout)) {
        const src = runSources.find((s) => typeof line.path === 'string' && path.basename(line.path) === s.name);
        if (!src) continue;
        if (line.status === 'ingested' && typeof line.itemId === 'string') {
          ingested.set(line.itemId, src);
          runIngested.push(line.itemId);
          itemIds.push(line.itemId);
        } else if (line.status === 'failed') reportedFailed.push(src.name);
        else fail(runNo, op, `unexpected ingest status ${String(line.status)} for ${src.name}`);
      }
    } else if (op === 'tagging') {
      const edits: Edit[] = [];
      for (let i = 0, n = 2 + Math.floor(rnd() * 2); i < n; i++) {
        const item = itemIds[Math.floor(rnd() * itemIds.length)]!;
        const kind = Math.floor(rnd() * 4);
        const value = `title r${runNo} e${i} ${crypto.createHash('sha256').update(`${seed}/${runNo}/${i}`).digest('hex').slice(0, 6)}`;
        if (kind === 0) {
          const term = TERMS[Math.floor(rnd() * TERMS.length)]!;
          edits.push({ args: ['tag', vaultDir, item, term, '--json'], reported: () => tagsReported.push({ target: item, term }) });
        } else if (kind === 1) {
          edits.push({ args: ['item', 'edit', vaultDir, item, '--title', value, '--json'], field: `item:${item}`, value });
        } else if (kind === 2) {
          edits.push({ args: ['case', 'update', vaultDir, caseId, '--title', value, '--json'], field: `case:${caseId}`, value });
        } else {
          edits.push({ args: ['case', 'add-items', vaultDir, caseId, item, '--json'], reported: () => caseItemsReported.add(item) });
        }
      }
      editCount = edits.length;
      killAfter = Math.round(fraction * edits.length * timing.perEdit);
      outcome = await runEdits(edits, killAfter, (e, r) => fail(runNo, op, `\`huella ${e.args.join(' ')}\` failed unkilled: ${r.stderr.trim()}`));
    } else {
      const args = ['export', vaultDir, '--mechanism', MECHANISM, '--case', caseId, '--profile', 'redacted', '--out', exportOut, '--json'];
      killAfter = killAt(timing.export);
      outcome = await runKillable(args, killAfter);
      if (!outcome.killed && outcome.code !== 0) fail(runNo, op, `export failed unkilled: ${outcome.stderr.trim()}`);
    }
    if (outcome.killed) killed++;
    if (outcome.killed && killAtLine !== undefined) killedAtReport++;
    // Finished before its kill moment: the estimate was too long; take what this run measured.
    else if (op === 'ingest' && killAtLine === undefined) timing.ingestPerMiB = Math.max(10, (outcome.ms - timing.startup) / Math.max(batchMiB, 0.1));
    else if (op === 'export') timing.export = outcome.ms;
    else {
      timing.perEdit = outcome.ms / Math.max(editCount, 1);
      timing.startup = Math.min(timing.startup, timing.perEdit);
    }
    if (outcome.killed && runIngested.length > 0) killedAfterReports++;

    // 1. Before anything reopens the vault: no plaintext in tmp/, in the database files, or in blobs written now.
    const touched = [
      ...filesIn(path.join(vaultDir, 'tmp')),
      ...fs.readdirSync(vaultDir).filter((f) => f !== 'blobs' && f !== 'tmp').map((f) => path.join(vaultDir, f)),
      ...filesIn(path.join(vaultDir, 'blobs')).filter((f) => fs.statSync(f).mtimeMs >= runStart - 1000),
    ];
    for (const leak of plaintextFound(touched, [...runSources, ...exportSources])) fail(runNo, op, leak);

    // 2. An interrupted export: nothing at --out, or a whole packet that verifies; hidden partials are only counted.
    if (op === 'export') {
      if (fs.existsSync(exportOut)) {
        const r = await verifyPacket(exportOut);
        if (!r.ok) fail(runNo, op, `a half packet was left at ${path.basename(exportOut)}: ${r.checks.filter((c) => c.status === 'FAIL').map((c) => `${c.name}: ${c.reason}`).join('; ')}`);
      } else if (!outcome.killed) fail(runNo, op, 'the export reported success but nothing is at --out');
      const partials = partialsNextTo(exportOut);
      partialLeftovers += partials.length;
      for (const p of partials) fs.rmSync(path.join(outDir, p), { recursive: true, force: true });
    }

    // 3. `huella verify` on the reopened vault must pass.
    const verify = huella(['verify', vaultDir, '--json']);
    if (verify.code !== 0) {
      verifyFailures++;
      fail(runNo, op, `huella verify exited ${verify.code}: ${verify.stdout.trim().slice(0, 600)} ${verify.stderr.trim().slice(0, 300)}`);
    }

    // 4. What was reported is there and whole; what failed is absent; nothing is half-present.
    const vault = await openVault(vaultDir, { passphrase: TEST_PASSPHRASE });
    try {
      const left = fs.readdirSync(path.join(vaultDir, 'tmp'));
      if (left.length > 0) fail(runNo, op, `tmp/ still holds ${left.join(', ')} after reopening`);
      const items = new Map(listItems(vault, { includeDeleted: true }).map((i) => [i.id, i]));
      for (const [id, src] of ingested) {
        const it = items.get(id);
        if (!it) {
          lost++;
          fail(runNo, op, `item ${id} (${src.name}) was reported ingested but is gone`);
        } else if (it.sha256 !== src.sha256) {
          lost++;
          fail(runNo, op, `item ${id} (${src.name}) has hash ${it.sha256}, source ${src.sha256}`);
        }
      }
      for (const id of runIngested) {
        const got = await sha256Of(openItemContent(vault, id));
        if (got !== ingested.get(id)!.sha256) {
          lost++;
          fail(runNo, op, `item ${id}: decrypted content differs from its source`);
        }
      }
      const byName = new Map([...items.values()].map((i) => [i.originalName, i]));
      for (const name of reportedFailed) if (byName.has(name)) fail(runNo, op, `${name} was reported failed but is in the vault as ${byName.get(name)!.id}`);
      for (const s of runSources) {
        const it = byName.get(s.name);
        if (it && it.sha256 !== s.sha256) fail(runNo, op, `${s.name} is half-present: item ${it.id} has hash ${it.sha256}, source ${s.sha256}`);
      }
      for (const h of halfPresent(vault)) fail(runNo, op, h);
      for (const t of tagsReported) if (!listTags(vault, t.target).some((a) => a.termId === t.term)) fail(runNo, op, `tag ${t.term} on ${t.target} was reported but is gone`);
      for (const item of caseItemsReported) {
        if (!vault.db.prepare('SELECT 1 FROM case_items WHERE case_id = ? AND item_id = ?').get(caseId, item)) fail(runNo, op, `item ${item} was reported added to the case but is not in it`);
      }
      for (const [field, values] of accepted) {
        const stored = storedTitle(vault, field);
        if (!values.has(stored)) fail(runNo, op, `${field} has title ${JSON.stringify(stored)}, expected one of ${JSON.stringify([...values])}`);
      }
      // The kill decided between the old and the new value: from now on, what is stored is what must stay.
      for (const key of accepted.keys()) accepted.set(key, new Set([storedTitle(vault, key)]));
    } finally {
      vault.lock();
    }

    // 5. `huella cat` of one item reported in this run (every other ingest run: each CLI start costs seconds here;
    //    the library stream above already compared every reported item): the bytes a user gets back are theirs.
    if (runIngested.length > 0 && counts.ingest % 2 === 1) {
      const id = runIngested[Math.floor(rnd() * runIngested.length)]!;
      const bytes = huellaBytes(['cat', vaultDir, id]);
      if (!bytes.equals(fs.readFileSync(ingested.get(id)!.file))) {
        lost++;
        fail(runNo, op, `huella cat ${id} differs from ${ingested.get(id)!.name}`);
      }
    }

    if (failures.length === before) passed++;
    const what = op === 'ingest' ? ` (${runIngested.length}/${runSources.length} files reported ingested${outcome.openAtKill.length > 0 ? ', killed inside the large file' : ''})` : '';
    log(`crash run ${runNo}/${runs} ${op}: ${outcome.killed ? (killAtLine !== undefined ? `killed after report ${killAtLine}` : `killed at ${killAfter} ms${fromOpenUsed ? ' after the large file was opened' : ''}`) : `finished in ${Math.round(outcome.ms)} ms`}${what}${failures.length > before ? ` — ${failures.length - before} FAILURE(S)` : ''}`);
  }

  function storedTitle(v: Vault, key: string): string | undefined {
    const [kind, id] = key.split(/:(.*)/s) as [string, string];
    if (kind === 'item') return getItem(v, id).title;
    return (v.db.prepare('SELECT title FROM cases WHERE id = ?').get(id) as { title: string }).title;
  }

  // Push and pull (issue 15): kill -9 between documenter, S3 and lawyer (./crash-transfer.ts).
  const transfer = await runTransferCrashes({ seed, quick, workDir, log });
  failures.push(...transfer.failures);
  const tc = transfer.details.counts as { push: number; pull: number } | undefined;
  const summary = `crash: ${runs} runs (ingest ${counts.ingest}, tagging ${counts.tagging}, export ${counts.export}; ${killed} killed mid-way, ${killedAfterReports} ingests killed after reporting files, ${killedAtReport} of them right after a report; ${killedInLarge} of ${largeRuns} ingests with a file above ${PARALLEL_THRESHOLD / MiB} MiB killed while sealing it), ${lost} lost, ${verifyFailures} verify failures; transfer: ${transfer.total} runs (push ${tc?.push ?? 0}, pull ${tc?.pull ?? 0}; ${String(transfer.details.killed ?? 0)} killed), ${String(transfer.details.reportedPushed ?? 0)} reported bundles all whole at the lawyer's${failures.length > 0 ? `, ${failures.length} failures` : ''}`;
  return {
    name: 'crash',
    total: runs + transfer.total,
    passed: passed + transfer.passed,
    failures,
    summary,
    details: { seed, counts, killed, itemsReportedIngested: ingested.size, tagsReported: tagsReported.length, lost, verifyFailures, partialExportLeftovers: partialLeftovers, killedAfterReports, killedAtReport, largeRuns, killedInLarge, timingMs: timing, transfer: transfer.details },
  };
};
