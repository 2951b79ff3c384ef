import './vips-env';
import { parentPort } from 'node:worker_threads';
import exifr from 'exifr';
import sharp from 'sharp';
import { normalizeExifrOutput, type ExtractedMetadata } from './metadata';
import type { ParseRequest, ParseResponse } from './parse-protocol';

// Runs in a worker thread (DESIGN §1 A3): a hostile file can crash or hang only this thread, which the pool kills.
sharp.cache(false);
sharp.concurrency(1);

async function readMetadata(req: ParseRequest): Promise<ExtractedMetadata> {
  const raw = (await exifr.parse(req.path, {
    tiff: true,
    ifd0: {},
    ifd1: false,
    exif: true,
    gps: true,
    interop: false,
    xmp: true,
    iptc: true,
    icc: false,
    jfif: false,
    ihdr: true,
    makerNote: false,
    userComment: false,
    mergeOutput: false,
    translateKeys: true,
    translateValues: false,
    reviveValues: false,
    sanitize: true,
    silentErrors: false,
  } as never)) as Record<string, unknown> | undefined;
  return normalizeExifrOutput(raw);
}

async function makePreview(req: ParseRequest): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(req.path, { limitInputPixels: req.maxPixels, failOn: 'error', animated: false })
    .rotate() // apply EXIF orientation; output carries no metadata (sharp strips by default)
    .resize({ width: req.previewSize, height: req.previewSize, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78, effort: 2 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Library messages may quote paths; keep only the first line and drop anything that looks like a path.
  return m.split('\n')[0]!.replace(/\/[^\s:]+/g, '…').slice(0, 200);
}

parentPort!.on('message', (req: ParseRequest) => {
  void (async () => {
    let metadata: ExtractedMetadata = {};
    let metadataError: string | undefined;
    if (req.wantMetadata) {
      try {
        metadata = await readMetadata(req);
      } catch (e) {
        metadataError = errorText(e);
      }
    }
    const res: { -readonly [K in keyof ParseResponse]: ParseResponse[K] } = { metadata };
    if (metadataError) res.metadataError = metadataError;
    if (req.wantPreview) {
      try {
        const p = await makePreview(req);
        res.preview = p.data;
        res.previewWidth = p.width;
        res.previewHeight = p.height;
      } catch (e) {
        res.previewError = errorText(e);
      }
    }
    const transfer = res.preview ? [res.preview.buffer as ArrayBuffer] : [];
    parentPort!.postMessage({ ok: true, value: res }, transfer);
  })().catch((e: unknown) => {
    parentPort!.postMessage({ ok: false, error: { code: 'PARSER_FAILED', message: errorText(e) } });
  });
});
