/**
 * The TABLEDATA fast path: reads one whole `<TR>` written the way archives
 * write it (`<TR>`, `<TD>value</TD>` or `<TD/>`, `</TR>`, whitespace between)
 * in a single pass, parsing each value straight from the bytes with a parser
 * chosen once per column, into a one-row staging area. Only when the row is
 * complete are the values appended to the builders, so a row that does not
 * fit the fast path (an attribute, a comment, an entity, CDATA, a namespace
 * prefix, the end of the buffer) is left untouched for the general scanner
 * in tabledata.ts to read from its start.
 *
 * A value the fast parsers do not accept as certainly valid (`NaN`, hex, an
 * out-of-range integer, padded or invalid text) is handed at commit time to
 * the general per-value decoder (`appendText`), which gives the result or the
 * error it always gave. So the fast path changes no value, null or error.
 *
 * @module
 */
import {
  BoolBuilder,
  type ColumnBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  Int64Builder,
  Uint8Builder,
  Utf8Builder,
} from "../table/builders.ts";
import { parseFloatAscii, POW10 } from "../table/ascii.ts";
import { appendText, type ValueContext } from "./columns.ts";
import {
  type FieldSpec,
  K_BIT,
  K_BOOLEAN,
  K_DOUBLE,
  K_FLOAT,
  K_INT,
  K_LONG,
  K_SHORT,
  K_UBYTE,
} from "./fields.ts";

/** Per-column value parsers of the fast path. */
const P_GENERIC = 0, P_F64 = 1, P_F32 = 2, P_I64 = 3, P_I32 = 4, P_I16 = 5, P_U8 = 6;
const P_BOOL = 7, P_STR = 8;

/** Staged cell states. */
const S_VALUE = 0, S_NULL = 1, S_TEXT = 2;

const LT = 60, SLASH = 47, GT = 62;
const CH_T = 84, CH_D = 68, CH_R = 82;
const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

/** 1 for the XML whitespace bytes (space, tab, LF, CR), 0 for every other byte. */
const WS = new Uint8Array(256);
WS[0x20] =
  WS[0x09] =
  WS[0x0a] =
  WS[0x0d] =
    1;

/** Which fast parser a column gets; P_GENERIC when its builder is not the expected one. */
function planOf(spec: FieldSpec, b: ColumnBuilder): number {
  if (spec.isString) return b instanceof Utf8Builder ? P_STR : P_GENERIC;
  if (spec.isList) return P_GENERIC;
  switch (spec.kind) {
    case K_DOUBLE:
      return b instanceof Float64Builder ? P_F64 : P_GENERIC;
    case K_FLOAT:
      return b instanceof Float32Builder ? P_F32 : P_GENERIC;
    case K_LONG:
      return b instanceof Int64Builder ? P_I64 : P_GENERIC;
    case K_INT:
      return b instanceof Int32Builder ? P_I32 : P_GENERIC;
    case K_SHORT:
      return b instanceof Int16Builder ? P_I16 : P_GENERIC;
    case K_UBYTE:
      return b instanceof Uint8Builder ? P_U8 : P_GENERIC;
    case K_BOOLEAN:
    case K_BIT:
      return b instanceof BoolBuilder ? P_BOOL : P_GENERIC;
  }
  return P_GENERIC;
}

/**
 * Index of the `<` ending the cell text that starts at `p`, or -1 when the
 * text holds an entity (`&`). The caller guarantees a `<` at or after `p`.
 */
function textEnd(buf: Uint8Array, p: number): number {
  let c = buf[p];
  while (c !== LT) {
    if (c === 0x26) return -1;
    c = buf[++p];
  }
  return p;
}

/**
 * Parses a decimal floating-point number at `p` followed by optional
 * whitespace and `<`; stores it in `out[k]` and returns the index of the `<`.
 * -1: not plain decimal text (NaN, Inf, padding, garbage): the caller hands
 * the cell to the general decoder. Exact: Clinger's fast path (an integer
 * mantissa below 2^53 and one operation with an exact power of ten), else
 * the exact {@linkcode parseFloatAscii}.
 */
