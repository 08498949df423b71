/**
 * All-sky maps in Hammer, Aitoff or Mollweide projection.
 *
 * @module
 */
import { Plot } from "./observable_plot.ts";
import { ColumnNotFoundError, columnsOf, type TableInput } from "../table_like.ts";
import { Chart } from "./chart.ts";
import {
  baseOptions,
  type ChartOptions,
  count,
  finiteRows,
  indexData,
  mergePlot,
  type PointMode,
  resolveMode,
  take,
} from "./common.ts";
import {
  equatorialToGalactic,
  project,
  projectionExtent,
  type SkyProjection,
} from "./projections.ts";

/** Options of {@linkcode skyMap}. */
export interface SkyMapOptions extends ChartOptions {
  /** The projection. @default "hammer" */
  projection?: SkyProjection;
  /**
   * The frame drawn: `equatorial` (RA, Dec) or `galactic` (l, b). Galactic
   * coordinates come from the `l`/`b` columns when present, else are
   * computed from RA/Dec.
   * @default "equatorial"
   */
  frame?: "equatorial" | "galactic";
  /** Right ascension column (degrees). @default "ra" */
  ra?: string;
  /** Declination column (degrees). @default "dec" */
  dec?: string;
  /** Galactic longitude column (degrees), used in the galactic frame if present. @default "l" */
  l?: string;
  /** Galactic latitude column (degrees). @default "b" */
  b?: string;
  /** Longitude at the centre of the map, in degrees. @default 0 */
  center?: number;
  /** A numeric column to colour by (its mean per bin for density). @default undefined (one colour) */
  colorBy?: string;
  /** Colour scheme for `colorBy` or density. @default "viridis" */
  scheme?: Plot.ColorScheme;
  /** Dots, or density (hexagonal bins) above `densityThreshold` points. @default "auto" */
  mode?: PointMode;
  /** Points above which `mode: "auto"` draws density. @default 5000 */
  densityThreshold?: number;
  /** Dot radius in pixels. @default 1.5 */
  r?: number;
  /** Hexagon size in pixels for density. @default 6 */
  binWidth?: number;
  /** Graticule spacing in degrees (0 for none). @default 30 */
  graticule?: number;
}

/**
 * Draws positions on the whole sky, longitude increasing to the left, with
 * a graticule and the map's outline. Large sets become a density map
 * (hexagonal bins coloured by count, or by the mean of `colorBy`).
 *
 * @param data An Arrow table, a query result, a Polars DataFrame or records.
 * @param options See {@linkcode SkyMapOptions}.
 * @returns The chart.
 *
 * @example A galactic Mollweide map coloured by magnitude
 * ```ts
 * import { skyMap } from "./sky_map.ts";
 * const stars = [
 *   { ra: 266.4, dec: -28.9, phot_g_mean_mag: 12 },
 *   { ra: 83.8, dec: -5.4, phot_g_mean_mag: 9 },
 * ];
 * const chart = skyMap(stars, { frame: "galactic", projection: "mollweide", colorBy: "phot_g_mean_mag" });
 * if (!chart.toSVG().includes("<circle")) throw new Error("no dots");
 * ```
 */
