import { useTranslation } from 'react-i18next';
import { mediaFamily } from '../lib/media';

/**
 * What stands in for an item's preview when it has none: its kind of media, and, while the preview is still being
 * made (issue 19: previews come after the originals), a note saying so, named as one image for screen readers. The
 * screen swaps it for the preview when items.previewsMade names the item.
 */
export function PreviewPlaceholder({ mediaType, pending, large = false }: { readonly mediaType: string; readonly pending: boolean; readonly large?: boolean }) {
  const { t } = useTranslation();
  const type = t(`media.${mediaFamily(mediaType)}`);
  const className = large ? 'thumb-type large' : 'thumb-type';
  if (!pending) return large ? <div className={className}>{type}</div> : <span className={className}>{type}</span>;
  return (
    <span className={`${className} pending`} role="img" aria-label={t('item.previewPending', { type })}>
      <span aria-hidden="true">{type}</span>
      <span className="thumb-pending" aria-hidden="true">
        {t('item.previewPendingShort')}
      </span>
    </span>
  );
}
