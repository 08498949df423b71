/**
 * The fast path of the CSV engine: plain rows parsed straight from the bytes
 * into the column builders in one pass, with no field spans in between.
 *
 * A row is plain when it ends with LF or CRLF, no field is quoted (but text
 * without line ends or doubled quotes in a Utf8 column), every number has
 * the simple syntax tables write (`-12.5`, `1.02E-13`, `5929246508730155392`)
 * or is a null value (the empty field, `N/A` in TSV, ...), and every boolean
 * is `true` or `false`. The columns must be Float64, signed Int64, Utf8 or
 * Bool (what type inference gives, and what Gaia's CSV holds). At the first row that is not plain the
 * fast path stops before it, and the general tokenizer and column parsers of
 * `csv_tokenizer.ts` / `csv_columns.ts` read it: they give the same values
 * for plain rows, and handle (or report, with line and offset) everything
 * else. Values go to per-block scratch arrays first and reach the builders
 * only for whole rows, so a row left to the general path is never half
 * appended.
 *
 * @module
 */
import { Type } from "apache-arrow";
import { BOOL_FALSE, BOOL_TRUE, parseBoolAscii, POW10 } from "../table/ascii.ts";
import {
  type BigIntBuilder,
  BoolBuilder,
  type ColumnBuilder,
  Float64Builder,
  Utf8Builder,
} from "../table/builders.ts";
import { int64Words, longDecimal, type NullRules, simpleDecimal } from "./csv_columns.ts";

const LF = 0x0a;
const CR = 0x0d;

const F64 = 0;
const I64 = 1;
const UTF8 = 2;
const BOOL = 3;
/** A Utf8 column that must be empty (null) in every row: type inference saw no value in it yet. */
const NUL = 4;

/** Exact powers of ten, 10^0 to 10^22, as float64 loads. */
const P10 = new Float64Array(POW10);

/** 2^53: below it a double holds every integer exactly. */
const EXACT = 9007199254740992;

/**
 * Reads plain CSV rows a block at a time (see the module documentation).
 *
 * @example
 * ```ts
 * import { Field, Float64, Int64, Schema, Utf8 } from "apache-arrow";
 * import { buildersFor, finishBatch } from "../table/builders.ts";
 * import { CsvFastRows } from "./csv_fast.ts";
 * const schema = new Schema([
 *   new Field("id", new Int64()), new Field("ra", new Float64()), new Field("s", new Utf8()),
 * ]);
 * const builders = buildersFor(schema);
 * const rules = { nullValues: [new Uint8Array(0)], quotedEmptyIsNull: false, format: "csv" };
 * const fast = CsvFastRows.create(schema.fields, builders, 0x2c, 0x22, rules, 100)!;
 * const bytes = new TextEncoder().encode('5929246508730155392,45.5,"x, y"\n1,,\n2,"3",z\n');
 * const rows = fast.run(bytes, 0, bytes.length, 100);
 * // Two plain rows; the third has a quoted number, left for the general path.
 * if (rows !== 2 || fast.needMore) throw new Error(String(rows));
 * const batch = finishBatch(schema, builders);
 * if (batch.getChild("id")!.get(0) !== 5929246508730155392n) throw new Error("int64");
 * if (batch.getChild("s")!.get(0) !== "x, y") throw new Error("quoted text");
 * if (batch.getChild("ra")!.get(1) !== null || batch.getChild("s")!.get(1) !== null) throw new Error("nulls");
 * ```
 */
export class CsvFastRows {
  readonly #ncols: number;
  readonly #kinds: Uint8Array;
  /** Index of each column among the scratch arrays of its kind. */
  readonly #slot: Int32Array;
  readonly #builders: readonly ColumnBuilder[];
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #blockRows: number;
  readonly #f64: Float64Array;
  readonly #i64: Int32Array;
  readonly #strStart: Int32Array;
  readonly #strEnd: Int32Array;
  readonly #bool: Uint8Array;
  /** Null rows of each column (column c at c * blockRows), and their counts. */
  readonly #nulls: Int32Array;
  readonly #nullCount: Int32Array;
  readonly #words = new Int32Array(2);
  /** Whether the empty field is null (else it is "" in Utf8 columns, and other columns leave it to the general path). */
  readonly #emptyIsNull: boolean;
  /** The other null values, and a table of their first bytes. */
  readonly #tokens: Uint8Array[];
  readonly #tokenFirst = new Uint8Array(256);
  readonly #quotedEmptyIsNull: boolean;
  /** Index after the last row read by {@linkcode CsvFastRows.run}. */
  pos = 0;
  /** Whether `run` stopped because no complete row was left in the bytes. */
  needMore = false;

