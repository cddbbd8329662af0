/**
 * The evidence report as ONE self-contained HTML file: inline CSS and an inline SVG chart, no script, no font, no
 * image from anywhere (a Content-Security-Policy of `default-src 'none'` makes sure), so it opens offline, can be
 * attached anywhere and prints to PDF. Every dynamic string is escaped: status messages and game-log text come from
 * the network and from files, and are hostile until proven otherwise.
 */
import { EN, type Messages } from "../core/i18n/index.js";
import type { VerdictId } from "../core/types.js";
import type { RaidServer } from "../game/raid-servers.js";
import { SERIOUS_SAMPLE_COUNT, type Band, type Bucket, type EvidenceModel, type IncidentRow } from "./evidence-model.js";
import { readTrace } from "./path-trace.js";
import { bothTimes, localTime, offsetOf, pct, raidServerAddress, reportWords, utcTime } from "./report-text.js";

/** The report's words in one language (report-text.ts). */
type Words = ReturnType<typeof reportWords>;

/** A fix as the report lists it (from the fix journal). */
export interface FixRow {
  at: number;
  fixId: string;
  approvedBy: string;
  outcome: string;
  message: string;
}

export interface ReportInput {
  model: EvidenceModel;
  version: string;
  generatedAt: number;
  fixes: FixRow[];
  ispLetter: string;
  bsgTicket: string;
  /** Raid servers the game named in the window, newest first. */
  raidServers?: readonly RaidServer[];
  /** The player's language; English when absent. */
  messages?: Messages;
}

