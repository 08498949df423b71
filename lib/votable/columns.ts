/**
 * Per-value decoding of TABLEDATA cell text into the column builders, for
 * every VOTable datatype and arraysize. (BINARY/BINARY2 bytes are decoded in
 * binary_columns.ts.)
 *
 * @module
 */
import {
  BOOL_FALSE,
  BOOL_INVALID,
  BOOL_NULL,
  isAsciiSpace,
  isNanAscii,
  parseBoolAscii,
  parseFloatAscii,
  parseInt64Ascii,
  parseIntAscii,
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
import { VOTableSyntaxError } from "./errors.ts";
import {
  type FieldSpec,
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
  K_UNICODE,
} from "./fields.ts";

const words = new Int32Array(2);
const latin1 = new TextDecoder("latin1");

/** Where a value sits, for error messages. */
export interface ValueContext {
  /** Absolute offset of buf[0]. */
  base: number;
  /** 0-based row number in the table. */
  row: number;
}

function bad(
  spec: FieldSpec,
  ctx: ValueContext,
  buf: Uint8Array,
  s: number,
  e: number,
  what: string,
): never {
  const text = latin1.decode(buf.subarray(s, Math.min(e, s + 60)));
  throw new VOTableSyntaxError(
    `Value "${text}" in row ${
      ctx.row + 1
    } is not ${what} (column "${spec.meta.name}", datatype ${spec.meta.datatype}${
      spec.meta.arraysize ? `, arraysize ${spec.meta.arraysize}` : ""
    })`,
    { offset: ctx.base + s, element: `TD (column ${spec.meta.name})` },
  );
}

/** True when the integer text is hexadecimal (`0x...`), which may use the unsigned range as a bit pattern. */
function isHex(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e - 1; i++) if (buf[i] === 0x30 && (buf[i + 1] | 0x20) === 0x78) return true;
  return false;
}

/** Appends one scalar item parsed from text. Returns false for a null. */
function appendTextItem(
  kind: number,
  spec: FieldSpec,
  b: ColumnBuilder,
  buf: Uint8Array,
  s: number,
  e: number,
  ctx: ValueContext,
  scalar: boolean,
): void {
  switch (kind) {
    case K_DOUBLE:
    case K_FLOAT: {
      const v = parseFloatAscii(buf, s, e);
      if (v !== v) {
        if (!isNanAscii(buf, s, e)) {
          bad(spec, ctx, buf, s, e, `a ${kind === K_DOUBLE ? "double" : "float"}`);
        }
        if (scalar) {
          b.appendNull();
          return;
        }
      }
      (b as NumberBuilder).append(v);
      return;
    }
    case K_LONG: {
      if (!parseInt64Ascii(buf, s, e, words)) bad(spec, ctx, buf, s, e, "a long (64-bit integer)");
      if (spec.hasNullLong && words[0] === spec.nullLo && words[1] === spec.nullHi) b.appendNull();
      else (b as BigIntBuilder).appendWords(words[0], words[1]);
      return;
    }
    case K_INT:
    case K_SHORT:
    case K_UBYTE: {
      let v = parseIntAscii(buf, s, e);
      if (v !== v) bad(spec, ctx, buf, s, e, "an integer");
      if (kind === K_INT) {
        if (v < -2147483648 || v > (isHex(buf, s, e) ? 4294967295 : 2147483647)) {
          bad(spec, ctx, buf, s, e, "a 32-bit int");
        }
        v = v | 0; // hexadecimal bit patterns wrap
      } else if (kind === K_SHORT) {
        if (v < -32768 || v > (isHex(buf, s, e) ? 65535 : 32767)) {
          bad(spec, ctx, buf, s, e, "a 16-bit short");
        }
        v = (v << 16) >> 16;
      } else if (v < 0 || v > 255) bad(spec, ctx, buf, s, e, "an unsignedByte (0-255)");
      if (v === spec.nullInt) b.appendNull();
      else (b as NumberBuilder).append(v);
      return;
    }
    case K_BOOLEAN:
    case K_BIT: {
      const v = parseBoolAscii(buf, s, e);
      if (v === BOOL_INVALID) {
        bad(spec, ctx, buf, s, e, kind === K_BIT ? "a bit (0 or 1)" : "a boolean");
      }
      if (v === BOOL_NULL) b.appendNull();
      else (b as BoolBuilder).append(v !== BOOL_FALSE);
      return;
    }
  }
}

