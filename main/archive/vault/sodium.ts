import sodiumModule from 'libsodium-wrappers-sumo';

// libsodium is WebAssembly: it must finish loading once before use. Everything that needs it awaits this.
let ready: Promise<typeof sodiumModule> | undefined;

export function loadSodium(): Promise<typeof sodiumModule> {
  ready ??= sodiumModule.ready.then(() => sodiumModule);
  return ready;
}
