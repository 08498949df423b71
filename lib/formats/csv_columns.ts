/**
 * Turning delimited-text fields (byte spans found by the CSV tokenizer) into
 * Arrow columns: type inference for CSV without a schema, and one tight loop
 * per column type that parses bytes straight into the column builders of
 * `lib/table/builders.ts`. Shared by the CSV/TSV and ECSV readers.
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Field,
  type FixedSizeList,
  Float64,
  type Int,
  Int64,
  type List,
  Type,
  Utf8,
} from "apache-arrow";
import {
  BOOL_FALSE,
  BOOL_INVALID,
  BOOL_NULL,
  BOOL_TRUE,
  isNanAscii,
  parseBoolAscii,
  parseFloatAscii,
  parseInt64Ascii,
  parseIntAscii,
  POW10,
} from "../table/ascii.ts";
import type {
  BigIntBuilder,
  BoolBuilder,
  ColumnBuilder,
  FixedSizeListBuilder,
  ListBuilder,
  NumberBuilder,
  Utf8Builder,
} from "../table/builders.ts";
import { CsvSyntaxError, EcsvFormatError, JsonFormatError } from "./errors.ts";

/** Field spans of one batch, as the tokenizer leaves them. */
export interface FieldSpans {
  /** The bytes the spans point into. */
  buf: Uint8Array;
  /** Start of field `row * ncols + col`. */
  starts: Int32Array;
  /** End (exclusive) of each field. */
  ends: Int32Array;
  /** Bit 1: the field was quoted; bit 2: it holds doubled quotes to undo. */
  flags: Uint8Array;
  /** Fields per row. */
  ncols: number;
  /** Rows in the batch. */
  rows: number;
  /** 1-based line of each row (for error messages). */
  rowLine: Int32Array;
  /** Absolute byte offset of each row. */
  rowOffset: Float64Array;
  /** The quote byte (for undoing doubled quotes), or -1. */
  quote: number;
}

/** Flag bit: the field was quoted. */
export const QUOTED = 1;
/** Flag bit: the field contains doubled quotes. */
export const ESCAPED = 2;
/** Flag bit: a JSON string with backslash escapes (span inside the quotes). */
export const JSON_ESCAPED = 4;
/** Flag bit: a JSON `null` (or another explicit null token). */
export const NULL_TOKEN = 8;

/** How empty and sentinel fields are read. */
export interface NullRules {
  /** Unquoted field texts that mean null (the empty string included when listed). */
  nullValues: Uint8Array[];
  /** A quoted empty field (`""`) is null too, even in string columns (ECSV). */
  quotedEmptyIsNull: boolean;
  /** The text format, for error messages (`csv`, `tsv`, `ecsv`). */
  format: string;
}

/** Rows per block when filling columns: the block's text stays in the CPU cache. */
export const ROW_BLOCK = 1024;

const INFER_INT = 1;
const INFER_FLOAT = 2;
const INFER_BOOL = 4;
const INFER_STRING = 8;

/**
 * Infers the Arrow type of every column from the fields of a batch: Int64
 * when every value is an integer that fits, Float64 when every value is a
 * number, Bool for `true`/`false` (any case), Utf8 otherwise (also for
 * columns without a single value, and for integers beyond 64 bits, which
 * would lose digits as floats).
 *
 * @example
 * ```ts
 * import { CsvTokenizer } from "./csv_tokenizer.ts";
 * import { inferTypes } from "./csv_columns.ts";
 * const bytes = new TextEncoder().encode("5929246508730155392,1.5,true,x\n");
 * const tok = new CsvTokenizer({ delimiter: 0x2c, quote: 0x22, format: "csv" });
 * tok.setColumns(4, 10);
 * tok.scan(bytes, 0, bytes.length, true, 0);
 * const types = inferTypes(tok.spans, { nullValues: [new Uint8Array(0)], quotedEmptyIsNull: false, format: "csv" });
 * if (types.map(String).join() !== "Int64,Float64,Bool,Utf8") throw new Error(types.map(String).join());
 * ```
 */
export function inferTypes(spans: FieldSpans, rules: NullRules): DataType[] {
  const seen = new Uint8Array(spans.ncols);
  inferInto(spans, rules, seen);
  return inferredTypes(seen);
}

/**
 * Type inference a block of rows at a time: folds the fields of `spans` into
 * `seen` (one byte of INFER_* bits per column, zeros to begin with), so that
 * the rows need not all be held at once. {@linkcode inferredTypes} turns it
 * into types.
 */
