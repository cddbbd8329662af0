/**
 * The evidence report (HTML) and summary.md: headings, table heads, the chart's legend, the words for each step
 * and failure code, and how to read a path trace. Times come in already written (src/report/report-text.ts writes
 * them as "local (UTC+1) = UTC", which a support desk in another zone needs). The letter to the ISP is here too
 * (the player's ISP reads it); the BSG ticket stays English (every BSG support agent reads English).
 */
import { count, number, plural } from "./format.js";

const INCIDENTS_EN = { one: "incident", other: "incidents" };
const TESTS_EN = { one: "test", other: "tests" };
const INCIDENTS_RU = { one: "инцидент", few: "инцидента", many: "инцидентов", other: "инцидента" };
const TESTS_RU = { one: "тест", few: "теста", many: "тестов", other: "теста" };
const SAMPLES_RU = { one: "замер", few: "замера", many: "замеров", other: "замера" };

export const en = {
  title: "Tarkov connection evidence report",
  subtitle: (from: string, to: string) => `${from} to ${to}`,
  generated: (at: string, version: string) => `Made by tarkov-connection-agent ${version} on ${at}.`,
  noData:
    "The agent has no measurements for this period. Keep it running (tray icon) while you play; the report fills in from the next 15-second check.",
  coverage: (rounds: number, connects: number, watchedPct: number) =>
    `Based on ${number("en", rounds)} full checks and ${number("en", connects)} quick connection tests; the agent was watching ${watchedPct} % of this period.`,
  chartTitle: "Reachability and connection time",
  chartLegendBsg: "BSG servers reachable",
  chartLegendControl: "Other sites reachable (Cloudflare, Google, Microsoft)",
  chartLegendLatency: "Connection time to BSG (median, ms)",
  chartLegendIncident: "Incident (connection to BSG down)",
  chartLegendOff: "Agent not watching",
  chartAlt: (incidents: number) => `Chart of BSG and other sites' reachability and BSG connection time; ${count("en", incidents, INCIDENTS_EN)} shaded.`,
  incidentsTitle: "Incidents",
  /** Reads like `history`'s and `fix history`'s "No … yet" lines: what there is none of, then why. */
  noIncidents: "No incidents in this period: every drop the agent saw recovered before it could be confirmed (3 failed checks in a row).",
  incidentHead: ["Start (local)", "Start (UTC)", "End (local)", "Duration", "Cause", "Checks failed", "Connects failed", "Other sites failed"],
  failuresTitle: "Failures by server and step",
  failuresIntro: "Each check goes step by step: name lookup, connection, encryption, answer. A step is only tried when the one before it worked.",
  failuresHead: ["Server", "Address and port", "Lookup (DNS)", "Connection (TCP)", "Encryption (TLS)", "Answer (HTTPS)", "Most common failure"],
  resolversTitle: "Name lookups: your provider's resolver compared with public ones",
  latencyTitle: "Connection loss and time (quick connection tests to BSG)",
  latencyHead: ["Server", "Address", "Tests", "Lost", "Loss", "Median", "95th percentile", "99th percentile", "Worst"],
  samplesEnough: (n: number, bar: number) =>
    `${number("en", n)} samples: enough for an ISP to take seriously (they usually ask for at least ${bar}, about an evening of play).`,
  samplesFew: (n: number, bar: number) =>
    `Only ${number("en", n)} samples so far. ISPs usually ask for at least ${bar} (about an evening with the agent running) before they act on loss or latency figures.`,
  raidTitle: "Raid servers the game used",
  raidIntro: "From the game's own logs. BSG support needs the address and data centre of the raid that failed; a path trace during an incident goes to the newest one.",
  raidHead: ["When (local)", "When (UTC)", "Address and port", "Data centre", "Map", "Named in"],
  noRaid: "No raid servers in this period: the game's logs name none (no online raid, or the game's logs were not found).",
  raidSource: (source: string) =>
    ({ application: "the game's application log", traces: "the game's traces log", "push-notifications": "the game's notifications", "network-connection": "the game's connection log" } as Record<string, string>)[source] ?? source,
  tracesTitle: "Path traces taken during incidents",
  noTraces: "No path traces in this period: none was taken during an incident.",
  traceHead: ["Hop", "Address", "Loss", "Round trip"],
  traceCaption: (target: string, why: string, at: string, tool: string | null) => `To ${target} (${why}), ${at}${tool ? `, with ${tool}` : ""}.`,
  traceRule:
    "How to read it: loss at a hop in the middle matters only when it carries through to the destination. Routers answer traces at low priority, so a middle hop that drops probes while later hops answer is a busy router, not a fault.",
  traceClean: (hop: number) => `The destination answered at hop ${hop} with no loss on the way.`,
  traceHarmless: (hops: string, destinationHop: number) =>
    `Hops ${hops} dropped some probes, but the destination (hop ${destinationHop}) answered every one: that is router rate limiting, not a fault on the path.`,
  traceLoss: (fromHop: number, fromIp: string | null, lossPct: number | null) =>
    `Loss starts at hop ${fromHop}${fromIp ? ` (${fromIp})` : ""} and carries through to the destination (${lossPct ?? "–"} % there): this is where the path loses traffic.`,
  traceNoHop: "No hop answered at all: traffic does not get past your own network.",
  traceStops: (lastIp: string, lastHop: number | null) =>
    `The destination never answered; the last address that did was ${lastIp}${lastHop === null ? "" : ` (hop ${lastHop})`}. Traffic is lost after it.`,
  traceEmpty: "The trace gave no hops.",
  fixesTitle: "Fixes applied",
  noFixes: "No fixes in this period: the agent changed nothing on this PC.",
  fixesHead: ["When (local)", "Fix", "Approved by", "Outcome", "Message"],
  ispTitle: "Letter to your internet provider",
  /** The letter to the ISP, written as the player (first person), in the player's language: their ISP reads it. */
  isp: {
    hello: "Hello,",
    intro: (from: string, to: string, tz: string) =>
      `I have a recurring connection problem reaching the servers of the game Escape from Tarkov (Battlestate Games) from my connection. A monitoring tool on my PC recorded it between ${from} and ${to} (${tz}).`,
    tooFew: "In this period the game's servers failed too rarely to show a pattern; the measurements are below.",
    whatFailed: "What failed (address and port, the step that failed, how often):",
    failedPair: (hostPort: string, addresses: string, step: string, ofTimes: string, mostly: string | null, between: string | null) =>
      `${hostPort}${addresses ? ` (${addresses})` : ""}: ${step} failed ${ofTimes} checks${mostly ? `, mostly "${mostly}"` : ""}${between ? `, between ${between}` : ""}`,
    between: (from: string, to: string) => `${from} and ${to}`,
    noOutage: "No outage lasted long enough to be confirmed (three failed checks in a row).",
    outages: (tz: string) => `Confirmed outages (${tz}):`,
    outage: (from: string, to: string, lasted: string, causes: string) => `${from} to ${to} (${lasted}): ${causes}`,
    then: ", then ",
    ongoing: "ongoing",
    controls: (ofTimes: string, gatewayAlways: boolean) =>
      `At the same moments, other sites (Cloudflare, Google, Microsoft) failed ${ofTimes} checks, and my router answered${gatewayAlways ? "" : " (not always)"}: my own line and home network were working.`,
    liveness: (n: number, lost: number, lossPct: string, p50: string, p95: string) =>
      `Quick connection tests to the game's servers: ${count("en", n, TESTS_EN)}, ${lost} lost (${lossPct} %), median ${p50} ms, 95th percentile ${p95} ms.`,
    statusGreen: "The game's own status page did not report an outage at these times.",
    trace: (target: string, at: string, reading: string) => `A path trace to ${target} taken during an outage (${at}): ${reading}`,
    ask: "Could you please check the routing from my connection to these addresses? The full report with the raw measurements is attached.",
    thanks: "Thank you.",
  },
  bsgTitle: "Text for a BSG support ticket",
  copyHint: "Select the text and copy it into your e-mail or ticket. It contains no personal data beyond what is shown here.",
  maintenanceTitle: "BSG maintenance announced",
  footer:
    "Times are shown in this computer's time zone and in UTC. The agent checks BSG's servers every 15 s and makes one quick connection test every 2 s.",
  notMonitored: "not monitored",
  stillGoing: "still going",
  // Table cells, summary cards and the chart's own labels.
  ongoing: "ongoing",
  agentStoppedFirst: "(agent stopped first)",
  ofTimes: (failed: number, n: number) => `${failed} of ${n}`,
  failedCell: (ofTimes: string) => `${ofTimes} failed`,
  otherSite: (id: string) => `${id} (other site)`,
  noAnswer: "* (no answer)",
  none: "none",
  all: "all",
  cardIncidents: "Incidents:",
  cardQuickLost: "Quick tests lost:",
  cardControls: "Other sites failed while BSG failed:",
  cardLastState: "Last confirmed state:",
  lookupLine: (ofTimes: string, resolver: string) => `Lookups of BSG names failed ${ofTimes} times through ${resolver}`,
  chartState: "state",
  chartReachable: "reachable (share of checks that worked)",
  chartLatency: "connection time to BSG, ms (median)",
  chartTimeAxis: (zone: string) => `local time (${zone})`,
  phase: {
    dns: "name lookup (DNS)",
    tcp: "connection (TCP)",
    tls: "encryption (TLS)",
    http: "answer (HTTPS)",
  },
  /** Failure codes in words; a code missing here is shown as the code itself. */
  code: {
    DNS_NXDOMAIN: "name not found",
    DNS_NODATA: "no address for the name",
    DNS_SERVFAIL: "resolver failure",
    DNS_REFUSED: "resolver refused",
    DNS_TIMEOUT: "lookup timed out",
    DNS_ERROR: "lookup error",
    TCP_REFUSED: "connection refused",
    TCP_TIMEOUT: "no answer (timed out)",
    TCP_RESET: "connection reset",
    NET_UNREACHABLE: "no route",
    TLS_UNTRUSTED: "untrusted certificate",
    TLS_HOSTNAME_MISMATCH: "certificate for another name",
    TLS_EXPIRED: "expired certificate",
    TLS_HANDSHAKE: "encryption handshake failed",
    TLS_TIMEOUT: "encryption handshake timed out",
    HTTP_5XX: "server error (5xx)",
    HTTP_4XX: "refused the request (4xx, the server answered)",
    HTTP_TIMEOUT: "no answer in time",
    HTTP_PROTOCOL: "garbled answer",
    DEADLINE: "check cut short",
    PROBE_BROKEN: "the check itself failed (agent bug)",
  } as Record<string, string>,
  osResolver: "your provider's resolver (the one Windows uses)",
  noLookups: "No name lookups were recorded in this period.",
  /** `parts`: "14 of 240 times through your provider's resolver, 0 of 240 times through 1.1.1.1". */
  lookupsFailed: (parts: string) => `Looking up BSG's server names failed ${parts}.`,
  lookupPart: (failed: number, n: number, resolver: string) => `${failed} of ${n} times through ${resolver}`,
};

