/**
 * Observable Plot recipes for Gaia data: each takes `(data, options)`, where
 * data is an Arrow table, a query result (anything with `.table`), a Polars
 * DataFrame or an array of records, and returns a {@linkcode Chart} that
 * displays inline in Jupyter and saves to SVG or HTML.
 *
 * @example
 * ```ts
 * import { plots } from "./mod.ts";
 * const chart = plots.histogram([{ g: 12 }, { g: 13 }], { column: "g" });
 * if (!chart.toSVG().includes("<rect")) throw new Error("no bars");
 * ```
 *
 * @module
 */
import { hrDiagram } from "./hr_diagram.ts";
import { skyMap } from "./sky_map.ts";
import { properMotion } from "./proper_motion.ts";
import { histogram } from "./histogram.ts";
import { lightCurve } from "./light_curve.ts";
import { xpSpectrum } from "./xp_spectrum.ts";
import { rvsSpectrum } from "./rvs_spectrum.ts";

export { Chart, type ChartInfo, type PlotOptions } from "./chart.ts";
export { type ChartOptions, DENSITY_THRESHOLD, type PointMode } from "./common.ts";
export { hrDiagram, type HrDiagramOptions } from "./hr_diagram.ts";
export { skyMap, type SkyMapOptions } from "./sky_map.ts";
export { properMotion, type ProperMotionOptions } from "./proper_motion.ts";
export { histogram, type HistogramOptions } from "./histogram.ts";
export { lightCurve, type LightCurveOptions } from "./light_curve.ts";
export { XP_SAMPLED_GRID, xpSpectrum, type XpSpectrumOptions } from "./xp_spectrum.ts";
export { RVS_GRID, rvsSpectrum, type RvsSpectrumOptions } from "./rvs_spectrum.ts";
export { type SpectrumOptions, type WavelengthGrid } from "./spectrum.ts";
export {
  equatorialToGalactic,
  project,
  projectionExtent,
  type SkyProjection,
} from "./projections.ts";

/** The recipes as one namespace: `plots.hrDiagram(result)`. */
export const plots = {
  hrDiagram,
  skyMap,
  properMotion,
  histogram,
  lightCurve,
  xpSpectrum,
  rvsSpectrum,
} as const;
