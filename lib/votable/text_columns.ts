/**
 * The TABLEDATA fast path: reads one whole `<TR>` written the way archives
 * write it (`<TR>`, `<TD>value</TD>` or `<TD/>`, `</TR>`, whitespace between)
 * in a single pass, parsing each value straight from the bytes with a parser
 * chosen once per column, into a staging block of rows kept column by
 * column. Complete rows go to the builders in bulk (typed-array copies), so
 * a row that does not fit the fast path (an attribute, a comment, an entity,
 * CDATA, a namespace prefix, the end of the buffer) is left untouched for
 * the general scanner in tabledata.ts to read from its start.
 *
 * A value the fast parsers do not accept as certainly valid (`Inf`, hex, an
 * out-of-range integer, padded or invalid text, an array) makes its row go
 * to the builders on its own, that value through the general per-value
 * decoder (`appendText`), which gives the result or the error it always
 * gave. So the fast path changes no value, null or error.
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

/** Exact powers of ten 10^0 .. 10^22 in a typed array (a fixed element kind). */
const P10 = new Float64Array(POW10);

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
 * Parses a decimal floating-point number at `p` (whitespace around it
 * allowed) followed by `<`; stores it in `out[k]` and returns the index of
 * the `<`. `NaN` text (any case, signed) is stored as NaN, `Inf`/`Infinity`
 * as infinities. -1: not a number (garbage, entities, a blank cell): the
 * caller hands the cell to the general decoder. Exact: Clinger's fast path
 * (an integer mantissa below 2^53 and one operation with an exact power of
 * ten), else the exact {@linkcode parseFloatAscii}.
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
  const i0 = i;
  while (c >= 0x30 && c <= 0x39) {
    a = a * 10 + (c - 0x30);
    c = buf[++i];
    if (++n === 8) {
      mant = mant * 1e8 + a;
      a = 0;
      n = 0;
    }
  }
  let nd = i - i0;
  let exp10 = 0;
  const frac = c === 0x2e ? i + 1 : -1;
  if (frac >= 0) {
    c = buf[++i];
    while (c >= 0x30 && c <= 0x39) {
      a = a * 10 + (c - 0x30);
      c = buf[++i];
      if (++n === 8) {
        mant = mant * 1e8 + a;
        a = 0;
        n = 0;
      }
    }
    exp10 = frac - i;
    nd += i - frac;
  }
  mant = mant * P10[n] + a;
  // The common case: plain digits right before the '<'.
  if (c === LT && nd !== 0 && mant < TWO53 && exp10 >= -22) {
    const v = exp10 === 0 ? mant : mant / P10[-exp10];
    out[k] = neg ? -v : v;
    return i;
  }
  return floatRest(buf, p, i, mant, exp10, nd, frac, neg, out, k);
}

/**
 * The rest of {@linkcode fastFloat} (kept apart so that the common path stays
 * small): padding, NaN, Inf, an exponent, whitespace before the `<`, long
 * mantissas.
 * `i` is where the digits ended.
 */