/** Escapes text for HTML content and attributes; control characters (terminal escapes) are dropped. */
export function esc(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const VERDICT_COLOR: Record<VerdictId, string> = {
  ok: "#2e9d4f",
  maintenance: "#6d6ad8",
  "server-outage": "#c0392b",
  "bsg-degraded": "#e08e0b",
  "bsg-unreachable": "#c0392b",
  "dns-failure": "#d35400",
  "tls-intercepted": "#8e44ad",
  "no-internet": "#7f3f1f",
  "local-network": "#7f3f1f",
  inconclusive: "#95a5a6",
};

const W = 960;
const LEFT = 48;
const PLOT_W = W - LEFT - 12;
const BAND_Y = 8;
const BAND_H = 16;
const REACH_Y = 40;
const REACH_H = 150;
const LAT_Y = REACH_Y + REACH_H + 28;
const LAT_H = 90;
const AXIS_Y = LAT_Y + LAT_H;
const H = AXIS_Y + 34;

const f1 = (n: number): string => n.toFixed(1);

/** Polyline segments through the points that have data (a gap breaks the line). */
function segments(points: ({ x: number; y: number } | null)[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const p of points) {
    if (p === null) {
      if (cur.length > 0) out.push(cur.join(" "));
      cur = [];
    } else cur.push(`${f1(p.x)},${f1(p.y)}`);
  }
  if (cur.length > 0) out.push(cur.join(" "));
  // A single point still shows as a short stroke.
  return out.map((s) => (s.includes(" ") ? s : `${s} ${s.replace(/^([\d.]+)/, (x) => f1(Number(x) + 2))}`));
}

/** The timeline chart as inline SVG. */
export function renderChart(model: EvidenceModel, messages: Messages = EN): string {
  const words = reportWords(messages);
  const span = Math.max(1, model.to - model.from);
  const x = (t: number) => LEFT + (PLOT_W * (Math.min(Math.max(t, model.from), model.to) - model.from)) / span;
  const mid = (b: Bucket) => x(b.t + model.bucketMs / 2);
  const reachY = (ok: number) => REACH_Y + REACH_H * (1 - ok);
  const lats = model.buckets.map((b) => b.liveP50).filter((v): v is number => v !== null);
  const latMax = Math.max(50, Math.ceil((Math.max(0, ...lats) * 1.15) / 10) * 10);
  const latY = (ms: number) => LAT_Y + LAT_H * (1 - Math.min(1, ms / latMax));
  const parts: string[] = [];

  // Verdict bands and "not watching" hatching.
  parts.push(`<text x="4" y="${BAND_Y + 12}" class="lbl">${esc(words.chartState)}</text>`);
  for (const b of model.bands) parts.push(bandRect(b, x, words));
  for (const b of model.bands.filter((b) => b.verdict === null)) {
    parts.push(`<rect x="${f1(x(b.from))}" y="${REACH_Y}" width="${f1(Math.max(0.5, x(b.to) - x(b.from)))}" height="${AXIS_Y - REACH_Y}" fill="url(#off)" class="off"/>`);
  }
  // Incidents shaded across both panels.
  for (const i of model.incidents) {
    const end = i.end ?? model.to;
    parts.push(
      `<rect class="incident" x="${f1(x(i.start))}" y="${REACH_Y}" width="${f1(Math.max(2, x(end) - x(i.start)))}" height="${AXIS_Y - REACH_Y}" fill="#c0392b" fill-opacity="0.16"><title>${esc(`${localTime(i.start)} – ${i.end === null ? words.ongoing : localTime(i.end)}: ${i.verdicts.map(words.verdictWords).join(", ")}`)}</title></rect>`,
    );
  }
  // Panels, grid and labels.
  parts.push(`<rect x="${LEFT}" y="${REACH_Y}" width="${PLOT_W}" height="${REACH_H}" class="frame"/>`);
  parts.push(`<rect x="${LEFT}" y="${LAT_Y}" width="${PLOT_W}" height="${LAT_H}" class="frame"/>`);
  for (const v of [0, 0.5, 1]) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${f1(reachY(v))}" y2="${f1(reachY(v))}" class="grid"/><text x="${LEFT - 4}" y="${f1(reachY(v) + 4)}" class="tick" text-anchor="end">${v * 100}%</text>`);
  }
  for (const v of [0, latMax / 2, latMax]) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${f1(latY(v))}" y2="${f1(latY(v))}" class="grid"/><text x="${LEFT - 4}" y="${f1(latY(v) + 4)}" class="tick" text-anchor="end">${Math.round(v)}</text>`);
  }
  parts.push(`<text x="${LEFT + 4}" y="${REACH_Y - 6}" class="lbl">${esc(words.chartReachable)}</text>`);
  parts.push(`<text x="${LEFT + 4}" y="${LAT_Y - 6}" class="lbl">${esc(words.chartLatency)}</text>`);
  // Data.
  const bsg = model.buckets.map((b) => (b.bsg.n === 0 ? null : { x: mid(b), y: reachY(1 - b.bsg.failed / b.bsg.n) }));
  const ctl = model.buckets.map((b) => (b.control.n === 0 ? null : { x: mid(b), y: reachY(1 - b.control.failed / b.control.n) }));
  const lat = model.buckets.map((b) => (b.liveP50 === null ? null : { x: mid(b), y: latY(b.liveP50) }));
  for (const s of segments(ctl)) parts.push(`<polyline class="line control" points="${s}"/>`);
  for (const s of segments(bsg)) parts.push(`<polyline class="line bsg" points="${s}"/>`);
  for (const s of segments(lat)) parts.push(`<polyline class="line latency" points="${s}"/>`);
  // Time axis: about six local-time ticks.
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const t = model.from + (span * i) / ticks;
    const label = span > 2 * 86_400_000 ? localTime(t).slice(5, 16) : localTime(t).slice(11, 16);
    parts.push(`<line x1="${f1(x(t))}" x2="${f1(x(t))}" y1="${AXIS_Y}" y2="${AXIS_Y + 4}" class="grid"/><text x="${f1(x(t))}" y="${AXIS_Y + 16}" class="tick" text-anchor="middle">${esc(label)}</text>`);
  }
  parts.push(`<text x="${LEFT + PLOT_W}" y="${AXIS_Y + 30}" class="tick" text-anchor="end">${esc(words.chartTimeAxis(`UTC${offsetOf(model.to)}`))}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(words.chartAlt(model.incidents.length))}" id="timeline">`,
    `<defs><pattern id="off" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/></pattern></defs>`,
    ...parts,
    "</svg>",
  ].join("\n");
}

function bandRect(b: Band, x: (t: number) => number, words: Words): string {
  const fill = b.verdict === null ? "url(#off)" : VERDICT_COLOR[b.verdict];
  return `<rect class="band" data-verdict="${b.verdict ?? "none"}" x="${f1(x(b.from))}" y="${BAND_Y}" width="${f1(Math.max(0.5, x(b.to) - x(b.from)))}" height="${BAND_H}" fill="${fill}"><title>${esc(`${words.verdictWords(b.verdict)}: ${localTime(b.from)} – ${localTime(b.to)}`)}</title></rect>`;
}

