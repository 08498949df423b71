/**
 * BINARY/BINARY2 values into the column builders: column-at-a-time decoders
 * for tables whose rows all have the same size (every FIELD fixed), and the
 * value-at-a-time {@linkcode appendBinary} for the rest (variable-length
 * arrays and strings, and the column shapes without a block decoder).
 *
 * A block decoder is chosen once per column: one tight loop over a block of
 * rows (stride = the row size) reading big-endian values through a DataView
 * and writing them straight into the builder's typed array (the builders'
 * `extend()`/`reserve()` bulk API), so no call per value and no call site
 * that sees more than one builder class. Nulls are the same as
 * {@linkcode appendBinary}'s: a BINARY2 null bit, a `VALUES null` sentinel, a
 * NaN scalar float.
 *
 * @module
 */
import {
  type BigIntBuilder,
  BoolBuilder,
  type ColumnBuilder,
  type FixedSizeListBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  type ListBuilder,
  type NumberBuilder,
  Uint8Builder,
  Utf8Builder,
} from "../table/builders.ts";
import {
  type FieldSpec,
  ITEM_BYTES,
  K_BIT,
  K_BOOLEAN,
  K_CHAR,
  K_DCOMPLEX,
  K_DOUBLE,
  K_FCOMPLEX,
  K_FLOAT,
  K_INT,
  K_LONG,
  K_SHORT,
  K_UBYTE,
} from "./fields.ts";
import {
  boolKernel,
  float32Kernel,
  float64Kernel,
  int16Kernel,
  int32Kernel,
  int64Kernel,
  nullSlots,
  uint8Kernel,
} from "../table/strided_kernels.ts";

const utf16 = new TextDecoder("utf-16be");

/**
 * Decodes one column of `n` rows starting at `bin[p0]`, `rowSize` bytes
 * apart, and appends the values to the column's builder.
 */
export type BlockDecoder = (
  bin: Uint8Array,
  dv: DataView,
  p0: number,
  n: number,
  rowSize: number,
) => void;

/**
 * Makes the block decoder of column `j` of a fixed-size row layout.
 *
 * @param spec The FIELD (fixed: `spec.binBytes >= 0`).
 * @param b Its builder (from `buildersFor` of the FIELD's Arrow type).
 * @param j Column index (its bit in the BINARY2 null bitmap).
 * @param off Byte offset of the value in the row (after the null bitmap).
 * @param binary2 Whether rows start with the null bitmap.
 */
export function blockDecoder(
  spec: FieldSpec,
  b: ColumnBuilder,
  j: number,
  off: number,
  binary2: boolean,
): BlockDecoder {
  const maskByte = j >> 3;
  // BINARY has no null flags: a zero mask never matches.
  const maskBit = binary2 ? 0x80 >> (j & 7) : 0;
  if (!spec.isList && !spec.isString) {
    switch (spec.kind) {
      case K_DOUBLE:
        if (b instanceof Float64Builder) return float64Decoder(b, off, maskByte, maskBit);
        break;
      case K_FLOAT:
        if (b instanceof Float32Builder) return float32Decoder(b, off, maskByte, maskBit);
        break;
      case K_LONG:
        return int64Decoder(b as BigIntBuilder, spec, off, maskByte, maskBit);
      case K_INT:
        if (b instanceof Int32Builder) {
          return int32Decoder(b, spec.nullInt ?? NaN, off, maskByte, maskBit);
        }
        break;
      case K_SHORT:
        if (b instanceof Int16Builder) {
          return int16Decoder(b, spec.nullInt ?? NaN, off, maskByte, maskBit);
        }
        break;
      case K_UBYTE:
        if (b instanceof Uint8Builder) {
          return uint8Decoder(b, spec.nullInt ?? NaN, off, maskByte, maskBit);
        }
        break;
      case K_BOOLEAN:
      case K_BIT:
        if (b instanceof BoolBuilder) {
          return boolDecoder(b, spec.kind === K_BIT, off, maskByte, maskBit);
        }
        break;
    }
  } else if (spec.isString && spec.kind === K_CHAR && spec.fixed >= 0 && b instanceof Utf8Builder) {
    return charDecoder(b, spec.fixed, off, maskByte, maskBit);
  }
  // Anything else (arrays, complex, unicodeChar): value by value.
  const n = spec.fixed;
  return (bin, dv, p0, rows, rowSize) => {
    for (let r = 0, p = p0; r < rows; r++, p += rowSize) {
      appendBinary(spec, b, dv, bin, p + off, n, (bin[p + maskByte] & maskBit) !== 0);
    }
  };
}

