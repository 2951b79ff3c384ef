import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies text to the clipboard; if the clipboard is refused, selects the target so Ctrl+C works. */
export function CopyButton({ text, label, targetId }: { readonly text: string; readonly label: string; readonly targetId?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'selected'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      const el = targetId ? document.getElementById(targetId) : null;
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
      setState('selected');
    }
  };
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' ? t('common.copied') : state === 'selected' ? t('common.selectedToCopy') : ''}
      </span>
    </span>
  );
}
