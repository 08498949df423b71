/**
 * FITS writer: an Arrow table as a FITS file with an empty primary HDU and
 * one BINTABLE extension (2880-byte blocks, big-endian data, heap for
 * variable-length arrays).
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
  type Table,
  Type,
  type Vector,
} from "apache-arrow";
import { FITS_BLOCK, type FitsValue, formatCard } from "./fits_header.ts";
import { md } from "./value_text.ts";

/** Options of {@linkcode encodeFits}. */
export interface FitsWriterOptions {
  /** The EXTNAME of the table HDU. @default the schema's `name` metadata, if any */
  extname?: string;
  /** Extra header cards for the table HDU (keyword → value). */
  cards?: Record<string, string | number | boolean | bigint>;
}

const enc = new TextEncoder();

interface ColumnPlan {
  field: Field;
  code: string;
  repeat: number;
  /** Element count in the heap per row for P columns (0 otherwise). */
  isVar: boolean;
  width: number;
  tzero?: number | bigint;
  tnull?: number | bigint;
  tdim?: string;
  /** Writes row r of the column at `pos` (and its heap elements). */
  write: (dv: DataView, pos: number, v: unknown, heap: HeapWriter) => void;
}

class HeapWriter {
  bytes = new Uint8Array(1024);
  dv = new DataView(this.bytes.buffer);
  length = 0;
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      b.set(this.bytes.subarray(0, at));
      this.bytes = b;
      this.dv = new DataView(b.buffer);
    }
    this.length = at + n;
    return at;
  }
}

/**
 * Writes an Arrow table as FITS: an empty primary HDU and a BINTABLE with
 * TTYPE/TFORM/TUNIT/TUCD/TUTYP/TCOMM/TNULL/TZERO/TDIM cards. Types: Bool → L
 * (null as 0), Int8/Uint8 → B (Int8 with TZERO -128), Int16/Uint16 → I,
 * Int32/Uint32 → J, Int64/Uint64 → K (unsigned with the standard TZERO
 * offsets), Float32 → E, Float64 → D (null as NaN), Utf8 → nA (n the longest
 * value; null and the empty string are blank), FixedSizeList → repeat count
 * (TDIM from an `AxB` arraysize), List → P descriptors into the heap.
 * Integer nulls get a TNULL value that no row uses.
 *
 * @param table The table.
 * @param options EXTNAME, extra header cards.
 * @returns The FITS bytes (a multiple of 2880).
 * @throws {TypeError} for a column type FITS cannot hold (e.g. a list of strings).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeFits } from "./encode_fits.ts";
 * const fits = encodeFits(tableFromArrays({ mag: new Float32Array([20.5]) }));
 * if (fits.length % 2880 !== 0) throw new Error("blocks");
 * if (!new TextDecoder().decode(fits.subarray(2880, 2960)).startsWith("XTENSION= 'BINTABLE'")) throw new Error("hdu");
 * ```
 */
