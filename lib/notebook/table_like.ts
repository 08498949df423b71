/**
 * One door for everything a notebook user hands to a display or a chart: an
 * Arrow table, a query result (anything with a `.table`), a Polars
 * DataFrame, or an array of plain records. Each is turned into a
 * {@linkcode Columns} view that reads columns as typed arrays (nulls as
 * `NaN`), strings, or raw values, and knows each column's unit, UCD and
 * description when the source carried them.
 *
 * Polars is never imported here: a DataFrame is recognised by its
 * `writeIPC()` method and read back through Arrow IPC (the exact route, see
 * NOTES-deno.md), so importing deno-gaia needs no FFI permission.
 *
 * @module
 */
import { asOwnTable, isArrowTable } from "../table/arrow_table.ts";
import { type Data, type Field, type Table, tableFromIPC, Type, type Vector } from "apache-arrow";
import { type ColumnMeta, columnMeta } from "../table/metadata.ts";

/** A Polars DataFrame, recognised by shape (no Polars import needed). */
export interface DataFrameLike {
  /** The frame in Arrow IPC file format. */
  writeIPC(): Uint8Array;
  /** Number of rows. */
  readonly height: number;
  /** Column names. */
  readonly columns: string[];
}

/** Anything with an Arrow `table` property, such as a TAP query result. */
export interface HasTable {
  /** The Arrow table. */
  readonly table: Table;
}

/** What charts and displays accept. */
export type TableInput = Table | HasTable | DataFrameLike | ReadonlyArray<Record<string, unknown>>;

/** Column-wise read access to a table, whatever it came from. */
export interface Columns {
  /** Number of rows. */
  readonly length: number;
  /** Column names, in order. */
  readonly names: readonly string[];
  /** The Arrow table, when the input was or became one. */
  readonly table?: Table;
  /** Whether a column exists. */
  has(name: string): boolean;
  /** A column as numbers: nulls and non-numbers become `NaN`, Int64 is converted with `Number`. */
  numbers(name: string): Float64Array;
  /** A column as text: nulls become `""`; Int64 keeps all its digits. */
  strings(name: string): string[];
  /** One cell, as Arrow gives it (BigInt for Int64, a Vector for arrays), `null` for nulls. */
  value(name: string, row: number): unknown;
  /** The column's metadata (unit, UCD, description, ...), when known. */
  meta(name: string): ColumnMeta;
  /** A short description of the column's type, e.g. `float64`, `int64`, `utf8`, `list<float32>`. */
  typeName(name: string): string;
}

/**
 * Thrown when a chart or display is asked for a column that the data does
 * not have; the message lists the columns there are.
 */
export class ColumnNotFoundError extends TypeError {
  /** The column asked for. */
  readonly column: string;
  /** Creates the error for `where` (the calling function), naming the columns there are and the option to set. */
  constructor(where: string, column: string, names: readonly string[], option?: string) {
    const have = names.length
      ? `the data has ${names.slice(0, 30).map((n) => JSON.stringify(n)).join(", ")}${
        names.length > 30 ? `, ... (${names.length} columns)` : ""
      }`
      : "the data has no columns";
    const hint = option ? `; pass {${option}: "<column>"} to use another column` : "";
    super(`${where}: column ${JSON.stringify(column)} not found: ${have}${hint}`);
    this.name = "ColumnNotFoundError";
    this.column = column;
  }
}

/** Whether a value looks like a Polars DataFrame. */
export function isDataFrameLike(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null &&
    typeof (x as DataFrameLike).writeIPC === "function" &&
    Array.isArray((x as DataFrameLike).columns);
}

export { isArrowTable };

/** Whether a value carries an Arrow table in `.table` (a query result, a product). */
export function hasTable(x: unknown): x is HasTable {
  return typeof x === "object" && x !== null && "table" in x && isArrowTable((x as HasTable).table);
}

