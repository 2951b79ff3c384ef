import type { ApiMethod, ApiOutput, ApiParsedInput } from '../../shared/api';
import type { IngestProgress } from '../../shared/model/items';
import { currentCheckpoint, eventPage } from '../archive/custody/views';
import { publicKeyForms } from '../archive/custody/service';
import { HuellaError } from '../archive/errors';
import { ingestSources } from '../archive/sources/ingest-sources';
import {
  addCaseItems,
  assignTag,
  consentStatuses,
  createCase,
  createLink,
  createPerson,
  createTestimony,
  deleteCase,
  deletePerson,
  deleteTestimony,
  editTagDetails,
  editTestimony,
  getCase,
  getPerson,
  getTestimony,
  getTestimonyRevision,
  linkTestimonyItems,
  listCases,
  listConsents,
  listLinks,
  listPersons,
  listTags,
  listTestimonies,
  recordConsent,
  removeCaseItems,
  removeLink,
  removePersonRole,
  removeTag,
  revokeConsent,
  searchCatalogue,
  setPersonRole,
  testimonyHistory,
  unlinkTestimonyItems,
  updateCase,
  updatePerson,
} from '../archive/catalogue';
import { deleteItem, editItem, restoreItem } from '../archive/items/edit';
import { subjectLabels } from '../archive/items/labels';
import { addSelectionToCase, deleteSelection, tagSelection } from '../archive/items/selection';
import { discardDraft, getDraft, listDrafts, saveDraft } from '../archive/drafts/drafts';
import { exportPacket } from '../archive/export/build';
import { planPacketChecked } from '../archive/export/plan-checked';
import { verifyPacket } from '../archive/packet/verify';
import { itemContext } from '../archive/items/context';
import { getItem, listItemsPage } from '../archive/items/items';
import { createVault, openVault } from '../archive/vault/vault';
import { verifyItem } from '../archive/items/verify';
import { recordVerification } from '../archive/verify/record-verification';
import { verifyVault } from '../archive/verify/verify';
import type { Session } from './session';
import { backupHandlers } from './backup-handlers';
import { transferHandlers } from './transfer-handlers';
import { witnessHandlers } from './witness-handlers';

/**
 * One handler per API method (DESIGN §2). The mapped type makes a missing or extra handler a compile error.
 * Inputs arrive already validated by dispatch(); handlers call main/archive and return plain data.
 */
