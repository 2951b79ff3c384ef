import { useEffect, useSyncExternalStore } from 'react';

/**
 * Hash routes (#/library, #/item/it_…): work unchanged from a custom app:// protocol and the test host, need no
 * server, and give back/forward for free.
 */
export type Route =
  | { readonly name: 'library' }
  | { readonly name: 'import' }
  | { readonly name: 'item'; readonly id: string }
  | { readonly name: 'cases' }
  | { readonly name: 'case'; readonly id: string }
  | { readonly name: 'people' }
  | { readonly name: 'person'; readonly id: string }
  | { readonly name: 'testimony'; readonly id: string }
  | { readonly name: 'search' }
  | { readonly name: 'custody' }
  | { readonly name: 'settings' }
  | { readonly name: 'packet'; readonly id?: string }
  | { readonly name: 'verify-packet' }
  | { readonly name: 'share'; readonly id?: string }
  | { readonly name: 'receive' };

/** The share route's id for the items chosen in a list (see screens/transfer/Share.tsx). */
export const SHARE_SELECTION = 'selection';

const SIMPLE = ['library', 'import', 'cases', 'people', 'search', 'custody', 'settings', 'verify-packet', 'receive'] as const;
const WITH_ID = ['item', 'case', 'person', 'testimony'] as const;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [name, id] = parts;
  if ((SIMPLE as readonly string[]).includes(name ?? '')) return { name: name as (typeof SIMPLE)[number] };
  // The packet wizard, optionally for one case (#/packet/case_…).
  if (name === 'packet') return id && /^case_[0-9a-z]{10}$/.test(id) ? { name: 'packet', id } : { name: 'packet' };
  // Share, optionally a given case (#/share/case_…), one item (#/share/it_…) or the items chosen in the library or
  // search results (#/share/selection, the selection kept in memory by the screen that chose them).
  if (name === 'share') return id && (/^(case|it)_[0-9a-z]{10}$/.test(id) || id === SHARE_SELECTION) ? { name: 'share', id } : { name: 'share' };
  if ((WITH_ID as readonly string[]).includes(name ?? '') && id && /^[a-z]+_[0-9a-z]{10}$/.test(id)) {
    return { name: name as (typeof WITH_ID)[number], id };
  }
  return { name: 'library' };
}

export function href(route: Route): string {
  return 'id' in route && route.id ? `#/${route.name}/${encodeURIComponent(route.id)}` : `#/${route.name}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route).slice(1);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/** Sets the window title for the current screen. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Huella` : 'Huella';
  }, [title]);
}
