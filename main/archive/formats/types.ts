import type { WholeFile } from './whole-file';

/**
 * Shapes of metadata stripping for exported working copies (DESIGN §4, §6). The original evidentiary copy is never
 * touched: a stripper reads it as a stream and writes a new file whose transformation is described by a StripRecord,
 * which goes into custody/items.json and a custody event.
 */
export type StripOptions = { readonly keepCaptureDate: boolean; readonly keepOrientation: true };

/** `durable`: fsync the copy and its folder before returning (default off; see output.ts for why). */
export type StripFileOptions = StripOptions & { readonly durable?: boolean };

export type StripMethod = 'lossless-structure' | 'reencode' | 'rewrite';

export type StripRecord = {
  readonly method: StripMethod;
  readonly format: string;
  readonly removed: readonly string[];
  readonly kept: readonly string[];
  readonly notes?: string;
};

export type StripResult = { readonly record: StripRecord; readonly bytesIn: number; readonly bytesOut: number };

/**
 * Opens the plaintext as a fresh stream on every call (the caller decrypts it from the vault). `file`: set by
 * fileSource() when the plaintext is a file on disk, so a stripper can read it into reused buffers instead.
 * `whole`: the plaintext in one reused buffer (whole-file.ts; the caller release()s it), or null when it is larger
 * than WHOLE_FILE_LIMIT (or not to be had whole): set by fileSource() and by the export for a vault object
 * (vaultObjectSource, StripAhead: decrypted on a crypto worker, hence a promise), used by the strippers that keep
 * nothing past their next read (JPEG).
 */
export type StreamSource = (() => NodeJS.ReadableStream) & { readonly file?: string; readonly whole?: () => WholeFile | null | Promise<WholeFile | null> };

export type LeakKind =
  | 'gps'
  | 'serial'
  | 'make-model'
  | 'owner'
  | 'software'
  | 'timestamp'
  | 'xmp'
  | 'iptc'
  | 'comment'
  | 'thumbnail'
  | 'unknown-metadata'
  | 'original-value';

export type LeakFinding = { readonly kind: LeakKind; readonly detail: string };

/**
 * What the re-read found that a copy may legitimately hold: where it holds a capture date (empty: none), its
 * Orientation, the description of its colour profile.
 */
export type CopyFacts = { readonly captureDate: readonly string[]; readonly orientation?: number; readonly colourProfile?: string };

/**
 * `hashed`: SHA-256 and size of the bytes the re-read parsed, when it read the whole file at once (still images,
 * HEIF, PDF, office documents); absent when it streamed the file (audio, video, TIFF, text).
 */
export type CopyInspection = { readonly leaks: readonly LeakFinding[]; readonly facts: CopyFacts; readonly hashed?: { readonly sha256: string; readonly size: number } };

export type LeakOptions = StripOptions & { readonly originalValues?: readonly (string | { readonly field: string; readonly value: string })[] };

export type StripSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };
