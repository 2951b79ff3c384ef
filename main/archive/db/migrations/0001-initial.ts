import type { Migration } from '../migrate';

// The DDL of each table group, executed in this order. Its text, indentation included, is what sqlite_master keeps
// of every vault created since: kept as it was written inside up(), so the schema stays byte-identical.

/** Key/value settings. */
const SETTINGS = `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
`;

/** Encrypted objects: originals and working copies. */
const OBJECTS = `
      -- One row per encrypted blob. name = hex(HMAC-SHA256(nameKey, sha256)); the plain sha256 exists only here.
      CREATE TABLE objects (
        name       TEXT PRIMARY KEY,
        sha256     BLOB NOT NULL UNIQUE,
        size       INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('original', 'preview', 'derived')),
        created_at TEXT NOT NULL,
        purged_at  TEXT
      ) STRICT;
`;

/** Items: one per ingested original, with what was read of it. */
const ITEMS = `
      CREATE TABLE items (
        id             TEXT PRIMARY KEY,
        object_name    TEXT NOT NULL UNIQUE REFERENCES objects(name),
        media_type     TEXT NOT NULL,
        original_name  TEXT NOT NULL,
        source_note    TEXT,
        ingested_at    TEXT NOT NULL,
        ingest_seq     INTEGER NOT NULL,
        metadata       TEXT NOT NULL,
        commit_salt    BLOB NOT NULL,
        capture_time   TEXT,
        gps_lat        REAL,
        gps_lon        REAL,
        preview_object TEXT REFERENCES objects(name),
        warnings       TEXT,
        deleted_at     TEXT
      ) STRICT;
      CREATE INDEX items_ingested_at ON items(ingested_at);
      CREATE INDEX items_capture_time ON items(capture_time);
`;

/** The custody log: events, Merkle nodes of complete subtrees, signed checkpoints. */
const CUSTODY_LOG = `
      CREATE TABLE events (
        seq       INTEGER PRIMARY KEY,
        type      TEXT NOT NULL,
        subject   TEXT,
        bytes     BLOB NOT NULL,
        signature BLOB NOT NULL,
        hash      BLOB NOT NULL
      ) STRICT;
      CREATE INDEX events_subject ON events(subject);

      CREATE TABLE merkle_nodes (
        level INTEGER NOT NULL,
        idx   INTEGER NOT NULL,
        hash  BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE checkpoints (
        id         INTEGER PRIMARY KEY,
        size       INTEGER NOT NULL,
        note       TEXT NOT NULL,
        reason     TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
`;

/**
 * Vault core: key/value settings, encrypted objects (originals and working copies), items, the custody log
 * (events, Merkle nodes of complete subtrees, signed checkpoints).
 */
export const migration0001: Migration = {
  version: 1,
  name: '0001-initial',
  up(db) {
    for (const ddl of [SETTINGS, OBJECTS, ITEMS, CUSTODY_LOG]) db.exec(ddl);
  },
};
