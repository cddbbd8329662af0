/**
 * Names of the fixes the agent can apply and of the advice it can only give (tray, toasts, `fix list`, the
 * report). The English names are the catalogue's titles (src/fixes/catalog; a test keeps them equal).
 */

export const en = {
  name: {
    "flush-dns": "Clear the DNS cache",
    "renew-ip": "Get a fresh IP address from the router",
    "switch-dns": "Switch to a faster public DNS",
    "restore-dns": "Put my previous DNS back",
    "firewall-allow-eft": "Let the game through Windows Firewall",
    "defender-exclusion-eft": "Stop Microsoft Defender from scanning the game",
    "restart-launcher": "Restart the BSG launcher",
    "reset-network-stack": "Reset Windows networking (needs a restart)",
  } as Record<string, string>,
  guidance: {
    "restart-router": { title: "Restart your router", text: "Unplug the router (and modem) for 30 seconds, plug it back in and wait two minutes." },
    "use-cable": { title: "Use a network cable instead of Wi-Fi", text: "Connect the PC to the router with an Ethernet cable; Wi-Fi drops packets that a raid cannot afford." },
    "vpn-or-region": { title: "Try a VPN or another server region", text: "Your internet works but BSG's servers cannot be reached from your connection: try a gaming VPN, or pick a different region in the launcher." },
    "repair-game-files": { title: "Check game files in the launcher", text: "Open the BSG launcher, choose 'Check integrity' (game settings). Your progress is stored on BSG's servers and is safe." },
    "update-network-driver": { title: "Update your network driver", text: "Download the latest driver for your network adapter from the PC or motherboard maker (not Windows Update's generic one)." },
  } as Record<string, { title: string; text: string }>,
};

export const ru: typeof en = {
  name: {
    "flush-dns": "Очистить кэш DNS",
    "renew-ip": "Получить новый IP-адрес у роутера",
    "switch-dns": "Переключиться на более быстрый публичный DNS",
    "restore-dns": "Вернуть прежний DNS",
    "firewall-allow-eft": "Разрешить игру в брандмауэре Windows",
    "defender-exclusion-eft": "Исключить игру из проверки Microsoft Defender",
    "restart-launcher": "Перезапустить лаунчер BSG",
    "reset-network-stack": "Сбросить сеть Windows (нужна перезагрузка)",
  },
  guidance: {
    "restart-router": { title: "Перезагрузите роутер", text: "Выключите роутер (и модем) из розетки на 30 секунд, включите обратно и подождите пару минут." },
    "use-cable": { title: "Подключитесь кабелем вместо Wi-Fi", text: "Подключите компьютер к роутеру сетевым кабелем: Wi-Fi теряет пакеты, а в рейде это недопустимо." },
    "vpn-or-region": { title: "Попробуйте VPN или другой регион серверов", text: "Интернет работает, но с вашего подключения до серверов BSG не достучаться: попробуйте игровой VPN или выберите в лаунчере другой регион." },
    "repair-game-files": { title: "Проверьте файлы игры в лаунчере", text: "Откройте лаунчер BSG и выберите «Проверить целостность» (в настройках игры). Прогресс хранится на серверах BSG и не пострадает." },
    "update-network-driver": { title: "Обновите драйвер сетевой карты", text: "Скачайте свежий драйвер сетевого адаптера с сайта производителя компьютера или материнской платы (а не общий из Центра обновления Windows)." },
  },
};