function floatRest(
  buf: Uint8Array,
  p: number,
  i: number,
  mant: number,
  exp10: number,
  nd: number,
  frac: number,
  neg: boolean,
  out: Float64Array,
  k: number,
): number {
  let c = buf[i];
  if (nd === 0) {
    // Padding before the number: read what follows it (once; then not whitespace).
    if (WS[buf[p]] === 1) {
      let j = p;
      while (WS[buf[j]] === 1) j++;
      return buf[j] === LT ? -1 : fastFloat(buf, j, out, k);
    }
    // Inf, Infinity (any case, signed): the general parser's reading of the word.
    if (frac < 0 && (c | 0x20) === 0x69) {
      let j = i;
      while (((buf[j] | 0x20) >= 0x61 && (buf[j] | 0x20) <= 0x7a)) j++;
      const v = parseFloatAscii(buf, p, j);
      if (v !== v) return -1;
      c = buf[j];
      while (WS[c] === 1) c = buf[++j];
      if (c !== LT) return -1;
      out[k] = v;
      return j;
    }
    // NaN (any case, signed): stored as NaN, which the caller makes a null.
    if (frac >= 0 || (c | 0x20) !== 0x6e) return -1;
    if ((buf[i + 1] | 0x20) !== 0x61 || (buf[i + 2] | 0x20) !== 0x6e) return -1;
    i += 3;
    c = buf[i];
    while (WS[c] === 1) c = buf[++i];
    if (c !== LT) return -1;
    out[k] = NaN;
    return i;
  }
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
    let v = exp10 === 0 ? mant : exp10 > 0 ? mant * P10[exp10] : mant / P10[-exp10];
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
    a = a * P10[i - b0] + b;
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
    const p10 = P10[n];
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

/** Rows staged per block before they go to the builders in bulk, at most. */
export const FAST_BLOCK_ROWS = 512;
/** The first block's size: small tables do not pay for a large staging area. */
const FIRST_BLOCK_ROWS = 16;

/**
 * State of the fast path for one table: a staging block of
 * {@linkcode FastRows.blockRows} rows, column by column (cell `(row r,
 * column k)` at index `k * blockRows + r`), which grows to
 * {@linkcode FAST_BLOCK_ROWS} as blocks fill up.
 */
export class FastRows {
  readonly #specs: FieldSpec[];
  readonly #builders: ColumnBuilder[];
  readonly #plan: Uint8Array;
  /** Cell states (S_VALUE, S_NULL, S_TEXT). */
  #cell: Uint8Array;
  /** Numbers (floats, ints, booleans as 1/0). */
  #num: Float64Array;
  /** Int64 words: low at 2 * index, high at 2 * index + 1. */
  #words: Int32Array;
  /** Text spans (strings, and values left to the general decoder). */
  #span: Int32Array;
  /** Nulls staged per column since the last flush (0: skip the null pass). */
  readonly #nulls: Int32Array;
  /** Null sentinels: int columns (NaN for none), long columns. */
  readonly #nullInt: Float64Array;
  readonly #nullLong: Uint8Array;
  readonly #nullWords: Int32Array;
  /** Rows of the staging block. */
  blockRows = FIRST_BLOCK_ROWS;
  /** Cells of the last parsed row left to the general decoder. */
  textCells = 0;

  /** Prepares the per-column parsers for the table's fields and builders. */
  constructor(specs: FieldSpec[], builders: ColumnBuilder[]) {
    const nf = specs.length;
    const n = nf * FIRST_BLOCK_ROWS;
    this.#specs = specs;
    this.#builders = builders;
    this.#plan = new Uint8Array(nf);
    this.#nullInt = new Float64Array(nf).fill(NaN);
    this.#nullLong = new Uint8Array(nf);
    this.#nullWords = new Int32Array(2 * nf);
    for (let k = 0; k < nf; k++) {
      const spec = specs[k];
      this.#plan[k] = planOf(spec, builders[k]);
      if (spec.nullInt !== undefined) this.#nullInt[k] = spec.nullInt;
      if (spec.hasNullLong) {
        this.#nullLong[k] = 1;
        this.#nullWords[2 * k] = spec.nullLo;
        this.#nullWords[2 * k + 1] = spec.nullHi;
      }
    }
    this.#cell = new Uint8Array(n);
    this.#num = new Float64Array(n);
    this.#words = new Int32Array(2 * n);
    this.#span = new Int32Array(2 * n);
    this.#nulls = new Int32Array(nf);
  }

  /** Doubles the staging block (up to {@linkcode FAST_BLOCK_ROWS}); only between blocks. */
  #grow(): void {
    if (this.blockRows >= FAST_BLOCK_ROWS) return;
    this.blockRows *= 2;
    const n = this.#plan.length * this.blockRows;
    this.#cell = new Uint8Array(n);
    this.#num = new Float64Array(n);
    this.#words = new Int32Array(2 * n);
    this.#span = new Int32Array(2 * n);
  }

  /**
   * Reads the row starting at `p` (whitespace before `<TR>` allowed) into
   * row `r` of the staging block, and counts in {@linkcode textCells} the
   * values left to the general decoder. `lastLt` is the index of the last
   * `<` below `end` (so every byte loop stops inside the valid bytes).
   * Returns the index after `</TR>`, or -1 when the row is not one for the
   * fast path (what was staged in row `r` is then simply overwritten later;
   * the caller reads the row with the general scanner).
   */
  parse(buf: Uint8Array, p: number, end: number, lastLt: number, r: number): number {
    if (p > lastLt) return -1;
    let c = buf[p];
    while (WS[c] === 1) c = buf[++p];
    if (
      p + 4 >= end || c !== LT || buf[p + 1] !== CH_T || buf[p + 2] !== CH_R || buf[p + 3] !== GT
    ) return -1;
    p += 4;
    const nf = this.#plan.length;
    const plan = this.#plan;
    const cell = this.#cell;
    const num = this.#num;
    const words = this.#words;
    const span = this.#span;
    const nulls = this.#nulls;
    let text = 0;
    const stride = this.blockRows;
    for (let k = 0, x = r; k < nf; k++, x += stride) {
      if (p > lastLt) return -1;
      c = buf[p];
      while (WS[c] === 1) c = buf[++p];
      if (p + 4 >= end || c !== LT || buf[p + 1] !== CH_T || buf[p + 2] !== CH_D) return -1;
      c = buf[p + 3];
      if (c !== GT) {
        if (c === SLASH && buf[p + 4] === GT) {
          cell[x] = S_NULL;
          nulls[k]++;
          p += 5;
          continue;
        }
        return -1;
      }
      p += 4;
      if (p > lastLt) return -1;
      let q = -1;
      let st = S_VALUE;
      if (buf[p] === LT) {
        st = S_NULL;
        q = p;
      } else {
        switch (plan[k]) {
          case P_F64:
          case P_F32:
            q = fastFloat(buf, p, num, x);
            if (num[x] !== num[x]) st = S_NULL; // NaN text: a null scalar
            break;
          case P_I64:
            q = fastLong(buf, p, words, x);
            if (
              this.#nullLong[k] === 1 && words[2 * x] === this.#nullWords[2 * k] &&
              words[2 * x + 1] === this.#nullWords[2 * k + 1]
            ) st = S_NULL;
            break;
          case P_I32: {
            q = fastInt(buf, p, num, x);
            const v = num[x];
            if (v < -2147483648 || v > 2147483647) q = -1;
            else if ((num[x] = v | 0) === this.#nullInt[k]) st = S_NULL;
            break;
          }
          case P_I16: {
            q = fastInt(buf, p, num, x);
            const v = num[x];
            if (v < -32768 || v > 32767) q = -1;
            else if ((num[x] = (v << 16) >> 16) === this.#nullInt[k]) st = S_NULL;
            break;
          }
          case P_U8: {
            q = fastInt(buf, p, num, x);
            const v = num[x];
            if (v < 0 || v > 255) q = -1;
            else if (v === this.#nullInt[k]) st = S_NULL;
            break;
          }
          case P_BOOL:
            if (buf[p + 1] === LT) {
              c = buf[p];
              if (c === 0x54 || c === 0x74 || c === 0x31) num[x] = 1;
              else if (c === 0x46 || c === 0x66 || c === 0x30) num[x] = 0;
              else if (c === 0x3f) st = S_NULL;
              else break;
              q = p + 1;
            }
            break;
          case P_STR:
            q = textEnd(buf, p);
            if (q < 0) return -1;
            span[2 * x] = p;
            span[2 * x + 1] = q;
            break;
        }
        if (q < 0) {
          // Left to the general decoder (NaN in an array, hex, padding, a bad value...).
          q = textEnd(buf, p);
          if (q < 0) return -1;
          st = S_TEXT;
          text++;
          span[2 * x] = p;
          span[2 * x + 1] = q;
        }
      }
      cell[x] = st;
      if (st === S_NULL) nulls[k]++;
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
    this.textCells = text;
    return p + 5;
  }

  /**
   * Appends staged rows `[0, n)` (none of them with text cells) to the
   * builders in bulk, column by column; a full block makes the next one
   * larger.
   */
  flush(buf: Uint8Array, n: number): void {
    const nf = this.#plan.length;
    const plan = this.#plan;
    const builders = this.#builders;
    const num = this.#num;
    const nulls = this.#nulls;
    for (let k = 0; k < nf; k++) {
      const x0 = k * this.blockRows;
      let at: number;
      switch (plan[k]) {
        case P_F64: {
          const b = builders[k] as Float64Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(num.subarray(x0, x0 + n), at);
          break;
        }
        case P_F32: {
          const b = builders[k] as Float32Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(num.subarray(x0, x0 + n), at);
          break;
        }
        case P_I64: {
          const b = builders[k] as Int64Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(this.#words.subarray(2 * x0, 2 * (x0 + n)), 2 * at);
          break;
        }
        case P_I32: {
          const b = builders[k] as Int32Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(num.subarray(x0, x0 + n), at);
          break;
        }
        case P_I16: {
          const b = builders[k] as Int16Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(num.subarray(x0, x0 + n), at);
          break;
        }
        case P_U8: {
          const b = builders[k] as Uint8Builder;
          const a = b.extend(n);
          at = b.length - n;
          a.set(num.subarray(x0, x0 + n), at);
          break;
        }
        case P_BOOL: {
          const b = builders[k] as BoolBuilder;
          const a = b.extend(n);
          at = b.length - n;
          for (let r = 0; r < n; r++) {
            if (num[x0 + r] === 1) {
              const i = at + r;
              a[i >> 3] |= 1 << (i & 7);
            }
          }
          break;
        }
        case P_STR:
          at = this.#flushText(builders[k] as Utf8Builder, buf, x0, n);
          break;
        default: {
          // Only nulls reach a block in the other columns.
          const b = builders[k];
          for (let r = 0; r < n; r++) b.appendNull();
          nulls[k] = 0;
          continue;
        }
      }
      if (nulls[k] !== 0) {
        const cell = this.#cell;
        const b = builders[k] as Float64Builder;
        for (let r = 0; r < n; r++) if (cell[x0 + r] === S_NULL) b.setNull(at + r);
        nulls[k] = 0;
      }
    }
    if (n === this.blockRows) this.#grow();
  }

  /** Bulk-appends the staged strings of one column; returns the first new slot. */
  #flushText(b: Utf8Builder, buf: Uint8Array, x0: number, n: number): number {
    const span = this.#span;
    const cell = this.#cell;
    let bytes = 0;
    for (let r = 0; r < n; r++) {
      if (cell[x0 + r] !== S_NULL) bytes += span[2 * (x0 + r) + 1] - span[2 * (x0 + r)];
    }
    b.reserve(n, bytes);
    const at = b.length;
    const offsets = b.rawOffsets();
    const out = b.rawBytes();
    let o = offsets[at];
    for (let r = 0; r < n; r++) {
      const x = x0 + r;
      if (cell[x] !== S_NULL) {
        const s = span[2 * x], e = span[2 * x + 1];
        if (e - s < 64) {
          for (let i = s; i < e; i++) out[o++] = buf[i];
        } else {
          out.set(buf.subarray(s, e), o);
          o += e - s;
        }
      }
      offsets[at + r + 1] = o;
    }
    b.commitRaw(n);
    return at;
  }

  /**
   * Appends staged row `r` to the builders one value at a time. Values the
   * fast parsers left as text go through the general decoder, which may
   * throw the usual value error (so columns before it were appended, as in
   * the general path).
   */
  commitRow(buf: Uint8Array, r: number, ctx: ValueContext): void {
    const nf = this.#plan.length;
    const plan = this.#plan;
    const cell = this.#cell;
    const num = this.#num;
    const words = this.#words;
    const span = this.#span;
    const builders = this.#builders;
    const stride = this.blockRows;
    for (let k = 0, x = r; k < nf; k++, x += stride) {
      const st = cell[x];
      const pk = plan[k];
      if (st === S_NULL) builders[k].appendNull();
      else if (st === S_TEXT) {
        appendText(this.#specs[k], builders[k], buf, span[2 * x], span[2 * x + 1], ctx);
      } else {
        switch (pk) {
          case P_F64:
            (builders[k] as Float64Builder).append(num[x]);
            break;
          case P_F32:
            (builders[k] as Float32Builder).append(num[x]);
            break;
          case P_I64:
            (builders[k] as Int64Builder).appendWords(words[2 * x], words[2 * x + 1]);
            break;
          case P_I32:
            (builders[k] as Int32Builder).append(num[x]);
            break;
          case P_I16:
            (builders[k] as Int16Builder).append(num[x]);
            break;
          case P_U8:
            (builders[k] as Uint8Builder).append(num[x]);
            break;
          case P_BOOL:
            (builders[k] as BoolBuilder).append(num[x] === 1);
            break;
          case P_STR:
            (builders[k] as Utf8Builder).appendUtf8Bytes(buf, span[2 * x], span[2 * x + 1]);
            break;
        }
      }
    }
    this.#nulls.fill(0);
  }
}
