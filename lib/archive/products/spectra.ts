/**
 * Spectral products: XP_SAMPLED (BP/RP mean spectrum on 343 wavelengths,
 * 336-1020 nm), RVS (normalised mean RVS spectrum, 846-870 nm, 2401
 * samples) and XP_CONTINUOUS (55 Hermite coefficients per band, their
 * errors and the packed correlation matrix), shaped by the source's
 * temperature, brightness and extinction. XP_SAMPLED and RVS follow the
 * IVOA Spectrum DM layout of the archive's files: per-source values as
 * PARAMs, rows per wavelength.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import type { ParamElement } from "../../table/metadata.ts";
import { type ColumnDef, gMinusGrvs, Rng, seedFromId, teffFromColour } from "../catalogue/mod.ts";
import { buildProductTable, GAIA_TIMESYS, type ProductColumn } from "./product_table.ts";
import { num, PRODUCT_SOLUTION_IDS, type ProductType, type SourceRow } from "./types.ts";

const SOURCE_ID_DESC = "Unique source identifier (unique within a particular Data Release)";

/** Wavelength grid of XP_SAMPLED: 336 to 1020 nm every 2 nm (343 samples). */
export const XP_SAMPLED_WAVELENGTHS: Float64Array = Float64Array.from(
  { length: 343 },
  (_, i) => 336 + 2 * i,
);
/** Wavelength grid of RVS: 846 to 870 nm every 0.01 nm (2401 samples). */
export const RVS_WAVELENGTHS: Float64Array = Float64Array.from(
  { length: 2401 },
  (_, i) => Math.round((846 + 0.01 * i) * 100) / 100,
);

/** Temperature used to shape a source's spectra. */
export function sourceTeff(row: SourceRow | undefined): number {
  const t = num(row, "teff_gspphot");
  if (t === t && t > 0) return t;
  const c = num(row, "bp_rp");
  return c === c ? teffFromColour(c - 0.43 * Math.max(0, num(row, "azero_gspphot") || 0)) : 5800;
}

function planck(lambdaNm: number, teff: number): number {
  const l = lambdaNm * 1e-9;
  return 1 / (l ** 5 * (Math.exp(0.0143877735 / (l * teff)) - 1));
}

