import { formatBytes } from '../../archive/blobs/store';
import { pullBundles } from '../../archive/remote/bundles';
import { addVaultRemote, openRemote, pushToRemote, removeVaultRemote, vaultRemotes } from '../../archive/remote/remotes';
import type { Command } from '../command';
import { list, str } from '../command';
import { progressBar, untilInterrupted, UsageError } from '../io';
import { withVault } from '../unlock';
import { receiveLines, recipientFrom } from './transfer';

/** `huella remote add|list|remove`, `huella push`, `huella pull` (S3 remotes, DESIGN §9). */

export const remoteAddCommand: Command = {
  name: 'remote add',
  summary: 'name an S3 bucket/prefix for push, pull and backups (credentials come from the AWS environment or profile, never stored)',
  usage: 'huella remote add <vault> <name> s3://bucket/prefix [--endpoint URL] [--region R] [--retention-days N] [--allow-http] [--json]',
  options: { endpoint: { type: 'string' }, region: { type: 'string' }, 'retention-days': { type: 'string' }, 'allow-http': { type: 'boolean' } },
  args: [3, 3],
  async run([dir, name, url], values, out) {
    const days = str(values, 'retention-days');
    if (days !== undefined && !/^[1-9][0-9]*$/.test(days)) throw new UsageError('--retention-days takes a whole number of days.');
    const endpoint = str(values, 'endpoint');
    const region = str(values, 'region');
    const r = await withVault(dir!, values, async (vault) =>
      addVaultRemote(vault, {
        name: name!,
        url: url!,
        ...(endpoint ? { endpoint } : {}),
        ...(region ? { region } : {}),
        ...(days ? { retentionDays: Number(days) } : {}),
        allowHttp: Boolean(values['allow-http']),
      }),
    );
    if (out.json) out.data(r);
    else out.line(`Remote "${r.name}": ${r.url}${r.endpoint ? ` at ${r.endpoint}` : ''}${r.retentionDays ? `, Object Lock retention ${r.retentionDays} days` : ''}.`);
    return 0;
  },
};

export const remoteListCommand: Command = {
  name: 'remote list',
  summary: 'list this vault\'s remotes',
  usage: 'huella remote list <vault> [--json]',
  args: [1, 1],
  async run([dir], values, out) {
    const rs = await withVault(dir!, values, async (vault) => vaultRemotes(vault));
    for (const r of rs) {
      if (out.json) out.data(r);
      else out.line(`${r.name}\t${r.url}${r.endpoint ? `\t${r.endpoint}` : ''}${r.retentionDays ? `\tretention ${r.retentionDays} d` : ''}`);
    }
    return 0;
  },
};

export const remoteRemoveCommand: Command = {
  name: 'remote remove',
  summary: 'forget a remote (nothing on the remote is deleted)',
  usage: 'huella remote remove <vault> <name> [--json]',
  args: [2, 2],
  async run([dir, name], values, out) {
    await withVault(dir!, values, async (vault) => removeVaultRemote(vault, name!));
    if (out.json) out.data({ removed: name });
    else out.line(`Remote "${name!}" removed from this vault (its bucket is unchanged).`);
    return 0;
  },
};

export const pushCommand: Command = {
  name: 'push',
  summary: 'send a transfer bundle for one recipient to an S3 remote (and finish any push that was interrupted)',
  usage: 'huella push <vault> <remote> [--to CONTACT-CARD (--case ID | --items ID,…)] [--json]',
  options: { to: { type: 'string' }, case: { type: 'string' }, items: { type: 'string', multiple: true } },
  args: [2, 2],
  async run([dir, name], values, out) {
    const caseId = str(values, 'case');
    const itemIds = list(values, 'items').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
    const hasSelection = caseId !== undefined || itemIds.length > 0;
    if (hasSelection !== (str(values, 'to') !== undefined)) throw new UsageError('To send something new, give both --to CONTACT-CARD and --case/--items; with neither, push only finishes interrupted pushes.');
    const recipient = hasSelection ? await recipientFrom(values) : undefined;
    const bar = progressBar(!out.json);
    return untilInterrupted(async (signal) => {
      const r = await withVault(dir!, values, (vault) =>
        pushToRemote(vault, name!, recipient ? { recipient, ...(caseId ? { caseId } : {}), itemIds } : undefined, {
          signal,
          onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, `bundle ${p.bundle + 1}/${p.bundles}  file ${p.file}/${p.files}  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`),
        }),
      );
      bar.done();
      if (out.json) out.data(r);
      else {
        if (r.created) out.line(`Bundle ${r.created.bundleId}: ${r.created.items} item(s), ${formatBytes(r.created.bytes)}, recorded as event #${r.created.transferSeq}.`);
        for (const p of r.pushed) {
          out.line(`Pushed bundle ${p.bundleId} to ${p.remote}: ${p.uploaded} file(s) sent (${formatBytes(p.bytesUploaded)}), ${p.alreadyThere} already there${p.retentionDays ? `; retained ${p.retentionDays} days (Object Lock)` : ''}.`);
        }
        if (r.pushed.length === 0) out.line('Nothing to push.');
      }
      return 0;
    });
  },
};

export const pullCommand: Command = {
  name: 'pull',
  summary: 'receive the bundles addressed to this vault on an S3 remote (each checked as `huella receive` does)',
  usage: 'huella pull <vault> <remote> [--accept-new-sender] [--from FINGERPRINT] [--json]',
  options: { 'accept-new-sender': { type: 'boolean' }, from: { type: 'string' } },
  args: [2, 2],
  async run([dir, name], values, out) {
    const from = str(values, 'from');
    return untilInterrupted(async (signal) => {
      const r = await withVault(dir!, values, async (vault) => {
        const remote = openRemote(vault, name!);
        try {
          return await pullBundles(vault, remote, { acceptNewSender: Boolean(values['accept-new-sender']), ...(from ? { expectSender: from } : {}), signal });
        } finally {
          remote.destroy();
        }
      });
      const refused = r.bundles.filter((b) => b.status === 'refused');
      if (out.json) out.data(r);
      else {
        for (const b of r.bundles) {
          if (b.status === 'received') receiveLines(b.report, out);
          else if (b.status === 'refused') out.line(`REFUSED bundle ${b.bundleId}: ${b.error.message}`);
          else out.line(`bundle ${b.bundleId}: ${b.status === 'already-received' ? 'already received' : 'unfinished on the remote (its push was interrupted); skipped'}`);
        }
        if (r.bundles.length === 0) out.line('No bundles for this vault on the remote.');
      }
      return refused.length > 0 ? 1 : 0;
    });
  },
};
