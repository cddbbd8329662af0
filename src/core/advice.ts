/**
 * What to do next for each verdict, mapped to the manual "backend error" checklist (steps 1–10) and, where the
 * agent can do it itself, to a fix id. Players are not engineers: one plain action per line, most useful first.
 */
import type { Advice, VerdictId } from "./types.js";

/** The manual checklist the agent automates; step numbers are referenced from advice and reports. */
export const GUIDE_STEPS: Record<number, string> = {
  1: "Check BSG's server status",
  2: "Restart the game and the launcher",
  3: "Restart your router/modem",
  4: "Flush DNS and renew your IP address",
  5: "Switch DNS to Cloudflare or Google",
  6: "Firewall and antivirus exceptions for Tarkov and the launcher",
  7: "Use a cable instead of Wi-Fi",
  8: "Use a VPN or another region when your ISP's route is bad",
  9: "Verify/repair the game files in the launcher",
  10: "Update your network drivers",
};

const STATUS_PAGE = "https://status.escapefromtarkov.com";

export const ADVICE: Record<VerdictId, Advice[]> = {
  ok: [
    { step: 2, text: "Nothing is wrong with the connection. If the game still shows a backend error, restart the game and the launcher." },
    { step: 9, text: "Still failing? Repair the game files in the launcher (your progress is safe: it lives on BSG's servers)." },
  ],
  maintenance: [
    { step: 1, text: `BSG is updating the game: wait for the maintenance to end (progress on ${STATUS_PAGE}). Nothing on your PC needs changing.` },
    { step: 2, text: "When it is over, restart the launcher so it can install the update." },
  ],
  "server-outage": [
    { step: 1, text: `The problem is on BSG's side: wait, and watch ${STATUS_PAGE}. Nothing on your PC needs changing.` },
    { step: 2, text: "Once BSG is back, restart the game and the launcher.", fixId: "restart-launcher" },
  ],
  "bsg-degraded": [
    { step: 2, text: "Restart the game and the launcher: that often gets you onto a server that works.", fixId: "restart-launcher" },
    { step: 1, text: `Check ${STATUS_PAGE}: part of BSG's service may be down.` },
    { step: 8, text: "If only your ISP has this problem for long, a VPN or another region can route around it." },
  ],
  "bsg-unreachable": [
    { step: 3, text: "Restart your router/modem, then run the check again." },
    { step: 4, text: "Flush DNS and renew your IP address.", fixId: "flush-dns" },
    { step: 8, text: "Still blocked? Your ISP's route to BSG is broken: try a VPN or another region, and send your ISP the support bundle (it lists which addresses and ports fail, and when)." },
  ],
  "dns-failure": [
    { step: 5, text: "Switch your DNS to Cloudflare or Google (the agent can do it and put it back later).", fixId: "switch-dns" },
    { step: 4, text: "Flush the DNS cache.", fixId: "flush-dns" },
    { step: 3, text: "Restart your router/modem: its DNS forwarder may be stuck." },
  ],
  "tls-intercepted": [
    { step: 6, text: "Turn off HTTPS/web scanning in your antivirus for escapefromtarkov.com (or add an exception), then check again." },
    { step: null, text: "On public or hotel Wi-Fi, open a browser and accept the network's sign-in page." },
    { step: null, text: "Using a proxy or VPN client that inspects traffic? Turn it off for the game and check again." },
  ],
  "no-internet": [
    { step: 3, text: "Restart your router/modem: it answers, but nothing on the internet does. This is not BSG." },
    { step: null, text: "Still down after the restart? Call your ISP: your line has no internet." },
  ],
  "local-network": [
    { step: 7, text: "Check the network cable or Wi-Fi connection (a cable is more reliable than Wi-Fi)." },
    { step: 3, text: "Restart your router/modem." },
    { step: 4, text: "Renew your IP address.", fixId: "renew-ip" },
    { step: 10, text: "Still no network? Update your network adapter's driver." },
  ],
  inconclusive: [
    { step: null, text: "Run the check again in a minute: the results contradicted each other or were incomplete." },
    { step: null, text: "If it keeps happening, collect a support bundle from the tray menu so support can see what the agent saw." },
  ],
};

/** Extra advice when a certificate is out of its validity period: almost always a wrong PC clock. */
export const CLOCK_ADVICE: Advice = {
  step: null,
  text: "A certificate looked expired or not yet valid: check that your PC's date, time and time zone are right (Settings → Time & language → Set time automatically).",
};
