/**
 * Number and boolean parsing straight from bytes, for text formats (VOTable
 * TABLEDATA, CSV, ECSV, JSON). No string is made on the fast paths, and the
 * results are exact: integers beyond 2^53 are read into two 32-bit words,
 * never through a JS number, and floats round exactly as `Number()` does.
 *
 * Conventions: every function takes `(bytes, start, end)` (end exclusive),
 * skips ASCII whitespace around the value, and reports invalid text without
 * throwing (`NaN`, `false` or {@linkcode BOOL_INVALID}) so that the caller can
 * raise an error that says where the value was.
 *
 * @module
 */

const latin1 = new TextDecoder("latin1");

/** Powers of ten exactly representable as doubles (10^0 .. 10^22): one multiplication or division by them rounds correctly. */
export const POW10: readonly number[] = [
  1e0,
  1e1,
  1e2,
  1e3,
  1e4,
  1e5,
  1e6,
  1e7,
  1e8,
  1e9,
  1e10,
  1e11,
  1e12,
  1e13,
  1e14,
  1e15,
  1e16,
  1e17,
  1e18,
  1e19,
  1e20,
  1e21,
  1e22,
];

/** {@linkcode POW10} in a typed array (one element kind for the hot loops). */
const POW10_F64 = new Float64Array(POW10);

const TWO32 = 4294967296;

/** True for space, tab, CR and LF. */
export function isAsciiSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * Parses a decimal (or `0x` hexadecimal) integer. Returns `NaN` when the text
 * is not an integer or when its magnitude exceeds 2^53 (use
 * {@linkcode parseInt64Ascii} for 64-bit values).
 *
 * @param bytes The buffer holding the text.
 * @param start Index of the first byte.
 * @param end Index after the last byte.
 * @returns The integer, or `NaN` for empty, invalid or too large text.
 *
 * @example
 * ```ts
 * import { parseIntAscii } from "./ascii.ts";
 * const b = new TextEncoder().encode(" -42 ,0x1F");
 * if (parseIntAscii(b, 0, 5) !== -42) throw new Error("decimal");
 * if (parseIntAscii(b, 6, 10) !== 31) throw new Error("hex");
 * if (!Number.isNaN(parseIntAscii(b, 0, 6))) throw new Error("comma is not a digit");
 * ```
 */
export function parseIntAscii(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  if (start === end) return NaN;
  let neg = false;
  let c = bytes[start];
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    if (++start === end) return NaN;
  }
  let v = 0;
  if (
    end - start > 2 && bytes[start] === 0x30 && (bytes[start + 1] | 0x20) === 0x78
  ) {
    start += 2;
    if (end - start > 13) return NaN;
    for (let i = start; i < end; i++) {
      c = bytes[i];
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
      else return NaN;
      v = v * 16 + d;
    }
  } else {
    if (end - start > 16) return NaN;
    for (let i = start; i < end; i++) {
      c = bytes[i] - 0x30;
      if (c < 0 || c > 9) return NaN;
      v = v * 10 + c;
    }
  }
  if (v > Number.MAX_SAFE_INTEGER) return NaN;
  return neg ? -v : v;
}

/**
 * Parses a 64-bit integer exactly, without BigInt or a JS-number detour, into
 * two 32-bit words: `out[0]` the low word, `out[1]` the high word (two's
 * complement, as in a little-endian `BigInt64Array`). Accepts decimal and
 * `0x` hexadecimal text with an optional sign; hexadecimal text is read as a
 * 64-bit pattern (`0xFFFFFFFFFFFFFFFF` is -1 when signed).
 *
 * @param bytes The buffer holding the text.
 * @param start Index of the first byte.
 * @param end Index after the last byte.
 * @param out Receives the low and high words at indices 0 and 1.
 * @param unsigned Range check for `[0, 2^64)` instead of `[-2^63, 2^63)`.
 * @returns `false` (leaving `out` unspecified) for empty, invalid or out-of-range text.
 *
 * @example Words land where a BigInt64Array view expects them
 * ```ts
 * import { parseInt64Ascii } from "./ascii.ts";
 * const words = new Int32Array(2);
 * const b = new TextEncoder().encode("-9223372036854775808");
 * if (!parseInt64Ascii(b, 0, b.length, words)) throw new Error("valid");
 * const v = new BigInt64Array(words.buffer)[0];
 * if (v !== -9223372036854775808n) throw new Error(String(v));
 * ```
 */