/**
 * Turns an Arrow table, a query result, a Polars DataFrame or records into an
 * Arrow table (records become an Arrow table only through {@linkcode columnsOf}).
 *
 * @param input What to convert.
 * @param where The calling function, for error messages.
 * @returns The Arrow table, or `undefined` for records.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { asArrowTable } from "./table_like.ts";
 * const t = tableFromArrays({ ra: new Float64Array([1, 2]) });
 * if (asArrowTable({ table: t }, "example") !== t) throw new Error("not unwrapped");
 * ```
 */
export function asArrowTable(input: unknown, where: string): Table | undefined {
  if (isArrowTable(input)) return asOwnTable(input);
  if (hasTable(input)) return asOwnTable(input.table);
  if (isDataFrameLike(input)) return tableFromIPC(input.writeIPC());
  if (Array.isArray(input)) return undefined;
  throw new TypeError(
    `${where}: expected an Arrow table, a query result (with .table), a Polars DataFrame or an array of records, got ${
      describeValue(input)
    }${
      input === undefined
        ? "; was a lookup empty (e.g. products.get(id, type) for a source without that product)?"
        : ""
    }`,
  );
}

/** A short description of a value's type for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === "object") return `an object (${x.constructor?.name ?? "Object"})`;
  return `${typeof x} ${JSON.stringify(String(x).slice(0, 40))}`;
}

/**
 * Column-wise access to any supported input.
 *
 * @param input An Arrow table, a query result, a Polars DataFrame or records.
 * @param where The calling function, named in error messages.
 * @returns The {@linkcode Columns} view.
 *
 * @example Records and Arrow tables read the same way
 * ```ts
 * import { columnsOf } from "./table_like.ts";
 * const c = columnsOf([{ g: 10.5, id: 1n }, { g: null, id: 2n }], "example");
 * const g = c.numbers("g");
 * if (c.length !== 2 || g[0] !== 10.5 || !Number.isNaN(g[1])) throw new Error("wrong");
 * if (c.strings("id")[1] !== "2") throw new Error("wrong id");
 * ```
 */
export function columnsOf(input: TableInput | unknown, where: string): Columns {
  const table = asArrowTable(input, where);
  if (table) return new ArrowColumns(table, where);
  return new RecordColumns(input as ReadonlyArray<Record<string, unknown>>, where);
}

