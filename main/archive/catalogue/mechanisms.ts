import { MECHANISMS } from '../../../shared/mechanisms';
import { HuellaError } from '../errors';

/** Mechanism ids in consent records and case links must name a mechanism template (shared/mechanisms). */

export function knownMechanismIds(): string[] {
  return MECHANISMS.map((m) => m.id);
}

/** `allowAny`: '*' (consent given for any mechanism) is accepted, as in consent records. */
export function checkMechanisms(ids: readonly string[], field: string, allowAny: boolean): void {
  const known = new Set(knownMechanismIds());
  ids.forEach((id, i) => {
    if (id === '*' && allowAny) return;
    if (!known.has(id)) {
      const where = ids.length > 1 ? `${field}.${i}` : field;
      throw new HuellaError('INVALID_INPUT', `${where}: '${id}' is not a known mechanism (${[...known].join(', ')}${allowAny ? ", or '*' for any" : ''}).`, {
        details: { field: where },
      });
    }
  });
}
