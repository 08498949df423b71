/**
 * TAP table uploads: turns Arrow tables, Polars DataFrames, arrays of
 * records, VOTable bytes or URLs into the `UPLOAD` parameter and the
 * multipart parts of a TAP request.
 *
 * @module
 */
import { asOwnTable, isArrowTable } from "../table/arrow_table.ts";
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  Schema,
  Table,
  tableFromIPC,
  Type,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { encodeVOTable } from "../votable/mod.ts";
import { toFieldMetadata } from "../table/metadata.ts";

/** A Polars DataFrame, recognised by its `writeIPC` method (no hard dependency on Polars). */
export interface PolarsLike {
  /** Serialises the DataFrame as Arrow IPC. */
  writeIPC(): Uint8Array;
}

/** One upload: a table in any supported form, or the URL of a VOTable the service fetches itself. */
export type UploadValue =
  | Table
  | PolarsLike
  | ReadonlyArray<Record<string, unknown>>
  | Uint8Array
  | URL;

/** The `upload` option: table name (as in `TAP_UPLOAD.<name>`) -> table. */
export type UploadMap = Record<string, UploadValue>;

/** How uploaded tables are serialised. */
export interface UploadOptions {
  /** VOTable serialisation of uploaded tables. @default "binary2" */
  serialization?: "binary2" | "tabledata";
}

/** Prepared uploads: the `UPLOAD` parameter value and the parts to attach. */
export interface PreparedUpload {
  /** e.g. `t1,param:t1;t2,https://example.org/t2.vot` */
  param: string;
  /** Multipart file parts: part name -> VOTable bytes. */
  parts: Array<{ name: string; bytes: Uint8Array }>;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function inferColumn(
  name: string,
  values: unknown[],
): { type: DataType; data: unknown[]; xtype?: string } {
  const present = values.filter((v) => v !== null && v !== undefined);
  const kinds = new Set(present.map((v) => (v instanceof Date ? "date" : typeof v)));
  if (kinds.size > 1) {
    if ([...kinds].every((k) => k === "number" || k === "bigint")) {
      if (present.every((v) => typeof v === "bigint" || Number.isSafeInteger(v))) {
        return {
          type: new Int64(),
          data: values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))),
        };
      }
    }
    throw new TypeError(
      `Upload column ${JSON.stringify(name)} mixes ${
        [...kinds].join(" and ")
      } values; give every row the same type`,
    );
  }
  const kind = [...kinds][0] ?? "string";
  const data = values.map((v) => (v === undefined ? null : v));
  switch (kind) {
    case "bigint":
      return { type: new Int64(), data };
    case "number": {
      const nums = present as number[];
      if (nums.every((n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647)) {
        return { type: new Int32(), data };
      }
      if (nums.every((n) => Number.isSafeInteger(n))) {
        return {
          type: new Int64(),
          data: data.map((v) => (v === null ? null : BigInt(v as number))),
        };
      }
      return { type: new Float64(), data };
    }
    case "boolean":
      return { type: new Bool(), data };
    case "string":
      return { type: new Utf8(), data };
    case "date":
      return {
        type: new Utf8(),
        data: data.map((v) => (v === null ? null : (v as Date).toISOString())),
        xtype: "timestamp",
      };
  }
  throw new TypeError(
    `Upload column ${
      JSON.stringify(name)
    } has ${kind} values; use numbers, bigints, strings, booleans or Dates`,
  );
}

/**
 * Builds an Arrow table from an array of plain records (column types
 * inferred: Int32/Int64/Float64, Int64 for bigints, Bool, Utf8; Dates as
 * ISO strings with `xtype=timestamp`).
 *
 * @example
 * ```ts
 * import { recordsToTable } from "./upload.ts";
 * const t = recordsToTable([{ id: 1, ra: 56.75, name: "a" }, { id: 2, ra: 56.8, name: null }]);
 * if (t.numRows !== 2 || String(t.schema.fields[0]!.type) !== "Int32") throw new Error(String(t.schema));
 * ```
 */
export function recordsToTable(records: ReadonlyArray<Record<string, unknown>>): Table {
  if (!Array.isArray(records) || records.length === 0) {
    throw new TypeError("An uploaded list of records must have at least one record");
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (!r || typeof r !== "object") throw new TypeError("Every uploaded record must be an object");
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  }
  const fields: Field[] = [];
  const columns: Record<string, Vector> = {};
  for (const name of names) {
    const col = inferColumn(name, records.map((r) => r[name]));
    const vec = vectorFromArray(col.data as never[], col.type as never) as unknown as Vector;
    columns[name] = vec;
    fields.push(
      new Field(
        name,
        col.type,
        true,
        toFieldMetadata({ name, ...(col.xtype ? { xtype: col.xtype } : {}) }),
      ),
    );
  }
  const schema = new Schema(fields);
  return new Table(schema, columns as never);
}

