/**
 * Builds Arrow record batches straight from typed arrays, with the
 * catalogue's column metadata on every field. Floating-point NaN means
 * NULL; integer and boolean columns carry an explicit validity array;
 * strings are built as UTF-8 offsets + bytes (never Dictionary).
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
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Uint8,
  Utf8,
} from "apache-arrow";
import { toFieldMetadata } from "../../table/metadata.ts";
import type { ColumnDef, TableDef } from "./columns.ts";

/** The Arrow type of a catalogue column (see docs/ARCHITECTURE.md). */
export function arrowTypeOf(def: ColumnDef): DataType {
  switch (def.datatype) {
    case "boolean":
      return new Bool();
    case "unsignedByte":
      return new Uint8();
    case "short":
      return new Int16();
    case "int":
      return new Int32();
    case "long":
      return new Int64();
    case "float":
      return new Float32();
    case "double":
      return new Float64();
    case "char":
      return new Utf8();
  }
}

/**
 * The Arrow field of a catalogue column: VOTable metadata from
 * `toFieldMetadata` plus `esatapplus_flags`, `indexed` and `principal`
 * (as strings) when set.
 *
 * @example
 * ```ts
 * import { fieldOf } from "./arrow_columns.ts";
 * const f = fieldOf({ name: "ra", datatype: "double", unit: "deg", description: "Right ascension", flags: 1, indexed: true });
 * if (f.metadata.get("esatapplus_flags") !== "1" || f.metadata.get("unit") !== "deg") throw new Error("metadata");
 * ```
 */
export function fieldOf(def: ColumnDef): Field {
  const md = toFieldMetadata({
    name: def.name,
    datatype: def.datatype,
    ...(def.arraysize ? { arraysize: def.arraysize } : {}),
    ...(def.unit ? { unit: def.unit } : {}),
    ...(def.ucd ? { ucd: def.ucd } : {}),
    ...(def.utype ? { utype: def.utype } : {}),
    description: def.description,
  });
  if (def.flags !== undefined) md.set("esatapplus_flags", String(def.flags));
  if (def.indexed !== undefined) md.set("indexed", String(def.indexed));
  if (def.principal !== undefined) md.set("principal", String(def.principal));
  return new Field(def.name, arrowTypeOf(def), true, md);
}

/** The Arrow schema of a catalogue table, with its name and description in the schema metadata. */
export function schemaOf(table: TableDef): Schema {
  return new Schema(
    table.columns.map(fieldOf),
    new Map([
      ["name", `${table.schema}.${table.name}`],
      ["description", table.description],
    ]),
  );
}

type NumArray = Float64Array | Float32Array | Int16Array | Int32Array | BigInt64Array | Uint8Array;

/** A string column: either a code per row into a small table of strings, or ready-made UTF-8. */
export type StringColumn =
  | { codes: Uint8Array | Int32Array; strings: readonly string[] }
  | { offsets: Int32Array; bytes: Uint8Array };

/**
 * Column buffers for one batch. Fill the typed arrays, then call
 * {@linkcode ColumnBuffers.toRecordBatch}.
 *
 * @example
 * ```ts
 * import { ColumnBuffers } from "./arrow_columns.ts";
 * const b = new ColumnBuffers([
 *   { name: "x", datatype: "double", description: "x" },
 *   { name: "n", datatype: "short", description: "n" },
 * ], 2);
 * b.f64("x").set([1, NaN]);
 * b.i16("n")[0] = 3;
 * b.nullAt("n", 1);
 * const batch = b.toRecordBatch();
 * if (batch.getChild("x")!.get(1) !== null || batch.getChild("n")!.get(1) !== null) throw new Error("nulls");
 * ```
 */
export class ColumnBuffers {
  /** Rows in the batch. */
  readonly length: number;
  /** The Arrow schema (fields with the column metadata). */
  readonly schema: Schema;
  #defs: ColumnDef[];
  #num = new Map<string, NumArray>();
  #valid = new Map<string, Uint8Array>();
  #str = new Map<string, StringColumn>();

  /** Buffers for `length` rows of the given columns (or table). */
  constructor(defs: ColumnDef[] | TableDef, length: number) {
    const table = Array.isArray(defs) ? undefined : defs;
    this.#defs = Array.isArray(defs) ? defs : defs.columns;
    this.length = length;
    this.schema = table ? schemaOf(table) : new Schema(this.#defs.map(fieldOf));
  }

  #get<T extends NumArray>(name: string, make: (n: number) => T): T {
    let a = this.#num.get(name);
    if (!a) {
      if (!this.#defs.some((d) => d.name === name)) {
        throw new RangeError(`No column "${name}" in this table; check the column definitions`);
      }
      a = make(this.length);
      this.#num.set(name, a);
    }
    return a as T;
  }
  /** The Float64 values of a `double` column (NaN = NULL). */
  f64(name: string): Float64Array {
    return this.#get(name, (n) => new Float64Array(n));
  }
  /** The Float32 values of a `float` column (NaN = NULL). */
  f32(name: string): Float32Array {
    return this.#get(name, (n) => new Float32Array(n));
  }
  /** The values of a `short` column. */
  i16(name: string): Int16Array {
    return this.#get(name, (n) => new Int16Array(n));
  }
  /** The values of an `int` column. */
  i32(name: string): Int32Array {
    return this.#get(name, (n) => new Int32Array(n));
  }
  /** The values of a `long` column. */
  i64(name: string): BigInt64Array {
    return this.#get(name, (n) => new BigInt64Array(n));
  }
  /** The values of a `boolean` (0/1) or `unsignedByte` column. */
  u8(name: string): Uint8Array {
    return this.#get(name, (n) => new Uint8Array(n));
  }
  /** Marks one row of an integer or boolean column NULL. */
  nullAt(name: string, row: number): void {
    let v = this.#valid.get(name);
    if (!v) {
      v = new Uint8Array(this.length).fill(1);
      this.#valid.set(name, v);
    }
    v[row] = 0;
  }
  /** Sets a string column. */
  strings(name: string, column: StringColumn): void {
    this.#str.set(name, column);
  }

