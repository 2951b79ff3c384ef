// Matroska/WebM tracks that are neither video nor audio (a drone's GPS as subtitles): their entry, blocks and cues
// become Void in place, or the file is refused when their blocks cannot be found before they are copied. Hand-built
// files reach the cases real muxers rarely write (open clusters, a track list after the frames); phone-av.test.ts
// does the same on files from ffmpeg and mkvmerge.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isHuellaError } from '../../../../../main/archive/errors';
import { findLeaks, stripToFile } from '../../../../../main/archive/formats/index';
import { tempDir } from '../../../../helpers/tmp';
import { OPTS } from './strip-helpers';

const dir = tempDir('huella-mkv-tracks-');
const GPS = 'GPS5 lat=48.85840 lon=2.29450 SN=DJI0042';
const FRAME = Buffer.from('video-frame-bytes-'.repeat(8), 'latin1');

/** An element with an 8-byte size field (or the unknown size, for open Segments and Clusters). */
function el(id: number, ...body: (Buffer | string)[]): Buffer {
  const b = Buffer.concat(body.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x)));
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(b.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id.toString(16).padStart(2, '0').replace(/^(.)((..)*)$/, '0$1$2'), 'hex'), size, b]);
}
function open(id: number, ...body: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(id.toString(16), 'hex'), Buffer.from('01ffffffffffffff', 'hex'), ...body]);
}
const uint = (id: number, v: number): Buffer => el(id, Buffer.from([v]));
const HEADER = el(0x1a45dfa3, el(0x4282, 'matroska'));
const track = (n: number, type: number, codec: string, number = true): Buffer => el(0xae, ...(number ? [uint(0xd7, n)] : []), uint(0x83, type), el(0x86, codec));
const TRACKS = el(0x1654ae6b, track(1, 1, 'V_VP9'), track(2, 0x11, 'S_TEXT/UTF8'));
/** A SimpleBlock of track `n` (track number vint, timecode, flags, frame). */
const simple = (n: number, frame: Buffer | string): Buffer => el(0xa3, Buffer.from([0x80 | n, 0, 0, 0x80]), frame);
const group = (n: number, frame: string, before: Buffer[] = []): Buffer => el(0xa0, ...before, el(0xa1, Buffer.from([0x80 | n, 0, 0, 0]), frame), uint(0x9b, 10));
const CLUSTER_BODY = [uint(0xe7, 0), simple(1, FRAME), group(2, GPS), simple(2, GPS)];
const CUES = el(0x1c53bb6b, el(0xbb, uint(0xb3, 0), el(0xb7, uint(0xf7, 1), uint(0xf1, 0))), el(0xbb, uint(0xb3, 0), el(0xb7, uint(0xf7, 2), uint(0xf1, 0))));

async function stripBytes(name: string, bytes: Buffer): Promise<{ out: string; removed: readonly string[] } | { error: unknown }> {
  const out = path.join(dir, name);
  try {
    const r = await stripToFile(() => Readable.from([bytes]), 'video/matroska', out, OPTS);
    return { out, removed: r.record.removed };
  } catch (error) {
    expect(fs.existsSync(out)).toBe(false);
    return { error };
  }
}

async function expectTrackGone(name: string, file: Buffer): Promise<void> {
  const input = path.join(dir, `in-${name}`);
  fs.writeFileSync(input, file);
  expect((await findLeaks(input, 'video/matroska', OPTS)).map((l) => l.detail)).toEqual(
    expect.arrayContaining(['Matroska: a track that is neither video nor audio (subtitles, metadata)', 'Matroska: frames of a track not listed as video or audio']),
  );
  const r = await stripBytes(name, file);
  if (!('out' in r)) throw r.error;
  const copy = fs.readFileSync(r.out);
  expect(copy.length).toBe(file.length);
  expect(copy.includes(Buffer.from(GPS, 'latin1'))).toBe(false);
  expect(copy.includes(Buffer.from('S_TEXT', 'latin1'))).toBe(false);
  // The video block is where it was, byte for byte.
  const at = file.indexOf(simple(1, FRAME));
  expect(copy.subarray(at, at + simple(1, FRAME).length).equals(simple(1, FRAME))).toBe(true);
  expect(r.removed.some((x) => x.startsWith('a subtitle track (its entry, frames and index entries turned into Void elements'))).toBe(true);
  expect(await findLeaks(r.out, 'video/matroska', OPTS)).toEqual([]);
}

