import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownCryptoWorkers } from '../../../../../main/archive/blobs/crypto';
import { BlobStore } from '../../../../../main/archive/blobs/store';
import { isHuellaError } from '../../../../../main/archive/errors';
import { stripAhead } from '../../../../../main/archive/export/items-stage';
import { StripAhead, stripToFile, type ObjectReads } from '../../../../../main/archive/formats/index';
import { readWholeElsewhere, wipeWholeFileBuffers } from '../../../../../main/archive/formats/whole-file';
import { makeJpegs, richJpegOptions, type MadeFixture } from '../../../../fixtures/photos';
import { tempDir } from '../../../../helpers/tmp';
import { keptWholeBuffers, OPTS, putVaultObject } from './strip-helpers';

/**
 * StripAhead (formats/strip-ahead.ts): an export's JPEG items decrypted whole on the crypto workers ahead of their
 * strip. The copies must be those of the decrypting stream, the same errors must come out, reads are started in the
 * order given and never twice, and no buffer that held a photo escapes the wipe.
 */
const dir = tempDir('huella-strip-ahead-');

afterAll(() => shutdownCryptoWorkers());

/** Fake reads: each readWhole recorded, its plaintext (the name's bytes) written into the buffer when it settles. */
function fakeReads(): { reads: ObjectReads; started: string[]; settle: () => void } {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  const reads: ObjectReads = {
    open: () => {
      throw new Error('not streamed here');
    },
    readWhole: (name, _limit, take) => {
      started.push(name);
      const buf = take(name.length + 1);
      return new Promise<number>((resolve) => pending.push(() => resolve(buf.write(name))));
    },
  };
  return { reads, started, settle: () => pending.splice(0).forEach((f) => f()) };
}

describe('StripAhead', () => {
  it('starts the reads of the next `depth` items when one is asked for, in order, each once, duplicates included', async () => {
    const order = ['a', 'b', 'a', 'c', 'd'];
    const { reads, started, settle } = fakeReads();
    const ahead = new StripAhead(order, reads, 2);
    expect(started).toEqual([]);
    const got: string[] = [];
    for (const [i, name] of order.entries()) {
      const p = ahead.source(name).whole!();
      // Its own read, then those of the two items after it not yet started.
      expect(started).toEqual(order.slice(0, Math.min(order.length, i + 3)));
      settle();
      const w = await p;
      got.push(w!.bytes.toString());
      w!.release();
    }
    expect(got).toEqual(order);
    await ahead.close();
    expect(started).toEqual(order);
  });

  it('close() waits for the reads started and not asked for and gives their buffers back, where the wipe finds them', async () => {
    wipeWholeFileBuffers();
    const { reads, started, settle } = fakeReads();
    const secret = ['photo-one-plaintext', 'photo-two-plaintext', 'photo-three-plaintext'];
    const ahead = new StripAhead(secret, reads, 2);
    const first = ahead.source(secret[0]!).whole!();
    settle();
    (await first)!.release();
    expect(started).toEqual(secret);
    const closed = ahead.close();
    settle(); // the two reads ahead end after close() was called: it waits for them
    await closed;
    // Their buffers are back among the kept ones (not dropped with a photo inside) ...
    const kept = keptWholeBuffers();
    for (const s of secret.slice(1)) expect(kept.some((b) => b.includes(s)), s).toBe(true);
    // ... so the export's wipe zeroes them.
    wipeWholeFileBuffers();
    for (const b of keptWholeBuffers()) expect(b.every((x) => x === 0)).toBe(true);
    // No read is started after close().
    ahead.source('late').whole!();
    settle();
    expect(started).toEqual([...secret, 'late']);
  });

  it('a read that fails (its worker crashed or timed out) has its buffer zeroed, not kept for another photo', async () => {
    let buf: Buffer | undefined;
    const got = await readWholeElsewhere(async (_limit, take) => {
      buf = take(64);
      buf.write('half-written plaintext');
      throw new Error('A crypto worker crashed.');
    });
    expect(got).toBeNull();
    expect(buf!.every((x) => x === 0)).toBe(true);
    expect(keptWholeBuffers().some((b) => b.buffer === buf!.buffer)).toBe(false);
  });
});

describe('StripAhead from a vault (the export\'s path, items-stage.ts stripAhead)', () => {
  let photos: MadeFixture[];
  let store: BlobStore;
  const put = (data: Buffer): Promise<{ name: string; file: string }> => putVaultObject(store, data);

  beforeAll(async () => {
    photos = await makeJpegs([richJpegOptions(dir, 11, { mpf: true, name: 'a.jpg' }), richJpegOptions(dir, 12, { progressive: true, icc: 'srgb', name: 'b.jpg' })]);
    store = new BlobStore(dir, crypto.randomBytes(32), crypto.randomBytes(32));
    fs.mkdirSync(store.blobsDir, { recursive: true });
  });

  it('writes what the decrypting stream gives, and a damaged object fails with the stream\'s error and leaves nothing', async () => {
    const a = await put(fs.readFileSync(photos[0]!.path));
    const b = await put(fs.readFileSync(photos[1]!.path));
    const bad = await put(fs.readFileSync(photos[0]!.path));
    const sealed = fs.readFileSync(bad.file);
    sealed[sealed.length >> 1] = sealed[sealed.length >> 1]! ^ 1;
    fs.writeFileSync(bad.file, sealed);
    const order = [a.name, b.name, a.name, bad.name, b.name];
    const ahead = stripAhead(store, order);
    try {
      for (const [i, name] of order.entries()) {
        const viaStream = path.join(dir, `stream-${i}.jpg`);
        const viaAhead = path.join(dir, `ahead-${i}.jpg`);
        const streamed = await stripToFile(() => store.openPlaintext(name), 'image/jpeg', viaStream, OPTS).catch((e: unknown) => e);
        const stripped = await stripToFile(ahead.source(name), 'image/jpeg', viaAhead, OPTS).catch((e: unknown) => e);
        expect(stripped).toEqual(streamed);
        if (name === bad.name) {
          expect(isHuellaError(stripped, 'AGE_INTEGRITY')).toBe(true);
          expect((stripped as Error).message).toBe((streamed as Error).message);
          expect(fs.existsSync(viaAhead)).toBe(false);
        } else {
          expect(fs.readFileSync(viaAhead).equals(fs.readFileSync(viaStream))).toBe(true);
        }
      }
    } finally {
      await ahead.close();
    }
  });
});
