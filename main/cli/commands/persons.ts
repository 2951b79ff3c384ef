import { createPerson, getPerson, listPersons, removePersonRole, setPersonRole, updatePerson } from '../../archive/catalogue';
import type { Person, PersonCreateInput, PersonRoleInput, PersonUpdateInput } from '../../../shared/model/catalogue';
import type { Command } from '../command';
import { pick, pickNullable, text } from '../catalogue-args';
import type { Out } from '../io';
import { withVault } from '../unlock';

const FIELDS = {
  'real-name': 'realName',
  pseudonym: 'pseudonym',
  sex: 'sex',
  'birth-date': 'birthDate',
  nationality: 'nationality',
  occupation: 'occupation',
  contact: 'contact',
  notes: 'notes',
} as const;
const OPTIONS = Object.fromEntries(Object.keys(FIELDS).map((k) => [k, { type: 'string' as const }]));

function printPerson(out: Out, p: Person): void {
  if (out.json) return out.data(p);
  const rows: [string, string | undefined][] = [
    ['id', p.id],
    ['pseudonym', p.pseudonym],
    ['real name', p.realName],
    ['sex', p.sex],
    ['birth date', p.birthDate],
    ['nationality', p.nationality],
    ['occupation', p.occupation],
    ['contact', p.contact],
    ['notes', p.notes],
    ['created', p.createdAt],
    ['updated', p.updatedAt],
  ];
  for (const [k, v] of rows) if (v !== undefined) out.line(`${k.padEnd(12)} ${v}`);
  for (const r of p.roles) out.line(`${'role'.padEnd(12)} ${r.role} in ${r.caseId}`);
}

export const personCreateCommand: Command = {
  name: 'person create',
  summary: 'record a person (victim, witness, alleged perpetrator, documenter…)',
  usage:
    'huella person create <vault> --real-name TEXT --pseudonym TEXT [--sex female|male|other|unknown] [--birth-date YYYY[-MM[-DD]]] [--nationality CC] [--occupation TEXT] [--contact TEXT] [--notes TEXT] [--json]',
  options: OPTIONS,
  args: [1, 1],
  async run([dir], values, out) {
    printPerson(out, await withVault(dir!, values, async (vault) => createPerson(vault, pick(values, FIELDS) as PersonCreateInput)));
    return 0;
  },
};

export const personListCommand: Command = {
  name: 'person list',
  summary: 'list people',
  usage: 'huella person list <vault> [--case ID] [--json]',
  options: { case: { type: 'string' } },
  args: [1, 1],
  async run([dir], values, out) {
    const caseId = text(values, 'case');
    const persons = await withVault(dir!, values, async (vault) => listPersons(vault, caseId ? { caseId } : {}));
    for (const p of persons) {
      if (out.json) out.data(p);
      else out.line(`${p.id}  ${p.pseudonym.padEnd(24)}  ${p.roles.map((r) => `${r.role}@${r.caseId}`).join(' ')}`);
    }
    return 0;
  },
};

export const personShowCommand: Command = {
  name: 'person show',
  summary: 'show a person',
  usage: 'huella person show <vault> <person id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    printPerson(out, await withVault(dir!, values, async (vault) => getPerson(vault, id!)));
    return 0;
  },
};

export const personUpdateCommand: Command = {
  name: 'person update',
  summary: 'change a person (an empty value clears a field)',
  usage: 'huella person update <vault> <person id> [--real-name TEXT] [--pseudonym TEXT] [--sex S] [--birth-date D] [--nationality CC] [--occupation TEXT] [--contact TEXT] [--notes TEXT] [--json]',
  options: OPTIONS,
  args: [2, 2],
  async run([dir, id], values, out) {
    const input = { id, ...pickNullable(values, FIELDS) } as PersonUpdateInput;
    printPerson(out, await withVault(dir!, values, async (vault) => updatePerson(vault, input)));
    return 0;
  },
};

export const personRoleCommand: Command = {
  name: 'person role',
  summary: "give a person a role in a case (or take it away with --remove)",
  usage: 'huella person role <vault> <person id> <case id> <victim|witness|alleged-perpetrator|documenter|family|representative|source> [--remove] [--json]',
  options: { remove: { type: 'boolean' } },
  args: [4, 4],
  async run([dir, personId, caseId, role], values, out) {
    const input = { personId, caseId, role } as PersonRoleInput;
    printPerson(out, await withVault(dir!, values, async (vault) => (values.remove ? removePersonRole(vault, input) : setPersonRole(vault, input))));
    return 0;
  },
};
