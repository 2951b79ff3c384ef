/**
 * WAV (RIFF WAVE), lossless by structure. Kept: fmt, fact, data (byte-identical audio), cue, smpl, inst (playback
 * structure). Dropped: LIST/INFO (artist, software, dates, comments), LIST/adtl (labels, notes), bext (Broadcast
 * WAV: originator, origination date and time, coding history), iXML, ID3, _PMX (XMP), cart, JUNK/PAD padding that
 * editors leave old bytes in, and any unknown chunk. The RIFF size is rewritten. RF64 is refused.
 */
import type { ByteReader } from './byte-reader';
import type { ByteSink } from './byte-sink';
import { stripFailed, stripUnsupported, TruncatedInputError } from './errors';
import { RecordBuilder } from './strip-record';
import type { StripOptions, StripRecord } from './types';

const FORMAT = 'WAV';
const KEEP = new Set(['fmt ', 'fact', 'data', 'cue ', 'smpl', 'inst']);

export async function stripWav(r: ByteReader, sink: ByteSink, _opts: StripOptions): Promise<StripRecord> {
  const rec = new RecordBuilder('wav', 'lossless-structure');
  try {
    const riff = await r.readExact(12);
    const id = riff.toString('latin1', 0, 4);
    if (id === 'RF64' || id === 'BW64') throw stripUnsupported(FORMAT, 'RF64 (over 4 GiB) WAV files are not supported');
    if (id !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') throw stripFailed(FORMAT, 'it is not a RIFF WAVE file');
    let left = riff.readUInt32LE(4) - 4;
    await sink.write(riff);
    let sawData = false;
    let sawFmt = false;
    while (left >= 8) {
      const head = await r.readExact(8);
      const fourcc = head.toString('latin1', 0, 4);
      const size = head.readUInt32LE(4);
      const padded = size + (size & 1);
      // The last chunk's pad byte is often missing in the wild; accept that one case.
      const available = Math.min(padded, left - 8);
      if (size > left - 8) throw stripFailed(FORMAT, 'a chunk overruns the RIFF size');
      left -= 8 + available;
      if (KEEP.has(fourcc)) {
        await sink.write(head);
        await r.copyTo(available, sink);
        if (available < padded) await sink.write(Buffer.alloc(1));
        if (fourcc === 'data') sawData = true;
        if (fourcc === 'fmt ') sawFmt = true;
        continue;
      }
      let what = /^[A-Za-z0-9 _]{4}$/.test(fourcc) ? fourcc.trim() : 'invalid chunk';
      if (fourcc === 'LIST' && size >= 4) {
        const listType = await r.readExact(4);
        what = `LIST/${/^[A-Za-z0-9 ]{4}$/.test(listType.toString('latin1')) ? listType.toString('latin1').trim() : '?'}`;
        await r.skip(available - 4);
      } else await r.skip(available);
      rec.removed(what);
    }
    if (!sawData || !sawFmt) throw stripFailed(FORMAT, 'it has no audio format or data chunk');
    const trailing = await r.drain();
    if (trailing > 0) rec.removed(`data after the RIFF body (${trailing} bytes)`);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(sink.bytesWritten - 8, 0);
    await sink.patch(4, size);
    rec.note('audio data byte-identical; RIFF size rewritten');
    return rec.build();
  } catch (e) {
    if (e instanceof TruncatedInputError) throw stripFailed(FORMAT, 'the file is truncated', e);
    throw e;
  }
}
