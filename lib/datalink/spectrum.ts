/**
 * Sampled spectra made tidy: XP sampled (BP/RP on a fixed wavelength grid)
 * and RVS mean spectra, as `source_id, wavelength, flux, flux_error` rows.
 * Per-source values that the VOTable products carry as PARAMs (the source
 * id) become columns; RAW products (one row per source with array cells)
 * are unrolled.
 *
 * @module
 */
import { Field, Float64, Int64, Schema, Table } from "apache-arrow";
import { finishBatch, Float64Builder, Int64Builder } from "../table/builders.ts";
import { columnMeta, toFieldMetadata } from "../table/metadata.ts";
import {
  arrayAt,
  bigintAt,
  column,
  floatsOf,
  numberAt,
  paramValue,
  requireColumn,
} from "./columns.ts";

/** The DR3 XP sampled wavelength grid: 336 to 1020 nm in 2 nm steps (343 samples). */
export const XP_SAMPLED_WAVELENGTHS: Float64Array = Float64Array.from(
  { length: 343 },
  (_, k) => 336 + 2 * k,
);

/** The DR3 RVS mean spectrum grid: 846 to 870 nm in 0.01 nm steps (2401 samples). */
export const RVS_WAVELENGTHS: Float64Array = Float64Array.from(
  { length: 2401 },
  (_, k) => Math.round((846 + 0.01 * k) * 100) / 100,
);

function spectrumSchema(table: Table, flux: string, fluxUnit: string, waveUnit: string): Schema {
  const unit = (name: string, dflt: string) => {
    const fi = table.schema.fields.find((x) => x.name.toLowerCase() === name);
    return (fi && columnMeta(fi).unit) || dflt;
  };
  const fl = (name: string, type: Int64 | Float64, meta: Record<string, string>) =>
    new Field(name, type, true, toFieldMetadata({ name, ...meta }));
  return new Schema([
    fl("source_id", new Int64(), {
      ucd: "meta.id;meta.main",
      description: "Gaia source identifier",
    }),
    fl("wavelength", new Float64(), {
      unit: unit("wavelength", waveUnit),
      ucd: "em.wl",
      description: "Wavelength",
    }),
    fl("flux", new Float64(), {
      unit: unit("flux", fluxUnit),
      ucd: "phot.flux.density;em.wl",
      description: flux,
    }),
    fl("flux_error", new Float64(), {
      unit: unit("flux_error", fluxUnit),
      ucd: "stat.error;phot.flux.density;em.wl",
      description: "Flux error",
    }),
  ]);
}

/**
 * Tidies a sampled spectrum product (XP_SAMPLED or RVS) into
 * `source_id, wavelength, flux, flux_error`, one row per sample.
 *
 * @param table the product as read
 * @param kind which product, for messages and default units
 * @param sourceId the source, when neither a column nor a PARAM has it
 * @throws {TypeError} when the table has no wavelength/flux columns
 *
 * @example A VOTable-style product with the source id as a PARAM
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { sampledSpectrum } from "./spectrum.ts";
 * const t = sampledSpectrum(
 *   tableFromArrays({ wavelength: new Float64Array([336, 338]), flux: new Float64Array([1e-17, 2e-17]),
 *     flux_error: new Float64Array([1e-18, 1e-18]) }),
 *   "XP_SAMPLED", 5937083312263887616n);
 * if (t.getChild("source_id")!.get(1) !== 5937083312263887616n) throw new Error();
 * ```
 */
export function sampledSpectrum(
  table: Table,
  kind: "XP_SAMPLED" | "RVS" = "XP_SAMPLED",
  sourceId?: bigint,
): Table {
  const isRvs = kind === "RVS";
  const schema = spectrumSchema(
    table,
    isRvs ? "Normalised mean RVS flux" : "Mean flux",
    isRvs ? "" : "W.m**-2.nm**-1",
    "nm",
  );
  const sid = new Int64Builder();
  const wl = new Float64Builder();
  const fx = new Float64Builder();
  const er = new Float64Builder();
  const push = (
    b: Float64Builder,
    x: number | null,
  ) => (x === null || Number.isNaN(x) ? b.appendNull() : b.append(x));
  const sidCol = column(table, "source_id");
  const p = paramValue(table, "source_id");
  const fallback = sourceId ?? (p !== undefined && /^\s*\d+\s*$/.test(p) ? BigInt(p.trim()) : null);
  const fl = requireColumn(table, kind, "flux");
  const fe = column(table, "flux_error");
  const first = table.numRows > 0 ? fl.get(0) : null;
  const arrays = first !== null && (typeof first === "string" || typeof first === "object");
  // RAW products hold flux arrays on the fixed DR3 grid and no wavelength column.
  const w = arrays ? column(table, "wavelength") : requireColumn(table, kind, "wavelength");
  const grid = isRvs ? RVS_WAVELENGTHS : XP_SAMPLED_WAVELENGTHS;
  // Fast path: numeric columns read once as typed arrays.
  const fw = !arrays && w ? floatsOf(w) : null;
  const ff = !arrays ? floatsOf(fl) : null;
  const fwe = !arrays && fe ? floatsOf(fe) : null;
  for (let i = 0; i < table.numRows; i++) {
    const s = sidCol ? bigintAt(sidCol, i) : fallback;
    if (!arrays) {
      s === null ? sid.appendNull() : sid.append(s);
      push(wl, fw ? fw[i] : numberAt(w!, i));
      push(fx, ff ? ff[i] : numberAt(fl, i));
      push(er, fe ? (fwe ? fwe[i] : numberAt(fe, i)) : null);
      continue;
    }
    const fa = arrayAt(fl, i);
    const wa = w ? arrayAt(w, i) ?? new Float64Array(0) : fa ? grid : new Float64Array(0);
    if (fa && fa.length !== wa.length) {
      throw new TypeError(
        `${kind} row ${i} has ${fa.length} flux samples but ${wa.length} wavelengths${
          w ? "" : ` (the Gaia DR3 grid of ${grid[0]}..${grid[grid.length - 1]} nm)`
        }`,
      );
    }
    const ea = fe ? arrayAt(fe, i) : null;
    for (let k = 0; k < wa.length; k++) {
      s === null ? sid.appendNull() : sid.append(s);
      push(wl, wa[k]);
      push(fx, fa ? fa[k] ?? null : null);
      push(er, ea ? ea[k] ?? null : null);
    }
  }
  return new Table([finishBatch(schema, [sid, wl, fx, er])]);
}
