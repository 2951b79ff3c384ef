/** Item and ingest types shared by main (archive, ipc, cli) and the renderer. Pure types: no runtime. */

export type GpsPosition = { readonly lat: number; readonly lon: number; readonly alt?: number };

/** Metadata extracted at ingest and kept as evidence (DESIGN §4). */
export type ExtractedMetadata = {
  readonly captureTime?: string;
  readonly gps?: GpsPosition;
  readonly make?: string;
  readonly model?: string;
  readonly serial?: string;
  readonly lensModel?: string;
  readonly lensSerial?: string;
  readonly software?: string;
  readonly orientation?: number;
  readonly width?: number;
  readonly height?: number;
  readonly creators?: readonly string[];
  readonly copyright?: string;
  /** Audio/video length in seconds and codecs (Ogg, Matroska/WebM), e.g. ['opus'] or ['V_VP9', 'A_OPUS']. */
  readonly durationSeconds?: number;
  readonly codecs?: readonly string[];
  /** Every parsed segment (ifd0, exif, gps, xmp, iptc…), binary values dropped, capped in size. */
  readonly segments?: Record<string, Record<string, unknown>>;
};

export type ItemSummary = {
  readonly id: string;
  readonly mediaType: string;
  readonly originalName: string;
  readonly title?: string;
  readonly size: number;
  readonly sha256: string;
  readonly ingestedAt: string;
  readonly captureTime?: string;
  readonly hasGps: boolean;
  readonly hasPreview: boolean;
  readonly deleted: boolean;
};

export type IngestWarningCode = 'PARSER_FAILED' | 'PARSER_TIMEOUT' | 'TYPE_MISMATCH' | 'PREVIEW_FAILED';
export type IngestWarning = { readonly code: IngestWarningCode; readonly message: string };

export type ItemDetail = ItemSummary & {
  readonly ingestSeq: number;
  readonly sourceNote?: string;
  readonly description?: string;
  readonly place?: string;
  readonly metadata: ExtractedMetadata;
  readonly warnings: readonly IngestWarning[];
};

export type IngestStatus = 'ingested' | 'duplicate' | 'failed' | 'skipped';

export type IngestFileResult = {
  readonly path: string;
  readonly status: IngestStatus;
  readonly itemId?: string;
  readonly sha256?: string;
  readonly size?: number;
  readonly mediaType?: string;
  readonly warnings: readonly IngestWarning[];
  readonly error?: { readonly code: string; readonly message: string };
};

export type IngestProgress = {
  readonly phase: 'scanning' | 'ingesting' | 'done';
  readonly filesTotal: number;
  readonly filesDone: number;
  readonly bytesTotal: number;
  readonly bytesDone: number;
};

export type IngestReport = {
  readonly results: readonly IngestFileResult[];
  readonly ingested: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: boolean;
  readonly checkpointSize?: number;
};
