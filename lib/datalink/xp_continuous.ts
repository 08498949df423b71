/**
 * XP continuous spectra made tidy: one row per source and band (BP, RP)
 * with the basis, the coefficients, their errors and the full covariance
 * matrix, rebuilt as Gaia's documentation and GaiaXPy do:
 * `C = diag(σ) · R · diag(σ) · s²` where σ are the coefficient errors, s the
 * standard deviation, and R the correlation matrix whose strict lower
 * triangle the archive stores row by row ((1,0), (2,0), (2,1), (3,0), ...).
 *
 * @module
 */
import {
  Field,
  type Float32,
  Float64,
  Int16,
  Int64,
  List,
  Schema,
  Table,
  Utf8,
} from "apache-arrow";
import {
  finishBatch,
  Float64Builder,
  Int16Builder,
  Int64Builder,
  ListBuilder,
  Utf8Builder,
} from "../table/builders.ts";
import { toFieldMetadata } from "../table/metadata.ts";
import { arrayAt, bigintAt, column, numberAt, requireColumn } from "./columns.ts";

const listOf = () => new List(new Field("item", new Float64(), true));
const fl = (
  name: string,
  type: Int64 | Utf8 | Int16 | Float64 | Float32 | List,
  meta: Record<string, string>,
) => new Field(name, type, true, toFieldMetadata({ name, ...meta }));

/** The schema of {@linkcode xpContinuous} tables. */
export const XP_CONTINUOUS_SCHEMA: Schema = new Schema([
  fl("source_id", new Int64(), { ucd: "meta.id;meta.main", description: "Gaia source identifier" }),
  fl("band", new Utf8(), { ucd: "instr.bandpass", description: "BP or RP" }),
  fl("basis_function_id", new Int16(), { ucd: "meta.id", description: "Set of basis functions" }),
  fl("n_parameters", new Int16(), { ucd: "stat.fit.param", description: "Number of coefficients" }),
  fl("n_relevant_bases", new Int16(), { ucd: "meta.number", description: "Relevant bases" }),
  fl("standard_deviation", new Float64(), {
    ucd: "stat.stdev",
    description: "Standard deviation of the fit",
  }),
  fl("chi_squared", new Float64(), { ucd: "stat.fit.chi2", description: "Chi squared of the fit" }),
  fl("degrees_of_freedom", new Int16(), { ucd: "stat.fit.dof", description: "Degrees of freedom" }),
  fl("coefficients", listOf(), {
    ucd: "stat.fit.param",
    description: "Basis function coefficients",
  }),
  fl("coefficient_errors", listOf(), { ucd: "stat.error", description: "Coefficient errors" }),
  fl("covariance", listOf(), {
    ucd: "stat.covariance",
    description: "Covariance matrix of the coefficients, n_parameters × n_parameters, row-major",
  }),
]);

/**
 * Rebuilds the full correlation matrix (row-major, ones on the diagonal)
 * from the archive's packed strict lower triangle.
 *
 * @throws {RangeError} when the packed length is not n(n−1)/2
 *
 * @example
 * ```ts
 * import { correlationMatrix } from "./xp_continuous.ts";
 * const m = correlationMatrix(new Float64Array([0.5, 0.25, 0.125]), 3);
 * // (1,0)=0.5, (2,0)=0.25, (2,1)=0.125
 * if (m[3] !== 0.5 || m[1] !== 0.5 || m[6] !== 0.25 || m[7] !== 0.125 || m[4] !== 1) throw new Error();
 * ```
 */
export function correlationMatrix(packed: Float64Array, n: number): Float64Array {
  if (packed.length !== (n * (n - 1)) / 2) {
    throw new RangeError(
      `A packed ${n}×${n} correlation matrix has ${(n * (n - 1)) / 2} values, got ${packed.length}`,
    );
  }
  const m = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    m[i * n + i] = 1;
    for (let j = 0; j < i; j++) {
      const v = packed[k++];
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return m;
}

/**
 * The covariance matrix (row-major) from errors, packed correlations and
 * the standard deviation: `C[i][j] = σᵢ σⱼ R[i][j] s²`.
 *
 * @example
 * ```ts
 * import { covarianceMatrix } from "./xp_continuous.ts";
 * const c = covarianceMatrix(new Float64Array([2, 3]), new Float64Array([0.5]), 1);
 * if (c.join() !== "4,3,3,9") throw new Error(c.join());
 * ```
 */
export function covarianceMatrix(
  errors: Float64Array,
  packedCorrelations: Float64Array,
  stdev = 1,
): Float64Array {
  const n = errors.length;
  const c = correlationMatrix(packedCorrelations, n);
  const s2 = stdev * stdev;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) c[i * n + j] *= errors[i] * errors[j] * s2;
  }
  return c;
}

