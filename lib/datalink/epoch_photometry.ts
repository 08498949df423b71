/**
 * Epoch photometry made tidy: one row per observation, whatever the data
 * structure the archive sent (INDIVIDUAL/COMBINED: already one row per
 * observation; RAW: one row per source with `g_transit_time`, `bp_flux`, ...
 * arrays) and whatever the format (VOTable, CSV, ECSV, FITS).
 *
 * @module
 */
import {
  Bool,
  type Data,
  type DataType,
  Field,
  Float64,
  Int64,
  makeData,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Type,
  Utf8,
  type Vector,
} from "apache-arrow";
import {
  BoolBuilder,
  finishBatch,
  Float64Builder,
  Int64Builder,
  Utf8Builder,
} from "../table/builders.ts";
import { toFieldMetadata } from "../table/metadata.ts";
import {
  arrayAt,
  bigintAt,
  boolArrayAt,
  boolsOf,
  column,
  floatsOf,
  int64Reader,
  numberAt,
  paramValue,
  requireColumn,
} from "./columns.ts";
import { gaiaTimeToUnixMs } from "./gaia_time.ts";

const f = (
  name: string,
  type: ConstructorParameters<typeof Field>[1],
  meta: Record<string, string>,
) => new Field(name, type, true, toFieldMetadata({ name, ...meta }));

/** The schema of {@linkcode epochPhotometry} tables. */
export const EPOCH_PHOTOMETRY_SCHEMA: Schema = new Schema([
  f("source_id", new Int64(), { ucd: "meta.id;meta.main", description: "Gaia source identifier" }),
  f("transit_id", new Int64(), {
    ucd: "meta.id",
    description: "Transit identifier (null when not sent)",
  }),
  f("band", new Utf8(), { ucd: "instr.bandpass", description: "Photometric band: G, BP or RP" }),
  f("time", new Float64(), {
    unit: "d",
    ucd: "time.epoch",
    description: "Barycentric JD in TCB − 2455197.5 (Gaia time)",
  }),
  f("date", new TimestampMillisecond("UTC"), {
    ucd: "time.epoch",
    description: "The same barycentric instant as a UTC date (TCB→TDB→TT→TAI→UTC)",
  }),
  f("mag", new Float64(), { unit: "mag", ucd: "phot.mag", description: "Vega magnitude" }),
  f("flux", new Float64(), { unit: "e-/s", ucd: "phot.flux", description: "Flux" }),
  f("flux_error", new Float64(), {
    unit: "e-/s",
    ucd: "stat.error;phot.flux",
    description: "Flux error",
  }),
  f("flux_over_error", new Float64(), {
    ucd: "stat.snr",
    description: "Flux divided by its error",
  }),
  f("rejected_by_photometry", new Bool(), {
    ucd: "meta.code.qual",
    description: "Rejected by the photometric processing",
  }),
  f("rejected_by_variability", new Bool(), {
    ucd: "meta.code.qual",
    description: "Rejected by the variability processing",
  }),
]);

class Out {
  sid = new Int64Builder();
  tid = new Int64Builder();
  band = new Utf8Builder();
  time = new Float64Builder();
  date = new Int64Builder(new TimestampMillisecond("UTC") as unknown as Int64);
  mag = new Float64Builder();
  flux = new Float64Builder();
  err = new Float64Builder();
  foe = new Float64Builder();
  rp = new BoolBuilder();
  rv = new BoolBuilder();