function spectrumParams(
  sourceId: bigint,
  type: ProductType,
  row: SourceRow | undefined,
  start: number,
  stop: number,
  fluxUnit: string,
): ParamElement[] {
  const ra = num(row, "ra"), dec = num(row, "dec");
  const p = (
    name: string,
    datatype: string,
    value: string,
    description: string,
    extra: Partial<ParamElement> = {},
  ): ParamElement => ({ name, datatype, value, description, ...extra });
  const ch = (
    name: string,
    value: string,
    description: string,
    extra: Partial<ParamElement> = {},
  ) => p(name, "char", value, description, { arraysize: String(value.length), ...extra });
  return [
    p("source_id", "long", String(sourceId), SOURCE_ID_DESC, { ucd: "meta.id;meta.main" }),
    p("solution_id", "long", String(PRODUCT_SOLUTION_IDS[type]), "Solution Identifier", {
      ucd: "meta.version",
    }),
    p("spatialLocation", "double", `${ra} ${dec}`, "Right Ascension and Declination", {
      arraysize: "2",
      ucd: "pos.eq",
      unit: "deg",
      utype: "spec:Char.SpatialAxis.Coverage.Location.Value",
    }),
    p("TimeAxisCoverageLocation", "double", "2016.0", "Reference Epoch", {
      ucd: "time.epoch",
      unit: "yr",
      utype: "spec:Char.TimeAxis.Coverage.Location.Value",
    }),
    p("TimeAxisCoverageBoundsExtent", "double", "2.83", "Total elapsed time", {
      ucd: "time.duration",
      unit: "yr",
      utype: "spec:Char.TimeAxis.Coverage.Bounds.Extent",
    }),
    p("spectralAccuracyStatError", "double", "0.0", "Spectral coordinate measurement error", {
      ucd: "stat.error;em.wl",
      unit: "nm",
      utype: "spec:Char.SpectralAxis.Accuracy.StatError",
    }),
    p("spectralLocation", "double", "0.0", "Spectral coordinate value", {
      ucd: "em.wl;instr.bandpass",
      unit: "nm",
      utype: "spec:Char.SpectralAxis.Coverage.Location.Value",
    }),
    p("spectralCoverageBoundsExtent", "double", (stop - start).toFixed(1), "Spectral bandwidth", {
      ucd: "instr.bandwidth",
      unit: "nm",
      utype: "spec:Char.SpectralAxis.Coverage.Bounds.Extent",
    }),
    p("spectralCoverageBoundsStart", "double", start.toFixed(1), "Spectral coordinate start", {
      ucd: "em.wl;stat.min",
      unit: "nm",
      utype: "spec:Char.SpectralAxis.Coverage.Bounds.Start",
    }),
    p("spectralCoverageBoundsStop", "double", stop.toFixed(1), "Spectral coordinate end", {
      ucd: "em.wl;stat.max",
      unit: "nm",
      utype: "spec:Char.SpectralAxis.Coverage.Bounds.Stop",
    }),
    p(
      "SpatialExtent",
      "double",
      "5.8932666E-4",
      "Spectrum aperture: nominal across-scan window size",
      {
        ucd: "instr.fov",
        unit: "deg",
        utype: "spec:Spectrum.Char.SpatialAxis.Coverage.Bounds.Extent",
      },
    ),
    ch("DataModel", "Spectrum 1.01", "Datamodel name and version.", {
      utype: "spec:Spectrum.DataModel",
    }),
    ch("Publisher", "ESA/Gaia/DPAC", "Dataset publisher", {
      ucd: "meta.curation",
      utype: "spec:Curation.Publisher",
    }),
    ch("Title", "Spectrum", "Dataset title", {
      ucd: "meta.title;meta.dataset",
      utype: "spec:DataID.Title",
    }),
    ch("SpectralAxisUcd", "em.wl", "Spectral coordinate UCD", {
      ucd: "meta.ucd",
      utype: "spec:Spectrum.Char.SpectralAxis.Ucd",
    }),
    ch("SpectralAxisUnit", "nm", "Spectral coordinate unit", {
      ucd: "meta.unit",
      unit: "nm",
      utype: "spec:Spectrum.Char.SpectralAxis.Unit",
    }),
    ch("FluxAxisUcd", "phot.fluence;em.wl", "Flux coordinate UCD", {
      ucd: "meta.ucd",
      utype: "spec:Spectrum.Char.FluxAxis.Ucd",
    }),
    ch("FluxAxisUnit", "Flux value", "Flux coordinate unit", {
      ucd: "meta.unit",
      ...(fluxUnit ? { unit: fluxUnit } : {}),
      utype: "spec:Spectrum.Char.FluxAxis.Unit",
    }),
  ];
}

const XP_FLUX_UNIT = "W.m**-2.nm**-1";

/** FIELDs of XP_SAMPLED (as in the archive's files). */
export const XP_SAMPLED_COLUMNS: ColumnDef[] = [
  {
    name: "wavelength",
    datatype: "double",
    unit: "nm",
    ucd: "em.wl",
    utype: "spec:Data.SpectralAxis.Value",
    description: "wavelength",
  },
  {
    name: "flux",
    datatype: "float",
    unit: XP_FLUX_UNIT,
    ucd: "spect",
    description: "mean BP + RP combined spectrum flux",
  },
  {
    name: "flux_error",
    datatype: "float",
    unit: XP_FLUX_UNIT,
    ucd: "stat.error;spect",
    description: "mean BP + RP combined spectrum flux error",
  },
];

/** FIELDs of RVS. */
export const RVS_COLUMNS: ColumnDef[] = [
  {
    name: "wavelength",
    datatype: "double",
    unit: "nm",
    ucd: "em.wl",
    utype: "spec:Data.SpectralAxis.Value",
    description: "wavelength",
  },
  {
    name: "flux",
    datatype: "float",
    ucd: "spect;arith.ratio",
    description: "mean RVS spectrum normalised flux",
  },
  {
    name: "flux_error",
    datatype: "float",
    ucd: "stat.error;spect",
    description: "mean RVS spectrum normalised flux error",
  },
];

