/**
 * Arrow tables into DuckDB tables through the appender, 2048 rows per data
 * chunk: numeric columns are copied as typed arrays into the chunk's vectors,
 * nulls set in the validity mask, strings assigned one by one.
 *
 * @module
 */
import {
  type Data,
  type DataType,
  type RecordBatch,
  type Schema,
  type Table,
  Type,
  type Vector,
} from "apache-arrow";
import {
  DuckDBBigIntType,
  DuckDBBooleanType,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDoubleType,
  DuckDBFloatType,
  DuckDBIntegerType,
  DuckDBSmallIntType,
  DuckDBTinyIntType,
  type DuckDBType,
  DuckDBUTinyIntType,
  DuckDBVarCharType,
} from "@duckdb/node-api";
import { quoteSqlIdentifier } from "../../adql/translate.ts";
import type { ColumnDef } from "./types.ts";

const CHUNK = 2048;

/**
 * The DuckDB SQL type and node-api type for an Arrow type.
 *
 * @example
 * ```ts
 * import { Int64 } from "apache-arrow";
 * import { duckdbTypeFor } from "./arrow_duckdb.ts";
 * if (duckdbTypeFor(new Int64()).sql !== "BIGINT") throw new Error("bad");
 * ```
 */
export function duckdbTypeFor(type: DataType): { sql: string; type: DuckDBType } {
  switch (type.typeId) {
    case Type.Bool:
      return { sql: "BOOLEAN", type: DuckDBBooleanType.instance };
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      if (t.bitWidth === 8) {
        return t.isSigned
          ? { sql: "TINYINT", type: DuckDBTinyIntType.instance }
          : { sql: "UTINYINT", type: DuckDBUTinyIntType.instance };
      }
      if (t.bitWidth === 16) {
        return t.isSigned
          ? { sql: "SMALLINT", type: DuckDBSmallIntType.instance }
          : { sql: "INTEGER", type: DuckDBIntegerType.instance };
      }
      if (t.bitWidth === 32 && t.isSigned) {
        return { sql: "INTEGER", type: DuckDBIntegerType.instance };
      }
      return { sql: "BIGINT", type: DuckDBBigIntType.instance };
    }
    case Type.Float: {
      const p = (type as unknown as { precision: number }).precision;
      return p === 2
        ? { sql: "DOUBLE", type: DuckDBDoubleType.instance }
        : { sql: "FLOAT", type: DuckDBFloatType.instance };
    }
    default:
      return { sql: "VARCHAR", type: DuckDBVarCharType.instance };
  }
}

/**
 * The VOTable datatype of an Arrow type, for column definitions.
 *
 * @example
 * ```ts
 * import { Float32 } from "apache-arrow";
 * import { votableDatatypeForArrow } from "./arrow_duckdb.ts";
 * if (votableDatatypeForArrow(new Float32()) !== "float") throw new Error("bad");
 * ```
 */
export function votableDatatypeForArrow(type: DataType): ColumnDef["datatype"] {
  switch (type.typeId) {
    case Type.Bool:
      return "boolean";
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      if (t.bitWidth === 8) return t.isSigned ? "short" : "unsignedByte";
      if (t.bitWidth === 16) return t.isSigned ? "short" : "int";
      if (t.bitWidth === 32 && t.isSigned) return "int";
      return "long";
    }
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 2 ? "double" : "float";
    default:
      return "char";
  }
}

/** Internal fields of the node-api vector classes written here (stable in 1.5.x). */
interface ChunkVector {
  items?: { set(a: ArrayLike<number> | ArrayLike<bigint>, offset?: number): void };
  dataView?: DataView;
  setItem(i: number, v: unknown): void;
  flush(): void;
  validity: { setItemValid(i: number, valid: boolean): void; data: BigUint64Array | null };
}

