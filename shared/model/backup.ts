import { z } from 'zod';

/**
 * Backups as the app shows them (Settings → Backup): the last one (from the custody log's backup.written event),
 * a run to a chosen folder with progress, and a check of a backup folder. The archive's own reports
 * (main/archive/backup) carry more; these are the parts a person reads.
 */

export const BackupTargetInput = z.object({ path: z.string().min(1).max(4096) }).strict();

export type LastBackup = {
  /** When it was written (ISO 8601). */
  readonly at: string;
  readonly generation: number;
  readonly objects: number;
  readonly bytesWritten: number;
  readonly keyFingerprint: string;
};

export type BackupStatus = { readonly last?: LastBackup };

export type BackupRunProgress = {
  readonly phase: 'database' | 'objects' | 'finishing';
  readonly done: number;
  readonly total: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
};

export type BackupRunReport = {
  readonly generation: number;
  readonly createdAt: string;
  readonly firstBackup: boolean;
  readonly objects: number;
  readonly objectsCopied: number;
  readonly bytesWritten: number;
  readonly totalBytes: number;
  readonly keyFingerprint: string;
};

export type BackupVerifyRunProgress = { readonly done: number; readonly total: number; readonly bytesDone: number; readonly bytesTotal: number };

/** What a backup check found, by code (the renderer says it in the person's language). */
export const BACKUP_CHECKS = [
  'backup.marker',
  'backup.empty',
  'manifest.missing',
  'manifest.format',
  'manifest.signature',
  'manifest.key',
  'manifest.chain',
  'file.missing',
  'file.hash',
  'file.format',
  'database.plaintext',
  'objects.list',
  'object.missing',
  'object.size',
  'object.hash',
] as const;
export type BackupCheckCode = (typeof BACKUP_CHECKS)[number];

export type BackupVerifyRunReport = {
  readonly ok: boolean;
  /** The latest generation checked, and when it was made. */
  readonly generation?: number;
  readonly createdAt?: string;
  readonly objectsChecked: number;
  readonly bytesHashed: number;
  /** The backup was signed by this vault's backup key (checked only while the vault is unlocked). */
  readonly ours: boolean;
  readonly problems: readonly { readonly check: BackupCheckCode; readonly generation?: number; readonly object?: string; readonly message: string }[];
};
