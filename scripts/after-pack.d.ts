// Types for scripts/after-pack.js (the subset of electron-builder's AfterPackContext it reads).
export default function afterPack(context: {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
  readonly arch: number;
  readonly packager: { readonly executableName?: string; readonly appInfo: { readonly productFilename: string } };
}): Promise<void>;