/*
 * Each column loop is a kernel of its own that touches only typed arrays and
 * the DataView, and returns how many nulls it found (their slots listed in
 * `nulls`, written unconditionally so that the loop has no branch V8 has not
 * seen run): V8 optimises it early, on-stack, and does not deoptimise it on
 * the first null or at the loop's exit. The builder calls are outside. The
 * numeric kernels are shared with FITS (lib/table/strided_kernels.ts); the
 * boolean and char ones below are VOTable's own.
 */

function float64Decoder(
  b: Float64Builder,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const k = float64Kernel(
      bin,
      dv,
      p0,
      n,
      rowSize,
      off,
      maskByte,
      maskBit,
      out,
      b.length - n,
      nulls,
    );
    if (k !== 0) b.setNulls(nulls, k);
  };
}

function float32Decoder(
  b: Float32Builder,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const k = float32Kernel(
      bin,
      dv,
      p0,
      n,
      rowSize,
      off,
      maskByte,
      maskBit,
      out,
      b.length - n,
      nulls,
    );
    if (k !== 0) b.setNulls(nulls, k);
  };
}

function int64Decoder(
  b: BigIntBuilder,
  spec: FieldSpec,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  const noNull = spec.hasNullLong ? 0 : 1;
  const nullLo = spec.nullLo, nullHi = spec.nullHi;
  return (bin, dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const k = int64Kernel(
      bin,
      dv,
      p0,
      n,
      rowSize,
      off,
      maskByte,
      maskBit,
      out,
      b.length - n,
      nulls,
      nullLo,
      nullHi,
      noNull,
      0,
    );
    if (k !== 0) b.setNulls(nulls, k);
  };
}

function int32Decoder(
  b: Int32Builder,
  nul: number,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const base = b.length - n;
    const k = int32Kernel(bin, dv, p0, n, rowSize, off, maskByte, maskBit, out, base, nulls, nul);
    if (k !== 0) b.setNulls(nulls, k);
  };
}

function int16Decoder(
  b: Int16Builder,
  nul: number,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const base = b.length - n;
    const k = int16Kernel(bin, dv, p0, n, rowSize, off, maskByte, maskBit, out, base, nulls, nul);
    if (k !== 0) b.setNulls(nulls, k);
  };
}

function uint8Decoder(
  b: Uint8Builder,
  nul: number,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, _dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const base = b.length - n;
    const k = uint8Kernel(bin, p0, n, rowSize, off, maskByte, maskBit, out, base, nulls, nul);
    if (k !== 0) b.setNulls(nulls, k);
  };
}

/** BINARY boolean bytes: T t 1 true, F f 0 false, anything else null; bit: the top bit. */
const BOOL_TRUE = new Uint8Array(256);
const BOOL_NULL = new Uint8Array(256).fill(1);
const BIT_TRUE = new Uint8Array(256);
const BIT_NULL = new Uint8Array(256);
for (const c of [0x54, 0x74, 0x31]) BOOL_TRUE[c] = 1;
for (const c of [0x54, 0x74, 0x31, 0x46, 0x66, 0x30]) BOOL_NULL[c] = 0;
for (let c = 0x80; c < 256; c++) BIT_TRUE[c] = 1;

function boolDecoder(
  b: BoolBuilder,
  bit: boolean,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  const isTrue = bit ? BIT_TRUE : BOOL_TRUE;
  const isNull = bit ? BIT_NULL : BOOL_NULL;
  return (bin, _dv, p0, n, rowSize) => {
    const out = b.extend(n);
    const nulls = nullSlots(n);
    const base = b.length - n;
    const k = boolKernel(
      bin,
      p0,
      n,
      rowSize,
      off,
      maskByte,
      maskBit,
      out,
      base,
      nulls,
      isTrue,
      isNull,
    );
    if (k !== 0) b.setNulls(nulls, k);
  };
}

/** Fixed-width char: the bytes up to the trailing NULs, copied as UTF-8. */
function charDecoder(
  b: Utf8Builder,
  width: number,
  off: number,
  maskByte: number,
  maskBit: number,
): BlockDecoder {
  return (bin, _dv, p0, n, rowSize) => {
    b.reserve(n, n * width);
    const nulls = nullSlots(n);
    const k = charKernel(
      bin,
      p0,
      n,
      rowSize,
      off,
      maskByte,
      maskBit,
      width,
      b.rawOffsets(),
      b.rawBytes(),
      b.length,
      nulls,
    );
    b.commitRaw(n);
    if (k !== 0) b.setNulls(nulls, k);
  };
}

