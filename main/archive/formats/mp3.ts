/**
 * MP3, lossless by structure, in two passes: the first finds where the audio frames end (tags sit at the end:
 * APEv2, Lyrics3v2, ID3v1 and its TAG+ extension, an appended ID3v2.4 with footer), the second copies the frames
 * without the leading ID3v2 tag(s) and without those trailing tags. The encoder name in the first frame's
 * Xing/Info (LAME) header is zeroed (software); the audio frames are otherwise byte-identical.
 */
import type { ByteReader } from './byte-reader';
import { stripFailed, TruncatedInputError } from './errors';
import type { StripHandler } from './handler';
import { withFileSink, withReader } from './output';
import { RecordBuilder } from './strip-record';

const FORMAT = 'MP3';
const TAIL_WINDOW = 1024 * 1024;

function syncsafe(b: Buffer, at: number): number {
  return ((b[at] as number) << 21) | ((b[at + 1] as number) << 14) | ((b[at + 2] as number) << 7) | (b[at + 3] as number);
}

/** Skips leading ID3v2 tags; returns how many. */
async function skipLeadingId3(r: ByteReader): Promise<number> {
  let n = 0;
  for (;;) {
    const head = await r.peek(10);
    if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return n;
    await r.skip(10 + syncsafe(head, 6) + ((head[5] as number) & 0x10 ? 10 : 0));
    n++;
  }
}

/** Finds the end of the audio from the last bytes of the file; records each trailing tag found. */
function audioEnd(tail: Buffer, total: number, rec: RecordBuilder): number {
  const windowStart = total - tail.length;
  const at = (pos: number, len: number): Buffer => {
    if (pos < windowStart) throw stripFailed(FORMAT, 'its trailing tags are too large to parse');
    return tail.subarray(pos - windowStart, pos - windowStart + len);
  };
  let end = total;
  for (let changed = true; changed; ) {
    changed = false;
    if (end - 128 >= 0 && at(end - 128, 3).toString('latin1') === 'TAG') {
      end -= 128;
      rec.removed('ID3v1');
      if (end - 227 >= 0 && at(end - 227, 4).toString('latin1') === 'TAG+') {
        end -= 227;
        rec.removed('ID3v1 enhanced (TAG+)');
      }
      changed = true;
    }
    if (end - 32 >= 0 && at(end - 32, 8).toString('latin1') === 'APETAGEX') {
      const footer = at(end - 32, 32);
      const size = footer.readUInt32LE(12);
      const hasHeader = (footer.readUInt32LE(20) & 0x80000000) !== 0;
      end -= size + (hasHeader ? 32 : 0);
      rec.removed('APEv2');
      changed = true;
    }
    if (end - 15 >= 0 && at(end - 9, 9).toString('latin1') === 'LYRICS200') {
      const size = Number.parseInt(at(end - 15, 6).toString('latin1'), 10);
      if (!Number.isFinite(size)) throw stripFailed(FORMAT, 'a damaged Lyrics3 tag');
      end -= size + 15;
      rec.removed('Lyrics3v2');
      changed = true;
    }
    if (end - 10 >= 0 && at(end - 10, 3).toString('latin1') === '3DI') {
      end -= syncsafe(at(end - 10, 10), 6) + 20;
      rec.removed('ID3v2 (appended)');
      changed = true;
    }
    if (end < 0) throw stripFailed(FORMAT, 'its trailing tags are larger than the file');
  }
  return end;
}

/** Zeroes the 9-byte encoder string of a LAME/Xing/Info header in the first frame, if any. */
function zeroEncoderName(frame: Buffer, rec: RecordBuilder): void {
  const head = frame.subarray(0, Math.min(frame.length, 64)).toString('latin1');
  const idx = Math.max(head.indexOf('Xing'), head.indexOf('Info'));
  if (idx < 0) return;
  const enc = idx + 120;
  if (enc + 9 > frame.length) return;
  if (/^[A-Za-z]{4}/.test(frame.toString('latin1', enc, enc + 4))) {
    frame.fill(0, enc, enc + 9);
    rec.removed('encoder name in the Xing/LAME header');
  }
}

export const stripMp3: StripHandler = async (source, tmpPath) => {
  const rec = new RecordBuilder('mp3', 'lossless-structure');
  try {
    const scan = await withReader(source, async (r) => {
      const leading = await skipLeadingId3(r);
      const audioStart = r.position;
      let tail = Buffer.alloc(0);
      for (;;) {
        const c = await r.nextChunk();
        if (c === null) break;
        tail = Buffer.concat([tail, c]);
        if (tail.length > TAIL_WINDOW * 2) tail = Buffer.from(tail.subarray(tail.length - TAIL_WINDOW));
      }
      return { leading, audioStart, tail };
    });
    const total = scan.bytesIn;
    const { leading, audioStart, tail } = scan.value;
    if (leading > 0) rec.removed(leading > 1 ? `ID3v2 (${leading} tags)` : 'ID3v2');
    const end = audioEnd(tail, total, rec);
    if (end - audioStart < 4) throw stripFailed(FORMAT, 'it contains no audio frames');
    const { bytesIn } = await withFileSink(tmpPath, (sink) =>
      withReader(source, async (r) => {
        await r.skip(audioStart);
        const first = Buffer.from(await r.readExact(Math.min(4096, end - audioStart)));
        if (first[0] !== 0xff || ((first[1] as number) & 0xe0) !== 0xe0) throw stripFailed(FORMAT, 'unrecognised data before the first audio frame');
        zeroEncoderName(first, rec);
        await sink.write(first);
        await r.copyTo(end - audioStart - first.length, sink);
      }),
    );
    rec.note('audio frames byte-identical');
    return { record: rec.build(), bytesIn };
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated or a tag size is wrong', e);
    throw e;
  }
};
