import { describe, expect, it } from 'vitest';
import { LANGS } from '../../../../shared/localized';
import type { Localized } from '../../../../shared/localized';
import {
  FIELD_TYPES,
  FILL_PATHS,
  FILL_TARGETS,
  MECHANISMS,
  MECHANISM_TEMPLATES,
  SEX_VALUES,
  allFields,
  getMechanism,
  requiredFields,
  taxonomyOfFillPath,
} from '../../../../shared/mechanisms';
import type { FillPath, Mechanism } from '../../../../shared/mechanisms';
import { getTaxonomy } from '../../../../shared/taxonomy';

// Integrity of the bundled mechanism templates (shared/mechanisms/*.json): what lawyers' packets are built from.

function localizedTexts(m: Mechanism): [string, Localized][] {
  const out: [string, Localized][] = [
    [`${m.id} title`, m.title],
    [`${m.id} addressee`, m.addressee.name],
    ...(typeof m.addressee.contact === 'string' ? [] : [[`${m.id} contact`, m.addressee.contact] as [string, Localized]]),
    [`${m.id} consent.sourceIdentity`, m.consent.sourceIdentity],
    [`${m.id} consent.sentToState`, m.consent.sentToState],
    [`${m.id} consent.publication`, m.consent.publication],
  ];
  for (const s of m.sections) {
    out.push([`${m.id}/${s.id} title`, s.title]);
    for (const f of s.fields) {
      out.push([`${m.id}/${f.id} label`, f.label], [`${m.id}/${f.id} help`, f.help]);
      for (const c of f.choices ?? []) out.push([`${m.id}/${f.id}/${c.id}`, c.label]);
    }
  }
  return out;
}

const byId = (id: string): Mechanism => {
  const m = getMechanism(id);
  if (!m) throw new Error(`no mechanism ${id}`);
  return m;
};

