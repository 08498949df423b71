/**
 * Internal helpers to read product columns whatever format they came in:
 * numbers as Float32/Float64/Int*, 64-bit ids as bigint, booleans as Bool or
 * text, arrays as Arrow lists or as the `(1.0, 2.0)` / `[1, 2]` text that
 * the CSV and ECSV products use.
 *
 * @module
 */
import { DataType, type Table, Type, type Vector } from "apache-arrow";
import type { ParamElement } from "../table/metadata.ts";

/** A product column that should be there and is not. */
export class MissingColumnError extends TypeError {
  /** Names the product, the columns looked for and the ones present. */
  constructor(product: string, names: readonly string[], table: Table) {
    super(
      `${product} product has no ${
        names.map((n) => JSON.stringify(n)).join(" or ")
      } column; it has ${table.schema.fields.map((f) => f.name).join(", ")}`,
    );
    this.name = "MissingColumnError";
  }
}

/** Finds a column by any of `names` (case-insensitive), or undefined. */
export function column(table: Table, ...names: string[]): Vector | undefined {
  for (const n of names) {
    const lower = n.toLowerCase();
    const f = table.schema.fields.findIndex((f) => f.name.toLowerCase() === lower);
    if (f >= 0) return table.getChildAt(f) ?? undefined;
  }
  return undefined;
}

/** Like {@linkcode column}, but throws {@linkcode MissingColumnError}. */
export function requireColumn(table: Table, product: string, ...names: string[]): Vector {
  const c = column(table, ...names);
  if (!c) throw new MissingColumnError(product, names, table);
  return c;
}

/** The PARAMs stored in a table's schema metadata. */
export function tableParams(table: Table): ParamElement[] {
  const p = table.schema.metadata.get("params");
  if (!p) return [];
  try {
    return JSON.parse(p) as ParamElement[];
  } catch {
    return [];
  }
}

/** A PARAM's value by name (case-insensitive). */
export function paramValue(table: Table, name: string): string | undefined {
  const lower = name.toLowerCase();
  return tableParams(table).find((p) => p.name.toLowerCase() === lower)?.value;
}

/** A number (or null) from row `i` of any numeric or text column. */
export function numberAt(v: Vector, i: number): number | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "number") return x;
  if (typeof x === "bigint") return Number(x);
  if (typeof x === "boolean") return x ? 1 : 0;
  const s = String(x).trim();
  if (s === "" || /^(null|nan|--)$/i.test(s)) return null;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
}

/** A 64-bit id (or null) from row `i`: bigint, safe number, or decimal text. */
export function bigintAt(v: Vector, i: number): bigint | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "bigint") return x;
  if (typeof x === "number") return Number.isInteger(x) ? BigInt(x) : null;
  const s = String(x).trim();
  return /^-?\d+$/.test(s) ? BigInt(s) : null;
}

/** A boolean (or null) from row `i`: Bool, 0/1, or `true`/`false`/`T`/`F` text. */
export function boolAt(v: Vector, i: number): boolean | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "boolean") return x;
  if (typeof x === "number") return x !== 0;
  if (typeof x === "bigint") return x !== 0n;
  const s = String(x).trim().toLowerCase();
  if (s === "true" || s === "t" || s === "1") return true;
  if (s === "false" || s === "f" || s === "0") return false;
  return null;
}

/** Parses `(1.0, 2.0)`, `[1, 2]`, `1 2` or `1,2` into numbers (`null`/`nan` become NaN). */
export function parseNumberList(text: string): Float64Array {
  const s = text.trim().replace(/^[([{]/, "").replace(/[)\]}]$/, "").trim();
  if (s === "") return new Float64Array(0);
  const parts = s.split(/[\s,]+/);
  const out = new Float64Array(parts.length);
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const n = Number(p);
    if (Number.isNaN(n) && !/^(nan|null|--|none)$/i.test(p)) {
      throw new TypeError(
        `Cannot read ${JSON.stringify(p)} as a number in the array ${
          JSON.stringify(text.slice(0, 80))
        }`,
      );
    }
    out[k] = n;
  }
  return out;
}