describe('Matroska tracks that are neither video nor audio', () => {
  it('a subtitle track in a sized Segment: its entry, its SimpleBlock and BlockGroup, and its cue point become Void', async () => {
    const file = Buffer.concat([HEADER, el(0x18538067, TRACKS, el(0x1f43b675, ...CLUSTER_BODY), CUES)]);
    await expectTrackGone('sized.mkv', file);
    const copy = fs.readFileSync(path.join(dir, 'sized.mkv'));
    // The video's cue point stays; the subtitle's (cue track 2) is gone.
    expect(copy.includes(el(0xbb, uint(0xb3, 0), el(0xb7, uint(0xf7, 1), uint(0xf1, 0))))).toBe(true);
    expect(copy.includes(el(0xb7, uint(0xf7, 2), uint(0xf1, 0)))).toBe(false);
  });

  it('a live recording (Segment and Clusters of unknown size): the blocks are found all the same', async () => {
    const file = Buffer.concat([HEADER, open(0x18538067, TRACKS, open(0x1f43b675, ...CLUSTER_BODY), open(0x1f43b675, uint(0xe7, 1), simple(2, GPS), simple(1, FRAME)))]);
    await expectTrackGone('open.webm', file);
  });

  it('refuses a file whose track list comes after its frames, one whose subtitle track has no number, and a block group whose track cannot be told', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['late.mkv', Buffer.concat([HEADER, el(0x18538067, el(0x1f43b675, ...CLUSTER_BODY), TRACKS)]), /lists a subtitle track only after its frames/],
      ['late-cues.mkv', Buffer.concat([HEADER, el(0x18538067, CUES, TRACKS, el(0x1f43b675, ...CLUSTER_BODY))]), /only after its frames or seeking index/],
      ['no-number.mkv', Buffer.concat([HEADER, el(0x18538067, el(0x1654ae6b, track(1, 1, 'V_VP9'), track(2, 0x11, 'S_TEXT/UTF8', false)), el(0x1f43b675, ...CLUSTER_BODY))]), /subtitle track without a track number/],
      ['far-block.mkv', Buffer.concat([HEADER, el(0x18538067, TRACKS, el(0x1f43b675, uint(0xe7, 0), group(2, GPS, [el(0xec, Buffer.alloc(5000))])))]), /a block group whose track cannot be told/],
      ['only-subtitles.mkv', Buffer.concat([HEADER, el(0x18538067, el(0x1654ae6b, track(2, 0x11, 'S_TEXT/UTF8')), el(0x1f43b675, uint(0xe7, 0), simple(2, GPS)))]), /no video or audio track/],
    ];
    for (const [name, bytes, reason] of cases) {
      const r = await stripBytes(name, bytes);
      expect('error' in r && isHuellaError(r.error, 'STRIP_UNSUPPORTED'), name).toBe(true);
      expect(String((r as { error: unknown }).error), name).toMatch(reason);
    }
  });

  it('a file of video and audio only is copied as before: clusters stepped over, not parsed', async () => {
    const file = Buffer.concat([HEADER, el(0x18538067, el(0x1654ae6b, track(1, 1, 'V_VP9')), el(0x1f43b675, uint(0xe7, 0), simple(1, FRAME)))]);
    const r = await stripBytes('av.mkv', file);
    if (!('out' in r)) throw r.error;
    expect(fs.readFileSync(r.out).equals(file)).toBe(true);
  });
});