/** DuckDB validity words (LSB-first, like Arrow) for rows [start, start+n) of `d`; null if no nulls. */
function validityWords(d: Data, start: number, n: number): BigUint64Array | null {
  const bitmap = d.nullBitmap as Uint8Array | undefined;
  if (!d.nullCount || !bitmap || bitmap.length === 0) return null;
  const words = new BigUint64Array(Math.ceil(n / 64));
  const bytes = new Uint8Array(words.buffer);
  const bit0 = d.offset + start;
  if ((bit0 & 7) === 0) {
    const from = bit0 >> 3;
    bytes.set(bitmap.subarray(from, Math.min(bitmap.length, from + ((n + 7) >> 3))));
  } else {
    for (let i = 0; i < n; i++) {
      const b = bit0 + i;
      if ((bitmap[b >> 3] >> (b & 7)) & 1) bytes[i >> 3] |= 1 << (i & 7);
    }
  }
  return words;
}

const decoder = new TextDecoder();

/** Sets rows [start, start+n) of a Utf8 Arrow column; ASCII ranges are decoded once. */
function setStrings(v: ChunkVector, d: Data, start: number, n: number): void {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const bitmap = d.nullCount ? d.nullBitmap as Uint8Array : undefined;
  const first = offsets[d.offset + start], last = offsets[d.offset + start + n];
  let ascii = true;
  for (let k = first; k < last; k++) {
    if (bytes[k] > 0x7f) {
      ascii = false;
      break;
    }
  }
  const all = ascii ? decoder.decode(bytes.subarray(first, last)) : "";
  for (let i = 0; i < n; i++) {
    const r = d.offset + start + i;
    if (bitmap && !((bitmap[r >> 3] >> (r & 7)) & 1)) {
      v.setItem(i, null);
      continue;
    }
    const a = offsets[r], b = offsets[r + 1];
    v.setItem(i, ascii ? all.slice(a - first, b - first) : decoder.decode(bytes.subarray(a, b)));
  }
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (v && typeof v === "object" && "toArray" in v) {
    return JSON.stringify(
      Array.from(
        (v as { toArray(): ArrayLike<unknown> }).toArray(),
        (x) => typeof x === "bigint" ? x.toString() : x,
      ),
    );
  }
  return String(v);
}

/**
 * Creates `target` (a quoted, qualified DuckDB name built by the caller) with
 * the Arrow table's columns and appends its rows.
 *
 * @param con A DuckDB connection.
 * @param schemaName The DuckDB schema (created if missing).
 * @param tableName The table name.
 * @param table The rows (any number of batches).
 * @param options `oidColumn`: name of an INTEGER row-number column (1..n) to
 * put first, as the archive does for user tables; `names`: physical column
 * names to use instead of the Arrow field names (same order); `temporary`:
 * create a TEMP table (visible to this connection only).
 * @returns The number of rows appended.
 *
 * @example Load a small table
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { loadArrowTable } from "./arrow_duckdb.ts";
 * const db = await DuckDBInstance.create(":memory:");
 * const con = await db.connect();
 * await loadArrowTable(con, "demo", "t", tableFromArrays({ x: Float64Array.of(1, 2) }));
 * const r = await con.runAndReadAll('SELECT sum(x) FROM "demo"."t"');
 * if (r.getRows()[0][0] !== 3) throw new Error("bad");
 * con.closeSync();
 * db.closeSync();
 * ```
 */
