/**
 * One name per verdict, and what each variant means: the words every surface uses for "why Tarkov can't connect"
 * (toasts, the tray's status line, `diagnose`, `history`, the report). `diagnose --json` keeps the English ones.
 */
import type { VariantId, VerdictId } from "../types.js";

/** How every failed connection to BSG failed, when they all failed one way (core/meaning.ts). */
export type UnreachableHow = "refused" | "timeout" | "cut" | "noRoute";

const STATUS_PAGE = "status.escapefromtarkov.com";

export const en = {
  /** The verdict's one name, with whose side the trouble is on where that is known. */
  name: {
    ok: "Tarkov servers are reachable",
    maintenance: "Tarkov is in maintenance (BSG side)",
    "server-outage": "Tarkov servers are down (BSG side)",
    "bsg-degraded": "Some Tarkov servers are failing",
    "bsg-unreachable": "Your connection can't reach Tarkov's servers",
    "dns-failure": "Your DNS can't find Tarkov's servers",
    "tls-intercepted": "Something intercepts the connection to Tarkov",
    "no-internet": "Your internet is down",
    "local-network": "Your PC has no network connection",
    inconclusive: "Connection trouble, cause not clear yet",
  } satisfies Record<VerdictId, string>,
  /** What the situation means, two sentences at most. */
  meaning: {
    ok: "Every check to BSG's servers passed: name lookup, connection, encryption and HTTP.",
    "ok-inspected": "Every check to BSG's servers passed. Your HTTPS goes through a security program or proxy that Windows trusts, so the game connects through it too.",
    maintenance: "BSG's status page says the game is being updated. Nothing on your side needs fixing; it comes back when BSG is done.",
    "status-down": "BSG's servers are down or answering with errors while the rest of your internet works. Nothing on your PC needs changing.",
    "server-errors": "BSG's servers are down or answering with errors while the rest of your internet works. Nothing on your PC needs changing.",
    "bsg-dns-down": "BSG's servers are down or answering with errors while the rest of your internet works. Nothing on your PC needs changing.",
    "bsg-degraded": "Part of BSG's servers answer and part do not: usually a partial outage or one bad route.",
    // Said when BSG's failures differ in kind (some refused, some timed out); `unreachableBy` has the one-kind texts.
    "bsg-unreachable": "Other sites work and BSG does not report an outage, but connections to BSG's servers fail. That points at your ISP's routing, a regional block or a firewall on the way.",
    "resolver-fails": "The DNS server your PC uses fails to look up BSG's addresses, while public DNS (Cloudflare, Google) finds them.",
    "dns-hijack": "Your DNS server answers BSG's names with an address that does not work (a block page, a sinkhole or a dead server), while the address public DNS gives for the same name works: your DNS sends Tarkov to the wrong place.",
    "dns-blocked": "No name can be looked up on this network, not even through public DNS, although the internet answers by IP address. Something blocks or intercepts DNS: a firewall, a security suite or a network sign-in page.",
    intercepted: "The certificate presented for BSG's servers is not trusted or not for BSG: typically an antivirus web shield, a proxy or a Wi-Fi sign-in page sits in the middle.",
    "intercepted-everywhere": "Every secure site, not only BSG, gets its certificate from the same program or proxy: your internet works, but something on this PC or network inspects all HTTPS and the game does not accept it.",
    "captive-portal": "BSG's address answers with a certificate for another name: a Wi-Fi sign-in page (hotel, airport, café) or a proxy answers in BSG's place.",
    "wrong-clock": "The certificates look expired or not yet valid. Almost always this PC's date or time is wrong, which breaks every secure connection.",
    "no-internet": "Your router answers, but no site on the internet does. This is not BSG.",
    "local-network": "Your PC cannot reach your router, or has no network route at all. Check the cable or Wi-Fi.",
    inconclusive: "The checks contradicted each other or some could not run, so the agent will not guess.",
    "unknown-names": "The checks contradicted each other or some could not run, so the agent will not guess.",
  } satisfies Record<VariantId, string>,
  /**
   * `bsg-unreachable` said as it was seen, when every failed connection to BSG failed the same way (core/meaning.ts
   * picks): refused, no answer in time, cut after it started, or no route.
   */
  unreachableBy: {
    refused: "Other sites work and BSG does not report an outage, but connections to BSG's servers are refused. Something rejects them on the way: a firewall (on this PC, the router or your ISP's) or a block.",
    timeout: "Other sites work and BSG does not report an outage, but connections to BSG's servers get no answer in time. That points at your ISP's routing, a regional block or a firewall on the way that drops them.",
    cut: "Other sites work and BSG does not report an outage, but connections to BSG's servers are cut right after they start. Something on the way ends them: your ISP's filtering, a regional block or a firewall.",
    noRoute: "Other sites work and BSG does not report an outage, but your connection finds no route to BSG's servers. That points at your ISP's routing or a regional block.",
  } satisfies Record<UnreachableHow, string>,
  /** `no-internet` when the router could not be checked: the variant's text says the router answers, unseen here. */
  noInternetRouterUnchecked: "No site on the internet answers, and the router could not be checked: the fault is on your line or in your home network. This is not BSG.",
  /** The one next step when a diagnosis carries no advice of its own. */
  action: {
    ok: "Nothing to do: you can play.",
    maintenance: "Nothing to fix on your side: wait for BSG to finish. You'll get a toast when it's over.",
    "server-outage": "Nothing to fix on your side: wait for BSG. You'll get a toast when they're back.",
    "bsg-degraded": "Restart the game and the launcher; if it keeps failing, wait a few minutes.",
    "bsg-unreachable": "Restart your router, then try again. If that doesn't help, try a VPN.",
    "dns-failure": "Switch your DNS to Cloudflare or Google.",
    "tls-intercepted": "Turn off your antivirus' web/HTTPS scanning for Tarkov, then try again.",
    "no-internet": "Restart your router. If it stays down, call your ISP.",
    "local-network": "Check the cable or Wi-Fi, then restart your router.",
    inconclusive: `Click "Diagnose now" in the tray in a minute for a clearer answer.`,
  } satisfies Record<VerdictId, string>,
  statusPage: STATUS_PAGE,
};

