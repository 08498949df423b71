/**
 * The bridge between Arrow tables and Polars dataframes, by the exact and
 * fast IPC-file route (`pl.readIPC` of `tableToIPC(t, "file")`, and
 * `tableFromIPC(df.writeIPC())` back): int64 beyond 2^53 stays exact,
 * nulls, strings (Polars `String`, never categorical) and booleans survive.
 *
 * Polars drops Arrow field metadata, so the column metadata (unit, ucd,
 * description, ...) is kept beside the frame and put back by
 * {@linkcode fromPolars}; {@linkcode polarsColumnMeta} reads it.
 *
 * nodejs-polars is imported lazily, on first use, so that importing
 * deno-gaia stays fast.
 *
 * @module
 */
import { asOwnTable, isArrowTable } from "./arrow_table.ts";
import {
  type Data,
  type DataType,
  Dictionary,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Utf8,
  type Vector,
} from "apache-arrow";
import type { DataFrame } from "nodejs-polars";
import { Buffer } from "node:buffer";
import { Utf8Builder } from "./builders.ts";
import { type ColumnMeta, columnMeta } from "./metadata.ts";

type Polars = typeof import("nodejs-polars").default;

let polarsModule: Promise<Polars> | undefined;

/**
 * Loads nodejs-polars (once). Polars needs `--allow-ffi --allow-read
 * --allow-env --allow-sys`.
 *
 * @example
 * ```ts
 * import { loadPolars } from "./polars.ts";
 * const pl = await loadPolars();
 * if (pl.DataFrame({ a: [1, 2] }).height !== 2) throw new Error("polars");
 * ```
 */
export function loadPolars(): Promise<Polars> {
  polarsModule ??= import("nodejs-polars").then((m) => (m.default ?? m) as Polars);
  return polarsModule;
}

interface SavedMeta {
  schema: Map<string, string>;
  fields: Map<string, Map<string, string>>;
}

const saved = new WeakMap<object, SavedMeta>();

function metaOf(schema: Schema): SavedMeta {
  const fields = new Map<string, Map<string, string>>();
  for (const f of schema.fields) if (f.metadata.size) fields.set(f.name, new Map(f.metadata));
  return { schema: new Map(schema.metadata), fields };
}

/**
 * Converts an Arrow table to a Polars DataFrame, exactly: Int64 above 2^53,
 * nulls, booleans and strings (dictionary-encoded strings are decoded first,
 * so Polars gets `String`, not `Categorical`). The field metadata is kept
 * beside the frame for {@linkcode fromPolars} and {@linkcode polarsColumnMeta}.
 *
 * @param table The Arrow table.
 * @returns The DataFrame.
 *
 * @example int64 stays exact
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { toPolars } from "./polars.ts";
 * const df = await toPolars(tableFromArrays({ source_id: new BigInt64Array([5929246508730155392n]) }));
 * if (df.getColumn("source_id").toTypedArray()[0] !== 5929246508730155392n) throw new Error("int64");
 * ```
 */
