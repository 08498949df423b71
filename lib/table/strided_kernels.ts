/**
 * Column kernels for big-endian binary rows (VOTable BINARY/BINARY2, FITS
 * BINTABLE): one column of `n` rows `rowSize` bytes apart, starting at byte
 * `p0 + off`, copied into a builder's typed array from `base` on, with the
 * rows that are null listed in `nulls` (the count is returned).
 *
 * A row is null when its value equals the column's null sentinel (VOTable
 * `VALUES null`, FITS `TNULL`; floats: NaN) or when its null flag is set:
 * `bin[p + maskByte] & maskBit`, the BINARY2 null bitmap (FITS and BINARY
 * pass `maskBit` 0). Every slot is written to `nulls` and only the count
 * moves: kernels with no branch that V8 has not seen before optimise early,
 * on-stack, and do not deoptimise on the first null or at the loop's exit.
 *
 * @module
 */

let nullScratch = new Int32Array(2048);

/**
 * A scratch array of at least `n` slots for a kernel's null list (shared,
 * valid until the next call).
 *
 * @example
 * ```ts
 * import { nullSlots } from "./strided_kernels.ts";
 * if (nullSlots(5000).length < 5000) throw new Error("too short");
 * ```
 */
export function nullSlots(n: number): Int32Array {
  if (nullScratch.length < n) nullScratch = new Int32Array(n);
  return nullScratch;
}

/**
 * double / D: NaN or a set null flag is null.
 *
 * @example
 * ```ts
 * import { float64Kernel, nullSlots } from "./strided_kernels.ts";
 * const bin = new Uint8Array(16);
 * const dv = new DataView(bin.buffer);
 * dv.setFloat64(0, 1.5);
 * dv.setFloat64(8, NaN);
 * const out = new Float64Array(2);
 * const nulls = nullSlots(2);
 * const k = float64Kernel(bin, dv, 0, 2, 8, 0, 0, 0, out, 0, nulls);
 * if (out[0] !== 1.5 || k !== 1 || nulls[0] !== 1) throw new Error("decoded");
 * ```
 */