export function inferInto(spans: FieldSpans, rules: NullRules, seen: Uint8Array): void {
  const rows = spans.rows, ncols = spans.ncols;
  // Row blocks, so that a block's text stays in cache across the column passes.
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let c = 0; c < ncols; c++) {
      const k = seen[c];
      if ((k & INFER_STRING) === 0) seen[c] = inferColumn(spans, rules, c, r0, r1, k);
    }
  }
}

/**
 * Folds rows `r0` to `r1` of column `c` into its INFER_* bits `k` (a
 * function of its own, so that the loop is optimised as a whole rather than
 * entered and left by on-stack replacement at every call).
 */
function inferColumn(
  spans: FieldSpans,
  rules: NullRules,
  c: number,
  r0: number,
  r1: number,
  k: number,
): number {
  const { buf, starts, ends, flags, ncols } = spans;
  const plain = rules.nullValues.length === 1 && rules.nullValues[0]!.length === 0;
  for (let r = r0; r < r1; r++) {
    const i = r * ncols + c;
    const s = starts[i], e = ends[i], fl = flags[i];
    if (fl === 0 && plain) {
      if (e === s) continue;
    } else {
      if (isNull(buf, s, e, fl, rules)) continue;
      // Quoted text is text, unless it is a number (some writers quote everything).
      if ((fl & QUOTED) !== 0 && e === s) return k | INFER_STRING;
    }
    k |= classify(buf, s, e, scratch);
    if (k & INFER_STRING) return k;
  }
  return k;
}

/** The column types that {@linkcode inferInto} found. */
export function inferredTypes(seen: Uint8Array): DataType[] {
  const ncols = seen.length;
  const out: DataType[] = [];
  for (let c = 0; c < ncols; c++) {
    const k = seen[c];
    if (k === 0 || k & INFER_STRING) out.push(new Utf8());
    else if (k === INFER_BOOL) out.push(new Bool());
    else if (k & INFER_BOOL) out.push(new Utf8());
    else if (k === INFER_INT) out.push(new Int64());
    else out.push(new Float64());
  }
  return out;
}

/**
 * Classifies one field by its syntax alone (no number is made): an integer
 * that fits 64 bits, a decimal or exponent number (or nan/inf), a true/false
 * word, or text.
 */
function classify(buf: Uint8Array, s: number, e: number, words: Int32Array): number {
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
  let i = s;
  if (i < e && (buf[i] === 0x2d || buf[i] === 0x2b)) i++;
  const digits0 = i;
  while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  let nd = i - digits0;
  if (i === e) {
    if (nd === 0) return INFER_STRING;
    if (nd <= 18) return INFER_INT;
    // 19 digits (source_id, solution_id): compared with 2^63 - 1 (or 2^63 when
    // negative) digit by digit; longer text (leading zeros) gets the exact
    // parse. An integer too large for 64 bits stays text (as a float it would
    // silently lose digits).
    if (nd === 19) return fitsInt64(buf, digits0, buf[s] === 0x2d) ? INFER_INT : INFER_STRING;
    return parseInt64Ascii(buf, s, e, words) ? INFER_INT : INFER_STRING;
  }
  if (buf[i] === 0x2e) {
    i++;
    const f0 = i;
    while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
    nd += i - f0;
  }
  if (nd > 0) {
    if (i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
      i++;
      if (i < e && (buf[i] === 0x2d || buf[i] === 0x2b)) i++;
      const x0 = i;
      while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
      if (i === x0) return INFER_STRING;
    }
    return i === e ? INFER_FLOAT : INFER_STRING;
  }
  if (isNanAscii(buf, s, e)) return INFER_FLOAT;
  const n = e - digits0;
  if ((n === 3 || n === 8) && (buf[digits0] | 0x20) === 0x69 && parseFloatAscii(buf, s, e) !== 0) {
    const v = parseFloatAscii(buf, s, e);
    if (v === Infinity || v === -Infinity) return INFER_FLOAT;
  }
  if ((e - s === 4 || e - s === 5) && isBoolWord(buf, s, e)) return INFER_BOOL;
  return INFER_STRING;
}

/** Digits of 2^63 - 1; the last one is 8 for -2^63. */
const INT64_MAX_DIGITS = [9, 2, 2, 3, 3, 7, 2, 0, 3, 6, 8, 5, 4, 7, 7, 5, 8, 0, 7];

