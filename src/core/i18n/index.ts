/**
 * The message catalogue: every word a player reads, in English and Russian, from one place.
 *
 * How it is laid out (follow this when adding text):
 * - One file per area in this folder (`verdicts.ts`, `alerts.ts`, `tray.ts`, `dashboard.ts`, …). Each exports
 *   `en` (the reference) and `ru: typeof en`, so the compiler already refuses a Russian side with a key missing,
 *   added or of another shape; test/core/i18n.test.ts walks every file in the folder and checks the same at run
 *   time, and that no Russian text is left in English.
 * - Fixed texts are strings; texts with values are functions of those values (`(n: number) => string`), and counts
 *   use `count`/`plural` from format.ts (Intl.PluralRules: 1 проверка, 2 проверки, 5 проверок).
 * - Times and durations never go through string concatenation of their own: use format.ts (`clock`,
 *   `clockWithZone`, `dateTimeWithZone`, `duration`), so they read the same everywhere.
 * - Register the area below (one import + one line); `messages(locale)` then carries it as `m.<area>`.
 * Pure: no I/O. The locale is chosen once by the composition root (locale.ts, `pickLocale`).
 */
import type { Locale } from "./locale.js";
import * as advice from "./advice.js";
import * as alerts from "./alerts.js";
import * as cli from "./cli.js";
import * as dashboard from "./dashboard.js";
import * as diagnose from "./diagnose.js";
import * as fixes from "./fixes.js";
import * as report from "./report.js";
import * as tray from "./tray.js";
import * as verdicts from "./verdicts.js";

export { LANGUAGE_SETTINGS, LOCALES, languageOf, pickLocale, type LanguageSetting, type Locale, type LocaleSources } from "./locale.js";

/** The catalogue's areas: file name → module. Adding an area = one file here + one line in this object. */
const AREAS = { advice, alerts, cli, dashboard, diagnose, fixes, report, tray, verdicts } satisfies Record<string, { en: object; ru: object }>;

/** Area names as registered (the catalogue test checks every area file in the folder is one of them). */
export const AREA_NAMES: readonly string[] = Object.keys(AREAS);

type Areas = typeof AREAS;
/** Everything a player can read, in one language; `locale` for the formatters (format.ts). */
export type Messages = { readonly [K in keyof Areas]: Areas[K]["en"] } & { readonly locale: Locale };

const cache = new Map<Locale, Messages>();

/** The catalogue in one language. */
export function messages(locale: Locale): Messages {
  let m = cache.get(locale);
  if (m === undefined) {
    m = Object.freeze({ locale, ...Object.fromEntries(Object.entries(AREAS).map(([name, area]) => [name, area[locale]])) }) as Messages;
    cache.set(locale, m);
  }
  return m;
}

/** English: the language of logs, `--json` text fields and tests that compare wording. */
export const EN: Messages = messages("en");
