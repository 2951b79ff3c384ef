import type { Migration } from '../migrate';

/**
 * Previews made after the originals are safe (issue 19): an item whose preview is still to be made is marked
 * 'pending' in the same transaction that records it, so a crash or a quit between the two phases loses nothing (the
 * next open or import makes it); a file the parser cannot make a preview of is marked 'failed' once and not retried.
 * NULL: no preview wanted, or made. Owned by db/items.ts.
 */
export const migration0010: Migration = {
  version: 10,
  name: '0010-pending-previews',
  up(db) {
    db.exec(`
      ALTER TABLE items ADD COLUMN preview_state TEXT CHECK (preview_state IN ('pending', 'failed'));
      CREATE INDEX items_preview_pending ON items(preview_state) WHERE preview_state = 'pending';
    `);
  },
};
