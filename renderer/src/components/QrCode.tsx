/** The QR code drawn as SVG squares from the matrix the main process computed (no image data crosses over). */
export function QrCode({ matrix, title }: { readonly matrix: readonly (readonly boolean[])[]; readonly title: string }) {
  const n = matrix.length;
  return (
    <svg className="qr" viewBox={`0 0 ${n} ${n}`} width={Math.min(360, n * 4)} height={Math.min(360, n * 4)} role="img" aria-label={title} shapeRendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      {matrix.flatMap((row, y) => row.map((dark, x) => (dark ? <rect key={`${x}-${y}`} x={x} y={y} width={1} height={1} fill="#000" /> : null)))}
    </svg>
  );
}