/**
 * Tidies an XP_CONTINUOUS product: one row per source and band with the
 * coefficients and their covariance.
 *
 * @param table the product as read (one row per source; arrays as lists or text)
 * @param sourceId the source, when the table has no `source_id` column
 * @throws {TypeError} when the table is not an XP continuous product
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { xpContinuous } from "./xp_continuous.ts";
 * const t = xpContinuous(tableFromArrays({
 *   source_id: new BigInt64Array([7n]),
 *   bp_n_parameters: new Int16Array([2]), bp_standard_deviation: new Float32Array([1]),
 *   bp_coefficients: ["(1.5, -0.5)"], bp_coefficient_errors: ["(2, 3)"], bp_coefficient_correlations: ["(0.5)"],
 * }));
 * if (t.numRows !== 1 || t.getChild("band")!.get(0) !== "BP") throw new Error();
 * if ([...t.getChild("covariance")!.get(0)!].join() !== "4,3,3,9") throw new Error();
 * ```
 */
export function xpContinuous(table: Table, sourceId?: bigint): Table {
  const sid = new Int64Builder();
  const band = new Utf8Builder();
  const basis = new Int16Builder();
  const npar = new Int16Builder();
  const nrel = new Int16Builder();
  const sd = new Float64Builder();
  const chi = new Float64Builder();
  const dof = new Int16Builder();
  const coef = new ListBuilder(new Float64Builder());
  const cerr = new ListBuilder(new Float64Builder());
  const cov = new ListBuilder(new Float64Builder());
  const sidCol = column(table, "source_id");
  const bands = ["bp", "rp"].filter((b) => column(table, `${b}_coefficients`));
  if (bands.length === 0) {
    requireColumn(table, "XP_CONTINUOUS", "bp_coefficients", "rp_coefficients");
  }
  const num = (b: { append(x: number): void; appendNull(): void }, c: string, i: number) => {
    const col = column(table, c);
    const x = col ? numberAt(col, i) : null;
    x === null || Number.isNaN(x) ? b.appendNull() : b.append(x);
  };
  const list = (b: ListBuilder<Float64Builder>, a: Float64Array | null) => {
    if (!a) return b.appendNull();
    for (let k = 0; k < a.length; k++) b.values.append(a[k]);
    b.commit();
  };
  for (let i = 0; i < table.numRows; i++) {
    const s = sidCol ? bigintAt(sidCol, i) : sourceId ?? null;
    for (const b of bands) {
      const coefficients = arrayAt(column(table, `${b}_coefficients`)!, i);
      if (!coefficients) continue; // no spectrum in this band
      s === null ? sid.appendNull() : sid.append(s);
      band.appendString(b.toUpperCase());
      num(basis, `${b}_basis_function_id`, i);
      num(npar, `${b}_n_parameters`, i);
      num(nrel, `${b}_n_relevant_bases`, i);
      num(sd, `${b}_standard_deviation`, i);
      num(chi, `${b}_chi_squared`, i);
      num(dof, `${b}_degrees_of_freedom`, i);
      list(coef, coefficients);
      const eCol = column(table, `${b}_coefficient_errors`);
      const rCol = column(table, `${b}_coefficient_correlations`);
      const errors = eCol ? arrayAt(eCol, i) : null;
      list(cerr, errors);
      const corr = rCol ? arrayAt(rCol, i) : null;
      const sdCol = column(table, `${b}_standard_deviation`);
      const stdev = sdCol ? numberAt(sdCol, i) ?? 1 : 1;
      list(cov, errors && corr ? covarianceMatrix(errors, corr, stdev) : null);
    }
  }
  return new Table([
    finishBatch(XP_CONTINUOUS_SCHEMA, [
      sid,
      band,
      basis,
      npar,
      nrel,
      sd,
      chi,
      dof,
      coef,
      cerr,
      cov,
    ]),
  ]);
}
