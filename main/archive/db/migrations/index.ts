import type { Migration } from '../migrate';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-catalogue';
import { migration0003 } from './0003-catalogue-search';
import { migration0004 } from './0004-library-indexes';
import { migration0005 } from './0005-transfers';
import { migration0006 } from './0006-drafts';
import { migration0007 } from './0007-witnesses';
import { migration0008 } from './0008-chats';
import { migration0009 } from './0009-proofmode';
import { migration0010 } from './0010-pending-previews';

/** Append only. A migration, once released, is never edited: write the next one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010];
