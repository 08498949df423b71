/**
 * Column and table metadata conventions, kept in Arrow field and schema
 * metadata so that they travel with the data (and through Polars' IPC route).
 *
 * Field metadata keys (all optional, string values): `name` (the original
 * column name when it had to be made unique), `ID`, `datatype` (VOTable
 * datatype), `arraysize`, `unit`, `ucd`, `utype`, `xtype`, `ref`,
 * `precision`, `width`, `description`, `links` (JSON array of
 * `{href, title, ...}`), `null` (the sentinel value, as text).
 *
 * Schema metadata keys: `format` (the serialization read: `votable/binary2`,
 * `csv`, ...), `query_status` (`OK` | `OVERFLOW` | `ERROR`),
 * `query_status_message`, `infos` and `params` (JSON arrays of
 * {@linkcode InfoElement} / {@linkcode ParamElement}).
 *
 * @module
 */
import type { Field, Schema, Table } from "apache-arrow";

/** The column metadata deno-gaia keeps for each field. */
export interface ColumnMeta {
  /** Column name (the FIELD `name`, the CSV header, the FITS `TTYPEn`). */
  name: string;
  /** The FIELD's XML `ID`, when it has one. */
  ID?: string;
  /** VOTable datatype (`long`, `double`, `char`, ...). */
  datatype?: string;
  /** VOTable arraysize (`*`, `3`, `10*`, ...). */
  arraysize?: string;
  /** Unit string as the source wrote it (`deg`, `mas.yr**-1`, ...). */
  unit?: string;
  /** IVOA UCD (`pos.eq.ra;meta.main`, ...). */
  ucd?: string;
  /** Data model utype. */
  utype?: string;
  /** Extended type (`timestamp`, `adql:POINT`, ...). */
  xtype?: string;
  /** The FIELD's `ref` attribute (e.g. a coordinate system). */
  ref?: string;
  /** Display precision. */
  precision?: string;
  /** Display width. */
  width?: string;
  /** Free-text description. */
  description?: string;
  /** LINK elements of the FIELD, as attribute maps. */
  links?: Array<Record<string, string>>;
  /** The VALUES `null` sentinel, when the source declared one. */
  null?: string;
}

/** A VOTable INFO (or the same idea from another format's header). */
export interface InfoElement {
  /** INFO `name` (`QUERY_STATUS`, `QUERY`, `JOBID`, ...). */
  name: string;
  /** INFO `value`. */
  value: string;
  /** XML `ID`, when present. */
  ID?: string;
  /** UCD, when present. */
  ucd?: string;
  /** Text content, e.g. the error message of `QUERY_STATUS=ERROR`. */
  content?: string;
}

/** A VOTable PARAM: a named constant with the attributes of a FIELD. */
export interface ParamElement extends ColumnMeta {
  /** The PARAM's value, as written. */
  value: string;
}

/** TAP query status, from `INFO name="QUERY_STATUS"` or its equivalents. */
export type QueryStatus = "OK" | "OVERFLOW" | "ERROR";

/** The attributes of a VOTable FIELD or PARAM that become column metadata. */
export const FIELD_ATTRIBUTE_KEYS = [
  "ID",
  "datatype",
  "arraysize",
  "unit",
  "ucd",
  "utype",
  "xtype",
  "ref",
  "precision",
  "width",
] as const;

/** Keys of field metadata that are copied to and from {@linkcode ColumnMeta}. */
export const COLUMN_META_KEYS = [...FIELD_ATTRIBUTE_KEYS, "description", "null"] as const;

/** Converts column metadata to Arrow field metadata (a `Map<string,string>`). */
export function toFieldMetadata(meta: Partial<ColumnMeta>): Map<string, string> {
  const m = new Map<string, string>();
  if (meta.name !== undefined) m.set("name", meta.name);
  for (const k of COLUMN_META_KEYS) {
    const v = meta[k];
    if (v !== undefined && v !== "") m.set(k, v);
  }
  if (meta.links?.length) m.set("links", JSON.stringify(meta.links));
  return m;
}

/**
 * Reads the column metadata of an Arrow field.
 *
 * @example
 * ```ts
 * import { Field, Float64 } from "apache-arrow";
 * import { columnMeta, toFieldMetadata } from "./metadata.ts";
 * const f = new Field("ra", new Float64(), true, toFieldMetadata({ name: "ra", unit: "deg" }));
 * if (columnMeta(f).unit !== "deg") throw new Error("unit lost");
 * ```
 */
export function columnMeta(field: Field): ColumnMeta {
  const md = field.metadata;
  const out: ColumnMeta = { name: md.get("name") ?? field.name };
  for (const k of COLUMN_META_KEYS) {
    const v = md.get(k);
    if (v !== undefined) out[k] = v;
  }
  const links = md.get("links");
  if (links) {
    try {
      out.links = JSON.parse(links);
    } catch { /* not ours */ }
  }
  return out;
}

/** The query status stored in a schema's metadata, if any. */
export function schemaQueryStatus(
  schema: Schema,
): { status: QueryStatus; message?: string } | undefined {
  const s = schema.metadata.get("query_status") as QueryStatus | undefined;
  if (!s) return undefined;
  const message = schema.metadata.get("query_status_message");
  return message !== undefined ? { status: s, message } : { status: s };
}

/** Looks a column's metadata up by name in a table. */
export function getColumnMeta(table: Table, name: string): ColumnMeta | undefined {
  const f = table.schema.fields.find((f) => f.name === name);
  return f ? columnMeta(f) : undefined;
}
