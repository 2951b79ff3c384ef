export { backupVault, DEFAULT_KEEP_GENERATIONS, type BackupOptions, type BackupProgress, type BackupReport } from './backup';
export { restoreBackup, type DamagedObject, type DamageReason, type RestoreOptions, type RestoreProgress, type RestoreReport } from './restore';
export { verifyBackup, type BackupCheck, type BackupProblem, type BackupVerifyOptions, type BackupVerifyProgress, type BackupVerifyReport } from './verify-backup';
export { backupKeyFingerprint, deriveBackupSigningKey } from './keys';
export { BACKUP_FILES, BACKUP_FORMAT_VERSION, GENERATION_FILES } from './format';
