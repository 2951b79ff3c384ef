import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemVerification } from '../../../shared/api';
import { ErrorNote } from '../components/ErrorNote';
import { Screen } from '../components/Screen';
import { call, subscribe } from '../lib/api';
import { useAsync } from '../lib/useAsync';
import { ItemDetailView } from './ItemDetailView';

/** One item as evidence: loads it, runs the per-item verification; ItemDetailView draws it. */
export function ItemDetailScreen({ id }: { readonly id: string }) {
  const { t } = useTranslation();
  const state = useAsync(() => call('items.get', { id }), [id]);
  const verify = useVerifyItem(id);
  // The preview, made after the original (issue 19), replaces the placeholder when it is stored: no reload.
  const [previewMade, setPreviewMade] = useState<string>();
  useEffect(() => subscribe('items.previewsMade', (e) => e.itemIds.includes(id) && setPreviewMade(id)), [id]);
  if (state.status === 'error') {
    return (
      <Screen title={t('item.title')}>
        <ErrorNote error={state.error} />
      </Screen>
    );
  }
  if (!state.value) {
    return (
      <Screen title={t('item.title')}>
        <p aria-busy="true">{t('common.loading')}</p>
      </Screen>
    );
  }
  return (
    <ItemDetailView
      item={previewMade === id && !state.value.item.hasPreview ? { ...state.value.item, hasPreview: true, previewPending: false } : state.value.item}
      events={state.value.events}
      onVerify={() => void verify.run()}
      verifying={verify.busy}
      verifyResult={verify.result}
      verifyError={verify.error}
      onChanged={state.reload}
    />
  );
}

function useVerifyItem(id: string) {
  const [result, setResult] = useState<ItemVerification>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await call('items.verify', { id }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, error, run };
}