/**
 * Whether a value is a Polars DataFrame (anything with `writeIPC()` that is
 * not an Arrow table).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { isPolarsLike } from "./upload.ts";
 * if (isPolarsLike(tableFromArrays({ x: Int32Array.from([1]) }))) throw new Error("Arrow");
 * if (!isPolarsLike({ writeIPC: () => new Uint8Array() })) throw new Error("frame");
 * ```
 */
export function isPolarsLike(v: unknown): v is PolarsLike {
  return typeof v === "object" && v !== null && typeof (v as PolarsLike).writeIPC === "function" &&
    !isArrowTable(v);
}

/** Replaces Utf8View / LargeUtf8 columns (as Polars writes them) by plain Utf8. */
function plainStrings(table: Table): Table {
  const needs = table.schema.fields.some((f) =>
    f.type.typeId !== Type.Utf8 && String(f.type).toLowerCase().includes("utf8")
  );
  if (!needs) return table;
  const cols: Record<string, Vector> = {};
  const fields: Field[] = [];
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name)!;
    if (f.type.typeId !== Type.Utf8 && String(f.type).toLowerCase().includes("utf8")) {
      cols[f.name] = vectorFromArray([...v] as (string | null)[], new Utf8()) as unknown as Vector;
      fields.push(new Field(f.name, new Utf8(), true, f.metadata));
    } else {
      cols[f.name] = v as never;
      fields.push(f);
    }
  }
  return new Table(new Schema(fields, table.schema.metadata), cols as never);
}

/**
 * Serialises one upload value to VOTable bytes (or returns the URL for a by-reference upload).
 *
 * @example
 * ```ts
 * import { encodeUpload } from "./upload.ts";
 * const bytes = encodeUpload("t1", [{ id: 1, ra: 56.75 }], { serialization: "tabledata" });
 * if (!(bytes instanceof Uint8Array) || !new TextDecoder().decode(bytes).includes("<TD>56.75</TD>")) throw new Error();
 * ```
 */
export function encodeUpload(
  name: string,
  value: UploadValue,
  options: UploadOptions = {},
): Uint8Array | URL {
  const serialization = options.serialization ?? "binary2";
  if (value instanceof URL) {
    if (value.protocol !== "http:" && value.protocol !== "https:" && value.protocol !== "ftp:") {
      throw new TypeError(
        `Upload ${
          JSON.stringify(name)
        }: the service can only fetch http(s) or ftp URLs, got ${value.protocol}`,
      );
    }
    return value;
  }
  if (value instanceof Uint8Array) {
    if (value.length === 0) throw new TypeError(`Upload ${JSON.stringify(name)} is empty`);
    return value;
  }
  let table: Table;
  if (isArrowTable(value)) table = asOwnTable(value);
  else if (Array.isArray(value)) table = recordsToTable(value);
  else if (isPolarsLike(value)) table = plainStrings(tableFromIPC(value.writeIPC()));
  else {
    throw new TypeError(
      `Upload ${
        JSON.stringify(name)
      } must be an Arrow Table, a Polars DataFrame, an array of records, VOTable bytes or a URL`,
    );
  }
  if (table.schema.fields.length === 0) {
    throw new TypeError(`Upload ${JSON.stringify(name)} has no columns`);
  }
  return encodeVOTable(table, { serialization });
}

/**
 * Prepares the `UPLOAD` parameter and multipart parts for a query.
 * Table names must be ADQL regular identifiers (they become `TAP_UPLOAD.name`).
 *
 * @example
 * ```ts
 * import { prepareUploads } from "./upload.ts";
 * const u = prepareUploads({ t1: new TextEncoder().encode("<VOTABLE/>"), t2: new URL("https://example.org/t.vot") });
 * if (u.param !== "t1,param:t1;t2,https://example.org/t.vot" || u.parts.length !== 1) throw new Error(u.param);
 * ```
 */
export function prepareUploads(uploads: UploadMap, options: UploadOptions = {}): PreparedUpload {
  const entries = Object.entries(uploads);
  if (entries.length === 0) throw new TypeError("upload was given but names no table");
  const params: string[] = [];
  const parts: PreparedUpload["parts"] = [];
  for (const [name, value] of entries) {
    if (!NAME.test(name)) {
      throw new TypeError(
        `Upload table name ${
          JSON.stringify(name)
        } is not a plain ADQL name: use letters, digits and _ , starting with a letter`,
      );
    }
    const encoded = encodeUpload(name, value, options);
    if (encoded instanceof URL) params.push(`${name},${encoded.toString()}`);
    else {
      params.push(`${name},param:${name}`);
      parts.push({ name, bytes: encoded });
    }
  }
  return { param: params.join(";"), parts };
}