/** The numbers of an array cell at row `i` (Arrow list or text), or null. */
export function arrayAt(v: Vector, i: number): Float64Array | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "string") return parseNumberList(x);
  if (typeof x === "object" && x !== null && "toArray" in x) {
    const inner = x as Vector;
    const out = new Float64Array(inner.length);
    for (let k = 0; k < inner.length; k++) {
      const y = inner.get(k);
      out[k] = y === null || y === undefined ? NaN : Number(y);
    }
    return out;
  }
  throw new TypeError(`Expected an array cell, found ${typeof x}`);
}

/** A boolean array cell (Arrow list of Bool or text such as `(true, false)`), or null. */
export function boolArrayAt(v: Vector, i: number): Array<boolean | null> | null {
  const x = v.get(i);
  if (x === null || x === undefined) return null;
  if (typeof x === "string") {
    const s = x.trim().replace(/^[([{]/, "").replace(/[)\]}]$/, "").trim();
    if (s === "") return [];
    return s.split(/[\s,]+/).map((p) => {
      const l = p.toLowerCase();
      return l === "true" || l === "t" || l === "1"
        ? true
        : l === "false" || l === "f" || l === "0"
        ? false
        : null;
    });
  }
  const inner = x as Vector;
  const out: Array<boolean | null> = [];
  for (let k = 0; k < inner.length; k++) {
    const y = inner.get(k);
    out.push(y === null || y === undefined ? null : Boolean(y));
  }
  return out;
}

/**
 * A numeric column as a Float64Array (nulls as NaN) in one pass over its
 * typed arrays, or null when the column is not numeric (text, lists).
 */
export function floatsOf(v: Vector): Float64Array | null {
  if (!DataType.isFloat(v.type) && !DataType.isInt(v.type)) return null;
  const out = new Float64Array(v.length);
  let at = 0;
  for (const d of v.data) {
    const values = d.values as ArrayLike<number | bigint>;
    const stride = d.stride ?? 1;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < d.length; i++) out[at + i] = Number(values[i]);
    } else if (stride === 2 && values instanceof Int32Array) {
      // 64-bit integers stored as two 32-bit words.
      for (let i = 0; i < d.length; i++) {
        out[at + i] = values[2 * i + 1] * 4294967296 + (values[2 * i] >>> 0);
      }
    } else {
      for (let i = 0; i < d.length; i++) out[at + i] = values[i] as number;
    }
    if (d.nullCount > 0) {
      for (let i = 0; i < d.length; i++) if (!d.getValid(i)) out[at + i] = NaN;
    }
    at += d.length;
  }
  return out;
}

/**
 * Appends row `i` of an id column to an Int64 builder without making a
 * BigInt when the column is Int64 (its two 32-bit words are copied).
 */
export function int64Reader(
  v: Vector,
): (
  i: number,
  out: { appendWords(lo: number, hi: number): void; append(x: bigint): void; appendNull(): void },
) => void {
  if (
    v.type.typeId === Type.Int && (v.type as unknown as { bitWidth: number }).bitWidth === 64 &&
    v.data.length === 1
  ) {
    const d = v.data[0];
    const vals = d.values as BigInt64Array | Int32Array;
    const words = vals instanceof Int32Array
      ? vals
      : new Int32Array(vals.buffer, vals.byteOffset, vals.length * 2);
    const nulls = d.nullCount > 0;
    return (i, out) => {
      if (nulls && !d.getValid(i)) out.appendNull();
      else out.appendWords(words[2 * i], words[2 * i + 1]);
    };
  }
  return (i, out) => {
    const x = bigintAt(v, i);
    x === null ? out.appendNull() : out.append(x);
  };
}

/**
 * A column as booleans (1 true, 0 false, -1 null) read once: Bool columns
 * from their bitmaps, others cell by cell with {@linkcode boolAt}.
 */
export function boolsOf(v: Vector): Int8Array {
  const out = new Int8Array(v.length);
  let at = 0;
  for (const d of v.data) {
    if (d.type.typeId === Type.Bool) {
      const bits = d.values as Uint8Array;
      const off = d.offset;
      for (let i = 0; i < d.length; i++) {
        const k = off + i;
        out[at + i] = d.nullCount > 0 && !d.getValid(i) ? -1 : (bits[k >> 3] >> (k & 7)) & 1;
      }
    } else {
      for (let i = 0; i < d.length; i++) {
        const b = boolAt(v, at + i);
        out[at + i] = b === null ? -1 : b ? 1 : 0;
      }
    }
    at += d.length;
  }
  return out;
}