  num(b: Float64Builder, x: number | null | undefined) {
    if (x === null || x === undefined || Number.isNaN(x)) b.appendNull();
    else b.append(x);
  }
  bool(b: BoolBuilder, x: boolean | null | undefined) {
    if (x === null || x === undefined) b.appendNull();
    else b.append(x);
  }
  row(
    sid: bigint | null,
    tid: bigint | null,
    band: string,
    time: number | null,
    mag: number | null,
    flux: number | null,
    err: number | null,
    foe: number | null,
    rp: boolean | null,
    rv: boolean | null,
  ) {
    if (sid === null) this.sid.appendNull();
    else this.sid.append(sid);
    if (tid === null) this.tid.appendNull();
    else this.tid.append(tid);
    this.values(band, time, mag, flux, err, foe, rp, rv);
  }
  /** The columns after source_id and transit_id (those appended by the caller). */
  values(
    band: string,
    time: number | null,
    mag: number | null,
    flux: number | null,
    err: number | null,
    foe: number | null,
    rp: boolean | null,
    rv: boolean | null,
  ) {
    this.band.appendString(band);
    this.num(this.time, time);
    if (time === null || Number.isNaN(time)) this.date.appendNull();
    else this.date.appendNumber(Math.round(gaiaTimeToUnixMs(time)));
    this.num(this.mag, mag);
    this.num(this.flux, flux);
    this.num(this.err, err);
    this.num(this.foe, foe ?? (flux !== null && err ? flux / err : null));
    this.bool(this.rp, rp);
    this.bool(this.rv, rv);
  }
  table(): Table {
    return new Table([
      finishBatch(EPOCH_PHOTOMETRY_SCHEMA, [
        this.sid,
        this.tid,
        this.band,
        this.time,
        this.date,
        this.mag,
        this.flux,
        this.err,
        this.foe,
        this.rp,
        this.rv,
      ]),
    ]);
  }
}

/** Reads band names straight from a Utf8 column's bytes (G, BP, RP), decoding only other text. */
function bandReader(v: Vector): (i: number) => string {
  if (v.type.typeId === Type.Utf8 && v.data.length === 1) {
    const d = v.data[0];
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    return (i) => {
      const a = offsets[i], b = offsets[i + 1];
      const n = b - a;
      if (n === 1 && (bytes[a] | 32) === 0x67) return "G";
      if (n === 2 && (bytes[a + 1] | 32) === 0x70) {
        const c = bytes[a] | 32;
        if (c === 0x62) return "BP";
        if (c === 0x72) return "RP";
      }
      return normaliseBand(String(v.get(i) ?? ""));
    };
  }
  return (i) => normaliseBand(String(v.get(i) ?? ""));
}

function normaliseBand(b: string): string {
  const u = b.trim().toUpperCase();
  return u === "G" || u === "BP" || u === "RP" ? u : b.trim();
}

/**
 * Turns an epoch photometry product into one row per observation:
 * `source_id, transit_id, band, time, date, mag, flux, flux_error,
 * flux_over_error, rejected_by_photometry, rejected_by_variability`.
 * `time` is Gaia time (days, BJD TCB − 2455197.5) and `date` the same
 * instant as a UTC timestamp.
 *
 * @param table the product as read (INDIVIDUAL/COMBINED rows or RAW arrays)
 * @param sourceId the source, when the product carries it only in its name
 * @throws {TypeError} ({@linkcode MissingColumnError}) when the table is not epoch photometry
 *
 * @example One observation per row
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { epochPhotometry } from "./epoch_photometry.ts";
 * const raw = tableFromArrays({
 *   source_id: new BigInt64Array([42n, 42n]),
 *   band: ["G", "BP"],
 *   time: new Float64Array([1700.5, 1700.5]),
 *   mag: new Float64Array([15.1, 15.6]),
 *   flux: new Float64Array([1000, 400]),
 *   flux_error: new Float64Array([10, 8]),
 *   rejected_by_photometry: [false, false],
 *   rejected_by_variability: [false, true],
 * });
 * const t = epochPhotometry(raw);
 * if (t.numRows !== 2 || t.getChild("band")!.get(1) !== "BP") throw new Error();
 * if (!(t.getChild("date")!.get(0) > Date.parse("2014-08-27"))) throw new Error();
 * ```
 */
