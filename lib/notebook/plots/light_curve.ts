/**
 * Light curves from Gaia epoch photometry, optionally folded by a period.
 *
 * @module
 */
import { Plot } from "./observable_plot.ts";
import { ColumnNotFoundError, type Columns, columnsOf, type TableInput } from "../table_like.ts";
import { Chart } from "./chart.ts";
import {
  axisLabel,
  baseOptions,
  type ChartOptions,
  count,
  indexData,
  mergePlot,
  positive,
} from "./common.ts";

/** Options of {@linkcode lightCurve}. */
export interface LightCurveOptions extends ChartOptions {
  /** Observation time column (Gaia: BJD(TCB) − 2455197.5, days). @default "time" */
  time?: string;
  /** Magnitude column. @default "mag" */
  mag?: string;
  /** Photometric band column (`G`, `BP`, `RP`); without it all points are one band. @default "band" */
  band?: string;
  /** Which bands to draw, when there is a band column. @default all present */
  bands?: string[];
  /**
   * Fold by this period (days): x becomes the phase ((t − epoch) / period) mod 1.
   * @default undefined (plot against time)
   */
  period?: number;
  /** Time of phase zero when folding, same unit as `time`. @default 0 */
  epoch?: number;
  /** Phase cycles drawn when folding (1 or 2; 2 repeats the curve to show its shape across phase 1). @default 2 */
  cycles?: 1 | 2;
  /**
   * When the data holds several sources (a `source_id` column with more
   * than one value), the one to draw. Required then.
   */
  sourceId?: bigint | number | string;
  /** Leave out points flagged `rejected_by_photometry` or `rejected_by_variability`. @default true */
  dropRejected?: boolean;
  /** Draw error bars from `flux`/`flux_error` (σ_mag ≈ 1.0857 σ_F / F). @default false */
  errorBars?: boolean;
  /** Dot radius in pixels. @default 2.5 */
  r?: number;
}

const BAND_ORDER = ["G", "BP", "RP"];
const BAND_COLOURS = ["#333333", "#1f77b4", "#d62728"];

/**
 * Draws a light curve (magnitude against time, bright up) per band, or the
 * light curve folded by a period. Takes the epoch photometry product of one
 * source (one row per observation: `time`, `band`, `mag`, ...) or a table
 * of many sources with `sourceId` naming the one to draw.
 *
 * @param data An epoch photometry table (Arrow, query result or product with `.table`, Polars, records).
 * @param options See {@linkcode LightCurveOptions}.
 * @returns The chart.
 *
 * @example A folded RR Lyrae-like curve
 * ```ts
 * import { lightCurve } from "./light_curve.ts";
 * const obs = Array.from({ length: 40 }, (_, i) => {
 *   const t = 1700 + i * 3.7;
 *   return { time: t, band: "G", mag: 15 + 0.4 * Math.sin((2 * Math.PI * t) / 0.56) };
 * });
 * const chart = lightCurve(obs, { period: 0.56 });
 * if (!chart.toString().includes("folded")) throw new Error(chart.toString());
 * ```
 */
