// The layers of DESIGN §2, and what each may import. Pure data + one classifier, so the rule and its
// tests read the same table.
import path from 'node:path';

export const NODE_BUILTINS = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto', 'dgram',
  'diagnostics_channel', 'dns', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector',
  'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'punycode', 'querystring', 'readline', 'repl',
  'stream', 'stream/promises', 'string_decoder', 'sys', 'timers', 'tls', 'trace_events', 'tty', 'url', 'util',
  'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
]);

/** Which layer a file belongs to, from its path relative to the repository root. */
export function layerOf(relPath) {
  const p = relPath.split(path.sep).join('/');
  if (p.startsWith('main/archive/')) return 'archive';
  if (p.startsWith('main/ipc/')) return 'ipc';
  if (p.startsWith('main/electron/')) return 'electron';
  if (p.startsWith('main/cli/')) return 'cli';
  if (p.startsWith('renderer/')) return 'renderer';
  if (p.startsWith('shared/')) return 'shared';
  if (p.startsWith('test/')) return 'test';
  return 'other';
}

/** Layers a layer may import from (by resolved path of a relative import). */
export const ALLOWED_LAYERS = {
  archive: ['archive', 'shared', 'other'],
  ipc: ['ipc', 'archive', 'shared', 'other'],
  electron: ['electron', 'ipc', 'archive', 'shared', 'other'],
  cli: ['cli', 'archive', 'ipc', 'shared', 'other'],
  renderer: ['renderer', 'shared'],
  shared: ['shared'],
  test: ['test', 'archive', 'ipc', 'electron', 'cli', 'renderer', 'shared', 'other'],
  other: ['other', 'archive', 'ipc', 'electron', 'cli', 'renderer', 'shared', 'test'],
};

/** Returns a reason string when `source` may not be imported from a file in `layer`, else null. */
export function forbiddenImport(layer, source, resolvedLayer, isTypeOnly) {
  const bare = source.startsWith('node:') ? source.slice(5) : source;
  const isElectron = source === 'electron' || source.startsWith('electron/');
  if (isElectron && layer !== 'electron') {
    if (layer === 'test' && isTypeOnly) return null;
    return `'electron' may only be imported in main/electron (DESIGN §2); ${layer} code must stay plain`;
  }
  if ((layer === 'renderer' || layer === 'shared') && (NODE_BUILTINS.has(bare) || source.startsWith('node:'))) {
    return `${layer} code may not import the Node built-in '${source}': it runs in the browser sandbox / anywhere`;
  }
  if (layer === 'shared' && !source.startsWith('.') && !isTypeOnly && /^(react|react-dom|i18next|react-i18next)(\/|$)/.test(source)) {
    return `shared code may not import UI libraries ('${source}')`;
  }
  if (resolvedLayer && !ALLOWED_LAYERS[layer].includes(resolvedLayer)) {
    return `${layer} may not import from ${resolvedLayer} (arrows point down only: renderer → shared ← ipc → archive)`;
  }
  return null;
}
