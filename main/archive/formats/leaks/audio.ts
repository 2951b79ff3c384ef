/** Audio re-reads with positional reads: tags at either end of MP3, RIFF chunks of WAV, FLAC metadata blocks. */
import fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Findings } from './findings';

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(Math.max(0, len));
  const { bytesRead } = await fh.read(b, 0, b.length, Math.max(0, pos));
  return b.subarray(0, bytesRead);
}

async function withFile(file: string, run: (fh: FileHandle, size: number) => Promise<void>): Promise<void> {
  const fh = await fsp.open(file, 'r');
  try {
    await run(fh, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

export function mp3Findings(file: string, f: Findings): Promise<void> {
  return withFile(file, async (fh, size) => {
    const head = await readAt(fh, 0, 4096);
    if (head.toString('latin1', 0, 3) === 'ID3') f.add('unknown-metadata', 'ID3v2 tag');
    const info = head.toString('latin1', 0, 64);
    const idx = Math.max(info.indexOf('Xing'), info.indexOf('Info'));
    if (idx >= 0 && /^[A-Za-z]{4}/.test(head.toString('latin1', idx + 120, idx + 124))) f.add('software', 'encoder name in the Xing/LAME header');
    const tail = await readAt(fh, size - 65536, Math.min(size, 65536));
    if (tail.length >= 128 && tail.toString('latin1', tail.length - 128, tail.length - 125) === 'TAG') f.add('unknown-metadata', 'ID3v1 tag');
    if (tail.includes(Buffer.from('APETAGEX', 'latin1'))) f.add('unknown-metadata', 'APEv2 tag');
    if (tail.includes(Buffer.from('LYRICS200', 'latin1'))) f.add('unknown-metadata', 'Lyrics3 tag');
    if (tail.includes(Buffer.from('3DI', 'latin1'))) f.add('unknown-metadata', 'appended ID3v2 tag (possible)');
  });
}

const WAV_ALLOWED = new Set(['fmt ', 'fact', 'data', 'cue ', 'smpl', 'inst']);

export function wavFindings(file: string, f: Findings): Promise<void> {
  return withFile(file, async (fh, size) => {
    const riff = await readAt(fh, 0, 12);
    if (riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') return void f.add('unknown-metadata', 'not a WAV file');
    const end = Math.min(size, 8 + riff.readUInt32LE(4));
    if (end < size) f.add('unknown-metadata', `${size - end} bytes after the RIFF body`);
    let pos = 12;
    while (pos + 8 <= end) {
      const h = await readAt(fh, pos, 8);
      const id = h.toString('latin1', 0, 4);
      const len = h.readUInt32LE(4);
      if (!WAV_ALLOWED.has(id)) {
        const kind = id === 'LIST' ? (await readAt(fh, pos + 8, 4)).toString('latin1') : '';
        f.add(id === 'bext' ? 'owner' : 'unknown-metadata', `WAV chunk ${/^[\w ]{4}$/.test(id) ? id.trim() : '?'}${kind ? `/${kind.trim()}` : ''}`);
      }
      pos += 8 + len + (len & 1);
    }
  });
}

export function flacFindings(file: string, f: Findings): Promise<void> {
  return withFile(file, async (fh, size) => {
    let pos = 0;
    const magic = await readAt(fh, 0, 4);
    if (magic.toString('latin1', 0, 3) === 'ID3') f.add('unknown-metadata', 'ID3v2 tag');
    if (magic.toString('latin1') !== 'fLaC') return;
    pos = 4;
    for (let last = false; !last && pos + 4 <= size; ) {
      const h = await readAt(fh, pos, 4);
      last = ((h[0] as number) & 0x80) !== 0;
      const type = (h[0] as number) & 0x7f;
      if (type === 4) f.add('unknown-metadata', 'FLAC VORBIS_COMMENT (tags, encoder)');
      else if (type === 6) f.add('thumbnail', 'FLAC PICTURE');
      else if (type !== 0 && type !== 3 && type !== 5) f.add('unknown-metadata', `FLAC metadata block ${type}`);
      pos += 4 + h.readUIntBE(1, 3);
    }
    const tail = await readAt(fh, size - 128, 128);
    if (tail.length === 128 && tail.toString('latin1', 0, 3) === 'TAG') f.add('unknown-metadata', 'ID3v1 tag');
  });
}
