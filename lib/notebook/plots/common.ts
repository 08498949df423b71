/**
 * Options and small helpers shared by the Plot recipes.
 *
 * @module
 */
import type { Columns } from "../table_like.ts";
import type { PlotOptions } from "./chart.ts";

/** Options every recipe accepts, passed on to Observable Plot. */
export interface ChartOptions {
  /** Width in pixels. @default 640 */
  width?: number;
  /** Height in pixels. @default depends on the recipe */
  height?: number;
  /** A title above the chart (makes Plot return a `<figure>`). */
  title?: string;
  /** A subtitle under the title. */
  subtitle?: string;
  /** A caption under the chart. */
  caption?: string;
  /** Any further Plot options, merged last (e.g. `{ grid: true }`, `{ x: { domain: [0, 2] } }`). */
  plot?: Partial<PlotOptions>;
}

/** How many points a recipe draws as dots before switching to density in `mode: "auto"`. */
export const DENSITY_THRESHOLD = 5000;

/** Dots for small sets, density (hexagonal bins) for large ones. */
export type PointMode = "auto" | "dots" | "density";

/** Resolves `mode: "auto"` for `n` points. */
export function resolveMode(
  mode: PointMode | undefined,
  n: number,
  threshold = DENSITY_THRESHOLD,
): "dots" | "density" {
  const m = mode ?? "auto";
  if (m === "dots" || m === "density") return m;
  if (m !== "auto") {
    throw new RangeError(`mode must be "auto", "dots" or "density", got ${JSON.stringify(m)}`);
  }
  return n > threshold ? "density" : "dots";
}

/** The Plot options shared by all recipes, with `options.plot` merged last. */
export function baseOptions(
  o: ChartOptions,
  defaults: { height: number; width?: number },
): PlotOptions {
  const out: PlotOptions = {
    width: o.width ?? defaults.width ?? 640,
    height: o.height ?? defaults.height,
    style: { background: "white", fontSize: "11px" },
  };
  if (o.title !== undefined) out.title = o.title;
  if (o.subtitle !== undefined) out.subtitle = o.subtitle;
  if (o.caption !== undefined) out.caption = o.caption;
  return out;
}

/** Merges user Plot options into a recipe's, one level deep for scale objects. */
export function mergePlot(base: PlotOptions, extra: Partial<PlotOptions> | undefined): PlotOptions {
  if (!extra) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? { ...b, ...v } : v;
  }
  return out as PlotOptions;
}

function isPlain(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) &&
    Object.getPrototypeOf(x) === Object.prototype;
}

/** An axis label from a column's name and unit: `parallax (mas)`. */
export function axisLabel(cols: Columns, name: string, label?: string): string {
  if (label !== undefined) return label;
  const unit = cols.has(name) ? cols.meta(name).unit : undefined;
  return unit ? `${name} (${unit})` : name;
}

/** Indices of rows where every array is finite. */
export function finiteRows(...arrays: ArrayLike<number>[]): Uint32Array {
  const n = arrays[0]?.length ?? 0;
  const keep = new Uint32Array(n);
  let m = 0;
  outer: for (let i = 0; i < n; i++) {
    for (const a of arrays) if (!Number.isFinite(a[i])) continue outer;
    keep[m++] = i;
  }
  return keep.slice(0, m);
}

/** Takes the rows `idx` of a numeric array. */
export function take(a: ArrayLike<number>, idx: Uint32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

/** Takes the rows `idx` of any array. */
export function takeAny<T>(a: ArrayLike<T>, idx: Uint32Array): T[] {
  const out = new Array<T>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

/** The `p`-quantile (0..1) of the finite values of `a`. */
export function quantile(a: ArrayLike<number>, p: number): number {
  const v = Float64Array.from(a).filter(Number.isFinite).sort();
  if (!v.length) return NaN;
  const h = (v.length - 1) * p;
  const lo = Math.floor(h);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (h - lo);
}

/** Formats a count with thin grouping, e.g. `12 345`. */
export function count(n: number): string {
  return n.toLocaleString("en-US").replace(/,/g, " ");
}

/** Index data for Plot: marks read channels from the arrays, not from the data rows. */
export function indexData(n: number): { length: number } {
  return { length: n };
}

/** Picks the first column name present from a list of candidates. */
export function pick(cols: Columns, ...candidates: string[]): string | undefined {
  return candidates.find((c) => cols.has(c));
}

/** Throws a RangeError when a number option is not a finite positive number. */
export function positive(where: string, name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
    throw new RangeError(`${where}: ${name} must be a positive number, got ${JSON.stringify(v)}`);
  }
}
