import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { useDocumentTitle } from '../lib/router';

/**
 * A screen with its heading. On arrival, focus moves to the heading so keyboard and screen-reader users start at
 * the top of the new content (a hash change does not move focus by itself). It happens before the screen is painted
 * (a layout effect: after paint, a click into a field the moment it appeared lost its focus to the heading) and never
 * takes focus from a field of this screen.
 */
export function Screen({ title, actions, children, className }: { readonly title: string; readonly actions?: ReactNode; readonly children: ReactNode; readonly className?: string }) {
  const h = useRef<HTMLHeadingElement>(null);
  const section = useRef<HTMLElement>(null);
  useDocumentTitle(title);
  useLayoutEffect(() => {
    const active = document.activeElement;
    if (active && section.current?.contains(active)) return;
    h.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section ref={section} className={`screen ${className ?? ''}`} aria-labelledby="screen-title">
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
