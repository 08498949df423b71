/**
 * The colour–magnitude (Hertzsprung–Russell) diagram.
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
  resolveMode,
  take,
  takeAny,
} from "./common.ts";

/** Options of {@linkcode hrDiagram}. */
export interface HrDiagramOptions extends ChartOptions {
  /**
   * The colour index column. When it is missing and both `phot_bp_mean_mag`
   * and `phot_rp_mean_mag` exist, BP−RP is computed from them.
   * @default "bp_rp"
   */
  color?: string;
  /** The apparent magnitude column. @default "phot_g_mean_mag" */
  magnitude?: string;
  /**
   * Plot the absolute magnitude M = m + 5 log10(ϖ / 100 mas), from the
   * parallax column; rows without a positive parallax are left out.
   * @default false
   */
  absolute?: boolean;
  /** The parallax column, in mas, used when `absolute` is true. @default "parallax" */
  parallax?: string;
  /** Keep only rows with parallax_over_error at least this (needs `absolute`). @default undefined (no cut) */
  minParallaxOverError?: number;
  /** Dots, or density (hexagonal bins coloured by count) above `densityThreshold` points. @default "auto" */
  mode?: PointMode;
  /** Points above which `mode: "auto"` draws density. @default 5000 */
  densityThreshold?: number;
  /** Dot radius in pixels. @default 1.5 */
  r?: number;
  /** Dot colour (a CSS colour) or a numeric column name to colour by. @default "#1f4e79" */
  fill?: string;
  /** Hexagon size in pixels for density. @default 5 */
  binWidth?: number;
}

/**
 * Draws a colour–magnitude diagram: colour index on x, magnitude on y
 * (bright at the top). Small sets are dots; large sets become a density
 * map of hexagonal bins coloured by count.
 *
 * @param data An Arrow table, a query result, a Polars DataFrame or records.
 * @param options See {@linkcode HrDiagramOptions}.
 * @returns The chart: a cell's value shows it in Jupyter; `save("hr.svg")` writes it.
 *
 * @example Absolute magnitudes from parallaxes
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { hrDiagram } from "./hr_diagram.ts";
 * const stars = tableFromArrays({
 *   bp_rp: new Float64Array([0.5, 1.0, 2.0]),
 *   phot_g_mean_mag: new Float64Array([10, 12, 14]),
 *   parallax: new Float64Array([10, 5, -1]),
 * });
 * const chart = hrDiagram(stars, { absolute: true });
 * if (!chart.toString().includes("2 of 3 stars")) throw new Error(chart.toString());
 * ```
 */
export function hrDiagram(data: TableInput, options: HrDiagramOptions = {}): Chart {
  const where = "hrDiagram()";
  const cols = columnsOf(data, where);
  const magName = options.magnitude ?? "phot_g_mean_mag";
  if (!cols.has(magName)) throw new ColumnNotFoundError(where, magName, cols.names, "magnitude");
  let colorName = options.color ?? "bp_rp";
  let colour: Float64Array;
  if (cols.has(colorName)) colour = cols.numbers(colorName);
  else if (
    options.color === undefined && cols.has("phot_bp_mean_mag") && cols.has("phot_rp_mean_mag")
  ) {
    const bp = cols.numbers("phot_bp_mean_mag");
    const rp = cols.numbers("phot_rp_mean_mag");
    colour = new Float64Array(cols.length);
    for (let i = 0; i < colour.length; i++) colour[i] = bp[i] - rp[i];
    colorName = "BP − RP";
  } else throw new ColumnNotFoundError(where, colorName, cols.names, "color");

  const mag = cols.numbers(magName);
  let y = mag;
  let yLabel = axisLabel(cols, magName);
  if (options.absolute) {
    const plxName = options.parallax ?? "parallax";
    if (!cols.has(plxName)) throw new ColumnNotFoundError(where, plxName, cols.names, "parallax");
    const plx = cols.numbers(plxName);
    const cut = options.minParallaxOverError;
    const poe = cut !== undefined
      ? (cols.has("parallax_over_error") ? cols.numbers("parallax_over_error") : undefined)
      : undefined;
    if (cut !== undefined && !poe) {
      throw new ColumnNotFoundError(where, "parallax_over_error", cols.names);
    }
    y = new Float64Array(cols.length);
    for (let i = 0; i < y.length; i++) {
      const ok = plx[i] > 0 && (!poe || poe[i] >= cut!);
      y[i] = ok ? mag[i] + 5 * Math.log10(plx[i] / 100) : NaN;
    }
    yLabel = `absolute ${
      magName.replace(/^phot_(\w+)_mean_mag$/, "$1").toUpperCase()
    } magnitude (mag)`;
  }
  const rows = finiteRows(colour, y);
  const x = take(colour, rows);
  const yy = take(y, rows);
  const mode = resolveMode(options.mode, rows.length, options.densityThreshold);
  const fill = options.fill ?? "#1f4e79";
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#ccc" })];
  const plot = baseOptions(options, { height: 520, width: options.width ?? 560 });
  if (mode === "density") {
    marks.push(
      Plot.dot(
        indexData(rows.length),
        Plot.hexbin({ fill: "count" }, {
          x,
          y: yy,
          binWidth: options.binWidth ?? 5,
          symbol: "hexagon",
        }),
      ),
    );
    plot.color = { type: "log", scheme: "ylgnbu", legend: false };
    // A continuous colour legend needs a canvas (not in linkedom): say it in words.
    if (options.caption === undefined) {
      plot.caption = "Colour: stars per hexagon (log scale, light to dark)";
    }
  } else {
    const byColumn = cols.has(fill) ? take(cols.numbers(fill), rows) : undefined;
    const title = cols.has("source_id") && rows.length <= 2000
      ? takeAny(cols.strings("source_id"), rows)
      : undefined;
    marks.push(
      Plot.dot(indexData(rows.length), {
        x,
        y: yy,
        r: options.r ?? 1.5,
        fill: byColumn ?? fill,
        stroke: null,
        ...(title ? { title } : {}),
      }),
    );
    if (byColumn) plot.color = { scheme: "turbo", legend: false, label: fill };
  }
  plot.x = {
    label: colorName === "bp_rp" ? "BP − RP (mag)" : axisLabel(cols, colorName),
    grid: true,
    nice: true,
  };
  plot.y = { label: yLabel, reverse: true, grid: true, nice: true };
  plot.marks = marks;
  const summary = `${count(rows.length)} of ${count(cols.length)} stars${
    mode === "density" ? ", density" : ""
  }${options.absolute ? ", absolute magnitudes" : ""}`;
  return Chart.render(mergePlot(plot, options.plot), { kind: "hrDiagram", summary });
}
