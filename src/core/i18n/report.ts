/**
 * The evidence report (HTML) and summary.md: headings, table heads, the chart's legend, the words for each step
 * and failure code, and how to read a path trace. Times come in already written (src/report/report-text.ts writes
 * them as "local (UTC+1) = UTC", which a support desk in another zone needs). The letters to the ISP and to BSG
 * support are not here yet: they stay English (see report-text.ts).
 */
import { count, number, plural } from "./format.js";

const INCIDENTS_RU = { one: "инцидент", few: "инцидента", many: "инцидентов", other: "инцидента" };
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
  chartAlt: (incidents: number) => `Chart of BSG and other sites' reachability and BSG connection time; ${incidents} incident(s) shaded.`,
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
  bsgTitle: "Text for a BSG support ticket",
  copyHint: "Select the text and copy it into your e-mail or ticket. It contains no personal data beyond what is shown here.",
  maintenanceTitle: "BSG maintenance announced",
  footer:
    "Times are shown in this computer's time zone and in UTC. The agent checks BSG's servers every 15 s and makes one quick connection test every 2 s.",
  notMonitored: "not monitored",
  stillGoing: "still going",
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
  bsgTitle: "Текст для обращения в поддержку BSG",
  copyHint: "Выделите текст и скопируйте его в письмо или обращение. Личных данных, кроме показанных здесь, в нём нет.",
  maintenanceTitle: "BSG объявила технические работы",
  footer: "Время указано в часовом поясе этого компьютера и в UTC. Агент проверяет серверы BSG каждые 15 с и делает быстрый тест соединения каждые 2 с.",
  notMonitored: "не отслеживалось",
  stillGoing: "ещё идёт",
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