export const ru: typeof en = {
  name: {
    ok: "Серверы Tarkov доступны",
    maintenance: "Технические работы в Tarkov (на стороне BSG)",
    "server-outage": "Серверы Tarkov не работают (на стороне BSG)",
    "bsg-degraded": "Часть серверов Tarkov не отвечает",
    "bsg-unreachable": "Соединение не доходит до серверов Tarkov",
    "dns-failure": "Ваш DNS не находит серверы Tarkov",
    "tls-intercepted": "Что-то перехватывает соединение с Tarkov",
    "no-internet": "Нет интернета",
    "local-network": "Компьютер не подключён к сети",
    inconclusive: "Проблема со связью, причина пока неясна",
  },
  meaning: {
    ok: "Все проверки серверов BSG прошли: поиск имени, подключение, шифрование и HTTP.",
    "ok-inspected": "Все проверки серверов BSG прошли. Ваш HTTPS идёт через защитную программу или прокси, которым доверяет Windows, поэтому игра тоже подключается через них.",
    maintenance: "Страница статуса BSG сообщает, что игру обновляют. С вашей стороны чинить нечего: всё заработает, когда BSG закончит.",
    "status-down": "Серверы BSG не работают или отвечают ошибками, хотя остальной интернет у вас в порядке. На вашем компьютере ничего менять не нужно.",
    "server-errors": "Серверы BSG не работают или отвечают ошибками, хотя остальной интернет у вас в порядке. На вашем компьютере ничего менять не нужно.",
    "bsg-dns-down": "Серверы BSG не работают или отвечают ошибками, хотя остальной интернет у вас в порядке. На вашем компьютере ничего менять не нужно.",
    "bsg-degraded": "Часть серверов BSG отвечает, а часть нет: обычно это частичный сбой или один плохой маршрут.",
    "bsg-unreachable": "Другие сайты открываются, BSG о сбое не сообщает, но соединения с серверами BSG не удаются. Скорее всего, дело в маршрутизации вашего провайдера, региональной блокировке или файрволе по пути.",
    "resolver-fails": "DNS-сервер, которым пользуется ваш компьютер, не может найти адреса BSG, а публичные DNS (Cloudflare, Google) их находят.",
    "dns-hijack": "Ваш DNS-сервер выдаёт на имена BSG неработающий адрес (страницу блокировки, заглушку или мёртвый сервер), а адрес от публичного DNS для того же имени работает: ваш DNS отправляет Tarkov не туда.",
    "dns-blocked": "В этой сети не находится ни одно имя, даже через публичные DNS, хотя по IP-адресу интернет отвечает. Что-то блокирует или перехватывает DNS: файрвол, антивирус или страница входа в сеть.",
    intercepted: "Сертификат серверов BSG не доверенный или выдан не для BSG: обычно посередине стоит веб-защита антивируса, прокси или страница входа в Wi-Fi.",
    "intercepted-everywhere": "Не только BSG, а все защищённые сайты получают сертификат от одной и той же программы или прокси: интернет работает, но что-то на этом компьютере или в сети проверяет весь HTTPS, и игра такое соединение не принимает.",
    "captive-portal": "По адресу BSG отвечает сертификат для другого имени: вместо BSG отвечает страница входа в Wi-Fi (отель, аэропорт, кафе) или прокси.",
    "wrong-clock": "Сертификаты выглядят просроченными или ещё не действующими. Почти всегда это неправильные дата или время на компьютере, а они ломают все защищённые соединения.",
    "no-internet": "Роутер отвечает, но ни один сайт в интернете нет. Это не BSG.",
    "local-network": "Компьютер не видит роутер или вообще не имеет сетевого маршрута. Проверьте кабель или Wi-Fi.",
    inconclusive: "Проверки противоречат друг другу или часть из них не выполнилась, поэтому агент не будет гадать.",
    "unknown-names": "Проверки противоречат друг другу или часть из них не выполнилась, поэтому агент не будет гадать.",
  },
  unreachableBy: {
    refused: "Другие сайты открываются, BSG о сбое не сообщает, но серверы BSG отклоняют соединения. Их отвергает что-то по пути: файрвол (на этом компьютере, в роутере или у провайдера) или блокировка.",
    timeout: "Другие сайты открываются, BSG о сбое не сообщает, но серверы BSG не отвечают на соединения вовремя. Скорее всего, дело в маршрутизации вашего провайдера, региональной блокировке или файрволе по пути, который их отбрасывает.",
    cut: "Другие сайты открываются, BSG о сбое не сообщает, но соединения с серверами BSG обрываются сразу после начала. Их прерывает что-то по пути: фильтрация у провайдера, региональная блокировка или файрвол.",
    noRoute: "Другие сайты открываются, BSG о сбое не сообщает, но ваше подключение не находит маршрута до серверов BSG. Скорее всего, дело в маршрутизации вашего провайдера или региональной блокировке.",
  },
  noInternetRouterUnchecked: "Ни один сайт в интернете не отвечает, а роутер проверить не удалось: неполадка на вашей линии или в домашней сети. Это не BSG.",
  action: {
    ok: "Ничего делать не нужно: можно играть.",
    maintenance: "С вашей стороны чинить нечего: дождитесь, пока BSG закончит. Когда всё заработает, придёт уведомление.",
    "server-outage": "С вашей стороны чинить нечего: подождите BSG. Когда серверы вернутся, придёт уведомление.",
    "bsg-degraded": "Перезапустите игру и лаунчер; если не помогает, подождите несколько минут.",
    "bsg-unreachable": "Перезагрузите роутер и попробуйте снова. Если не поможет, попробуйте VPN.",
    "dns-failure": "Переключите DNS на Cloudflare или Google.",
    "tls-intercepted": "Отключите в антивирусе проверку веб-трафика/HTTPS для Tarkov и попробуйте снова.",
    "no-internet": "Перезагрузите роутер. Если интернет не появится, позвоните провайдеру.",
    "local-network": "Проверьте кабель или Wi-Fi, затем перезагрузите роутер.",
    inconclusive: "Через минуту нажмите «Проверить сейчас» в меню в трее, чтобы получить более точный ответ.",
  },
  statusPage: STATUS_PAGE,
};
