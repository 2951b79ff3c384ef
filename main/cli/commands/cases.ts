import { addCaseItems, createCase, deleteCase, getCase, listCases, removeCaseItems, updateCase } from '../../archive/catalogue';
import type { Case, CaseCreateInput, CaseStatus, CaseUpdateInput } from '../../../shared/model/catalogue';
import type { Command } from '../command';
import { list } from '../command';
import { pick, pickNullable, text } from '../catalogue-args';
import type { Out } from '../io';
import { withVault } from '../unlock';

const FIELDS = { title: 'title', country: 'country', status: 'status', summary: 'summary', notes: 'notes' } as const;
const OPTIONS = {
  title: { type: 'string' },
  country: { type: 'string' },
  status: { type: 'string' },
  summary: { type: 'string' },
  notes: { type: 'string' },
  mechanism: { type: 'string', multiple: true },
} as const;

function printCase(out: Out, c: Case): void {
  if (out.json) return out.data(c);
  const rows: [string, string | undefined][] = [
    ['id', c.id],
    ['title', c.title],
    ['status', c.status],
    ['country', c.country],
    ['mechanisms', c.mechanisms.join(', ') || undefined],
    ['items', String(c.itemCount)],
    ['testimonies', String(c.testimonyCount)],
    ['created', c.createdAt],
    ['updated', c.updatedAt],
    ['summary', c.summary],
    ['notes', c.notes],
  ];
  for (const [k, v] of rows) if (v !== undefined) out.line(`${k.padEnd(12)} ${v}`);
  for (const p of c.persons) out.line(`${'person'.padEnd(12)} ${p.personId}  ${p.role.padEnd(20)} ${p.pseudonym}`);
}

export const caseCreateCommand: Command = {
  name: 'case create',
  summary: 'create a case',
  usage: 'huella case create <vault> --title TEXT [--country CC] [--status open|submitted|closed] [--summary TEXT] [--notes TEXT] [--mechanism ID]... [--json]',
  options: OPTIONS,
  args: [1, 1],
  async run([dir], values, out) {
    const mechanisms = list(values, 'mechanism');
    const c = await withVault(dir!, values, async (vault) => createCase(vault, { ...pick(values, FIELDS), ...(mechanisms.length > 0 ? { mechanisms } : {}) } as CaseCreateInput));
    printCase(out, c);
    return 0;
  },
};

export const caseListCommand: Command = {
  name: 'case list',
  summary: 'list cases',
  usage: 'huella case list <vault> [--status open|submitted|closed] [--json]',
  options: { status: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const status = text(values, 'status') as CaseStatus | undefined;
    const cases = await withVault(dir!, values, async (vault) => listCases(vault, status ? { status } : {}));
    for (const c of cases) {
      if (out.json) out.data(c);
      else out.line(`${c.id}  ${c.status.padEnd(9)}  ${(c.country ?? '').padEnd(2)}  ${String(c.itemCount).padStart(6)} items  ${String(c.testimonyCount).padStart(4)} testimonies  ${c.title}`);
    }
    return 0;
  },
};

export const caseShowCommand: Command = {
  name: 'case show',
  summary: 'show a case',
  usage: 'huella case show <vault> <case id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    printCase(out, await withVault(dir!, values, async (vault) => getCase(vault, id!)));
    return 0;
  },
};

export const caseUpdateCommand: Command = {
  name: 'case update',
  summary: 'change a case (an empty value clears a field)',
  usage: 'huella case update <vault> <case id> [--title TEXT] [--country CC] [--status S] [--summary TEXT] [--notes TEXT] [--mechanism ID]... [--clear-mechanisms] [--json]',
  options: { ...OPTIONS, 'clear-mechanisms': { type: 'boolean' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    const mechanisms = values['clear-mechanisms'] ? [] : list(values, 'mechanism');
    const input = { id, ...pickNullable(values, FIELDS), ...(mechanisms.length > 0 || values['clear-mechanisms'] ? { mechanisms } : {}) };
    printCase(out, await withVault(dir!, values, async (vault) => updateCase(vault, input as CaseUpdateInput)));
    return 0;
  },
};

export const caseDeleteCommand: Command = {
  name: 'case delete',
  summary: 'delete a case (its items, people and testimonies stay)',
  usage: 'huella case delete <vault> <case id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    await withVault(dir!, values, async (vault) => deleteCase(vault, { id: id! }));
    if (out.json) out.data({ deleted: id });
    else out.line(`deleted case ${id}`);
    return 0;
  },
};

export const caseAddItemsCommand: Command = {
  name: 'case add-items',
  summary: 'add items to a case',
  usage: 'huella case add-items <vault> <case id> <item id>... [--json]',
  args: [3, Infinity],
  async run([dir, caseId, ...itemIds], values, out) {
    const r = await withVault(dir!, values, async (vault) => addCaseItems(vault, { caseId: caseId!, itemIds }));
    if (out.json) out.data(r);
    else out.line(`${r.added} item(s) added to ${caseId}`);
    return 0;
  },
};

export const caseRemoveItemsCommand: Command = {
  name: 'case remove-items',
  summary: 'remove items from a case (the items stay in the vault)',
  usage: 'huella case remove-items <vault> <case id> <item id>... [--json]',
  args: [3, Infinity],
  async run([dir, caseId, ...itemIds], values, out) {
    const r = await withVault(dir!, values, async (vault) => removeCaseItems(vault, { caseId: caseId!, itemIds }));
    if (out.json) out.data(r);
    else out.line(`${r.removed} item(s) removed from ${caseId}`);
    return 0;
  },
};
