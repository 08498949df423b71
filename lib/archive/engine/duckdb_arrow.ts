/**
 * DuckDB query results to Arrow, column by column: numeric vectors are
 * copied as typed arrays, DuckDB validity words become the Arrow validity
 * bitmap (both are LSB-first bitmaps), strings are copied as UTF-8 bytes
 * without decoding. No JS object per value except for rare types
 * (DECIMAL, HUGEINT, dates) that go through DuckDB's own value objects.
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint8,
  Utf8,
} from "apache-arrow";
import { type DuckDBDataChunk, type DuckDBResult, DuckDBTypeId } from "@duckdb/node-api";

/** Internal fields of the node-api vector classes read here (stable in 1.5.x). */
interface RawVector {
  items?: ArrayLike<number | bigint> & {
    buffer: ArrayBufferLike;
    byteOffset: number;
    byteLength: number;
  };
  dataView?: DataView;
  validity?: { data: BigUint64Array | null };
  getItem(i: number): unknown;
}

type Kind =
  | "bool"
  | "i8"
  | "u8"
  | "i16"
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "utf8"
  | "big"
  | "dec"
  | "text";

function kindOf(id: DuckDBTypeId): Kind {
  switch (id) {
    case DuckDBTypeId.BOOLEAN:
      return "bool";
    case DuckDBTypeId.TINYINT:
      return "i8";
    case DuckDBTypeId.UTINYINT:
      return "u8";
    case DuckDBTypeId.SMALLINT:
      return "i16";
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return id === DuckDBTypeId.INTEGER ? "i32" : "big";
    case DuckDBTypeId.BIGINT:
      return "i64";
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return "big";
    case DuckDBTypeId.FLOAT:
      return "f32";
    case DuckDBTypeId.DOUBLE:
      return "f64";
    case DuckDBTypeId.VARCHAR:
      return "utf8";
    case DuckDBTypeId.DECIMAL:
      return "dec";
    case DuckDBTypeId.SQLNULL:
      return "utf8";
    default:
      return "text";
  }
}

function arrowType(k: Kind): DataType {
  switch (k) {
    case "bool":
      return new Bool();
    case "i8":
      return new Int8();
    case "u8":
      return new Uint8();
    case "i16":
      return new Int16();
    case "i32":
      return new Int32();
    case "i64":
    case "big":
      return new Int64();
    case "f32":
      return new Float32();
    case "f64":
    case "dec":
      return new Float64();
    default:
      return new Utf8();
  }
}

/**
 * The VOTable datatype an Arrow column made from a DuckDB type should carry.
 *
 * @example
 * ```ts
 * import { DuckDBTypeId } from "@duckdb/node-api";
 * import { votableDatatypeOf } from "./duckdb_arrow.ts";
 * if (votableDatatypeOf(DuckDBTypeId.BIGINT) !== "long") throw new Error("bad");
 * ```
 */
export function votableDatatypeOf(id: DuckDBTypeId): string {
  switch (kindOf(id)) {
    case "bool":
      return "boolean";
    case "u8":
      return "unsignedByte";
    case "i8":
    case "i16":
      return "short";
    case "i32":
      return "int";
    case "i64":
    case "big":
      return "long";
    case "f32":
      return "float";
    case "f64":
    case "dec":
      return "double";
    default:
      return "char";
  }
}

const ELEMENT_SIZE: Partial<Record<Kind, number>> = {
  i8: 1,
  u8: 1,
  i16: 2,
  i32: 4,
  i64: 8,
  f32: 4,
  f64: 8,
};
const encoder = new TextEncoder();

class ColumnAccumulator {
  readonly kind: Kind;
  length = 0;
  nullCount = 0;
  #values: Uint8Array;
  #valid: Uint8Array;
  #offsets: Int32Array | undefined;
  #bytes = 0;

