import type { Migration } from '../migrate';

/**
 * Witness cosignatures (DESIGN §9, issue 17). `witnesses`: the witness keys this vault trusts (C2SP cosignature
 * verifier keys) with the holder's own label for each, which never leaves the vault. `cosignatures`: each verified
 * cosignature line, beside the checkpoint it cosigns, with the time the witness signed. Owner: ../witnesses.ts.
 */
export const migration0007: Migration = {
  version: 7,
  name: '0007-witnesses',
  up(db) {
    db.exec(`
      CREATE TABLE witnesses (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL,
        verifier_key TEXT NOT NULL UNIQUE,
        label        TEXT NOT NULL,
        added_at     TEXT NOT NULL
      ) STRICT;

      CREATE TABLE cosignatures (
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
        witness_id    INTEGER NOT NULL REFERENCES witnesses(id),
        signed_at     INTEGER NOT NULL,
        line          TEXT NOT NULL,
        added_at      TEXT NOT NULL,
        PRIMARY KEY (checkpoint_id, witness_id, signed_at)
      ) STRICT;
      CREATE INDEX cosignatures_witness ON cosignatures(witness_id, checkpoint_id);
    `);
  },
};