/** Whether the 19 digits at `at` are at most 2^63 - 1 (2^63 when `neg`). */
function fitsInt64(buf: Uint8Array, at: number, neg: boolean): boolean {
  for (let k = 0; k < 18; k++) {
    const d = buf[at + k] - 0x30, m = INT64_MAX_DIGITS[k];
    if (d !== m) return d < m;
  }
  return buf[at + 18] - 0x30 <= (neg ? 8 : 7);
}

function isBoolWord(buf: Uint8Array, s: number, e: number): boolean {
  const b = parseBoolAscii(buf, s, e);
  return b === BOOL_TRUE || b === BOOL_FALSE;
}

/**
 * Decimal text as tables write it (`-12.345`, `1.0205575E-13`), parsed in
 * one pass. While the digits form an integer below 2^53 (leading zeros do
 * not count) and the power of ten is within 10^±22, one multiplication or
 * division by an exact power of ten rounds correctly; other mantissas and
 * exponents go through `Number()` of the same characters (correctly rounded
 * too). Either way the result equals `Number(text)`. Other text (spaces,
 * nan, inf, junk) returns NaN for the general parser to handle.
 *
 * @example
 * ```ts
 * import { simpleDecimal } from "./csv_columns.ts";
 * const b = new TextEncoder().encode("-0.0739894547723047,1e-5,x");
 * if (simpleDecimal(b, 0, 19) !== -0.0739894547723047) throw new Error("decimal");
 * if (simpleDecimal(b, 20, 24) !== 1e-5) throw new Error("exponent");
 * if (!Number.isNaN(simpleDecimal(b, 25, 26))) throw new Error("junk");
 * ```
 */
export function simpleDecimal(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  // Digits are gathered 9 at a time in an int32 (cheap integer steps) and
  // folded into the double m once per group, so the slow floating-point
  // multiply-add chain runs once per 9 digits, not once per digit.
  let m = 0;
  let a = 0; // the current group of digits
  let k = 0; // digits in the group
  let c = 0;
  const d0 = i;
  for (; i < e; i++) {
    c = buf[i] - 0x30;
    if (c < 0 || c > 9) break;
    a = (a * 10 + c) | 0;
    if (++k === 9) {
      m = m * 1e9 + a;
      a = 0;
      k = 0;
    }
  }
  const digits = i - d0;
  let frac = 0;
  if (i < e && buf[i] === 0x2e) {
    const f0 = ++i;
    for (; i < e; i++) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      a = (a * 10 + c) | 0;
      if (++k === 9) {
        m = m * 1e9 + a;
        a = 0;
        k = 0;
      }
    }
    frac = i - f0;
  }
  if (digits + frac === 0) return NaN;
  m = m * POW10[k]! + a;
  // m is exact while below 2^53 (once a step rounds, m stays >= 2^53), so
  // leading zeros ("0.532911197374461") do not push 15-digit values off the
  // fast path; one IEEE operation by an exact power of ten then rounds correctly.
  if (i === e && m < 9007199254740992 && frac <= 22) {
    const v = frac === 0 ? m : m / POW10[frac]!;
    return neg ? -v : v;
  }
  if (i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 0x2d || buf[i] === 0x2b)) eneg = buf[i++] === 0x2d;
    const x0 = i;
    let x = 0;
    for (; i < e; i++) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) break;
      if (x < 10000) x = x * 10 + c;
    }
    if (i === x0) return NaN;
    const p = (eneg ? -x : x) - frac;
    if (i === e && m < 9007199254740992 && p >= -22 && p <= 22) {
      const v = p >= 0 ? m * POW10[p]! : m / POW10[-p]!;
      return neg ? -v : v;
    }
  }
  if (i !== e || e - s > 64) return NaN;
  // 16 to 19 significant digits (doubles written in full, 253.45840143189537):
  // rounded exactly without a string when that can be decided.
  const v = longDecimal(buf, s, e);
  if (v === v) return v;
  // Plain decimal syntax checked above, so Number() cannot take it for hex or trim spaces.
  return Number(String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]));
}

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
const P10 = new Float64Array(POW10);
/** 10^k (k <= 22) split into high and low halves, and 1e9 likewise, for exact products. */
const P10_HI = new Float64Array(23), P10_LO = new Float64Array(23);
for (let k = 0; k < 23; k++) {
  const c = SPLITTER * P10[k]!;
  P10_HI[k] = c - (c - P10[k]!);
  P10_LO[k] = P10[k]! - P10_HI[k]!;
}
const bits64 = new Float64Array(1);
const bits32 = new Uint32Array(bits64.buffer);
/** 2^-30: the margin by which a rounding decision must be clear (the residual's error is below 2^-40 of it). */
const MARGIN = 9.313225746154785e-10;

