/**
 * How times, durations and counts read, in one place for every text a person reads (toasts, tray, diagnose,
 * history, the headless lines, the report). Local wall-clock time with the zone ("21:04 (UTC+1)") where a text is
 * kept or shared; ISO UTC is for `--json` only and is never made here. Pure: times come in as arguments, and the
 * zone is the machine's own (Date's local methods).
 */
import type { Locale } from "./locale.js";

const pad = (n: number): string => String(n).padStart(2, "0");

/** 24-hour local wall-clock time, "21:04" (the same in both languages). */
export function clock(at: Date | number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local zone at `at` as players see it on a clock: "UTC+1", "UTC+5:30", "UTC-3", "UTC" at zero. */
export function zone(at: Date | number): string {
  const off = -new Date(at).getTimezoneOffset();
  if (off === 0) return "UTC";
  const abs = Math.abs(off);
  return `UTC${off < 0 ? "-" : "+"}${Math.floor(abs / 60)}${abs % 60 === 0 ? "" : `:${pad(abs % 60)}`}`;
}

/** "21:04 (UTC+1)". */
export const clockWithZone = (at: Date | number): string => `${clock(at)} (${zone(at)})`;

/** Local date in the language's usual order: "2026-11-28" (en), "28.11.2026" (ru). */
export function date(at: Date | number, locale: Locale): string {
  const d = new Date(at);
  return locale === "ru" ? `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}` : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-11-28 21:04" / "28.11.2026 21:04", local time, no zone (for tables whose heading names the zone). */
export const dateTime = (at: Date | number, locale: Locale): string => `${date(at, locale)} ${clock(at)}`;

/** "2026-11-28 21:04 (UTC+1)": a moment a person can place, in any text that is kept or sent on. */
export const dateTimeWithZone = (at: Date | number, locale: Locale): string => `${dateTime(at, locale)} (${zone(at)})`;

const UNITS: Record<Locale, { s: string; min: string; h: string }> = {
  en: { s: "s", min: "min", h: "h" },
  ru: { s: "с", min: "мин", h: "ч" },
};

/** "46 s", "3 min", "1 h 12 min", "2 h" (ru: "46 с", "3 мин", "1 ч 12 мин"): rounded, seconds only under a minute. */
export function duration(ms: number, locale: Locale): string {
  const u = UNITS[locale];
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const seconds = Math.round(safe / 1000);
  if (seconds < 60) return `${seconds} ${u.s}`;
  const minutes = Math.max(1, Math.round(safe / 60_000));
  if (minutes < 60) return `${minutes} ${u.min}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} ${u.h}` : `${h} ${u.h} ${m} ${u.min}`;
}

/** The word forms a count needs: English has one/other, Russian one/few/many (1 проверка, 2 проверки, 5 проверок). */
export interface PluralForms {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

const rules = new Map<Locale, Intl.PluralRules>();

/** The form of a word for count `n` in the locale, chosen by Intl.PluralRules. */
export function plural(locale: Locale, n: number, forms: PluralForms): string {
  let r = rules.get(locale);
  if (r === undefined) {
    r = new Intl.PluralRules(locale);
    rules.set(locale, r);
  }
  const category = r.select(n) as keyof PluralForms;
  return forms[category] ?? forms.other;
}

/** "3 checks", "3 проверки": the count and its word. */
export const count = (locale: Locale, n: number, forms: PluralForms): string => `${n} ${plural(locale, n, forms)}`;

/** Whole numbers with the language's grouping: "12,345" / "12 345". */
export const number = (locale: Locale, n: number): string => n.toLocaleString(locale === "ru" ? "ru-RU" : "en-US");
