#!/usr/bin/env node
/**
 * Redaction throughput, line by line, as the support bundle uses it (issue 9: hundreds of MB of logs).
 *   npm run build --silent && node test/redact/throughput.mjs [MB=64] [runs=5] [mix=dense|clean]
 * `dense`: every template in turn, half of them with secrets (far denser than real logs). `clean`: only the
 * templates without a secret, like most of a backend log. Prints MB/s per run and the median. Not a test: a
 * figure for the README and the bundle's budget.
 */
import { createRedactor } from "../../dist/core/redact/index.js";

const targetMb = Number(process.argv[2] ?? 64);
const runs = Number(process.argv[3] ?? 5);
const mix = process.argv[4] ?? "dense";

// Shapes from public sources (see test/hostile/secrets.test.ts for provenance); most lines carry no secret, as in
// real logs, and some carry several.
const TEMPLATES = [
  (i) => `2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [${i}]: URL: https://prod-04.escapefromtarkov.com/client/menu/locale/en, crc: .`,
  (i) => `2025-12-08 15:01:57.292|1.0.0.2.42157|Info|backend|<--- Response HTTPS, id [${i}]: URL: https://prod-04.escapefromtarkov.com/client/game/mode, crc: , responseText:`,
  () => "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 104.200.159.98:17001)",
  (i) => `2025-12-02 22:00:45.851|1.0.0.2.42157|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: ${i}, received: 49602)`,
  () => "2025-12-02 21:50:53.106|1.0.0.2.42157|Debug|application|TRACE-NetworkGameCreate profileStatus: 'Profileid: 69193861844e4f097e00ec2e, Status: Busy, RaidMode: Online, Ip: 104.200.159.98, Port: 17001, Location: Interchange, Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, GameMode: deathmatch, shortId: RTCSZQ'",
  () => "2023-08-12 22:38:44.036 +02:00|0.13.5.0.25793|Info|application|SelectProfile ProfileId:5a452fc902153a1e7403f888 AccountId:409154 ",
  () => "2025-12-08 15:02:05.192|1.0.0.2.42157|Error|errors|Incorrect Enum value promoCode at [18].source, fallback to ECustomizationSource.None",
  () => "2025-12-05 17:27:21.000|1.0.0.2.42157|Debug|application|Start loading dll 'C:/Users/KappaHolder/AppData/Local/Temp/Battlestate Games/BattlEye/BEClient_x64.dll'",
  (i) => `{"level":"info","message":"round","component":"monitor","timestamp":"2026-01-01T10:00:${String(i % 60).padStart(2, "0")}.000Z","verdict":"ok","durationMs":412}`,
  () => "   at EFT.ClientApplication`1+<InitAsync>d__12.MoveNext () [0x00000] in <00000000000000000000000000000000>:0 ",
  () => "    SSID                   : HomeNet-5G",
  () => "2025-12-03 20:05:33.000|1.0.0.2.42157|Warn|backend|Request https://gw-pve-01.escapefromtarkov.com/client/game/keepalive will be retried after 46.5 sec, retry:1 from retries:5 ... error:Backend error: Cannot resolve destination host",
];

/** Templates 0, 1, 3, 6, 8, 9 and 11 carry nothing to redact. */
const templates = mix === "clean" ? [0, 1, 3, 6, 8, 9, 11].map((i) => TEMPLATES[i]) : TEMPLATES;
const lines = [];
let bytes = 0;
for (let i = 0; bytes < targetMb * 1024 * 1024; i++) {
  const line = templates[i % templates.length](i);
  lines.push(line);
  bytes += Buffer.byteLength(line) + 1;
}

const redactor = createRedactor({ userNames: ["KappaHolder"], ssids: ["HomeNet-5G"] });
// Wall-clock rates swing with whatever else the machine runs; MB per CPU-second of this process is the steadier
// figure (both are printed).
const wall = [];
const cpu = [];
for (let run = 0; run < runs; run++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let out = 0;
  for (const line of lines) out += redactor.text(line).length;
  const c = process.cpuUsage(c0);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  wall.push(bytes / 1024 / 1024 / s);
  cpu.push(bytes / 1024 / 1024 / ((c.user + c.system) / 1e6));
  if (out === 0) throw new Error("nothing came out");
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`redaction (${mix} mix): ${(bytes / 1024 / 1024).toFixed(0)} MB in ${lines.length} lines, ${runs} runs`);
console.log(`  wall MB/s per run: ${wall.map((r) => r.toFixed(1)).join(", ")}; median ${median(wall).toFixed(1)}`);
console.log(`  MB per CPU-second per run: ${cpu.map((r) => r.toFixed(1)).join(", ")}; median ${median(cpu).toFixed(1)}`);
console.log(`  replacements per run: ${JSON.stringify(Object.fromEntries(Object.entries(redactor.counts()).map(([k, v]) => [k, v / runs])))}`);