export function parseInt64Ascii(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Int32Array,
  unsigned = false,
): boolean {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  if (start === end) return false;
  let neg = false;
  let c = bytes[start];
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    if (++start === end) return false;
  }
  let hi = 0;
  let lo = 0;
  let hex = false;
  if (end - start > 2 && bytes[start] === 0x30 && (bytes[start + 1] | 0x20) === 0x78) {
    hex = true;
    start += 2;
    while (start < end - 1 && bytes[start] === 0x30) start++;
    if (end - start > 16) return false;
    for (let i = start; i < end; i++) {
      c = bytes[i];
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
      else return false;
      hi = hi * 16 + Math.floor(lo / 0x10000000);
      lo = (lo % 0x10000000) * 16 + d;
    }
  } else {
    while (start < end - 1 && bytes[start] === 0x30) start++;
    const n = end - start;
    if (n > 20) return false;
    // The first (up to) 15 digits are exact in a double, read in 32-bit
    // blocks of 8 and 7; the last n - 15 (at most 5) are folded in with the
    // magnitude split into two 32-bit words.
    const head = n > 15 ? end - (n - 15) : end;
    const mid = Math.min(start + 8, head);
    let v = 0;
    for (let i = start; i < mid; i++) {
      c = bytes[i] - 0x30;
      if (c < 0 || c > 9) return false;
      v = v * 10 + c;
    }
    if (mid < head) {
      let b = 0;
      for (let i = mid; i < head; i++) {
        c = bytes[i] - 0x30;
        if (c < 0 || c > 9) return false;
        b = b * 10 + c;
      }
      v = v * POW10_F64[head - mid] + b;
    }
    hi = Math.floor(v / TWO32);
    lo = v - hi * TWO32;
    if (head < end) {
      let t = 0;
      for (let i = head; i < end; i++) {
        c = bytes[i] - 0x30;
        if (c < 0 || c > 9) return false;
        t = t * 10 + c;
      }
      const p10 = POW10_F64[end - head];
      const l = lo * p10 + t; // < 2^32 * 10^5 + 10^5 < 2^49: exact
      const carry = Math.floor(l / TWO32);
      lo = l - carry * TWO32;
      hi = hi * p10 + carry; // < 2^18 * 10^5 + 2^17: exact
      if (hi >= TWO32) return false;
    }
  }
  // (hi, lo) is the magnitude, both in [0, 2^32).
  if (unsigned) {
    if (neg && (hi !== 0 || lo !== 0)) return false;
  } else if (neg) {
    if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return false;
    // Two's complement negation.
    if (lo === 0) {
      hi = (TWO32 - hi) % TWO32;
    } else {
      lo = TWO32 - lo;
      hi = TWO32 - 1 - hi;
    }
  } else if (hi >= 0x80000000 && !hex) {
    // Hexadecimal text is a bit pattern: 0xFFFFFFFFFFFFFFFF is -1 for a signed long.
    return false;
  }
  out[0] = lo | 0;
  out[1] = hi | 0;
  return true;
}

const scratchWords = new Int32Array(2);
const scratchSigned = new BigInt64Array(scratchWords.buffer);
const scratchUnsigned = new BigUint64Array(scratchWords.buffer);

/**
 * Parses a 64-bit integer exactly into a `bigint` (a convenience over
 * {@linkcode parseInt64Ascii}; builders take the words directly).
 *
 * @param bytes The buffer holding the text.
 * @param start Index of the first byte.
 * @param end Index after the last byte.
 * @param unsigned Read as unsigned 64-bit.
 * @returns The value, or `undefined` for empty, invalid or out-of-range text.
 *
 * @example
 * ```ts
 * import { parseBigIntAscii } from "./ascii.ts";
 * const b = new TextEncoder().encode("5929246508730155392");
 * if (parseBigIntAscii(b, 0, b.length) !== 5929246508730155392n) throw new Error("inexact");
 * if (parseBigIntAscii(b, 0, 0) !== undefined) throw new Error("empty is not a number");
 * ```
 */
