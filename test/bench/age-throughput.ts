// Throughput of the age blob streams (main/archive/blobs/age.ts) next to the reference `age` CLI on the same
// bytes, and the cost of small input pieces. A measurement, not a test: run `npx tsx test/bench/age-throughput.ts [MiB]`.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAgeDecryptStream, createAgeEncryptStream } from '../../main/archive/blobs/age';
import { encodeAgeIdentity, encodeAgeRecipient, generateX25519Secret, x25519PublicFromSecret } from '../../main/archive/blobs/age-keys';

const mib = Number(process.argv[2] ?? 1024);
const bytes = mib * 1024 * 1024;
const secret = generateX25519Secret();
const recipient = x25519PublicFromSecret(secret);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huella-age-bench-'));
const plainPath = path.join(dir, 'plain.bin');
const agePath = path.join(dir, 'plain.age');
const idPath = path.join(dir, 'identity.txt');

const devNull = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });
const rate = (n: number, ms: number): string => `${((n / 1e6) / (ms / 1000)).toFixed(0)} MB/s`;

async function timed(label: string, n: number, run: () => Promise<void> | void): Promise<void> {
  const t = performance.now();
  await run();
  console.log(`${label.padEnd(52)} ${rate(n, performance.now() - t)}`);
}

function cli(args: readonly string[]): void {
  const r = spawnSync('age', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`age ${args[0]} failed: ${r.stderr.toString()}`);
}

try {
  fs.writeFileSync(idPath, `${encodeAgeIdentity(secret)}\n`, { mode: 0o600 });
  const block = crypto.randomBytes(16 * 1024 * 1024);
  const fd = fs.openSync(plainPath, 'w');
  for (let written = 0; written < bytes; written += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  fs.closeSync(fd);
  fs.readFileSync(plainPath); // warm the page cache for both contenders
  console.log(`${mib} MiB, file → /dev/null, Node ${process.version}, ${os.cpus()[0]?.model ?? ''}`);

  await timed('huella encrypt (1 MiB read pieces)', bytes, () =>
    pipeline(fs.createReadStream(plainPath, { highWaterMark: 1024 * 1024 }), createAgeEncryptStream([recipient]), devNull()),
  );
  await timed('age CLI encrypt', bytes, () => cli(['-r', encodeAgeRecipient(recipient), '-o', '/dev/null', plainPath]));
  await pipeline(fs.createReadStream(plainPath), createAgeEncryptStream([recipient]), fs.createWriteStream(agePath));
  await timed('huella decrypt (1 MiB read pieces)', bytes, () =>
    pipeline(fs.createReadStream(agePath, { highWaterMark: 1024 * 1024 }), createAgeDecryptStream([secret]), devNull()),
  );
  await timed('age CLI decrypt', bytes, () => cli(['-d', '-i', idPath, '-o', '/dev/null', agePath]));

  // Input piece size: the encrypt stream must not degrade with tiny or huge writes.
  const sample = Math.min(bytes, 256 * 1024 * 1024);
  const data = fs.readFileSync(plainPath).subarray(0, sample);
  for (const piece of [1024, 16 * 1024, 64 * 1024 + 7, 1024 * 1024, 16 * 1024 * 1024]) {
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let off = 0; off < data.length; off += piece) yield data.subarray(off, off + piece);
    }
    await timed(`huella encrypt, ${sample >> 20} MiB in ${piece}-byte pieces`, sample, () =>
      pipeline(Readable.from(pieces()), createAgeEncryptStream([recipient]), devNull()),
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