/**
 * A decimal `-?digits[.digits][e±digits]` (syntax already checked) whose
 * significant digits (16 to 19) make an integer m of at least 2^53, divided
 * by 10^k (0 <= k <= 22), rounded to the nearest double exactly as
 * `Number(text)`, or NaN when the text is out of that range or the rounding
 * is too close to call (a tie, a power of two): the caller then uses
 * `Number()`. The candidate q = m / 10^k in floating point is checked by the
 * exact residual m - q × 10^k (Dekker's exact products): q is the nearest
 * double when the residual is below half a unit in the last place of q
 * (times 10^k), else its neighbour is tried.
 *
 * @example
 * ```ts
 * import { longDecimal } from "./csv_columns.ts";
 * const b = new TextEncoder().encode("253.45840143189537,9007199254740993");
 * if (longDecimal(b, 0, 18) !== 253.45840143189537) throw new Error("exact");
 * // 2^53 + 1 is a tie between two doubles: left to Number().
 * if (!Number.isNaN(longDecimal(b, 19, 35))) throw new Error("tie");
 * ```
 */
export function longDecimal(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  // One pass: significant digits into a (the first 9) and b (up to 10 more),
  // fraction digits, exponent.
  let a = 0, b = 0, nd = 0, frac = 0, dot = false;
  for (; i < e; i++) {
    const c = buf[i];
    if (c === 0x2e) {
      dot = true;
      continue;
    }
    if (c === 0x65 || c === 0x45) break;
    if (dot) frac++;
    if (nd === 0 && c === 0x30) continue;
    if (nd < 9) a = a * 10 + (c - 0x30);
    else b = b * 10 + (c - 0x30);
    nd++;
  }
  if (nd < 16 || nd > 19) return NaN;
  let x = 0;
  if (i < e) {
    i++;
    let xneg = false;
    if (buf[i] === 0x2d || buf[i] === 0x2b) xneg = buf[i++] === 0x2d;
    for (; i < e; i++) {
      x = x * 10 + buf[i] - 0x30;
      if (x > 400) return NaN;
    }
    if (xneg) x = -x;
  }
  const k = frac - x;
  if (k < 0 || k > 22) return NaN;
  // m = a * 10^(nd - 9) + b = m1 + m2 exactly: P1 + e1 = a * 10^(nd - 9)
  // (exact product), m1 + t = P1 + b (exact sum).
  const sh = nd - 9;
  const P1 = a * P10[sh]!;
  let c = SPLITTER * a;
  const ah = c - (c - a), al = a - ah;
  const e1 = ((ah * P10_HI[sh]! - P1) + ah * P10_LO[sh]! + al * P10_HI[sh]!) + al * P10_LO[sh]!;
  const m1 = P1 + b;
  const bv = m1 - P1;
  const t = (P1 - (m1 - bv)) + (b - bv);
  const m2 = t + e1; // integers below 2^11: exact
  const D = P10[k]!;
  const q = m1 / D;
  // The residual m - q * D: P + err = q * D exactly, m1 - P exact (Sterbenz).
  c = SPLITTER * q;
  const qh = c - (c - q), ql = q - qh;
  const P = q * D;
  const err = ((qh * P10_HI[k]! - P) + qh * P10_LO[k]! + ql * P10_HI[k]!) + ql * P10_LO[k]!;
  let r = (m1 - P) + (m2 - err);
  bits64[0] = q;
  const top = bits32[1]!;
  const ex = (top >>> 20) & 0x7ff;
  // A power of two has a smaller gap below it: left to Number().
  if (((top & 0xfffff) === 0 && bits32[0] === 0) || ex <= 53 || ex === 0x7ff) return NaN;
  bits32[1] = (ex - 52) << 20;
  bits32[0] = 0;
  const ulp = bits64[0]!;
  const half = ulp * 0.5 * D; // exact: a power of two times D
  const ar = Math.abs(r);
  if (ar < half * (1 - MARGIN)) return neg ? -q : q;
  if (ar > half * (1 + MARGIN) && ar < half * (3 - MARGIN)) {
    const step = r > 0 ? ulp : -ulp;
    const q2 = q + step;
    bits64[0] = q2;
    const top2 = bits32[1]!;
    if (((top2 >>> 20) & 0x7ff) !== ex || ((top2 & 0xfffff) === 0 && bits32[0] === 0)) return NaN;
    r -= step * D;
    if (Math.abs(r) < half * (1 - MARGIN)) return neg ? -q2 : q2;
  }
  return NaN;
}