  private constructor(
    kinds: Uint8Array,
    builders: readonly ColumnBuilder[],
    delimiter: number,
    quote: number,
    blockRows: number,
    rules: NullRules,
  ) {
    const ncols = kinds.length;
    this.#emptyIsNull = rules.nullValues.some((v) => v.length === 0);
    this.#quotedEmptyIsNull = rules.quotedEmptyIsNull;
    // A null value holding a delimiter, line end or quote can never be a whole unquoted field.
    this.#tokens = rules.nullValues.filter((v) =>
      v.length > 0 && !v.some((x) => x === delimiter || x === LF || x === CR || x === quote)
    );
    for (const t of this.#tokens) this.#tokenFirst[t[0]!] = 1;
    this.#ncols = ncols;
    this.#kinds = kinds;
    this.#builders = builders;
    this.#delimiter = delimiter;
    this.#quote = quote;
    this.#blockRows = blockRows;
    this.#slot = new Int32Array(ncols);
    const count = [0, 0, 0, 0];
    for (let c = 0; c < ncols; c++) {
      const k = kinds[c] === NUL ? UTF8 : kinds[c]!;
      this.#slot[c] = count[k]!++;
    }
    this.#f64 = new Float64Array(count[F64]! * blockRows);
    this.#i64 = new Int32Array(count[I64]! * blockRows * 2);
    this.#strStart = new Int32Array(count[UTF8]! * blockRows);
    this.#strEnd = new Int32Array(count[UTF8]! * blockRows);
    this.#bool = new Uint8Array(count[BOOL]! * blockRows);
    this.#nulls = new Int32Array(ncols * blockRows);
    this.#nullCount = new Int32Array(ncols);
  }

  /**
   * A fast path for these columns, or undefined when a column type or the
   * null rules need the general path.
   *
   * @param fields The columns (their types).
   * @param builders Their builders (from `buildersFor`).
   * @param delimiter The delimiter byte (not a digit, letter, `.`, `-`, `+`, CR or LF).
   * @param quote The quote byte, or -1.
   * @param rules The null rules (null values are matched before any parsing,
   *   as the general path does; quoted fields are left to it).
   * @param blockRows The most rows one call of `run` reads.
   * @param nullOnly Columns (1) whose every field must be empty, or the row is
   *   left to the general path (they must be Utf8): while the types are
   *   inferred, a value in a column seen empty so far can change its type.
   */
  static create(
    fields: readonly { type: unknown }[],
    builders: readonly ColumnBuilder[],
    delimiter: number,
    quote: number,
    rules: NullRules,
    blockRows: number,
    nullOnly?: Uint8Array,
  ): CsvFastRows | undefined {
    if (
      (delimiter >= 0x30 && delimiter <= 0x39) || delimiter === 0x2e || delimiter === 0x2d ||
      delimiter === 0x2b || ((delimiter | 0x20) >= 0x61 && (delimiter | 0x20) <= 0x7a) ||
      delimiter === LF || delimiter === CR
    ) return undefined;
    // A quote that could start a number or word would be read as one here, not as a quote.
    const q = quote | 0x20;
    if (
      quote >= 0 &&
      ((quote >= 0x30 && quote <= 0x39) || (q >= 0x61 && q <= 0x7a) || quote === 0x2e ||
        quote === 0x2d || quote === 0x2b || quote === delimiter)
    ) return undefined;
    if (fields.length === 0 || fields.length !== builders.length) return undefined;
    const kinds = new Uint8Array(fields.length);
    for (let c = 0; c < fields.length; c++) {
      const t = fields[c]!.type as { typeId: number; bitWidth?: number; isSigned?: boolean };
      const b = builders[c]!;
      if (t.typeId === Type.Float && b instanceof Float64Builder) kinds[c] = F64;
      else if (
        t.typeId === Type.Int && t.bitWidth === 64 && t.isSigned === true &&
        typeof (b as BigIntBuilder).appendWords === "function"
      ) kinds[c] = I64;
      else if (t.typeId === Type.Utf8 && b instanceof Utf8Builder) {
        kinds[c] = nullOnly?.[c] ? NUL : UTF8;
      } else if (t.typeId === Type.Bool && b instanceof BoolBuilder) kinds[c] = BOOL;
      else return undefined;
    }
    return new CsvFastRows(kinds, builders, delimiter, quote, Math.max(1, blockRows), rules);
  }