/** Sampled XP mean spectrum fluxes and errors of a source. */
export function xpSampledFlux(
  sourceId: bigint,
  row: SourceRow | undefined,
): { flux: Float32Array; error: Float32Array } {
  const rng = new Rng(seedFromId(sourceId, 21));
  const teff = sourceTeff(row);
  let g = num(row, "phot_g_mean_mag");
  if (!(g === g)) g = 17;
  const a0 = Math.max(0, num(row, "azero_gspphot") || 0);
  const f550 = 3.63e-11 * Math.pow(10, -0.4 * g);
  const b550 = planck(550, teff);
  const wl = XP_SAMPLED_WAVELENGTHS;
  const flux = new Float32Array(wl.length), error = new Float32Array(wl.length);
  const wig = rng.between(0, 2 * Math.PI);
  const noise = 0.004 + 0.01 * Math.pow(10, 0.2 * (g - 17));
  for (let i = 0; i < wl.length; i++) {
    const l = wl[i];
    const ext = Math.pow(10, -0.4 * a0 * (Math.pow(550 / l, 1.3) - 1));
    // instrument-like ripples and the dip between the BP and RP passbands
    const ripple = 1 + 0.02 * Math.sin(l / 23 + wig) - 0.03 * Math.exp(-(((l - 640) / 15) ** 2));
    const edge = 1 + 3 * (Math.exp(-(l - 336) / 12) + Math.exp(-(1020 - l) / 15));
    const f = f550 * (planck(l, teff) / b550) * ext * ripple;
    const e = Math.abs(f) * noise * edge + f550 * 0.002;
    flux[i] = f + e * 0.3 * rng.gauss();
    error[i] = e;
  }
  return { flux, error };
}

/**
 * The XP_SAMPLED product of a source (INDIVIDUAL layout: PARAMs + rows per wavelength).
 *
 * @example
 * ```ts
 * import { xpSampledProduct } from "./spectra.ts";
 * const t = xpSampledProduct(42n, { ra: 10, dec: 20, phot_g_mean_mag: 12, bp_rp: 0.8 });
 * if (t.numRows !== 343 || t.getChild("wavelength")!.get(0) !== 336) throw new Error();
 * ```
 */
export function xpSampledProduct(sourceId: bigint, row: SourceRow | undefined): Table {
  const { flux, error } = xpSampledFlux(sourceId, row);
  const c = XP_SAMPLED_COLUMNS;
  return buildProductTable(343, [
    { def: c[0], values: XP_SAMPLED_WAVELENGTHS },
    { def: c[1], values: flux },
    { def: c[2], values: error },
  ], {
    product: "XP_SAMPLED",
    params: spectrumParams(sourceId, "XP_SAMPLED", row, 336, 1020, XP_FLUX_UNIT),
    timesys: GAIA_TIMESYS,
    resourceUtype: "spec:Spectrum",
  });
}

const CA_LINES = [849.802, 854.209, 866.214];
const PASCHEN = [850.036, 854.538, 859.839, 866.502];
const METAL = [847.48, 851.45, 852.67, 855.38, 857.91, 862.1, 864.7, 868.86];

/** Normalised RVS flux and error of a source. */
export function rvsFlux(
  sourceId: bigint,
  row: SourceRow | undefined,
): { flux: Float32Array; error: Float32Array } {
  const rng = new Rng(seedFromId(sourceId, 31));
  const teff = sourceTeff(row);
  const logg = num(row, "logg_gspphot") || 4;
  let g = num(row, "phot_g_mean_mag");
  if (!(g === g)) g = 12;
  const grp = num(row, "g_rp");
  const grvs = g - gMinusGrvs(grp === grp ? grp : 0.5);
  const sigma = 0.004 + 0.03 * Math.pow(10, 0.4 * (grvs - 12));
  const cool = Math.min(1, Math.max(0, (7500 - teff) / 2500));
  const hot = Math.min(1, Math.max(0, (teff - 7000) / 3000));
  const caDepth = 0.25 + 0.45 * cool + (logg < 3 ? 0.1 : 0);
  const caWidth = 0.12 + 0.25 * cool * (logg > 3.5 ? 1 : 0.6);
  const wl = RVS_WAVELENGTHS;
  const flux = new Float32Array(wl.length), error = new Float32Array(wl.length);
  for (let i = 0; i < wl.length; i++) {
    const l = wl[i];
    let f = 1;
    for (const c of CA_LINES) f *= 1 - caDepth * Math.exp(-(((l - c) / caWidth) ** 2));
    for (const c of PASCHEN) f *= 1 - 0.35 * hot * Math.exp(-(((l - c) / 0.6) ** 2));
    for (const c of METAL) f *= 1 - 0.12 * cool * Math.exp(-(((l - c) / 0.05) ** 2));
    error[i] = sigma;
    flux[i] = f + sigma * rng.gauss();
  }
  return { flux, error };
}

