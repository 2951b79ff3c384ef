import type { Migration } from '../migrate';

// The DDL of each table group, executed in this order. Its text, indentation included, is what sqlite_master keeps
// of every vault created since: kept as it was written inside up(), so the schema stays byte-identical.

/** Cases and the items filed in them. */
const CASES = `
      CREATE TABLE cases (
        id         TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        country    TEXT,                -- ISO 3166-1 alpha-2
        status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'closed')),
        summary    TEXT,
        notes      TEXT,
        mechanisms TEXT NOT NULL DEFAULT '[]', -- JSON array of mechanism template ids
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
      ) STRICT;

      CREATE TABLE case_items (
        case_id  TEXT NOT NULL REFERENCES cases(id),
        item_id  TEXT NOT NULL REFERENCES items(id),
        added_at TEXT NOT NULL,
        PRIMARY KEY (case_id, item_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_items_item ON case_items(item_id);
`;

/** People and their roles in cases. */
const PERSONS = `
      CREATE TABLE persons (
        id          TEXT PRIMARY KEY,
        real_name   TEXT NOT NULL,
        pseudonym   TEXT NOT NULL,
        sex         TEXT CHECK (sex IN ('female', 'male', 'other', 'unknown')),
        birth_date  TEXT,             -- YYYY, YYYY-MM or YYYY-MM-DD
        nationality TEXT,             -- ISO 3166-1 alpha-2
        occupation  TEXT,
        contact     TEXT,
        notes       TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        deleted_at  TEXT
      ) STRICT;

      CREATE TABLE case_persons (
        case_id   TEXT NOT NULL REFERENCES cases(id),
        person_id TEXT NOT NULL REFERENCES persons(id),
        role      TEXT NOT NULL CHECK (role IN ('victim', 'witness', 'alleged-perpetrator', 'documenter', 'family', 'representative', 'source')),
        added_at  TEXT NOT NULL,
        PRIMARY KEY (case_id, person_id, role)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_persons_person ON case_persons(person_id);
`;

/** Testimonies, their revisions and the items they cite. */
const TESTIMONIES = `
      CREATE TABLE testimonies (
        id             TEXT PRIMARY KEY,
        case_id        TEXT REFERENCES cases(id),
        witness_id     TEXT REFERENCES persons(id),
        title          TEXT NOT NULL,
        interview_date TEXT,
        place          TEXT,
        interviewer    TEXT,
        language       TEXT,          -- BCP 47
        interpreter    TEXT,
        text           TEXT NOT NULL DEFAULT '',
        revision       INTEGER NOT NULL DEFAULT 1,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        deleted_at     TEXT
      ) STRICT;
      CREATE INDEX testimonies_case ON testimonies(case_id);

      -- Every saved state of a testimony (autosave included), so history is never lost.
      CREATE TABLE testimony_revisions (
        testimony_id TEXT NOT NULL REFERENCES testimonies(id),
        revision     INTEGER NOT NULL,
        fields       TEXT NOT NULL,   -- JSON of the structured fields at that revision
        text         TEXT NOT NULL,
        saved_at     TEXT NOT NULL,
        event_seq    INTEGER NOT NULL,
        PRIMARY KEY (testimony_id, revision)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE testimony_items (
        testimony_id TEXT NOT NULL REFERENCES testimonies(id),
        item_id      TEXT NOT NULL REFERENCES items(id),
        added_at     TEXT NOT NULL,
        PRIMARY KEY (testimony_id, item_id)
      ) STRICT, WITHOUT ROWID;
`;

/** Consent per person and mechanism. */
const CONSENTS = `
      -- Consent per person and mechanism ('*' = any mechanism). The newest row for the mechanism or for '*' is
      -- in force; if that row is revoked the state is 'revoked' (a withdrawal never brings back an older consent).
      -- Older rows stay as history. See main/archive/catalogue/consent.ts consentStateOf.
      CREATE TABLE consents (
        id              TEXT PRIMARY KEY,
        person_id       TEXT NOT NULL REFERENCES persons(id),
        mechanism       TEXT NOT NULL,
        disclose_name   INTEGER NOT NULL CHECK (disclose_name IN (0, 1)),
        share_material  INTEGER NOT NULL CHECK (share_material IN (0, 1)),
        recipients      TEXT,
        given_at        TEXT NOT NULL, -- date consent was given
        how_recorded    TEXT NOT NULL CHECK (how_recorded IN ('written-signed', 'oral-recorded', 'oral-witnessed', 'electronic', 'other')),
        evidence_item   TEXT REFERENCES items(id),
        notes           TEXT,
        recorded_at     TEXT NOT NULL,
        revoked_at      TEXT
      ) STRICT;
      CREATE INDEX consents_person ON consents(person_id, mechanism);
`;

