/**
 * The message catalogue is complete in both languages. Every area file in src/core/i18n is found by listing the
 * folder (so an area added later, such as the dashboard's, is checked without touching this test): each exports
 * `en` and `ru` with the same keys at every depth and the same kind of value (text, function of the same number
 * of values, nested table); no Russian text is left in English, and no English text has Cyrillic in it.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { AREA_NAMES, EN, messages } from "../../src/core/i18n/index.js";
import { clock, clockWithZone, count, date, dateTimeWithZone, duration, plural, zone } from "../../src/core/i18n/format.js";
import { languageOf, pickLocale } from "../../src/core/i18n/locale.js";
import { FIXES, GUIDANCE } from "../../src/fixes/catalog/index.js";

const DIR = join(import.meta.dirname, "../../src/core/i18n");
/** Files of the folder that are machinery, not areas. */
const NOT_AREAS = new Set(["index.ts", "locale.ts", "format.ts"]);
const areaFiles = readdirSync(DIR).filter((f) => f.endsWith(".ts") && !NOT_AREAS.has(f));

const CYRILLIC = /[\u0400-\u04ff]/;
/** Russian texts that are right without a Cyrillic letter (names, symbols). Keep this list short. */
const RU_MAY_BE_LATIN = new Set(["status.escapefromtarkov.com", "TCP", "TLS", "HTTP", "DNS", "Tarkov Connection Agent", "English", "UTC{offset}", "{time} ({zone})"]);
/** English texts that are right in Cyrillic: a language's own name in the language picker. */
const EN_MAY_BE_CYRILLIC = new Set(["Русский"]);

type Problem = string;

/** Walks en and ru side by side; returns every difference in keys, kinds and arity, and untranslated texts. */
function compare(en: unknown, ru: unknown, path: string): Problem[] {
  const kind = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  if (kind(en) !== kind(ru)) return [`${path}: en is ${kind(en)}, ru is ${kind(ru)}`];
  if (typeof en === "string") {
    const r = ru as string;
    const out: Problem[] = [];
    if (CYRILLIC.test(en) && !EN_MAY_BE_CYRILLIC.has(en)) out.push(`${path}: English text has Cyrillic: ${JSON.stringify(en)}`);
    if (en.trim() !== "" && r.trim() === "") out.push(`${path}: Russian text is empty`);
    if (r.trim() !== "" && !CYRILLIC.test(r) && !RU_MAY_BE_LATIN.has(r)) out.push(`${path}: Russian text is not Russian: ${JSON.stringify(r)}`);
    return out;
  }
  if (typeof en === "function") {
    const r = ru as (...a: unknown[]) => unknown;
    return en.length === r.length ? [] : [`${path}: en takes ${en.length} value(s), ru ${r.length}`];
  }
  if (Array.isArray(en)) {
    const r = ru as unknown[];
    if (en.length !== r.length) return [`${path}: en has ${en.length} items, ru ${r.length}`];
    return en.flatMap((v, i) => compare(v, r[i], `${path}[${i}]`));
  }
  if (typeof en === "object" && en !== null) {
    const e = en as Record<string, unknown>;
    const r = ru as Record<string, unknown>;
    const out: Problem[] = [];
    for (const k of Object.keys(e)) if (!(k in r)) out.push(`${path}.${k}: missing in ru`);
    for (const k of Object.keys(r)) if (!(k in e)) out.push(`${path}.${k}: missing in en`);
    for (const k of Object.keys(e)) if (k in r) out.push(...compare(e[k], r[k], `${path}.${k}`));
    return out;
  }
  return [];
}