export function encodeFits(table: Table, options: FitsWriterOptions = {}): Uint8Array {
  const fields = table.schema.fields;
  const columns = fields.map((f) => table.getChildAt(fields.indexOf(f))!);
  const plans = fields.map((f, i) => planColumn(f, columns[i]!));
  const naxis1 = plans.reduce((a, p) => a + p.width, 0);
  const nrows = table.numRows;
  // Rows and heap.
  const main = new Uint8Array(naxis1 * nrows);
  const dv = new DataView(main.buffer);
  const heap = new HeapWriter();
  let offset = 0;
  for (let c = 0; c < plans.length; c++) {
    const p = plans[c]!;
    const col = columns[c]!;
    if (!writeFast(p, col, dv, offset, naxis1)) {
      for (let r = 0; r < nrows; r++) p.write(dv, r * naxis1 + offset, col.get(r), heap);
    }
    offset += p.width;
  }
  // Primary header.
  const primary = [
    formatCard("SIMPLE", true, "conforms to FITS standard"),
    formatCard("BITPIX", 8, "array data type"),
    formatCard("NAXIS", 0, "number of array dimensions"),
    formatCard("EXTEND", true),
  ];
  // Table header.
  const cards: string[] = [
    formatCard("XTENSION", "BINTABLE", "binary table extension"),
    formatCard("BITPIX", 8, "array data type"),
    formatCard("NAXIS", 2, "number of array dimensions"),
    formatCard("NAXIS1", naxis1, "length of dimension 1"),
    formatCard("NAXIS2", nrows, "length of dimension 2"),
    formatCard("PCOUNT", heap.length, "number of group parameters"),
    formatCard("GCOUNT", 1, "number of groups"),
    formatCard("TFIELDS", plans.length, "number of table fields"),
  ];
  const extname = options.extname ?? table.schema.metadata.get("name");
  if (extname) cards.push(formatCard("EXTNAME", extname, "table name"));
  let longStrings = false;
  plans.forEach((p, i) => {
    const n = i + 1;
    const add = (key: string, value: FitsValue | undefined, comment?: string) => {
      if (value === undefined || value === "") return;
      const card = formatCard(key + n, value, comment);
      if (card.length > 80) longStrings = true;
      cards.push(card);
    };
    add("TTYPE", p.field.name);
    add("TFORM", p.code === "P" ? p.tdim! : `${p.repeat}${p.code}`);
    add("TUNIT", md(p.field, "unit"));
    if (p.tnull !== undefined) add("TNULL", p.tnull);
    if (p.tzero !== undefined) add("TZERO", p.tzero);
    if (p.code !== "P" && p.tdim) add("TDIM", p.tdim);
    add("TUCD", md(p.field, "ucd"));
    add("TUTYP", md(p.field, "utype"));
    add("TCOMM", md(p.field, "description"));
  });
  for (const [k, v] of Object.entries(options.cards ?? {})) cards.push(formatCard(k, v));
  if (longStrings) {
    cards.push(formatCard("LONGSTRN", "OGIP 1.0", "The OGIP long string convention may be used"));
  }
  const primaryBytes = headerBytes(primary);
  const tableHeader = headerBytes(cards);
  const dataLength = main.length + heap.length;
  const dataPadded = Math.ceil(dataLength / FITS_BLOCK) * FITS_BLOCK;
  const out = new Uint8Array(primaryBytes.length + tableHeader.length + dataPadded);
  out.set(primaryBytes, 0);
  out.set(tableHeader, primaryBytes.length);
  out.set(main, primaryBytes.length + tableHeader.length);
  out.set(
    heap.bytes.subarray(0, heap.length),
    primaryBytes.length + tableHeader.length + main.length,
  );
  return out;
}

/**
 * The common scalar columns (L, signed I/J/K without TZERO, E, D) written
 * straight from the Arrow buffers, chunk by chunk, without `Vector.get` per
 * value. Returns false for anything else (the generic path then runs).
 */
function writeFast(
  p: ColumnPlan,
  col: Vector,
  dv: DataView,
  offset: number,
  naxis1: number,
): boolean {
  if (p.repeat !== 1 || p.isVar || p.tzero !== undefined) return false;
  const code = p.code;
  if (!"LIJKED".includes(code)) return false;
  const id = (col.type as DataType).typeId;
  if (id !== Type.Float && id !== Type.Int && id !== Type.Bool) return false; // e.g. FixedSizeList(1)
  if (col.data.some((d) => d.offset !== 0)) return false; // sliced chunks: generic path
  let row = 0;
  for (const data of col.data) {
    const bm = data.nullCount > 0 ? data.nullBitmap : undefined;
    const n = data.length;
    const valid = (i: number) => !bm || (bm[i >> 3]! & (1 << (i & 7))) !== 0;
    let pos = row * naxis1 + offset;
    switch (code) {
      case "D": {
        const v = data.values as Float64Array;
        for (let i = 0; i < n; i++, pos += naxis1) dv.setFloat64(pos, valid(i) ? v[i]! : NaN);
        break;
      }
      case "E": {
        const v = data.values as Float32Array;
        for (let i = 0; i < n; i++, pos += naxis1) dv.setFloat32(pos, valid(i) ? v[i]! : NaN);
        break;
      }
      case "J": {
        const v = data.values as Int32Array;
        const nul = Number(p.tnull ?? 0);
        for (let i = 0; i < n; i++, pos += naxis1) dv.setInt32(pos, valid(i) ? v[i]! : nul);
        break;
      }
      case "I": {
        const v = data.values as Int16Array;
        const nul = Number(p.tnull ?? 0);
        for (let i = 0; i < n; i++, pos += naxis1) dv.setInt16(pos, valid(i) ? v[i]! : nul);
        break;
      }
      case "K": {
        // Words straight from the 64-bit values, big-endian: high word first.
        const v = data.values as BigInt64Array;
        const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
        const nul = BigInt.asIntN(64, BigInt(p.tnull ?? 0));
        const nhi = Number(nul >> 32n) | 0, nlo = Number(nul & 0xffffffffn) | 0;
        for (let i = 0; i < n; i++, pos += naxis1) {
          if (valid(i)) {
            dv.setInt32(pos, w[2 * i + 1]!);
            dv.setInt32(pos + 4, w[2 * i]!);
          } else {
            dv.setInt32(pos, nhi);
            dv.setInt32(pos + 4, nlo);
          }
        }
        break;
      }
      case "L": {
        const bits = data.values as Uint8Array;
        for (let i = 0; i < n; i++, pos += naxis1) {
          dv.setUint8(pos, !valid(i) ? 0 : (bits[i >> 3]! >> (i & 7)) & 1 ? 0x54 : 0x46);
        }
        break;
      }
    }
    row += n;
  }
  return true;
}

