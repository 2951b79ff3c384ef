import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { deterministicZip } from '../formats/zip/write';
import { listFiles } from './files';

/**
 * The zipped form of a packet (RFC 8493 §4 serialization: one top-level folder named after the bag), written by the
 * one deterministic zip writer (formats/zip/write.ts): entries in byte order of their paths (listFiles sorts them).
 * Media files are stored (already compressed); text is deflated.
 */
const STORE = /\.(jpe?g|png|webp|gif|avif|heic|heif|mp4|mov|m4a|m4v|3gp|3g2|mp3|flac|ogg|opus|zip|docx|xlsx|pptx|odt|ods|odp|age|pdf)$/i;

export async function writePacketZip(bagRoot: string, outFile: string, topFolder: string, signal?: AbortSignal): Promise<void> {
  const entries = (await listFiles(bagRoot)).map((rel) => ({ name: `${topFolder}/${rel}`, file: path.join(bagRoot, ...rel.split('/')), compress: !STORE.test(rel) }));
  await pipeline(deterministicZip(entries), fs.createWriteStream(outFile, { flags: 'wx', mode: 0o600 }), signal ? { signal } : {});
}
