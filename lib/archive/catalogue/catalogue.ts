/**
 * The whole synthetic catalogue: `gaiadr3.gaia_source` plus the tables
 * derived from it (variability summary, classification, RR Lyrae,
 * eclipsing binaries, long period variables, astrophysical parameters),
 * as Arrow tables keyed by qualified name. The `vari_*` statistics are
 * computed from the same simulated epoch photometry the DataLink products
 * serve, so they agree.
 *
 * @module
 */
import { type RecordBatch, Table } from "apache-arrow";
import { ColumnBuffers, schemaOf } from "./arrow_columns.ts";
import { CATALOGUE_TABLES, type TableDef } from "./columns.ts";
import { simulateEpochPhotometry } from "./epoch_photometry.ts";
import { type CatalogueOptions, generateGaiaSourceBatches } from "./gaia_source.ts";
import { Rng, seedFromId } from "./prng.ts";
import { VARI_CODE, variabilityOf } from "./variability.ts";

/** `solution_id` written in the variability tables. */
export const VARI_SOLUTION_ID = 375316653866487564n;
/** `solution_id` written in the astrophysical parameters table (synthetic value). */
export const AP_SOLUTION_ID = 1000000000001000000n;

function def(name: string): TableDef {
  const t = CATALOGUE_TABLES.find((t) => t.name === name);
  if (!t) throw new RangeError(`No catalogue table "${name}"`);
  return t;
}

/**
 * Generates every catalogue table. Keys are qualified names
 * (`gaiadr3.gaia_source`, `gaiadr3.vari_summary`, ...). Deterministic:
 * the same options give the same bytes.
 *
 * @example
 * ```ts
 * import { generateCatalogue } from "./catalogue.ts";
 * const tables = generateCatalogue({ rows: 2000, seed: 3 });
 * const gs = tables.get("gaiadr3.gaia_source")!;
 * if (gs.numRows !== 2000) throw new Error(String(gs.numRows));
 * if (!tables.has("gaiadr3.vari_summary")) throw new Error("no vari_summary");
 * ```
 */
export function generateCatalogue(options: CatalogueOptions = {}): Map<string, Table> {
  const batches = [...generateGaiaSourceBatches(options)];
  const out = new Map<string, Table>();
  out.set(
    "gaiadr3.gaia_source",
    batches.length ? new Table(batches) : new Table(schemaOf(def("gaia_source"))),
  );
  for (const [name, table] of deriveTables(batches)) out.set(name, table);
  return out;
}

/**
 * Builds the tables that derive from gaia_source rows (variability and
 * astrophysical parameters). Exposed so that an engine that cached
 * gaia_source on disk can rebuild them from its batches.
 */
export function deriveTables(batches: Iterable<RecordBatch>): Map<string, Table> {
  const variables: { id: bigint; g: number; bp: number; rp: number }[] = [];
  const ap: { batch: RecordBatch; rows: Int32Array }[] = [];
  for (const batch of batches) {
    const ids = batch.getChild("source_id")!.toArray() as BigInt64Array;
    const g = batch.getChild("phot_g_mean_mag")!;
    const bp = batch.getChild("phot_bp_mean_mag")!;
    const rp = batch.getChild("phot_rp_mean_mag")!;
    const teff = batch.getChild("teff_gspphot")!;
    const apRows: number[] = [];
    for (let i = 0; i < batch.numRows; i++) {
      if ((ids[i] & 7n) !== 0n) {
        variables.push({
          id: ids[i],
          g: g.get(i) ?? NaN,
          bp: bp.get(i) ?? NaN,
          rp: rp.get(i) ?? NaN,
        });
      }
      if (teff.isValid(i)) apRows.push(i);
    }
    ap.push({ batch, rows: Int32Array.from(apRows) });
  }
  const out = new Map<string, Table>();
  for (const [k, v] of variabilityTables(variables)) out.set(k, v);
  out.set("gaiadr3.astrophysical_parameters", astrophysicalParameters(ap));
  return out;
}

