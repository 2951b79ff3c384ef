import { createTestimony, editTestimony, getTestimony, getTestimonyRevision, listTestimonies, testimonyHistory } from '../../archive/catalogue';
import { LIMITS } from '../../../shared/model/fields';
import type { Testimony, TestimonyCreateInput, TestimonyEditInput } from '../../../shared/model/catalogue';
import type { Command, ParsedValues } from '../command';
import { int, pick, pickNullable, readTextInput, text } from '../catalogue-args';
import type { Out } from '../io';
import { withVault } from '../unlock';

const FIELDS = {
  title: 'title',
  case: 'caseId',
  witness: 'witnessId',
  date: 'interviewDate',
  place: 'place',
  interviewer: 'interviewer',
  language: 'language',
  interpreter: 'interpreter',
} as const;
const OPTIONS = { ...Object.fromEntries(Object.keys(FIELDS).map((k) => [k, { type: 'string' as const }])), 'text-file': { type: 'string' as const } };

/**
 * The testimony text: --text-file F, or --text-file - for stdin. `testimony create` also reads a piped stdin when
 * no file is given (never a terminal: that would wait for input nobody is typing).
 */
async function textFrom(values: ParsedValues, stdinByDefault: boolean): Promise<string | undefined> {
  const file = text(values, 'text-file');
  if (file !== undefined) return readTextInput(file, LIMITS.testimonyBytes, 'testimony text');
  if (stdinByDefault && !process.stdin.isTTY) return readTextInput('-', LIMITS.testimonyBytes, 'testimony text');
  return undefined;
}

function printTestimony(out: Out, t: Testimony, withText: boolean): void {
  if (out.json) return out.data(t);
  const rows: [string, string | undefined][] = [
    ['id', t.id],
    ['title', t.title],
    ['revision', String(t.revision)],
    ['case', t.caseId],
    ['witness', t.witnessId],
    ['date', t.interviewDate],
    ['place', t.place],
    ['interviewer', t.interviewer],
    ['language', t.language],
    ['interpreter', t.interpreter],
    ['items', t.itemIds.join(' ') || undefined],
    ['updated', t.updatedAt],
  ];
  for (const [k, v] of rows) if (v !== undefined) out.line(`${k.padEnd(12)} ${v}`);
  if (withText) out.line(`\n${t.text}`);
}

export const testimonyCreateCommand: Command = {
  name: 'testimony create',
  summary: 'record a testimony (text from --text-file F, or stdin)',
  usage:
    'huella testimony create <vault> --title TEXT [--case ID] [--witness PERSON] [--date YYYY-MM-DD] [--place TEXT] [--interviewer TEXT] [--language BCP47] [--interpreter TEXT] [--text-file F|-] [--json]',
  options: OPTIONS,
  args: [1, 1],
  async run([dir], values, out) {
    const body = await textFrom(values, true);
    const input = { ...pick(values, FIELDS), ...(body !== undefined ? { text: body } : {}) } as TestimonyCreateInput;
    printTestimony(out, await withVault(dir!, values, async (vault) => createTestimony(vault, input)), false);
    return 0;
  },
};

export const testimonyEditCommand: Command = {
  name: 'testimony edit',
  summary: 'save a new revision of a testimony (an empty value clears a field)',
  usage: 'huella testimony edit <vault> <testimony id> [--title TEXT] [--case ID] [--witness PERSON] [--date D] [--place TEXT] [--interviewer TEXT] [--language L] [--interpreter TEXT] [--text-file F|-] [--base-revision N] [--json]',
  options: { ...OPTIONS, 'base-revision': { type: 'string' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    const body = await textFrom(values, false);
    const base = int(values, 'base-revision');
    const input = { id, ...pickNullable(values, FIELDS), ...(body !== undefined ? { text: body } : {}), ...(base !== undefined ? { baseRevision: base } : {}) } as TestimonyEditInput;
    printTestimony(out, await withVault(dir!, values, async (vault) => editTestimony(vault, input)), false);
    return 0;
  },
};

export const testimonyShowCommand: Command = {
  name: 'testimony show',
  summary: 'show a testimony with its text (or an earlier revision)',
  usage: 'huella testimony show <vault> <testimony id> [--revision N] [--json]',
  options: { revision: { type: 'string' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    const revision = int(values, 'revision');
    if (revision === undefined) {
      printTestimony(out, await withVault(dir!, values, async (vault) => getTestimony(vault, id!)), true);
      return 0;
    }
    const r = await withVault(dir!, values, async (vault) => getTestimonyRevision(vault, id!, revision));
    if (out.json) out.data(r);
    else out.line(`revision ${r.revision} of ${r.testimonyId}, saved ${r.savedAt} (custody event #${r.eventSeq})\ntitle: ${r.fields.title}\n\n${r.text}`);
    return 0;
  },
};

export const testimonyListCommand: Command = {
  name: 'testimony list',
  summary: 'list testimonies',
  usage: 'huella testimony list <vault> [--case ID] [--json]',
  options: { case: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const caseId = text(values, 'case');
    const rows = await withVault(dir!, values, async (vault) => listTestimonies(vault, caseId ? { caseId } : {}));
    for (const t of rows) {
      if (out.json) out.data(t);
      else out.line(`${t.id}  rev ${String(t.revision).padStart(3)}  ${(t.interviewDate ?? '').padEnd(10)}  ${(t.caseId ?? '-').padEnd(15)}  ${t.title}`);
    }
    return 0;
  },
};

export const testimonyHistoryCommand: Command = {
  name: 'testimony history',
  summary: 'list the saved revisions of a testimony',
  usage: 'huella testimony history <vault> <testimony id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    const rows = await withVault(dir!, values, async (vault) => testimonyHistory(vault, id!));
    for (const r of rows) {
      if (out.json) out.data(r);
      else out.line(`rev ${String(r.revision).padStart(4)}  ${r.savedAt}  event #${r.eventSeq}  ${String(r.textLength).padStart(8)} chars  ${r.title}`);
    }
    return 0;
  },
};
