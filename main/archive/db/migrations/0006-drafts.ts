import type { Migration } from '../migrate';

/**
 * Drafts (issue 13, shared/model/drafts.ts): what a person typed into a form and has not saved for real yet. One row
 * per form and record; `data` is the form's values as JSON, written as they type (encrypted like the rest of the
 * database, backed up with it). Not part of the custody log: a draft is not a record. Owned by db/drafts.ts.
 */
export const migration0006: Migration = {
  version: 6,
  name: '0006-drafts',
  up(db) {
    db.exec(`
      CREATE TABLE drafts (
        form       TEXT NOT NULL,
        record_id  TEXT NOT NULL,   -- the record the form edits, or 'new'
        data       TEXT NOT NULL,   -- JSON object: the form's values as typed
        base       TEXT,            -- fingerprint of the saved record the draft started from
        created_at TEXT NOT NULL,
        saved_at   TEXT NOT NULL,
        PRIMARY KEY (form, record_id)
      ) STRICT, WITHOUT ROWID;
      -- Deleting a record discards every draft of it, whatever the form.
      CREATE INDEX drafts_record ON drafts(record_id);
    `);
  },
};