describe('mechanism templates', () => {
  it('offers the four templates and the Special Procedures variants', () => {
    expect(MECHANISM_TEMPLATES.map((t) => t.id)).toEqual(['wgad-individual', 'sp-communication', 'cat-art22', 'hrc-complaint']);
    expect(MECHANISMS.map((m) => m.id)).toEqual(['wgad-individual', 'sp-communication', 'sp-torture', 'sp-hrd', 'cat-art22', 'hrc-complaint']);
    expect(getMechanism('nope')).toBeUndefined();
  });

  it('shares one template between the Special Rapporteurs, with different addressees', () => {
    const torture = byId('sp-torture');
    const hrd = byId('sp-hrd');
    expect(torture.templateId).toBe('sp-communication');
    expect(hrd.templateId).toBe('sp-communication');
    expect(torture.sections).toBe(byId('sp-communication').sections);
    expect(torture.addressee.name.en).toMatch(/torture/i);
    expect(hrd.addressee.name.en).toMatch(/human rights defenders/i);
    expect(torture.title.en).not.toBe(hrd.title.en);
  });

  it('has every title, label, help and choice in all four languages', () => {
    const blanks: string[] = [];
    for (const m of MECHANISMS) {
      for (const [where, text] of localizedTexts(m)) {
        for (const lang of LANGS) if (text[lang].trim() === '') blanks.push(`${where} [${lang}]`);
      }
    }
    expect(blanks).toEqual([]);
  });

  it('uses field ids unique within each template, and choice ids unique within each field', () => {
    for (const t of MECHANISM_TEMPLATES) {
      const ids = t.sections.flatMap((s) => s.fields.map((f) => f.id));
      expect(new Set(ids).size, t.id).toBe(ids.length);
      const sectionIds = t.sections.map((s) => s.id);
      expect(new Set(sectionIds).size, t.id).toBe(sectionIds.length);
      for (const f of t.sections.flatMap((s) => s.fields)) {
        const choiceIds = (f.choices ?? []).map((c) => c.id);
        expect(new Set(choiceIds).size, `${t.id}/${f.id}`).toBe(choiceIds.length);
      }
    }
  });

  it('gives choices exactly to choice and multichoice fields', () => {
    for (const m of MECHANISM_TEMPLATES) {
      for (const f of m.sections.flatMap((s) => s.fields)) {
        expect(FIELD_TYPES).toContain(f.type);
        const needsChoices = f.type === 'choice' || f.type === 'multichoice';
        expect((f.choices?.length ?? 0) > 0, `${m.id}/${f.id}`).toBe(needsChoices);
      }
    }
  });

  it('fills only from the FillRule paths, into field types each path can fill', () => {
    const paths = new Set<string>(FILL_PATHS);
    for (const m of MECHANISM_TEMPLATES) {
      for (const f of m.sections.flatMap((s) => s.fields)) {
        if (!f.fill) continue;
        expect(paths.has(f.fill.from), `${m.id}/${f.id}: ${f.fill.from}`).toBe(true);
        expect(FILL_TARGETS[f.fill.from], `${m.id}/${f.id}: ${f.fill.from} → ${f.type}`).toContain(f.type);
      }
    }
  });

  it('uses taxonomy term ids as the choices of a multichoice filled from tags', () => {
    for (const m of MECHANISM_TEMPLATES) {
      for (const f of m.sections.flatMap((s) => s.fields)) {
        if (!f.fill || f.type !== 'multichoice') continue;
        const taxonomyId = taxonomyOfFillPath(f.fill.from);
        expect(taxonomyId, `${m.id}/${f.id}`).toBeDefined();
        if (!taxonomyId) continue;
        const termIds = new Set(getTaxonomy(taxonomyId).terms.map((t) => t.id));
        for (const c of f.choices ?? []) expect(termIds.has(c.id), `${m.id}/${f.id}: ${c.id}`).toBe(true);
      }
    }
  });

  it('offers the sex values the catalogue yields wherever a field is filled from victim.sex', () => {
    for (const m of MECHANISM_TEMPLATES) {
      for (const f of m.sections.flatMap((s) => s.fields)) {
        if (f.fill?.from !== 'victim.sex') continue;
        expect((f.choices ?? []).map((c) => c.id), `${m.id}/${f.id}`).toEqual(expect.arrayContaining([...SEX_VALUES]));
      }
    }
  });

  it('maps every tags.* fill path to a real taxonomy', () => {
    for (const p of FILL_PATHS) {
      const t = taxonomyOfFillPath(p as FillPath);
      if (p.startsWith('tags.')) expect(() => getTaxonomy(t!)).not.toThrow();
      else expect(t).toBeUndefined();
    }
  });

  it('makes conditional requirements point at a field of the same template, with a value it can hold', () => {
    for (const m of MECHANISM_TEMPLATES) {
      const fields = new Map(m.sections.flatMap((s) => s.fields).map((f) => [f.id, f]));
      for (const f of fields.values()) {
        if (!f.requiredWhen) continue;
        const target = fields.get(f.requiredWhen.field);
        expect(target, `${m.id}/${f.id}`).toBeDefined();
        expect(f.required, `${m.id}/${f.id} is already always required`).toBe(false);
        if (target?.type === 'boolean') expect(typeof f.requiredWhen.equals).toBe('boolean');
        else expect(target?.choices?.map((c) => c.id), `${m.id}/${f.id}`).toContain(f.requiredWhen.equals);
      }
    }
  });

  it('makes every consent that must be given a required yes/no question', () => {
    for (const m of MECHANISM_TEMPLATES) {
      const fields = new Map(m.sections.flatMap((s) => s.fields).map((f) => [f.id, f]));
      expect(m.consent.mustBeTrue.length, m.id).toBeGreaterThan(0);
      for (const id of m.consent.mustBeTrue) {
        expect(fields.get(id)?.type, `${m.id}/${id}`).toBe('boolean');
        expect(fields.get(id)?.required, `${m.id}/${id}`).toBe(true);
      }
    }
  });

  it('cites a source for every section and says where each contact address comes from', () => {
    for (const m of MECHANISM_TEMPLATES) {
      expect(m.citation.trim().length).toBeGreaterThan(0);
      expect(m.addressee.contactSource.trim().length).toBeGreaterThan(0);
      // A contact left as one string is an address, the same in every language; a sentence must be translated.
      const contact = m.addressee.contact;
      if (typeof contact === 'string') expect(contact, m.id).toMatch(/^(?:[^\s@]+@[^\s@]+\.[a-z]+|https:\/\/\S+)$/);
      for (const s of m.sections) expect(s.source.trim().length, `${m.id}/${s.id}`).toBeGreaterThan(0);
    }
  });

  it('does not accept anonymous submissions anywhere (all four mechanisms refuse them)', () => {
    for (const m of MECHANISM_TEMPLATES) expect(m.consent.anonymousAccepted, m.id).toBe(false);
  });
});

