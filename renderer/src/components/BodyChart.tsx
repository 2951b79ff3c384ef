import type { KeyboardEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The anatomical sites of an Istanbul Protocol tag picked on a body chart, front and back (after the Protocol's
 * anatomical drawings, simplified). Each site is one checkbox on the chart: a click or Space/Enter toggles it, Tab
 * moves between sites (each site is one stop, on the figure where it is seen best; its shape on the other figure
 * toggles it too, for the mouse). The list of sites beside it (the caller's checkboxes) shows the same state: both
 * read and write the one value.
 */

type Shape = { readonly site: string; readonly el: (props: { className: string }) => ReactNode };

const ell = (cx: number, cy: number, rx: number, ry: number) =>
  function Ellipse(p: { className: string }) {
    return <ellipse cx={cx} cy={cy} rx={rx} ry={ry} className={p.className} />;
  };
const rect = (x: number, y: number, w: number, h: number, r = 4) =>
  function Rect(p: { className: string }) {
    return <rect x={x} y={y} width={w} height={h} rx={r} className={p.className} />;
  };

/** Shapes drawn in order (later over earlier); the first figure holds the keyboard stop of each site it shows. */
const FRONT: readonly Shape[] = [
  { site: 'head', el: ell(50, 18, 13, 16) },
  { site: 'ears', el: ell(36, 19, 3, 5) },
  { site: 'ears', el: ell(64, 19, 3, 5) },
  { site: 'face', el: ell(50, 21, 8, 10) },
  { site: 'eyes', el: ell(46, 17, 2.5, 1.8) },
  { site: 'eyes', el: ell(54, 17, 2.5, 1.8) },
  { site: 'mouth-teeth', el: ell(50, 26, 4, 1.8) },
  { site: 'neck', el: rect(44, 33, 12, 8, 2) },
  { site: 'arms', el: rect(18, 42, 12, 46) },
  { site: 'arms', el: rect(70, 42, 12, 46) },
  { site: 'wrists-hands', el: ell(24, 96, 6, 8) },
  { site: 'wrists-hands', el: ell(76, 96, 6, 8) },
  { site: 'chest', el: rect(32, 41, 36, 19) },
  { site: 'breasts', el: ell(42, 51, 5, 4) },
  { site: 'breasts', el: ell(58, 51, 5, 4) },
  { site: 'abdomen', el: rect(33, 61, 34, 22) },
  { site: 'genitals-anus', el: rect(43, 84, 14, 9, 3) },
  { site: 'legs', el: rect(34, 94, 14, 86) },
  { site: 'legs', el: rect(52, 94, 14, 86) },
  { site: 'feet-soles', el: ell(40, 188, 8, 5) },
  { site: 'feet-soles', el: ell(60, 188, 8, 5) },
];
const BACK: readonly Shape[] = [
  { site: 'head', el: ell(50, 18, 13, 16) },
  { site: 'neck', el: rect(44, 33, 12, 8, 2) },
  { site: 'arms', el: rect(18, 42, 12, 46) },
  { site: 'arms', el: rect(70, 42, 12, 46) },
  { site: 'wrists-hands', el: ell(24, 96, 6, 8) },
  { site: 'wrists-hands', el: ell(76, 96, 6, 8) },
  { site: 'back', el: rect(32, 41, 36, 42) },
  { site: 'buttocks', el: rect(33, 84, 34, 12) },
  { site: 'legs', el: rect(34, 97, 14, 83) },
  { site: 'legs', el: rect(52, 97, 14, 83) },
  { site: 'feet-soles', el: ell(40, 188, 8, 5) },
  { site: 'feet-soles', el: ell(60, 188, 8, 5) },
];

const SIDES: readonly (readonly ['front' | 'back', readonly Shape[]])[] = [
  ['front', FRONT],
  ['back', BACK],
];

/** The sites the chart can show (the others, such as 'whole body' and 'other', are in the list only). */
export const CHART_SITES: ReadonlySet<string> = new Set([...FRONT, ...BACK].map((s) => s.site));

export function BodyChart({
  idPrefix,
  choices,
  value,
  onToggle,
}: {
  readonly idPrefix: string;
  readonly choices: readonly { readonly id: string; readonly label: string }[];
  readonly value: readonly string[];
  readonly onToggle: (site: string, on: boolean) => void;
}) {
  const { t } = useTranslation();
  const labelOf = new Map(choices.map((c) => [c.id, c.label]));
  const stops = new Set<string>();
  const figure = (side: 'front' | 'back', shapes: readonly Shape[]) => {
    // Group the shapes of one site: one checkbox per site and figure.
    const sites = [...new Set(shapes.map((s) => s.site))].filter((s) => labelOf.has(s));
    return (
      <figure className="body-figure" key={side}>
        <svg viewBox="0 0 100 200" className="body-svg" aria-labelledby={`${idPrefix}-${side}-caption`} role="group">
          <path className="body-outline" d="M50 2 C36 2 36 34 44 34 L30 40 L16 42 L14 104 L32 104 L32 96 L32 182 L48 196 L50 96 L52 196 L68 182 L68 96 L68 104 L86 104 L84 42 L70 40 L56 34 C64 34 64 2 50 2 Z" />
          {sites.map((site) => {
            const on = value.includes(site);
            const stop = !stops.has(site);
            stops.add(site);
            const label = labelOf.get(site) ?? site;
            const toggle = () => onToggle(site, !on);
            const onKeyDown = (e: KeyboardEvent) => {
              if (e.key === ' ' || e.key === 'Enter') {
                e.preventDefault();
                toggle();
              }
            };
            return (
              <g
                key={site}
                role="checkbox"
                aria-checked={on}
                aria-label={label}
                aria-hidden={stop ? undefined : true}
                tabIndex={stop ? 0 : -1}
                data-site={site}
                data-side={side}
                className={`body-site${on ? ' on' : ''}`}
                onClick={toggle}
                onKeyDown={onKeyDown}
              >
                <title>{label}</title>
                {shapes
                  .filter((s) => s.site === site)
                  .map((s, i) => (
                    <s.el key={i} className="body-shape" />
                  ))}
              </g>
            );
          })}
        </svg>
        <figcaption id={`${idPrefix}-${side}-caption`}>{t(`tags.bodyChart.${side}`)}</figcaption>
      </figure>
    );
  };
  return (
    <div className="body-chart" data-testid="body-chart">
      {SIDES.map(([side, shapes]) => figure(side, shapes))}
    </div>
  );
}