const row = (cells: string[], cls = ""): string => `<tr${cls ? ` class="${cls}"` : ""}>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const head = (cells: readonly string[]): string => `<thead><tr>${cells.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead>`;

function incidentRow(i: IncidentRow, words: Words): string {
  const ofTimes = (r: { failed: number; n: number }) => words.ofTimes(r.failed, r.n);
  return row(
    [
      esc(`${localTime(i.start, true)} (UTC${offsetOf(i.start)})`),
      esc(utcTime(i.start)),
      esc(i.end === null ? words.ongoing : localTime(i.end, true)),
      esc(words.duration(i.durationMs) + (i.endReason === "agent stopped" ? ` ${words.agentStoppedFirst}` : "")),
      esc(i.verdicts.map(words.verdictWords).join(" → ")),
      esc(`${ofTimes(i.rounds)} (${pct(i.rounds)})`),
      esc(`${ofTimes(i.connects)} (${pct(i.connects)})`),
      esc(`${ofTimes(i.controls)}`),
    ],
    "incident-row",
  );
}

/** The timeline's own styles (also used where the chart is shown outside the report: the dashboard). */
export const CHART_CSS = `
svg .frame{fill:none;stroke:#c9ced3}svg .grid{stroke:#e3e7eb}svg .tick,svg .lbl{font:11px system-ui,sans-serif;fill:#5b6570}
svg .line{fill:none;stroke-width:2}svg .bsg{stroke:#c0392b}svg .control{stroke:#2471a3;stroke-dasharray:5 3}svg .latency{stroke:#7d3c98}
`;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1c2126;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d6dbe0;padding-bottom:4px}
.muted{color:#5b6570}.summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.card{border:1px solid #d6dbe0;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e7eb;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f6f8}
td.num,th.num{text-align:right}.fail{color:#b03a2e;font-weight:600}
pre.letter{white-space:pre-wrap;background:#f8f9fa;border:1px solid #d6dbe0;border-radius:6px;padding:12px;font:13px/1.5 ui-monospace,Consolas,monospace}
${CHART_CSS}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:4px;vertical-align:middle;margin-right:4px}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,pre.letter,svg{break-inside:avoid}}
`;

/** The whole report page. */
export function renderReportHtml(input: ReportInput): string {
  const { model: m } = input;
  const T = reportWords(input.messages ?? EN);
  const ofTimes = (r: { failed: number; n: number }) => T.ofTimes(r.failed, r.n);
  const windowMs = m.to - m.from;
  const hasData = m.coverage.rounds + m.coverage.connects > 0;
  const bsgTargets = m.targets.filter((t) => t.group === "bsg");
  const controlTargets = m.targets.filter((t) => t.group === "control");
  const targetRows = [...bsgTargets, ...controlTargets].map((t) => {
    const codes = Object.entries(t.codes).sort((a, b) => b[1] - a[1]);
    const top = codes[0];
    const cell = (p: "dns" | "tcp" | "tls" | "http") => {
      const r = t.phases[p];
      return r.n === 0 ? "–" : `<span class="${r.failed > 0 ? "fail" : ""}">${esc(T.failedCell(ofTimes(r)))}</span>`;
    };
    return row([esc(t.group === "control" ? T.otherSite(t.id) : t.id), esc(t.hostPort ?? "–"), cell("dns"), cell("tcp"), cell("tls"), cell("http"), esc(top ? `${T.codeWords(top[0] as never)} (${top[1]}×)` : T.none)]);
  });
  const live = m.liveness;
  const latencyRows = [
    ...live.perTarget.map((l) =>
      row([esc(l.target), esc(l.addresses.join(", ")), String(l.n), String(l.lost), `${l.lossPct.toFixed(2)} %`, ms(l.p50), ms(l.p95), ms(l.p99), ms(l.max)]),
    ),
    row([`<b>${esc(T.all)}</b>`, "", `<b>${live.overall.n}</b>`, `<b>${live.overall.lost}</b>`, `<b>${live.overall.lossPct.toFixed(2)} %</b>`, ms(live.overall.p50), ms(live.overall.p95), ms(live.overall.p99), ms(live.overall.max)]),
  ];
  const raidRows = (input.raidServers ?? []).map((r) => {
    const at = Date.parse(r.at);
    return row([esc(localTime(at, true)), esc(utcTime(at)), esc(raidServerAddress(r)), esc(r.datacenter ?? "–"), esc(r.location ?? "–"), esc(T.raidSource(r.source))], "raid-row");
  });
  const raid = input.raidServers ?? [];
  const traces = m.traces.map((tr) => {
    const reading = readTrace(tr.hops, tr.target);
    return [
      `<p>${esc(T.traceCaption(tr.target, tr.why, tr.t, tr.tool))}</p>`,
      tr.ok
        ? `<table class="trace">${head(T.traceHead)}<tbody>${tr.hops.map((h) => row([String(h.n), esc(h.ip ?? T.noAnswer), h.loss === null ? "–" : `${h.loss} %`, ms(h.rtt)])).join("")}</tbody></table><p><b>${esc(T.traceReading(reading))}</b></p>`
        : `<p>${esc(tr.message)}</p>`,
    ].join("\n");
  });
  const body = [
    `<h1>${esc(T.title)}</h1>`,
    `<p class="muted">${esc(T.subtitle(m.from, m.to))}<br>${esc(T.generated(input.generatedAt, input.version))}</p>`,
    hasData ? `<p>${esc(T.coverage(m.coverage.rounds, m.coverage.connects, m.coverage.monitoredMs, windowMs))}</p>` : `<p><b>${esc(T.noData)}</b></p>`,
    `<div class="summary"><div class="card">${esc(T.cardIncidents)} <b>${m.incidents.length}</b></div><div class="card">${esc(T.cardQuickLost)} <b>${esc(T.ofTimes(live.overall.lost, live.overall.n))}</b></div><div class="card">${esc(T.cardControls)} <b>${esc(ofTimes(m.controlsWhileBsgFailed))}</b></div><div class="card">${esc(T.cardLastState)} <b>${esc(T.verdictWords(m.lastVerdict))}</b></div></div>`,
    `<h2>${esc(T.chartTitle)}</h2>`,
    renderChart(m, input.messages ?? EN),
    `<p class="legend"><span><i class="sw" style="background:#c0392b"></i>${esc(T.chartLegendBsg)}</span><span><i class="sw" style="background:#2471a3"></i>${esc(T.chartLegendControl)}</span><span><i class="sw" style="background:#7d3c98"></i>${esc(T.chartLegendLatency)}</span><span><i class="sw" style="background:#f0c4bf;height:10px"></i>${esc(T.chartLegendIncident)}</span><span><i class="sw" style="background:#ddd;height:10px"></i>${esc(T.chartLegendOff)}</span></p>`,
    `<h2>${esc(T.incidentsTitle)}</h2>`,
    m.incidents.length === 0 ? `<p>${esc(T.noIncidents)}</p>` : `<table id="incidents">${head(T.incidentHead)}<tbody>${m.incidents.map((i) => incidentRow(i, T)).join("\n")}</tbody></table>`,
    m.maintenance.length === 0 ? "" : `<h2>${esc(T.maintenanceTitle)}</h2><ul>${m.maintenance.map((x) => `<li>${esc(`${bothTimes(x.t)}: ${x.message}`)}</li>`).join("")}</ul>`,
    `<h2>${esc(T.failuresTitle)}</h2><p class="muted">${esc(T.failuresIntro)}</p>`,
    `<table id="failures">${head(T.failuresHead)}<tbody>${targetRows.join("\n")}</tbody></table>`,
    `<h2>${esc(T.resolversTitle)}</h2>`,
    m.resolvers.length === 0 ? `<p>–</p>` : `<ul id="resolvers">${m.resolvers.map((r) => `<li>${esc(T.lookupLine(ofTimes(r.bsg), T.resolverWords(r.resolver)))}</li>`).join("")}</ul>`,
    `<h2>${esc(T.latencyTitle)}</h2>`,
    `<p>${esc(T.samplesCaveat(live.overall.n, SERIOUS_SAMPLE_COUNT))}</p>`,
    `<table id="latency">${head(T.latencyHead)}<tbody>${latencyRows.join("\n")}</tbody></table>`,
    `<h2>${esc(T.raidTitle)}</h2>`,
    raid.length === 0 ? `<p>${esc(T.noRaid)}</p>` : `<p class="muted">${esc(T.raidIntro)}</p><table id="raid-servers">${head(T.raidHead)}<tbody>${raidRows.join("")}</tbody></table>`,
    `<h2>${esc(T.tracesTitle)}</h2>`,
    `<p class="muted">${esc(T.traceRule)}</p>`,
    traces.length === 0 ? `<p>${esc(T.noTraces)}</p>` : traces.join("\n"),
    `<h2>${esc(T.fixesTitle)}</h2>`,
    input.fixes.length === 0
      ? `<p>${esc(T.noFixes)}</p>`
      : `<table id="fixes">${head(T.fixesHead)}<tbody>${input.fixes.map((f) => row([esc(localTime(f.at)), esc(f.fixId), esc(f.approvedBy), esc(f.outcome), esc(f.message)])).join("")}</tbody></table>`,
    `<h2>${esc(T.ispTitle)}</h2><p class="muted">${esc(T.copyHint)}</p><pre class="letter" id="isp-letter">${esc(input.ispLetter)}</pre>`,
    `<h2>${esc(T.bsgTitle)}</h2><pre class="letter" id="bsg-ticket">${esc(input.bsgTicket)}</pre>`,
    `<p class="muted">${esc(T.footer)}</p>`,
  ];
  return [
    "<!doctype html>",
    `<html lang="${input.messages?.locale ?? "en"}"><head><meta charset="utf-8">`,
    // Nothing may load from anywhere: the report works offline and cannot phone home.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(T.title)} – ${esc(localTime(m.to))}</title>`,
    `<style>${CSS}</style></head><body>`,
    ...body,
    "</body></html>",
    "",
  ].join("\n");
}

function ms(v: number | null): string {
  return v === null ? "–" : `${Math.round(v)} ms`;
}