export type Handlers = { readonly [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> };

export function createHandlers(session: Session): Handlers {
  return {
    ...witnessHandlers(session),
    ...backupHandlers(session),
    ...transferHandlers(session),
    async 'session.status'() {
      const vault = session.vault && !session.vault.isLocked ? session.vault : undefined;
      return {
        state: vault ? 'unlocked' : session.vaultPath ? 'locked' : 'no-vault',
        ...(session.vaultPath ? { vaultPath: session.vaultPath } : {}),
        ...(vault ? { vaultId: vault.id } : {}),
        settings: session.settings(),
      };
    },
    async 'vault.create'(input) {
      const { vault, recoveryKey } = await createVault(input.path, input.passphrase);
      session.setVault(vault, input.path);
      session.appState.save({ ...session.appState.load(), language: input.language });
      return { vaultId: vault.id, recoveryKey };
    },
    async 'vault.unlock'(input) {
      const vault = await openVault(input.path, 'passphrase' in input ? { passphrase: input.passphrase } : { recoveryKey: input.recoveryKey });
      session.setVault(vault, input.path);
      // Previews a crash or a quit left pending (issue 19) are made now, in the background; an import started
      // meanwhile waits for this run before making its own (makePendingPreviews runs one at a time per vault).
      session.makePreviewsInBackground(vault);
      return { vaultId: vault.id };
    },
    async 'vault.lock'(input) {
      session.lock(input.reason ?? 'user');
      return {};
    },
    async 'vault.changePassphrase'(input) {
      const vault = session.requireVault();
      // Re-prove knowledge of the current passphrase: an unlocked, unattended laptop must not allow a takeover.
      const check = await openVault(vault.dir, { passphrase: input.current });
      check.lock();
      await vault.changePassphrase(input.next);
      return {};
    },
    async 'settings.get'() {
      return session.settings();
    },
    async 'settings.set'(input) {
      if (input.language) session.appState.save({ ...session.appState.load(), language: input.language });
      if (input.autoLockMinutes !== undefined || input.actor !== undefined || input.contact !== undefined) {
        const vault = session.requireVault();
        vault.transaction(() => {
          if (input.autoLockMinutes !== undefined) vault.setSetting('autoLockMinutes', String(input.autoLockMinutes));
          if (input.contact !== undefined) vault.setSetting('contact', input.contact.trim());
          if (input.actor !== undefined) {
            vault.setSetting('actor', input.actor);
            vault.log.actor = input.actor;
          }
        });
      }
      return session.settings();
    },
    async 'dialog.chooseVaultFolder'(input) {
      const p = await session.dialogs.chooseVaultFolder(input.mode);
      return p ? { path: p } : null;
    },
    async 'dialog.pickFiles'(input) {
      const p = await session.dialogs.pickFiles(input.folders);
      return p && p.length > 0 ? { paths: p } : null;
    },
    async 'dialog.choosePacketDestination'(input) {
      const p = await session.dialogs.choosePacketDestination(input.suggestedName);
      return p ? { path: p } : null;
    },
    async 'dialog.choosePacket'(input) {
      const p = await session.dialogs.choosePacket(input.folder === true);
      return p ? { path: p } : null;
    },
    async 'items.list'(input) {
      return listItemsPage(session.requireVault(), input);
    },
    async 'items.get'(input) {
      const vault = session.requireVault();
      const item = getItem(vault, input.id);
      return { item, events: eventPage(vault.log, { offset: 0, limit: 1000, subject: input.id }).events };
    },
    async 'items.verify'(input) {
      return verifyItem(session.requireVault(), input.id);
    },
    async 'items.context'(input) {
      return itemContext(session.requireVault(), input.id);
    },
    async 'items.edit'(input) {
      return editItem(session.requireVault(), input);
    },
    async 'items.delete'(input) {
      deleteItem(session.requireVault(), input);
      return {};
    },
    async 'items.restore'(input) {
      return restoreItem(session.requireVault(), input);
    },

    async 'cases.list'(input) {
      return listCases(session.requireVault(), input);
    },
    async 'cases.get'(input) {
      return getCase(session.requireVault(), input.id);
    },
    async 'cases.create'(input) {
      return createCase(session.requireVault(), input);
    },
    async 'cases.update'(input) {
      return updateCase(session.requireVault(), input);
    },
    async 'cases.delete'(input) {
      deleteCase(session.requireVault(), input);
      return {};
    },
    async 'cases.addItems'(input) {
      return addCaseItems(session.requireVault(), input);
    },
    async 'cases.removeItems'(input) {
      return removeCaseItems(session.requireVault(), input);
    },

    async 'selection.addToCase'(input) {
      return addSelectionToCase(session.requireVault(), input);
    },
    async 'selection.tag'(input) {
      return tagSelection(session.requireVault(), input);
    },
    async 'selection.delete'(input) {
      return deleteSelection(session.requireVault(), input);
    },

    async 'persons.list'(input) {
      return listPersons(session.requireVault(), input);
    },
    async 'persons.get'(input) {
      return getPerson(session.requireVault(), input.id);
    },
    async 'persons.create'(input) {
      return createPerson(session.requireVault(), input);
    },
    async 'persons.update'(input) {
      return updatePerson(session.requireVault(), input);
    },
    async 'persons.delete'(input) {
      deletePerson(session.requireVault(), input);
      return {};
    },
    async 'persons.setRole'(input) {
      return setPersonRole(session.requireVault(), input);
    },
    async 'persons.removeRole'(input) {
      return removePersonRole(session.requireVault(), input);
    },

    async 'testimonies.list'(input) {
      return listTestimonies(session.requireVault(), input);
    },
    async 'testimonies.get'(input) {
      return getTestimony(session.requireVault(), input.id);
    },
    async 'testimonies.create'(input) {
      return createTestimony(session.requireVault(), input);
    },
    async 'testimonies.edit'(input) {
      return editTestimony(session.requireVault(), input);
    },
    async 'testimonies.delete'(input) {
      deleteTestimony(session.requireVault(), input);
      return {};
    },
    async 'testimonies.history'(input) {
      return testimonyHistory(session.requireVault(), input.id);
    },
    async 'testimonies.revision'(input) {
      return getTestimonyRevision(session.requireVault(), input.id, input.revision);
    },
    async 'testimonies.linkItems'(input) {
      return linkTestimonyItems(session.requireVault(), input);
    },
    async 'testimonies.unlinkItems'(input) {
      return unlinkTestimonyItems(session.requireVault(), input);
    },

    async 'consent.list'(input) {
      return listConsents(session.requireVault(), input);
    },
    async 'consent.statuses'(input) {
      return consentStatuses(session.requireVault(), input.personId);
    },
    async 'consent.record'(input) {
      return recordConsent(session.requireVault(), input);
    },
    async 'consent.revoke'(input) {
      return revokeConsent(session.requireVault(), input);
    },

    async 'tags.list'(input) {
      return listTags(session.requireVault(), input.targetId);
    },
    async 'tags.assign'(input) {
      return assignTag(session.requireVault(), input);
    },
    async 'tags.remove'(input) {
      return removeTag(session.requireVault(), input);
    },
    async 'tags.editDetails'(input) {
      return editTagDetails(session.requireVault(), input);
    },

    async 'links.list'(input) {
      return listLinks(session.requireVault(), input.objectId);
    },
    async 'links.create'(input) {
      return createLink(session.requireVault(), input);
    },
    async 'links.remove'(input) {
      removeLink(session.requireVault(), input);
      return {};
    },

    async 'search.query'(input) {
      return searchCatalogue(session.requireVault(), input);
    },

    async 'drafts.get'(input) {
      return getDraft(session.requireVault(), input);
    },
    async 'drafts.save'(input) {
      return saveDraft(session.requireVault(), input);
    },
    async 'drafts.discard'(input) {
      return discardDraft(session.requireVault(), input);
    },
    async 'drafts.list'() {
      return listDrafts(session.requireVault());
    },

    async 'packets.plan'(input) {
      // The review's plan runs the export's per-file checks, so it never approves what the export would refuse.
      return planPacketChecked(session.requireVault(), input);
    },
    async 'packets.export'(input) {
      const vault = session.requireVault();
      const operationId = session.startOperation('export', async (signal, progress) => {
        const report = await exportPacket(vault, input, { signal, onProgress: (p) => progress({ kind: 'export', progress: p }, p.phase === 'done') });
        return { kind: 'export', report };
      });
      return { operationId };
    },
    async 'packets.verify'(input) {
      const operationId = session.startOperation('packet-verify', async (signal, progress) => {
        const report = await verifyPacket(input.path, { signal, ...(input.key ? { key: input.key } : {}), ...(input.witnessKeys ? { witnessKeys: input.witnessKeys } : {}), onProgress: (p) => progress({ kind: 'packet-verify', progress: p }) });
        return { kind: 'packet-verify', report };
      });
      return { operationId };
    },

    async 'ingest.start'(input) {
      const vault = session.requireVault();
      const operationId = session.startOperation('ingest', async (signal, progress) => {
        let latest: IngestProgress = { phase: 'scanning', filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0 };
        // ProofMode bundles and chat exports keep their links, as with `huella ingest` (ingest/sources.ts).
        const { imports: _imports, ...report } = await ingestSources(vault, input.paths, {
          signal,
          onProgress: (p) => {
            latest = p;
            progress({ kind: 'ingest', progress: p }, p.phase === 'done');
          },
          // Every per-file result is delivered (forced), so the import screen can list each error.
          onFile: (file) => progress({ kind: 'ingest', progress: latest, file }, true),
          // The library and the item page fill in their placeholders as each group of previews is stored.
          onPreviewsMade: (itemIds) => session.emit('items.previewsMade', { itemIds }),
        });
        return { kind: 'ingest', report };
      });
      return { operationId };
    },
    async 'verify.start'(input) {
      const vault = session.requireVault();
      const operationId = session.startOperation('verify', async (signal, progress) => {
        const report = await verifyVault(vault, { signal, skipObjects: !input.objects, onProgress: (p) => progress({ kind: 'verify', progress: p }) });
        recordVerification(vault, report);
        return { kind: 'verify', report };
      });
      return { operationId };
    },
    async 'operations.cancel'(input) {
      session.cancelOperation(input.operationId);
      return {};
    },
    async 'custody.events'(input) {
      const vault = session.requireVault();
      const page = eventPage(vault.log, input);
      return { ...page, labels: subjectLabels(vault, page.events.flatMap((e) => (e.subject ? [e.subject] : []))) };
    },
    async 'custody.checkpoint'() {
      return currentCheckpoint(session.requireVault().log);
    },
    async 'custody.publicKey'() {
      const vault = session.requireVault();
      const forms = publicKeyForms(vault.log.origin, vault.log.publicKey);
      return { noteVerifierKey: forms.noteVerifierKey, minisignPublicKey: forms.minisignPublicKey };
    },
  };
}

export function assertHandlersComplete(handlers: Handlers, methods: readonly string[]): void {
  const missing = methods.filter((m) => typeof (handlers as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) throw new HuellaError('INTERNAL', `missing handlers: ${missing.join(', ')}`);
}
