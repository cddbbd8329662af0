// Types for tools/runtime.mjs (imported by the installer tests).
export declare const ROOT: string;
export declare function runtimeVersion(root?: string): string;
export declare function runtimeCacheDir(root?: string): string;
export declare function ensureRuntime(platform: "win" | "linux", opts?: { root?: string; log?: (m: string) => void }): string;
export declare function checkNodeExeSignature(exe: string): void;