export function epochPhotometry(table: Table, sourceId?: bigint): Table {
  const out = new Out();
  const bandCol = column(table, "band");
  const sidCol = column(table, "source_id");
  const fallbackSid = sourceId ?? parseSid(paramValue(table, "source_id"));
  if (bandCol) return observationRows(table, bandCol, fallbackSid);
  // RAW: one row per source, one array per band and quantity.
  const bands = [
    { band: "G", p: "g_transit_", q: "g_", flag: null },
    { band: "BP", p: "bp_", q: "bp_", flag: "photometry_flag_bp_reject" },
    { band: "RP", p: "rp_", q: "rp_", flag: "photometry_flag_rp_reject" },
  ];
  const found = bands.filter((b) => column(table, `${b.p}time`, `${b.q}obs_time`));
  if (found.length === 0) {
    throw new TypeError(
      `EPOCH_PHOTOMETRY product has neither a "band" column (one row per observation) nor per-band arrays such as "g_transit_time"; it has ${
        table.schema.fields.map((x) => x.name).join(", ")
      }`,
    );
  }
  const tids = column(table, "transit_id");
  for (let i = 0; i < table.numRows; i++) {
    const sid = sidCol ? bigintAt(sidCol, i) : fallbackSid ?? null;
    const tidArr = tids ? arrayAt(tids, i) : null;
    const tidBig = tids && tidArr ? bigArrayAt(tids, i) : null;
    for (const b of found) {
      const t = arrayAt(column(table, `${b.p}time`, `${b.q}obs_time`)!, i);
      if (!t) continue;
      const get = (...names: string[]) => {
        const c = column(table, ...names);
        return c ? arrayAt(c, i) : null;
      };
      const getB = (...names: string[]) => {
        const c = column(table, ...names);
        return c ? boolArrayAt(c, i) : null;
      };
      const mag = get(`${b.p}mag`, `${b.q}mag`);
      const flux = get(`${b.p}flux`, `${b.q}flux`);
      const err = get(`${b.p}flux_error`, `${b.q}flux_error`);
      const foe = get(`${b.p}flux_over_error`, `${b.q}flux_over_error`);
      const rp = getB(`${b.q}rejected_by_photometry`, ...(b.flag ? [b.flag] : []));
      const rv = getB(`${b.q}rejected_by_variability`, `variability_flag_${b.q}reject`);
      for (let k = 0; k < t.length; k++) {
        if (Number.isNaN(t[k])) continue; // no observation in this band at this transit
        out.row(
          sid,
          tidBig ? tidBig[k] ?? null : null,
          b.band,
          t[k],
          mag ? mag[k] : null,
          flux ? flux[k] : null,
          err ? err[k] : null,
          foe ? foe[k] : null,
          rp ? rp[k] ?? null : null,
          rv ? rv[k] ?? null : null,
        );
      }
    }
  }
  return out.table();
}

/**
 * The INDIVIDUAL/COMBINED layout (one row per observation), column by
 * column. A column that is already what the tidy table holds (Int64 ids,
 * G/BP/RP bands, Float64 values, Bool flags, in a table of one batch) is
 * shared with the table as read, not copied: only its NaNs become nulls
 * (a validity bitmap over the same values). `date` and `flux_over_error` are
 * always computed, and any other column is converted as the row-by-row
 * readers do.
 */
