import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isHuellaError } from '../../../../../main/archive/errors';
import { stripToFile } from '../../../../../main/archive/formats/index';
import { readAvInfo } from '../../../../../main/archive/ingest/av-info';
import { exiftoolRead } from '../../../../fixtures/exiftool';
import { decodedMd5, DRONE_SUBTITLE, makeCameraMp4, makeDroneMkv, makeMatroska, makeOgg, packetMd5s, tool, type OggKind } from '../../../../fixtures/phone-media';
import type { MadeFixture } from '../../../../fixtures/photos';
import { tempDir } from '../../../../helpers/tmp';
import { expectClean, expectDirty, OPTS, strip } from './strip-helpers';

const dir = tempDir('huella-phone-av-');

/** exiftool tags that would identify a voice note or video: comments, titles, artists, dates, locations, apps. */
async function identifying(file: string): Promise<string[]> {
  const tags = await exiftoolRead(file);
  return Object.entries(tags)
    .filter(([k]) => !k.startsWith('System:') && !k.startsWith('ExifTool:') && /(Vorbis|Opus|FLAC|Matroska|Track\d)/.test(k.split(':')[0] ?? ''))
    .filter(([k, v]) => /(Artist|Title|Date|Location|Device|Comment|Vendor|MuxingApp|WritingApp|TrackName|Picture|Attach|Tag)/i.test(k) && String(v).length > 0)
    .map(([k]) => k);
}