  /**
   * Reads plain rows from `buf[pos..end)` into the builders: at most
   * `maxRows` (and the `blockRows` given to `create`), stopping before the
   * first row that is not plain or not complete. Sets `pos` to the index
   * after the rows read and `needMore` when it stopped at an incomplete row
   * (or no bytes). A last row without a line end is never read here.
   *
   * @returns The number of rows read.
   */
  run(buf: Uint8Array, pos: number, end: number, maxRows: number): number {
    this.needMore = false;
    // Every row read ends at or before the last LF, so the loops below stop
    // at an LF at the latest and need no bounds checks of their own.
    const lastLF = end > pos ? buf.lastIndexOf(LF, end - 1) : -1;
    if (lastLF < pos) {
      this.pos = pos;
      this.needMore = true;
      return 0;
    }
    const ncols = this.#ncols, kinds = this.#kinds, slot = this.#slot;
    const D = this.#delimiter, Q = this.#quote;
    const B = this.#blockRows;
    const f64 = this.#f64, i64 = this.#i64, strStart = this.#strStart, strEnd = this.#strEnd;
    const bools = this.#bool, nulls = this.#nulls, nullCount = this.#nullCount;
    const words = this.#words;
    const emptyIsNull = this.#emptyIsNull, tokenFirst = this.#tokenFirst;
    const hasTokens = this.#tokens.length > 0;
    const quotedEmptyIsNull = this.#quotedEmptyIsNull;
    const last = ncols - 1;
    nullCount.fill(0);
    const max = Math.min(maxRows, B);
    let r = 0;
    rows: while (r < max) {
      if (pos > lastLF) {
        this.needMore = true;
        break;
      }
      let p = pos;
      for (let c = 0; c < ncols; c++) {
        const k = kinds[c];
        const s = p;
        let b = buf[p];
        let isNull = false;
        if (b === D || b === LF || b === CR) {
          // The empty field: null, or (when it is not a null value) the empty
          // string in Utf8 columns; the general path decides for the others.
          if (emptyIsNull) isNull = true;
          else if (k !== UTF8) break rows;
        } else if (hasTokens && tokenFirst[b] === 1) {
          // A null value such as N/A (checked before any parsing, as isNull()).
          const n = this.#nullToken(buf, p, D);
          if (n > 0) {
            p += n;
            isNull = true;
          }
        }
        if (isNull) {
          nulls[c * B + nullCount[c]++] = r;
          if (k === F64) f64[slot[c] * B + r] = NaN;
          else if (k === I64) {
            const w = (slot[c] * B + r) * 2;
            i64[w] = 0;
            i64[w + 1] = 0;
          } else if (k === BOOL) bools[slot[c] * B + r] = 0;
          else {
            const j = slot[c] * B + r;
            strStart[j] = s;
            strEnd[j] = s;
          }
        } else if (k === F64) {
          // simpleDecimal inlined for the common case: digits in int32 groups of 9.
          let neg = false;
          if (b === 0x2d) {
            neg = true;
            p++;
          }
          let m = 0, a = 0, g = 0, d = 0;
          const d0 = p;
          for (;;) {
            d = buf[p] - 0x30;
            if (d < 0 || d > 9) break;
            a = (a * 10 + d) | 0;
            if (++g === 9) {
              m = m * 1e9 + a;
              a = 0;
              g = 0;
            }
            p++;
          }
          const digits = p - d0;
          let frac = 0;
          if (buf[p] === 0x2e) {
            const f0 = ++p;
            for (;;) {
              d = buf[p] - 0x30;
              if (d < 0 || d > 9) break;
              a = (a * 10 + d) | 0;
              if (++g === 9) {
                m = m * 1e9 + a;
                a = 0;
                g = 0;
              }
              p++;
            }
            frac = p - f0;
          }
          if (digits + frac === 0) {
            // nan (any case): null, as the general path reads it (ECSV writes it for nulls).
            if (
              !neg && (b | 0x20) === 0x6e && (buf[p + 1] | 0x20) === 0x61 &&
              (buf[p + 2] | 0x20) === 0x6e
            ) {
              p += 3;
              nulls[c * B + nullCount[c]++] = r;
              f64[slot[c] * B + r] = NaN;
            } else break rows;
          } else {
            m = m * P10[g] + a;
            b = buf[p];
            if (b === D || b === LF || b === CR) {
              if (m < EXACT && frac <= 22) {
                f64[slot[c] * B + r] = neg ? -(m / P10[frac]) : m / P10[frac];
              } else {
                // A long mantissa (a double written in full), syntax checked above.
                let v = longDecimal(buf, s, p);
                if (v !== v) v = simpleDecimal(buf, s, p);
                f64[slot[c] * B + r] = v;
              }
            } else {
              // An exponent (or junk): the general decimal parser over the field.
              while (b !== D && b !== LF && b !== CR) b = buf[++p];
              const v = simpleDecimal(buf, s, p);
              if (v !== v) break rows;
              f64[slot[c] * B + r] = v;
            }
          }
        } else if (k === I64) {
          const w = (slot[c] * B + r) * 2;
          if (b === 0x2d) p++;
          // Up to 9 digits in an int32 as they are read; longer ones by int64Words.
          const d0 = p;
          let v = 0, d = buf[p] - 0x30;
          while (d >= 0 && d <= 9) {
            v = (v * 10 + d) | 0;
            d = buf[++p] - 0x30;
            if (p - d0 === 9) break;
          }
          if (p === d0) break rows;
          if (d >= 0 && d <= 9) {
            while (buf[p] >= 0x30 && buf[p] <= 0x39) p++;
            if (!int64Words(buf, s, p, words)) break rows;
            i64[w] = words[0];
            i64[w + 1] = words[1];
          } else if (b === 0x2d) {
            i64[w] = -v | 0;
            i64[w + 1] = v === 0 ? 0 : -1;
          } else {
            i64[w] = v;
            i64[w + 1] = 0;
          }
        } else if (k === UTF8) {
          const j = slot[c] * B + r;
          if (b === Q) {
            // A quoted field without line ends or doubled quotes inside (the
            // general path takes those); a quoted null value is a value.
            let q = p + 1;
            while (buf[q] !== Q && buf[q] !== LF) q++; // the row's LF at the latest
            if (buf[q] !== Q || buf[q + 1] === Q) break rows;
            if (q === p + 1 && quotedEmptyIsNull) {
              nulls[c * B + nullCount[c]++] = r;
              strStart[j] = s;
              strEnd[j] = s;
            } else {
              strStart[j] = p + 1;
              strEnd[j] = q;
            }
            p = q + 1;
          } else {
            while (b !== D && b !== LF && b !== CR) b = buf[++p];
            strStart[j] = s;
            strEnd[j] = p;
          }
        } else if (k === BOOL) {
          while (b !== D && b !== LF && b !== CR) b = buf[++p];
          // Only the words true and false (any case), as type inference reads
          // them; "1", "t", ... are left to the general path.
          const w = p - s, c0 = buf[s] | 0x20;
          if (!(w === 4 && c0 === 0x74) && !(w === 5 && c0 === 0x66)) break rows;
          const v = parseBoolAscii(buf, s, p);
          if (v === BOOL_TRUE) bools[slot[c] * B + r] = 1;
          else if (v === BOOL_FALSE) bools[slot[c] * B + r] = 0;
          else break rows;
        } else break rows; // a value in a column that must be empty
        // The field's end: the delimiter, or the line end after the last field.
        b = buf[p];
        if (c < last) {
          if (b !== D) break rows;
          p++;
        } else if (b === LF) p++;
        else if (b === CR && buf[p + 1] === LF) p += 2;
        else break rows;
      }
      pos = p;
      r++;
    }
    // A row cut short above may have counted nulls: keep only those of whole rows.
    if (r > 0) this.#commit(buf, r);
    this.pos = pos;
    return r;
  }

