/**
 * Shared pieces of the text writers (CSV, ECSV, JSON): shortest round-trip
 * formatting of Float32 and Float64 values, exact 64-bit integers, and the
 * VOTable datatype/arraysize that describes an Arrow type.
 *
 * @module
 */
import {
  type DataType,
  type Field,
  type FixedSizeList,
  type Float,
  type Int,
  type List,
  Type,
  type Vector,
} from "apache-arrow";

const f32 = new Float32Array(1);

/**
 * Formats a Float32 value with the fewest digits that read back to the same
 * float (like Java's `Float.toString`, which the Gaia archive uses):
 * `0.016976837`, not `0.016976837068796158`.
 *
 * @example
 * ```ts
 * import { formatFloat32 } from "./value_text.ts";
 * if (formatFloat32(Math.fround(0.3781867)) !== "0.3781867") throw new Error("shortest");
 * ```
 */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  f32[0] = v;
  const target = f32[0]!;
  for (let p = 1; p <= 9; p++) {
    const s = target.toPrecision(p);
    f32[0] = Number(s);
    // The short decimal as a double prints with the same digits or fewer.
    if (f32[0] === target) return javaStyle(Number(s));
  }
  return javaStyle(target);
}

/**
 * Formats a Float64 value with the fewest digits that read back exactly
 * (JavaScript's own shortest round-trip conversion); integral values keep a
 * `.0` as the Gaia archive writes them (`2016.0`), so they read back as floats.
 *
 * @example
 * ```ts
 * import { formatFloat64 } from "./value_text.ts";
 * if (formatFloat64(0.1) !== "0.1" || Number(formatFloat64(Math.PI)) !== Math.PI) throw new Error("round trip");
 * if (formatFloat64(2016) !== "2016.0" || formatFloat64(1e21) !== "1.0E21") throw new Error("integral");
 * if (formatFloat64(1.0205575e-13) !== "1.0205575E-13") throw new Error("exponent");
 * ```
 */
export function formatFloat64(v: number): string {
  return javaStyle(v);
}

/**
 * Writes a number the way the Gaia archive (Java's `Double.toString`) does,
 * with the shortest round-trip digits: plain between 1e-3 and 1e7 with at
 * least one decimal ("2016.0"), else scientific ("1.0205575E-13", "1.0E21").
 */
function javaStyle(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(v);
    return s.includes(".") ? s : s + ".0";
  }
  const [mantissa, exp] = v.toExponential().split("e") as [string, string];
  return (mantissa.includes(".") ? mantissa : mantissa + ".0") + "E" +
    (exp.startsWith("+") ? exp.slice(1) : exp);
}

/** True for the Arrow float types. */
export function isFloat32(t: DataType): boolean {
  return t.typeId === Type.Float && (t as Float).precision === 1;
}

/**
 * The VOTable datatype and arraysize describing an Arrow type (used by the
 * JSON writer).
 *
 * @example
 * ```ts
 * import { Int64, Utf8 } from "apache-arrow";
 * import { votableDatatype } from "./value_text.ts";
 * if (votableDatatype(new Int64()).datatype !== "long") throw new Error();
 * if (votableDatatype(new Utf8()).arraysize !== "*") throw new Error();
 * ```
 */
export function votableDatatype(type: DataType): { datatype: string; arraysize?: string } {
  switch (type.typeId) {
    case Type.Bool:
      return { datatype: "boolean" };
    case Type.Int: {
      const t = type as Int;
      if (t.isSigned) {
        return {
          datatype: t.bitWidth === 8 || t.bitWidth === 16
            ? "short"
            : t.bitWidth === 32
            ? "int"
            : "long",
        };
      }
      return { datatype: t.bitWidth === 8 ? "unsignedByte" : t.bitWidth === 16 ? "int" : "long" };
    }
    case Type.Float:
      return { datatype: (type as Float).precision === 2 ? "double" : "float" };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { datatype: "char", arraysize: "*" };
    case Type.FixedSizeList: {
      const t = type as FixedSizeList;
      const inner = votableDatatype(t.children[0]!.type);
      return { datatype: inner.datatype, arraysize: String(t.listSize) };
    }
    case Type.List: {
      const inner = votableDatatype((type as List).children[0]!.type);
      return { datatype: inner.datatype, arraysize: "*" };
    }
  }
  return { datatype: "char", arraysize: "*" };
}