function headerBytes(cards: string[]): Uint8Array {
  const text = cards.join("") + "END".padEnd(80);
  const size = Math.ceil(text.length / FITS_BLOCK) * FITS_BLOCK;
  return enc.encode(text.padEnd(size));
}

const INT_CODES: Record<number, string> = { 8: "B", 16: "I", 32: "J", 64: "K" };

/** Finds a raw (stored) value for TNULL that no valid value of the column uses. */
function freeSentinel(
  col: Vector,
  toRaw: (v: number | bigint) => bigint,
  min: bigint,
  max: bigint,
): bigint {
  const used = new Set<bigint>();
  let hasNull = false;
  for (let i = 0; i < col.length; i++) {
    const v = col.get(i) as number | bigint | null;
    if (v === null) hasNull = true;
    else used.add(toRaw(v));
  }
  void hasNull;
  for (const cand of [min, max, -1n, 0n]) {
    if (cand >= min && cand <= max && !used.has(cand)) return cand;
  }
  for (let c = min; c <= max; c++) if (!used.has(c)) return c;
  throw new RangeError("No free value for TNULL");
}

function columnHasNulls(col: Vector): boolean {
  return col.nullCount > 0;
}

function planColumn(field: Field, col: Vector): ColumnPlan {
  const t = field.type as DataType;
  const name = field.name;
  switch (t.typeId) {
    case Type.Bool:
      return {
        field,
        code: "L",
        repeat: 1,
        isVar: false,
        width: 1,
        write: (dv, pos, v) => dv.setUint8(pos, v === null ? 0 : v ? 0x54 : 0x46),
      };
    case Type.Int:
      return intPlan(field, t as Int, col);
    case Type.Float: {
      const single = (t as Float).precision === 1;
      if ((t as Float).precision === 0) break;
      return {
        field,
        code: single ? "E" : "D",
        repeat: 1,
        isVar: false,
        width: single ? 4 : 8,
        write: single
          ? (dv, pos, v) => dv.setFloat32(pos, v === null ? NaN : (v as number))
          : (dv, pos, v) => dv.setFloat64(pos, v === null ? NaN : (v as number)),
      };
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      let width = 1;
      const bytes: (Uint8Array | null)[] = [];
      for (let i = 0; i < col.length; i++) {
        const v = col.get(i) as string | null;
        const b = v === null ? null : enc.encode(v);
        bytes.push(b);
        if (b && b.length > width) width = b.length;
      }
      let row = 0;
      return {
        field,
        code: "A",
        repeat: width,
        isVar: false,
        width,
        write: (dv, pos) => {
          const b = bytes[row++];
          if (b) new Uint8Array(dv.buffer, dv.byteOffset + pos, b.length).set(b);
        },
      };
    }
    case Type.FixedSizeList:
    case Type.List: {
      const child = (t as List).children[0]!;
      const ct = child.type as DataType;
      const elem = elementWriter(ct);
      if (!elem) break;
      if (t.typeId === Type.FixedSizeList) {
        const n = (t as FixedSizeList).listSize;
        const arraysize = md(field, "arraysize");
        const tdim = arraysize && /^[0-9]+(x[0-9]+)+$/.test(arraysize)
          ? `(${arraysize.split("x").join(",")})`
          : undefined;
        return {
          field,
          code: elem.code,
          repeat: n,
          isVar: false,
          width: n * elem.size,
          ...(elem.tzero !== undefined ? { tzero: elem.tzero } : {}),
          ...(tdim ? { tdim } : {}),
          write: (dv, pos, v) => {
            const vec = v as Vector | null;
            for (let i = 0; i < n; i++) elem.put(dv, pos + i * elem.size, vec ? vec.get(i) : null);
          },
        };
      }
      let max = 0;
      for (let i = 0; i < col.length; i++) {
        const v = col.get(i) as Vector | null;
        if (v && v.length > max) max = v.length;
      }
      return {
        field,
        code: "P",
        repeat: 1,
        isVar: true,
        width: 8,
        tdim: `1P${elem.code}(${max})`,
        ...(elem.tzero !== undefined ? { tzero: elem.tzero } : {}),
        write: (dv, pos, v, heap) => {
          const vec = v as Vector | null;
          const n = vec ? vec.length : 0;
          const at = heap.reserve(n * elem.size);
          for (let i = 0; i < n; i++) elem.put(heap.dv, at + i * elem.size, vec!.get(i));
          dv.setUint32(pos, n);
          dv.setUint32(pos + 4, at);
        },
      };
    }
  }
  throw new TypeError(
    `Column "${name}" has Arrow type ${String(t)}, which FITS BINTABLE cannot hold; ` +
      `use Bool, Int, Float, Utf8, or a (FixedSize)List of numbers or booleans`,
  );
}

