import { assignTag, removeTag } from '../../archive/catalogue';
import { resolveTerm } from '../../../shared/taxonomy';
import type { TagAssignment } from '../../../shared/model/catalogue';
import type { Command, ParsedValues } from '../command';
import { list } from '../command';
import { UsageError } from '../io';
import { withVault } from '../unlock';

/**
 * --detail key=value. For list fields (multichoice, persons) values may be comma-separated or the flag repeated;
 * the field types come from the term's taxonomy, so `--detail anatomicalSites=feet-soles,legs` works.
 */
function parseDetails(values: ParsedValues, termId: string): Record<string, string | string[]> {
  const fields = new Map((resolveTerm(termId)?.taxonomy.assignmentFields ?? []).map((f) => [f.id, f]));
  const out: Record<string, string | string[]> = {};
  for (const raw of list(values, 'detail')) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new UsageError('--detail must be key=value.');
    const key = raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    const type = fields.get(key)?.type;
    if (type === 'multichoice' || type === 'persons') {
      const prev = out[key];
      const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
      out[key] = [...(Array.isArray(prev) ? prev : []), ...parts];
    } else {
      out[key] = value; // unknown keys reach the service, which names them in its refusal
    }
  }
  return out;
}

/** --detail goes to the terms whose taxonomy records details (Istanbul Protocol methods); other terms take none. */
function wantsDetails(values: ParsedValues, termId: string): boolean {
  const fields = resolveTerm(termId)?.taxonomy.assignmentFields ?? [];
  return list(values, 'detail').length > 0 && (fields.length > 0 || resolveTerm(termId) === undefined);
}

function tagLine(t: TagAssignment): string {
  const details = Object.keys(t.details).length > 0 ? `  ${JSON.stringify(t.details)}` : '';
  return `${t.id}  ${t.termId}  on ${t.targetId}  by ${t.assignedBy} at ${t.assignedAt}${details}`;
}

export const tagCommand: Command = {
  name: 'tag',
  summary: 'tag an item, testimony or case with taxonomy terms (all or none are assigned; --detail goes to Istanbul Protocol terms)',
  usage: 'huella tag <vault> <target id> <term id>... [--detail key=value]... [--json]',
  options: { detail: { type: 'string', multiple: true } },
  args: [3, Infinity],
  async run([dir, targetId, ...termIds], values, out) {
    const assigned = await withVault(dir!, values, async (vault) =>
      // One outer transaction: the assignments nest as savepoints, so a refused term rolls back the others.
      vault.transaction(() => termIds.map((termId) => assignTag(vault, { targetId: targetId!, termId, ...(wantsDetails(values, termId) ? { details: parseDetails(values, termId) } : {}) }))),
    );
    for (const t of assigned) {
      if (out.json) out.data(t);
      else out.line(tagLine(t));
    }
    return 0;
  },
};

export const untagCommand: Command = {
  name: 'untag',
  summary: 'remove a tag from an item, testimony or case',
  usage: 'huella untag <vault> <target id> <term id> [--assignment TAG_ID] [--json]',
  options: { assignment: { type: 'string' } },
  args: [3, 3],
  async run([dir, targetId, termId], values, out) {
    const assignmentId = typeof values.assignment === 'string' ? values.assignment : undefined;
    const r = await withVault(dir!, values, async (vault) => removeTag(vault, { targetId: targetId!, termId: termId!, ...(assignmentId ? { assignmentId } : {}) }));
    if (out.json) out.data(r);
    else out.line(`removed ${r.removed} assignment(s) of ${termId} from ${targetId}`);
    return 0;
  },
};