/**
 * Converts one cell of an Arrow column to JSON text: numbers shortest,
 * int64 as bare digits, NaN and infinities as `null`, lists as arrays.
 *
 * @example
 * ```ts
 * import { Float64, Int64 } from "apache-arrow";
 * import { jsonValue } from "./value_text.ts";
 * if (jsonValue(5929246508730155392n, new Int64()) !== "5929246508730155392") throw new Error();
 * if (jsonValue(NaN, new Float64()) !== "null") throw new Error();
 * ```
 */
export function jsonValue(v: unknown, type: DataType): string {
  if (v === null || v === undefined) return "null";
  switch (type.typeId) {
    case Type.Int:
      return String(v);
    case Type.Float: {
      const n = v as number;
      if (!Number.isFinite(n)) return "null";
      return isFloat32(type) ? formatFloat32(n) : formatFloat64(n);
    }
    case Type.Bool:
      return v ? "true" : "false";
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type as List).children[0]!.type;
      const items: string[] = [];
      const vec = v as { length: number; get(i: number): unknown };
      for (let i = 0; i < vec.length; i++) items.push(jsonValue(vec.get(i), child));
      return "[" + items.join(",") + "]";
    }
    default:
      return JSON.stringify(typeof v === "string" ? v : String(v));
  }
}

/** A field's metadata value, or undefined when absent or empty. */
export function md(field: Field, key: string): string | undefined {
  const v = field.metadata.get(key);
  return v === undefined || v === "" ? undefined : v;
}

/**
 * Formats rows `r0..r1` of a column for a text writer: straight from the
 * typed arrays for numbers and booleans (no per-value `Vector.get`), else
 * through `format(vec.get(i))`. Nulls become `nullText`; with `nonFinite`,
 * NaN and infinities become it too (JSON has no NaN).
 *
 * @example
 * ```ts
 * import { Float64 } from "apache-arrow";
 * import { vectorFromArray } from "apache-arrow";
 * import { formatColumn, formatFloat64 } from "./value_text.ts";
 * const v = vectorFromArray([2016, null, NaN], new Float64());
 * const cells = formatColumn(v, 0, 3, v.type, (x) => formatFloat64(x as number), "null", undefined, "null");
 * if (cells.join() !== "2016.0,null,null") throw new Error(cells.join());
 * ```
 */
export function formatColumn(
  vec: Vector,
  r0: number,
  r1: number,
  type: DataType,
  format: (v: unknown) => string,
  nullText: string,
  booleans: readonly [string, string] = ["true", "false"],
  nonFinite?: string,
): string[] {
  const out = new Array<string>(r1 - r0);
  const data = vec.data.length === 1 ? vec.data[0]! : undefined;
  const id = type.typeId;
  const plain = id === Type.Int || id === Type.Bool ||
    (id === Type.Float && (type as unknown as { precision: number }).precision !== 0); // not Float16
  if (data && data.offset === 0 && plain) {
    const bm = data.nullCount > 0 ? data.nullBitmap : undefined;
    const values = data.values as ArrayLike<number | bigint>;
    if (id === Type.Bool) {
      const bits = data.values as Uint8Array;
      for (let i = r0; i < r1; i++) {
        out[i - r0] = bm && !(bm[i >> 3]! & (1 << (i & 7)))
          ? nullText
          : (bits[i >> 3]! >> (i & 7)) & 1
          ? booleans[0]
          : booleans[1];
      }
      return out;
    }
    const f = id === Type.Float ? (isFloat32(type) ? formatFloat32 : formatFloat64) : undefined;
    for (let i = r0; i < r1; i++) {
      if (bm && !(bm[i >> 3]! & (1 << (i & 7)))) out[i - r0] = nullText;
      else if (!f) out[i - r0] = String(values[i]);
      else {
        const v = values[i] as number;
        out[i - r0] = nonFinite !== undefined && !Number.isFinite(v) ? nonFinite : f(v);
      }
    }
    return out;
  }
  for (let i = r0; i < r1; i++) out[i - r0] = format(vec.get(i));
  return out;
}
