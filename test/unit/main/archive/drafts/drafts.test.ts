import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupVault, restoreBackup } from '../../../../../main/archive/backup';
import { createCase, deleteCase } from '../../../../../main/archive/catalogue/cases';
import { createPerson, deletePerson } from '../../../../../main/archive/catalogue/persons';
import { createTestimony, deleteTestimony } from '../../../../../main/archive/catalogue/testimonies';
import { discardDraft, getDraft, listDrafts, saveDraft } from '../../../../../main/archive/drafts/drafts';
import { deleteItem } from '../../../../../main/archive/items/edit';
import { openVault, type Vault } from '../../../../../main/archive/vault/vault';
import { verifyVault } from '../../../../../main/archive/verify/verify';
import { allFiles, tempDir, TEST_PASSPHRASE } from '../../../../helpers/tmp';
import { errorOf, makeItems, newVault } from '../catalogue/helpers';

/**
 * Drafts: what a form holds before it is saved for real. Kept whatever the fields say (an invalid language is still
 * kept), never a custody event, discarded with their record, encrypted at rest, and backed up like every other row.
 */
describe('drafts', () => {
  const root = tempDir();
  let vault: Vault;
  beforeAll(async () => {
    vault = await newVault(root);
  });
  afterAll(() => vault?.lock());

  it('keeps what was typed, valid or not, and returns it; saving again replaces it and keeps the first time', async () => {
    const t = createTestimony(vault, { title: 'Interview' });
    const data = { title: 'Interview', language: 'Turkish', interviewDate: '31 February', text: 'They took us to a building near the port.' };
    const first = saveDraft(vault, { form: 'testimony', recordId: t.id, data, base: 'r1' });
    const got = getDraft(vault, { form: 'testimony', recordId: t.id });
    expect(got).toMatchObject({ form: 'testimony', recordId: t.id, data, base: 'r1', savedAt: first.savedAt, createdAt: first.savedAt });
    await new Promise((r) => setTimeout(r, 5));
    const second = saveDraft(vault, { form: 'testimony', recordId: t.id, data: { ...data, text: `${data.text} More.` } });
    const again = getDraft(vault, { form: 'testimony', recordId: t.id })!;
    expect(again.data.text).toBe(`${data.text} More.`);
    expect(again.base).toBeUndefined();
    expect(again.createdAt).toBe(first.savedAt);
    expect(again.savedAt).toBe(second.savedAt);
    expect(getDraft(vault, { form: 'case', recordId: 'case_0000000000' })).toBeNull();
  });

  it('is not a custody event: saving, reading and discarding drafts append nothing to the log', () => {
    const c = createCase(vault, { title: 'A case' });
    const size = vault.log.size();
    saveDraft(vault, { form: 'case', recordId: c.id, data: { title: 'A case', summary: 'draft summary', country: 'Turkey' } });
    saveDraft(vault, { form: 'packet', recordId: c.id, data: { step: 'fields', choices: { answers: { arrestPlace: 'Istanbul' } } } });
    saveDraft(vault, { form: 'case-new', recordId: 'new', data: { title: 'Another' } });
    getDraft(vault, { form: 'case', recordId: c.id });
    listDrafts(vault);
    expect(discardDraft(vault, { form: 'case-new', recordId: 'new' })).toEqual({ discarded: true });
    expect(discardDraft(vault, { form: 'case-new', recordId: 'new' })).toEqual({ discarded: false });
    expect(vault.log.size()).toBe(size);
  });

  it('refuses a draft for a record that does not exist, a record id of the wrong kind, and an oversized draft', () => {
    expect(errorOf(() => saveDraft(vault, { form: 'testimony', recordId: 'tes_0000000000', data: { text: 'x' } }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(() => saveDraft(vault, { form: 'testimony', recordId: 'case_0000000000', data: {} }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'recordId' } });
    expect(errorOf(() => saveDraft(vault, { form: 'case-new', recordId: 'case_0000000000', data: {} }))).toMatchObject({ code: 'INVALID_INPUT' });
    const c = createCase(vault, { title: 'Big' });
    expect(errorOf(() => saveDraft(vault, { form: 'case', recordId: c.id, data: { notes: 'x'.repeat(3 * 1024 * 1024) } }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'data' } });
  });

  it('discards the drafts of a record when the record is deleted, whatever the form', async () => {
    const c = createCase(vault, { title: 'To delete' });
    const p = createPerson(vault, { realName: 'Ana Pérez', pseudonym: 'P1' });
    const t = createTestimony(vault, { title: 'T', caseId: c.id });
    const [itemId] = await makeItems(vault, [{}]);
    saveDraft(vault, { form: 'case', recordId: c.id, data: { summary: 's' } });
    saveDraft(vault, { form: 'packet', recordId: c.id, data: { step: 'review' } });
    saveDraft(vault, { form: 'person', recordId: p.id, data: { notes: 'n' } });
    saveDraft(vault, { form: 'consent', recordId: p.id, data: { notes: 'asked in person' } });
    saveDraft(vault, { form: 'testimony', recordId: t.id, data: { text: 't' } });
    saveDraft(vault, { form: 'item', recordId: itemId!, data: { description: 'd' } });
    const keys = () => listDrafts(vault).map((d) => `${d.form}:${d.recordId}`);
    expect(keys()).toEqual(expect.arrayContaining([`case:${c.id}`, `packet:${c.id}`, `person:${p.id}`, `consent:${p.id}`, `testimony:${t.id}`, `item:${itemId}`]));

    deleteCase(vault, { id: c.id });
    deletePerson(vault, { id: p.id });
    deleteTestimony(vault, { id: t.id });
    deleteItem(vault, { id: itemId!, reason: 'duplicate' });
    for (const k of [`case:${c.id}`, `packet:${c.id}`, `person:${p.id}`, `consent:${p.id}`, `testimony:${t.id}`, `item:${itemId}`]) expect(keys()).not.toContain(k);
    expect(getDraft(vault, { form: 'packet', recordId: c.id })).toBeNull();
    expect(errorOf(() => saveDraft(vault, { form: 'case', recordId: c.id, data: {} }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(() => saveDraft(vault, { form: 'item', recordId: itemId!, data: {} }))).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('drafts at rest: encrypted, untouched by verify, carried by backups', () => {
  const root = tempDir();
  const needle = 'Draft-needle: Zeynep was taken from the café on Istiklal Avenue';
  let vault: Vault;
  let dir: string;
  let testimonyId: string;

  beforeAll(async () => {
    vault = await newVault(root);
    dir = vault.dir;
    testimonyId = createTestimony(vault, { title: 'Interview' }).id;
    saveDraft(vault, { form: 'testimony', recordId: testimonyId, data: { text: needle, language: 'Turkish' } });
  });
  afterAll(() => vault?.lock());

  it('is written to disk only encrypted (the database and its WAL hold no plaintext of it)', () => {
    const hits = allFiles(dir).filter((f) => fs.readFileSync(f).includes(Buffer.from('Draft-needle')));
    expect(hits).toEqual([]);
  });

  it('does not disturb huella verify (a draft is not part of the custody record)', async () => {
    const report = await verifyVault(vault);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('is in the backup, and a restored vault gives it back', async () => {
    const backupDir = path.join(root, 'usb', 'backup');
    await backupVault(vault, backupDir);
    const backupHits = allFiles(backupDir).filter((f) => fs.readFileSync(f).includes(Buffer.from('Draft-needle')));
    expect(backupHits).toEqual([]);
    const target = path.join(root, 'restored');
    await restoreBackup(backupDir, target, { passphrase: TEST_PASSPHRASE });
    const restored = await openVault(target, { passphrase: TEST_PASSPHRASE });
    try {
      expect(getDraft(restored, { form: 'testimony', recordId: testimonyId })?.data).toEqual({ text: needle, language: 'Turkish' });
    } finally {
      restored.lock();
    }
  });
});