export function parseBigIntAscii(
  bytes: Uint8Array,
  start: number,
  end: number,
  unsigned = false,
): bigint | undefined {
  if (!parseInt64Ascii(bytes, start, end, scratchWords, unsigned)) return undefined;
  return unsigned ? scratchUnsigned[0] : scratchSigned[0];
}

/**
 * Parses a floating-point number with the exact result `Number()` gives for
 * the same text: a fast path (a mantissa below 2^53 and a power of ten within
 * ±22, where one IEEE operation rounds correctly), an exact path for 16 to 19
 * significant digits over a power of ten up to 10^22 (the 17-digit doubles
 * that shortest round-trip printers write), and a string fallback for the
 * rest. Understands `NaN`, `Inf`, `Infinity` (any case, signed).
 *
 * Returns `NaN` for invalid text too; when the result is `NaN` and that
 * matters, tell the two apart with {@linkcode isNanAscii}.
 *
 * @param bytes The buffer holding the text.
 * @param start Index of the first byte.
 * @param end Index after the last byte.
 * @returns The value, `NaN` for NaN text or for invalid or empty text.
 *
 * @example
 * ```ts
 * import { isNanAscii, parseFloatAscii } from "./ascii.ts";
 * const t = (s: string) => new TextEncoder().encode(s);
 * const x = t("0.1"), big = t("1.7976931348623157e308"), bad = t("1.2.3");
 * if (parseFloatAscii(x, 0, x.length) !== 0.1) throw new Error("0.1");
 * if (parseFloatAscii(big, 0, big.length) !== Number.MAX_VALUE) throw new Error("max");
 * if (!Number.isNaN(parseFloatAscii(bad, 0, bad.length))) throw new Error("invalid");
 * if (isNanAscii(bad, 0, bad.length)) throw new Error("invalid is not NaN text");
 * ```
 */
export function parseFloatAscii(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  if (start === end) return NaN;
  const s0 = start;
  let neg = false;
  let c = bytes[start];
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    if (++start === end) return NaN;
  }
  // The digits go into 32-bit blocks of 8 (short dependency chains), folded
  // into the double mantissa once per block: mant * 10^n + a.
  let mant = 0;
  let a = 0;
  let n = 0;
  let exp10 = 0;
  let i = start;
  // integer part
  for (; i < end; i++) {
    c = bytes[i];
    if (c < 0x30 || c > 0x39) break;
    a = a * 10 + (c - 0x30);
    if (++n === 8) {
      mant = mant * 1e8 + a;
      a = 0;
      n = 0;
    }
  }
  let any = i > start;
  if (i < end && bytes[i] === 0x2e) {
    const f0 = ++i;
    for (; i < end; i++) {
      c = bytes[i];
      if (c < 0x30 || c > 0x39) break;
      a = a * 10 + (c - 0x30);
      if (++n === 8) {
        mant = mant * 1e8 + a;
        a = 0;
        n = 0;
      }
    }
    exp10 = f0 - i;
    any ||= i > f0;
  }
  mant = mant * POW10_F64[n] + a;
  if (!any) return special(bytes, start, end, neg);
  const mantEnd = i;
  if (i < end) {
    c = bytes[i];
    if (c !== 0x65 && c !== 0x45) return NaN;
    i++;
    let eneg = false;
    if (i < end && (bytes[i] === 0x2d || bytes[i] === 0x2b)) {
      eneg = bytes[i] === 0x2d;
      i++;
    }
    if (i === end) return NaN;
    let e = 0;
    for (; i < end; i++) {
      c = bytes[i] - 0x30;
      if (c < 0 || c > 9) return NaN;
      if (e < 100000) e = e * 10 + c;
    }
    exp10 += eneg ? -e : e;
  }
  // Exact when the mantissa is an integer below 2^53 (every partial sum is at
  // most the final one, so it was accumulated exactly) and one multiplication
  // or division by an exact power of ten remains (Clinger).
  if (mant < 9007199254740992) {
    if (mant === 0) return neg ? -0 : 0;
    if (exp10 === 0) return neg ? -mant : mant;
    if (exp10 > 0 && exp10 <= 22) {
      const v = mant * POW10_F64[exp10];
      return neg ? -v : v;
    }
    if (exp10 < 0 && exp10 >= -22) {
      const v = mant / POW10_F64[-exp10];
      return neg ? -v : v;
    }
  }
  // 16 to 19 significant digits (17 is what shortest round-trip printers,
  // Java's and JavaScript's, often write) divided by at most 10^22.
  if (exp10 <= 0 && exp10 >= -22) {
    const v = longMantissa(bytes, start, mantEnd, -exp10);
    if (v === v) return neg ? -v : v;
  }
  // Exact fallback: the engine's own correctly rounded conversion.
  if (end - s0 <= 40) {
    // One flat string from the bytes (ASCII here: all of them were checked).
    return Number(String.fromCharCode.apply(null, bytes.subarray(s0, end) as unknown as number[]));
  }
  return Number(latin1.decode(bytes.subarray(s0, end)));
}