function observationRows(table: Table, bandCol: Vector, fallbackSid: bigint | undefined): Table {
  const n = table.numRows;
  const time = requireColumn(table, "EPOCH_PHOTOMETRY", "time", "obs_time", "transit_time");
  const mag = column(table, "mag");
  const flux = column(table, "flux");
  const err = column(table, "flux_error");
  const foe = column(table, "flux_over_error");
  const rp = column(table, "rejected_by_photometry");
  const rv = column(table, "rejected_by_variability");
  const tid = column(table, "transit_id");
  const sid = column(table, "source_id");
  const at = (typed: Float64Array | null, v: Vector | undefined, i: number) =>
    typed ? (Number.isNaN(typed[i]) ? null : typed[i]) : v ? numberAt(v, i) : null;

  const ids = (v: Vector | undefined, fallback: bigint | undefined): Data => {
    const shared = sharedData(v, isInt64);
    if (shared) return shared;
    const b = new Int64Builder();
    if (v) {
      const read = int64Reader(v);
      for (let i = 0; i < n; i++) read(i, b);
    } else if (fallback === undefined) { for (let i = 0; i < n; i++) b.appendNull(); }
    else for (let i = 0; i < n; i++) b.append(fallback);
    return b.finish();
  };
  const floats = (v: Vector | undefined): Data => {
    const shared = sharedData(v, isFloat64);
    if (shared) return nanAsNull(shared);
    const typed = v ? floatsOf(v) : null;
    const b = new Float64Builder();
    for (let i = 0; i < n; i++) {
      const x = at(typed, v, i);
      if (x === null || Number.isNaN(x)) b.appendNull();
      else b.append(x);
    }
    return b.finish();
  };
  const flags = (v: Vector | undefined): Data => {
    const shared = sharedData(v, (t) => t.typeId === Type.Bool);
    if (shared) return shared;
    const b = new BoolBuilder();
    const bits = v ? boolsOf(v) : null;
    for (let i = 0; i < n; i++) {
      const x = bits ? bits[i] : -1;
      if (x < 0) b.appendNull();
      else b.append(x === 1);
    }
    return b.finish();
  };
  const bands = (): Data => {
    const shared = sharedData(bandCol, (t) => t.typeId === Type.Utf8);
    if (shared && isGaiaBands(shared)) return shared;
    const b = new Utf8Builder();
    const read = bandReader(bandCol);
    for (let i = 0; i < n; i++) b.appendString(read(i));
    return b.finish();
  };
  // date and flux_over_error, written straight into their arrays (nulls as
  // the builders write them: zero words / NaN, and a validity bit).
  const T = numbers(time), O = numbers(foe), F = numbers(flux), E = numbers(err);
  const words = new Int32Array(2 * n);
  const ratio = new Float64Array(n);
  const dateValid = new Uint8Array((n + 7) >> 3), ratioValid = new Uint8Array((n + 7) >> 3);
  let dateNulls = 0, ratioNulls = 0;
  for (let i = 0; i < n; i++) {
    const t = numberOf(T, time, i);
    if (t !== t) dateNulls++;
    else {
      const ms = Math.round(gaiaTimeToUnixMs(t));
      const hi = Math.floor(ms / 4294967296);
      words[2 * i] = (ms - hi * 4294967296) | 0;
      words[2 * i + 1] = hi | 0;
      dateValid[i >> 3] |= 1 << (i & 7);
    }
    let x = numberOf(O, foe, i);
    if (x !== x) {
      const fl = numberOf(F, flux, i), e = numberOf(E, err, i);
      x = fl === fl && e === e && e !== 0 ? fl / e : NaN;
    }
    ratio[i] = x;
    if (x !== x) ratioNulls++;
    else ratioValid[i >> 3] |= 1 << (i & 7);
  }
  const date = makeData({
    type: new TimestampMillisecond("UTC"),
    length: n,
    nullCount: dateNulls,
    nullBitmap: dateNulls ? dateValid : undefined,
    data: new BigInt64Array(words.buffer),
  } as never) as Data;
  const foeData = makeData({
    type: new Float64(),
    length: n,
    nullCount: ratioNulls,
    nullBitmap: ratioNulls ? ratioValid : undefined,
    data: ratio,
  });
  const children = [
    ids(sid, fallbackSid),
    ids(tid, undefined),
    bands(),
    floats(time),
    date,
    floats(mag),
    floats(flux),
    floats(err),
    foeData,
    flags(rp),
    flags(rv),
  ];
  const data = makeData({
    type: new Struct(EPOCH_PHOTOMETRY_SCHEMA.fields),
    length: n,
    nullCount: 0,
    children,
  });
  return new Table([new RecordBatch(EPOCH_PHOTOMETRY_SCHEMA, data)]);
}