/**
 * The RVS mean spectrum product of a source (PARAMs + rows per wavelength).
 *
 * @example
 * ```ts
 * import { rvsProduct } from "./spectra.ts";
 * const t = rvsProduct(42n, { ra: 1, dec: 2, phot_g_mean_mag: 9, teff_gspphot: 5000 });
 * if (t.numRows !== 2401) throw new Error(String(t.numRows));
 * ```
 */
export function rvsProduct(sourceId: bigint, row: SourceRow | undefined): Table {
  const { flux, error } = rvsFlux(sourceId, row);
  const c = RVS_COLUMNS;
  return buildProductTable(2401, [
    { def: c[0], values: RVS_WAVELENGTHS },
    { def: c[1], values: flux },
    { def: c[2], values: error },
  ], {
    product: "RVS",
    params: spectrumParams(sourceId, "RVS", row, 846, 870, ""),
    timesys: GAIA_TIMESYS,
    resourceUtype: "spec:Spectrum",
  });
}

// ------------------------------------------------------------------------------------------
// XP_CONTINUOUS

const XPC = (
  name: string,
  datatype: ColumnDef["datatype"],
  ucd: string,
  description: string,
  arraysize?: string,
): ColumnDef => ({
  name,
  datatype,
  ucd,
  description,
  ...(arraysize ? { arraysize } : {}),
});

function xpcBand(b: "bp" | "rp", B: "BP" | "RP"): ColumnDef[] {
  return [
    XPC(
      `${b}_basis_function_id`,
      "short",
      "meta.id",
      `Identifier defining the set of basis functions for the ${B} spectrum representation`,
    ),
    XPC(
      `${b}_degrees_of_freedom`,
      "short",
      "stat.fit.dof",
      `Degrees of freedom for the ${B} spectrum representation`,
    ),
    XPC(
      `${b}_n_parameters`,
      "short",
      "stat.fit.param",
      `Number of parameters for the ${B} spectrum representation`,
    ),
    XPC(
      `${b}_n_measurements`,
      "short",
      "meta.number",
      `Number of measurements used for the ${B} spectrum generation`,
    ),
    XPC(
      `${b}_n_rejected_measurements`,
      "short",
      "meta.number",
      `Number of rejected measurements in the ${B} spectrum generation`,
    ),
    XPC(
      `${b}_standard_deviation`,
      "float",
      "stat.stdev",
      `Standard deviation for the ${B} spectrum representation`,
    ),
    XPC(
      `${b}_chi_squared`,
      "float",
      "stat.fit.chi2",
      `Chi squared for the ${B} spectrum representation`,
    ),
    XPC(
      `${b}_coefficients`,
      "double",
      "stat.fit.param",
      `Basis function coefficients for the ${B} spectrum representation`,
      "*",
    ),
    XPC(
      `${b}_coefficient_errors`,
      "float",
      "stat.error",
      `Basis function coefficient errors for the ${B} spectrum representation`,
      "*",
    ),
    XPC(
      `${b}_coefficient_correlations`,
      "float",
      "stat.correlation",
      `Correlation matrix for ${B} coefficients`,
      "*",
    ),
    XPC(
      `${b}_n_relevant_bases`,
      "short",
      "meta.number",
      `Number of bases that are relevant for the representation of this mean ${B} spectrum`,
    ),
    XPC(
      `${b}_relative_shrinking`,
      "float",
      "stat.fit.param",
      `Measure of the relative shrinking of the coefficient vector when truncation is applied for the mean ${B} spectrum`,
    ),
  ];
}

/** Columns of XP_CONTINUOUS (as in the archive's files). */
export const XP_CONTINUOUS_COLUMNS: ColumnDef[] = [
  { name: "source_id", datatype: "long", ucd: "meta.id;meta.main", description: SOURCE_ID_DESC },
  {
    name: "solution_id",
    datatype: "long",
    ucd: "meta.version",
    description: "Solution Identifier",
  },
  ...xpcBand("bp", "BP"),
  ...xpcBand("rp", "RP"),
];

/** Number of Hermite coefficients per band. */
export const XP_N_COEFFICIENTS = 55;

/**
 * The XP_CONTINUOUS product of several sources, one row each (the
 * INDIVIDUAL file of a source is the one-row case).
 *
 * @example
 * ```ts
 * import { xpContinuousProduct } from "./spectra.ts";
 * const t = xpContinuousProduct([{ id: 42n, row: { phot_bp_mean_flux: 1e5, phot_rp_mean_flux: 2e5 } }]);
 * if (t.getChild("bp_coefficient_correlations")!.get(0)!.length !== 1485) throw new Error();
 * ```
 */
