/**
 * ProofMode's proof data (`<sha256>.proof.json`, `<sha256>.proof.csv`): what the phone recorded when the media was
 * made (its hash, times, location if enabled, device and network details), as ProofMode's own key names
 * ("File Hash SHA256", "Proof Generated", "Location.Latitude"…; service/ProofModeV1Constants.java). Kept as the file
 * states it, as strings, size-capped: the files themselves are items, this is a summary for the media's record.
 */

const MAX_KEYS = 100;
const MAX_VALUE = 500;
const MAX_INPUT = 1024 * 1024;
const KEY = /^[\p{L}\p{N} ._:/()-]{1,80}$/u;

function keep(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of entries) {
    if (n >= MAX_KEYS) break;
    const key = k.trim();
    if (!KEY.test(key) || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    const value = String(v).trim().slice(0, MAX_VALUE);
    if (value === '') continue;
    out[key] = value;
    n++;
  }
  return out;
}

/** `<sha256>.proof.json`: one flat JSON object. Undefined when it is not one. */
export function parseProofJson(text: string): Record<string, string> | undefined {
  if (text.length > MAX_INPUT) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) return undefined;
  return keep(Object.entries(root as Record<string, unknown>));
}

/**
 * `<sha256>.proof.csv`: a header row of keys, then one row per proof ProofMode wrote for this media (it appends a row
 * when it signs again), each field ending with a comma; ProofMode replaces commas in values with spaces, so a comma
 * always separates fields. The last complete row is the latest proof. Undefined when it is not such a file.
 */
export function parseProofCsv(text: string): Record<string, string> | undefined {
  if (text.length > MAX_INPUT) return undefined;
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return undefined;
  const fields = (line: string): string[] => {
    const f = line.split(',');
    if (f.length > 1 && f[f.length - 1]!.trim() === '') f.pop();
    return f;
  };
  const header = fields(lines[0]!);
  if (header.length < 2 || header.length > 1000) return undefined;
  const row = lines
    .slice(1)
    .map(fields)
    .reverse()
    .find((r) => r.length === header.length);
  if (!row) return undefined;
  return keep(header.map((k, i): [string, unknown] => [k, row[i]]));
}

/** The media hash the proof data states ("File Hash SHA256"), lower-case, if it states one. */
export function statedMediaHash(data: Readonly<Record<string, string>>): string | undefined {
  const v = data['File Hash SHA256'];
  return v && /^[0-9a-fA-F]{64}$/.test(v) ? v.toLowerCase() : undefined;
}
