/**
 * EPOCH_PHOTOMETRY products: the INDIVIDUAL/COMBINED layout (one row per
 * transit and band: `source_id, transit_id, band, time, mag, flux,
 * flux_error, flux_over_error, rejected_by_photometry,
 * rejected_by_variability, other_flags, solution_id`) and the RAW layout
 * of the `gaiadr3.epoch_photometry` datamodel (one row per source, one
 * array per band and quantity).
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { type ColumnDef, simulateEpochPhotometry } from "../catalogue/mod.ts";
import { buildProductTable, GAIA_TIMESYS, type ProductColumn } from "./product_table.ts";
import { num, PRODUCT_SOLUTION_IDS, type SourceRow } from "./types.ts";

const SOURCE_ID: ColumnDef = {
  name: "source_id",
  datatype: "long",
  ucd: "meta.id;meta.main",
  description: "Unique source identifier (unique within a particular Data Release)",
};
const SOLUTION_ID: ColumnDef = {
  name: "solution_id",
  datatype: "long",
  ucd: "meta.version",
  description: "Solution Identifier",
};
const FLUX_UNIT = "e-/s";

/**
 * Columns of the INDIVIDUAL/COMBINED epoch photometry product, as in a
 * real DR3 DataLink file (names, order, datatypes, units, UCDs).
 */
export const EPOCH_PHOTOMETRY_COLUMNS: ColumnDef[] = [
  SOURCE_ID,
  {
    name: "transit_id",
    datatype: "long",
    ucd: "meta.version",
    description:
      "Transit unique identifier. For a given object, a transit comprises the different Gaia observations (SM, AF, BP, RP and RVS) obtained for each focal plane crossing.",
  },
  {
    name: "band",
    datatype: "char",
    arraysize: "*",
    ucd: "instr.bandpass",
    utype: "ssa:DataID.Bandpass",
    description:
      "Photometric band. Values: G (per-transit combined SM-AF flux), BP (blue photometer integrated flux) and RP (red photometer integrated flux).",
  },
  {
    name: "time",
    datatype: "double",
    unit: "d",
    ucd: "time.epoch",
    utype: "spec:Spectrum.Data.TimeAxis.Value",
    description:
      "Different times are defined for each band. For G, it is the field-of-view transit averaged observation time. For BP and RP, it is the observation time of the BP CCD transit. The units are Barycentric JD (in TCB) in days -2,455,197.5.",
  },
  {
    name: "mag",
    datatype: "double",
    unit: "mag",
    ucd: "phot.mag;em.opt",
    description:
      "Vega magnitude, computed from the flux applying the zero-point defined in ExtPhotZeroPoint.",
  },
  {
    name: "flux",
    datatype: "double",
    unit: FLUX_UNIT,
    ucd: "em.opt;phot.flux;stat.mean",
    utype: "spec:Spectrum.Data.SpectralAxis.Value",
    description:
      "Band flux value for the transit. For G band, it is a combination of individual SM-AF CCD fluxes. For BP and RP bands, it is an integrated CCD flux.",
  },
  {
    name: "flux_error",
    datatype: "double",
    unit: FLUX_UNIT,
    ucd: "em.opt;phot.flux;stat.error",
    description:
      "Flux error. If the flux has been rejected or is unavailable, this error will be set to null.",
  },
  {
    name: "flux_over_error",
    datatype: "float",
    ucd: "em.opt;phot.flux;stat.error",
    description:
      "Band flux divided by its error. If the flux has been rejected or is unavailable, this field will be set to null.",
  },
  {
    name: "rejected_by_photometry",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Rejected by DPAC photometry processing.",
  },
  {
    name: "rejected_by_variability",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Rejected by DPAC variability processing (or variability analysis).",
  },
  {
    name: "other_flags",
    datatype: "long",
    ucd: "meta.code.status",
    description: "Additional photometric flags (bit mask).",
  },
  {
    name: "solution_id",
    datatype: "long",
    ucd: "meta.version",
    description: "Solution Identifier",
  },
];

/** The VOTable DESCRIPTION of epoch photometry files. */
export const EPOCH_PHOTOMETRY_DESCRIPTION =
  "Epoch photometry. This table contains light curve data points. Each entry is a photometric flux-time pair for a given object, band and time. It follows the (evolving) VO convention for time series as much as possible.";

const BANDS = ["G", "BP", "RP"];

function series(sourceId: bigint, row: SourceRow | undefined) {
  return simulateEpochPhotometry(
    sourceId,
    num(row, "phot_g_mean_mag"),
    num(row, "phot_bp_mean_mag"),
    num(row, "phot_rp_mean_mag"),
  );
}

