/**
 * `ui.language: "auto"`: the OS language. POSIX systems say it in LC_ALL / LC_MESSAGES / LANG (in that order); on
 * Windows those are unset and Node's ICU reports the user's display locale. Russian when it is Russian, else
 * English (the only two the catalogue has).
 */
import type { PageLanguage } from "./types.js";

export function osLanguage(env: NodeJS.ProcessEnv = process.env, icuLocale: string = Intl.DateTimeFormat().resolvedOptions().locale): PageLanguage {
  const set = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "" && v !== "C" && v !== "POSIX" && !v.startsWith("C."));
  return /^ru(?:[_.@-]|$)/i.test(set ?? icuLocale) ? "ru" : "en";
}