const TWO32 = 4294967296;

/**
 * Signed decimal integers of up to 19 digits (source_id, solution_id) into
 * two's complement words without a digit-by-digit carry: the text is split
 * into a head (all but the last 9 digits, < 2^34) and a tail (< 10^9), and
 * head × 10^9 + tail is formed exactly from 16-bit pieces. Returns false for
 * anything else (signs other than "-", spaces, hex, out of range), which the
 * general parser then handles or reports.
 *
 * @example
 * ```ts
 * import { int64Words } from "./csv_columns.ts";
 * const b = new TextEncoder().encode("-5929246508730155392");
 * const w = new Int32Array(2);
 * if (!int64Words(b, 0, b.length, w)) throw new Error("valid");
 * if (new BigInt64Array(w.buffer)[0] !== -5929246508730155392n) throw new Error("exact");
 * ```
 */
export function int64Words(buf: Uint8Array, s: number, e: number, out: Int32Array): boolean {
  let i = s;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  const n = e - i;
  if (n < 1 || n > 19) return false;
  let c = 0;
  if (n <= 9) {
    // Below 10^9: one int32.
    let v = 0;
    for (; i < e; i++) {
      c = buf[i] - 0x30;
      if (c < 0 || c > 9) return false;
      v = (v * 10 + c) | 0;
    }
    out[0] = neg ? -v | 0 : v;
    out[1] = neg && v !== 0 ? -1 : 0;
    return true;
  }
  // Digits in int32 groups: top (the 19th digit from the right), mid (up to 9), tail (9).
  const t0 = e - 9;
  const m0 = n > 18 ? i + 1 : i;
  let top = 0;
  if (m0 > i) {
    top = buf[i++] - 0x30;
    if (top < 0 || top > 9) return false;
  }
  let mid = 0;
  for (; i < t0; i++) {
    c = buf[i] - 0x30;
    if (c < 0 || c > 9) return false;
    mid = (mid * 10 + c) | 0;
  }
  let tail = 0;
  for (; i < e; i++) {
    c = buf[i] - 0x30;
    if (c < 0 || c > 9) return false;
    tail = (tail * 10 + c) | 0;
  }
  const head = top * 1e9 + mid; // < 10^10 < 2^34: exact
  // v = head * 1e9 + tail, head = hh * 2^16 + hl.
  const hh = Math.floor(head / 65536);
  const hl = head - hh * 65536;
  const a = hh * 1e9; // < 2^48: exact
  const b = hl * 1e9 + tail; // < 2^47: exact
  const aHigh = Math.floor(a / 65536);
  let lo = (a - aHigh * 65536) * 65536 + b;
  const carry = Math.floor(lo / TWO32);
  lo -= carry * TWO32;
  let hi = aHigh + carry;
  if (neg) {
    if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return false;
    if (lo === 0) hi = (TWO32 - hi) % TWO32;
    else {
      lo = TWO32 - lo;
      hi = TWO32 - 1 - hi;
    }
  } else if (hi >= 0x80000000) return false;
  out[0] = lo | 0;
  out[1] = hi | 0;
  return true;
}

/** True when the field is null under the rules. */
export function isNull(
  buf: Uint8Array,
  s: number,
  e: number,
  flag: number,
  rules: NullRules,
): boolean {
  if (flag & NULL_TOKEN) return true;
  if (flag & QUOTED) return e === s && rules.quotedEmptyIsNull;
  const n = e - s;
  const nv = rules.nullValues;
  for (let k = 0; k < nv.length; k++) {
    const v = nv[k];
    if (v.length !== n) continue;
    let eq = true;
    for (let j = 0; j < n; j++) {
      if (buf[s + j] !== v[j]) {
        eq = false;
        break;
      }
    }
    if (eq) return true;
  }
  return false;
}

/**
 * Checks that a type can be read from delimited text.
 * @throws {TypeError} naming the column for any other type.
 */
