/**
 * Gaia BP/RP (XP) sampled spectra.
 *
 * @module
 */
import type { TableInput } from "../table_like.ts";
import type { Chart } from "./chart.ts";
import { spectrumChart, type SpectrumOptions, type WavelengthGrid } from "./spectrum.ts";

/** Options of {@linkcode xpSpectrum}. */
export type XpSpectrumOptions = SpectrumOptions;

/** The XP_SAMPLED grid of Gaia DR3: 336 to 1020 nm in 2 nm steps (343 samples). */
export const XP_SAMPLED_GRID: WavelengthGrid = { start: 336, step: 2, count: 343 };

/**
 * Draws externally calibrated BP/RP spectra (the XP_SAMPLED product): flux
 * (W m⁻² nm⁻¹) against wavelength (nm), one line per source, the error as a
 * band. Accepts the tidy product (rows of `wavelength`, `flux`,
 * `flux_error`, possibly with `source_id`) or the RAW one (a `flux` array per
 * source, on the standard 343-sample grid).
 *
 * @param data An XP_SAMPLED table (Arrow, product or query result with `.table`, Polars, records).
 * @param options See {@linkcode SpectrumOptions}.
 * @returns The chart.
 *
 * @example A flat spectrum on the standard grid
 * ```ts
 * import { xpSpectrum } from "./xp_spectrum.ts";
 * const rows = Array.from({ length: 343 }, (_, k) => ({ wavelength: 336 + 2 * k, flux: 1e-17, flux_error: 1e-18 }));
 * const chart = xpSpectrum(rows);
 * if (!chart.toString().includes("343 samples")) throw new Error(chart.toString());
 * ```
 */
export function xpSpectrum(data: TableInput, options: XpSpectrumOptions = {}): Chart {
  return spectrumChart("xpSpectrum", data, options, XP_SAMPLED_GRID, "flux (W m⁻² nm⁻¹)");
}
