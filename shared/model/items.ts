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

/**
 * One OpenPGP detached signature checked at import (ProofMode bundles), by the library named in `verifier`.
 *  - 'valid': made by the key the bundle carries (pubkey.asc) over exactly these bytes, and that key was valid
 *    when it signed (the signature's own time, so a phone clock ahead of ours does not matter);
 *  - 'invalid': the signature does not match these bytes, or it or the key could not be read;
 *  - 'unknown-key': made by a key that is not the one in the bundle, so nothing here can check it.
 * Nobody vouches for the key: `keyFingerprint` says which key it was, not whose.
 */
export type PgpSignatureCheck = {
  readonly state: 'valid' | 'invalid' | 'unknown-key';
  readonly verifier: string;
  /** The signature file's name in the bundle (e.g. `<sha256>.asc`). */
  readonly signatureFile: string;
  /** The bundle key's fingerprint (upper-case hex), when it could be read. */
  readonly keyFingerprint?: string;
  readonly keyUserIds?: readonly string[];
  /** The key ID the signature names as its issuer (upper-case hex). */
  readonly issuerKeyId?: string;
  /** When the signature says it was made (the signer's clock). */
  readonly signedAt?: string;
  readonly hashAlgorithm?: string;
  /** Why it is not valid: a code the app translates, and the same in English words (CLI, logs). */
  readonly problem?: PgpSignatureProblem;
  readonly reason?: string;
};

export type PgpSignatureProblem = 'mismatch' | 'key-unreadable' | 'signature-unreadable' | 'too-large' | 'several-signatures' | 'other-key' | 'no-key' | 'check-failed';

/** What a file of a ProofMode bundle is (ProofMode's own layout: main/archive/proofmode/layout.ts). */
export type ProofModeRole = 'media' | 'proof-csv' | 'proof-json' | 'signature' | 'public-key' | 'opentimestamps' | 'device-integrity' | 'nostr' | 'proof-other' | 'batch-proof' | 'instructions' | 'other';

/**
 * A file imported from a ProofMode bundle (Guardian Project's capture app): its role, the media it belongs to (by
 * the SHA-256 ProofMode names its proof files with), and the PGP signature over it when the bundle has one. For
 * the media, also the bundle's other files for it and what its proof data states.
 */
export type ProofModeRecord = {
  readonly role: ProofModeRole;
  /** The media's SHA-256 that this file's name carries (ProofMode names every proof file `<sha256>.…`). */
  readonly mediaSha256?: string;
  /** The detached signature over this file (`<sha256>.asc` over the media, `<proof file>.asc` over a proof file). */
  readonly signature?: PgpSignatureCheck;
  /** Media only: whether the proof data's "File Hash SHA256" equals the media's own SHA-256. */
  readonly proofHashMatches?: boolean;
  /** Media only: the bundle's files for this media and, for the signed ones, their verdict. */
  readonly proofFiles?: readonly { readonly name: string; readonly role: ProofModeRole; readonly signature?: PgpSignatureCheck['state'] }[];
  /** Media only: what ProofMode recorded at capture (proof.json, else the last row of proof.csv), as it states it. */
  readonly proofData?: Readonly<Record<string, string>>;
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
  /** For a file imported from a ProofMode bundle: its role and the check of its PGP signature. */
  readonly proofMode?: ProofModeRecord;
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
  /** No preview yet, one is being made (issue 19: previews come after the originals); items.previewsMade says when. */
  readonly previewPending?: boolean;
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
  /** `key`: the message in shared/i18n (problem.…) when there is one; `message` is the English text (CLI). */
  readonly error?: { readonly code: string; readonly message: string; readonly key?: string };
};

export type IngestProgress = {
  /** 'previews': every original is durable and reported; the previews are being made (their own counts). */
  readonly phase: 'scanning' | 'ingesting' | 'previews' | 'done';
  readonly filesTotal: number;
  readonly filesDone: number;
  readonly bytesTotal: number;
  readonly bytesDone: number;
  /** Previews to make in this phase (this batch's and any left pending before), and made or found impossible so far. */
  readonly previewsTotal?: number;
  readonly previewsDone?: number;
};

export type IngestReport = {
  readonly results: readonly IngestFileResult[];
  readonly ingested: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: boolean;
  readonly checkpointSize?: number;
  /**
   * Previews still to be made once the import returned (a cancel while they were being made, or a vault error): the
   * next unlock or import makes them. Absent when none (ingestSources: the app's import and `huella ingest`).
   */
  readonly previewsPending?: number;
};
