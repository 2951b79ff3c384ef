import type { Migration } from '../migrate';
import { migration0001 } from './0001-initial';

/** Append only. A migration, once released, is never edited: write the next one. */
export const MIGRATIONS: readonly Migration[] = [migration0001];
