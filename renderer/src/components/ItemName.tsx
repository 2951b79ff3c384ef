import { useEffect, useState } from 'react';
import { call } from '../lib/api';

/**
 * An item by its human label (its title, or its original file name) where only its id is known; the id until the
 * label arrives, or if the item cannot be read. The item's own page, one click away, shows the id.
 */
export function ItemName({ id }: { readonly id: string }) {
  const [label, setLabel] = useState<string>();
  useEffect(() => {
    let live = true;
    call('items.get', { id }).then(
      (v) => live && setLabel(v.item.title ?? v.item.originalName),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  return label ? (
    <bdi>{label}</bdi>
  ) : (
    <code dir="ltr" translate="no">
      {id}
    </code>
  );
}