  /** The length of the null value that is the whole field at `p`, or 0. */
  #nullToken(buf: Uint8Array, p: number, D: number): number {
    const tokens = this.#tokens;
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t]!;
      const n = tok.length;
      let j = 0;
      // Stops at the row's LF at the latest (no null value holds one).
      while (j < n && buf[p + j] === tok[j]) j++;
      if (j === n) {
        const b = buf[p + n];
        if (b === D || b === LF || b === CR) return n;
      }
    }
    return 0;
  }

  /** Appends the first `n` scratch rows to the builders. */
  #commit(buf: Uint8Array, n: number): void {
    // The loops over rows are functions of their own: V8 then optimises them
    // as a whole instead of entering and leaving them by on-stack replacement.
    const B = this.#blockRows;
    for (let c = 0; c < this.#ncols; c++) {
      const k = this.#kinds[c];
      const at = this.#slot[c]! * B;
      const builder = this.#builders[c]!;
      const len0 = builder.length;
      if (k === F64) {
        (builder as Float64Builder).extend(n).set(this.#f64.subarray(at, at + n), len0);
      } else if (k === I64) {
        (builder as BigIntBuilder).extend(n).set(
          this.#i64.subarray(at * 2, (at + n) * 2),
          len0 * 2,
        );
      } else if (k === BOOL) {
        setBools(this.#bool, at, n, (builder as BoolBuilder).extend(n), len0);
      } else {
        copyStrings(buf, this.#strStart, this.#strEnd, at, n, builder as Utf8Builder, len0);
        // Here, not at the end of copyStrings: code after a loop compiled on
        // the stack (OSR) has no type feedback yet and would deoptimise.
        (builder as Utf8Builder).commitRaw(n);
      }
      const nn = this.#nullCount[c];
      if (nn > 0) setNulls(this.#nulls, c * B, nn, n, builder as Float64Builder, len0);
    }
  }
}

/** Writes strings `buf[starts[at + r]..ends[at + r])`, r < n, after the `len0` values of a Utf8 builder (the caller commits them). */
function copyStrings(
  buf: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  at: number,
  n: number,
  b: Utf8Builder,
  len0: number,
): void {
  let bytes = 0;
  for (let r = 0; r < n; r++) bytes += ends[at + r] - starts[at + r];
  b.reserve(n, bytes);
  const offsets = b.rawOffsets(), dst = b.rawBytes();
  let o = offsets[len0];
  for (let r = 0; r < n; r++) {
    const s = starts[at + r], e = ends[at + r];
    if (e - s < 64) { for (let i = s; i < e; i++) dst[o++] = buf[i]; }
    else {
      dst.set(buf.subarray(s, e), o);
      o += e - s;
    }
    offsets[len0 + r + 1] = o;
  }
}

/** Sets the bits of the true values among `v[at..at + n)` (appended from slot `len0`). */
function setBools(v: Uint8Array, at: number, n: number, bits: Uint8Array, len0: number): void {
  for (let r = 0; r < n; r++) {
    if (v[at + r] !== 0) bits[(len0 + r) >> 3] |= 1 << ((len0 + r) & 7);
  }
}

/** Marks the null rows listed at `nulls[from..from + count)` that are below `n`. */
function setNulls(
  nulls: Int32Array,
  from: number,
  count: number,
  n: number,
  b: { setNull(i: number): void },
  len0: number,
): void {
  for (let j = from; j < from + count; j++) {
    const r = nulls[j];
    if (r < n) b.setNull(len0 + r);
  }
}
