/**
 * BagIt 1.0 (RFC 8493, https://www.rfc-editor.org/rfc/rfc8493) text files: manifests (§2.1.3, §2.2.1),
 * bag-info.txt (§2.2.2) and Payload-Oxum. Manifest lines are `<sha256 hex>  <path>` — two spaces, which is both
 * RFC 8493's "one or more linear whitespace" and the format `sha256sum -c` reads, so a reviewer can check a bag
 * with coreutils alone. Paths are relative, '/'-separated; CR, LF and '%' are percent-encoded (§2.1.3).
 */

export type ManifestEntry = { readonly path: string; readonly sha256: string };

export function encodeManifestPath(p: string): string {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function decodeManifestPath(p: string): string {
  return p.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
}

/** Sorted by path (byte order), so the same packet always gives the same manifest. */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${encodeManifestPath(e.path)}\n`)
    .join('');
}

export type ParsedManifest = { readonly entries: readonly ManifestEntry[]; readonly problems: readonly string[] };

/** Parses a manifest strictly: 64 lower-case hex digits, whitespace, a path; reports duplicates and bad lines. */
export function parseManifest(text: string, name: string): ParsedManifest {
  const entries: ManifestEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  if (text.length > 0 && !text.endsWith('\n')) problems.push(`${name}: the last line has no line end`);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const m = /^([0-9a-f]{64})[ \t]+\*?(.+)$/.exec(line.replace(/\r$/, ''));
    if (!m) {
      problems.push(`${name} line ${i + 1} is not "<sha256>  <path>"`);
      return;
    }
    const p = decodeManifestPath(m[2]!);
    if (seen.has(p)) problems.push(`${name} lists ${p} twice`);
    seen.add(p);
    entries.push({ path: p, sha256: m[1]! });
  });
  return { entries, problems };
}

export type BagInfo = ReadonlyArray<readonly [string, string]>;

export function formatBagInfo(info: BagInfo): string {
  return info.map(([k, v]) => `${k}: ${v}\n`).join('');
}

/** Labels and values; continuation lines (leading whitespace) join the previous value with a space. */
export function parseBagInfo(text: string): { readonly info: BagInfo; readonly problems: readonly string[] } {
  const info: [string, string][] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^[ \t]/.test(line)) {
      const last = info.at(-1);
      if (last) last[1] = `${last[1]} ${line.trim()}`;
      else problems.push(`bag-info.txt line ${i + 1} continues nothing`);
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`bag-info.txt line ${i + 1} is not "Label: value"`);
      return;
    }
    info.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  });
  return { info, problems };
}

export function bagInfoValue(info: BagInfo, label: string): string | undefined {
  return info.find(([k]) => k.toLowerCase() === label.toLowerCase())?.[1];
}

export function payloadOxum(bytes: number, files: number): string {
  return `${bytes}.${files}`;
}
