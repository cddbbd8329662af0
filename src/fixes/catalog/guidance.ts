/** What the agent cannot do for the player, each with the detection that makes it worth saying now. */
import { activePhysicalAdapters } from "../snapshot.js";
import type { GuidanceSpec } from "../types.js";

const TWO_YEARS_MS = 2 * 365.25 * 24 * 3600 * 1000;
const WEAK_WIFI_PERCENT = 50;

const isWifi = (t: string | undefined) => /wi-?fi|wireless|802\.11/i.test(t ?? "");

export const restartRouter: GuidanceSpec = {
  id: "restart-router",
  title: "Restart your router",
  guideStep: 3,
  text: "Unplug the router (and modem) for 30 seconds, plug it back in and wait two minutes.",
  detect: (c) =>
    c.gateway === "dead" ? "your router did not answer" : c.diagnosis?.verdict === "local-network" ? "the problem is between this PC and your router" : null,
};

export const useCable: GuidanceSpec = {
  id: "use-cable",
  title: "Use a network cable instead of Wi-Fi",
  guideStep: 7,
  text: "Connect the PC to the router with an Ethernet cable; Wi-Fi drops packets that a raid cannot afford.",
  detect: (c) => {
    const active = c.snapshot ? activePhysicalAdapters(c.snapshot)[0] : undefined;
    if (active === undefined || !isWifi(active.type)) return null;
    const signal = active.wifiSignalPercent;
    if (typeof signal === "number" && signal < WEAK_WIFI_PERCENT) return `your Wi-Fi signal is weak (${signal}%)`;
    if (c.gateway === "dead" || c.diagnosis?.verdict === "local-network") return "you are on Wi-Fi and packets are lost before your router";
    return null;
  },
};

export const vpnOrRegion: GuidanceSpec = {
  id: "vpn-or-region",
  title: "Try a VPN or another server region",
  guideStep: 8,
  text: "Your internet works but BSG's servers cannot be reached from your connection: try a gaming VPN, or pick a different region in the launcher.",
  detect: (c) => (c.diagnosis?.verdict === "bsg-unreachable" ? "BSG's servers are unreachable from your connection while the rest of the internet works" : null),
};

export const repairGameFiles: GuidanceSpec = {
  id: "repair-game-files",
  title: "Check game files in the launcher",
  guideStep: 9,
  text: "Open the BSG launcher, choose 'Check integrity' (game settings). Your progress is stored on BSG's servers and is safe.",
  detect: (c) => (c.diagnosis?.advice.some((a) => a.step === 9) === true ? "the diagnosis points at the game installation" : null),
};

export const updateNetworkDriver: GuidanceSpec = {
  id: "update-network-driver",
  title: "Update your network driver",
  guideStep: 10,
  text: "Download the latest driver for your network adapter from the PC or motherboard maker (not Windows Update's generic one).",
  detect: (c) => {
    const active = c.snapshot ? activePhysicalAdapters(c.snapshot)[0] : undefined;
    const date = active?.driverDate ? Date.parse(active.driverDate) : NaN;
    if (Number.isNaN(date) || c.now.getTime() - date < TWO_YEARS_MS) return null;
    return `the driver of ${active?.name ?? "your network adapter"} is from ${new Date(date).toISOString().slice(0, 10)}, more than two years old`;
  },
};
