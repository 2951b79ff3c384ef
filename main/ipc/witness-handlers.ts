import fsp from 'node:fs/promises';
import { addCosignature, addWitness, cosignedCheckpoints, witnessesOf, witnessRequest } from '../archive/witness/documenter';
import { HuellaError, fromSystemError } from '../archive/errors';
import { writeFileAtomic } from '../archive/fs/durable';
import { qrMatrix } from '../archive/witness/qr';
import type { Handlers } from './handlers';
import type { Session } from './session';

/** A cosignature is a few hundred bytes; anything much larger is not one. */
const MAX_COSIGNATURE_FILE = 64 * 1024;

type WitnessMethods = 'witnesses.list' | 'witnesses.add' | 'witnesses.request' | 'witnesses.addCosignature' | 'witnesses.cosigned' | 'dialog.chooseSaveFile' | 'dialog.chooseTextFile';

/** Handlers of the witness methods (DESIGN §9); spread into createHandlers. */
export function witnessHandlers(session: Session): Pick<Handlers, WitnessMethods> {
  return {
    async 'dialog.chooseSaveFile'(input) {
      const p = await session.dialogs.chooseSaveFile(input.suggestedName);
      return p ? { path: p } : null;
    },
    async 'dialog.chooseTextFile'() {
      const p = await session.dialogs.chooseTextFile();
      return p ? { path: p } : null;
    },
    async 'witnesses.list'() {
      return witnessesOf(session.requireVault());
    },
    async 'witnesses.add'(input) {
      return addWitness(session.requireVault(), input.key, input.label);
    },
    async 'witnesses.request'(input) {
      const r = witnessRequest(session.requireVault(), input.witnessId !== undefined ? { witness: String(input.witnessId) } : {});
      if (input.saveTo !== undefined) {
        try {
          await writeFileAtomic(input.saveTo, r.text, 0o600);
        } catch (e) {
          throw fromSystemError(e, 'saving the witness request');
        }
      }
      return { text: r.text, oldSize: r.oldSize, size: r.size, qr: qrMatrix(r.text), ...(input.saveTo !== undefined ? { savedTo: input.saveTo } : {}) };
    },
    async 'witnesses.addCosignature'(input) {
      let text: string;
      if ('text' in input) text = input.text;
      else {
        const stat = await fsp.stat(input.path).catch((e: unknown) => {
          throw fromSystemError(e, 'reading the cosignature file');
        });
        if (stat.size > MAX_COSIGNATURE_FILE) throw new HuellaError('FORMAT_INVALID', 'This file is too large to be a cosignature.');
        text = await fsp.readFile(input.path, 'utf8');
      }
      return addCosignature(session.requireVault(), text);
    },
    async 'witnesses.cosigned'() {
      return cosignedCheckpoints(session.requireVault()).map((c) => ({ size: c.size, createdAt: c.createdAt, cosignatures: c.cosignatures }));
    },
  };
}
