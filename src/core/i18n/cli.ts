/**
 * The terminal: `run`'s greeting, event lines and goodbye, `history`, and `fix list|apply|undo|history`. Ids and
 * codes (verdict ids, fix ids, FIX_* codes) stay as they are: they are what a script or a support engineer greps.
 */
import { count, plural } from "./format.js";

const CHECKS_EN = { one: "check", other: "checks" };
const CHANGES_EN = { one: "change", other: "changes" };
const RECORDS_EN = { one: "damaged journal record", other: "damaged journal records" };
const WAS_EN = { one: "was", other: "were" };
const CHECKS_RU = { one: "проверка", few: "проверки", many: "проверок", other: "проверки" };
const CHANGES_RU = { one: "изменение", few: "изменения", many: "изменений", other: "изменения" };

export const en = {
  // `run`
  greeting: (version: string, targets: number, everySeconds: number, tray: boolean, logs: string) =>
    `tarkov-agent ${version}: watching ${targets} targets every ${everySeconds} s${tray ? " (tray icon shown)" : ""}. Logs: ${logs}. Ctrl+C stops.`,
  timesAre: (zone: string) => `Times below are this PC's local time (${zone}).`,
  trayHint: "The agent runs in the tray, by the clock: right-click its icon for the menu.",
  dashboardHint: (trayShown: boolean) => `Dashboard: "tarkov-agent dashboard" opens it${trayShown ? `, or the tray's "Open dashboard"` : ""}.`,
  noTray: "No desktop tray is available here: running headless (events are printed below).",
  /** `what`: "Windows PowerShell" or "PowerShell (pwsh)"; `reason`: what the start-up check found (a path, a version). */
  fixesUnavailable: (what: string, reason: string) =>
    `Fixes need ${what}, and ${reason}. The agent still watches your connection and explains problems; fixes are unavailable.`,
  alreadyRunning: (message: string) => message,
  allGood: (checks: number, at: string) => `All good: BSG reachable, ${count("en", checks, CHECKS_EN)}, ${at}`,
  goodbye: "Stopped watching the connection. Goodbye, and good raids.",
  gameNotFound: `Tarkov's game folder was not found: raid awareness is off until "game.installDir" is set in the config.`,
  down: (at: string, name: string, step: string | null) => `${at} Connection lost: ${name}.${step ? ` Next: ${step}` : ""}`,
  changed: (at: string, name: string, before: string) => `${at} Cause changed: ${name} (before: ${before}).`,
  up: (at: string, duration: string, name: string) => `${at} Back: BSG reachable again after ${duration} (cause: ${name}).`,
  maintenance: (at: string, message: string | null) => `${at} BSG maintenance${message ? `: "${message}"` : "."}`,
  still: (at: string, name: string, duration: string) => `${at} Still: ${name}, for ${duration} now.`,
  game: (at: string, phase: string, source: string) => `${at} Game: ${phase} (${source})`,
  phase: { idle: "in the menu", matching: "matching", "in-raid": "in a raid" } as Record<string, string>,
  // `history`
  noIncidents: "No incidents yet: the agent has not seen the connection to BSG drop.",
  ongoing: "ongoing",
  agentStopped: "(agent stopped before it ended)",
  // `fix …`
  noFixes: "No fixes yet: the agent has not changed anything on this PC.",
  verdictLine: (name: string, id: string) => `Now: ${name} [${id}]`,
  couldDoWithIt: "What the agent could do with it:",
  fixFlags: {
    appliesNow: "applies now",
    risk: (r: string) => `risk ${r}`,
    policy: (p: string) => `policy ${p}`,
    highRiskAsks: "config says auto; high-risk fixes always ask",
    admin: "admin",
    undoable: "undoable",
    oneWay: "one-way",
    restart: "restart needed",
    toUndo: (n: number) => `${count("en", n, CHANGES_EN)} to undo`,
  },
  adviceHeading: "Advice the agent cannot carry out:",
  because: (why: string) => `because ${why}`,
  dryRunHead: (fix: string, id: string) => `Dry run: ${fix} [${id}]`,
  applyHead: (fix: string, id: string) => `Apply: ${fix} [${id}]`,
  outcomeOk: "ok",
  outcomeFailed: "FAILED",
  planHeading: "It would:",
  plannedHeading: "Planned:",
  changedHeading: "Changed:",
  verification: (result: string, before: string, after: string) => `Checked afterwards: ${result} (${before} → ${after})`,
  rolledBack: (message: string) => `Rolled back: ${message}`,
  restartPc: "Restart the PC to finish.",
  undoHead: (ok: boolean, message: string) => `Undo: ${ok ? "ok" : "FAILED"}: ${message}`,
  historyCount: (n: number) => `${count("en", n, CHANGES_EN)}, newest first:`,
  approvedBy: (who: string) => `by ${who}`,
  undoState: (state: string, by: string) => `undo: ${state} (${by})`,
  unknownFix: (id: string) => `unknown fix ${id} (see \`tarkov-agent fix list\`)`,
  providerOnlySwitch: "--provider only applies to switch-dns",
  idOrAll: "give either a fix/entry id or --all",
  undoneCount: (n: number) => count("en", n, CHANGES_EN),
  damageSetAside: (n: number, file: string, latest: string | null) =>
    `note: ${count("en", n, RECORDS_EN)} ${plural("en", n, WAS_EN)} set aside in ${file}${latest ? ` (latest: ${latest})` : ""}. They are not listed here and the agent cannot undo them; keep that file for support, or delete it once checked.`,
  damageNotSetAside: (n: number) => `note: ${count("en", n, RECORDS_EN)} ${plural("en", n, WAS_EN)} skipped and could not be moved aside (the folder is not writable).`,
};

