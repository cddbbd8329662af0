// Types for tools/sign-win.mjs.
export interface SigningConfig {
  pfx: string;
  password: string;
  timestampUrl: string | null;
}
export declare function signingConfig(env?: NodeJS.ProcessEnv): SigningConfig | null;
export declare function signFile(file: string, cfg: SigningConfig): void;
