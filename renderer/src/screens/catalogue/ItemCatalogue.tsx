import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Draft } from '../../../../shared/model/drafts';
import type { ItemDetail } from '../../../../shared/model/items';
import { LINK_RELATIONS, typeOfId, type LinkRelation } from '../../../../shared/model/catalogue';
import { CasePicker } from '../../components/CasePicker';
import { ErrorNote } from '../../components/ErrorNote';
import { Field } from '../../components/Field';
import { TagEditor } from '../../components/TagEditor';
import { call } from '../../lib/api';
import { href, type Route } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useConfirm } from '../../lib/useConfirm';
import { DraftFormEnd, DraftNote, useDraftForm, WithDraft } from '../../lib/useFormDraft';

function routeFor(id: string): Route | undefined {
  switch (typeOfId(id)) {
    case 'item':
      return { name: 'item', id };
    case 'case':
      return { name: 'case', id };
    case 'testimony':
      return { name: 'testimony', id };
    case 'person':
      return { name: 'person', id };
    default:
      return undefined;
  }
}

/** The item's place in the catalogue: description, tags, cases, testimonies, links; delete (with a reason). */
export function ItemCatalogue({ item: d, onChanged }: { readonly item: ItemDetail; readonly onChanged: () => void }) {
  const itemId = d.id;
  const context = useAsync(() => call('items.context', { id: itemId }), [itemId]);
  return (
    <>
      <ItemDescription itemId={itemId} title={d.title ?? ''} description={d.description ?? ''} place={d.place ?? ''} />
      <TagEditor targetId={itemId} />
      <ItemMemberships itemId={itemId} context={context.value} onChanged={context.reload} />
      <ItemLinks itemId={itemId} />
      <DeleteItem itemId={itemId} deleted={d.deleted} onChanged={onChanged} />
    </>
  );
}

type ItemValues = { readonly title: string; readonly description: string; readonly place: string };

/** The item's description, kept as a draft ('item') while it is typed, until it is saved (issue 13: nothing typed is lost). */
function ItemDescription({ itemId, ...values }: { readonly itemId: string } & ItemValues) {
  return <WithDraft form="item" recordId={itemId}>{(draft) => <ItemDescriptionForm itemId={itemId} saved={values} draft={draft} />}</WithDraft>;
}

function ItemDescriptionForm({ itemId, saved: savedValues, draft }: { readonly itemId: string; readonly saved: ItemValues; readonly draft: Draft | null }) {
  const { t } = useTranslation();
  const form = useDraftForm({
    form: 'item',
    recordId: itemId,
    draft,
    saved: savedValues,
    save: async (v) => {
      await call('items.edit', { id: itemId, title: v.title.trim() || null, description: v.description || null, place: v.place.trim() || null });
    },
  });
  const { values: v, change } = form;
  // A description brought back from a draft opens unfolded, so the person sees it is there and not yet saved.
  return (
    <details className="card" open={form.opened.state !== 'none' || undefined}>
      <summary>{t('item.describe')}</summary>
      <form onSubmit={(e) => void form.submit(e)}>
        <p className="hint">{t('item.describeHint')}</p>
        <DraftNote state={form.note} />
        <Field label={t('item.titleField')}>{(p) => <input {...p} type="text" value={v.title} onChange={(e) => change({ ...v, title: e.target.value })} dir="auto" />}</Field>
        <Field label={t('item.description')}>{(p) => <textarea {...p} rows={3} value={v.description} onChange={(e) => change({ ...v, description: e.target.value })} dir="auto" />}</Field>
        <Field label={t('item.place')}>{(p) => <input {...p} type="text" value={v.place} onChange={(e) => change({ ...v, place: e.target.value })} dir="auto" />}</Field>
        <DraftFormEnd form={form} fieldsShown={false} submitLabel={t('common.save')} savedLabel={t('common.saved')} />
      </form>
    </details>
  );
}