/** 2^27 + 1: Veltkamp's splitter (a double into two 26-bit halves). */
const SPLITTER = 134217729;
/** High and low halves of 10^k (k <= 22), for Dekker's exact product. */
const P10_HI = new Float64Array(23);
const P10_LO = new Float64Array(23);
for (let k = 0; k <= 22; k++) {
  const c = SPLITTER * POW10[k];
  P10_HI[k] = c - (c - POW10[k]);
  P10_LO[k] = POW10[k] - P10_HI[k];
}
const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);
/** Index of the high word of a double in `bitWords` (the platform's byte order). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The correctly rounded value of m / 10^k, where m is the decimal integer
 * written by the digits of `bytes[s..e)` ('.' skipped; at most 19
 * significant digits) and 0 <= k <= 22; NaN when that is not certain here
 * (the caller then asks the engine's own conversion).
 *
 * m = A * 10^t + B with A the first 15 significant digits (exact) and t <= 4,
 * held exactly as p1 + s2 (Dekker's product A * 10^t = p1 + p2, s2 = p2 + B).
 * The quotient q = p1 / 10^k is then corrected by the exactly computed
 * remainder (p1 - q * 10^k by Dekker's product and Sterbenz' lemma, plus
 * s2) divided by 10^k, whose error is below 2^-37 of an ulp; the rounded sum
 * is returned unless it lies within 2^-21 of an ulp of a rounding boundary
 * (a tie or a near tie).
 */
function longMantissa(bytes: Uint8Array, s: number, e: number, k: number): number {
  // Significant digits in 32-bit pieces: 8 in a1, 7 in a2, the rest in B.
  let a1 = 0;
  let a2 = 0;
  let B = 0;
  let n = 0;
  let i = s;
  while (i < e && (bytes[i] === 0x30 || bytes[i] === 0x2e)) i++;
  for (; i < e; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0) continue; // the '.'
    if (n < 8) a1 = a1 * 10 + d;
    else if (n < 15) a2 = a2 * 10 + d;
    else B = B * 10 + d;
    n++;
  }
  if (n > 19) return NaN;
  const A = n > 8 ? a1 * POW10_F64[n > 15 ? 7 : n - 8] + a2 : a1;
  const t = n > 15 ? n - 15 : 0;
  // A * 10^t = p1 + p2 exactly (Dekker); p1, p2, B and s2 are integers.
  const P = POW10_F64[t];
  const p1 = A * P;
  let c = SPLITTER * A;
  let h = c - (c - A);
  let l = A - h;
  const p2 = ((h * P10_HI[t] - p1) + h * P10_LO[t] + l * P10_HI[t]) + l * P10_LO[t];
  const s2 = p2 + B; // |p2| <= 2^10, B < 10^4: exact
  if (k === 0) return p1 + s2; // one rounding of the exact sum
  const D = POW10_F64[k];
  const q = p1 / D;
  // q * D = ph + pl exactly (Dekker).
  const ph = q * D;
  c = SPLITTER * q;
  h = c - (c - q);
  l = q - h;
  const pl = ((h * P10_HI[k] - ph) + h * P10_LO[k] + l * P10_HI[k]) + l * P10_LO[k];
  const r = ((p1 - ph) - pl) + s2; // p1 - ph exact (Sterbenz)
  const sum = q + r / D;
  const tail = (q - sum) + r / D; // q + r / D = sum + tail exactly (Fast2Sum)
  bits[0] = sum;
  const hi = bitWords[HI];
  const exp = (hi >>> 20) & 0x7ff;
  if (exp < 60 || exp > 2000) return NaN;
  const pow2 = (hi & 0xfffff) === 0 && bitWords[1 - HI] === 0;
  // Half an ulp of sum: 2^(exp - 1023 - 53).
  bitWords[1 - HI] = 0;
  bitWords[HI] = (exp - 53) << 20;
  const half = bits[0];
  const margin = half * 4.76837158203125e-7; // 2^-21
  if (tail >= 0 ? tail < half - margin : -tail < (pow2 ? half / 2 : half) - margin) return sum;
  return NaN;
}