describe('required fields per source', () => {
  const required = (id: string) => requiredFields(byId(id)).map((f) => f.id);

  it('WGAD: identity, arrest, detention place, circumstances, categories, domestic steps, source (Fact Sheet No. 26 annex; A/HRC/36/38)', () => {
    expect(required('wgad-individual')).toEqual(expect.arrayContaining([
      'familyName', 'firstName', 'arrestDate', 'arrestPlace', 'detentionPlaces', 'circumstances', 'categories',
      'arbitrarinessReasons', 'domesticSteps', 'submitterName', 'submitterContact', 'submissionDate',
    ]));
    const categories = allFields(byId('wgad-individual')).find((f) => f.id === 'categories');
    expect(categories?.choices?.map((c) => c.id)).toEqual(getTaxonomy('wgad-categories').terms.map((t) => t.id));
  });

  it('Special Procedures: victim, perpetrator, date, place, circumstances, identified source (OHCHR criteria)', () => {
    expect(required('sp-communication')).toEqual(expect.arrayContaining([
      'victimName', 'perpetratorTypes', 'incidentDate', 'incidentCountry', 'incidentLocality', 'circumstances',
      'urgency', 'sourceName', 'sourceContact', 'victimConsents', 'victimKnowsStateInformed', 'victimKnowsPublicReport',
      'fullNameMayBePublished',
    ]));
    const conf = allFields(byId('sp-communication')).filter((f) => f.confidential).map((f) => f.id);
    expect(conf).toEqual(expect.arrayContaining(['sourceName', 'sourceContact', 'sourceOrganisation', 'confidentialInformation']));
  });

  it('CAT article 22: identified complainant, State party, articles, domestic remedies, other procedures, facts (art. 22(2), (5))', () => {
    expect(required('cat-art22')).toEqual(expect.arrayContaining([
      'complainantName', 'complainantAddress', 'complainantRole', 'stateParty', 'articlesViolated', 'domesticRemedies',
      'otherProcedure', 'facts', 'signedBy', 'signatureDate',
    ]));
  });

  it('HRC complaint procedure: author, State, facts, pattern, rights, domestic remedies — and marked draft', () => {
    const hrc = byId('hrc-complaint');
    expect(hrc.status).toBe('draft');
    expect(hrc.citation).toMatch(/^DRAFT/);
    expect(required('hrc-complaint')).toEqual(expect.arrayContaining([
      'authorType', 'authorName', 'authorContact', 'stateConcerned', 'facts', 'pattern', 'rightsViolated', 'domesticRemedies',
    ]));
  });

  it('adds conditionally required fields only when their condition holds', () => {
    const cat = byId('cat-art22');
    expect(requiredFields(cat).map((f) => f.id)).not.toContain('representativeName');
    expect(requiredFields(cat, { hasRepresentative: true }).map((f) => f.id)).toEqual(
      expect.arrayContaining(['representativeName', 'representativeContact', 'authorizationAttached']),
    );
    expect(requiredFields(cat, { hasRepresentative: true, authorizationAttached: false }).map((f) => f.id)).toContain(
      'authorizationMissingReason',
    );
    expect(requiredFields(cat, { hasRepresentative: false }).map((f) => f.id)).not.toContain('representativeName');
  });
});