function fastFloat(buf: Uint8Array, p: number, out: Float64Array, k: number): number {
  let i = p;
  let c = buf[i];
  let neg = false;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = buf[++i];
  }
  // Digits go into 32-bit blocks of 8 (short dependency chains), folded into
  // the double mantissa once per block.
  let mant = 0;
  let a = 0;
  let n = 0;
  let nd = 0;
  let frac = -1;
  for (;;) {
    const d = c - 0x30;
    if (d >= 0 && d <= 9) {
      a = a * 10 + d;
      if (++n === 8) {
        mant = mant * 1e8 + a;
        a = 0;
        n = 0;
        nd += 8;
      }
    } else if (c === 0x2e && frac < 0) frac = i + 1;
    else break;
    c = buf[++i];
  }
  mant = mant * POW10[n] + a;
  nd += n;
  let exp10 = frac >= 0 ? frac - i : 0;
  if (nd === 0) return -1;
  if (c === 0x65 || c === 0x45) {
    c = buf[++i];
    let eneg = false;
    if (c === 0x2d || c === 0x2b) {
      eneg = c === 0x2d;
      c = buf[++i];
    }
    const e0 = i;
    let e = 0;
    while (c >= 0x30 && c <= 0x39) {
      if (e < 100000) e = e * 10 + (c - 0x30);
      c = buf[++i];
    }
    if (i === e0) return -1;
    exp10 += eneg ? -e : e;
  }
  const numEnd = i;
  while (WS[c] === 1) c = buf[++i];
  if (c !== LT) return -1;
  // Every partial mantissa is at most the final one, so a final mantissa
  // below 2^53 was accumulated exactly.
  if (mant < TWO53 && exp10 >= -22 && exp10 <= 22) {
    let v = exp10 === 0 ? mant : exp10 > 0 ? mant * POW10[exp10] : mant / POW10[-exp10];
    if (neg) v = -v;
    out[k] = v;
  } else {
    out[k] = parseFloatAscii(buf, p, numEnd);
  }
  return i;
}

/**
 * Parses a decimal 64-bit integer at `p` (followed by optional whitespace
 * and `<`) into `words[2k]` (low) and `words[2k+1]` (high), two's complement.
 * Returns the index of the `<`, or -1 (hexadecimal, out of range, invalid:
 * the general decoder decides).
 */
function fastLong(buf: Uint8Array, p: number, words: Int32Array, k: number): number {
  let i = p;
  let c = buf[i];
  let neg = false;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = buf[++i];
  }
  const i0 = i;
  // The first 15 digits (exact in a double), in 32-bit blocks of 8 and 7.
  let a = 0;
  while (c >= 0x30 && c <= 0x39 && i - i0 < 8) {
    a = a * 10 + (c - 0x30);
    c = buf[++i];
  }
  if (i === i0) return -1;
  if (c >= 0x30 && c <= 0x39) {
    const b0 = i;
    let b = 0;
    while (c >= 0x30 && c <= 0x39 && i - i0 < 15) {
      b = b * 10 + (c - 0x30);
      c = buf[++i];
    }
    a = a * POW10[i - b0] + b;
  }
  let hi: number, lo: number;
  if (c >= 0x30 && c <= 0x39) {
    // 16 to 20 digits: a (15 digits, exact) * 10^n + b in two 32-bit words.
    const j0 = i;
    let b = 0;
    while (c >= 0x30 && c <= 0x39) {
      b = b * 10 + (c - 0x30);
      c = buf[++i];
    }
    const n = i - j0;
    if (n > 5) return -1;
    const p10 = POW10[n];
    const ah = Math.floor(a / TWO32);
    const l = (a - ah * TWO32) * p10 + b; // < 2^49: exact
    const carry = Math.floor(l / TWO32);
    lo = l - carry * TWO32;
    hi = ah * p10 + carry;
    if (hi >= TWO32) return -1;
  } else {
    hi = Math.floor(a / TWO32);
    lo = a - hi * TWO32;
  }
  while (WS[c] === 1) c = buf[++i];
  if (c !== LT) return -1;
  if (neg) {
    if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return -1;
    if (lo === 0) {
      hi = (TWO32 - hi) % TWO32;
    } else {
      lo = TWO32 - lo;
      hi = TWO32 - 1 - hi;
    }
  } else if (hi >= 0x80000000) return -1;
  words[2 * k] = lo | 0;
  words[2 * k + 1] = hi | 0;
  return i;
}