/** Null rows get an empty slot. Copies four bytes at a time. */
function charKernel(
  bin: Uint8Array,
  p0: number,
  n: number,
  rowSize: number,
  off: number,
  maskByte: number,
  maskBit: number,
  width: number,
  offsets: Int32Array,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
): number {
  const src = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const dst = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = offsets[base];
  let k = 0;
  for (let r = 0, p = p0; r < n; r++, p += rowSize) {
    const isNull = (bin[p + maskByte] & maskBit) !== 0 ? 1 : 0;
    const s = p + off;
    // Without a null flag, the bytes up to the trailing NULs.
    let e = isNull === 0 ? s + width : s;
    while (e > s && bin[e - 1] === 0) e--;
    let q = s;
    for (; q + 4 <= e; q += 4) {
      dst.setInt32(at, src.getInt32(q));
      at += 4;
    }
    for (; q < e; q++) out[at++] = bin[q];
    offsets[base + r + 1] = at;
    nulls[k] = base + r;
    k += isNull;
  }
  return k;
}

/**
 * Byte length of one BINARY value of a variable-length field whose count is
 * `n` items.
 */
export function variableBytes(spec: FieldSpec, n: number): number {
  if (spec.kind === K_BIT) return (n + 7) >> 3;
  return n * ITEM_BYTES[spec.kind];
}

/**
 * Decodes one BINARY/BINARY2 value at `off` (the length prefix already read
 * for variable fields: `n` items) and appends it. `isNull` comes from the
 * BINARY2 bitmap. Returns the offset after the value.
 */
