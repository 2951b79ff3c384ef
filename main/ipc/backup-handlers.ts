import { backupVault, deriveBackupSigningKey, verifyBackup } from '../archive/backup';
import { latestEvent } from '../archive/custody/views';
import { openVault } from '../archive/vault/vault';
import { BACKUP_CHECKS, type BackupCheckCode, type BackupStatus } from '../../shared/model/backup';
import type { Handlers } from './handlers';
import type { Session } from './session';

type BackupMethods = 'backup.status' | 'backup.start' | 'backup.verify' | 'dialog.chooseBackupFolder' | 'vault.newRecoveryKey' | 'notices.once';

const isCheck = (c: string): c is BackupCheckCode => (BACKUP_CHECKS as readonly string[]).includes(c);

/**
 * Backup in the app (Settings → Backup, issue 13): the same backupVault and verifyBackup as `huella backup`, run as
 * long operations with progress and cancel; the last backup read from the custody log; a new recovery sheet; and the
 * one-time notice after an import that the originals are still where they were.
 */
export function backupHandlers(session: Session): Pick<Handlers, BackupMethods> {
  return {
    async 'dialog.chooseBackupFolder'() {
      const p = await session.dialogs.chooseBackupFolder();
      return p ? { path: p } : null;
    },
    async 'backup.status'() {
      const e = latestEvent(session.requireVault().log, 'backup.written');
      if (!e) return {};
      const d = e.data as { generation?: number; objects?: number; bytesWritten?: number; keyFingerprint?: string };
      const status: BackupStatus = {
        last: { at: e.time, generation: d.generation ?? 0, objects: d.objects ?? 0, bytesWritten: d.bytesWritten ?? 0, keyFingerprint: d.keyFingerprint ?? '' },
      };
      return status;
    },
    async 'backup.start'(input) {
      const vault = session.requireVault();
      const operationId = session.startOperation('backup', async (signal, progress) => {
        const r = await backupVault(vault, input.path, { signal, onProgress: (p) => progress({ kind: 'backup', progress: p }, p.phase !== 'objects') });
        return {
          kind: 'backup',
          report: {
            generation: r.generation,
            createdAt: r.createdAt,
            firstBackup: r.firstBackup,
            objects: r.objects.total,
            objectsCopied: r.objects.copied,
            bytesWritten: r.bytesWritten,
            totalBytes: r.totalBytes,
            keyFingerprint: r.keyFingerprint,
          },
        };
      });
      return { operationId };
    },
    async 'backup.verify'(input) {
      // With the vault unlocked, the backup must also be signed by THIS vault's backup key.
      const vault = session.vault && !session.vault.isLocked ? session.vault : undefined;
      const expectedKey = vault ? Buffer.from(deriveBackupSigningKey(vault.signingSeed).publicKey) : undefined;
      const operationId = session.startOperation('backup-verify', async (signal, progress) => {
        const r = await verifyBackup(input.path, { signal, ...(expectedKey ? { expectedKey } : {}), onProgress: (p) => progress({ kind: 'backup-verify', progress: p }) });
        const latest = [...r.generations].sort((a, b) => b.generation - a.generation)[0];
        return {
          kind: 'backup-verify',
          report: {
            ok: r.ok,
            ...(latest ? { generation: latest.generation, ...(latest.createdAt ? { createdAt: latest.createdAt } : {}) } : {}),
            objectsChecked: r.objectsChecked,
            bytesHashed: r.bytesHashed,
            ours: expectedKey !== undefined && r.ok,
            problems: r.problems.map((p) => ({
              check: isCheck(p.check) ? p.check : 'file.format',
              ...(p.generation !== undefined ? { generation: p.generation } : {}),
              ...(p.object !== undefined ? { object: p.object } : {}),
              message: p.message,
            })),
          },
        };
      });
      return { operationId };
    },
    async 'notices.once'(input) {
      // After the first import: the originals are still on the disk they came from (Huella copies, never moves).
      const vault = session.requireVault();
      const key = `notice.${input.notice}`;
      if (vault.getSetting(key)) return { show: false };
      vault.setSetting(key, new Date().toISOString());
      return { show: true };
    },
    async 'vault.newRecoveryKey'(input) {
      const vault = session.requireVault();
      // Re-prove knowledge of the passphrase, as for a passphrase change: an unattended laptop must not give it away.
      const check = await openVault(vault.dir, { passphrase: input.passphrase });
      check.lock();
      return { recoveryKey: await vault.replaceRecoveryKey() };
    },
  };
}
