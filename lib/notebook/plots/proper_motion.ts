/**
 * The vector-point diagram of proper motions.
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
  type PointMode,
  quantile,
  resolveMode,
  take,
} from "./common.ts";

/** Options of {@linkcode properMotion}. */
export interface ProperMotionOptions extends ChartOptions {
  /** Proper motion in RA (μα* = μα cos δ) column, mas/yr. @default "pmra" */
  pmra?: string;
  /** Proper motion in Dec column, mas/yr. @default "pmdec" */
  pmdec?: string;
  /**
   * Draw a circle around a cluster's mean motion: `{ pmra, pmdec, radius }`
   * in mas/yr (for instance the cut used to select members).
   * @default undefined
   */
  highlight?: { pmra: number; pmdec: number; radius: number };
  /**
   * Zoom to the central part of the distribution: the axes span this
   * quantile range of each coordinate (field stars have long tails).
   * `[0, 1]` shows everything.
   * @default [0.005, 0.995]
   */
  quantiles?: [number, number];
  /** Dots, or density above `densityThreshold` points. @default "auto" */
  mode?: PointMode;
  /** Points above which `mode: "auto"` draws density. @default 5000 */
  densityThreshold?: number;
  /** Dot radius in pixels. @default 1.5 */
  r?: number;
  /** Dot colour, or a numeric column name to colour by. @default "#1f4e79" */
  fill?: string;
}

/**
 * Draws the vector-point diagram: μα* against μδ. A cluster shows up as a
 * tight clump apart from the broad cloud of field stars.
 *
 * @param data An Arrow table, a query result, a Polars DataFrame or records.
 * @param options See {@linkcode ProperMotionOptions}.
 * @returns The chart.
 *
 * @example Highlight the Pleiades' motion
 * ```ts
 * import { properMotion } from "./proper_motion.ts";
 * const stars = [{ pmra: 20, pmdec: -45 }, { pmra: 19.5, pmdec: -45.5 }, { pmra: -2, pmdec: 3 }];
 * const chart = properMotion(stars, { highlight: { pmra: 20, pmdec: -45, radius: 3 } });
 * if (!chart.toString().includes("3 of 3")) throw new Error(chart.toString());
 * ```
 */
export function properMotion(data: TableInput, options: ProperMotionOptions = {}): Chart {
  const where = "properMotion()";
  const cols = columnsOf(data, where);
  const xName = options.pmra ?? "pmra", yName = options.pmdec ?? "pmdec";
  if (!cols.has(xName)) throw new ColumnNotFoundError(where, xName, cols.names, "pmra");
  if (!cols.has(yName)) throw new ColumnNotFoundError(where, yName, cols.names, "pmdec");
  const rows = finiteRows(cols.numbers(xName), cols.numbers(yName));
  const x = take(cols.numbers(xName), rows), y = take(cols.numbers(yName), rows);
  const [qlo, qhi] = options.quantiles ?? [0.005, 0.995];
  if (!(qlo >= 0 && qhi <= 1 && qlo < qhi)) {
    throw new RangeError(
      `${where}: quantiles must be [lo, hi] with 0 <= lo < hi <= 1, got ${
        JSON.stringify([qlo, qhi])
      }`,
    );
  }
  const h = options.highlight;
  const domain = (a: Float64Array, c?: number): [number, number] => {
    let lo = quantile(a, qlo), hi = quantile(a, qhi);
    if (h && c !== undefined) {
      lo = Math.min(lo, c - h.radius * 1.5);
      hi = Math.max(hi, c + h.radius * 1.5);
    }
    if (!(hi > lo)) {
      lo = (Number.isFinite(lo) ? lo : 0) - 1;
      hi = lo + 2;
    }
    return [lo, hi];
  };
  const mode = resolveMode(options.mode, rows.length, options.densityThreshold);
  // Equal spans on both axes and a square plot: one mas/yr is the same length
  // across and up, so a circle of common motion looks like a circle.
  const dx = domain(x, h?.pmra), dy = domain(y, h?.pmdec);
  const span = Math.max(dx[1] - dx[0], dy[1] - dy[0]);
  const widen = (d: [number, number]): [number, number] => {
    const c = (d[0] + d[1]) / 2;
    return [c - span / 2, c + span / 2];
  };
  const width = options.width ?? 560;
  const plot = baseOptions(options, { height: options.height ?? width - 30, width });
  plot.x = { label: axisLabel(cols, xName, "μα* (mas/yr)"), domain: widen(dx), grid: true };
  plot.y = { label: axisLabel(cols, yName, "μδ (mas/yr)"), domain: widen(dy), grid: true };
  plot.marginLeft = 40;
  plot.marginRight = 10;
  plot.marginTop = 20;
  plot.marginBottom = 30;
  plot.clip = true;
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#ccc" })];
  if (mode === "density") {
    marks.push(
      Plot.dot(indexData(rows.length), Plot.hexbin({ fill: "count" }, { x, y, binWidth: 5 })),
    );
    plot.color = { type: "log", scheme: "ylgnbu", legend: false };
    // A continuous colour legend needs a canvas (not in linkedom): say it in words.
    if (options.caption === undefined) {
      plot.caption = "Colour: stars per hexagon (log scale, light to dark)";
    }
  } else {
    const fill = options.fill ?? "#1f4e79";
    const byColumn = cols.has(fill) ? take(cols.numbers(fill), rows) : undefined;
    marks.push(
      Plot.dot(indexData(rows.length), {
        x,
        y,
        r: options.r ?? 1.5,
        fill: byColumn ?? fill,
        stroke: null,
      }),
    );
    if (byColumn) plot.color = { scheme: "turbo", legend: false };
  }
  if (h) {
    const n = 121;
    const cx = new Float64Array(n), cy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / (n - 1);
      cx[i] = h.pmra + h.radius * Math.cos(t);
      cy[i] = h.pmdec + h.radius * Math.sin(t);
    }
    marks.push(Plot.line(indexData(n), { x: cx, y: cy, stroke: "#d62728", strokeWidth: 1.5 }));
    marks.push(
      Plot.dot([0], { x: () => h.pmra, y: () => h.pmdec, symbol: "plus", stroke: "#d62728", r: 5 }),
    );
  }
  plot.marks = marks;
  const summary = `${count(rows.length)} of ${count(cols.length)} stars${
    mode === "density" ? ", density" : ""
  }`;
  return Chart.render(mergePlot(plot, options.plot), { kind: "properMotion", summary });
}