export function appendBinary(
  spec: FieldSpec,
  b: ColumnBuilder,
  dv: DataView,
  bytes: Uint8Array,
  off: number,
  n: number,
  isNull: boolean,
): number {
  const kind = spec.kind;
  if (!spec.isList && !spec.isString) {
    // Scalars (incl. complex pairs).
    switch (kind) {
      case K_DOUBLE: {
        const v = dv.getFloat64(off);
        if (isNull || v !== v) b.appendNull();
        else (b as NumberBuilder).append(v);
        return off + 8;
      }
      case K_FLOAT: {
        const v = dv.getFloat32(off);
        if (isNull || v !== v) b.appendNull();
        else (b as NumberBuilder).append(v);
        return off + 4;
      }
      case K_LONG: {
        const hi = dv.getInt32(off);
        const lo = dv.getInt32(off + 4);
        if (isNull || (spec.hasNullLong && lo === spec.nullLo && hi === spec.nullHi)) {
          b.appendNull();
        } else (b as BigIntBuilder).appendWords(lo, hi);
        return off + 8;
      }
      case K_INT: {
        const v = dv.getInt32(off);
        if (isNull || v === spec.nullInt) b.appendNull();
        else (b as NumberBuilder).append(v);
        return off + 4;
      }
      case K_SHORT: {
        const v = dv.getInt16(off);
        if (isNull || v === spec.nullInt) b.appendNull();
        else (b as NumberBuilder).append(v);
        return off + 2;
      }
      case K_UBYTE: {
        const v = bytes[off];
        if (isNull || v === spec.nullInt) b.appendNull();
        else (b as NumberBuilder).append(v);
        return off + 1;
      }
      case K_BOOLEAN: {
        const v = boolByte(bytes[off]);
        if (isNull || v < 0) b.appendNull();
        else (b as BoolBuilder).append(v === 1);
        return off + 1;
      }
      case K_BIT: {
        if (isNull) b.appendNull();
        else (b as BoolBuilder).append((bytes[off] & 0x80) !== 0);
        return off + 1;
      }
      case K_FCOMPLEX:
      case K_DCOMPLEX: {
        const fl = b as FixedSizeListBuilder<NumberBuilder>;
        const w = kind === K_FCOMPLEX ? 4 : 8;
        const re = w === 4 ? dv.getFloat32(off) : dv.getFloat64(off);
        const im = w === 4 ? dv.getFloat32(off + w) : dv.getFloat64(off + w);
        if (isNull || (re !== re && im !== im)) fl.appendNull();
        else {
          fl.values.append(re);
          fl.values.append(im);
          fl.commit();
        }
        return off + 2 * w;
      }
    }
  }
  if (spec.isString) {
    if (kind === K_CHAR) {
      let e = off + n;
      while (e > off && bytes[e - 1] === 0) e--;
      if (isNull) b.appendNull();
      else (b as Utf8Builder).appendUtf8Bytes(bytes, off, e);
      return off + n;
    }
    if (isNull) b.appendNull();
    else {
      let s = utf16.decode(bytes.subarray(off, off + 2 * n));
      let k = s.length;
      while (k > 0 && s.charCodeAt(k - 1) === 0) k--;
      if (k !== s.length) s = s.slice(0, k);
      (b as Utf8Builder).appendString(s);
    }
    return off + 2 * n;
  }
  // Arrays of n items.
  const size = kind === K_BIT ? (n + 7) >> 3 : n * ITEM_BYTES[kind];
  const list = b as ListBuilder | FixedSizeListBuilder;
  if (isNull) {
    list.appendNull();
    return off + size;
  }
  const items = list.values;
  // Numeric items (never null inside an array): written straight into the item array.
  switch (kind) {
    case K_DOUBLE:
      if (items instanceof Float64Builder) {
        const out = items.extend(n);
        const base = items.length - n;
        for (let k = 0; k < n; k++) out[base + k] = dv.getFloat64(off + 8 * k);
      } else {
        for (let k = 0; k < n; k++) (items as NumberBuilder).append(dv.getFloat64(off + 8 * k));
      }
      break;
    case K_FLOAT:
      if (items instanceof Float32Builder) {
        const out = items.extend(n);
        const base = items.length - n;
        for (let k = 0; k < n; k++) out[base + k] = dv.getFloat32(off + 4 * k);
      } else {
        for (let k = 0; k < n; k++) (items as NumberBuilder).append(dv.getFloat32(off + 4 * k));
      }
      break;
    case K_LONG: {
      const out = (items as BigIntBuilder).extend(n);
      const base = 2 * (items.length - n);
      for (let k = 0; k < n; k++) {
        out[base + 2 * k] = dv.getInt32(off + 8 * k + 4);
        out[base + 2 * k + 1] = dv.getInt32(off + 8 * k);
      }
      break;
    }
    case K_INT:
      if (items instanceof Int32Builder) {
        const out = items.extend(n);
        const base = items.length - n;
        for (let k = 0; k < n; k++) out[base + k] = dv.getInt32(off + 4 * k);
      } else {
        for (let k = 0; k < n; k++) (items as NumberBuilder).append(dv.getInt32(off + 4 * k));
      }
      break;
    case K_SHORT:
      if (items instanceof Int16Builder) {
        const out = items.extend(n);
        const base = items.length - n;
        for (let k = 0; k < n; k++) out[base + k] = dv.getInt16(off + 2 * k);
      } else {
        for (let k = 0; k < n; k++) (items as NumberBuilder).append(dv.getInt16(off + 2 * k));
      }
      break;
    case K_UBYTE:
      for (let k = 0; k < n; k++) (items as NumberBuilder).append(bytes[off + k]);
      break;
    case K_BOOLEAN:
      for (let k = 0; k < n; k++) {
        const v = boolByte(bytes[off + k]);
        if (v < 0) items.appendNull();
        else (items as BoolBuilder).append(v === 1);
      }
      break;
    case K_BIT:
      for (let k = 0; k < n; k++) {
        (items as BoolBuilder).append((bytes[off + (k >> 3)] & (0x80 >> (k & 7))) !== 0);
      }
      break;
    case K_FCOMPLEX:
    case K_DCOMPLEX: {
      const pairs = items as FixedSizeListBuilder<NumberBuilder>;
      const w = kind === K_FCOMPLEX ? 4 : 8;
      for (let k = 0; k < n; k++) {
        const o = off + 2 * w * k;
        pairs.values.append(w === 4 ? dv.getFloat32(o) : dv.getFloat64(o));
        pairs.values.append(w === 4 ? dv.getFloat32(o + w) : dv.getFloat64(o + w));
        pairs.commit();
      }
      break;
    }
  }
  (list as ListBuilder).commit();
  return off + size;
}

