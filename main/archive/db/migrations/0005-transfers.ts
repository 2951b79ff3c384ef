import type { Migration } from '../migrate';

/**
 * Transfers between vaults and S3 remotes (DESIGN §9). Owner module: ../transfers.ts.
 *  - transfer_senders: senders' custody keys, pinned at first use (their contact card line and fingerprint).
 *  - transfers_received: one row per bundle received (a replay is refused by its bundle id).
 *  - received_custody: per received item, the sender's custody material (events, proofs, checkpoint) as the
 *    bundle brought it, so later packets can carry the sender's link of the chain too.
 *  - transfers_sent: one row per bundle made (what left, to whom, the items.transferred event).
 *  - remotes: S3 remotes by name. Never credentials: those come from the AWS environment or profile.
 */
export const migration0005: Migration = {
  version: 5,
  name: '0005-transfers',
  up(db) {
    db.exec(`
      CREATE TABLE transfer_senders (
        fingerprint TEXT PRIMARY KEY,
        card        TEXT NOT NULL,
        public_key  BLOB NOT NULL UNIQUE,
        origin      TEXT NOT NULL,
        first_seen  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE transfers_received (
        bundle_id   TEXT PRIMARY KEY,
        sender      TEXT NOT NULL REFERENCES transfer_senders(fingerprint),
        received_at TEXT NOT NULL,
        items       INTEGER NOT NULL,
        duplicates  INTEGER NOT NULL,
        event_seq   INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE received_custody (
        item_id     TEXT PRIMARY KEY REFERENCES items(id),
        bundle_id   TEXT NOT NULL REFERENCES transfers_received(bundle_id),
        custody     TEXT NOT NULL
      ) STRICT;

      CREATE TABLE transfers_sent (
        bundle_id   TEXT PRIMARY KEY,
        recipient   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        items       INTEGER NOT NULL,
        event_seq   INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE remotes (
        name           TEXT PRIMARY KEY,
        url            TEXT NOT NULL,
        endpoint       TEXT,
        region         TEXT,
        allow_http     INTEGER NOT NULL DEFAULT 0,
        retention_days INTEGER,
        created_at     TEXT NOT NULL
      ) STRICT;
    `);
  },
};
