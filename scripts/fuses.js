// Electron fuses for the packaged app (DESIGN §8), flipped by scripts/after-pack.js and read back to verify.
//
// Why our own afterPack rather than electron-builder's `electronFuses` option: both use @electron/fuses 1.x
// (2.x needs Node 22; we build on Node 20), but here we also READ THE WIRE BACK after flipping and fail the
// build if any fuse is not what we asked for, so a silently ignored fuse cannot ship.
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;

/** The fuse byte values in the binary ('0' off, '1' on, 'r' removed). */
const DISABLE = 48;
const ENABLE = 49;

/** Each fuse we set, the value, and why. */
export const REQUIRED_FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node interpreter for anyone with a shell.
  RunAsNode: false,
  // Chromium's cookie store is encrypted with the OS keychain (we keep no cookies; this keeps it so if one appears).
  EnableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could preload code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk / SIGUSR1 would open a debugger on the unlocked vault's keys.
  EnableNodeCliInspectArguments: false,
  // Validate app.asar against the hash electron-builder embeds (macOS and Windows; ignored on Linux).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Load the app only from app.asar, so an `app/` folder dropped beside it cannot replace our code.
  OnlyLoadAppFromAsar: true,
  // file:// gets no extra privileges; we never load file:// (the renderer is served from app://).
  GrantFileProtocolExtraPrivileges: false,
});

/** The @electron/fuses config for REQUIRED_FUSES. */
export function fuseConfig({ resetAdHocDarwinSignature = false } = {}) {
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature };
  for (const [name, value] of Object.entries(REQUIRED_FUSES)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[index] = value;
  }
  return config;
}

/** Problems with a wire read back from a binary (empty = every required fuse is as required). */
export function fuseWireProblems(wire) {
  const problems = [];
  for (const [name, value] of Object.entries(REQUIRED_FUSES)) {
    const state = wire[FuseV1Options[name]];
    const want = value ? ENABLE : DISABLE;
    if (state !== want) problems.push(`${name} is ${state === undefined ? 'missing' : String.fromCharCode(state)}, expected ${value ? 'on' : 'off'}`);
  }
  return problems;
}

/** Flips the fuses in the Electron binary at `electronPath`, reads them back, and throws on any mismatch. */
export async function flipAndVerifyFuses(electronPath, options = {}) {
  await flipFuses(electronPath, fuseConfig(options));
  const problems = fuseWireProblems(await getCurrentFuseWire(electronPath));
  if (problems.length > 0) throw new Error(`Electron fuses not set as required in ${electronPath}: ${problems.join('; ')}`);
}
