/**
 * Gaia RVS mean spectra.
 *
 * @module
 */
import type { TableInput } from "../table_like.ts";
import type { Chart } from "./chart.ts";
import { spectrumChart, type SpectrumOptions, type WavelengthGrid } from "./spectrum.ts";

/** Options of {@linkcode rvsSpectrum}. */
export type RvsSpectrumOptions = SpectrumOptions;

/** The RVS mean spectrum grid of Gaia DR3: 846 to 870 nm in 0.01 nm steps (2 401 samples). */
export const RVS_GRID: WavelengthGrid = { start: 846, step: 0.01, count: 2401 };

/**
 * Draws RVS mean spectra (the RVS product): continuum-normalised flux
 * against wavelength around the calcium triplet (846–870 nm), one line per
 * source, the error as a band. Accepts the tidy product (rows of
 * `wavelength`, `flux`, `flux_error`) or flux arrays on the standard grid.
 *
 * @param data An RVS table (Arrow, product or query result with `.table`, Polars, records).
 * @param options See {@linkcode SpectrumOptions}.
 * @returns The chart.
 *
 * @example Flux arrays on the standard grid
 * ```ts
 * import { rvsSpectrum } from "./rvs_spectrum.ts";
 * const flux = Array.from({ length: 2401 }, (_, k) => 1 - 0.5 * Math.exp(-(((846 + k * 0.01) - 854.2) ** 2) / 0.02));
 * const chart = rvsSpectrum([{ source_id: 1n, flux }], { error: "" });
 * if (!chart.toString().includes("1 source, 2 401 samples")) throw new Error(chart.toString());
 * ```
 */
export function rvsSpectrum(data: TableInput, options: RvsSpectrumOptions = {}): Chart {
  return spectrumChart("rvsSpectrum", data, options, RVS_GRID, "normalised flux");
}
