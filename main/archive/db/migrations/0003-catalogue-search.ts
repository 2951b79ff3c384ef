import type { Migration } from '../migrate';

/**
 * What the catalogue services need beyond 0002:
 *
 * - event_salts: the random salt of each custody event that commits to free text or personal data
 *   (`commitment = sha256(salt ‖ JCS(values))`). Per event, so opening one commitment to a reviewer (salt + values)
 *   never helps anyone guess the values behind another.
 * - search_docs, rebuilt: keyed by the FTS rowid, with the filter and sort keys of every indexed document copied
 *   into its small rows, so that filtering, sorting and counting 100k items never reads the wide items rows
 *   (metadata JSON) and every filter/sort has a covering index. Kept in step by catalogue/search-index.ts.
 * - an index of active tag assignments by term (the tag filter), testimonies by witness.
 * - FTS5 rank = bm25 with titles weighted above bodies (the doc_type/doc_id columns carry no text).
 */
export const migration0003: Migration = {
  version: 3,
  name: '0003-catalogue-search',
  up(db) {
    db.exec(`
      CREATE TABLE event_salts (
        seq  INTEGER PRIMARY KEY REFERENCES events(seq),
        salt BLOB NOT NULL
      ) STRICT;

      -- Replaces 0002's search_docs (never written before this migration): a rowid table keyed by the FTS rowid, so
      -- joining an FTS match to its document is one b-tree step, and every filter/sort index below is covering
      -- (the rowid is in every index), so counting and paging never read the wide items rows.
      DROP TABLE search_docs;
      DELETE FROM search_fts;
      CREATE TABLE search_docs (
        fts_rowid  INTEGER PRIMARY KEY,
        doc_type   TEXT NOT NULL,
        doc_id     TEXT NOT NULL,
        sort_date  TEXT NOT NULL,   -- items: capture time, else ingest time; testimonies: interview date, else creation
        sort_name  TEXT NOT NULL,   -- normalised title (items: title, else file name)
        media_type TEXT,            -- items only
        has_gps    INTEGER,         -- items only: 0/1
        place      TEXT,            -- normalised place (items, testimonies)
        UNIQUE (doc_type, doc_id)
      ) STRICT;
      CREATE INDEX search_docs_date ON search_docs(sort_date);
      CREATE INDEX search_docs_type_date ON search_docs(doc_type, sort_date);
      CREATE INDEX search_docs_media ON search_docs(doc_type, media_type, has_gps, sort_date);
      CREATE INDEX search_docs_name ON search_docs(sort_name);
      CREATE INDEX search_docs_type_name ON search_docs(doc_type, sort_name);
      CREATE INDEX search_docs_place ON search_docs(place, doc_type, sort_date) WHERE place IS NOT NULL;

      CREATE INDEX tag_assignments_active ON tag_assignments(term_id, target_type, target_id) WHERE removed_at IS NULL;
      CREATE INDEX testimonies_witness ON testimonies(witness_id);
      CREATE INDEX case_persons_case ON case_persons(case_id, person_id);

      INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(0.0, 0.0, 10.0, 1.0)');
    `);
  },
};
