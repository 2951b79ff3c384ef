import { useEffect, useRef, type ReactNode } from 'react';
import { useDocumentTitle } from '../lib/router';

/**
 * A screen with its heading. On arrival, focus moves to the heading so keyboard and screen-reader users start at
 * the top of the new content (a hash change does not move focus by itself).
 */
export function Screen({ title, actions, children, className }: { readonly title: string; readonly actions?: ReactNode; readonly children: ReactNode; readonly className?: string }) {
  const h = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(title);
  useEffect(() => {
    h.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className={`screen ${className ?? ''}`} aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title" ref={h} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="screen-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