export async function loadArrowTable(
  con: DuckDBConnection,
  schemaName: string | undefined,
  tableName: string,
  table: Table | { schema: Schema; batches: Iterable<RecordBatch> },
  options: { oidColumn?: string; names?: string[]; temporary?: boolean } = {},
): Promise<number> {
  const fields = table.schema.fields;
  const names = options.names ?? fields.map((f) => f.name);
  const types = fields.map((f) => duckdbTypeFor(f.type));
  const cols = names.map((n, i) => `${quoteSqlIdentifier(n)} ${types[i].sql}`);
  if (options.oidColumn) cols.unshift(`${quoteSqlIdentifier(options.oidColumn)} INTEGER`);
  const qualified = schemaName
    ? `${quoteSqlIdentifier(schemaName)}.${quoteSqlIdentifier(tableName)}`
    : quoteSqlIdentifier(tableName);
  if (schemaName) await con.run(`CREATE SCHEMA IF NOT EXISTS ${quoteSqlIdentifier(schemaName)}`);
  await con.run(
    `CREATE ${options.temporary ? "TEMP " : ""}TABLE ${qualified} (${cols.join(", ")})`,
  );
  const appender = options.temporary
    ? await con.createAppender(tableName, "main", "temp")
    : await con.createAppender(tableName, schemaName);
  const chunkTypes = types.map((t) => t.type);
  if (options.oidColumn) chunkTypes.unshift(DuckDBIntegerType.instance);
  const shift = options.oidColumn ? 1 : 0;
  let rowNumber = 0;
  try {
    for (const batch of table.batches) {
      const columns: Vector[] = fields.map((_, i) => batch.getChildAt(i)!);
      const datas = columns.map((c) => (c.data.length === 1 ? c.data[0] : undefined));
      const arrays = columns.map((c, i) => {
        const id = fields[i].type.typeId;
        return (id === Type.Int || id === Type.Float) && datas[i]
          ? c.toArray() as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }
          : undefined;
      });
      for (let start = 0; start < batch.numRows; start += CHUNK) {
        const n = Math.min(CHUNK, batch.numRows - start);
        const chunk = DuckDBDataChunk.create(chunkTypes, n);
        if (options.oidColumn) {
          const v = chunk.getColumnVector(0) as unknown as ChunkVector;
          const oids = new Int32Array(n);
          for (let i = 0; i < n; i++) oids[i] = rowNumber + start + i + 1;
          v.items!.set(oids);
          v.flush();
        }
        for (let c = 0; c < fields.length; c++) {
          const v = chunk.getColumnVector(c + shift) as unknown as ChunkVector;
          const col = columns[c];
          const arr = arrays[c];
          const d = datas[c];
          const sqlType = types[c].sql;
          if (d && arr && v.items && arr.constructor === v.items.constructor) {
            v.items.set(arr.subarray(start, start + n));
            const words = validityWords(d, start, n);
            if (words) v.validity.data = words;
          } else if (d && sqlType === "BOOLEAN" && v.dataView) {
            const bits = d.values as Uint8Array;
            const dv = v.dataView;
            for (let i = 0; i < n; i++) {
              const b = d.offset + start + i;
              dv.setUint8(i, (bits[b >> 3] >> (b & 7)) & 1);
            }
            const words = validityWords(d, start, n);
            if (words) v.validity.data = words;
          } else if (d && sqlType === "VARCHAR" && fields[c].type.typeId === Type.Utf8) {
            setStrings(v, d, start, n);
          } else if (sqlType === "VARCHAR") {
            for (let i = 0; i < n; i++) {
              const x = col.get(start + i);
              v.setItem(i, x === null || x === undefined ? null : textOf(x));
            }
          } else if (sqlType === "BIGINT") {
            for (let i = 0; i < n; i++) {
              const x = col.get(start + i);
              v.setItem(i, x === null || x === undefined ? null : BigInt(x));
            }
          } else if (sqlType === "FLOAT" || sqlType === "DOUBLE") {
            for (let i = 0; i < n; i++) {
              const x = col.get(start + i) as number | null;
              v.setItem(i, x === null || x === undefined || Number.isNaN(x) ? null : x);
            }
          } else {
            for (let i = 0; i < n; i++) {
              const x = col.get(start + i);
              v.setItem(i, x === null || x === undefined ? null : x);
            }
          }
          v.flush();
        }
        appender.appendDataChunk(chunk);
      }
      rowNumber += batch.numRows;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rowNumber;
}