function special(bytes: Uint8Array, start: number, end: number, neg: boolean): number {
  const n = end - start;
  const l0 = bytes[start] | 0x20;
  if (
    n === 3 && l0 === 0x6e && (bytes[start + 1] | 0x20) === 0x61 &&
    (bytes[start + 2] | 0x20) === 0x6e
  ) {
    return NaN;
  }
  if (l0 === 0x69 && (n === 3 || n === 8)) {
    const word = latin1.decode(bytes.subarray(start, end)).toLowerCase();
    if (word === "inf" || word === "infinity") return neg ? -Infinity : Infinity;
  }
  return NaN;
}

/**
 * True when the text is a NaN literal (`NaN`, `nan`, `+NaN`, `-nan`, with
 * optional surrounding whitespace), telling NaN apart from invalid text after
 * {@linkcode parseFloatAscii} returned `NaN`.
 *
 * @example
 * ```ts
 * import { isNanAscii } from "./ascii.ts";
 * const b = new TextEncoder().encode(" NaN ");
 * if (!isNanAscii(b, 0, b.length)) throw new Error("NaN");
 * ```
 */
export function isNanAscii(bytes: Uint8Array, start: number, end: number): boolean {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  if (start < end && (bytes[start] === 0x2d || bytes[start] === 0x2b)) start++;
  return end - start === 3 && (bytes[start] | 0x20) === 0x6e &&
    (bytes[start + 1] | 0x20) === 0x61 && (bytes[start + 2] | 0x20) === 0x6e;
}

/** {@linkcode parseBoolAscii} result: the text is true. */
export const BOOL_TRUE: number = 1;
/** {@linkcode parseBoolAscii} result: the text is false. */
export const BOOL_FALSE: number = 0;
/** {@linkcode parseBoolAscii} result: the text means null (empty or `?`). */
export const BOOL_NULL: number = -1;
/** {@linkcode parseBoolAscii} result: the text is not a boolean. */
export const BOOL_INVALID: number = -2;

/**
 * Parses a boolean as VOTable and CSV writers spell it: `true`/`false`,
 * `T`/`F`, `t`/`f`, `1`/`0` (any case), and `?` or empty text for null.
 *
 * @returns {@linkcode BOOL_TRUE}, {@linkcode BOOL_FALSE}, {@linkcode BOOL_NULL}
 *   or {@linkcode BOOL_INVALID}.
 *
 * @example
 * ```ts
 * import { BOOL_NULL, BOOL_TRUE, parseBoolAscii } from "./ascii.ts";
 * const b = new TextEncoder().encode("True,?");
 * if (parseBoolAscii(b, 0, 4) !== BOOL_TRUE) throw new Error("true");
 * if (parseBoolAscii(b, 5, 6) !== BOOL_NULL) throw new Error("null");
 * ```
 */
export function parseBoolAscii(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  const n = end - start;
  if (n === 0) return BOOL_NULL;
  const c = bytes[start] | 0x20;
  if (n === 1) {
    if (c === 0x74 || c === 0x31) return BOOL_TRUE; // t, 1
    if (c === 0x66 || c === 0x30) return BOOL_FALSE; // f, 0
    if (bytes[start] === 0x3f) return BOOL_NULL; // ?
    return BOOL_INVALID;
  }
  if (
    n === 4 && c === 0x74 && (bytes[start + 1] | 0x20) === 0x72 &&
    (bytes[start + 2] | 0x20) === 0x75 && (bytes[start + 3] | 0x20) === 0x65
  ) return BOOL_TRUE;
  if (
    n === 5 && c === 0x66 && (bytes[start + 1] | 0x20) === 0x61 &&
    (bytes[start + 2] | 0x20) === 0x6c && (bytes[start + 3] | 0x20) === 0x73 &&
    (bytes[start + 4] | 0x20) === 0x65
  ) return BOOL_FALSE;
  return BOOL_INVALID;
}
