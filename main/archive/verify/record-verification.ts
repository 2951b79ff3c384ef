import type { Vault } from '../vault/vault';
import type { VerifyReport } from './verify';

/**
 * A verification is itself part of the custody record (DESIGN §5, verify.run): who checked, when, what root and
 * what outcome. Recording must never hide the result, so a failure to append (a damaged database) is ignored here;
 * the report already says what is wrong.
 */
export function recordVerification(vault: Vault, report: VerifyReport): void {
  try {
    vault.transaction(() => {
      vault.log.append('verify.run', null, {
        ok: report.ok,
        problems: report.problems.length,
        checks: [...new Set(report.problems.map((p) => p.check))].sort(),
        events: report.events,
        objects: report.objects,
        root: report.root,
      });
    });
  } catch {
    // see above
  }
}