  /** Builds the record batch; columns never filled are all NULL. */
  toRecordBatch(): RecordBatch {
    const n = this.length;
    const children = this.schema.fields.map((field, i) => {
      const def = this.#defs[i];
      const type = field.type;
      if (def.datatype === "char") {
        const s = this.#str.get(def.name);
        if (!s) {
          return makeData({
            type,
            length: n,
            nullCount: n,
            nullBitmap: new Uint8Array((n + 7) >> 3),
            valueOffsets: new Int32Array(n + 1),
            data: new Uint8Array(0),
          });
        }
        if ("offsets" in s) {
          return makeData({
            type,
            length: n,
            nullCount: 0,
            valueOffsets: s.offsets,
            data: s.bytes,
          });
        }
        return utf8FromCodes(type as Utf8, s.codes, s.strings, n);
      }
      const values = this.#num.get(def.name);
      if (!values) {
        return makeData(
          {
            type,
            length: n,
            nullCount: n,
            nullBitmap: new Uint8Array((n + 7) >> 3),
            data: emptyOf(def, n),
          } as never,
        );
      }
      const valid = this.#valid.get(def.name);
      let bitmap: Uint8Array | undefined;
      let nulls = 0;
      if (def.datatype === "float" || def.datatype === "double") {
        const f = values as Float64Array | Float32Array;
        for (let r = 0; r < n; r++) if (f[r] !== f[r]) nulls++;
        if (nulls) {
          bitmap = new Uint8Array((n + 7) >> 3);
          for (let r = 0; r < n; r++) if (f[r] === f[r]) bitmap[r >> 3] |= 1 << (r & 7);
        }
      } else if (valid) {
        bitmap = new Uint8Array((n + 7) >> 3);
        for (let r = 0; r < n; r++) {
          if (valid[r]) bitmap[r >> 3] |= 1 << (r & 7);
          else nulls++;
        }
      }
      let data: NumArray = values;
      if (def.datatype === "boolean") data = packBits(values as Uint8Array);
      return makeData(
        {
          type,
          length: n,
          nullCount: nulls,
          ...(nulls ? { nullBitmap: bitmap } : {}),
          data,
        } as never,
      );
    });
    const struct = makeData({
      type: new Struct(this.schema.fields),
      length: n,
      nullCount: 0,
      children,
    });
    return new RecordBatch(this.schema, struct);
  }
}

function emptyOf(def: ColumnDef, n: number): NumArray {
  switch (def.datatype) {
    case "boolean":
      return new Uint8Array((n + 7) >> 3);
    case "unsignedByte":
      return new Uint8Array(n);
    case "short":
      return new Int16Array(n);
    case "int":
      return new Int32Array(n);
    case "long":
      return new BigInt64Array(n);
    case "float":
      return new Float32Array(n);
    default:
      return new Float64Array(n);
  }
}

function packBits(v: Uint8Array): Uint8Array {
  const out = new Uint8Array((v.length + 7) >> 3);
  for (let i = 0; i < v.length; i++) if (v[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

const enc = new TextEncoder();

function utf8FromCodes(
  type: Utf8,
  codes: Uint8Array | Int32Array,
  strings: readonly string[],
  n: number,
) {
  const encoded = strings.map((s) => enc.encode(s));
  let total = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c < 0 || c >= encoded.length) nulls++;
    else total += encoded[c].length;
  }
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(n + 1);
  const bitmap = nulls ? new Uint8Array((n + 7) >> 3) : undefined;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c >= 0 && c < encoded.length) {
      bytes.set(encoded[c], pos);
      pos += encoded[c].length;
      if (bitmap) bitmap[i >> 3] |= 1 << (i & 7);
    }
    offsets[i + 1] = pos;
  }
  return makeData({
    type,
    length: n,
    nullCount: nulls,
    ...(bitmap ? { nullBitmap: bitmap } : {}),
    valueOffsets: offsets,
    data: bytes,
  });
}

/**
 * UTF-8 column `prefix + id` for each id (e.g. `Gaia DR3 <source_id>`),
 * written byte by byte without building strings.
 */
export function utf8WithIds(prefix: string, ids: BigInt64Array): StringColumn {
  const p = enc.encode(prefix);
  const n = ids.length;
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(n * (p.length + 20));
  const digits = new Uint8Array(20);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    bytes.set(p, pos);
    pos += p.length;
    let v = ids[i];
    if (v < 0n) {
      bytes[pos++] = 45;
      v = -v;
    }
    let k = 0;
    // split into two safe halves to avoid a BigInt division per digit
    const hi = Number(v / 1000000000n), lo = Number(v % 1000000000n);
    if (hi > 0) {
      let l = lo;
      for (let j = 0; j < 9; j++) {
        digits[k++] = 48 + (l % 10);
        l = Math.floor(l / 10);
      }
      let h = hi;
      while (h > 0) {
        digits[k++] = 48 + (h % 10);
        h = Math.floor(h / 10);
      }
    } else {
      let l = lo;
      do {
        digits[k++] = 48 + (l % 10);
        l = Math.floor(l / 10);
      } while (l > 0);
    }
    while (k > 0) bytes[pos++] = digits[--k];
    offsets[i + 1] = pos;
  }
  return { offsets, bytes: bytes.slice(0, pos) };
}
