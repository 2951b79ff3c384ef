import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HuellaError } from '../errors';
import { fsyncDir } from '../fs/durable';
import { BAG } from '../packet/layout';
import { writeNew, type Hashed } from './files';

/**
 * Where a packet is built and how it is published: a hidden sibling folder `.<name>.partial-<pid>-<random>` next to
 * --out (a zip is written as `.<name>.zip-partial-…`), renamed or linked into place only at the very end, removed on
 * any failure. Nothing is ever left at --out unless the whole packet is there.
 */

export type Output = {
  readonly out: string;
  readonly zip: boolean;
  readonly parent: string;
  /** The partial folder the packet is built in. */
  readonly root: string;
  readonly zipPartial: string;
};

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Refuses an existing --out, clears abandoned partials next to it and makes the partial folder with the bag's folders. */
export async function prepareOutput(outPath: string, zipAsked: boolean | undefined): Promise<Output> {
  const out = path.resolve(outPath);
  const zip = zipAsked ?? out.toLowerCase().endsWith('.zip');
  if (await exists(out)) throw new HuellaError('CONFLICT', 'Something already exists at the output path; packets never overwrite anything. Choose a new name.');
  const parent = path.dirname(out);
  await fsp.mkdir(parent, { recursive: true });
  await removeAbandonedPartials(parent);
  // The pid in the name lets a later export tell a partial of a crashed export from one still being written.
  const random = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const o: Output = { out, zip, parent, root: path.join(parent, `.${path.basename(out)}.partial-${random}`), zipPartial: path.join(parent, `.${path.basename(out)}.zip-partial-${random}`) };
  await fsp.mkdir(o.root, { mode: 0o700 });
  for (const d of [BAG.evidence, BAG.originals, BAG.testimonies, BAG.submission, BAG.proofs, BAG.entries]) await fsp.mkdir(path.join(o.root, d), { recursive: true, mode: 0o700 });
  return o;
}

/** A folder for the dry run's stripped copies: next to --out when given (where the export would write them), else in the system's temporary folder; owner-only. */
export async function prepareScratch(outPath: string | undefined): Promise<Output> {
  const base = outPath ? path.resolve(outPath) : path.join(fs.realpathSync(os.tmpdir()), 'huella-dry-run');
  const parent = path.dirname(base);
  await fsp.mkdir(parent, { recursive: true });
  await removeAbandonedPartials(parent);
  const random = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const root = path.join(parent, `.${path.basename(base)}.partial-${random}`);
  await fsp.mkdir(root, { mode: 0o700 });
  for (const d of [BAG.evidence, BAG.originals]) await fsp.mkdir(path.join(root, d), { recursive: true, mode: 0o700 });
  return { out: base, zip: false, parent, root, zipPartial: `${root}.zip` };
}

export async function discardOutput(o: Output): Promise<void> {
  await fsp.rm(o.root, { recursive: true, force: true }).catch(() => undefined);
  await fsp.rm(o.zipPartial, { force: true }).catch(() => undefined);
}

/** The last step: the finished zip is linked into place (never replacing a file), or the folder renamed. */
export async function publishOutput(o: Output): Promise<void> {
  if (await exists(o.out)) throw new HuellaError('CONFLICT', 'Something appeared at the output path during the export; nothing was overwritten.');
  if (o.zip) {
    await fsp.link(o.zipPartial, o.out);
    await fsp.rm(o.zipPartial, { force: true });
    await fsp.rm(o.root, { recursive: true, force: true });
  } else {
    await fsp.rename(o.root, o.out);
  }
  await fsyncDir(o.parent);
}

/** The files of the packet being built: payload (data/…) and tag files, each written once and hashed. */
export class PacketFiles {
  readonly payload = new Map<string, Hashed>();
  readonly tags = new Map<string, Hashed>();

  constructor(readonly root: string) {}

  async payloadFile(p: string, data: string | Uint8Array): Promise<Hashed> {
    const h = await writeNew(path.join(this.root, p), data);
    this.payload.set(p, h);
    return h;
  }

  async tagFile(p: string, data: string | Uint8Array): Promise<void> {
    this.tags.set(p, await writeNew(path.join(this.root, p), data));
  }
}

const PARTIAL_NAME = /^\..+\.(zip-)?partial-(\d+)-[0-9a-f]{12}$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * An export killed mid-way (crash, power cut, kill -9) cannot clean up after itself: its hidden partial folder or
 * zip, holding stripped copies of evidence, would stay beside the packets for good. Each export first removes the
 * partials in its destination folder whose exporting process is gone. Partials of a live export are left alone.
 */
export async function removeAbandonedPartials(parent: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = PARTIAL_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    await fsp.rm(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** For tests: whether any partial file of an export is left next to `out`. */
export function partialsNextTo(out: string): string[] {
  const parent = path.dirname(path.resolve(out));
  const base = path.basename(out);
  if (!fs.existsSync(parent)) return [];
  return fs.readdirSync(parent).filter((n) => n.startsWith(`.${base}.`));
}
