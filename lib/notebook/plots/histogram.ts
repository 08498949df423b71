/**
 * Histograms of one numeric column.
 *
 * @module
 */
import { Plot } from "./observable_plot.ts";
import { ColumnNotFoundError, columnsOf, type TableInput } from "../table_like.ts";
import { Chart } from "./chart.ts";
import {
  axisLabel,
  baseOptions,
  type ChartOptions,
  count,
  finiteRows,
  indexData,
  mergePlot,
  positive,
  take,
} from "./common.ts";

/** Options of {@linkcode histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** The numeric column to bin. Required unless the data has a single column. */
  column?: string;
  /** The number of bins (approximate: Plot picks round edges). @default 40 */
  bins?: number;
  /** Count on a logarithmic axis. @default false */
  log?: boolean;
  /** Cumulative counts. @default false */
  cumulative?: boolean;
  /** Show fractions instead of counts. @default false */
  normalize?: boolean;
  /** A text column whose values become separate, stacked colours (e.g. `"band"`). @default undefined */
  groupBy?: string;
  /** Bar colour. @default "#1f4e79" */
  fill?: string;
  /** The x-axis label. @default the column name and unit */
  label?: string;
}

/**
 * Draws a histogram of one numeric column (nulls and NaN left out).
 *
 * @param data An Arrow table, a query result, a Polars DataFrame or records.
 * @param options See {@linkcode HistogramOptions}; `column` names what to bin.
 * @returns The chart.
 *
 * @example Parallaxes of a few stars
 * ```ts
 * import { histogram } from "./histogram.ts";
 * const chart = histogram([{ parallax: 1.2 }, { parallax: 7.3 }, { parallax: null }], { column: "parallax", bins: 10 });
 * if (!chart.toString().includes("2 of 3 values")) throw new Error(chart.toString());
 * ```
 */
export function histogram(data: TableInput, options: HistogramOptions = {}): Chart {
  const where = "histogram()";
  const cols = columnsOf(data, where);
  const name = options.column ?? (cols.names.length === 1 ? cols.names[0] : undefined);
  if (name === undefined) {
    throw new TypeError(
      `${where}: say which column to bin with {column: "..."}; the data has ${
        cols.names.map((n) => JSON.stringify(n)).join(", ")
      }`,
    );
  }
  if (!cols.has(name)) throw new ColumnNotFoundError(where, name, cols.names, "column");
  positive(where, "bins", options.bins);
  const all = cols.numbers(name);
  const rows = finiteRows(all);
  const x = take(all, rows);
  const group = options.groupBy !== undefined
    ? (cols.has(options.groupBy)
      ? (() => {
        const s = cols.strings(options.groupBy!);
        return Array.from(rows, (i) => s[i]);
      })()
      : (() => {
        throw new ColumnNotFoundError(where, options.groupBy!, cols.names, "groupBy");
      })())
    : undefined;
  const reducer = options.normalize ? "proportion" : "count";
  const plot = baseOptions(options, { height: 320 });
  plot.x = { label: axisLabel(cols, name, options.label) };
  plot.y = {
    label: options.normalize ? "fraction" : "count",
    grid: true,
    ...(options.log ? { type: "log" as const } : {}),
  };
  const bin = Plot.binX(
    { y: reducer },
    {
      x,
      thresholds: options.bins ?? 40,
      cumulative: options.cumulative ? 1 : 0,
      ...(group ? { fill: group } : { fill: options.fill ?? "#1f4e79" }),
      ...(options.log ? { y1: 0.5 } : {}),
    } as Plot.BinXInputs<Plot.RectYOptions>,
  );
  plot.marks = [Plot.rectY(indexData(rows.length), bin), Plot.ruleY([options.log ? 0.5 : 0])];
  if (group) plot.color = { legend: true };
  const summary = `${count(rows.length)} of ${count(cols.length)} values of ${name}`;
  return Chart.render(mergePlot(plot, options.plot), { kind: "histogram", summary });
}