export function checkTextType(field: Field): void {
  const t = field.type as DataType;
  switch (t.typeId) {
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Utf8:
      return;
    case Type.List:
    case Type.FixedSizeList: {
      const child = (t as List | FixedSizeList).children[0]!.type as DataType;
      if (child.typeId === Type.Int || child.typeId === Type.Float || child.typeId === Type.Bool) {
        return;
      }
    }
  }
  throw new TypeError(
    `Column "${field.name}" has Arrow type ${
      String(t)
    }, which cannot be read from delimited text; ` +
      `use Bool, Int, Float, Utf8, or a List/FixedSizeList of numbers`,
  );
}

const scratch = new Int32Array(2);
let unescapeBuf = new Uint8Array(1024);

function unescaped(buf: Uint8Array, s: number, e: number, quote: number): [Uint8Array, number] {
  if (unescapeBuf.length < e - s) unescapeBuf = new Uint8Array((e - s) * 2);
  let n = 0;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    unescapeBuf[n++] = b;
    if (b === quote && buf[i + 1] === quote) i++;
  }
  return [unescapeBuf, n];
}

const utf8 = new TextDecoder();

function jsonString(
  buf: Uint8Array,
  s: number,
  e: number,
  spans: FieldSpans,
  rules: NullRules,
  r: number,
  c: number,
  field: Field,
): string {
  try {
    return JSON.parse('"' + utf8.decode(buf.subarray(s, e)) + '"');
  } catch {
    fail(spans, rules, r, c, field, "a valid JSON string (bad escape)");
  }
}

function fail(
  spans: FieldSpans,
  rules: NullRules,
  r: number,
  c: number,
  field: Field,
  what: string,
): never {
  const i = r * spans.ncols + c;
  const text = new TextDecoder().decode(
    spans.buf.subarray(spans.starts[i], Math.min(spans.ends[i], spans.starts[i] + 60)),
  );
  const message = `Value "${text}" in column "${field.name}" is not ${what}`;
  if (rules.format === "json") {
    // JSON rows have no useful line: rowLine holds the row index.
    throw new JsonFormatError(message, {
      offset: spans.rowOffset[r],
      element: `data[${spans.rowLine[r]}][${c}] (${field.name})`,
    });
  }
  const where = { line: spans.rowLine[r], offset: spans.rowOffset[r], element: field.name };
  if (rules.format === "ecsv") throw new EcsvFormatError(message, where);
  throw new CsvSyntaxError(message, where, rules.format);
}

/**
 * Appends column `c` of a batch of fields (rows `from` to `to`) to its
 * builder, parsing by the builder's type. Callers fill all columns a block
 * of rows at a time ({@linkcode appendRows}).
 *
 * @throws {CsvSyntaxError} for a value that is not of the column's type, with its line.
 */
