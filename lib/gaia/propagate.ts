/**
 * Rigorous propagation of positions and proper motions to another epoch,
 * with parallax and radial velocity where present: the linear space-motion
 * model of the Hipparcos and Gaia documentation (Gaia DR3 documentation
 * §4.1.7; ERFA `starpm`, astropy `SkyCoord.apply_space_motion`):
 *
 * ```
 * f  = [1 + 2ζ₀t + (μ₀² + ζ₀²)t²]^−½
 * r  = [r₀(1 + ζ₀t) + μ₀t] f          ϖ = ϖ₀ f
 * μ  = [μ₀(1 + ζ₀t) − r₀μ₀²t] f³      ζ = [ζ₀ + (μ₀² + ζ₀²)t] f²
 * ```
 *
 * where μ₀ = p μα* + q μδ is the proper motion vector, ζ₀ = v_r ϖ / A the
 * "radial proper motion" (A = 4.740470446 km yr s⁻¹) and t the time span.
 *
 * @module
 */
import { asOwnTable, isArrowTable } from "../table/arrow_table.ts";
import {
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  type Vector,
} from "apache-arrow";
import { finishBatch, Float64Builder } from "../table/builders.ts";

/** Astronomical unit in km·yr/s: converts mas/yr × mas⁻¹… to km/s (v = A μ / ϖ). */
export const AU_KM_YR_PER_S = 4.740470446;
const MAS = Math.PI / (180 * 3_600_000);

/** One astrometric state. Angles in degrees, motions in mas/yr, parallax in mas, radial velocity in km/s. */
export interface AstrometricState {
  /** Right ascension, degrees. */
  ra: number;
  /** Declination, degrees. */
  dec: number;
  /** μα* = μα cos δ. */
  pmra: number;
  /** Proper motion in declination, mas/yr. */
  pmdec: number;
  /** Parallax; NaN or ≤ 0 when unknown (then the radial velocity is not used). */
  parallax?: number;
  /** Radial velocity, km/s; NaN when unknown. */
  radialVelocity?: number;
}

/**
 * Propagates one state by `years` (Julian years, may be negative).
 *
 * @example Barnard's star from J2016.0 to J2026.0
 * ```ts
 * import { propagateState } from "./propagate.ts";
 * const s = propagateState({ ra: 269.44850252543836, dec: 4.739420051112412, pmra: -801.551, pmdec: 10362.394,
 *   parallax: 546.9759, radialVelocity: -110.47 }, 10);
 * // Moves ~103.6 arcsec north in 10 years.
 * if (Math.abs((s.dec - 4.739420051112412) * 3600 - 103.63) > 0.1) throw new Error(String(s.dec));
 * ```
 */
