/**
 * The parts of Get-AgentNetworkSnapshot's `data` the fix engine reads. Lenient on purpose: the script may report
 * more, and a missing field only means a guidance entry stays quiet.
 */
import { z } from "zod";

const adapterSchema = z.looseObject({
  name: z.string().optional(),
  interfaceIndex: z.number().optional(),
  /** "Wi-Fi" | "Ethernet" | … as Get-AgentNetworkSnapshot reports it (compared case-insensitively). */
  type: z.string().optional(),
  status: z.string().optional(),
  isVpn: z.boolean().optional(),
  isVirtual: z.boolean().optional(),
  isDefaultRoute: z.boolean().optional(),
  linkSpeedMbps: z.number().nullable().optional(),
  wifiSignalPercent: z.number().nullable().optional(),
  driverProvider: z.string().nullable().optional(),
  driverVersion: z.string().nullable().optional(),
  driverDate: z.string().nullable().optional(),
});

export const networkSnapshotSchema = z.looseObject({
  adapters: z.array(adapterSchema).default([]),
});
export type NetworkSnapshot = z.infer<typeof networkSnapshotSchema>;
export type SnapshotAdapter = NetworkSnapshot["adapters"][number];

/** Parses a snapshot's `data`; null when it is not one. */
export function parseSnapshot(data: unknown): NetworkSnapshot | null {
  const r = networkSnapshotSchema.safeParse(data);
  return r.success ? r.data : null;
}

/** The adapters carrying traffic: up, not virtual/VPN; the default-route one first when the script marks it. */
export function activePhysicalAdapters(s: NetworkSnapshot): SnapshotAdapter[] {
  return s.adapters
    .filter((a) => (a.status ?? "up").toLowerCase() === "up" && a.isVpn !== true && a.isVirtual !== true && (a.type ?? "").toLowerCase() !== "virtual")
    .sort((a, b) => Number(b.isDefaultRoute === true) - Number(a.isDefaultRoute === true));
}