function intPlan(field: Field, t: Int, col: Vector): ColumnPlan {
  const bits = t.bitWidth;
  const code = INT_CODES[bits]!;
  const size = bits / 8;
  // Stored (raw) range and the conversion value -> raw.
  let tzero: number | bigint | undefined;
  let toRaw: (v: number | bigint) => bigint;
  let min: bigint, max: bigint;
  if (bits === 8) {
    min = 0n;
    max = 255n;
    if (t.isSigned) {
      tzero = -128;
      toRaw = (v) => BigInt(Number(v) + 128);
    } else toRaw = (v) => BigInt(v);
  } else {
    min = -(1n << BigInt(bits - 1));
    max = (1n << BigInt(bits - 1)) - 1n;
    if (t.isSigned) toRaw = (v) => BigInt(v);
    else {
      const off = 1n << BigInt(bits - 1);
      tzero = bits === 64 ? off : Number(off);
      toRaw = (v) => BigInt(v) - off;
    }
  }
  let tnull: bigint | undefined;
  if (columnHasNulls(col)) tnull = freeSentinel(col, toRaw, min, max);
  const nullRaw = tnull;
  const write = (dv: DataView, pos: number, v: unknown) => {
    const raw = v === null ? nullRaw! : toRaw(v as number | bigint);
    switch (bits) {
      case 8:
        dv.setUint8(pos, Number(raw));
        break;
      case 16:
        dv.setInt16(pos, Number(raw));
        break;
      case 32:
        dv.setInt32(pos, Number(raw));
        break;
      default:
        dv.setBigInt64(pos, raw);
    }
  };
  return {
    field,
    code,
    repeat: 1,
    isVar: false,
    width: size,
    ...(tzero !== undefined ? { tzero } : {}),
    ...(tnull !== undefined ? { tnull: bits === 64 ? tnull : Number(tnull) } : {}),
    write,
  };
}

/** Element writers for list items (nulls: NaN for floats, 0 for integers, 0 byte for logicals). */
function elementWriter(
  t: DataType,
): {
  code: string;
  size: number;
  tzero?: number | bigint;
  put: (dv: DataView, pos: number, v: unknown) => void;
} | undefined {
  switch (t.typeId) {
    case Type.Bool:
      return {
        code: "L",
        size: 1,
        put: (dv, p, v) => dv.setUint8(p, v === null ? 0 : v ? 0x54 : 0x46),
      };
    case Type.Float:
      if ((t as Float).precision === 1) {
        return {
          code: "E",
          size: 4,
          put: (dv, p, v) => dv.setFloat32(p, v === null ? NaN : (v as number)),
        };
      }
      if ((t as Float).precision === 2) {
        return {
          code: "D",
          size: 8,
          put: (dv, p, v) => dv.setFloat64(p, v === null ? NaN : (v as number)),
        };
      }
      return undefined;
    case Type.Int: {
      const it = t as Int;
      const bits = it.bitWidth;
      if (bits === 8) {
        return it.isSigned
          ? {
            code: "B",
            size: 1,
            tzero: -128,
            put: (dv, p, v) => dv.setUint8(p, v === null ? 0 : Number(v) + 128),
          }
          : { code: "B", size: 1, put: (dv, p, v) => dv.setUint8(p, v === null ? 0 : Number(v)) };
      }
      if (bits === 16) {
        return it.isSigned
          ? { code: "I", size: 2, put: (dv, p, v) => dv.setInt16(p, v === null ? 0 : Number(v)) }
          : {
            code: "I",
            size: 2,
            tzero: 32768,
            put: (dv, p, v) => dv.setInt16(p, v === null ? 0 : Number(v) - 32768),
          };
      }
      if (bits === 32) {
        return it.isSigned
          ? { code: "J", size: 4, put: (dv, p, v) => dv.setInt32(p, v === null ? 0 : Number(v)) }
          : {
            code: "J",
            size: 4,
            tzero: 2147483648,
            put: (dv, p, v) => dv.setInt32(p, v === null ? 0 : Number(v) - 2147483648),
          };
      }
      return it.isSigned
        ? {
          code: "K",
          size: 8,
          put: (dv, p, v) => dv.setBigInt64(p, v === null ? 0n : BigInt(v as bigint)),
        }
        : {
          code: "K",
          size: 8,
          tzero: 1n << 63n,
          put: (dv, p, v) => dv.setBigInt64(p, v === null ? 0n : BigInt(v as bigint) - (1n << 63n)),
        };
    }
  }
  return undefined;
}