/**
 * Parses a decimal integer of at most 10 digits at `p` (followed by optional
 * whitespace and `<`) into `out[k]` as the signed value. -1 otherwise.
 */
function fastInt(buf: Uint8Array, p: number, out: Float64Array, k: number): number {
  let i = p;
  let c = buf[i];
  let neg = false;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = buf[++i];
  }
  const i0 = i;
  let v = 0;
  while (c >= 0x30 && c <= 0x39) {
    v = v * 10 + (c - 0x30);
    c = buf[++i];
  }
  const nd = i - i0;
  if (nd === 0 || nd > 10) return -1;
  while (WS[c] === 1) c = buf[++i];
  if (c !== LT) return -1;
  out[k] = neg ? -v : v;
  return i;
}

/**
 * Internal, for tests: with `enabled` false, tables started afterwards read
 * every row with the general scanner (the reference the fast path is
 * compared with).
 */
export const fastRowsSwitch: { enabled: boolean } = { enabled: true };

/** State of the fast path for one table. */
export class FastRows {
  readonly #specs: FieldSpec[];
  readonly #builders: ColumnBuilder[];
  readonly #plan: Uint8Array;
  readonly #state: Uint8Array;
  readonly #num: Float64Array;
  readonly #words: Int32Array;
  readonly #span: Int32Array;

  /** Prepares the per-column parsers for the table's fields and builders. */
  constructor(specs: FieldSpec[], builders: ColumnBuilder[]) {
    const nf = specs.length;
    this.#specs = specs;
    this.#builders = builders;
    this.#plan = new Uint8Array(nf);
    for (let k = 0; k < nf; k++) this.#plan[k] = planOf(specs[k], builders[k]);
    this.#state = new Uint8Array(nf);
    this.#num = new Float64Array(nf);
    this.#words = new Int32Array(2 * nf);
    this.#span = new Int32Array(2 * nf);
  }