  constructor(kind: Kind, capacity: number) {
    this.kind = kind;
    const cap = Math.max(capacity, 64);
    const size = kind === "bool" ? 0 : ELEMENT_SIZE[kind] ?? (kind === "big" ? 8 : 0);
    this.#values = new Uint8Array(
      kind === "bool" ? (cap + 7) >> 3 : size ? cap * size : kind === "dec" ? cap * 8 : cap * 8,
    );
    this.#valid = new Uint8Array((cap + 7) >> 3);
    if (kind === "utf8" || kind === "text") this.#offsets = new Int32Array(cap + 1);
  }

  #ensureRows(total: number): void {
    const needValid = (total + 7) >> 3;
    if (needValid > this.#valid.length) {
      const v = new Uint8Array(Math.max(needValid, this.#valid.length * 2));
      v.set(this.#valid);
      this.#valid = v;
    }
    if (this.#offsets) {
      if (total + 1 > this.#offsets.length) {
        const o = new Int32Array(Math.max(total + 1, this.#offsets.length * 2));
        o.set(this.#offsets);
        this.#offsets = o;
      }
      return;
    }
    const size = this.kind === "bool"
      ? 0
      : this.kind === "dec" || this.kind === "big"
      ? 8
      : ELEMENT_SIZE[this.kind]!;
    const needBytes = this.kind === "bool" ? (total + 7) >> 3 : total * size;
    if (needBytes > this.#values.length) {
      const v = new Uint8Array(Math.max(needBytes, this.#values.length * 2));
      v.set(this.#values);
      this.#values = v;
    }
  }

  #ensureBytes(n: number): void {
    if (this.#bytes + n > this.#values.length) {
      const v = new Uint8Array(Math.max(this.#bytes + n, this.#values.length * 2));
      v.set(this.#values.subarray(0, this.#bytes));
      this.#values = v;
    }
  }

  /** Copies the validity of `n` rows (DuckDB words, or all valid) to position `this.length`. */
  #appendValidity(words: BigUint64Array | null, n: number): Uint8Array | null {
    const at = this.length;
    const dst = this.#valid;
    if (!words) {
      for (let i = 0; i < n; i++) {
        const b = at + i;
        dst[b >> 3] |= 1 << (b & 7);
      }
      return null;
    }
    const src = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    let nulls = 0;
    if ((at & 7) === 0) {
      const full = n >> 3;
      dst.set(src.subarray(0, full), at >> 3);
      for (let i = 0; i < full; i++) {
        const x = src[i];
        if (x !== 255) { for (let k = 0; k < 8; k++) if (!(x & (1 << k))) nulls++; }
      }
      for (let i = full << 3; i < n; i++) {
        const b = at + i;
        if (src[i >> 3] & (1 << (i & 7))) dst[b >> 3] |= 1 << (b & 7);
        else {
          dst[b >> 3] &= ~(1 << (b & 7));
          nulls++;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const b = at + i;
        if (src[i >> 3] & (1 << (i & 7))) dst[b >> 3] |= 1 << (b & 7);
        else {
          dst[b >> 3] &= ~(1 << (b & 7));
          nulls++;
        }
      }
    }
    this.nullCount += nulls;
    return src;
  }

  append(vector: RawVector, n: number): void {
    const total = this.length + n;
    this.#ensureRows(total);
    const words = vector.validity?.data ?? null;
    const valid = this.#appendValidity(words, n);
    const isValid = (i: number) => !valid || (valid[i >> 3] & (1 << (i & 7))) !== 0;
    const at = this.length;
    switch (this.kind) {
      case "i8":
      case "u8":
      case "i16":
      case "i32":
      case "i64":
      case "f32":
      case "f64": {
        const items = vector.items!;
        const size = ELEMENT_SIZE[this.kind]!;
        this.#values.set(new Uint8Array(items.buffer, items.byteOffset, n * size), at * size);
        break;
      }
      case "bool": {
        const dv = vector.dataView!;
        const dst = this.#values;
        for (let i = 0; i < n; i++) {
          const b = at + i;
          if (isValid(i) && dv.getUint8(i) !== 0) dst[b >> 3] |= 1 << (b & 7);
          else dst[b >> 3] &= ~(1 << (b & 7));
        }
        break;
      }
      case "big":
      case "dec": {
        const view = new DataView(this.#values.buffer, this.#values.byteOffset);
        for (let i = 0; i < n; i++) {
          if (!isValid(i)) continue;
          const v = vector.getItem(i);
          if (this.kind === "dec") {
            const x = typeof v === "number" ? v : (v as { toDouble(): number }).toDouble();
            view.setFloat64((at + i) * 8, x, true);
          } else {
            const b = BigInt(v as bigint | number);
            if (b > 0x7fffffffffffffffn || b < -0x8000000000000000n) {
              throw new RangeError(
                `Integer result ${b} does not fit a 64-bit column; cast it to DOUBLE PRECISION`,
              );
            }
            view.setBigInt64((at + i) * 8, b, true);
          }
        }
        break;
      }
      case "utf8": {
        const dv = vector.dataView;
        if (dv) this.#appendStrings(dv, n, isValid);
        else {
          const offsets = this.#offsets!;
          for (let i = 0; i < n; i++) offsets[at + i + 1] = this.#bytes;
        }
        break;
      }
      case "text": {
        const offsets = this.#offsets!;
        for (let i = 0; i < n; i++) {
          if (isValid(i)) {
            const v = vector.getItem(i);
            const bytes = encoder.encode(
              typeof v === "bigint" ? v.toString() : v === null ? "" : String(v),
            );
            this.#ensureBytes(bytes.length);
            this.#values.set(bytes, this.#bytes);
            this.#bytes += bytes.length;
          }
          offsets[at + i + 1] = this.#bytes;
        }
        break;
      }
    }
    this.length = total;
  }

  /**
   * Copies `n` DuckDB `string_t` values (16 bytes each: length, then either
   * the inlined bytes (<= 12) or a 4-byte prefix and a pointer). Long strings
   * stored next to each other (gaps under 2 KiB, less than a memory page, so
   * the span is all mapped) are copied with one read of native memory per run.
   */
  #appendStrings(dv: DataView, n: number, isValid: (i: number) => boolean): void {
    const raw = new Uint8Array(dv.buffer, dv.byteOffset, n * 16);
    const offsets = this.#offsets!;
    const at = this.length;
    let total = 0;
    for (let i = 0; i < n; i++) if (isValid(i)) total += dv.getUint32(i * 16, true);
    this.#ensureBytes(total);
    const dst = this.#values;
    let pos = this.#bytes;
    // pending run of out-of-line strings: [runStart, runEnd) in native memory
    let runStart = 0n, runEnd = 0n;
    const members: number[] = []; // triples: rowIndex, dstPos, len
    const ptrs: bigint[] = [];
    const flush = () => {
      if (members.length === 0) return;
      if (members.length === 3) {
        new Deno.UnsafePointerView(Deno.UnsafePointer.create(ptrs[0])!).copyInto(
          dst.subarray(members[1], members[1] + members[2]),
        );
      } else {
        const span = new Uint8Array(Number(runEnd - runStart));
        new Deno.UnsafePointerView(Deno.UnsafePointer.create(runStart)!).copyInto(span);
        for (let k = 0, m = 0; k < members.length; k += 3, m++) {
          const off = Number(ptrs[m] - runStart);
          dst.set(span.subarray(off, off + members[k + 2]), members[k + 1]);
        }
      }
      members.length = 0;
      ptrs.length = 0;
    };
    for (let i = 0; i < n; i++) {
      if (isValid(i)) {
        const len = dv.getUint32(i * 16, true);
        if (len <= 12) {
          const from = i * 16 + 4;
          for (let k = 0; k < len; k++) dst[pos + k] = raw[from + k];
        } else {
          const p = dv.getBigUint64(i * 16 + 8, true);
          const end = p + BigInt(len);
          if (members.length && p >= runStart && p <= runEnd + 2048n) {
            if (end > runEnd) runEnd = end;
          } else {
            flush();
            runStart = p;
            runEnd = end;
          }
          members.push(i, pos, len);
          ptrs.push(p);
        }
        pos += len;
      }
      offsets[at + i + 1] = pos;
    }
    flush();
    this.#bytes = pos;
  }

  finish(type: DataType) {
    const n = this.length;
    const nullBitmap = this.nullCount ? this.#valid.slice(0, (n + 7) >> 3) : undefined;
    switch (this.kind) {
      case "utf8":
      case "text":
        return makeData({
          type: type as Utf8,
          length: n,
          nullCount: this.nullCount,
          nullBitmap,
          valueOffsets: this.#offsets!.slice(0, n + 1),
          data: this.#values.slice(0, this.#bytes),
        });
      case "bool":
        return makeData({
          type: type as Bool,
          length: n,
          nullCount: this.nullCount,
          nullBitmap,
          data: this.#values.slice(0, (n + 7) >> 3),
        });
      default: {
        const size = this.kind === "big" || this.kind === "dec" ? 8 : ELEMENT_SIZE[this.kind]!;
        const buf = this.#values.slice(0, n * size).buffer;
        const Ctor = {
          i8: Int8Array,
          u8: Uint8Array,
          i16: Int16Array,
          i32: Int32Array,
          i64: BigInt64Array,
          big: BigInt64Array,
          f32: Float32Array,
          f64: Float64Array,
          dec: Float64Array,
        }[this.kind as "i8"];
        return makeData({
          type: type as Int8,
          length: n,
          nullCount: this.nullCount,
          nullBitmap,
          data: new Ctor(buf, 0, n) as Int8Array,
        });
      }
    }
  }
}

/** A column of the Arrow result: its name and field metadata. */
export interface ResultField {
  name: string;
  metadata: Map<string, string>;
}

/**
 * Reads a DuckDB result into one Arrow table, at most `maxRows` rows.
 *
 * @param result A (streaming or materialized) DuckDB result.
 * @param fields Names and metadata for the columns (same order and count), or
 * undefined to use DuckDB's column names.
 * @param options `maxRows`: stop after this many rows; `signal`: abort between chunks.
 * @returns The table, the DuckDB type ids of its columns, and `more`: whether
 * rows were left unread after `maxRows`.
 *
 * @example Read a query into Arrow
 * ```ts
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { duckdbResultToArrow } from "./duckdb_arrow.ts";
 * const db = await DuckDBInstance.create(":memory:");
 * const con = await db.connect();
 * const result = await con.stream("SELECT 9007199254740993::BIGINT AS id, 'Gaia DR3 x' AS name");
 * const { table } = await duckdbResultToArrow(result);
 * if (table.getChild("id")!.get(0) !== 9007199254740993n) throw new Error("int64");
 * if (table.getChild("name")!.get(0) !== "Gaia DR3 x") throw new Error("utf8");
 * con.closeSync();
 * db.closeSync();
 * ```
 */
export async function duckdbResultToArrow(
  result: DuckDBResult,
  fields?: (types: DuckDBTypeId[]) => ResultField[],
  options: { maxRows?: number; signal?: AbortSignal } = {},
): Promise<{ table: Table; typeIds: DuckDBTypeId[]; more: boolean }> {
  const count = result.columnCount;
  const typeIds: DuckDBTypeId[] = [];
  for (let c = 0; c < count; c++) typeIds.push(result.columnTypeId(c));
  const kinds = typeIds.map(kindOf);
  const acc = kinds.map((k) => new ColumnAccumulator(k, 2048));
  const max = options.maxRows ?? Infinity;
  let rows = 0;
  let more = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const chunk: DuckDBDataChunk | null = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    if (rows >= max) {
      more = true;
      break;
    }
    const n = Math.min(chunk.rowCount, max - rows);
    for (let c = 0; c < count; c++) {
      acc[c].append(chunk.getColumnVector(c) as unknown as RawVector, n);
    }
    rows += n;
    if (n < chunk.rowCount) {
      more = true;
      break;
    }
  }
  const meta = fields
    ? fields(typeIds)
    : result.columnNames().map((name) => ({ name, metadata: new Map<string, string>() }));
  const arrowFields = kinds.map((k, c) =>
    new Field(meta[c].name, arrowType(k), true, meta[c].metadata)
  );
  const schema = new Schema(arrowFields);
  const children = acc.map((a, c) => a.finish(arrowFields[c].type));
  const data = makeData({
    type: new Struct(arrowFields),
    length: rows,
    nullCount: 0,
    children,
  });
  return { table: new Table(schema, new RecordBatch(schema, data)), typeIds, more };
}
