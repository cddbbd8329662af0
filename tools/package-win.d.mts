// Types for tools/package-win.mjs (imported by the installer tests).
export declare const SIZE_BUDGET_BYTES: number;
export declare const PRUNE: readonly string[];
export declare function productionPackages(root: string): string[];
export declare function checkManifest(scriptsDir: string): number;
export interface PackageResult {
  version: string;
  payload: string;
  payloadBytes: number;
  setup: string | null;
  setupBytes: number | null;
  signed: boolean;
  ms: number;
}
export declare function packageWin(opts?: { root?: string; out?: string; skipBuild?: boolean; payloadOnly?: boolean; log?: (m: string) => void }): PackageResult;
