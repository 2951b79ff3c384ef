import { reader, writer, type ReadableDb, type WritableDb } from './connection';

/** The proofmode_bundles and proofmode_files tables (migration 0009): typed reads and writes, nothing else touches them. */

export type ProofModeBundleRow = {
  readonly id: string;
  readonly sourceName: string;
  readonly contentSha256: string;
  readonly keyFingerprint: string | null;
  readonly importedAt: string;
  readonly commitSalt: Buffer;
};

export type ProofModeFileRow = {
  readonly bundleId: string;
  readonly name: string;
  readonly itemId: string;
  readonly role: string;
  readonly mediaSha256: string | null;
  readonly mediaItem: string | null;
  readonly signatureState: string | null;
  readonly eventSeq: number | null;
};

const FILE_COLUMNS = `bundle_id AS bundleId, name, item_id AS itemId, role, media_sha256 AS mediaSha256, media_item AS mediaItem,
                      signature_state AS signatureState, event_seq AS eventSeq`;

const SQL = {
  insertBundle: `INSERT INTO proofmode_bundles (id, source_name, content_sha256, key_fingerprint, imported_at, commit_salt)
                 VALUES (@id, @sourceName, @contentSha256, @keyFingerprint, @importedAt, @commitSalt)`,
  insertFile: `INSERT INTO proofmode_files (bundle_id, name, item_id, role, media_sha256, media_item, signature_state, event_seq)
               VALUES (@bundleId, @name, @itemId, @role, @mediaSha256, @mediaItem, @signatureState, @eventSeq)`,
  bundleByContent: `SELECT id, source_name AS sourceName, content_sha256 AS contentSha256, key_fingerprint AS keyFingerprint, imported_at AS importedAt,
                           commit_salt AS commitSalt FROM proofmode_bundles WHERE content_sha256 = ?`,
  filesOfBundle: `SELECT ${FILE_COLUMNS} FROM proofmode_files WHERE bundle_id = ? ORDER BY name`,
  filesOfItem: `SELECT ${FILE_COLUMNS} FROM proofmode_files WHERE item_id = ? ORDER BY bundle_id, name`,
  filesOfMedia: `SELECT ${FILE_COLUMNS} FROM proofmode_files WHERE media_item = ? ORDER BY bundle_id, name`,
} as const;

export function insertProofModeBundle(db: WritableDb, bundle: ProofModeBundleRow, files: readonly Omit<ProofModeFileRow, 'bundleId'>[]): void {
  const w = writer(db);
  w.run(SQL.insertBundle, bundle);
  for (const f of files) w.run(SQL.insertFile, { ...f, bundleId: bundle.id });
}

export function proofModeBundleByContent(db: ReadableDb, contentSha256: string): ProofModeBundleRow | undefined {
  return reader(db).one<ProofModeBundleRow>(SQL.bundleByContent, contentSha256);
}

export function proofModeFilesOfBundle(db: ReadableDb, bundleId: string): ProofModeFileRow[] {
  return reader(db).all<ProofModeFileRow>(SQL.filesOfBundle, bundleId);
}

/** The bundle entries of an item (a file may have come in more than one bundle). */
export function proofModeEntriesOfItem(db: ReadableDb, itemId: string): ProofModeFileRow[] {
  return reader(db).all<ProofModeFileRow>(SQL.filesOfItem, itemId);
}

/** Every bundle file that belongs to a media item (its proof data, signatures, timestamps; the media itself too). */
export function proofModeFilesOfMedia(db: ReadableDb, mediaItemId: string): ProofModeFileRow[] {
  return reader(db).all<ProofModeFileRow>(SQL.filesOfMedia, mediaItemId);
}
