import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { listFiles } from './files';

/**
 * The zipped form of a packet (RFC 8493 §4 serialization: one top-level folder named after the bag). Deterministic:
 * entries in byte order of their paths, one fixed timestamp (1980-01-01 00:00, the DOS epoch, in local time as
 * DOS times are), mode 0644, no extended-timestamp extra field, no directory entries, no comment. Media files
 * are stored (already compressed); text is deflated.
 */
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);
const STORE = /\.(jpe?g|png|webp|gif|avif|heic|heif|mp4|mov|m4a|m4v|3gp|3g2|mp3|flac|ogg|opus|zip|docx|xlsx|pptx|odt|ods|odp|age|pdf)$/i;

export async function writePacketZip(bagRoot: string, outFile: string, topFolder: string, signal?: AbortSignal): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const rel of await listFiles(bagRoot)) {
    zip.addFile(path.join(bagRoot, ...rel.split('/')), `${topFolder}/${rel}`, {
      mtime: FIXED_TIME,
      mode: 0o100644,
      compress: !STORE.test(rel),
      forceDosTimestamp: true,
    });
  }
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(outFile, { flags: 'wx', mode: 0o600 }), signal ? { signal } : {});
}