export const ru: typeof en = {
  greeting: (version: string, targets: number, everySeconds: number, tray: boolean, logs: string) =>
    `tarkov-agent ${version}: слежу за ${count("ru", targets, { one: "адресом", few: "адресами", many: "адресами", other: "адресами" })}, проверка каждые ${everySeconds} с${tray ? " (значок в трее)" : ""}. Логи: ${logs}. Остановить: Ctrl+C.`,
  timesAre: (zone: string) => `Время ниже — местное время этого компьютера (${zone}).`,
  trayHint: "Агент работает в трее, рядом с часами: щёлкните по значку правой кнопкой, чтобы открыть меню.",
  dashboardHint: (trayShown: boolean) => `Панель: откройте её командой «tarkov-agent dashboard»${trayShown ? " или пунктом «Открыть панель» в меню трея" : ""}.`,
  noTray: "Трея здесь нет: работаю без значка (события выводятся ниже).",
  fixesUnavailable: (what: string, reason: string) =>
    `Для исправлений нужен ${what}, а здесь: ${reason}. Агент по-прежнему следит за связью и объясняет проблемы; исправления недоступны.`,
  alreadyRunning: (message: string) => message,
  allGood: (checks: number, at: string) => `Всё в порядке: BSG доступна, ${count("ru", checks, CHECKS_RU)}, ${at}`,
  goodbye: "Слежение за связью остановлено. До встречи и удачных рейдов!",
  gameNotFound: "Папка игры Tarkov не найдена: пока в настройках не указан «game.installDir», агент не знает, когда вы в рейде.",
  down: (at: string, name: string, step: string | null) => `${at} Связь потеряна: ${name}.${step ? ` Что делать: ${step}` : ""}`,
  changed: (at: string, name: string, before: string) => `${at} Причина изменилась: ${name} (было: ${before}).`,
  up: (at: string, duration: string, name: string) => `${at} Связь вернулась: BSG снова доступна через ${duration} (причина: ${name}).`,
  maintenance: (at: string, message: string | null) => `${at} Технические работы BSG${message ? `: «${message}»` : "."}`,
  still: (at: string, name: string, duration: string) => `${at} Всё ещё: ${name}, уже ${duration}.`,
  game: (at: string, phase: string, source: string) => `${at} Игра: ${phase} (${source})`,
  phase: { idle: "в меню", matching: "поиск матча", "in-raid": "в рейде" },
  noIncidents: "Инцидентов пока нет: агент не видел, чтобы связь с BSG пропадала.",
  ongoing: "идёт",
  agentStopped: "(агент остановился раньше, чем инцидент закончился)",
  noFixes: "Исправлений пока нет: агент ничего не менял на этом компьютере.",
  verdictLine: (name: string, id: string) => `Сейчас: ${name} [${id}]`,
  couldDoWithIt: "Что агент смог бы сделать с PowerShell:",
  fixFlags: {
    appliesNow: "подходит сейчас",
    risk: (r: string) => `риск ${({ low: "низкий", medium: "средний", high: "высокий" } as Record<string, string>)[r] ?? r}`,
    policy: (p: string) => `режим ${({ auto: "авто", ask: "спрашивать", never: "никогда" } as Record<string, string>)[p] ?? p}`,
    highRiskAsks: "в настройках авто, но исправления с высоким риском всегда спрашивают",
    admin: "нужны права администратора",
    undoable: "можно отменить",
    oneWay: "без отмены",
    restart: "нужна перезагрузка",
    toUndo: (n: number) => `можно отменить: ${count("ru", n, CHANGES_RU)}`,
  },
  adviceHeading: "Советы, которые агент не может выполнить сам:",
  because: (why: string) => `потому что ${why}`,
  dryRunHead: (fix: string, id: string) => `Пробный запуск: ${fix} [${id}]`,
  applyHead: (fix: string, id: string) => `Применение: ${fix} [${id}]`,
  outcomeOk: "успешно",
  outcomeFailed: "НЕ УДАЛОСЬ",
  planHeading: "Что будет сделано:",
  plannedHeading: "Планировалось:",
  changedHeading: "Изменено:",
  verification: (result: string, before: string, after: string) => `Проверка после: ${result} (${before} → ${after})`,
  rolledBack: (message: string) => `Откачено: ${message}`,
  restartPc: "Чтобы закончить, перезагрузите компьютер.",
  undoHead: (ok: boolean, message: string) => `Отмена: ${ok ? "успешно" : "НЕ УДАЛОСЬ"}: ${message}`,
  historyCount: (n: number) => `${count("ru", n, CHANGES_RU)}, сначала новые:`,
  approvedBy: (who: string) => `одобрил: ${({ player: "игрок", auto: "авто" } as Record<string, string>)[who] ?? who}`,
  undoState: (state: string, by: string) => `отмена: ${state} (${by})`,
  unknownFix: (id: string) => `неизвестное исправление ${id} (см. \`tarkov-agent fix list\`)`,
  providerOnlySwitch: "--provider подходит только для switch-dns",
  idOrAll: "укажите id исправления/записи или --all",
  undoneCount: (n: number) => count("ru", n, CHANGES_RU),
  damageSetAside: (n: number, file: string, latest: string | null) =>
    `внимание: повреждённые записи журнала (${n}) отложены в ${file}${latest ? ` (последняя причина: ${latest})` : ""}. Здесь они не показаны, и агент не может их отменить; сохраните этот файл для поддержки или удалите его после проверки.`,
  damageNotSetAside: (n: number) => `внимание: повреждённые записи журнала (${n}) пропущены и не отложены (в папку нельзя писать).`,
};
