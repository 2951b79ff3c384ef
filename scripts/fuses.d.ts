// Types for scripts/fuses.js (plain JS because electron-builder loads it without a TypeScript loader).
export declare const REQUIRED_FUSES: Readonly<{
  RunAsNode: false;
  EnableCookieEncryption: true;
  EnableNodeOptionsEnvironmentVariable: false;
  EnableNodeCliInspectArguments: false;
  EnableEmbeddedAsarIntegrityValidation: true;
  OnlyLoadAppFromAsar: true;
  GrantFileProtocolExtraPrivileges: false;
}>;
export declare function fuseConfig(options?: { resetAdHocDarwinSignature?: boolean }): Record<string | number, unknown>;
export declare function fuseWireProblems(wire: Readonly<Record<string | number, unknown>>): string[];
export declare function flipAndVerifyFuses(electronPath: string, options?: { resetAdHocDarwinSignature?: boolean }): Promise<void>;
