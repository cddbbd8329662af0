/**
 * Which language the player reads: English or Russian. Pure: the caller hands in what the OS says (environment
 * variables and Intl's resolved locale), so the same rule is testable for Windows, Linux and macOS.
 *
 * Order (the first that names a language wins):
 *   1. the config setting `ui.language` when it is "en" or "ru";
 *   2. POSIX locale variables, as the C library reads them: LC_ALL, then LC_MESSAGES, then LANG. "C"/"POSIX"
 *      name no language and are skipped (a Linux container's C.UTF-8 is not a wish for English over Windows');
 *   3. Intl's resolved locale: on Windows the user's display language, on macOS the system language.
 * Russian when that language is Russian; English for every other language (the catalogue has two).
 */

export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
/** The config's `ui.language`. */
export const LANGUAGE_SETTINGS = ["auto", ...LOCALES] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];

/** What the OS says about the user's language. */
export interface LocaleSources {
  /** Environment variables (only LC_ALL, LC_MESSAGES and LANG are read). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `Intl.DateTimeFormat().resolvedOptions().locale`, e.g. "ru-RU". */
  intlLocale?: string | null;
}

const POSIX_VARIABLES = ["LC_ALL", "LC_MESSAGES", "LANG"] as const;

/**
 * The language a locale name stands for: "ru_RU.UTF-8", "ru-RU", "ru" → "ru"; "en_GB", "de-DE" → "en";
 * "C", "POSIX", "C.UTF-8" and empty → null (no language named).
 */
export function languageOf(tag: string | null | undefined): Locale | null {
  if (tag === null || tag === undefined) return null;
  const base = tag.trim().split(/[._@:]/)[0] ?? "";
  if (base === "" || base === "C" || base === "POSIX") return null;
  const lang = base.split("-")[0]!.toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lang)) return null;
  return lang === "ru" ? "ru" : "en";
}

/** The locale to speak in: the setting when it names one, else the OS's language (see the file comment). */
export function pickLocale(setting: LanguageSetting | undefined, sources: LocaleSources = {}): Locale {
  if (setting === "en" || setting === "ru") return setting;
  for (const name of POSIX_VARIABLES) {
    const value = sources.env?.[name];
    if (value === undefined || value === "") continue;
    // The first set variable decides, as in the C library; one that names no language defers to Intl.
    const lang = languageOf(value);
    if (lang !== null) return lang;
    break;
  }
  return languageOf(sources.intlLocale) ?? "en";
}