export function propagateState(s: AstrometricState, years: number): Required<AstrometricState> {
  const a = s.ra * Math.PI / 180;
  const d = s.dec * Math.PI / 180;
  const sa = Math.sin(a), ca = Math.cos(a), sd = Math.sin(d), cd = Math.cos(d);
  // Unit vectors p (east), q (north), r (towards the star).
  const p = [-sa, ca, 0];
  const q = [-sd * ca, -sd * sa, cd];
  const r = [cd * ca, cd * sa, sd];
  const plx = s.parallax !== undefined && s.parallax > 0 ? s.parallax : NaN;
  const vr = s.radialVelocity !== undefined && Number.isFinite(s.radialVelocity)
    ? s.radialVelocity
    : 0;
  const pma = s.pmra * MAS, pmd = s.pmdec * MAS; // rad/yr
  const zeta0 = Number.isFinite(plx) ? (vr * plx / AU_KM_YR_PER_S) * MAS : 0; // rad/yr
  const mu0 = [p[0] * pma + q[0] * pmd, p[1] * pma + q[1] * pmd, p[2] * pma + q[2] * pmd];
  const mu02 = pma * pma + pmd * pmd;
  const t = years;
  const f2 = 1 / (1 + 2 * zeta0 * t + (mu02 + zeta0 * zeta0) * t * t);
  const f = Math.sqrt(f2);
  const r1 = [0, 1, 2].map((i) => (r[i] * (1 + zeta0 * t) + mu0[i] * t) * f);
  const mu1 = [0, 1, 2].map((i) => (mu0[i] * (1 + zeta0 * t) - r[i] * mu02 * t) * f2 * f);
  const zeta1 = (zeta0 + (mu02 + zeta0 * zeta0) * t) * f2;
  let a1 = Math.atan2(r1[1], r1[0]);
  if (a1 < 0) a1 += 2 * Math.PI;
  const d1 = Math.atan2(r1[2], Math.hypot(r1[0], r1[1]));
  const sa1 = Math.sin(a1), ca1 = Math.cos(a1), sd1 = Math.sin(d1), cd1 = Math.cos(d1);
  const p1 = [-sa1, ca1, 0];
  const q1 = [-sd1 * ca1, -sd1 * sa1, cd1];
  const pmra1 = (p1[0] * mu1[0] + p1[1] * mu1[1] + p1[2] * mu1[2]) / MAS;
  const pmdec1 = (q1[0] * mu1[0] + q1[1] * mu1[1] + q1[2] * mu1[2]) / MAS;
  const plx1 = plx * f;
  return {
    ra: a1 * 180 / Math.PI,
    dec: d1 * 180 / Math.PI,
    pmra: pmra1,
    pmdec: pmdec1,
    parallax: Number.isFinite(plx) ? plx1 : (s.parallax ?? NaN),
    radialVelocity: Number.isFinite(plx)
      ? (zeta1 / MAS) * AU_KM_YR_PER_S / plx1
      : (s.radialVelocity ?? NaN),
  };
}

/** A Julian epoch (e.g. 2016.0) from a number or a Date. */
export function julianEpoch(epoch: number | Date): number {
  if (typeof epoch === "number") return epoch;
  const jd = epoch.getTime() / 86_400_000 + 2440587.5;
  return 2000 + (jd - 2451545) / 365.25;
}

/** Options of {@linkcode propagate}. */
export interface PropagateOptions {
  /** Target epoch: Julian year (2026.5) or a Date. */
  epoch: number | Date;
  /** Epoch of the input when there is no `ref_epoch` column. @default 2016.0 (Gaia DR3) */
  from?: number;
  /** Column names. @default ra, dec, pmra, pmdec, parallax, radial_velocity, ref_epoch */
  columns?: Partial<
    Record<"ra" | "dec" | "pmra" | "pmdec" | "parallax" | "radialVelocity" | "refEpoch", string>
  >;
}

