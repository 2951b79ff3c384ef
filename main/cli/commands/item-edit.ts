import { deleteItem, editItem, purgeItem, restoreItem } from '../../archive/items/edit';
import type { ItemEditInput } from '../../../shared/model/catalogue';
import type { Command } from '../command';
import { pickNullable, text } from '../catalogue-args';
import { UsageError } from '../io';
import { withVault } from '../unlock';

export const itemEditCommand: Command = {
  name: 'item edit',
  summary: "describe an item: title, what it shows, where (an empty value clears a field)",
  usage: 'huella item edit <vault> <item id> [--title TEXT] [--description TEXT] [--place TEXT] [--json]',
  options: { title: { type: 'string' }, description: { type: 'string' }, place: { type: 'string' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    const input = { id, ...pickNullable(values, { title: 'title', description: 'description', place: 'place' }) } as ItemEditInput;
    const item = await withVault(dir!, values, async (vault) => editItem(vault, input));
    if (out.json) out.data(item);
    else out.line(`updated ${item.id}${item.title ? `: ${item.title}` : ''}`);
    return 0;
  },
};

export const rmCommand: Command = {
  name: 'rm',
  summary: 'delete an item (reversible with restore-item; the encrypted bytes stay until purge)',
  usage: 'huella rm <vault> <item id> --reason TEXT [--json]',
  options: { reason: { type: 'string' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    const reason = text(values, 'reason');
    if (reason === undefined) throw new UsageError('Say why with --reason TEXT: it is kept (as a commitment) in the custody log.');
    await withVault(dir!, values, async (vault) => deleteItem(vault, { id: id!, reason }));
    if (out.json) out.data({ deleted: id });
    else out.line(`deleted ${id} (restore with: huella restore-item <vault> ${id})`);
    return 0;
  },
};

export const restoreItemCommand: Command = {
  name: 'restore-item',
  summary: 'undo the deletion of an item',
  usage: 'huella restore-item <vault> <item id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    const item = await withVault(dir!, values, async (vault) => restoreItem(vault, { id: id! }));
    if (out.json) out.data(item);
    else out.line(`restored ${item.id}`);
    return 0;
  },
};

export const purgeCommand: Command = {
  name: 'purge',
  summary: 'destroy the encrypted content of a deleted item for good (cannot be undone)',
  usage: 'huella purge <vault> <item id> --yes [--json]',
  options: { yes: { type: 'boolean' } },
  args: [2, 2],
  async run([dir, id], values, out) {
    if (!values.yes) throw new UsageError('Purging destroys the item\'s content for good. Repeat with --yes if that is what you want.');
    const r = await withVault(dir!, values, async (vault) => purgeItem(vault, { id: id! }));
    if (out.json) out.data({ purged: id, ...r });
    else out.line(r.alreadyPurged ? `${id} was already purged; ${r.purgedObjects} leftover file(s) removed` : `purged ${id}: ${r.purgedObjects} encrypted file(s) destroyed`);
    return 0;
  },
};
