import type { Migration } from '../migrate';

/**
 * ProofMode bundles (issue 16): every file of a bundle is an item (the media, its proof data, signatures, the public
 * key, timestamps), and these tables say which bundle each came from, what it is, and which media it belongs to.
 * `proofmode_bundles` has one row per bundle imported (`content_sha256` over its file names and hashes, so the same
 * bundle imported again adds nothing); `proofmode_files` one row per file. File names can identify (the media's
 * name, the key's fingerprint): they stay in this encrypted database, and the custody event `proofmode.imported`
 * carries only a salted commitment of them (the salt here). Owned by db/proofmode.ts.
 */
export const migration0009: Migration = {
  version: 9,
  name: '0009-proofmode',
  up(db) {
    db.exec(`
      CREATE TABLE proofmode_bundles (
        id              TEXT PRIMARY KEY,                 -- pmb_…
        source_name     TEXT NOT NULL,                    -- the zip's or folder's name
        content_sha256  TEXT NOT NULL UNIQUE,             -- over the sorted (name, SHA-256) of its files
        key_fingerprint TEXT,                             -- of pubkey.asc, when it could be read
        imported_at     TEXT NOT NULL,
        commit_salt     BLOB NOT NULL
      ) STRICT;
      CREATE TABLE proofmode_files (
        bundle_id       TEXT NOT NULL REFERENCES proofmode_bundles(id),
        name            TEXT NOT NULL,                    -- its path in the bundle
        item_id         TEXT NOT NULL REFERENCES items(id),
        role            TEXT NOT NULL,                    -- media | proof-csv | proof-json | signature | public-key | …
        media_sha256    TEXT,                             -- the media hash its name carries
        media_item      TEXT REFERENCES items(id),        -- the media it belongs to (itself, for the media)
        signature_state TEXT,                             -- valid | invalid | unknown-key: the signature over it
        event_seq       INTEGER,                          -- the proofmode.imported event of its media
        PRIMARY KEY (bundle_id, name)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX proofmode_files_item ON proofmode_files(item_id);
      CREATE INDEX proofmode_files_media ON proofmode_files(media_item) WHERE media_item IS NOT NULL;
    `);
  },
};
