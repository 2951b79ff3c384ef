import { consentStatuses, listConsents, recordConsent, revokeConsent } from '../../archive/catalogue';
import type { Consent, ConsentRecordInput } from '../../../shared/model/catalogue';
import type { Command } from '../command';
import { pick, yesNo } from '../catalogue-args';
import type { Out } from '../io';
import { withVault } from '../unlock';

function consentLine(c: Consent): string {
  return `${c.id}  ${c.mechanism.padEnd(18)}  name ${c.discloseName ? 'yes' : 'no '}  material ${c.shareMaterial ? 'yes' : 'no '}  given ${c.givenAt}  ${c.howRecorded}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}`;
}

function printConsent(out: Out, c: Consent): void {
  if (out.json) out.data(c);
  else out.line(consentLine(c));
}

export const consentRecordCommand: Command = {
  name: 'consent record',
  summary: "record a person's consent for a mechanism ('*' = any mechanism)",
  usage:
    'huella consent record <vault> <person id> <mechanism|*> --disclose-name yes|no --share-material yes|no --given DATE --how written-signed|oral-recorded|oral-witnessed|electronic|other [--recipients TEXT] [--evidence ITEM] [--notes TEXT] [--json]',
  options: {
    'disclose-name': { type: 'string' },
    'share-material': { type: 'string' },
    given: { type: 'string' },
    how: { type: 'string' },
    recipients: { type: 'string' },
    evidence: { type: 'string' },
    notes: { type: 'string' },
  },
  args: [3, 3],
  async run([dir, personId, mechanism], values, out) {
    const input = {
      personId,
      mechanism,
      discloseName: yesNo(values, 'disclose-name'),
      shareMaterial: yesNo(values, 'share-material'),
      ...pick(values, { given: 'givenAt', how: 'howRecorded', recipients: 'recipients', evidence: 'evidenceItemId', notes: 'notes' }),
    } as ConsentRecordInput;
    printConsent(out, await withVault(dir!, values, async (vault) => recordConsent(vault, input)));
    return 0;
  },
};

export const consentListCommand: Command = {
  name: 'consent list',
  summary: "a person's consent records (newest first) and the state for each mechanism",
  usage: 'huella consent list <vault> <person id> [--json]',
  args: [2, 2],
  async run([dir, personId], values, out) {
    const { records, states } = await withVault(dir!, values, async (vault) => ({ states: consentStatuses(vault, personId!), records: listConsents(vault, { personId: personId! }) }));
    if (out.json) {
      out.data({ records, states });
      return 0;
    }
    for (const s of states) out.line(`${s.mechanism.padEnd(18)}  ${s.state}${s.consentId ? `  (${s.consentId})` : ''}`);
    if (records.length > 0) out.line('');
    for (const c of records) out.line(consentLine(c));
    return 0;
  },
};

export const consentRevokeCommand: Command = {
  name: 'consent revoke',
  summary: 'record that a consent was withdrawn',
  usage: 'huella consent revoke <vault> <consent id> [--json]',
  args: [2, 2],
  async run([dir, id], values, out) {
    printConsent(out, await withVault(dir!, values, async (vault) => revokeConsent(vault, { id: id! })));
    return 0;
  },
};