  /**
   * Reads the row starting at `p` (whitespace before `<TR>` allowed) into the
   * staging area. `lastLt` is the index of the last `<` below `end` (so
   * every byte loop stops inside the valid bytes). Returns the index after
   * `</TR>`, or -1 when the row is not one for the fast path (nothing staged
   * is kept; the caller reads the row with the general scanner).
   */
  parse(buf: Uint8Array, p: number, end: number, lastLt: number): number {
    if (p > lastLt) return -1;
    let c = buf[p];
    while (WS[c] === 1) c = buf[++p];
    if (
      p + 4 >= end || c !== LT || buf[p + 1] !== CH_T || buf[p + 2] !== CH_R || buf[p + 3] !== GT
    ) return -1;
    p += 4;
    const nf = this.#plan.length;
    const plan = this.#plan;
    const state = this.#state;
    const num = this.#num;
    const span = this.#span;
    for (let k = 0; k < nf; k++) {
      if (p > lastLt) return -1;
      c = buf[p];
      while (WS[c] === 1) c = buf[++p];
      if (p + 4 >= end || c !== LT || buf[p + 1] !== CH_T || buf[p + 2] !== CH_D) return -1;
      c = buf[p + 3];
      if (c !== GT) {
        if (c === SLASH && buf[p + 4] === GT) {
          state[k] = S_NULL;
          p += 5;
          continue;
        }
        return -1;
      }
      p += 4;
      if (p > lastLt) return -1;
      let q: number;
      if (buf[p] === LT) {
        state[k] = S_NULL;
        q = p;
      } else {
        switch (plan[k]) {
          case P_F64:
          case P_F32:
            q = fastFloat(buf, p, num, k);
            break;
          case P_I64:
            q = fastLong(buf, p, this.#words, k);
            break;
          case P_I32:
            q = fastInt(buf, p, num, k);
            if (num[k] < -2147483648 || num[k] > 2147483647) q = -1;
            break;
          case P_I16:
            q = fastInt(buf, p, num, k);
            if (num[k] < -32768 || num[k] > 32767) q = -1;
            break;
          case P_U8:
            q = fastInt(buf, p, num, k);
            if (num[k] < 0 || num[k] > 255) q = -1;
            break;
          case P_BOOL: {
            q = -1;
            if (buf[p + 1] === LT) {
              c = buf[p];
              if (c === 0x54 || c === 0x74 || c === 0x31) num[k] = 1;
              else if (c === 0x46 || c === 0x66 || c === 0x30) num[k] = 0;
              else if (c === 0x3f) num[k] = -1;
              else break;
              q = p + 1;
            }
            break;
          }
          case P_STR:
            q = textEnd(buf, p);
            if (q < 0) return -1;
            span[2 * k] = p;
            span[2 * k + 1] = q;
            break;
          default:
            q = -1;
        }
        if (q >= 0) state[k] = plan[k] === P_STR ? S_TEXT : S_VALUE;
        else {
          q = textEnd(buf, p);
          if (q < 0) return -1;
          state[k] = S_TEXT;
          span[2 * k] = p;
          span[2 * k + 1] = q;
        }
      }
      if (
        q + 4 >= end || buf[q + 1] !== SLASH || buf[q + 2] !== CH_T || buf[q + 3] !== CH_D ||
        buf[q + 4] !== GT
      ) return -1;
      p = q + 5;
    }
    if (p > lastLt) return -1;
    c = buf[p];
    while (WS[c] === 1) c = buf[++p];
    if (
      p + 4 >= end || c !== LT || buf[p + 1] !== SLASH || buf[p + 2] !== CH_T ||
      buf[p + 3] !== CH_R || buf[p + 4] !== GT
    ) return -1;
    return p + 5;
  }

  /**
   * Appends the staged row to the builders. Values the fast parsers left as
   * text go through the general decoder, which may throw the usual
   * value error (so columns before it were appended, as in the general path).
   */
  commit(buf: Uint8Array, ctx: ValueContext): void {
    const nf = this.#plan.length;
    const plan = this.#plan;
    const state = this.#state;
    const num = this.#num;
    const words = this.#words;
    const span = this.#span;
    const builders = this.#builders;
    for (let k = 0; k < nf; k++) {
      const st = state[k];
      const pk = plan[k];
      if (st === S_TEXT && pk !== P_STR) {
        appendText(this.#specs[k], builders[k], buf, span[2 * k], span[2 * k + 1], ctx);
        continue;
      }
      switch (pk) {
        case P_F64: {
          const b = builders[k] as Float64Builder;
          if (st === S_NULL) b.appendNull();
          else b.append(num[k]);
          break;
        }
        case P_F32: {
          const b = builders[k] as Float32Builder;
          if (st === S_NULL) b.appendNull();
          else b.append(num[k]);
          break;
        }
        case P_I64: {
          const b = builders[k] as Int64Builder;
          const spec = this.#specs[k];
          const lo = words[2 * k], hi = words[2 * k + 1];
          if (st === S_NULL || (spec.hasNullLong && lo === spec.nullLo && hi === spec.nullHi)) {
            b.appendNull();
          } else b.appendWords(lo, hi);
          break;
        }
        case P_I32: {
          const b = builders[k] as Int32Builder;
          const v = num[k];
          if (st === S_NULL) b.appendNull();
          else if ((v | 0) === this.#specs[k].nullInt) b.appendNull();
          else b.append(v | 0);
          break;
        }
        case P_I16: {
          const b = builders[k] as Int16Builder;
          const v = num[k];
          if (st === S_NULL) b.appendNull();
          else if (((v << 16) >> 16) === this.#specs[k].nullInt) b.appendNull();
          else b.append((v << 16) >> 16);
          break;
        }
        case P_U8: {
          const b = builders[k] as Uint8Builder;
          const v = num[k];
          if (st === S_NULL) b.appendNull();
          else if (v === this.#specs[k].nullInt) b.appendNull();
          else b.append(v);
          break;
        }
        case P_BOOL: {
          const b = builders[k] as BoolBuilder;
          const v = num[k];
          if (st === S_NULL || v < 0) b.appendNull();
          else b.append(v === 1);
          break;
        }
        case P_STR: {
          const b = builders[k] as Utf8Builder;
          if (st === S_NULL) b.appendNull();
          else b.appendUtf8Bytes(buf, span[2 * k], span[2 * k + 1]);
          break;
        }
        default:
          builders[k].appendNull();
      }
    }
  }
}
