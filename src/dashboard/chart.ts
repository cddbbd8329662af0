/**
 * The dashboard's evidence chart is the report's: the same model built from the same evidence history and
 * incidents (src/report/evidence-model.ts), drawn by the same inline-SVG renderer (src/report/report-html.ts).
 * Rebuilding it streams the history files, so each window is kept for a short while instead of being rebuilt for
 * every page that asks.
 */
import { readHistory } from "../agent/evidence-history.js";
import { listIncidents } from "../agent/incidents.js";
import { EvidenceModelBuilder } from "../report/evidence-model.js";
import { renderChart } from "../report/report-html.js";

/** The windows the page offers, by name. */
export const CHART_WINDOWS = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000, "7d": 7 * 86_400_000 } as const;
export type ChartWindow = keyof typeof CHART_WINDOWS;
export const isChartWindow = (s: string): s is ChartWindow => Object.prototype.hasOwnProperty.call(CHART_WINDOWS, s);

export interface ChartView {
  window: ChartWindow;
  /** The SVG markup (every text in it escaped by the renderer). */
  svg: string;
  /** No measurement at all in the window (a fresh install): the page says so instead of an empty frame. */
  empty: boolean;
  incidents: number;
}

/** Builds the chart for the window ending now. */
export async function buildChart(dataDir: string, window: ChartWindow, now: number): Promise<ChartView> {
  const from = now - CHART_WINDOWS[window];
  const builder = new EvidenceModelBuilder(from, now, listIncidents({ dataDir, limit: 500 }));
  const stats = await readHistory(dataDir, from, now, (r) => builder.add(r));
  const model = builder.finish({ skippedLines: stats.skippedLines, cappedDays: stats.cappedDays });
  return { window, svg: renderChart(model), empty: model.coverage.rounds + model.coverage.connects === 0, incidents: model.incidents.length };
}

/** Chart cache: one build per window at most every `maxAgeMs`; a change (new incident) drops it. */
export function chartCache(dataDir: string, maxAgeMs = 20_000, clock: () => number = Date.now) {
  const cached = new Map<ChartWindow, { at: number; view: Promise<ChartView> }>();
  return {
    get(window: ChartWindow): Promise<ChartView> {
      const now = clock();
      const hit = cached.get(window);
      if (hit !== undefined && now - hit.at < maxAgeMs) return hit.view;
      const view = buildChart(dataDir, window, now);
      cached.set(window, { at: now, view });
      view.catch(() => cached.delete(window));
      return view;
    },
    invalidate(): void {
      cached.clear();
    },
  };
}