export function xpContinuousProduct(sources: { id: bigint; row: SourceRow | undefined }[]): Table {
  const n = sources.length, N = XP_N_COEFFICIENTS, NC = (N * (N - 1)) / 2;
  const cols = new Map<string, ProductColumn>();
  const defs = XP_CONTINUOUS_COLUMNS;
  const off = (k: number) => Int32Array.from({ length: n + 1 }, (_, i) => i * k);
  for (const d of defs) {
    const arr = d.arraysize === "*";
    const len = arr ? n * (d.name.endsWith("correlations") ? NC : N) : n;
    const values = d.datatype === "long"
      ? new BigInt64Array(len)
      : d.datatype === "short"
      ? new Int16Array(len)
      : d.datatype === "double"
      ? new Float64Array(len)
      : new Float32Array(len);
    cols.set(d.name, {
      def: d,
      values,
      ...(arr ? { offsets: off(d.name.endsWith("correlations") ? NC : N) } : {}),
    });
  }
  const v = <T>(name: string) => cols.get(name)!.values as T;
  sources.forEach(({ id, row }, i) => {
    v<BigInt64Array>("source_id")[i] = id;
    v<BigInt64Array>("solution_id")[i] = PRODUCT_SOLUTION_IDS.XP_CONTINUOUS;
    const rng = new Rng(seedFromId(id, 41));
    const teff = sourceTeff(row);
    const nTr = Math.max(10, Math.round(num(row, "phot_bp_n_obs") || 30));
    for (
      const [b, fluxName, basis] of [["bp", "phot_bp_mean_flux", 56], [
        "rp",
        "phot_rp_mean_flux",
        57,
      ]] as const
    ) {
      let f = num(row, fluxName);
      if (!(f === f)) f = 1e4;
      const nMeas = Math.min(32000, nTr * 42 + rng.int(40));
      const nRej = rng.int(8);
      v<Int16Array>(`${b}_basis_function_id`)[i] = basis;
      v<Int16Array>(`${b}_n_parameters`)[i] = N;
      v<Int16Array>(`${b}_n_measurements`)[i] = nMeas;
      v<Int16Array>(`${b}_n_rejected_measurements`)[i] = nRej;
      v<Int16Array>(`${b}_degrees_of_freedom`)[i] = nMeas - nRej - N;
      const sd = rng.between(0.9, 1.3);
      v<Float32Array>(`${b}_standard_deviation`)[i] = sd;
      v<Float32Array>(`${b}_chi_squared`)[i] = (nMeas - nRej - N) * sd * sd;
      v<Int16Array>(`${b}_n_relevant_bases`)[i] = 20 + rng.int(36);
      v<Float32Array>(`${b}_relative_shrinking`)[i] = rng.between(0.001, 0.05);
      // coefficients: a dominant first term scaled with the band flux, alternating and
      // decaying terms whose pattern shifts with temperature
      const coef = v<Float64Array>(`${b}_coefficients`),
        err = v<Float32Array>(`${b}_coefficient_errors`);
      const corr = v<Float32Array>(`${b}_coefficient_correlations`);
      const a = f / 30, tShape = (teff - 5800) / 3000;
      const errScale = 0.6 + Math.sqrt(f) / 600;
      for (let k = 0; k < N; k++) {
        const decay = Math.exp(-k / (k < 3 ? 1.5 : 6));
        const sign = k % 2 ? -1 : 1;
        const mean = k === 0
          ? a
          : a * 0.12 * decay * sign * (1 + (b === "bp" ? tShape : -tShape) * (k === 1 ? 1 : 0.3));
        const e = errScale * (1 + 0.3 * rng.uniform()) * (1 - 0.5 * (k / N));
        err[i * N + k] = e;
        coef[i * N + k] = mean + e * rng.gauss();
      }
      // packed strict lower triangle (row-major) of r_jk = rho^|j-k|, a valid correlation matrix
      const rho = rng.between(-0.4, -0.1);
      let p = i * NC;
      for (let j = 1; j < N; j++) for (let k = 0; k < j; k++) corr[p++] = Math.pow(rho, j - k);
    }
  });
  return buildProductTable(n, defs.map((d) => cols.get(d.name)!), {
    product: "XP_CONTINUOUS",
    timesys: GAIA_TIMESYS,
    resourceUtype: "spec:Spectrum",
  });
}