function variabilityTables(
  vars: { id: bigint; g: number; bp: number; rp: number }[],
): Map<string, Table> {
  const n = vars.length;
  const S = new ColumnBuffers(def("vari_summary"), n);
  const C = new ColumnBuffers(def("vari_classifier_result"), n);
  const models = vars.map((v) => variabilityOf(v.id)!);
  const nRR = models.filter((m) => m.code === VARI_CODE.RRAB || m.code === VARI_CODE.RRC).length;
  const nEcl = models.filter((m) => m.code === VARI_CODE.ECL).length;
  const nLpv = models.filter((m) => m.code === VARI_CODE.LPV).length;
  const RR = new ColumnBuffers(def("vari_rrlyrae"), nRR);
  const EB = new ColumnBuffers(def("vari_eclipsing_binary"), nEcl);
  const LP = new ColumnBuffers(def("vari_long_period_variable"), nLpv);
  for (const B of [S, C, RR, EB, LP]) B.i64("solution_id").fill(VARI_SOLUTION_ID);
  const sid = S.i64("source_id"), cid = C.i64("source_id");
  const classCodes = new Int32Array(n);
  const classNames: string[] = [];
  const classIndex = new Map<string, number>();
  const score = C.f32("best_class_score");
  const f = (name: string) => S.f32(name);
  const nSelG = S.i16("num_selected_g_fov"),
    nSelBp = S.i16("num_selected_bp"),
    nSelRp = S.i16("num_selected_rp");
  const meanT = S.f64("mean_obs_time_g_fov");
  const flags = {
    cls: S.u8("in_vari_classification_result"),
    rr: S.u8("in_vari_rrlyrae"),
    cep: S.u8("in_vari_cepheid"),
    ecl: S.u8("in_vari_eclipsing_binary"),
    lpv: S.u8("in_vari_long_period_variable"),
    mso: S.u8("in_vari_ms_oscillator"),
    rot: S.u8("in_vari_rotation_modulation"),
  };
  let iRR = 0, iEB = 0, iLP = 0;
  const scratch = new Float64Array(128);
  for (let i = 0; i < n; i++) {
    const v = vars[i], m = models[i];
    sid[i] = cid[i] = v.id;
    const s = simulateEpochPhotometry(v.id, v.g, v.bp, v.rp);
    // G statistics over transits not rejected by the variability pipeline
    const t = s.time[0], mg = s.mag[0];
    let k = 0, tsum = 0, tmin = Infinity, tmax = -Infinity;
    for (let j = 0; j < mg.length; j++) {
      if (mg[j] !== mg[j] || s.rejectedByVariability[0][j]) continue;
      scratch[k++] = mg[j];
      tsum += t[j];
      if (t[j] < tmin) tmin = t[j];
      if (t[j] > tmax) tmax = t[j];
    }
    const vals = scratch.subarray(0, k);
    const st = stats(vals);
    nSelG[i] = k;
    meanT[i] = tsum / k;
    f("time_duration_g_fov")[i] = tmax - tmin;
    f("min_mag_g_fov")[i] = st.min;
    f("max_mag_g_fov")[i] = st.max;
    f("mean_mag_g_fov")[i] = st.mean;
    f("median_mag_g_fov")[i] = st.median;
    f("range_mag_g_fov")[i] = st.max - st.min;
    f("std_dev_mag_g_fov")[i] = st.std;
    f("skewness_mag_g_fov")[i] = st.skew;
    f("kurtosis_mag_g_fov")[i] = st.kurt;
    f("mad_mag_g_fov")[i] = st.mad;
    f("abbe_mag_g_fov")[i] = st.abbe;
    for (
      const [band, nSel, meanName, stdName] of [
        [1, nSelBp, "mean_mag_bp", "std_dev_mag_bp"],
        [2, nSelRp, "mean_mag_rp", "std_dev_mag_rp"],
      ] as const
    ) {
      const mb = s.mag[band];
      let kb = 0;
      for (let j = 0; j < mb.length; j++) {
        if (mb[j] === mb[j] && !s.rejectedByVariability[band][j]) scratch[kb++] = mb[j];
      }
      if (kb === 0) {
        S.nullAt(band === 1 ? "num_selected_bp" : "num_selected_rp", i);
        f(meanName)[i] = f(stdName)[i] = NaN;
        continue;
      }
      const sb = stats(scratch.subarray(0, kb));
      nSel[i] = kb;
      f(meanName)[i] = sb.mean;
      f(stdName)[i] = sb.std;
    }
    flags.cls[i] = 1;
    flags.rr[i] = m.code === VARI_CODE.RRAB || m.code === VARI_CODE.RRC ? 1 : 0;
    flags.cep[i] = m.code === VARI_CODE.CEP ? 1 : 0;
    flags.ecl[i] = m.code === VARI_CODE.ECL ? 1 : 0;
    flags.lpv[i] = m.code === VARI_CODE.LPV ? 1 : 0;
    flags.mso[i] = m.code === VARI_CODE.DSCT ? 1 : 0;
    flags.rot[i] = m.code === VARI_CODE.SOLAR_LIKE ? 1 : 0;
    let ci = classIndex.get(m.className);
    if (ci === undefined) {
      ci = classNames.length;
      classNames.push(m.className);
      classIndex.set(m.className, ci);
    }
    classCodes[i] = ci;
    score[i] = m.score;
    const r = new Rng(seedFromId(v.id, 78));
    if (flags.rr[i]) {
      const ab = m.subtype === "RRab";
      RR.i64("source_id")[iRR] = v.id;
      RR.f64("pf")[iRR] = ab ? m.period : NaN;
      RR.f32("pf_error")[iRR] = ab ? m.period * 2e-6 * (1 + r.uniform()) : NaN;
      RR.f64("p1_o")[iRR] = ab ? NaN : m.period;
      RR.f32("p1_o_error")[iRR] = ab ? NaN : m.period * 2e-6 * (1 + r.uniform());
      RR.f64("epoch_g")[iRR] = m.epoch;
      RR.f32("int_average_g")[iRR] = intensityMean(vals);
      RR.f32("peak_to_peak_g")[iRR] = m.amplitude;
      RR.u8("best_classification")[iRR] = ab ? 1 : 0;
      iRR++;
    } else if (flags.ecl[i]) {
      EB.i64("source_id")[iEB] = v.id;
      EB.f32("global_ranking")[iEB] = r.uniform();
      EB.f64("reference_time")[iEB] = m.epoch;
      EB.f64("frequency")[iEB] = 1 / m.period;
      EB.f32("frequency_error")[iEB] = 1e-6 * (1 + r.uniform());
      EB.f32("derived_primary_ecl_phase")[iEB] = 0;
      EB.f32("derived_primary_ecl_depth")[iEB] = m.amplitude;
      EB.f32("derived_secondary_ecl_phase")[iEB] = 0.5;
      EB.f32("derived_secondary_ecl_depth")[iEB] = m.secondaryDepth;
      iEB++;
    } else if (flags.lpv[i]) {
      LP.i64("source_id")[iLP] = v.id;
      LP.f32("median_g")[iLP] = st.median;
      LP.f32("amplitude")[iLP] = st.max - st.min;
      LP.f64("frequency")[iLP] = 1 / m.period;
      LP.f32("frequency_error")[iLP] = (1 / m.period) * 0.01 * (1 + r.uniform());
      iLP++;
    }
  }
  C.strings("classifier_name", { codes: new Uint8Array(n), strings: ["nTransits:5+"] });
  C.strings("best_class_name", { codes: classCodes, strings: classNames });
  RR.strings("best_classification", {
    codes: RR.u8("best_classification"),
    strings: ["RRc", "RRab"],
  });
  return new Map([
    ["gaiadr3.vari_summary", new Table([S.toRecordBatch()])],
    ["gaiadr3.vari_classifier_result", new Table([C.toRecordBatch()])],
    ["gaiadr3.vari_rrlyrae", new Table([RR.toRecordBatch()])],
    ["gaiadr3.vari_eclipsing_binary", new Table([EB.toRecordBatch()])],
    ["gaiadr3.vari_long_period_variable", new Table([LP.toRecordBatch()])],
  ]);
}