function find(t: Table, name: string): number {
  return t.schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

function num(v: Vector | null, i: number): number {
  if (!v) return NaN;
  const x = v.get(i);
  return x === null || x === undefined ? NaN : Number(x);
}

/**
 * Moves every row of a table (or query result) to another epoch. `ra`,
 * `dec`, `pmra`, `pmdec` (and `parallax`, `radial_velocity` when present)
 * are replaced by their values at the new epoch (as Float64, metadata kept)
 * and `ref_epoch` is set to it (added if missing). Rows without a proper
 * motion keep their position and get null motions.
 *
 * @throws {TypeError} when the table lacks ra/dec/pmra/pmdec columns
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { propagate } from "./propagate.ts";
 * const t = propagate(tableFromArrays({
 *   ra: new Float64Array([10]), dec: new Float64Array([20]), pmra: new Float64Array([0]), pmdec: new Float64Array([1000]),
 * }), { epoch: 2017, from: 2016 });
 * if (Math.abs((t.getChild("dec")!.get(0) as number) - (20 + 1 / 3600)) > 1e-9) throw new Error();
 * if (t.getChild("ref_epoch")!.get(0) !== 2017) throw new Error();
 * ```
 */
export function propagate(input: Table | { table: Table }, options: PropagateOptions): Table {
  const table = asOwnTable(isArrowTable(input) ? input : input.table);
  const c = {
    ra: "ra",
    dec: "dec",
    pmra: "pmra",
    pmdec: "pmdec",
    parallax: "parallax",
    radialVelocity: "radial_velocity",
    refEpoch: "ref_epoch",
    ...options.columns,
  };
  const target = julianEpoch(options.epoch);
  const idx = {
    ra: find(table, c.ra),
    dec: find(table, c.dec),
    pmra: find(table, c.pmra),
    pmdec: find(table, c.pmdec),
    parallax: find(table, c.parallax),
    rv: find(table, c.radialVelocity),
    epoch: find(table, c.refEpoch),
  };
  const missing = (["ra", "dec", "pmra", "pmdec"] as const).filter((k) => idx[k] < 0).map((k) =>
    c[k]
  );
  if (missing.length) {
    throw new TypeError(
      `propagate() needs columns ${
        missing.map((m) => JSON.stringify(m)).join(", ")
      }; the table has ${
        table.schema.fields.map((f) => f.name).join(", ")
      } (rename them with the "columns" option)`,
    );
  }
  const replaced = [idx.ra, idx.dec, idx.pmra, idx.pmdec, idx.parallax, idx.rv].filter((i) =>
    i >= 0
  );
  const f64 = (f: Field) => new Field(f.name, new Float64(), true, f.metadata);
  const fields = table.schema.fields.map((f, i) =>
    replaced.includes(i) || i === idx.epoch ? (f.type.typeId === Type.Float ? f64(f) : f64(f)) : f
  );
  const epochField = idx.epoch >= 0 ? undefined : new Field(c.refEpoch, new Float64(), true);
  const schema = new Schema(epochField ? [...fields, epochField] : fields, table.schema.metadata);
  const batches: RecordBatch[] = [];
  for (const b of table.batches) {
    const col = (i: number) => (i >= 0 ? b.getChildAt(i) : null);
    const out = replaced.map(() => new Float64Builder());
    const ep = new Float64Builder();
    for (let r = 0; r < b.numRows; r++) {
      const ra = num(col(idx.ra), r), dec = num(col(idx.dec), r);
      const pmra = num(col(idx.pmra), r), pmdec = num(col(idx.pmdec), r);
      const from = idx.epoch >= 0 ? num(col(idx.epoch), r) : (options.from ?? 2016.0);
      const vals: number[] = [];
      if (
        Number.isFinite(pmra) && Number.isFinite(pmdec) && Number.isFinite(ra) &&
        Number.isFinite(dec)
      ) {
        const s = propagateState({
          ra,
          dec,
          pmra,
          pmdec,
          parallax: num(col(idx.parallax), r),
          radialVelocity: num(col(idx.rv), r),
        }, target - (Number.isFinite(from) ? from : (options.from ?? 2016.0)));
        const all: Record<number, number> = {
          [idx.ra]: s.ra,
          [idx.dec]: s.dec,
          [idx.pmra]: s.pmra,
          [idx.pmdec]: s.pmdec,
          [idx.parallax]: s.parallax,
          [idx.rv]: s.radialVelocity,
        };
        for (const i of replaced) vals.push(all[i]);
      } else {
        for (const i of replaced) {
          vals.push(
            i === idx.ra ? ra : i === idx.dec ? dec : i === idx.parallax ? num(col(i), r) : NaN,
          );
        }
      }
      vals.forEach((v, k) => (Number.isFinite(v) ? out[k].append(v) : out[k].appendNull()));
      ep.append(target);
    }
    const data = out.map((o) => o.finish());
    const children = table.schema.fields.map((_, i) => {
      const k = replaced.indexOf(i);
      if (k >= 0) return data[k];
      if (i === idx.epoch) {
        return finishBatch(new Schema([new Field("e", new Float64())]), [ep]).data.children[0];
      }
      return b.data.children[i];
    });
    if (epochField) children.push(ep.finish());
    batches.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children }),
      ),
    );
  }
  return batches.length ? new Table(schema, batches) : new Table(schema);
}
