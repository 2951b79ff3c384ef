/**
 * Where a worker module lives, relative to the module that spawns it. From source (tsx, vitest) the worker is the
 * TypeScript file beside the caller, which workers/bootstrap.mjs loads through tsx. In the bundled app
 * (scripts/build-main.js) every worker is bundled to `<name>.cjs` beside the main bundle, and the caller's own
 * code is inside that bundle, so "beside the caller" is again right.
 */
export function workerEntry(name: string, callerUrl: string): URL {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid worker name: ${name}`);
  const fromSource = new URL(callerUrl).pathname.endsWith('.ts');
  return new URL(`./${name}.${fromSource ? 'ts' : 'cjs'}`, callerUrl);
}

/**
 * The shim every worker starts through (workers/bootstrap.mjs): beside this module in the source tree, and copied
 * beside the bundle by the build scripts (scripts/bundles.js), where this module's code then lives.
 */
export function workerBootstrap(): URL {
  return new URL('./bootstrap.mjs', import.meta.url);
}