/** VOTable BINARY boolean byte: 1 true, 0 false, -1 null. */
function boolByte(c: number): number {
  if (c === 0x54 || c === 0x74 || c === 0x31) return 1; // T t 1
  if (c === 0x46 || c === 0x66 || c === 0x30) return 0; // F f 0
  return -1; // '?', ' ', NUL and anything else
}

/**
 * Decodes one column of `n` rows whose values sit at `pos[r * nf + j]` (the
 * bytes after a variable field's length prefix; `cnt` holds the item count
 * there) in rows starting at `starts[r]`: for tables with variable-length
 * fields, once their offsets are known.
 */
export type IndexedDecoder = (
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  cnt: Int32Array,
  starts: Int32Array,
  n: number,
) => void;

/**
 * Makes the indexed decoder of column `j` of `nf` (see {@linkcode IndexedDecoder}):
 * column loops for the scalar numbers, booleans and char strings, value by
 * value ({@linkcode appendBinary}) for the rest.
 */
export function indexedDecoder(
  spec: FieldSpec,
  b: ColumnBuilder,
  j: number,
  nf: number,
  binary2: boolean,
): IndexedDecoder {
  const maskByte = j >> 3;
  const maskBit = binary2 ? 0x80 >> (j & 7) : 0;
  if (!spec.isList && !spec.isString) {
    switch (spec.kind) {
      case K_DOUBLE:
        if (b instanceof Float64Builder) {
          return (bin, dv, pos, _cnt, starts, n) => {
            const out = b.extend(n);
            const nulls = nullSlots(n);
            const base = b.length - n;
            const k = float64Indexed(
              bin,
              dv,
              pos,
              starts,
              n,
              j,
              nf,
              maskByte,
              maskBit,
              out,
              base,
              nulls,
            );
            if (k !== 0) b.setNulls(nulls, k);
          };
        }
        break;
      case K_FLOAT:
        if (b instanceof Float32Builder) {
          return (bin, dv, pos, _cnt, starts, n) => {
            const out = b.extend(n);
            const nulls = nullSlots(n);
            const base = b.length - n;
            const k = float32Indexed(
              bin,
              dv,
              pos,
              starts,
              n,
              j,
              nf,
              maskByte,
              maskBit,
              out,
              base,
              nulls,
            );
            if (k !== 0) b.setNulls(nulls, k);
          };
        }
        break;
      case K_LONG: {
        const bb = b as BigIntBuilder;
        const noNull = spec.hasNullLong ? 0 : 1;
        const nullLo = spec.nullLo, nullHi = spec.nullHi;
        return (bin, dv, pos, _cnt, starts, n) => {
          const out = bb.extend(n);
          const nulls = nullSlots(n);
          const base = bb.length - n;
          const k = int64Indexed(
            bin,
            dv,
            pos,
            starts,
            n,
            j,
            nf,
            maskByte,
            maskBit,
            out,
            base,
            nulls,
            nullLo,
            nullHi,
            noNull,
          );
          if (k !== 0) bb.setNulls(nulls, k);
        };
      }
      case K_INT:
        if (b instanceof Int32Builder) {
          const nul = spec.nullInt ?? NaN;
          return (bin, dv, pos, _cnt, starts, n) => {
            const out = b.extend(n);
            const nulls = nullSlots(n);
            const base = b.length - n;
            const k = int32Indexed(
              bin,
              dv,
              pos,
              starts,
              n,
              j,
              nf,
              maskByte,
              maskBit,
              out,
              base,
              nulls,
              nul,
            );
            if (k !== 0) b.setNulls(nulls, k);
          };
        }
        break;
      case K_SHORT:
        if (b instanceof Int16Builder) {
          const nul = spec.nullInt ?? NaN;
          return (bin, dv, pos, _cnt, starts, n) => {
            const out = b.extend(n);
            const nulls = nullSlots(n);
            const base = b.length - n;
            const k = int16Indexed(
              bin,
              dv,
              pos,
              starts,
              n,
              j,
              nf,
              maskByte,
              maskBit,
              out,
              base,
              nulls,
              nul,
            );
            if (k !== 0) b.setNulls(nulls, k);
          };
        }
        break;
      case K_BOOLEAN:
      case K_BIT:
        if (b instanceof BoolBuilder) {
          const isTrue = spec.kind === K_BIT ? BIT_TRUE : BOOL_TRUE;
          const isNull = spec.kind === K_BIT ? BIT_NULL : BOOL_NULL;
          return (bin, _dv, pos, _cnt, starts, n) => {
            const out = b.extend(n);
            const nulls = nullSlots(n);
            const base = b.length - n;
            const k = boolIndexed(
              bin,
              pos,
              starts,
              n,
              j,
              nf,
              maskByte,
              maskBit,
              out,
              base,
              nulls,
              isTrue,
              isNull,
            );
            if (k !== 0) b.setNulls(nulls, k);
          };
        }
        break;
    }
  } else if (spec.isString && spec.kind === K_CHAR && b instanceof Utf8Builder) {
    return (bin, _dv, pos, cnt, starts, n) => {
      let bytes = 0;
      for (let r = 0, q = j; r < n; r++, q += nf) bytes += cnt[q];
      b.reserve(n, bytes);
      const nulls = nullSlots(n);
      const k = charIndexed(
        bin,
        pos,
        cnt,
        starts,
        n,
        j,
        nf,
        maskByte,
        maskBit,
        b.rawOffsets(),
        b.rawBytes(),
        b.length,
        nulls,
      );
      b.commitRaw(n);
      if (k !== 0) b.setNulls(nulls, k);
    };
  }
  return (bin, dv, pos, cnt, starts, n) => {
    for (let r = 0, q = j; r < n; r++, q += nf) {
      appendBinary(spec, b, dv, bin, pos[q], cnt[q], (bin[starts[r] + maskByte] & maskBit) !== 0);
    }
  };
}