export function float64Kernel(
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Float64Array,
  base: number,
  nulls: Int32Array,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const v = dv.getFloat64(p + off);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v !== v || (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/**
 * float / E: the 32 bits copied as an integer (a float32 NaN converted
 * through a double and back is several times slower, and Gaia columns are
 * often mostly NaN); NaN bit patterns and set null flags are null.
 *
 * @example
 * ```ts
 * import { float32Kernel, nullSlots } from "./strided_kernels.ts";
 * const bin = new Uint8Array(8);
 * const dv = new DataView(bin.buffer);
 * dv.setFloat32(0, 2.5);
 * dv.setFloat32(4, NaN);
 * const out = new Float32Array(2);
 * const k = float32Kernel(bin, dv, 0, 2, 4, 0, 0, 0, out, 0, nullSlots(2));
 * if (out[0] !== 2.5 || k !== 1) throw new Error("decoded");
 * ```
 */
export function float32Kernel(
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Float32Array,
  base: number,
  nulls: Int32Array,
): number {
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const v = dv.getInt32(p + off);
    bits[base + r] = v;
    nulls[k] = base + r;
    k += (v & 0x7fffffff) > 0x7f800000 || (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/**
 * long / K into an Int64 builder's 32-bit words (low, high). The null
 * sentinel is compared on the raw words (`noNull` 1: no sentinel); `flip` is
 * XORed into the high word after (0x80000000 for FITS unsigned, TZERO 2^63).
 *
 * @example
 * ```ts
 * import { int64Kernel, nullSlots } from "./strided_kernels.ts";
 * const bin = new Uint8Array(8);
 * new DataView(bin.buffer).setBigInt64(0, 9007199254740993n);
 * const words = new Int32Array(2);
 * int64Kernel(bin, new DataView(bin.buffer), 0, 1, 8, 0, 0, 0, words, 0, nullSlots(1), 0, 0, 1, 0);
 * if (new BigInt64Array(words.buffer)[0] !== 9007199254740993n) throw new Error("decoded");
 * ```
 */
export function int64Kernel(
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Int32Array,
  base: number,
  nulls: Int32Array,
  nullLo: number,
  nullHi: number,
  noNull: number,
  flip: number,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const hi = dv.getInt32(p + off);
    const lo = dv.getInt32(p + off + 4);
    const w = 2 * (base + r);
    out[w] = lo;
    out[w + 1] = hi ^ flip;
    nulls[k] = base + r;
    k += ((lo ^ nullLo) | (hi ^ nullHi) | noNull) === 0 || (bin[p + maskByte] & maskBit) !== 0
      ? 1
      : 0;
  }
  return k;
}

/**
 * int / J: the null sentinel `nul` (a value no int32 equals when there is
 * none) or a set null flag is null.
 *
 * @example
 * ```ts
 * import { int32Kernel, nullSlots } from "./strided_kernels.ts";
 * const bin = new Uint8Array(8);
 * const dv = new DataView(bin.buffer);
 * dv.setInt32(0, -7);
 * dv.setInt32(4, 99);
 * const out = new Int32Array(2);
 * const k = int32Kernel(bin, dv, 0, 2, 4, 0, 0, 0, out, 0, nullSlots(2), 99);
 * if (out[0] !== -7 || k !== 1) throw new Error("decoded");
 * ```
 */
export function int32Kernel(
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Int32Array,
  base: number,
  nulls: Int32Array,
  nul: number,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const v = dv.getInt32(p + off);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v === nul || (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/**
 * short / I: as {@linkcode int32Kernel}, 16 bits.
 *
 * @example
 * ```ts
 * import { int16Kernel, nullSlots } from "./strided_kernels.ts";
 * const bin = new Uint8Array([0xff, 0xfe]);
 * const out = new Int16Array(1);
 * int16Kernel(bin, new DataView(bin.buffer), 0, 1, 2, 0, 0, 0, out, 0, nullSlots(1), 0x10000);
 * if (out[0] !== -2) throw new Error("decoded");
 * ```
 */
export function int16Kernel(
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Int16Array,
  base: number,
  nulls: Int32Array,
  nul: number,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const v = dv.getInt16(p + off);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v === nul || (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/**
 * unsignedByte / B: as {@linkcode int32Kernel}, one byte (no DataView).
 *
 * @example
 * ```ts
 * import { nullSlots, uint8Kernel } from "./strided_kernels.ts";
 * const out = new Uint8Array(2);
 * const k = uint8Kernel(new Uint8Array([7, 255]), 0, 2, 1, 0, 0, 0, out, 0, nullSlots(2), 255);
 * if (out[0] !== 7 || k !== 1) throw new Error("decoded");
 * ```
 */
export function uint8Kernel(
  bin: Uint8Array,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
  nul: number,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const v = bin[p + off];
    out[base + r] = v;
    nulls[k] = base + r;
    k += v === nul || (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/**
 * boolean / bit (VOTable) and L (FITS): one byte a row into an Arrow
 * bitmap, through two 256-entry tables that say which byte values are true
 * and which are null (they differ by format: `T`/`F`/`?`, `1`/`0`, a bit's
 * top bit); a set null flag is null too.
 *
 * @example
 * ```ts
 * import { boolKernel, nullSlots } from "./strided_kernels.ts";
 * const isTrue = new Uint8Array(256), isNull = new Uint8Array(256).fill(1);
 * isTrue[0x54] = 1;
 * isNull[0x54] = isNull[0x46] = 0;
 * const out = new Uint8Array(1);
 * const bin = new TextEncoder().encode("TF?");
 * const k = boolKernel(bin, 0, 3, 1, 0, 0, 0, out, 0, nullSlots(3), isTrue, isNull);
 * if (out[0] !== 1 || k !== 1) throw new Error("decoded");
 * ```
 */
export function boolKernel(
  bin: Uint8Array,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
  isTrue: Uint8Array,
  isNull: Uint8Array,
): number {
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const c = bin[p + off];
    const i = base + r;
    out[i >> 3] |= isTrue[c] << (i & 7);
    nulls[k] = i;
    k += isNull[c] | ((bin[p + maskByte] & maskBit) !== 0 ? 1 : 0);
  }
  return k;
}