describe('Ogg voice notes (Opus, Vorbis, FLAC in Ogg)', () => {
  for (const kind of ['opus', 'vorbis', 'flac'] as OggKind[]) {
    it(`${kind}: comments, vendor string and pictures removed; audio packets and decoded audio identical; pages renumbered with valid CRCs`, async () => {
      const fx = makeOgg({ dir, kind });
      await expectDirty(fx);
      expect((await identifying(fx.path)).length).toBeGreaterThan(0);
      const { out, result } = await strip(fx, dir);
      expect(result.record.method).toBe('lossless-structure');
      await expectClean(fx, out);
      expect(await identifying(out)).toEqual([]);
      // Every audio packet byte-identical (stream copy), and the decoded audio identical.
      const packets = packetMd5s(fx.path);
      expect(packets.length).toBeGreaterThan(10);
      expect(packetMd5s(out)).toEqual(packets);
      expect(decodedMd5(out)).toBe(decodedMd5(fx.path));
      if (kind === 'flac') expect(result.record.removed).toEqual(expect.arrayContaining(['PICTURE']));
    }, 60_000);
  }

  it('refuses a damaged page checksum and a truncated file with STRIP_FAILED, leaving nothing', async () => {
    const fx = makeOgg({ dir, kind: 'opus', name: 'damaged.opus' });
    const b = fs.readFileSync(fx.path);
    const flipped = Buffer.from(b);
    flipped[b.length - 10] = (flipped[b.length - 10] as number) ^ 0x40;
    for (const [name, bytes] of [['crc.opus', flipped], ['cut.opus', b.subarray(0, Math.floor(b.length / 2))]] as const) {
      const out = path.join(dir, `out-${name}`);
      const err = await stripToFile(() => Readable.from([bytes]), 'audio/ogg', out, OPTS).catch((e: unknown) => e);
      expect(isHuellaError(err, 'STRIP_FAILED'), name).toBe(true);
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  it('records duration and codec at import', async () => {
    const opus = makeOgg({ dir, kind: 'opus', name: 'dur.opus', seconds: 3 });
    expect(await readAvInfo(opus.path, 'audio/ogg')).toEqual({ codecs: ['opus'], durationSeconds: 3 });
    const flac = makeOgg({ dir, kind: 'flac', name: 'dur.oga', seconds: 2 });
    expect(await readAvInfo(flac.path, 'audio/ogg')).toEqual({ codecs: ['flac'], durationSeconds: 2 });
  }, 60_000);
});

describe('WebM / Matroska video', () => {
  for (const mkv of [false, true]) {
    it(`${mkv ? 'Matroska (mkvmerge)' : 'WebM (ffmpeg)'}: tags, attachments, title, dates, app names and track names gone in place; every frame identical`, async () => {
      const fx = makeMatroska({ dir, mkv });
      await expectDirty(fx);
      const { out, result } = await strip(fx, dir);
      await expectClean(fx, out);
      expect(await identifying(out)).toEqual([]);
      expect(result.record.removed).toEqual(expect.arrayContaining(['Info Title', 'Info DateUTC (muxing date)', 'Tags (title, artist, date, location, encoder… per track or file)']));
      if (mkv) expect(result.record.removed).toEqual(expect.arrayContaining(['Attachments (cover art, fonts, attached files)', 'track names']));
      // Same size: nothing moved, so SeekHead and Cues positions still hold; every coded frame identical.
      expect(fs.statSync(out).size).toBe(fs.statSync(fx.path).size);
      const maps = ['0:v:0', '0:a:0'];
      expect(packetMd5s(out, maps)).toEqual(packetMd5s(fx.path, maps));
      expect(decodedMd5(out, maps)).toBe(decodedMd5(fx.path, maps));
      expect(await readAvInfo(out, fx.mediaType)).toEqual({ codecs: ['V_VP9', 'A_OPUS'], durationSeconds: expect.closeTo(2, 1) as unknown as number });
    }, 60_000);
  }

  for (const muxer of ['ffmpeg', 'mkvmerge'] as const) {
    it(`a subtitle track (a drone's GPS as subtitles, ${muxer}): its entry, frames and cue points become Void; the video is identical`, async () => {
      const fx = makeDroneMkv({ dir, name: `with-subtitles-${muxer}.mkv`, mkvmerge: muxer === 'mkvmerge' });
      const mkv = fx.path;
      expect(fs.readFileSync(mkv).includes(Buffer.from(DRONE_SUBTITLE, 'latin1'))).toBe(true);
      expect(tool('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', mkv]).toString().trim().split('\n')).toEqual(['video', 'subtitle']);
      const { out, result } = await strip(fx, dir);
      await expectClean(fx, out);
      expect(result.record.removed.some((r) => r.startsWith('a subtitle track (its entry, frames and index entries turned into Void elements'))).toBe(true);
      expect(fs.statSync(out).size).toBe(fs.statSync(mkv).size);
      expect(tool('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', out]).toString().trim()).toBe('video');
      expect(packetMd5s(out, ['0:v:0'])).toEqual(packetMd5s(mkv, ['0:v:0']));
      expect(decodedMd5(out, ['0:v:0'])).toBe(decodedMd5(mkv, ['0:v:0']));
      // mkvinfo (mkvtoolnix, not our parser) reads the copy whole and finds one track and no cue of track 2.
      const info = tool('mkvinfo', ['-v', '-a', out]).toString();
      expect(info.match(/Track type:/g)?.length).toBe(1);
      expect(info).not.toMatch(/Cue track: 2|track number 2/);
    }, 60_000);
  }

  it('fails clearly on a truncated file', async () => {
    const fx = makeMatroska({ dir, name: 'cut.webm' });
    const b = fs.readFileSync(fx.path);
    const out = path.join(dir, 'out-cut.webm');
    const err = await stripToFile(() => Readable.from([b.subarray(0, Math.floor(b.length * 0.6))]), 'video/webm', out, OPTS).catch((e: unknown) => e);
    expect(isHuellaError(err, 'STRIP_FAILED')).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('MP4 / MOV from a camera (ffmpeg: H.264, AAC, a drone subtitle track with GPS)', () => {
  const maps = ['0:v:0', '0:a:0'];
  /** The offset of the type field of the n-th (from 0) box of `type`, found by its name as a byte string. */
  const boxAt = (b: Buffer, type: string, n = 0): number => {
    let at = -1;
    for (let i = 0; i <= n; i++) at = b.indexOf(Buffer.from(type, 'latin1'), at + 1);
    if (at < 0) throw new Error(`no ${type} #${n}`);
    return at;
  };
  const rename = (file: string, type: string, n: number, to: string, name: string): MadeFixture => {
    const b = fs.readFileSync(file);
    b.write(to, boxAt(b, type, n), 'latin1');
    const out = path.join(dir, name);
    fs.writeFileSync(out, b);
    return { path: out, mediaType: 'video/mp4', originalValues: [DRONE_SUBTITLE] };
  };
  /** The first video sample's size (stsz entry 1) grown by `by` bytes, as a damaged table would. */
  const grownSample = (file: string, name: string, by = 4096): MadeFixture => {
    const b = fs.readFileSync(file);
    const entry = boxAt(b, 'stsz', 0) + 4 + 12;
    b.writeUInt32BE(b.readUInt32BE(entry) + by, entry);
    const out = path.join(dir, name);
    fs.writeFileSync(out, b);
    return { path: out, mediaType: 'video/mp4', originalValues: [DRONE_SUBTITLE] };
  };
  const leaked = (fx: MadeFixture, out: string): string[] => fx.originalValues.filter((v) => fs.readFileSync(out).includes(Buffer.from(v, 'latin1')));

  for (const v of [{ name: 'camera.mp4' }, { name: 'camera.mov', mov: true }, { name: 'camera-faststart.mp4', faststart: true }, { name: 'camera-fragmented.mp4', fragmented: true }]) {
    it(`${v.name}: names, places, dates and the subtitle track gone in place; every video and audio frame identical`, async () => {
      const fx = makeCameraMp4({ dir, ...v });
      expect(fx.originalValues.every((x) => fs.readFileSync(fx.path).includes(Buffer.from(x, 'latin1')))).toBe(true);
      const { out, result } = await strip(fx, dir);
      expect(leaked(fx, out)).toEqual([]);
      expect(fs.statSync(out).size).toBe(fs.statSync(fx.path).size);
      expect(packetMd5s(out, maps)).toEqual(packetMd5s(fx.path, maps));
      expect(decodedMd5(out, maps)).toBe(decodedMd5(fx.path, maps));
      if (!v.fragmented) expect(result.record.removed.some((r) => /^track of type '(text|sbtl)'/.test(r))).toBe(true);
    }, 60_000);
  }

  it('zeroes media data that no kept track points at: the samples an editor left when it removed a track', async () => {
    const fx = makeCameraMp4({ dir, name: 'leftover-src.mp4' });
    // The subtitle track (the third) turned into free space by an editor: its samples stay in mdat, pointed at by nothing.
    const damaged = rename(fx.path, 'trak', 2, 'free', 'leftover.mp4');
    const { out, result } = await strip(damaged, dir);
    expect(leaked(damaged, out)).toEqual([]);
    expect(result.record.removed.some((r) => /^media data no video or sound track points at \(\d+ bytes, zeroed\)$/.test(r))).toBe(true);
    expect(packetMd5s(out, maps)).toEqual(packetMd5s(damaged.path, maps));
  }, 60_000);

  it('turns a top-level box of a type it does not know (a dashcam GPS box) into zeroed free space', async () => {
    const fx = makeCameraMp4({ dir, name: 'vendor-box-src.mp4' });
    const body = Buffer.from(`${DRONE_SUBTITLE} from a vendor box`, 'latin1');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write('gps ', 4, 'latin1');
    const withBox = path.join(dir, 'vendor-box.mp4');
    fs.writeFileSync(withBox, Buffer.concat([fs.readFileSync(fx.path), head, body]));
    const made: MadeFixture = { path: withBox, mediaType: 'video/mp4', originalValues: [DRONE_SUBTITLE] };
    const { out, result } = await strip(made, dir);
    expect(leaked(made, out)).toEqual([]);
    expect(result.record.removed).toContain("a top-level box of unknown type 'gps ' (turned into free space)");
    const b = fs.readFileSync(out);
    expect(b.length).toBe(fs.statSync(withBox).size);
    expect(b.subarray(b.length - body.length - 4, b.length - body.length).toString('latin1')).toBe('free');
    expect(packetMd5s(out, maps)).toEqual(packetMd5s(withBox, maps));
  }, 60_000);

  it('turns a box of unknown type in moov or a track (a udta whose type a damaged byte changed) into zeroed free space', async () => {
    const fx = makeCameraMp4({ dir, name: 'odd-child-src.mp4' });
    const values = fx.originalValues.filter((v) => v !== DRONE_SUBTITLE);
    const moovUdta = rename(fx.path, 'udta', 0, 'udtz', 'odd-moov-child.mp4');
    const b = fs.readFileSync(moovUdta.path);
    // The udta a muxer writes last in moov holds the artist, title and location.
    expect(values.some((v) => b.includes(Buffer.from(v, 'latin1')))).toBe(true);
    const { out, result } = await strip({ ...moovUdta, originalValues: values }, dir);
    expect(values.filter((v) => fs.readFileSync(out).includes(Buffer.from(v, 'latin1')))).toEqual([]);
    expect(result.record.removed.some((r) => /^a box of unknown type 'udtz' in (moov|trak) \(turned into free space\)$/.test(r))).toBe(true);
    expect(packetMd5s(out, maps)).toEqual(packetMd5s(moovUdta.path, maps));
  }, 60_000);

  it('reads compact sample sizes (stz2) as it reads stsz: the same samples kept, nothing taken for leftover data', async () => {
    const fx = makeCameraMp4({ dir, name: 'stz2-src.mp4' });
    const b = fs.readFileSync(fx.path);
    // The video's stsz (32-bit sizes) rewritten as stz2 with 16-bit sizes, followed by a free box of the bytes saved,
    // so no box size and no offset changes.
    const at = boxAt(b, 'stsz', 0) - 4;
    const size = b.readUInt32BE(at);
    const count = b.readUInt32BE(at + 16);
    expect(b.readUInt32BE(at + 12)).toBe(0); // sizes listed one by one
    const stz2 = Buffer.alloc(20 + 2 * count);
    stz2.writeUInt32BE(stz2.length, 0);
    stz2.write('stz2', 4, 'latin1');
    stz2[15] = 16;
    stz2.writeUInt32BE(count, 16);
    for (let i = 0; i < count; i++) {
      const sampleSize = b.readUInt32BE(at + 20 + 4 * i);
      expect(sampleSize).toBeLessThan(0x10000);
      stz2.writeUInt16BE(sampleSize, 20 + 2 * i);
    }
    const free = Buffer.alloc(size - stz2.length);
    free.writeUInt32BE(free.length, 0);
    free.write('free', 4, 'latin1');
    const compact = path.join(dir, 'stz2.mp4');
    fs.writeFileSync(compact, Buffer.concat([b.subarray(0, at), stz2, free, b.subarray(at + size)]));
    expect(packetMd5s(compact, maps)).toEqual(packetMd5s(fx.path, maps));
    const { out, result } = await strip({ ...fx, path: compact }, dir);
    expect(leaked(fx, out)).toEqual([]);
    expect(result.record.removed.some((r) => r.startsWith('media data no video or sound track points at'))).toBe(false);
    expect(packetMd5s(out, maps)).toEqual(packetMd5s(fx.path, maps));
  }, 60_000);

  it('refuses, with the reason, a file whose media cannot be told from leftover data', async () => {
    const fx = makeCameraMp4({ dir, name: 'untraceable-src.mp4' });
    const cases: Array<[MadeFixture, 'STRIP_FAILED' | 'STRIP_UNSUPPORTED', RegExp]> = [
      [rename(fx.path, 'stco', 0, 'stcx', 'video-no-table.mp4'), 'STRIP_FAILED', /video or sound track has no sample tables/],
      [rename(fx.path, 'hdlr', 1, 'hdlx', 'no-handler.mp4'), 'STRIP_FAILED', /track has no handler/],
      [rename(fx.path, 'moov', 0, 'junk', 'no-moov.mp4'), 'STRIP_UNSUPPORTED', /no movie box \(moov\)/],
      // The subtitle track's chunk table unreadable: its GPS samples cannot be located (the reliability campaign's leak).
      [rename(fx.path, 'stco', 2, 'stcx', 'subtitle-no-table.mp4'), 'STRIP_FAILED', /timed-metadata track \('(text|sbtl)'\) has damaged sample tables/],
      // A video sample size grown by a damaged table: the video would "keep" the bytes after it (the subtitle's, say).
      [grownSample(fx.path, 'video-sample-grown.mp4'), 'STRIP_FAILED', /sample tables are damaged: two samples share the same bytes/],
      [grownSample(fx.path, 'video-sample-outside.mp4', 0x40000000), 'STRIP_FAILED', /sample tables are damaged: a sample lies outside the media data/],
    ];
    for (const [bad, code, reason] of cases) {
      const out = path.join(dir, `out-${path.basename(bad.path)}`);
      const err = await stripToFile(() => fs.createReadStream(bad.path), bad.mediaType, out, OPTS).catch((e: unknown) => e);
      expect(isHuellaError(err, code), `${path.basename(bad.path)}: ${String(err)}`).toBe(true);
      expect((err as Error).message).toMatch(reason);
      expect(fs.existsSync(out)).toBe(false);
    }
  }, 60_000);
});