function float64Indexed(
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Float64Array,
  base: number,
  nulls: Int32Array,
): number {
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const v = dv.getFloat64(pos[q]);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v !== v || (bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

function float32Indexed(
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Float32Array,
  base: number,
  nulls: Int32Array,
): number {
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const v = dv.getInt32(pos[q]);
    bits[base + r] = v;
    nulls[k] = base + r;
    k += (v & 0x7fffffff) > 0x7f800000 || (bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

function int64Indexed(
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Int32Array,
  base: number,
  nulls: Int32Array,
  nullLo: number,
  nullHi: number,
  noNull: number,
): number {
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const p = pos[q];
    const hi = dv.getInt32(p);
    const lo = dv.getInt32(p + 4);
    const w = 2 * (base + r);
    out[w] = lo;
    out[w + 1] = hi;
    nulls[k] = base + r;
    k += ((lo ^ nullLo) | (hi ^ nullHi) | noNull) === 0 ||
        (bin[starts[r] + maskByte] & maskBit) !== 0
      ? 1
      : 0;
  }
  return k;
}

function int32Indexed(
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Int32Array,
  base: number,
  nulls: Int32Array,
  nul: number,
): number {
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const v = dv.getInt32(pos[q]);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v === nul || (bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

/** char, fixed or variable: the bytes up to the trailing NULs; null rows get an empty slot. */
function charIndexed(
  bin: Uint8Array,
  pos: Int32Array,
  cnt: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  offsets: Int32Array,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
): number {
  const src = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const dst = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = offsets[base];
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const isNull = (bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0;
    const s = pos[q];
    let e = isNull === 0 ? s + cnt[q] : s;
    while (e > s && bin[e - 1] === 0) e--;
    let i = s;
    for (; i + 4 <= e; i += 4) {
      dst.setInt32(at, src.getInt32(i));
      at += 4;
    }
    for (; i < e; i++) out[at++] = bin[i];
    offsets[base + r + 1] = at;
    nulls[k] = base + r;
    k += isNull;
  }
  return k;
}

function int16Indexed(
  bin: Uint8Array,
  dv: DataView,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Int16Array,
  base: number,
  nulls: Int32Array,
  nul: number,
): number {
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const v = dv.getInt16(pos[q]);
    out[base + r] = v;
    nulls[k] = base + r;
    k += v === nul || (bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0;
  }
  return k;
}

function boolIndexed(
  bin: Uint8Array,
  pos: Int32Array,
  starts: Int32Array,
  n: number,
  j: number,
  nf: number,
  maskByte: number,
  maskBit: number,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
  isTrue: Uint8Array,
  isNull: Uint8Array,
): number {
  let k = 0;
  for (let r = 0, q = j; r < n; r++, q += nf) {
    const c = bin[pos[q]];
    const i = base + r;
    out[i >> 3] |= isTrue[c] << (i & 7);
    nulls[k] = i;
    k += isNull[c] | ((bin[starts[r] + maskByte] & maskBit) !== 0 ? 1 : 0);
  }
  return k;
}
