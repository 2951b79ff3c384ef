import '../formats/vips-env';
import { parentPort } from 'node:worker_threads';
import { serveSerially } from '../workers/serve';
import exifr from 'exifr';
import sharp from 'sharp';
import fsp from 'node:fs/promises';
import { avInfoOf, MATROSKA_TYPES, OGG_TYPES, readAvInfo } from './av-info';
import type * as C2paReader from './content-credentials';
import type * as HeifDecoder from './heif-preview';
import { readHeifSegments } from './heif-metadata';
import { collectYoungGarbage } from '../blobs/young-garbage';
import { normalizeExifrOutput, type ExtractedMetadata } from './metadata';
import { C2PA_TYPES, EXIFR_TYPES, HEIF_TYPES, HEVC_TYPES, JUMBF_BOX_TYPE, type ParseRequest, type ParseResponse } from './parse-protocol';

// Runs in a worker thread (DESIGN §1 A3): a hostile file can crash or hang only this thread, which the pool kills.
// A task that brought its file's bytes (a preview's original, transferred) or made a preview leaves them as garbage
// outside the JS heap behind a tiny handle, which V8 collects late (young-garbage.ts): a young-generation collection
// once the task is answered frees them at once.
sharp.cache(false);
sharp.concurrency(1);

// Two large libraries are loaded only when a file needs them, not with the worker (peak memory of an import,
// issue 19): the C2PA reader (~35 MB once loaded) and libheif's WebAssembly HEVC decoder (~30 MB).
let c2paModule: Promise<typeof C2paReader> | undefined;
const c2pa = (): Promise<typeof C2paReader> => (c2paModule ??= import('./content-credentials'));
let heifModule: Promise<typeof HeifDecoder> | undefined;
const heifDecoder = (): Promise<typeof HeifDecoder> => (heifModule ??= import('./heif-preview'));

/** Whether `buf` may hold a manifest store: a file without the bytes 'jumb' holds none, so the reader need not load. */
function mayHoldManifestStore(buf: Uint8Array): boolean {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).includes(JUMBF_BOX_TYPE);
}

/** HEIF files are read whole (a photo is a few MB); anything larger is not a photo we need to parse in memory. */
const MAX_HEIF_BYTES = 256 * 1024 * 1024;

/** The bytes to parse: given with the request (from memory), or read from the file. */
function input(req: ParseRequest): string | Buffer {
  return req.data ? Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength) : req.path;
}

async function sizeOf(req: ParseRequest): Promise<number> {
  return req.data ? req.data.byteLength : (await fsp.stat(req.path)).size;
}

async function readWhole(req: ParseRequest, limit: number): Promise<Buffer | undefined> {
  if ((await sizeOf(req)) > limit) return undefined;
  const src = input(req);
  return typeof src === 'string' ? fsp.readFile(src) : src;
}

async function readHeif(req: ParseRequest): Promise<Buffer> {
  const b = await readWhole(req, MAX_HEIF_BYTES);
  if (!b) throw new Error('the file is too large to parse as a HEIF image');
  return b;
}

async function readHeifMetadata(req: ParseRequest): Promise<ExtractedMetadata> {
  const h = await readHeifSegments(await readHeif(req));
  const meta: Record<string, unknown> = { ...normalizeExifrOutput(h.raw) };
  if (h.orientation !== undefined) meta.orientation = h.orientation;
  else delete meta.orientation; // Exif Orientation is informative only in HEIF; no irot/imir means upright
  if (h.width !== undefined) meta.width = h.width;
  if (h.height !== undefined) meta.height = h.height;
  return meta as ExtractedMetadata;
}

/** Files up to this size are read whole for their Content Credentials (the library works on a buffer). */
const MAX_C2PA_BYTES = 256 * 1024 * 1024;