export function skyMap(data: TableInput, options: SkyMapOptions = {}): Chart {
  const where = "skyMap()";
  const cols = columnsOf(data, where);
  const projection = options.projection ?? "hammer";
  const frame = options.frame ?? "equatorial";
  if (frame !== "equatorial" && frame !== "galactic") {
    throw new RangeError(
      `${where}: frame must be "equatorial" or "galactic", got ${JSON.stringify(frame)}`,
    );
  }
  let lon: Float64Array, lat: Float64Array;
  const lName = options.l ?? "l", bName = options.b ?? "b";
  if (frame === "galactic" && cols.has(lName) && cols.has(bName)) {
    lon = cols.numbers(lName);
    lat = cols.numbers(bName);
  } else {
    const raName = options.ra ?? "ra", decName = options.dec ?? "dec";
    if (!cols.has(raName)) throw new ColumnNotFoundError(where, raName, cols.names, "ra");
    if (!cols.has(decName)) throw new ColumnNotFoundError(where, decName, cols.names, "dec");
    lon = cols.numbers(raName);
    lat = cols.numbers(decName);
    if (frame === "galactic") ({ l: lon, b: lat } = equatorialToGalactic(lon, lat));
  }
  const center = options.center ?? 0;
  const p = project(lon, lat, projection, center);
  const colourAll = options.colorBy !== undefined
    ? (cols.has(options.colorBy) ? cols.numbers(options.colorBy) : (() => {
      throw new ColumnNotFoundError(where, options.colorBy!, cols.names, "colorBy");
    })())
    : undefined;
  const rows = colourAll ? finiteRows(p.x, p.y, colourAll) : finiteRows(p.x, p.y);
  const x = take(p.x, rows), y = take(p.y, rows);
  const colour = colourAll ? take(colourAll, rows) : undefined;
  const mode = resolveMode(options.mode, rows.length, options.densityThreshold);
  const ext = projectionExtent(projection);
  const width = options.width ?? 720;
  const plot = baseOptions(options, { height: Math.round(width / 2) + 20, width });
  plot.margin = 10;
  plot.x = { domain: [-ext.x, ext.x], axis: null };
  plot.y = { domain: [-ext.y, ext.y], axis: null };
  const marks: Plot.Markish[] = [];
  const outline = boundary(projection);
  marks.push(
    Plot.line(indexData(outline.x.length), {
      x: outline.x,
      y: outline.y,
      fill: "#f7f7f7",
      stroke: "#999",
    }),
  );
  const step = options.graticule ?? 30;
  if (step > 0) {
    const g = graticule(projection, step);
    marks.push(
      Plot.line(indexData(g.x.length), {
        x: g.x,
        y: g.y,
        z: g.z,
        stroke: "#ccc",
        strokeWidth: 0.6,
      }),
    );
  }
  const scheme: Plot.ColorScheme = options.scheme ?? "viridis";
  if (mode === "density") {
    marks.push(
      Plot.dot(
        indexData(rows.length),
        Plot.hexbin(colour ? { fill: "mean" } : { fill: "count" }, {
          x,
          y,
          ...(colour ? { fill: colour } : {}),
          binWidth: options.binWidth ?? 6,
          symbol: "hexagon",
        }),
      ),
    );
    plot.color = colour ? { scheme, legend: false } : { type: "log", scheme, legend: false };
  } else {
    marks.push(
      Plot.dot(indexData(rows.length), {
        x,
        y,
        r: options.r ?? 1.5,
        fill: colour ?? "#1f4e79",
        stroke: null,
      }),
    );
    if (colour) plot.color = { scheme, legend: false };
  }
  if (step > 0) {
    // Longitude labels along the equator, drawn over the data with a white halo.
    const labels = graticuleLabels(projection, step, center, frame);
    marks.push(
      Plot.text(labels.text, {
        x: labels.x,
        y: labels.y,
        text: (d: string) => d,
        fill: "#555",
        stroke: "white",
        strokeWidth: 3,
        fontSize: 9,
        dy: -5,
      }),
    );
  }
  plot.marks = marks;
  if (options.caption === undefined) {
    const by = options.colorBy
      ? `, colour: ${options.colorBy}`
      : mode === "density"
      ? ", colour: count"
      : "";
    plot.caption = `${
      frame === "galactic" ? "Galactic (l, b)" : "Equatorial (RA, Dec)"
    }, ${projection}${by}`;
  }
  const summary = `${count(rows.length)} of ${
    count(cols.length)
  } positions, ${frame}, ${projection}${mode === "density" ? ", density" : ""}`;
  return Chart.render(mergePlot(plot, options.plot), { kind: "skyMap", summary });
}

function boundary(projection: SkyProjection): { x: Float64Array; y: Float64Array } {
  const n = 181;
  const lon = new Float64Array(2 * n + 1), lat = new Float64Array(2 * n + 1);
  for (let i = 0; i < n; i++) {
    lon[i] = 179.9999;
    lat[i] = -90 + i;
    lon[n + i] = -179.9999;
    lat[n + i] = 90 - i;
  }
  lon[2 * n] = lon[0];
  lat[2 * n] = lat[0];
  return project(lon, lat, projection, 0);
}

function graticule(
  projection: SkyProjection,
  step: number,
): { x: Float64Array; y: Float64Array; z: Int32Array } {
  const lon: number[] = [], lat: number[] = [], z: number[] = [];
  let k = 0;
  for (let b = -90 + step; b < 90; b += step) {
    for (let l = -180; l <= 180; l += 2) {
      lon.push(Math.max(-179.9999, Math.min(179.9999, l)));
      lat.push(b);
      z.push(k);
    }
    k++;
  }
  for (let l = -180 + step; l < 180; l += step) {
    for (let b = -90; b <= 90; b += 2) {
      lon.push(l);
      lat.push(b);
      z.push(k);
    }
    k++;
  }
  const p = project(lon, lat, projection, 0);
  return { x: p.x, y: p.y, z: Int32Array.from(z) };
}

function graticuleLabels(projection: SkyProjection, step: number, center: number, frame: string) {
  const lon: number[] = [], text: string[] = [];
  for (let l = -180 + step; l < 180; l += step) {
    lon.push(l);
    const v = ((l + center) % 360 + 360) % 360;
    text.push(frame === "equatorial" && step % 15 === 0 ? `${v / 15}h` : `${v}°`);
  }
  const p = project(lon, lon.map(() => 0), projection, 0);
  return { x: p.x, y: p.y, text };
}