describe("the message catalogue", () => {
  it("has area files (listed from the folder)", () => {
    expect(areaFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(areaFiles)("%s: en and ru have the same keys, kinds and arities, and ru is Russian", async (file) => {
    const mod = (await import(pathToFileURL(join(DIR, file)).href)) as { en?: unknown; ru?: unknown };
    expect(mod.en, `${file} must export en`).toBeTypeOf("object");
    expect(mod.ru, `${file} must export ru`).toBeTypeOf("object");
    expect(compare(mod.en, mod.ru, file.replace(/\.ts$/, ""))).toEqual([]);
  });

  it.each(areaFiles)("%s: is registered in the catalogue (src/core/i18n/index.ts)", (file) => {
    expect(AREA_NAMES).toContain(file.replace(/\.ts$/, ""));
  });

  it("the walk itself finds a missing key, a wrong arity and an untranslated text", () => {
    expect(compare({ a: "x", b: { c: "y" } }, { a: "х" , b: {} }, "t")).toEqual(["t.b.c: missing in ru"]);
    expect(compare({ f: (a: number) => String(a) }, { f: () => "ф" }, "t")).toEqual(["t.f: en takes 1 value(s), ru 0"]);
    expect(compare({ a: "Hello" }, { a: "Hello" }, "t")).toEqual(['t.a: Russian text is not Russian: "Hello"']);
  });

  it("every fix and guidance in the fix catalogue has a name in it, and the English name is the catalogue's title", () => {
    for (const f of FIXES) expect(EN.fixes.name[f.id], f.id).toBe(f.title);
    for (const g of GUIDANCE) expect(EN.fixes.guidance[g.id], g.id).toEqual({ title: g.title, text: g.text });
    const ru = messages("ru");
    for (const f of FIXES) expect(ru.fixes.name[f.id], f.id).toMatch(CYRILLIC);
  });
});

describe("choosing the language", () => {
  it.each([
    ["ru_RU.UTF-8", "ru"],
    ["ru-RU", "ru"],
    ["ru", "ru"],
    ["RU_ru", "ru"],
    ["en_GB.UTF-8", "en"],
    ["de_DE@euro", "en"],
    ["uk_UA.UTF-8", "en"],
    ["C", null],
    ["C.UTF-8", null],
    ["POSIX", null],
    ["", null],
  ] as const)("%s → %s", (tag, lang) => {
    expect(languageOf(tag)).toBe(lang);
  });

  it("an explicit setting wins over the OS", () => {
    expect(pickLocale("en", { env: { LANG: "ru_RU.UTF-8" }, intlLocale: "ru-RU" })).toBe("en");
    expect(pickLocale("ru", { env: { LANG: "en_US.UTF-8" }, intlLocale: "en-US" })).toBe("ru");
  });

  it("auto: LC_ALL, then LC_MESSAGES, then LANG, as the C library reads them (Linux, macOS terminals)", () => {
    expect(pickLocale("auto", { env: { LC_ALL: "ru_RU.UTF-8", LANG: "en_US.UTF-8" } })).toBe("ru");
    expect(pickLocale("auto", { env: { LC_ALL: "", LC_MESSAGES: "ru_RU.UTF-8", LANG: "en_US.UTF-8" } })).toBe("ru");
    expect(pickLocale("auto", { env: { LC_MESSAGES: "en_US.UTF-8", LANG: "ru_RU.UTF-8" } })).toBe("en");
    expect(pickLocale("auto", { env: { LANG: "ru_RU.UTF-8" }, intlLocale: "en-US" })).toBe("ru");
  });

  it("auto: Intl's locale when no variable names a language (Windows: the display language)", () => {
    expect(pickLocale("auto", { env: {}, intlLocale: "ru-RU" })).toBe("ru");
    expect(pickLocale("auto", { env: { LANG: "C.UTF-8" }, intlLocale: "ru-RU" })).toBe("ru");
    expect(pickLocale("auto", { env: {}, intlLocale: "en-US" })).toBe("en");
    expect(pickLocale(undefined, {})).toBe("en");
  });
});

describe("times, durations and counts read one way", () => {
  it.each([
    [0, "0 s", "0 с"],
    [-5, "0 s", "0 с"],
    [Number.NaN, "0 s", "0 с"],
    [46_000, "46 s", "46 с"],
    [59_400, "59 s", "59 с"],
    [59_600, "1 min", "1 мин"],
    [181_000, "3 min", "3 мин"],
    [60 * 60_000, "1 h", "1 ч"],
    [72 * 60_000, "1 h 12 min", "1 ч 12 мин"],
  ])("%d ms → %s / %s", (ms, en, ru) => {
    expect(duration(ms, "en")).toBe(en);
    expect(duration(ms, "ru")).toBe(ru);
  });

  it("local time with the zone", () => {
    const at = new Date(2026, 10, 28, 21, 4);
    expect(clock(at)).toBe("21:04");
    expect(zone(at)).toMatch(/^UTC([+-]\d{1,2}(:\d\d)?)?$/);
    expect(clockWithZone(at)).toBe(`21:04 (${zone(at)})`);
    expect(date(at, "en")).toBe("2026-11-28");
    expect(date(at, "ru")).toBe("28.11.2026");
    expect(dateTimeWithZone(at, "ru")).toBe(`28.11.2026 21:04 (${zone(at)})`);
  });

  it("Russian plurals through Intl.PluralRules", () => {
    const f = { one: "проверка", few: "проверки", many: "проверок", other: "проверки" };
    expect([1, 2, 5, 11, 21, 22, 25, 111].map((n) => count("ru", n, f))).toEqual([
      "1 проверка",
      "2 проверки",
      "5 проверок",
      "11 проверок",
      "21 проверка",
      "22 проверки",
      "25 проверок",
      "111 проверок",
    ]);
    expect(plural("en", 1, { one: "check", other: "checks" })).toBe("check");
    expect(plural("en", 9, { one: "check", other: "checks" })).toBe("checks");
  });
});

describe("sentences with a count agree with it (1 time, 2 times; 1 раз, 2 раза, 5 раз)", () => {
  const en = EN;
  const ru = messages("ru");
  it("the tray's gave-up message", () => {
    expect([1, 2, 5].map((n) => en.tray.gaveUpRestarts("exit code 9", n).match(/restarted (\d+ \w+)/)![1])).toEqual(["1 time", "2 times", "5 times"]);
    expect([1, 2, 5, 21].map((n) => ru.tray.gaveUpRestarts("код выхода 9", n).match(/перезапускали (\d+ \S+?),/)![1])).toEqual(["1 раз", "2 раза", "5 раз", "21 раз"]);
  });

  it("no '(s)' left in English counts, and the verb agrees", () => {
    expect(en.tray.damagedNote(1)).toBe('1 damaged fix record set aside: see "tarkov-agent fix history"');
    expect(en.tray.damagedNote(3)).toMatch(/^3 damaged fix records set aside/);
    expect(en.cli.fixFlags.toUndo(1)).toBe("1 change to undo");
    expect(en.cli.historyCount(2)).toBe("2 changes, newest first:");
    expect(en.cli.undoneCount(1)).toBe("1 change");
    expect(en.cli.allGood(1, "21:04")).toBe("All good: BSG reachable, 1 check, 21:04");
    expect(en.cli.damageSetAside(1, "f", null)).toMatch(/^note: 1 damaged journal record was set aside in f\./);
    expect(en.cli.damageNotSetAside(4)).toMatch(/^note: 4 damaged journal records were skipped/);
    expect(en.report.chartAlt(1)).toMatch(/; 1 incident shaded\.$/);
    expect(en.report.isp.liveness(1, 0, "0", "40", "40")).toMatch(/: 1 test, 0 lost/);
    expect(en.diagnose.bsgNone(1, "timeout")).toBe("BSG's server did not answer: timeout.");
    expect(en.diagnose.bsgAll(1)).toBe("BSG's server answers.");
    for (const area of [en.tray, en.cli, en.report, en.diagnose]) {
      for (const f of Object.values(area).filter((v): v is (...a: number[]) => string => typeof v === "function")) {
        const text = String(f(...Array.from({ length: f.length }, () => 1)));
        expect(text, text).not.toMatch(/\(s\)/);
      }
    }
  });

  it("Russian counts take the word's form", () => {
    expect([1, 2, 5].map((n) => ru.report.isp.liveness(n, 0, "0", "40", "40").match(/игры: (\d+ \S+),/)![1])).toEqual(["1 тест", "2 теста", "5 тестов"]);
    expect(ru.diagnose.bsgNone(1, "тайм-аут")).toBe("Сервер BSG не ответил: тайм-аут.");
    expect(ru.tray.damagedNote(1)).toMatch(/^Отложено повреждённых записей об исправлениях: 1\./);
  });
});