/**
 * The epoch photometry of a source, one row per transit and band
 * (INDIVIDUAL layout). With `validData`, rows with a NULL flux or
 * `rejected_by_photometry` are dropped, as `VALID_DATA=TRUE` does.
 *
 * @example
 * ```ts
 * import { epochPhotometryProduct } from "./epoch_photometry.ts";
 * const t = epochPhotometryProduct(8000n, { phot_g_mean_mag: 15, phot_bp_mean_mag: 15.4, phot_rp_mean_mag: 14.5 });
 * if (t.getChild("band")!.get(0) !== "G" || t.numRows < 120) throw new Error(String(t.numRows));
 * ```
 */
export function epochPhotometryProduct(
  sourceId: bigint,
  row: SourceRow | undefined,
  validData = false,
): Table {
  const s = series(sourceId, row);
  const n = s.transitId.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < 3; b++) {
      if (validData && (s.flux[b][i] !== s.flux[b][i] || s.rejectedByPhotometry[b][i])) continue;
      keep.push(i * 3 + b);
    }
  }
  const m = keep.length;
  const sid = new BigInt64Array(m).fill(sourceId);
  const tid = new BigInt64Array(m), other = new BigInt64Array(m);
  const band: string[] = new Array(m);
  const time = new Float64Array(m), mag = new Float64Array(m), flux = new Float64Array(m);
  const err = new Float64Array(m), foe = new Float32Array(m);
  const rph = new Uint8Array(m), rva = new Uint8Array(m);
  for (let k = 0; k < m; k++) {
    const i = Math.floor(keep[k] / 3), b = keep[k] % 3;
    tid[k] = s.transitId[i];
    other[k] = s.otherFlags[i];
    band[k] = BANDS[b];
    time[k] = s.time[b][i];
    mag[k] = s.mag[b][i];
    flux[k] = s.flux[b][i];
    rph[k] = s.rejectedByPhotometry[b][i];
    // as in DR3: a rejected flux keeps its value but has no error
    err[k] = rph[k] ? NaN : s.fluxError[b][i];
    foe[k] = rph[k] ? NaN : s.flux[b][i] / s.fluxError[b][i];
    rva[k] = s.rejectedByVariability[b][i];
  }
  const c = EPOCH_PHOTOMETRY_COLUMNS;
  const cols: ProductColumn[] = [
    { def: c[0], values: sid },
    { def: c[1], values: tid },
    { def: c[2], values: band },
    { def: c[3], values: time },
    { def: c[4], values: mag },
    { def: c[5], values: flux },
    { def: c[6], values: err },
    { def: c[7], values: foe },
    { def: c[8], values: rph },
    { def: c[9], values: rva },
    { def: c[10], values: other },
    { def: c[11], values: new BigInt64Array(m).fill(PRODUCT_SOLUTION_IDS.EPOCH_PHOTOMETRY) },
  ];
  return buildProductTable(m, cols, {
    product: "EPOCH_PHOTOMETRY",
    timesys: GAIA_TIMESYS,
    description: EPOCH_PHOTOMETRY_DESCRIPTION,
  });
}

const arr = (
  name: string,
  datatype: ColumnDef["datatype"],
  description: string,
  unit?: string,
  ucd?: string,
): ColumnDef => ({
  name,
  datatype,
  arraysize: "*",
  description,
  ...(unit ? { unit } : {}),
  ...(ucd ? { ucd } : {}),
});

