/** Item and ingest types shared by main (archive, ipc, cli) and the renderer. Pure types: no runtime. */

export type GpsPosition = { readonly lat: number; readonly lon: number; readonly alt?: number };

/** Metadata extracted at ingest and kept as evidence (DESIGN §4). */
/**
 * What a C2PA manifest store said at import, as validated by the library named in `validator`. `valid` means the
 * claim signature verifies and every hashed assertion and hard binding (the file's bytes) matches; the signer's
 * certificate is NOT checked against a trust list (none is configured), so `signer` is what the certificate
 * claims, not an identity vouched for.
 */
export type ContentCredentials = {
  readonly state: 'valid' | 'invalid';
  readonly validator: string;
  readonly manifests: number;
  readonly activeManifest?: string;
  readonly claimGenerator?: string;
  readonly signer?: string;
  readonly issuer?: string;
  readonly signedAt?: string;
  readonly assertions: readonly string[];
  /** Actions (c2pa.created, c2pa.edited…) with their digital source type and software agent. */
  readonly actions?: readonly { readonly action: string; readonly digitalSourceType?: string; readonly softwareAgent?: string; readonly when?: string }[];
  /** Capture assertions (Exif, metadata, location, creative work) as the manifest states them, size-capped. */
  readonly captureAssertions?: Record<string, unknown>;
  /** Validation status codes that are failures (empty when valid), with the component they concern. */
  readonly failures: readonly { readonly code: string; readonly url?: string }[];
};

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
  /** The file's Content Credentials (C2PA manifest store), read and validated at import. */
  readonly contentCredentials?: ContentCredentials;
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
