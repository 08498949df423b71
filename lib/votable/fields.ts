/**
 * From a VOTable FIELD (datatype, arraysize, VALUES null) to the Arrow type
 * of the column and the facts the row scanners need (item kind, fixed or
 * variable count, null sentinel). Follows the type table in
 * docs/ARCHITECTURE.md.
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  List,
  Uint8,
  Utf8,
} from "apache-arrow";
import type { ColumnMeta } from "../table/metadata.ts";
import { toFieldMetadata } from "../table/metadata.ts";
import { parseInt64Ascii, parseIntAscii } from "../table/ascii.ts";
import { VOTableSyntaxError } from "./errors.ts";

/** Item kinds, one per VOTable datatype. */
export const K_BOOLEAN = 0;
export const K_BIT = 1;
export const K_UBYTE = 2;
export const K_SHORT = 3;
export const K_INT = 4;
export const K_LONG = 5;
export const K_CHAR = 6;
export const K_UNICODE = 7;
export const K_FLOAT = 8;
export const K_DOUBLE = 9;
export const K_FCOMPLEX = 10;
export const K_DCOMPLEX = 11;

const KINDS: Record<string, number> = {
  boolean: K_BOOLEAN,
  bit: K_BIT,
  unsignedByte: K_UBYTE,
  short: K_SHORT,
  int: K_INT,
  long: K_LONG,
  char: K_CHAR,
  unicodeChar: K_UNICODE,
  float: K_FLOAT,
  double: K_DOUBLE,
  floatComplex: K_FCOMPLEX,
  doubleComplex: K_DCOMPLEX,
};

/** Bytes per item in BINARY/BINARY2 (bit: see `fixed`, packed). */
export const ITEM_BYTES = [1, 0, 1, 2, 4, 8, 1, 2, 4, 8, 8, 16];

/** The VOTable datatype names, in kind order. */
export const DATATYPES = Object.keys(KINDS);

/** A FIELD ready for the scanners. */
export interface FieldSpec {
  /** Unique column name (original in `meta.name`). */
  name: string;
  meta: ColumnMeta;
  kind: number;
  /** Items per value for a fixed arraysize (1 for scalars), -1 when variable. */
  fixed: number;
  /** Strings (char/unicodeChar) are one Utf8 value whatever the arraysize. */
  isString: boolean;
  /** Arrow list column (numeric with an arraysize other than 1). */
  isList: boolean;
  /** Byte length of a fixed value in BINARY (-1 when variable). */
  binBytes: number;
  /** Null sentinel for integer kinds, as a number (short/int/ubyte) ... */
  nullInt: number | undefined;
  /** ... or as int64 words [lo, hi] (long). */
  nullLo: number;
  nullHi: number;
  hasNullLong: boolean;
  type: DataType;
  field: Field;
}

/**
 * Parses an arraysize: returns the fixed item count (product of dimensions)
 * or -1 when the last dimension is variable (`*`, `10*`, `3x*`).
 */
export function parseArraysize(
  arraysize: string | undefined,
  where: { offset?: number; element?: string },
): number {
  if (arraysize === undefined) return 1;
  const s = arraysize.replace(/\s+/g, "");
  if (s === "") return 1;
  if (!/^(?:[0-9]+x)*(?:[0-9]+|[0-9]*\*)$/.test(s)) {
    throw new VOTableSyntaxError(
      `Invalid arraysize "${arraysize}"; expected forms like "3", "*", "10*", "2x3" or "2x*"`,
      where,
    );
  }
  if (s.endsWith("*")) return -1;
  return s.split("x").reduce((a, d) => a * Number(d), 1);
}

function itemType(kind: number): DataType {
  switch (kind) {
    case K_BOOLEAN:
    case K_BIT:
      return new Bool();
    case K_UBYTE:
      return new Uint8();
    case K_SHORT:
      return new Int16();
    case K_INT:
      return new Int32();
    case K_LONG:
      return new Int64();
    case K_FLOAT:
      return new Float32();
    case K_DOUBLE:
      return new Float64();
    case K_FCOMPLEX:
      return new FixedSizeList(2, new Field("item", new Float32(), true));
    case K_DCOMPLEX:
      return new FixedSizeList(2, new Field("item", new Float64(), true));
  }
  return new Utf8();
}

/**
 * Makes the spec of one FIELD (or PARAM) from its attributes.
 *
 * @param meta Column metadata (attributes, description, links, VALUES null).
 * @param name The unique column name.
 * @param where Position for errors.
 */
export function fieldSpec(
  meta: ColumnMeta,
  name: string,
  where: { offset?: number; element?: string },
): FieldSpec {
  const datatype = meta.datatype;
  if (datatype === undefined) {
    throw new VOTableSyntaxError(`FIELD "${meta.name}" has no datatype attribute`, where);
  }
  const kind = KINDS[datatype];
  if (kind === undefined) {
    throw new VOTableSyntaxError(
      `FIELD "${meta.name}" has unknown datatype "${datatype}"; expected one of ${
        DATATYPES.join(", ")
      }`,
      where,
    );
  }
  const isString = kind === K_CHAR || kind === K_UNICODE;
  const fixed = parseArraysize(meta.arraysize, where);
  const isList = !isString && fixed !== 1;
  let type: DataType;
  if (isString) type = new Utf8();
  else if (!isList) type = itemType(kind);
  else if (fixed >= 0) type = new FixedSizeList(fixed, new Field("item", itemType(kind), true));
  else type = new List(new Field("item", itemType(kind), true));
  let binBytes = -1;
  if (fixed >= 0) binBytes = kind === K_BIT ? (fixed + 7) >> 3 : fixed * ITEM_BYTES[kind];
  let nullInt: number | undefined;
  let nullLo = 0, nullHi = 0, hasNullLong = false;
  if (meta.null !== undefined && meta.null.trim() !== "") {
    const b = new TextEncoder().encode(meta.null);
    if (kind === K_LONG) {
      const w = new Int32Array(2);
      if (!parseInt64Ascii(b, 0, b.length, w)) {
        throw new VOTableSyntaxError(
          `VALUES null="${meta.null}" of FIELD "${meta.name}" is not a long`,
          where,
        );
      }
      nullLo = w[0];
      nullHi = w[1];
      hasNullLong = true;
    } else if (kind === K_SHORT || kind === K_INT || kind === K_UBYTE) {
      nullInt = parseIntAscii(b, 0, b.length);
      if (Number.isNaN(nullInt)) {
        throw new VOTableSyntaxError(
          `VALUES null="${meta.null}" of FIELD "${meta.name}" is not an integer`,
          where,
        );
      }
      if (kind === K_SHORT) nullInt = (nullInt << 16) >> 16;
      else if (kind === K_INT) nullInt = nullInt | 0;
      else nullInt = nullInt & 0xff;
    }
  }
  const field = new Field(name, type, true, toFieldMetadata(meta));
  return {
    name,
    meta,
    kind,
    fixed,
    isString,
    isList,
    binBytes,
    nullInt,
    nullLo,
    nullHi,
    hasNullLong,
    type,
    field,
  };
}

/**
 * Makes column names unique: a repeated name gets `_2`, `_3`, ... (the
 * original stays in the field's `name` metadata).
 */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    let u = n;
    for (let k = 2; seen.has(u); k++) u = `${n}_${k}`;
    seen.add(u);
    out.push(u);
  }
  return out;
}
