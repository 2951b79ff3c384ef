import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ITEM_TERMS } from '../../fixtures/catalogue-vocab';
import { seededRandom, type Campaign } from '../lib';
import { STACK_FRAME, describeRun, jsonObjects, runHuella, type RunOutcome } from './cli-run';

/**
 * Full disk (DESIGN §1: bad conditions get a clear error and lose nothing). A vault on a tmpfs of a few MB:
 *  1. ingest until the disk fills (and small files that fit after): every file that did not fit fails with
 *     DISK_FULL and a message a person understands, the CLI exits 1 (README: "1 refused or failed"), the vault
 *     reopens and verifies, every item reported ingested is byte-identical, and ingest works again once space is freed;
 *  2. a tagging / describing loop on a disk filled to the last byte: each command succeeds or fails with DISK_FULL,
 *     what succeeded is there, what failed is not, and the vault verifies;
 *  3. a packet export to a destination that is too small (folder and zip): DISK_FULL, nothing left at the
 *     destination, the vault verifies, and the same export to a roomy destination verifies.
 * If tmpfs cannot be mounted the campaign reports that as a failure (never a silent pass).
 */
type Ctx = { readonly failures: string[]; readonly log: (l: string) => void; checks: number };

const MiB = 1024 * 1024;

function mountTmpfs(dir: string, mb: number): string | undefined {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `mount exited ${r.status}`).trim();
}

function unmount(dir: string): void {
  const r = spawnSync('umount', [dir], { encoding: 'utf8' });
  if (r.status !== 0) spawnSync('umount', ['-l', dir]);
}

