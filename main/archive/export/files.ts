import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir } from '../fs/durable';

/** File helpers of the packet writer: hashing, exclusive writes, and the final sync of the whole tree. */

export type Hashed = { readonly sha256: string; readonly size: number };

export async function sha256File(file: string): Promise<Hashed> {
  const h = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest('hex'), size };
}

export function sha256Of(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Writes a new file (never over an existing one), owner-only. */
export async function writeNew(file: string, data: string | Uint8Array): Promise<Hashed> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, data, { flag: 'wx', mode: 0o600 });
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { sha256: sha256Of(bytes), size: bytes.length };
}

/** Streams `source` through `transforms` into a new file, hashing what is written. */
export async function streamToNewFile(source: NodeJS.ReadableStream, transforms: readonly NodeJS.ReadWriteStream[], file: string, signal?: AbortSignal): Promise<Hashed> {
  const h = crypto.createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await pipeline([source, ...transforms, tap, out] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], signal ? { signal } : {});
  return { sha256: h.digest('hex'), size };
}

/** Every regular file under `root`, as '/'-separated relative paths, sorted. Anything else is an error. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
      else throw new Error(`unexpected entry in the packet being built: ${r}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

/** fsync every file, then every folder from the deepest up, so the finished tree survives a power cut. */
export async function syncTree(root: string): Promise<void> {
  const dirs: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    dirs.push(dir);
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const fh = await fsp.open(p, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
    }
  };
  await walk(root);
  for (const d of dirs.reverse()) await fsyncDir(d);
}

export async function syncFile(file: string): Promise<void> {
  const fh = await fsp.open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, in order of start; stops starting new ones on abort. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failed === undefined) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (e) {
        failed ??= e;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed;
  if (rejected) throw rejected.reason;
  return results;
}