export async function toPolars(table: Table): Promise<DataFrame> {
  const pl = await loadPolars();
  const plain = decodeDictionaries(asOwnTable(table));
  const ipc = tableToIPC(plain, "file");
  // A view of the IPC bytes, not a copy (Polars copies them into its own memory).
  const df = pl.readIPC(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
  saved.set(df, metaOf(table.schema));
  return df;
}

/** Options of {@linkcode fromPolars}. */
export interface FromPolarsOptions {
  /**
   * Where to take column metadata from when the frame is not one made by
   * {@linkcode toPolars} (e.g. after `select`/`filter`): a table or schema
   * whose fields are matched by name.
   */
  metadataFrom?: Table | Schema;
}

/**
 * Converts a Polars DataFrame to an Arrow table (`tableFromIPC(df.writeIPC())`),
 * with string columns as plain Utf8 (Polars writes Utf8View) and the column
 * metadata put back: from the frame's own record when {@linkcode toPolars}
 * made it, else from `metadataFrom`.
 *
 * @param df The DataFrame.
 * @param options Where to take metadata from for derived frames.
 * @returns The Arrow table.
 *
 * @example Units survive the round trip
 * ```ts
 * import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table } from "apache-arrow";
 * import { fromPolars, polarsColumnMeta, toPolars } from "./polars.ts";
 * import { getColumnMeta } from "./metadata.ts";
 * const schema = new Schema([new Field("ra", new Float64(), true, new Map([["unit", "deg"]]))]);
 * const ra = makeData({ type: new Float64(), length: 1, data: new Float64Array([56.75]) });
 * const t = new Table(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 1, children: [ra] })));
 * const df = await toPolars(t);
 * if (polarsColumnMeta(df, "ra")?.unit !== "deg") throw new Error("meta beside the frame");
 * const back = await fromPolars(df);
 * if (getColumnMeta(back, "ra")?.unit !== "deg" || back.getChild("ra")!.get(0) !== 56.75) throw new Error("round trip");
 * ```
 */
export async function fromPolars(df: DataFrame, options: FromPolarsOptions = {}): Promise<Table> {
  await loadPolars();
  const ipc = df.writeIPC();
  const raw = tableFromIPC(new Uint8Array(ipc.buffer, ipc.byteOffset, ipc.byteLength));
  const plain = plainStrings(raw);
  const from = options.metadataFrom;
  const meta = saved.get(df) ??
    (from ? metaOf(isArrowTable(from) ? from.schema : from) : undefined);
  if (!meta) return plain;
  const fields = plain.schema.fields.map((f) => {
    const m = meta.fields.get(f.name);
    return m ? new Field(f.name, f.type, f.nullable, new Map([...f.metadata, ...m])) : f;
  });
  const schemaMd = new Map([...plain.schema.metadata, ...meta.schema]);
  const schema = new Schema(fields, schemaMd);
  if (plain.batches.length === 0) return new Table(schema);
  return new Table(schema, plain.batches.map((b) => new RecordBatch(schema, b.data)));
}

/**
 * The column metadata (unit, ucd, description, ...) of a frame made by
 * {@linkcode toPolars}, or undefined when unknown.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { polarsColumnMeta, toPolars } from "./polars.ts";
 * const df = await toPolars(tableFromArrays({ x: new Float64Array([1]) }));
 * if (polarsColumnMeta(df, "nope") !== undefined) throw new Error("unknown column");
 * ```
 */
export function polarsColumnMeta(df: DataFrame, name: string): ColumnMeta | undefined {
  const m = saved.get(df);
  if (!m || !df.columns.includes(name)) return undefined;
  const md = m.fields.get(name) ?? new Map<string, string>();
  return columnMeta(new Field(name, new Utf8(), true, md));
}

/**
 * Records column metadata for a frame (e.g. one derived with `select`), so
 * that {@linkcode polarsColumnMeta} and {@linkcode fromPolars} find it.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { polarsColumnMeta, setPolarsMeta, toPolars } from "./polars.ts";
 * const t = tableFromArrays({ x: new Float64Array([1]) });
 * const df = (await toPolars(t)).select("x");
 * setPolarsMeta(df, t.schema);
 * if (!polarsColumnMeta(df, "x")) throw new Error("recorded");
 * ```
 */
export function setPolarsMeta(df: DataFrame, from: Table | Schema): void {
  saved.set(df, metaOf(isArrowTable(from) ? from.schema : from));
}

function isStringy(t: DataType): boolean {
  return t.typeId === Type.Utf8View || t.typeId === Type.LargeUtf8;
}

/** Rewrites columns of a table with `convert` where `needs` says so. */
function mapColumns(
  table: Table,
  needs: (f: Field) => boolean,
  convert: (v: Vector) => Data,
  newType: (f: Field) => DataType,
): Table {
  const idx = table.schema.fields.map((f, i) => (needs(f) ? i : -1)).filter((i) => i >= 0);
  if (!idx.length) return table;
  const fields = table.schema.fields.map((f, i) =>
    idx.includes(i) ? new Field(f.name, newType(f), f.nullable, f.metadata) : f
  );
  const schema = new Schema(fields, table.schema.metadata);
  const batches = table.batches.map((b) => {
    const children = b.data.children.map((
      d,
      i,
    ) => (idx.includes(i) ? convert(b.getChildAt(i)!) : d));
    return new RecordBatch(
      schema,
      makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children }),
    );
  });
  return batches.length ? new Table(schema, batches) : new Table(schema);
}

function toUtf8(v: Vector): Data<Utf8> {
  const b = new Utf8Builder();
  for (let i = 0; i < v.length; i++) {
    const s = v.get(i);
    if (s === null || s === undefined) b.appendNull();
    else b.appendString(String(s));
  }
  return b.finish();
}

/** Utf8View / LargeUtf8 columns as Utf8. */
function plainStrings(t: Table): Table {
  return mapColumns(t, (f) => isStringy(f.type), toUtf8, () => new Utf8());
}

/** Dictionary-encoded string columns decoded to Utf8 (so Polars makes String, not Categorical). */
function decodeDictionaries(t: Table): Table {
  return mapColumns(
    t,
    (f) =>
      f.type instanceof Dictionary &&
      (f.type.dictionary.typeId === Type.Utf8 || isStringy(f.type.dictionary)),
    toUtf8,
    () => new Utf8(),
  );
}