function ItemMemberships({ itemId, context, onChanged }: { readonly itemId: string; readonly context: { cases: readonly { id: string; title: string }[]; testimonies: readonly { id: string; title: string }[] } | undefined; readonly onChanged: () => void }) {
  const { t } = useTranslation();
  const testimonies = useAsync(() => call('testimonies.list', {}), []);
  const [caseId, setCaseId] = useState('');
  const [testimonyId, setTestimonyId] = useState('');
  const [error, setError] = useState<unknown>();
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError(undefined);
        onChanged();
      },
      (e: unknown) => setError(e),
    );
  const inCases = new Set((context?.cases ?? []).map((c) => c.id));
  const inTestimonies = new Set((context?.testimonies ?? []).map((x) => x.id));
  return (
    <section aria-labelledby="item-memberships">
      <h2 id="item-memberships">{t('item.casesAndTestimonies')}</h2>
      <ul className="list-plain">
        {(context?.cases ?? []).map((c) => (
          <li key={c.id}>
            <span className="badge">{t('search.docType.case')}</span>{' '}
            <a href={href({ name: 'case', id: c.id })} dir="auto">
              {c.title}
            </a>{' '}
            <button type="button" className="link" onClick={() => void act(call('cases.removeItems', { caseId: c.id, itemIds: [itemId] }))}>
              {t('item.removeFromCase')}
            </button>
          </li>
        ))}
        {(context?.testimonies ?? []).map((x) => (
          <li key={x.id}>
            <span className="badge">{t('search.docType.testimony')}</span>{' '}
            <a href={href({ name: 'testimony', id: x.id })} dir="auto">
              {x.title}
            </a>{' '}
            <button type="button" className="link" onClick={() => void act(call('testimonies.unlinkItems', { testimonyId: x.id, itemIds: [itemId] }))}>
              {t('testimony.unlink')}
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <CasePicker id="item-add-case" inline label={t('item.addToCase')} emptyLabel={t('item.chooseCase')} value={caseId} onChange={setCaseId} exclude={inCases} />
        <button type="button" disabled={!caseId} onClick={() => void act(call('cases.addItems', { caseId, itemIds: [itemId] })).then(() => setCaseId(''))}>
          {t('item.add')}
        </button>
        <div className="field inline">
          <label htmlFor="item-add-testimony">{t('item.linkTestimony')}</label>
          <select id="item-add-testimony" value={testimonyId} onChange={(e) => setTestimonyId(e.target.value)}>
            <option value="">{t('item.chooseTestimony')}</option>
            {(testimonies.value ?? [])
              .filter((x) => !inTestimonies.has(x.id))
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
          </select>
        </div>
        <button type="button" disabled={!testimonyId} onClick={() => void act(call('testimonies.linkItems', { testimonyId, itemIds: [itemId] })).then(() => setTestimonyId(''))}>
          {t('item.link')}
        </button>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}

function ItemLinks({ itemId }: { readonly itemId: string }) {
  const { t } = useTranslation();
  const links = useAsync(() => call('links.list', { objectId: itemId }), [itemId]);
  const targets = useAsync(async () => {
    const [cases, testimonies, persons] = await Promise.all([call('cases.list', {}), call('testimonies.list', {}), call('persons.list', {})]);
    return [
      ...cases.map((c) => ({ id: c.id, label: c.title, kind: 'case' as const })),
      ...testimonies.map((x) => ({ id: x.id, label: x.title, kind: 'testimony' as const })),
      ...persons.map((p) => ({ id: p.id, label: p.pseudonym, kind: 'person' as const })),
    ];
  }, []);
  const [relation, setRelation] = useState<LinkRelation>('depicts');
  const [toId, setToId] = useState('');
  const [error, setError] = useState<unknown>();
  const label = (id: string) => targets.value?.find((x) => x.id === id)?.label ?? id;
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!toId) return;
    setError(undefined);
    try {
      await call('links.create', { fromId: itemId, toId, relation });
      setToId('');
      links.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="item-links">
      <h2 id="item-links">{t('links.title')}</h2>
      {links.value && links.value.length === 0 ? <p>{t('links.none')}</p> : null}
      <ul className="list-plain">
        {(links.value ?? []).map((l) => {
          const other = l.fromId === itemId ? l.toId : l.fromId;
          const route = routeFor(other);
          return (
            <li key={l.id}>
              <span className="badge">{t(`links.relations.${l.relation}`)}</span> {route ? <a href={href(route)}>{label(other)}</a> : <code dir="ltr">{other}</code>}{' '}
              <button type="button" className="link" onClick={() => void call('links.remove', { id: l.id }).then(links.reload, setError)}>
                {t('links.remove')}
              </button>
            </li>
          );
        })}
      </ul>
      <form className="row" onSubmit={(e) => void create(e)} aria-label={t('links.add')}>
        <div className="field inline">
          <label htmlFor="link-relation">{t('links.relation')}</label>
          <select id="link-relation" value={relation} onChange={(e) => setRelation(e.target.value as LinkRelation)}>
            {LINK_RELATIONS.map((r) => (
              <option key={r} value={r}>
                {t(`links.relations.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="link-target">{t('links.target')}</label>
          <select id="link-target" value={toId} onChange={(e) => setToId(e.target.value)}>
            <option value="">{t('links.chooseTarget')}</option>
            {(targets.value ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {t(`search.docType.${x.kind}`)}: {x.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={!toId}>
          {t('links.add')}
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

function DeleteItem({ itemId, deleted, onChanged }: { readonly itemId: string; readonly deleted: boolean; readonly onChanged: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>();
  if (deleted) {
    return (
      <section aria-labelledby="item-delete" className="note note-warn">
        <h2 id="item-delete">{t('item.deletedTitle')}</h2>
        <p>{t('item.deletedExplain')}</p>
        <button type="button" onClick={() => void call('items.restore', { id: itemId }).then(onChanged, setError)}>
          {t('item.restore')}
        </button>
        <ErrorNote error={error} />
      </section>
    );
  }
  return (
    <details className="card">
      <summary>{t('item.deleteTitle')}</summary>
      <p>{t('item.deleteExplain')}</p>
      <Field label={t('item.deleteReason')}>{(p) => <input {...p} type="text" value={reason} onChange={(e) => setReason(e.target.value)} dir="auto" />}</Field>
      <button
        type="button"
        className="danger"
        disabled={!reason.trim()}
        onClick={() =>
          confirm.ask({
            title: t('item.deleteConfirmTitle'),
            body: t('item.deleteConfirmBody'),
            confirmLabel: t('item.delete'),
            danger: true,
            onConfirm: () => void call('items.delete', { id: itemId, reason: reason.trim() }).then(onChanged, setError),
          })
        }
      >
        {t('item.delete')}
      </button>
      <ErrorNote error={error} />
      {confirm.dialog}
    </details>
  );
}
