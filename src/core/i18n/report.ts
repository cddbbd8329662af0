/** The evidence report, summary.md and the letters to the ISP and to BSG support (filled in by the report's migration). */

export const en = {
  title: "Tarkov connection evidence report",
};

export const ru: typeof en = {
  title: "Отчёт о связи с Tarkov",
};