export function lightCurve(data: TableInput, options: LightCurveOptions = {}): Chart {
  const where = "lightCurve()";
  const cols = columnsOf(data, where);
  const tName = options.time ?? "time", mName = options.mag ?? "mag";
  if (!cols.has(tName)) throw new ColumnNotFoundError(where, tName, cols.names, "time");
  if (!cols.has(mName)) throw new ColumnNotFoundError(where, mName, cols.names, "mag");
  positive(where, "period", options.period);
  const cycles = options.cycles ?? 2;
  if (cycles !== 1 && cycles !== 2) {
    throw new RangeError(`${where}: cycles must be 1 or 2, got ${JSON.stringify(cycles)}`);
  }
  const t = cols.numbers(tName), m = cols.numbers(mName);
  const bName = options.band ?? "band";
  const band = cols.has(bName) ? cols.strings(bName) : undefined;
  const keep = selectRows(cols, where, options, band);
  const flux = options.errorBars && cols.has("flux") ? cols.numbers("flux") : undefined;
  const fluxErr = options.errorBars && cols.has("flux_error")
    ? cols.numbers("flux_error")
    : undefined;
  if (options.errorBars && (!flux || !fluxErr)) {
    throw new ColumnNotFoundError(where, flux ? "flux_error" : "flux", cols.names);
  }
  const xs: number[] = [],
    ys: number[] = [],
    bs: string[] = [],
    lo: number[] = [],
    hi: number[] = [];
  const period = options.period, epoch = options.epoch ?? 0;
  for (const i of keep) {
    if (!Number.isFinite(t[i]) || !Number.isFinite(m[i])) continue;
    const b = band ? band[i] : "G";
    const err = flux && fluxErr ? 1.0857362047581294 * fluxErr[i] / flux[i] : 0;
    const xsOf = period === undefined ? [t[i]] : phases(t[i], period, epoch, cycles);
    for (const x of xsOf) {
      xs.push(x);
      ys.push(m[i]);
      bs.push(b);
      lo.push(m[i] - err);
      hi.push(m[i] + err);
    }
  }
  const present = [...new Set(bs)];
  const domain = [
    ...BAND_ORDER.filter((b) => present.includes(b)),
    ...present.filter((b) => !BAND_ORDER.includes(b)).sort(),
  ];
  const range = domain.map((b, k) =>
    BAND_COLOURS[BAND_ORDER.indexOf(b)] ?? ["#2ca02c", "#9467bd", "#8c564b"][k % 3]
  );
  const n = xs.length;
  const plot = baseOptions(options, { height: 360 });
  plot.x = period === undefined ? { label: axisLabel(cols, tName), grid: true } : {
    label: `phase (period ${Number(period.toPrecision(7))} d)`,
    domain: [0, cycles],
    grid: true,
  };
  plot.y = { label: axisLabel(cols, mName), reverse: true, grid: true, nice: true };
  plot.color = { domain, range, legend: domain.length > 1 };
  const x = Float64Array.from(xs), y = Float64Array.from(ys);
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#ccc" })];
  if (options.errorBars) {
    marks.push(
      Plot.ruleX(indexData(n), {
        x,
        y1: Float64Array.from(lo),
        y2: Float64Array.from(hi),
        stroke: bs,
        strokeOpacity: 0.5,
      }),
    );
  }
  marks.push(
    Plot.dot(indexData(n), {
      x,
      y,
      fill: bs,
      r: options.r ?? 2.5,
      stroke: null,
      fillOpacity: 0.85,
    }),
  );
  plot.marks = marks;
  const what = period === undefined ? "" : `, folded at ${Number(period.toPrecision(7))} d`;
  const summary = `${count(n / (period === undefined ? 1 : cycles))} observations in ${
    domain.join(", ") || "no band"
  }${what}`;
  return Chart.render(mergePlot(plot, options.plot), { kind: "lightCurve", summary });
}

function phases(t: number, period: number, epoch: number, cycles: number): number[] {
  let p = ((t - epoch) / period) % 1;
  if (p < 0) p += 1;
  return cycles === 2 ? [p, p + 1] : [p];
}

function selectRows(
  cols: Columns,
  where: string,
  o: LightCurveOptions,
  band: string[] | undefined,
): number[] {
  const n = cols.length;
  let ids: string[] | undefined;
  if (cols.has("source_id")) {
    ids = cols.strings("source_id");
    const distinct = new Set(ids);
    if (o.sourceId === undefined && distinct.size > 1) {
      const some = [...distinct].slice(0, 3).join(", ");
      throw new RangeError(
        `${where}: the data holds ${distinct.size} sources (${some}, ...); pass {sourceId: ...} to choose the one to draw`,
      );
    }
    if (o.sourceId !== undefined && !distinct.has(String(o.sourceId))) {
      throw new RangeError(
        `${where}: source_id ${String(o.sourceId)} is not in the data (${distinct.size} sources)`,
      );
    }
  } else if (o.sourceId !== undefined) {
    throw new ColumnNotFoundError(where, "source_id", cols.names);
  }
  const want = o.sourceId !== undefined ? String(o.sourceId) : undefined;
  const bands = o.bands ? new Set(o.bands) : undefined;
  const drop = o.dropRejected ?? true;
  const rej1 = drop && cols.has("rejected_by_photometry")
    ? cols.numbers("rejected_by_photometry")
    : undefined;
  const rej2 = drop && cols.has("rejected_by_variability")
    ? cols.numbers("rejected_by_variability")
    : undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (want !== undefined && ids![i] !== want) continue;
    if (bands && band && !bands.has(band[i])) continue;
    if (rej1 && rej1[i] === 1) continue;
    if (rej2 && rej2[i] === 1) continue;
    out.push(i);
  }
  return out;
}