/** Writes a file until the disk refuses (ENOSPC) or `limit` bytes; returns the bytes written. */
function fillUntilFull(file: string, limit = Number.MAX_SAFE_INTEGER): number {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let written = 0;
  let full = false;
  try {
    for (let size = chunk.length; written < limit && size >= 512; ) {
      try {
        written += fs.writeSync(fd, chunk, 0, Math.min(size, limit - written));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        full = true;
        size /= 2; // smaller writes fill the last pages too
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (limit === Number.MAX_SAFE_INTEGER && !full) throw new Error(`${file}: the disk never filled`);
  return written;
}

function randomFile(file: string, bytes: number, rnd: () => number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) data.writeUInt32LE(Math.floor(rnd() * 2 ** 32), i);
  fs.writeFileSync(file, data);
  return data;
}

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

function check(ctx: Ctx, ok: boolean, failure: string): boolean {
  ctx.checks++;
  if (!ok) ctx.failures.push(failure);
  return ok;
}

/** A refused command must say "disk full" in words (and DISK_FULL in --json), never a stack trace. */
function isClearDiskFull(r: RunOutcome): boolean {
  const json = jsonObjects(r.lines).find((o) => o.value.error !== undefined)?.value.error as { code?: string } | undefined;
  return r.code === 1 && /disk full/i.test(r.stderr) && !STACK_FRAME.test(r.stderr) && (json === undefined || json.code === 'DISK_FULL');
}

async function verifyOk(ctx: Ctx, vault: string, label: string): Promise<void> {
  const v = await runHuella(['verify', vault, '--json'], { timeoutMs: 120_000 });
  check(ctx, v.code === 0 && !STACK_FRAME.test(v.stderr), describeRun(`${label}: huella verify`, v) + (v.code === 0 ? '' : ` ${v.stdout.slice(0, 400)}`));
}

type Ingested = { readonly itemId: string; readonly source: Buffer; readonly name: string };

/**
 * Every item reported ingested is listed with its source's SHA-256 and size (and `huella verify`, run by the
 * caller, decrypts and hashes every object against the signed log); the last one, written just before the disk
 * filled, is also read back with `huella cat` and compared byte for byte.
 */
async function checkIdentical(ctx: Ctx, vault: string, items: readonly Ingested[], label: string): Promise<void> {
  const ls = await runHuella(['ls', vault, '--json']);
  const listed = new Map(jsonObjects(ls.lines).map((o) => [String(o.value.id), o.value]));
  for (const it of items) {
    const row = listed.get(it.itemId);
    check(ctx, row?.sha256 === sha256(it.source) && row.size === it.source.length, `${label}: ${it.name} was reported ingested as ${it.itemId} but is ${row ? 'listed with another hash or size' : 'not listed'}`);
  }
  const last = items.at(-1);
  if (!last) return;
  const cat = await runHuella(['cat', vault, last.itemId], { timeoutMs: 60_000 });
  check(ctx, cat.code === 0 && cat.stdoutBytes.equals(last.source), `${label}: ${last.name} (${last.itemId}) read back differs from the source (${describeRun('cat', cat)})`);
}

async function ingestPhase(ctx: Ctx, root: string, seed: number, quick: boolean, diskMb: number): Promise<void> {
  const label = `seed ${seed} ingest`;
  const rnd = seededRandom(seed);
  const disk = path.join(root, 'disk');
  const vault = path.join(disk, 'vault');
  const src = path.join(root, 'src');
  fs.mkdirSync(src, { recursive: true });
  const init = await runHuella(['init', vault, '--json']);
  if (!check(ctx, init.code === 0, describeRun(`${label}: init on the tmpfs`, init))) return;
  // Ballast we delete later to free space; the rest of the disk is filled by the ingest itself.
  const bigSize = (quick ? 768 : 512 + Math.floor(rnd() * 1024)) * 1024;
  const ballast = path.join(disk, 'ballast');
  const ballastBytes = Math.max(2 * MiB, 2 * bigSize);
  fillUntilFull(ballast, ballastBytes);
  const sources = new Map<string, Buffer>();
  // More than the disk holds, whatever the seed's file size: on the 18 MB round, twelve files of 512 KB never filled it.
  const bigCount = quick ? 8 : Math.ceil((diskMb * MiB) / bigSize) + 2;
  for (let i = 0; i < bigCount; i++) sources.set(`a-big-${String(i).padStart(2, '0')}.bin`, randomFile(path.join(src, `a-big-${String(i).padStart(2, '0')}.bin`), bigSize, rnd));
  for (let i = 0; i < 3; i++) sources.set(`z-small-${i}.bin`, randomFile(path.join(src, `z-small-${i}.bin`), 8 * 1024, rnd));

  const r = await runHuella(['ingest', vault, src, '--json', '--no-previews'], { timeoutMs: 300_000 });
  const results = jsonObjects(r.lines).map((o) => o.value).filter((v) => typeof v.status === 'string');
  const ingested: Ingested[] = [];
  const refused: string[] = [];
  for (const v of results) {
    const name = path.basename(String(v.path));
    const err = v.error as { code?: string; message?: string } | undefined;
    if (v.status === 'ingested') ingested.push({ itemId: String(v.itemId), source: sources.get(name)!, name });
    else if (check(ctx, v.status === 'failed' && err?.code === 'DISK_FULL' && /disk full/i.test(err.message ?? ''), `${label}: ${name}: expected ingested or a DISK_FULL failure, got ${v.status} ${JSON.stringify(err)}`)) refused.push(name);
  }
  const topError = jsonObjects(r.lines).find((o) => o.value.error !== undefined)?.value.error as { code?: string } | undefined;
  check(ctx, topError === undefined || topError.code === 'DISK_FULL', `${label}: the ingest command failed as a whole with ${JSON.stringify(topError)}`);
  check(ctx, results.length === sources.size || topError?.code === 'DISK_FULL', `${label}: ${results.length} per-file results for ${sources.size} files`);
  check(ctx, refused.length > 0, `${label}: the disk never filled (${ingested.length} ingested): nothing was tested`);
  check(ctx, ingested.length > 0, `${label}: nothing fit on the disk: the vault is too big for the tmpfs size`);
  check(ctx, r.code === 1 && !STACK_FRAME.test(r.stderr), describeRun(`${label}: exit code (expected 1, no stack trace)`, r));
  ctx.log(`full-disk: ${label}: ${ingested.length} ingested, ${refused.length} refused DISK_FULL (${ingested.filter((i) => i.name.startsWith('z-')).length} small ones fit after)`);

  await verifyOk(ctx, vault, `${label} (disk still full)`);
  if (!quick) await checkIdentical(ctx, vault, ingested, label);

  // Free space, then the refused files that fit must go in.
  fs.rmSync(ballast);
  const retry = refused.slice(0, Math.max(1, Math.floor((0.75 * ballastBytes) / bigSize)));
  const again = await runHuella(['ingest', vault, ...retry.map((n) => path.join(src, n)), '--json', '--no-previews'], { timeoutMs: 300_000 });
  const againOk = jsonObjects(again.lines).map((o) => o.value).filter((v) => v.status === 'ingested');
  check(ctx, again.code === 0 && againOk.length === retry.length, `${describeRun(`${label}: ingest after freeing space`, again)}; ${againOk.length}/${retry.length} ingested`);
  for (const v of againOk) ingested.push({ itemId: String(v.itemId), source: sources.get(path.basename(String(v.path)))!, name: path.basename(String(v.path)) });
  await verifyOk(ctx, vault, `${label} (after freeing space)`);
  await checkIdentical(ctx, vault, ingested, `${label} (after freeing space)`);

  await taggingPhase(ctx, vault, disk, ingested.map((i) => i.itemId), seed, quick);
}

async function taggingPhase(ctx: Ctx, vault: string, disk: string, itemIds: readonly string[], seed: number, quick: boolean): Promise<void> {
  const label = `seed ${seed} tagging`;
  // Fill the disk, then give back a little: the loop runs while the database still has room, and the disk fills
  // during it (a few commands succeed, then they are refused).
  const ballast = path.join(disk, 'ballast-full');
  const filled = fillUntilFull(ballast);
  fs.truncateSync(ballast, Math.max(0, filled - 128 * 1024));
  const maxOps = quick ? 8 : 24;
  const tagged: { item: string; term: string; ok: boolean }[] = [];
  const described = new Map<string, string | undefined>();
  let refusals = 0;
  let ops = 0;
  for (let i = 0; i < maxOps && refusals < (quick ? 1 : 4); i++, ops++) {
    const item = itemIds[i % itemIds.length]!;
    const r =
      i % 2 === 0
        ? await runHuella(['tag', vault, item, ITEM_TERMS[(i / 2) % ITEM_TERMS.length]!, '--json'])
        : await runHuella(['item', 'edit', vault, item, '--description', `Descripción ${i} `.repeat(300), '--json']);
    const ok = r.code === 0;
    if (!ok) refusals++;
    check(ctx, ok || isClearDiskFull(r), describeRun(`${label}: op ${i} on a full disk must succeed or say disk full`, r));
    if (i % 2 === 0) tagged.push({ item, term: ITEM_TERMS[(i / 2) % ITEM_TERMS.length]!, ok });
    else if (ok) described.set(item, `Descripción ${i} `.repeat(300));
    else if (!described.has(item)) described.set(item, undefined);
  }
  check(ctx, refusals > 0, `${label}: no command was refused in ${ops} commands as the disk filled: the disk-full path was not exercised`);
  fs.rmSync(ballast);
  await verifyOk(ctx, vault, `${label} (after freeing space)`);
  for (const t of tagged) {
    const s = await runHuella(['search', vault, '', '--tag', t.term, '--json']);
    const hits = (jsonObjects(s.lines)[0]?.value.hits as { id: string }[] | undefined) ?? [];
    const present = hits.some((h) => h.id === t.item);
    check(ctx, present === t.ok, `${label}: tag ${t.term} on ${t.item} was ${t.ok ? 'reported done but is missing' : 'refused but is present (half-written)'}`);
  }
  for (const [item, want] of described) {
    const show = await runHuella(['show', vault, item, '--json']);
    const got = jsonObjects(show.lines)[0]?.value.description as string | undefined;
    check(ctx, got?.trim() === want?.trim(), `${label}: description of ${item} is not what the last successful edit wrote`);
  }
  ctx.log(`full-disk: ${label}: ${ops} ops while the disk filled: ${ops - refusals} done, ${refusals} refused DISK_FULL`);
}

async function exportPhase(ctx: Ctx, root: string, seed: number, quick: boolean): Promise<void> {
  const label = `seed ${seed} export`;
  const rnd = seededRandom(seed + 7);
  const vault = path.join(root, 'export-vault');
  const src = path.join(root, 'export-src');
  fs.mkdirSync(src, { recursive: true });
  // Plain text is strippable (the packet carries it), and large enough that the packet overflows a 1 MB disk.
  const words = ['retén', 'comisaría', 'detención', 'testigo', 'camioneta', 'madrugada', 'puerta', 'norte', 'ruta', 'golpes'];
  for (let f = 0; f < 3; f++) {
    const parts: string[] = [];
    for (let n = 0; n < 60_000; n++) parts.push(words[Math.floor(rnd() * words.length)]!);
    fs.writeFileSync(path.join(src, `notes-${f}.txt`), parts.join(' '));
  }
  if (!check(ctx, (await runHuella(['init', vault, '--json'])).code === 0, `${label}: init failed`)) return;
  const ing = await runHuella(['ingest', vault, src, '--json']);
  const ids = jsonObjects(ing.lines).map((o) => o.value).filter((v) => v.status === 'ingested').map((v) => String(v.itemId));
  const c = await runHuella(['case', 'create', vault, '--title', 'Full disk', '--json']);
  const caseId = String(jsonObjects(c.lines)[0]?.value.id);
  await runHuella(['case', 'add-items', vault, caseId, ...ids, '--json']);
  const dest = path.join(root, 'dest');
  const mountError = mountTmpfs(dest, 1);
  if (!check(ctx, mountError === undefined, `${label}: cannot mount the small destination tmpfs: ${mountError}`)) return;
  try {
    for (const zip of quick ? [false] : [false, true]) {
      const out = path.join(dest, zip ? 'packet.zip' : 'packet');
      const r = await runHuella(['export', vault, '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'redacted', '--out', out, ...(zip ? ['--zip'] : []), '--json'], { timeoutMs: 180_000 });
      check(ctx, isClearDiskFull(r), describeRun(`${label} (${zip ? 'zip' : 'folder'}) to a 1 MB disk must fail with DISK_FULL`, r) + ` ${r.stdout.slice(0, 300)}`);
      const left = fs.readdirSync(dest).filter((n) => n !== 'lost+found');
      check(ctx, left.length === 0, `${label} (${zip ? 'zip' : 'folder'}): the failed export left ${left.join(', ')} at the destination`);
    }
    await verifyOk(ctx, vault, `${label} after the refused exports`);
  } finally {
    unmount(dest);
  }
  const roomy = path.join(root, 'roomy', 'packet');
  const ok = await runHuella(['export', vault, '--mechanism', 'sp-communication', '--case', caseId, '--profile', 'redacted', '--out', roomy, '--json'], { timeoutMs: 180_000 });
  check(ctx, ok.code === 0, describeRun(`${label}: the same export to a roomy destination`, ok));
  if (!quick) {
    const pv = await runHuella(['packet', 'verify', roomy, '--json']);
    check(ctx, pv.code === 0, describeRun(`${label}: packet verify of the roomy export`, pv));
    await verifyOk(ctx, vault, `${label} (after the good export)`);
  }
  ctx.log(`full-disk: ${label}: refused on a 1 MB destination (${quick ? 'folder' : 'folder and zip'}), fine on a roomy one`);
}

export const run: Campaign = async ({ seed, quick, workDir, log }) => {
  const ctx: Ctx = { failures: [], log, checks: 0 };
  const rounds = quick ? 1 : 4;
  let mountFailure: string | undefined;
  for (let round = 0; round < rounds && !mountFailure; round++) {
    const root = path.join(workDir, `round-${round}`);
    const disk = path.join(root, 'disk');
    const sizeMb = quick ? 6 : 6 + round * 4;
    mountFailure = mountTmpfs(disk, sizeMb);
    if (mountFailure) break;
    try {
      await ingestPhase(ctx, root, seed + round, quick, sizeMb);
    } finally {
      unmount(disk);
    }
    if (round === 0 || !quick) await exportPhase(ctx, root, seed + round, quick);
  }
  if (mountFailure) {
    // No silent pass: without a mount there is no small filesystem, and no honest substitute for ENOSPC.
    ctx.failures.push(`NOT RUN: mounting a tmpfs was refused (${mountFailure}); run as root (CI does) to check full-disk behaviour`);
  }
  return {
    name: 'full-disk',
    total: ctx.checks + (mountFailure ? 1 : 0),
    passed: ctx.checks - (ctx.failures.length - (mountFailure ? 1 : 0)),
    failures: ctx.failures,
    summary: mountFailure
      ? `full-disk: NOT RUN (tmpfs mount refused: ${mountFailure})`
      : `full-disk: ${rounds} round(s) on a ${quick ? 6 : '6-18'} MB tmpfs, ${ctx.checks} checks, ${ctx.failures.length} failure(s)`,
    details: { rounds, checks: ctx.checks },
  };
};
