import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { HuellaError } from '../errors';
import { BACKUP_FILES } from './format';

/**
 * One backup run per folder at a time: `.lock` holds a pid and a random token — not the host name, which would be
 * left on the drive after a crash and could name the laptop. A lock whose pid no longer runs here is stale and taken
 * over (a crash must not block the next backup forever); a live pid (or the same pid on another computer) is refused
 * with a message saying how to clear it.
 */
export function acquireBackupLock(backupDir: string): () => void {
  const file = path.join(backupDir, BACKUP_FILES.lock);
  const mine = `${process.pid}\n${crypto.randomBytes(8).toString('hex')}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw new HuellaError('FILE_UNREADABLE', 'Cannot write to the backup folder (is the drive read-only or full?).', { cause: e });
    }
    const [pidText] = fs.readFileSync(file, 'utf8').split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && !isRunning(pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    break;
  }
  throw new HuellaError('CONFLICT', `Another backup to this folder is running (or was interrupted on another computer). If you are sure none is running, delete ${BACKUP_FILES.lock} in the backup folder.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
