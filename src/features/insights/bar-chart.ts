/**
 * A horizontal bar chart laid out on the server (issue 22.2: no chart service, no JavaScript): one
 * group of bars per row, one bar per series. views/partials/bar-chart.ejs draws it as SVG with the
 * same numbers in a table beside it, for screen readers and for copying.
 */
export type BarChart = {
  id: string; title: string; labelHeader: string; series: string[];
  width: number; height: number; labelWidth: number;
  rows: { label: string; shortLabel: string; values: number[]; y: number; bars: { x: number; y: number; width: number; height: number; value: number; textX: number }[] }[];
  legend: { label: string; x: number; y: number }[];
};

const WIDTH = 640;
const LABEL_WIDTH = 190;
const VALUE_ROOM = 56;
const BAR = 14;
const GAP = 10;
/** Legend items side by side: as many as fit beside the labels' column, then another row. */
const LEGEND_ITEM = 150;
const LEGEND_ROW = 20;

/** Long labels are shortened in the picture only; the table keeps them whole. */
const shorten = (label: string, max = 14) => ([...label].length > max ? `${[...label].slice(0, max - 1).join('')}…` : label);

export function barChart(options: { id: string; title: string; labelHeader: string; series: string[]; rows: { label: string; shortLabel?: string; values: number[] }[] }): BarChart {
  const { series } = options;
  const max = Math.max(1, ...options.rows.flatMap((r) => r.values));
  const scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / max;
  const groupHeight = series.length * BAR + GAP;
  const perRow = Math.max(1, Math.floor((WIDTH - LABEL_WIDTH) / LEGEND_ITEM));
  const legendHeight = 8 + Math.ceil(series.length / perRow) * LEGEND_ROW;
  const rows = options.rows.map((row, i) => {
    const y = legendHeight + i * groupHeight;
    return {
      label: row.label, shortLabel: shorten(row.shortLabel ?? row.label), values: row.values, y: y + (series.length * BAR) / 2,
      bars: row.values.map((value, s) => {
        const width = Math.max(value > 0 ? 1 : 0, Math.round(value * scale));
        return { x: LABEL_WIDTH, y: y + s * BAR, width, height: BAR - 2, value, textX: LABEL_WIDTH + width + 4 };
      }),
    };
  });
  return {
    id: options.id, title: options.title, labelHeader: options.labelHeader, series,
    width: WIDTH, height: legendHeight + Math.max(1, rows.length) * groupHeight, labelWidth: LABEL_WIDTH, rows,
    legend: series.map((label, s) => ({ label, x: LABEL_WIDTH + (s % perRow) * LEGEND_ITEM, y: 6 + Math.floor(s / perRow) * LEGEND_ROW })),
  };
}