/** Columns of the RAW epoch photometry product (`gaiadr3.epoch_photometry` datamodel, subset). */
export const EPOCH_PHOTOMETRY_RAW_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  { name: "n_transits", datatype: "short", ucd: "meta.number", description: "Number of transits" },
  arr("transit_id", "long", "Transit unique identifier", undefined, "meta.id"),
  arr(
    "g_transit_time",
    "double",
    "Transit averaged G band observing time (BJD - 2455197.5 days)",
    "d",
    "time.epoch",
  ),
  arr("g_transit_flux", "double", "Transit averaged G band flux", FLUX_UNIT, "phot.flux;em.opt"),
  arr(
    "g_transit_flux_error",
    "double",
    "Transit averaged G band flux error",
    FLUX_UNIT,
    "stat.error;phot.flux;em.opt",
  ),
  arr(
    "g_transit_flux_over_error",
    "float",
    "Transit averaged G band flux divided by its error",
    undefined,
    "stat.snr",
  ),
  arr(
    "g_transit_mag",
    "double",
    "Transit averaged G band Vega magnitude",
    "mag",
    "phot.mag;em.opt",
  ),
  arr(
    "bp_obs_time",
    "double",
    "BP CCD transit observing time (BJD - 2455197.5 days)",
    "d",
    "time.epoch",
  ),
  arr("bp_flux", "double", "BP band flux", FLUX_UNIT, "phot.flux;em.opt.B"),
  arr("bp_flux_error", "double", "BP band flux error", FLUX_UNIT, "stat.error;phot.flux;em.opt.B"),
  arr("bp_flux_over_error", "float", "BP band flux divided by its error", undefined, "stat.snr"),
  arr("bp_mag", "double", "BP band Vega magnitude", "mag", "phot.mag;em.opt.B"),
  arr(
    "rp_obs_time",
    "double",
    "RP CCD transit observing time (BJD - 2455197.5 days)",
    "d",
    "time.epoch",
  ),
  arr("rp_flux", "double", "RP band flux", FLUX_UNIT, "phot.flux;em.opt.R"),
  arr("rp_flux_error", "double", "RP band flux error", FLUX_UNIT, "stat.error;phot.flux;em.opt.R"),
  arr("rp_flux_over_error", "float", "RP band flux divided by its error", undefined, "stat.snr"),
  arr("rp_mag", "double", "RP band Vega magnitude", "mag", "phot.mag;em.opt.R"),
  arr(
    "photometry_flag_bp_reject",
    "boolean",
    "BP observation rejected by the photometric processing",
    undefined,
    "meta.code.qual",
  ),
  arr(
    "photometry_flag_rp_reject",
    "boolean",
    "RP observation rejected by the photometric processing",
    undefined,
    "meta.code.qual",
  ),
  arr(
    "variability_flag_g_reject",
    "boolean",
    "Rejected G FoV transit by the variability processing",
    undefined,
    "meta.code.qual",
  ),
  arr(
    "variability_flag_bp_reject",
    "boolean",
    "Rejected BP transit by the variability processing",
    undefined,
    "meta.code.qual",
  ),
  arr(
    "variability_flag_rp_reject",
    "boolean",
    "Rejected RP transit by the variability processing",
    undefined,
    "meta.code.qual",
  ),
];

/**
 * The RAW epoch photometry of several sources: one row per source with
 * arrays (NaN where a band has no measurement at a transit).
 */
export function epochPhotometryRaw(sources: { id: bigint; row: SourceRow | undefined }[]): Table {
  const all = sources.map((s) => series(s.id, s.row));
  const rows = all.length;
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i] + all[i].transitId.length;
  const total = offsets[rows];
  const cat64 = (pick: (s: (typeof all)[number]) => Float64Array) => {
    const out = new Float64Array(total);
    all.forEach((s, i) => out.set(pick(s), offsets[i]));
    return out;
  };
  const cat8 = (pick: (s: (typeof all)[number]) => Uint8Array) => {
    const out = new Uint8Array(total);
    all.forEach((s, i) => out.set(pick(s), offsets[i]));
    return out;
  };
  const foe = (b: number) => {
    const out = new Float32Array(total);
    all.forEach((s, i) => {
      for (let k = 0; k < s.flux[b].length; k++) {
        out[offsets[i] + k] = s.flux[b][k] / s.fluxError[b][k];
      }
    });
    return out;
  };
  const tids = new BigInt64Array(total);
  all.forEach((s, i) => tids.set(s.transitId, offsets[i]));
  const c = EPOCH_PHOTOMETRY_RAW_COLUMNS;
  const L = (k: number, values: ProductColumn["values"]): ProductColumn => ({
    def: c[k],
    values,
    offsets,
  });
  const cols: ProductColumn[] = [
    { def: c[0], values: new BigInt64Array(rows).fill(PRODUCT_SOLUTION_IDS.EPOCH_PHOTOMETRY) },
    { def: c[1], values: BigInt64Array.from(sources.map((s) => s.id)) },
    { def: c[2], values: Int16Array.from(all.map((s) => s.transitId.length)) },
    L(3, tids),
  ];
  let k = 4;
  for (let b = 0; b < 3; b++) {
    cols.push(L(k++, cat64((s) => s.time[b])));
    cols.push(L(k++, cat64((s) => s.flux[b])));
    cols.push(L(k++, cat64((s) => s.fluxError[b])));
    cols.push(L(k++, foe(b)));
    cols.push(L(k++, cat64((s) => s.mag[b])));
  }
  cols.push(L(k++, cat8((s) => s.rejectedByPhotometry[1])));
  cols.push(L(k++, cat8((s) => s.rejectedByPhotometry[2])));
  for (let b = 0; b < 3; b++) cols.push(L(k++, cat8((s) => s.rejectedByVariability[b])));
  return buildProductTable(rows, cols, { product: "EPOCH_PHOTOMETRY", timesys: GAIA_TIMESYS });
}
