// electron-builder afterPack hook (runs after the app is packed, before signing): flips the Electron fuses and
// verifies them (scripts/fuses.js). Fuses must be flipped before signing, which is why this is afterPack.
import path from 'node:path';
import { flipAndVerifyFuses } from './fuses.js';

const EXTENSIONS = { darwin: '.app', mas: '.app', win32: '.exe', linux: '' };

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  const { appOutDir, electronPlatformName, packager, arch } = context;
  const ext = EXTENSIONS[electronPlatformName];
  if (ext === undefined) throw new Error(`after-pack: unknown platform ${electronPlatformName}`);
  // Linux names the binary after `executableName`; macOS and Windows after the product file name.
  const name = electronPlatformName === 'linux' ? packager.executableName : packager.appInfo.productFilename;
  const binary = path.join(appOutDir, `${name}${ext}`);
  // Flipping fuses invalidates the ad-hoc signature of arm64 macOS binaries; re-sign ad hoc (real signing follows).
  const resetAdHocDarwinSignature = electronPlatformName === 'darwin' && arch === 3; // builder-util Arch.arm64
  await flipAndVerifyFuses(binary, { resetAdHocDarwinSignature });
  console.log(`after-pack: fuses flipped and verified in ${path.basename(binary)}`);
}