export function appendColumn(
  spans: FieldSpans,
  c: number,
  field: Field,
  builder: ColumnBuilder,
  rules: NullRules,
  inferredFrom?: number,
  from = 0,
  to: number = spans.rows,
): void {
  const { buf, starts, ends, flags, ncols } = spans;
  const t = builder.type as DataType;
  // Only the empty unquoted field is null (CSV's default): no null-value compare.
  const plain = rules.nullValues.length === 1 && rules.nullValues[0]!.length === 0;
  const hint = inferredFrom
    ? ` (the type was inferred from the first ${inferredFrom} rows; pass "schema" or a larger "inferRows")`
    : "";
  switch (t.typeId) {
    case Type.Utf8: {
      const b = builder as Utf8Builder;
      for (let r = from; r < to; r++) {
        const i = r * ncols + c;
        const s = starts[i], e = ends[i], fl = flags[i];
        if (fl === 0 && plain) {
          // Unquoted, and only the empty field is null.
          if (e === s) b.appendNull();
          else b.appendUtf8Bytes(buf, s, e);
        } else if (isNull(buf, s, e, fl, rules)) b.appendNull();
        else if (fl & ESCAPED) {
          const [u, n] = unescaped(buf, s, e, spans.quote);
          b.appendUtf8Bytes(u, 0, n);
        } else if (fl & JSON_ESCAPED) {
          b.appendString(jsonString(buf, s, e, spans, rules, r, c, field));
        } else b.appendUtf8Bytes(buf, s, e);
      }
      return;
    }
    case Type.Float: {
      const b = builder as NumberBuilder;
      for (let r = from; r < to; r++) {
        const i = r * ncols + c;
        const s = starts[i], e = ends[i], fl = flags[i];
        if (e === s || (fl === 0 && plain ? false : isNull(buf, s, e, fl, rules))) {
          b.appendNull();
          continue;
        }
        let v = simpleDecimal(buf, s, e);
        if (v !== v) v = parseFloatAscii(buf, s, e);
        if (v === v) b.append(v);
        else if (isNanAscii(buf, s, e)) b.appendNull();
        else fail(spans, rules, r, c, field, `a number${hint}`);
      }
      return;
    }
    case Type.Int: {
      const it = t as Int;
      if (it.bitWidth === 64) {
        const b = builder as BigIntBuilder;
        const unsigned = !it.isSigned;
        for (let r = from; r < to; r++) {
          const i = r * ncols + c;
          const s = starts[i], e = ends[i], fl = flags[i];
          if (e === s || (fl === 0 && plain ? false : isNull(buf, s, e, fl, rules))) {
            b.appendNull();
          } else if (!unsigned && int64Words(buf, s, e, scratch)) {
            b.appendWords(scratch[0], scratch[1]);
          } else if (parseInt64Ascii(buf, s, e, scratch, unsigned)) {
            b.appendWords(scratch[0], scratch[1]);
          } else {fail(
              spans,
              rules,
              r,
              c,
              field,
              `${unsigned ? "an unsigned " : "a "}64-bit integer${hint}`,
            );}
        }
        return;
      }
      const b = builder as NumberBuilder;
      const bits = it.bitWidth;
      const min = it.isSigned ? -(2 ** (bits - 1)) : 0;
      const max = it.isSigned ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      for (let r = from; r < to; r++) {
        const i = r * ncols + c;
        const s = starts[i], e = ends[i], fl = flags[i];
        if (isNull(buf, s, e, fl, rules) || e === s) {
          b.appendNull();
          continue;
        }
        const v = parseIntAscii(buf, s, e);
        if (v >= min && v <= max) b.append(v);
        else fail(spans, rules, r, c, field, `an integer in [${min}, ${max}]${hint}`);
      }
      return;
    }
    case Type.Bool: {
      const b = builder as BoolBuilder;
      for (let r = from; r < to; r++) {
        const i = r * ncols + c;
        const s = starts[i], e = ends[i], fl = flags[i];
        if (isNull(buf, s, e, fl, rules)) {
          b.appendNull();
          continue;
        }
        const v = parseBoolAscii(buf, s, e);
        if (v === BOOL_TRUE) b.append(true);
        else if (v === BOOL_FALSE) b.append(false);
        else if (v === BOOL_NULL) b.appendNull();
        else if (v === BOOL_INVALID) fail(spans, rules, r, c, field, `a boolean${hint}`);
      }
      return;
    }
    case Type.List:
    case Type.FixedSizeList: {
      for (let r = from; r < to; r++) {
        const i = r * ncols + c;
        const s = starts[i], e = ends[i], fl = flags[i];
        if (isNull(buf, s, e, fl, rules)) {
          builder.appendNull();
          continue;
        }
        appendArrayText(
          spans,
          r,
          c,
          field,
          builder as ListBuilder | FixedSizeListBuilder,
          rules,
          s,
          e,
          fl,
        );
      }
      return;
    }
  }
  throw new TypeError(`Cannot read column "${field.name}" of type ${String(t)} from text`);
}

/**
 * Reads an array value written as text: items separated by spaces and/or
 * commas, optionally in `[...]` or `(...)` (VOTable TABLEDATA style, or JSON).
 */
/**
 * Appends all rows of a batch of fields to the builders, a block of rows at
 * a time for every column (the spans are row-major: filling one column over
 * the whole batch would miss the cache on every value).
 *
 * @example
 * ```ts
 * import { Field, Float64, Int64, makeVector, Schema } from "apache-arrow";
 * import { buildersFor } from "../table/builders.ts";
 * import { CsvTokenizer } from "./csv_tokenizer.ts";
 * import { appendRows } from "./csv_columns.ts";
 * const schema = new Schema([new Field("id", new Int64()), new Field("ra", new Float64())]);
 * const bytes = new TextEncoder().encode("64942654294589445,57.26\n1,\n");
 * const tok = new CsvTokenizer({ delimiter: 0x2c, quote: 0x22, format: "csv" });
 * tok.setColumns(2, 10);
 * tok.scan(bytes, 0, bytes.length, true, 0);
 * const builders = buildersFor(schema);
 * appendRows(tok.spans, schema.fields, builders, { nullValues: [new Uint8Array(0)], quotedEmptyIsNull: false, format: "csv" });
 * if (makeVector(builders[0]!.finish()).get(0) !== 64942654294589445n) throw new Error("id");
 * if (makeVector(builders[1]!.finish()).get(1) !== null) throw new Error("null");
 * ```
 */