/** Tag assignments. */
const TAGS = `
      -- Tags from ./shared/taxonomy. details: JSON of the taxonomy's assignment fields (Istanbul Protocol: position,
      -- duration, frequency, anatomical site, instruments, perpetrators present).
      CREATE TABLE tag_assignments (
        id          TEXT PRIMARY KEY,
        target_type TEXT NOT NULL CHECK (target_type IN ('item', 'testimony', 'case')),
        target_id   TEXT NOT NULL,
        term_id     TEXT NOT NULL,
        details     TEXT,
        assigned_by TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        removed_at  TEXT
      ) STRICT;
      CREATE INDEX tag_assignments_target ON tag_assignments(target_type, target_id);
      CREATE INDEX tag_assignments_term ON tag_assignments(term_id);
`;

/** Links between catalogue objects. */
const LINKS = `
      -- Free links between any two catalogue objects (e.g. item shows the injury described in testimony).
      CREATE TABLE links (
        id         TEXT PRIMARY KEY,
        from_type  TEXT NOT NULL CHECK (from_type IN ('item', 'testimony', 'case', 'person')),
        from_id    TEXT NOT NULL,
        to_type    TEXT NOT NULL CHECK (to_type IN ('item', 'testimony', 'case', 'person')),
        to_id      TEXT NOT NULL,
        relation   TEXT NOT NULL,
        note       TEXT,
        created_at TEXT NOT NULL,
        removed_at TEXT
      ) STRICT;
      CREATE INDEX links_from ON links(from_type, from_id);
      CREATE INDEX links_to ON links(to_type, to_id);
`;

/** Item descriptions. */
const ITEM_DESCRIPTIONS = `
      -- Descriptions documenters write for an item ("what it shows"), used in packet evidence indexes.
      ALTER TABLE items ADD COLUMN title TEXT;
      ALTER TABLE items ADD COLUMN description TEXT;
      ALTER TABLE items ADD COLUMN place TEXT;
`;

/** The full-text index. */
const SEARCH = `
      -- Full-text index. doc_type: item | case | testimony | person. Text is pre-normalised (see above).
      CREATE VIRTUAL TABLE search_fts USING fts5(
        doc_type UNINDEXED,
        doc_id UNINDEXED,
        title,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      -- Which FTS row holds which document, so an update touches one row instead of scanning the index.
      CREATE TABLE search_docs (
        doc_type  TEXT NOT NULL,
        doc_id    TEXT NOT NULL,
        fts_rowid INTEGER NOT NULL UNIQUE,
        PRIMARY KEY (doc_type, doc_id)
      ) STRICT, WITHOUT ROWID;
`;

/**
 * The catalogue (DESIGN §4): cases, people and their roles, testimonies with edit history, consent per person and
 * mechanism, tag assignments from the versioned taxonomies, links, and the full-text index.
 *
 * Conventions: ids are prefixed random strings (main/archive/ids.ts); times are ISO-8601 UTC strings; rows are
 * never hard-deleted by the catalogue (deleted_at / removed_at / revoked_at tombstones), so the custody log and the
 * tables always tell the same story. The FTS index stores text normalised by shared/text.ts normalizeForSearch
 * (accents, case and Arabic diacritics folded), and queries are normalised the same way.
 */
export const migration0002: Migration = {
  version: 2,
  name: '0002-catalogue',
  up(db) {
    for (const ddl of [CASES, PERSONS, TESTIMONIES, CONSENTS, TAGS, LINKS, ITEM_DESCRIPTIONS, SEARCH]) db.exec(ddl);
  },
};
