/**
 * A chosen file or folder beside the button that chooses it: the path isolated and left to right (it reads the same
 * in Arabic), or, before anything is chosen, a sentence in the person's language. The sentence is prose, so it is
 * not set in the path's monospace font, not forced left to right, and not marked as data (the pseudo-locale check
 * reads it like any other text).
 */
export function PathValue({ id, path, none }: { readonly id?: string; readonly path: string | undefined; readonly none: string }) {
  return path ? (
    <bdi id={id} dir="ltr" className="path">
      {path}
    </bdi>
  ) : (
    <span id={id} className="path-none">
      {none}
    </span>
  );
}