/**
 * Appends the value of one TD (bytes `buf[s..e)`, entities already decoded)
 * to the column's builder. Empty text is null.
 */
export function appendText(
  spec: FieldSpec,
  b: ColumnBuilder,
  buf: Uint8Array,
  s: number,
  e: number,
  ctx: ValueContext,
): void {
  if (spec.isString) {
    if (s === e) b.appendNull();
    else if (spec.kind === K_CHAR || spec.kind === K_UNICODE) {
      (b as Utf8Builder).appendUtf8Bytes(buf, s, e);
    }
    return;
  }
  let t = s;
  while (t < e && isAsciiSpace(buf[t])) t++;
  if (t === e) {
    b.appendNull();
    return;
  }
  const kind = spec.kind;
  if (!spec.isList) {
    if (kind === K_FCOMPLEX || kind === K_DCOMPLEX) {
      appendComplexText(spec, b as FixedSizeListBuilder<NumberBuilder>, buf, t, e, ctx, 1);
      return;
    }
    appendTextItem(kind, spec, b, buf, t, e, ctx, true);
    return;
  }
  // Arrays: whitespace-separated items (bits may also be run together).
  const list = b as ListBuilder | FixedSizeListBuilder;
  const items = list.values;
  const before = items.length;
  if (kind === K_FCOMPLEX || kind === K_DCOMPLEX) {
    appendComplexText(spec, items as FixedSizeListBuilder<NumberBuilder>, buf, t, e, ctx, -1);
  } else {
    let i = t;
    while (i < e) {
      while (i < e && isAsciiSpace(buf[i])) i++;
      if (i === e) break;
      let j = i + 1;
      if (kind !== K_BIT) { while (j < e && !isAsciiSpace(buf[j])) j++; }
      appendTextItem(kind, spec, items, buf, i, j, ctx, false);
      i = j;
    }
  }
  const n = items.length - before;
  if (spec.fixed >= 0 && n !== spec.fixed) {
    bad(spec, ctx, buf, s, e, `an array of ${spec.fixed} items (it has ${n})`);
  }
  (list as ListBuilder).commit();
}

function appendComplexText(
  spec: FieldSpec,
  b: FixedSizeListBuilder<NumberBuilder>,
  buf: Uint8Array,
  s: number,
  e: number,
  ctx: ValueContext,
  expect: number,
): void {
  const kind = spec.kind === K_FCOMPLEX ? K_FLOAT : K_DOUBLE;
  if (expect === 1) {
    // A scalar complex: (NaN, NaN) is null, like a NaN scalar float.
    let a = s;
    while (a < e && isAsciiSpace(buf[a])) a++;
    let a2 = a;
    while (a2 < e && !isAsciiSpace(buf[a2])) a2++;
    let c = a2;
    while (c < e && isAsciiSpace(buf[c])) c++;
    let c2 = c;
    while (c2 < e && !isAsciiSpace(buf[c2])) c2++;
    let rest = c2;
    while (rest < e && isAsciiSpace(buf[rest])) rest++;
    if (a === a2 || c === c2 || rest !== e) {
      bad(spec, ctx, buf, s, e, "a complex number given as real and imaginary parts");
    }
    const re = parseFloatAscii(buf, a, a2);
    const im = parseFloatAscii(buf, c, c2);
    if (re !== re && !isNanAscii(buf, a, a2)) bad(spec, ctx, buf, s, e, "a complex number");
    if (im !== im && !isNanAscii(buf, c, c2)) bad(spec, ctx, buf, s, e, "a complex number");
    if (re !== re && im !== im) b.appendNull();
    else {
      b.values.append(re);
      b.values.append(im);
      b.commit();
    }
    return;
  }
  let i = s;
  let count = 0;
  let parts = 0;
  while (i < e) {
    while (i < e && isAsciiSpace(buf[i])) i++;
    if (i === e) break;
    let j = i + 1;
    while (j < e && !isAsciiSpace(buf[j])) j++;
    appendTextItem(kind, spec, b.values, buf, i, j, ctx, false);
    if (++parts === 2) {
      b.commit();
      parts = 0;
      count++;
    }
    i = j;
  }
  if (parts !== 0 || (expect > 0 && count !== expect)) {
    bad(spec, ctx, buf, s, e, "complex numbers given as pairs of real and imaginary parts");
  }
}