export const ru: typeof en = {
  title: "Отчёт о связи с Tarkov",
  subtitle: (from: string, to: string) => `с ${from} по ${to}`,
  generated: (at: string, version: string) => `Составлен tarkov-connection-agent ${version}, ${at}.`,
  noData:
    "За этот период у агента нет замеров. Держите его запущенным (значок в трее), пока играете: отчёт начнёт заполняться со следующей проверки (каждые 15 секунд).",
  coverage: (rounds: number, connects: number, watchedPct: number) =>
    `По ${number("ru", rounds)} ${plural("ru", rounds, { one: "полной проверке", other: "полным проверкам" })} и ${number("ru", connects)} ${plural("ru", connects, { one: "быстрому тесту", other: "быстрым тестам" })} соединения; агент следил ${watchedPct} % этого периода.`,
  chartTitle: "Доступность и время соединения",
  chartLegendBsg: "Серверы BSG доступны",
  chartLegendControl: "Другие сайты доступны (Cloudflare, Google, Microsoft)",
  chartLegendLatency: "Время соединения с BSG (медиана, мс)",
  chartLegendIncident: "Инцидент (связь с BSG потеряна)",
  chartLegendOff: "Агент не следил",
  chartAlt: (incidents: number) => `График доступности BSG и других сайтов и времени соединения с BSG; затенено: ${count("ru", incidents, INCIDENTS_RU)}.`,
  incidentsTitle: "Инциденты",
  noIncidents: "Инцидентов за этот период нет: каждый обрыв, который видел агент, прошёл раньше, чем подтвердился (3 неудачные проверки подряд).",
  incidentHead: ["Начало (местное)", "Начало (UTC)", "Конец (местное)", "Длительность", "Причина", "Проверок не прошло", "Соединений не прошло", "Других сайтов не прошло"],
  failuresTitle: "Сбои по серверам и шагам",
  failuresIntro: "Каждая проверка идёт по шагам: поиск имени, соединение, шифрование, ответ. Шаг пробуется, только если предыдущий прошёл.",
  failuresHead: ["Сервер", "Адрес и порт", "Поиск имени (DNS)", "Соединение (TCP)", "Шифрование (TLS)", "Ответ (HTTPS)", "Самый частый сбой"],
  resolversTitle: "Поиск имён: DNS вашего провайдера в сравнении с публичными",
  latencyTitle: "Потери и время соединения (быстрые тесты соединения с BSG)",
  latencyHead: ["Сервер", "Адрес", "Тестов", "Потеряно", "Потери", "Медиана", "95-й процентиль", "99-й процентиль", "Худшее"],
  samplesEnough: (n: number, bar: number) =>
    `${number("ru", n)} ${plural("ru", n, SAMPLES_RU)}: этого достаточно, чтобы провайдер отнёсся всерьёз (обычно просят не меньше ${bar}, это примерно вечер игры).`,
  samplesFew: (n: number, bar: number) =>
    `Пока только ${number("ru", n)} ${plural("ru", n, SAMPLES_RU)}. Провайдеры обычно просят не меньше ${bar} (примерно вечер с запущенным агентом), прежде чем разбираться с потерями или задержками.`,
  raidTitle: "Рейдовые серверы, которые использовала игра",
  raidIntro: "Из логов самой игры. Поддержке BSG нужны адрес и дата-центр рейда, который оборвался; трассировка во время инцидента идёт к самому новому из них.",
  raidHead: ["Когда (местное)", "Когда (UTC)", "Адрес и порт", "Дата-центр", "Карта", "Где указан"],
  noRaid: "Рейдовых серверов за этот период нет: в логах игры их нет (онлайн-рейдов не было или логи игры не найдены).",
  raidSource: (source: string) =>
    ({ application: "лог приложения игры", traces: "лог трассировки игры (traces)", "push-notifications": "уведомления игры", "network-connection": "лог соединений игры" } as Record<string, string>)[source] ?? source,
  tracesTitle: "Трассировки во время инцидентов",
  noTraces: "Трассировок за этот период нет: во время инцидентов они не снимались.",
  traceHead: ["Узел", "Адрес", "Потери", "Время отклика"],
  traceCaption: (target: string, why: string, at: string, tool: string | null) => `До ${target} (${why}), ${at}${tool ? `, через ${tool}` : ""}.`,
  traceRule:
    "Как читать: потери на промежуточном узле важны, только если они доходят до конечного адреса. Маршрутизаторы отвечают на трассировку в последнюю очередь, поэтому промежуточный узел, который теряет пакеты, когда следующие отвечают, просто занят, а не сломан.",
  traceClean: (hop: number) => `Конечный адрес ответил на узле ${hop}, потерь по пути нет.`,
  traceHarmless: (hops: string, destinationHop: number) =>
    `Узлы ${hops} теряли часть пакетов, но конечный адрес (узел ${destinationHop}) ответил на все: это ограничение скорости ответов маршрутизатора, а не неисправность пути.`,
  traceLoss: (fromHop: number, fromIp: string | null, lossPct: number | null) =>
    `Потери начинаются на узле ${fromHop}${fromIp ? ` (${fromIp})` : ""} и доходят до конечного адреса (там ${lossPct ?? "–"} %): именно здесь путь теряет трафик.`,
  traceNoHop: "Не ответил ни один узел: трафик не выходит за пределы вашей собственной сети.",
  traceStops: (lastIp: string, lastHop: number | null) =>
    `Конечный адрес так и не ответил; последним ответил ${lastIp}${lastHop === null ? "" : ` (узел ${lastHop})`}. Дальше трафик теряется.`,
  traceEmpty: "Трассировка не дала ни одного узла.",
  fixesTitle: "Применённые исправления",
  noFixes: "Исправлений за этот период нет: агент ничего не менял на этом компьютере.",
  fixesHead: ["Когда (местное)", "Исправление", "Кто одобрил", "Результат", "Сообщение"],
  ispTitle: "Письмо вашему интернет-провайдеру",
  isp: {
    hello: "Здравствуйте!",
    intro: (from: string, to: string, tz: string) =>
      `С моего подключения регулярно пропадает связь с серверами игры Escape from Tarkov (Battlestate Games). Программа мониторинга на моём компьютере записала это с ${from} по ${to} (${tz}).`,
    tooFew: "За этот период серверы игры сбоили слишком редко, чтобы была видна закономерность; замеры приведены ниже.",
    whatFailed: "Что не проходило (адрес и порт, шаг, на котором был сбой, как часто):",
    failedPair: (hostPort: string, addresses: string, step: string, ofTimes: string, mostly: string | null, between: string | null) =>
      `${hostPort}${addresses ? ` (${addresses})` : ""}: шаг «${step}» не прошёл в ${ofTimes} проверок${mostly ? `, чаще всего «${mostly}»` : ""}${between ? `, с ${between}` : ""}`,
    between: (from: string, to: string) => `${from} по ${to}`,
    noOutage: "Ни один обрыв не длился достаточно долго, чтобы его подтвердить (три неудачные проверки подряд).",
    outages: (tz: string) => `Подтверждённые обрывы (${tz}):`,
    outage: (from: string, to: string, lasted: string, causes: string) => `с ${from} по ${to} (${lasted}): ${causes}`,
    then: ", затем ",
    ongoing: "продолжается",
    controls: (ofTimes: string, gatewayAlways: boolean) =>
      `В те же моменты другие сайты (Cloudflare, Google, Microsoft) не ответили в ${ofTimes} проверок, а мой роутер отвечал${gatewayAlways ? "" : " (не всегда)"}: моя линия и домашняя сеть работали.`,
    liveness: (n: number, lost: number, lossPct: string, p50: string, p95: string) =>
      `Быстрые тесты соединения с серверами игры: ${count("ru", n, TESTS_RU)}, потеряно ${lost} (${lossPct} %), медиана ${p50} мс, 95-й процентиль ${p95} мс.`,
    statusGreen: "Страница состояния самой игры в это время не сообщала о сбоях.",
    trace: (target: string, at: string, reading: string) => `Трассировка до ${target} во время обрыва (${at}): ${reading}`,
    ask: "Проверьте, пожалуйста, маршрутизацию от моего подключения до этих адресов. Полный отчёт с исходными замерами приложен.",
    thanks: "Спасибо.",
  },
  bsgTitle: "Текст для обращения в поддержку BSG",
  copyHint: "Выделите текст и скопируйте его в письмо или обращение. Личных данных, кроме показанных здесь, в нём нет.",
  maintenanceTitle: "BSG объявила технические работы",
  footer: "Время указано в часовом поясе этого компьютера и в UTC. Агент проверяет серверы BSG каждые 15 с и делает быстрый тест соединения каждые 2 с.",
  notMonitored: "не отслеживалось",
  stillGoing: "ещё идёт",
  ongoing: "идёт",
  agentStoppedFirst: "(агент остановился раньше)",
  ofTimes: (failed: number, n: number) => `${failed} из ${n}`,
  failedCell: (ofTimes: string) => `не прошло ${ofTimes}`,
  otherSite: (id: string) => `${id} (другой сайт)`,
  noAnswer: "* (нет ответа)",
  none: "нет",
  all: "всего",
  cardIncidents: "Инцидентов:",
  cardQuickLost: "Быстрых тестов потеряно:",
  cardControls: "Другие сайты не отвечали, пока не отвечала BSG:",
  cardLastState: "Последнее подтверждённое состояние:",
  lookupLine: (ofTimes: string, resolver: string) => `Поиск имён BSG не удался ${ofTimes} раз через ${resolver}`,
  chartState: "итог", // short: the label sits in the chart's narrow left margin
  chartReachable: "доступность (доля удачных проверок)",
  chartLatency: "время соединения с BSG, мс (медиана)",
  chartTimeAxis: (zone: string) => `местное время (${zone})`,
  phase: {
    dns: "поиск имени (DNS)",
    tcp: "соединение (TCP)",
    tls: "шифрование (TLS)",
    http: "ответ (HTTPS)",
  },
  code: {
    DNS_NXDOMAIN: "имя не найдено",
    DNS_NODATA: "у имени нет адреса",
    DNS_SERVFAIL: "сбой DNS-сервера",
    DNS_REFUSED: "DNS-сервер отказал",
    DNS_TIMEOUT: "поиск имени не уложился во время",
    DNS_ERROR: "ошибка поиска имени",
    TCP_REFUSED: "в соединении отказано",
    TCP_TIMEOUT: "нет ответа (время вышло)",
    TCP_RESET: "соединение сброшено",
    NET_UNREACHABLE: "нет маршрута",
    TLS_UNTRUSTED: "недоверенный сертификат",
    TLS_HOSTNAME_MISMATCH: "сертификат выдан на другое имя",
    TLS_EXPIRED: "сертификат просрочен",
    TLS_HANDSHAKE: "не удалось установить шифрование",
    TLS_TIMEOUT: "шифрование не установилось вовремя",
    HTTP_5XX: "ошибка сервера (5xx)",
    HTTP_4XX: "сервер отклонил запрос (4xx, но ответил)",
    HTTP_TIMEOUT: "нет ответа вовремя",
    HTTP_PROTOCOL: "искажённый ответ",
    DEADLINE: "проверка прервана",
    PROBE_BROKEN: "сбой самой проверки (ошибка агента)",
  },
  osResolver: "DNS вашего провайдера (тот, что использует Windows)",
  noLookups: "За этот период поиск имён не записывался.",
  lookupsFailed: (parts: string) => `Поиск имён серверов BSG не удался: ${parts}.`,
  lookupPart: (failed: number, n: number, resolver: string) => `${failed} из ${n} раз через ${resolver}`,
};