/** A numeric column read in place (one plain array and its validity bitmap), or its values copied as Float64 (NaN for null). */
interface Numbers {
  values: ArrayLike<number>;
  valid: Uint8Array | undefined;
}

function numbers(v: Vector | undefined): Numbers | null {
  if (!v) return null;
  if (v.data.length === 1) {
    const d = v.data[0];
    const values = d.values as unknown;
    if (d.offset === 0 && (values instanceof Float64Array || values instanceof Float32Array)) {
      return { values, valid: d.nullCount > 0 ? (d.nullBitmap as Uint8Array) : undefined };
    }
  }
  const f = floatsOf(v);
  return f ? { values: f, valid: undefined } : null;
}

/** Row `i` of a numeric column as a number, NaN for null (text columns read cell by cell). */
function numberOf(c: Numbers | null, v: Vector | undefined, i: number): number {
  if (c) {
    if (c.valid && ((c.valid[i >> 3] >> (i & 7)) & 1) === 0) return NaN;
    return c.values[i];
  }
  return v ? numberAt(v, i) ?? NaN : NaN;
}

const isInt64 = (t: DataType) =>
  t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth === 64 &&
  (t as unknown as { isSigned: boolean }).isSigned;
const isFloat64 = (t: DataType) =>
  t.typeId === Type.Float && (t as unknown as { precision: number }).precision === Precision.DOUBLE;

/** The column's one Data when it can be shared as is (one batch, not sliced, of the right type). */
function sharedData(v: Vector | undefined, ok: (t: DataType) => boolean): Data | undefined {
  if (!v || v.data.length !== 1) return undefined;
  const d = v.data[0];
  return d.offset === 0 && ok(d.type) ? d : undefined;
}

/** A Float64 Data whose NaNs are nulls: the same values, with a validity bitmap when needed. */
function nanAsNull(d: Data): Data {
  const v = d.values as Float64Array;
  const n = d.length;
  const valid = d.nullCount > 0 ? (d.nullBitmap as Uint8Array) : undefined;
  const isValid = (i: number) => !valid || ((valid[i >> 3] >> (i & 7)) & 1) === 1;
  let i = 0;
  while (i < n && (v[i] === v[i] || !isValid(i))) i++;
  if (i === n) return d; // no NaN that is not already null
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    if (v[k] === v[k] && isValid(k)) bits[k >> 3] |= 1 << (k & 7);
    else nulls++;
  }
  return makeData({
    type: d.type as Float64,
    length: n,
    nullCount: nulls,
    nullBitmap: bits,
    data: v,
  });
}

/** True when a Utf8 Data holds only the exact texts G, BP and RP (no nulls): shared as is. */
function isGaiaBands(d: Data): boolean {
  if (d.nullCount > 0) return false;
  const o = d.valueOffsets as Int32Array;
  const b = d.values as Uint8Array;
  for (let i = 0; i < d.length; i++) {
    const a = o[i], len = o[i + 1] - a;
    if (
      len === 1 ? b[a] !== 0x47 : len !== 2 || b[a + 1] !== 0x50 || (b[a] !== 0x42 && b[a] !== 0x52)
    ) {
      return false;
    }
  }
  return true;
}

function parseSid(v: string | undefined): bigint | undefined {
  return v !== undefined && /^\s*-?\d+\s*$/.test(v) ? BigInt(v.trim()) : undefined;
}

function bigArrayAt(v: ReturnType<typeof column> & object, i: number): Array<bigint | null> | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "string") {
    return x.replace(/^[([{]|[)\]}]$/g, "").trim().split(/[\s,]+/).map((p: string) =>
      /^-?\d+$/.test(p) ? BigInt(p) : null
    );
  }
  const out: Array<bigint | null> = [];
  for (let k = 0; k < x.length; k++) {
    const y = x.get(k);
    out.push(y === null || y === undefined ? null : BigInt(y));
  }
  return out;
}
