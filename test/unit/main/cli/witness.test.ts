import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { huella } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/tmp';

const CHECKER = path.resolve(import.meta.dirname, '../../../tools/tlog-cosignature-check.mjs');

/**
 * The offline-witness round as people run it, with the real CLI: a documenter's vault, a witness folder on another
 * machine, files handed over both ways. (Forks of a real vault: test/unit/main/archive/witness/documenter.test.ts.)
 */
describe('huella witness: a vault checkpoint cosigned offline', () => {
  const root = tempDir();
  const vault = path.join(root, 'vault');
  const witness = path.join(root, 'witness');
  const file = (name: string, text: string): string => {
    fs.mkdirSync(path.join(root, 'in'), { recursive: true });
    fs.writeFileSync(path.join(root, 'in', name), text);
    return path.join(root, 'in', name);
  };
  const ok = (args: string[]): string => {
    const r = huella(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it('round trip: request, cosign, add-cosignature; the cosigned checkpoint verifies with the independent checker', () => {
    ok(['init', vault]);
    ok(['ingest', vault, file('a.txt', 'primero\n')]);
    const vkey = ok(['witness', 'init', witness, '--name', 'witness.example.org/lawyer']).trim();
    expect(vkey).toMatch(/^witness\.example\.org\/lawyer\+[0-9a-f]{8}\+B/);
    ok(['log', 'witness', 'add', vault, vkey, '--label', 'Abogada']);
    ok(['log', 'checkpoint', vault, '--for-witness', 'Abogada', '--out', path.join(root, 'req1')]);
    const first = huella(['witness', 'cosign', witness, '--checkpoint', path.join(root, 'req1'), '--out', path.join(root, 'cos1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/its key is now pinned \(trust on first use\)\. Key fingerprint: [0-9A-F]{4} /);
    expect(ok(['log', 'add-cosignature', vault, path.join(root, 'cos1')])).toMatch(/^OK: checkpoint of size \d+ cosigned by Abogada/);

    const logKey = ok(['log', 'key', vault, '--format', 'note']).trim();
    const out = execFileSync(process.execPath, [CHECKER, '--note', path.join(root, 'cos1'), '--log-key', logKey, '--witness-key', vkey], { encoding: 'utf8' });
    expect(out).toMatch(/OK: cosignature by witness\.example\.org\/lawyer: valid, time \d+/);

    // The same request handed over again after a newer one was cosigned: older than the last cosigned checkpoint.
    ok(['ingest', vault, file('b.txt', 'segundo\n')]);
    ok(['log', 'checkpoint', vault, '--for-witness', 'Abogada', '--out', path.join(root, 'req2')]);
    const second = huella(['witness', 'cosign', witness, '--checkpoint', path.join(root, 'req2')]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Consistent with the checkpoint of size \d+ this witness cosigned/);
    const older = huella(['witness', 'cosign', witness, '--checkpoint', path.join(root, 'req1')]);
    expect(older.code).toBe(1);
    expect(older.stderr).toMatch(/Refused: this checkpoint of size \d+ is older than the one this witness cosigned on .* \(size \d+\)/);
  }, 900_000);
});
