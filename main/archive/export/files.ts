import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fsyncDir } from '../fs/durable';
import { hashingTap, writeNewFile, type Hashed } from '../fs/files';

/** File helpers of the packet writer: hashing, exclusive writes, and the final sync of the whole tree. */

export { hashFile as sha256File, mapLimit, sha256Hex as sha256Of, type Hashed } from '../fs/files';

/** Writes a new file (never over an existing one), owner-only, creating its folder; syncTree makes it durable. */
export async function writeNew(file: string, data: string | Uint8Array): Promise<Hashed> {
  return writeNewFile(file, data, { makeParents: true });
}

/** Streams `source` through `transforms` into a new file, hashing what is written. */
export async function streamToNewFile(source: NodeJS.ReadableStream, transforms: readonly NodeJS.ReadWriteStream[], file: string, signal?: AbortSignal): Promise<Hashed> {
  const { tap, result } = hashingTap();
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await pipeline([source, ...transforms, tap, out] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], signal ? { signal } : {});
  return result();
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