function intensityMean(mags: Float64Array): number {
  let s = 0;
  for (const m of mags) s += Math.pow(10, -0.4 * m);
  return -2.5 * Math.log10(s / mags.length);
}

/** Unweighted statistics of a magnitude series (DR3 vari_summary definitions). */
function stats(v: Float64Array) {
  const n = v.length;
  let mean = 0, min = Infinity, max = -Infinity;
  for (const x of v) {
    mean += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0, dd = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    if (i > 0) dd += (v[i] - v[i - 1]) ** 2;
  }
  const variance = n > 1 ? m2 / (n - 1) : 0;
  const std = Math.sqrt(variance);
  const sorted = Float64Array.from(v).sort();
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const dev = sorted.map((x) => Math.abs(x - median)).sort();
  const mad = n % 2 ? dev[(n - 1) / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
  const pv = m2 / n;
  return {
    mean,
    min,
    max,
    std,
    median,
    mad,
    skew: pv > 0 ? m3 / n / Math.pow(pv, 1.5) : NaN,
    kurt: pv > 0 ? m4 / n / (pv * pv) - 3 : NaN,
    abbe: m2 > 0 ? (dd / (2 * m2)) * (n / (n - 1)) : NaN,
  };
}

function astrophysicalParameters(parts: { batch: RecordBatch; rows: Int32Array }[]): Table {
  const n = parts.reduce((s, p) => s + p.rows.length, 0);
  const T = def("astrophysical_parameters");
  const B = new ColumnBuffers(T, n);
  B.i64("solution_id").fill(AP_SOLUTION_ID);
  const copied = T.columns.map((c) => c.name).filter((c) =>
    c !== "solution_id" &&
    !["mg_gspphot", "radius_gspphot", "lum_flame", "mass_flame", "age_flame"].includes(c)
  );
  const libCodes = new Int32Array(n);
  const libNames = ["MARCS", "PHOENIX", "A", "OB"];
  let o = 0;
  for (const { batch, rows } of parts) {
    const ids = batch.getChild("source_id")!.toArray() as BigInt64Array;
    const g = batch.getChild("phot_g_mean_mag")!.toArray() as Float32Array;
    const cols = new Map(copied.map((c) => [c, batch.getChild(c)!]));
    const lib = batch.getChild("libname_gspphot")!;
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j], r = o + j;
      B.i64("source_id")[r] = ids[i];
      for (const c of copied) {
        if (c === "source_id" || c === "libname_gspphot") continue;
        B.f32(c)[r] = (cols.get(c)!.get(i) as number | null) ?? NaN;
      }
      libCodes[r] = libNames.indexOf(lib.get(i) as string);
      const teff = B.f32("teff_gspphot")[r],
        dist = B.f32("distance_gspphot")[r],
        ag = B.f32("ag_gspphot")[r];
      const logg = B.f32("logg_gspphot")[r];
      const mg = g[i] - 5 * Math.log10(dist) + 5 - ag;
      const bc = teff > 6000 ? -0.0003 * (teff - 6000) : -0.0005 * (6000 - teff) ** 1.05 / 10;
      const lum = Math.pow(10, -0.4 * (mg + bc - 4.74));
      B.f32("mg_gspphot")[r] = mg;
      B.f32("radius_gspphot")[r] = Math.sqrt(lum) / (teff / 5772) ** 2;
      B.f32("lum_flame")[r] = lum;
      const giant = logg < 3.6;
      const mass = giant ? 1.0 + 0.6 * Math.min(1, lum / 100) : Math.max(0.1, Math.pow(lum, 0.25));
      B.f32("mass_flame")[r] = mass;
      B.f32("age_flame")[r] = Math.min(
        13.5,
        Math.max(0.2, giant ? 10 / mass ** 2.5 : 10 * Math.pow(mass, -2.5) * 0.6),
      );
    }
    o += rows.length;
  }
  B.strings("libname_gspphot", { codes: libCodes, strings: libNames });
  return new Table([B.toRecordBatch()]);
}