export function appendRows(
  spans: FieldSpans,
  fields: readonly Field[],
  builders: readonly ColumnBuilder[],
  rules: NullRules,
  inferredFrom?: number,
): void {
  const rows = spans.rows;
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let c = 0; c < spans.ncols; c++) {
      appendColumn(spans, c, fields[c]!, builders[c]!, rules, inferredFrom, r0, r1);
    }
  }
}

function appendArrayText(
  spans: FieldSpans,
  r: number,
  c: number,
  field: Field,
  b: ListBuilder | FixedSizeListBuilder,
  rules: NullRules,
  s: number,
  e: number,
  fl: number,
): void {
  let buf = spans.buf;
  if (fl & ESCAPED) {
    const [u, n] = unescaped(buf, s, e, spans.quote);
    buf = u.slice(0, n);
    s = 0;
    e = n;
  }
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
  if (e > s && (buf[s] === 0x5b || buf[s] === 0x28)) {
    const close = buf[s] === 0x5b ? 0x5d : 0x29;
    if (buf[e - 1] !== close) fail(spans, rules, r, c, field, "an array (unbalanced brackets)");
    s++;
    e--;
  }
  const items = b.values;
  const t = items.type as DataType;
  let i = s;
  while (i < e) {
    // Separators: spaces, commas, and the brackets of nested arrays (flattened).
    while (i < e && isArraySep(buf[i])) i++;
    if (i >= e) break;
    let j = i;
    while (j < e && !isArraySep(buf[j])) j++;
    if (t.typeId === Type.Float) {
      const v = parseFloatAscii(buf, i, j);
      if (v === v) (items as NumberBuilder).append(v);
      else if (isNanAscii(buf, i, j) || (j - i === 4 && (buf[i] | 0x20) === 0x6e)) {
        (items as NumberBuilder).appendNull();
      } else fail(spans, rules, r, c, field, "an array of numbers");
    } else if (t.typeId === Type.Bool) {
      const v = j - i === 4 && buf[i] === 0x6e ? BOOL_NULL : parseBoolAscii(buf, i, j);
      if (v === BOOL_TRUE) (items as BoolBuilder).append(true);
      else if (v === BOOL_FALSE) (items as BoolBuilder).append(false);
      else if (v === BOOL_NULL) items.appendNull();
      else fail(spans, rules, r, c, field, "an array of booleans");
    } else {
      const it = t as Int;
      if (j - i === 4 && buf[i] === 0x6e && buf[i + 1] === 0x75) items.appendNull(); // null
      else if (it.bitWidth === 64) {
        if (parseInt64Ascii(buf, i, j, scratch, !it.isSigned)) {
          (items as BigIntBuilder).appendWords(scratch[0], scratch[1]);
        } else fail(spans, rules, r, c, field, "an array of 64-bit integers");
      } else {
        const v = parseIntAscii(buf, i, j);
        if (Number.isNaN(v)) fail(spans, rules, r, c, field, "an array of integers");
        (items as NumberBuilder).append(v);
      }
    }
    i = j;
  }
  try {
    b.commit();
  } catch (err) {
    if (err instanceof RangeError) {
      fail(spans, rules, r, c, field, `an array of ${(b as FixedSizeListBuilder).listSize} items`);
    }
    throw err;
  }
}

function isArraySep(b: number): boolean {
  return b === 0x20 || b === 0x2c || b === 0x09 || b === 0x5b || b === 0x5d || b === 0x28 ||
    b === 0x29;
}

/**
 * Makes column names unique (`ra`, `ra_2`), returning the new names; empty
 * names become `col<n>`.
 *
 * @example
 * ```ts
 * import { uniqueNames } from "./csv_columns.ts";
 * if (uniqueNames(["ra", "ra", ""]).join() !== "ra,ra_2,col3") throw new Error();
 * ```
 */
export function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n, i) => {
    let name = n === "" ? `col${i + 1}` : n;
    if (used.has(name)) {
      let k = 2;
      while (used.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    used.add(name);
    return name;
  });
}

/** A field of the given type whose metadata keeps the original name when it changed. */
export function textField(
  name: string,
  original: string,
  type: DataType,
  md?: Map<string, string>,
): Field {
  const m = new Map(md ?? []);
  if (name !== original) m.set("name", original);
  return new Field(name, type, true, m);
}