async function readMetadata(req: ParseRequest): Promise<ExtractedMetadata> {
  const base = await readFormatMetadata(req);
  if (!C2PA_TYPES.has(req.mediaType) || req.holdsNoJumbf) return base;
  const whole = await readWhole(req, MAX_C2PA_BYTES);
  if (!whole || !mayHoldManifestStore(whole)) return base;
  const cc = await (await c2pa()).readContentCredentials(whole);
  return cc ? { ...base, contentCredentials: cc } : base;
}

/**
 * One object for every call: exifr keeps the Options it derives from an options object in a Map keyed by that object,
 * forever (Options.useCached), so a new literal per file leaked ~7 KB per file in this thread (issue 19: 138 MB of
 * heap in the parse thread after 15,000 photos, the import's peak RSS over 290 MB). exifr-options.test.ts keeps
 * every exifr call of main/ on a module-level constant.
 */
const EXIFR_OPTIONS = {
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
};

async function readFormatMetadata(req: ParseRequest): Promise<ExtractedMetadata> {
  if (HEIF_TYPES.has(req.mediaType)) return readHeifMetadata(req);
  if (OGG_TYPES.has(req.mediaType) || MATROSKA_TYPES.has(req.mediaType)) return req.data ? avInfoOf(input(req) as Buffer, req.mediaType) : readAvInfo(req.path, req.mediaType);
  if (!EXIFR_TYPES.has(req.mediaType)) return {};
  const raw = (await exifr.parse(input(req), EXIFR_OPTIONS as never)) as Record<string, unknown> | undefined;
  return normalizeExifrOutput(raw);
}

async function makePreview(req: ParseRequest): Promise<{ data: Buffer; width: number; height: number }> {
  let image: sharp.Sharp;
  if (HEVC_TYPES.has(req.mediaType)) {
    // libvips as bundled cannot decode HEVC: libheif (WebAssembly) decodes, with rotation/mirror applied.
    const img = await (await heifDecoder()).decodeHeifPrimary(await readHeif(req), req.maxPixels);
    image = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } });
  } else {
    image = sharp(input(req), { limitInputPixels: req.maxPixels, failOn: 'error', animated: false }).rotate(); // apply EXIF orientation
  }
  // The output carries no metadata (sharp strips by default). A JPEG or WebP is decoded already shrunk by 2, 4 or 8
  // when the preview is that much smaller (sharp's shrink-on-load, on by default with resize). libwebp's effort 0
  // (its fastest method): 512 px previews of the bench's photos cost 14.7 ms of CPU each against 19.0 ms at effort 2
  // (median of 5 rounds of 48, one thread), for 2% more bytes (29.1 KB against 28.5 KB).
  const { data, info } = await image
    .resize({ width: req.previewSize, height: req.previewSize, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78, effort: 0 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Library messages may quote paths; keep only the first line and drop anything that looks like a path.
  return m.split('\n')[0]!.replace(/\/[^\s:]+/g, '…').slice(0, 200);
}

/** One task: metadata, preview and manifest store as asked, answered with its result or the error that stopped it. */
async function handle(req: ParseRequest): Promise<void> {
  try {
    await answer(req);
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: { code: 'PARSER_FAILED', message: errorText(e) } });
  }
}

async function answer(req: ParseRequest): Promise<void> {
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
  if (req.wantManifestStore) {
    const whole = await readWhole(req, MAX_C2PA_BYTES).catch(() => undefined);
    const store = whole && mayHoldManifestStore(whole) ? (await c2pa()).extractManifestStore(whole) : undefined;
    if (store) res.manifestStore = new Uint8Array(store);
  }
  const transfer = [...(res.preview ? [res.preview.buffer as ArrayBuffer] : []), ...(res.manifestStore ? [res.manifestStore.buffer as ArrayBuffer] : [])];
  parentPort!.postMessage({ ok: true, value: res }, transfer);
  if (req.data || req.wantPreview) setImmediate(collectYoungGarbage);
}

// The pool may queue several files in this thread (parser-pool.ts): they are parsed one after another, so the file
// whose parse hangs or crashes the thread is the one the pool's time limit and failure name.
serveSerially(handle);