class ArrowColumns implements Columns {
  readonly table: Table;
  readonly length: number;
  readonly names: readonly string[];
  #where: string;
  #cache = new Map<string, Float64Array>();
  constructor(table: Table, where: string) {
    this.table = table;
    this.length = table.numRows;
    this.names = table.schema.fields.map((f) => f.name);
    this.#where = where;
  }
  has(name: string): boolean {
    return this.names.includes(name);
  }
  #field(name: string): Field {
    const f = this.table.schema.fields.find((f) => f.name === name);
    if (!f) throw new ColumnNotFoundError(this.#where, name, this.names);
    return f;
  }
  #vector(name: string): Vector {
    this.#field(name);
    return this.table.getChild(name)!;
  }
  numbers(name: string): Float64Array {
    const hit = this.#cache.get(name);
    if (hit) return hit;
    const out = vectorToNumbers(this.#vector(name));
    this.#cache.set(name, out);
    return out;
  }
  strings(name: string): string[] {
    const v = this.#vector(name);
    const out = new Array<string>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cellText(v.get(i));
    return out;
  }
  value(name: string, row: number): unknown {
    return this.#vector(name).get(row) ?? null;
  }
  meta(name: string): ColumnMeta {
    return columnMeta(this.#field(name));
  }
  typeName(name: string): string {
    return arrowTypeName(this.#field(name).type);
  }
}

class RecordColumns implements Columns {
  readonly length: number;
  readonly names: readonly string[];
  #rows: ReadonlyArray<Record<string, unknown>>;
  #where: string;
  constructor(rows: ReadonlyArray<Record<string, unknown>>, where: string) {
    this.#rows = rows;
    this.#where = where;
    this.length = rows.length;
    const names = new Set<string>();
    for (let i = 0; i < Math.min(rows.length, 100); i++) {
      const r = rows[i];
      if (typeof r !== "object" || r === null) {
        throw new TypeError(`${where}: record ${i} is ${describeValue(r)}, expected an object`);
      }
      for (const k of Object.keys(r)) names.add(k);
    }
    this.names = [...names];
  }
  has(name: string): boolean {
    return this.names.includes(name);
  }
  #check(name: string) {
    if (!this.has(name)) throw new ColumnNotFoundError(this.#where, name, this.names);
  }
  numbers(name: string): Float64Array {
    this.#check(name);
    const out = new Float64Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = toNumber(this.#rows[i][name]);
    return out;
  }
  strings(name: string): string[] {
    this.#check(name);
    return this.#rows.map((r) => cellText(r[name]));
  }
  value(name: string, row: number): unknown {
    this.#check(name);
    return this.#rows[row][name] ?? null;
  }
  meta(name: string): ColumnMeta {
    this.#check(name);
    return { name };
  }
  typeName(name: string): string {
    this.#check(name);
    const v = this.#rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
    return v === undefined ? "null" : typeof v;
  }
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return NaN;
}

/** Text of one cell: `""` for null, all digits of a BigInt, arrays as `[a, b, ...]`. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    return listText(Array.from(v as ArrayLike<unknown>));
  }
  if (typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function") {
    return listText(Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()));
  }
  return String(v);
}

function listText(items: unknown[]): string {
  const head = items.slice(0, 6).map(cellText).join(", ");
  return `[${head}${items.length > 6 ? `, ... (${items.length} values)` : ""}]`;
}

/** Copies a numeric Arrow vector into a Float64Array, nulls as NaN. */
function vectorToNumbers(v: Vector): Float64Array {
  const out = new Float64Array(v.length);
  let at = 0;
  for (const d of v.data as Data[]) {
    const n = d.length;
    const t = d.type.typeId;
    const vals = d.values as ArrayLike<number | bigint> | undefined;
    if ((t === Type.Int || t === Type.Float) && vals !== undefined) {
      const off = d.offset;
      if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) {
        for (let i = 0; i < n; i++) out[at + i] = Number(vals[off + i] as bigint);
      } else if (t === Type.Float && (d.type as unknown as { precision: number }).precision === 0) {
        for (let i = 0; i < n; i++) out[at + i] = halfToNumber(vals[off + i] as number);
      } else {
        for (let i = 0; i < n; i++) out[at + i] = vals[off + i] as number;
      }
      if (d.nullCount > 0 && d.nullBitmap) {
        const bm = d.nullBitmap;
        for (let i = 0; i < n; i++) {
          const j = off + i;
          if ((bm[j >> 3] & (1 << (j & 7))) === 0) out[at + i] = NaN;
        }
      }
    } else if (t === Type.Bool) {
      for (let i = 0; i < n; i++) out[at + i] = toNumber(getBool(d, i));
    } else {
      // Anything else (decimal, dates, text): through the generic accessor.
      for (let i = 0; i < n; i++) out[at + i] = toNumber(v.get(at + i));
    }
    at += n;
  }
  return out;
}

function getBool(d: Data, i: number): boolean | null {
  const j = d.offset + i;
  if (d.nullCount > 0 && d.nullBitmap && (d.nullBitmap[j >> 3] & (1 << (j & 7))) === 0) return null;
  return ((d.values as Uint8Array)[j >> 3] & (1 << (j & 7))) !== 0;
}

function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A short, readable name for an Arrow data type. */
export function arrowTypeName(type: { typeId: number; toString(): string }): string {
  const s = type.toString();
  return s
    .replace(/^Float64$/, "float64")
    .replace(/^Float32$/, "float32")
    .replace(/^Int(8|16|32|64)$/, "int$1")
    .replace(/^Uint(8|16|32|64)$/, "uint$1")
    .replace(/^Utf8(View)?$/, "utf8")
    .replace(/^Bool$/, "bool");
}
