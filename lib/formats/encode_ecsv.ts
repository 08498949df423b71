/**
 * ECSV 1.0 writer: the YAML header (datatype, unit, description and meta
 * such as ucd/utype per column; table meta such as QUERY_STATUS), then the
 * rows as CSV, as the Gaia archive writes `FORMAT=ecsv`.
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
} from "apache-arrow";
import { COLUMN_META_KEYS } from "../table/metadata.ts";
import { csvChunks } from "./encode_csv.ts";
import { md } from "./value_text.ts";

/** Options of {@linkcode encodeEcsv}. */
export interface EcsvWriterOptions {
  /**
   * Table metadata written under `meta:` (e.g. `{name: "votable", QUERY_STATUS: "OK"}`).
   * By default: `QUERY_STATUS` (and `QUERY_STATUS_MESSAGE`) from the schema metadata.
   */
  meta?: Record<string, string>;
  /** Field delimiter: "," or " ". @default "," */
  delimiter?: "," | " ";
}

const enc = new TextEncoder();

/**
 * Writes an Arrow table as ECSV 1.0: the `# %ECSV 1.0` line, a YAML header
 * with each column's datatype (bool, int8-64, uint8-64, float32/64, string;
 * arrays as `string` with a `subtype` like `float64[3]` or `int32[null]`),
 * unit, description and meta (ucd, utype, ...), the table meta, then the
 * header line and the rows. Null floats are written `nan`, other nulls as
 * empty fields (as the Gaia archive does).
 *
 * @param table The table (field metadata: unit, description, ucd, utype, xtype).
 * @param options Table meta, delimiter.
 * @returns The UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table } from "apache-arrow";
 * import { encodeEcsv } from "./encode_ecsv.ts";
 * import { readEcsv } from "./read_ecsv.ts";
 * import { collectTable } from "../table/reader.ts";
 * const schema = new Schema([new Field("ra", new Float64(), true, new Map([["unit", "deg"]]))]);
 * const ra = makeData({ type: new Float64(), length: 2, nullCount: 1, nullBitmap: new Uint8Array([1]), data: new Float64Array([1.5, 0]) });
 * const t = new Table(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 2, children: [ra] })));
 * const text = new TextDecoder().decode(encodeEcsv(t, { meta: { QUERY_STATUS: "OK" } }));
 * if (!text.includes("#   unit: deg\n") || !text.endsWith("ra\n1.5\nnan\n")) throw new Error(text);
 * const { table, meta } = await collectTable(readEcsv(text));
 * if (meta.queryStatus !== "OK" || table.getChild("ra")!.get(1) !== null) throw new Error("round trip");
 * ```
 */
export function encodeEcsv(table: Table, options: EcsvWriterOptions = {}): Uint8Array {
  const delimiter = options.delimiter ?? ",";
  const lines: string[] = ["%ECSV 1.0", "---", `delimiter: ${yamlScalar(delimiter)}`, "datatype:"];
  for (const f of table.schema.fields) lines.push(...columnYaml(f));
  const meta = options.meta ?? defaultMeta(table);
  const entries = Object.entries(meta);
  if (entries.length) {
    lines.push("meta:");
    for (const [k, v] of entries) lines.push(`  ${yamlKey(k)}: ${yamlScalar(v)}`);
  }
  const head = lines.map((l) => "# " + l).join("\n") + "\n";
  const body: Uint8Array[] = [enc.encode(head)];
  let total = body[0]!.length;
  for (
    const c of csvChunks(table, {
      delimiter,
      header: true,
      newline: "\n",
      floatNullValue: "nan",
      booleans: ["True", "False"],
    })
  ) {
    body.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of body) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function defaultMeta(table: Table): Record<string, string> {
  const m: Record<string, string> = {};
  const s = table.schema.metadata;
  const status = s.get("query_status");
  if (status) m["QUERY_STATUS"] = status;
  const msg = s.get("query_status_message");
  if (msg !== undefined) m["QUERY_STATUS_MESSAGE"] = msg;
  return m;
}

/**
 * The ECSV datatype (and subtype, for arrays) of an Arrow type.
 *
 * @example
 * ```ts
 * import { Field, Float32, Int16, List } from "apache-arrow";
 * import { ecsvDatatype } from "./encode_ecsv.ts";
 * if (ecsvDatatype(new Int16()).datatype !== "int16") throw new Error();
 * if (ecsvDatatype(new List(new Field("item", new Float32()))).subtype !== "float32[null]") throw new Error();
 * ```
 */
export function ecsvDatatype(type: DataType): { datatype: string; subtype?: string } {
  switch (type.typeId) {
    case Type.Bool:
      return { datatype: "bool" };
    case Type.Int: {
      const t = type as Int;
      return { datatype: `${t.isSigned ? "int" : "uint"}${t.bitWidth}` };
    }
    case Type.Float:
      return {
        datatype: (type as Float).precision === 2
          ? "float64"
          : (type as Float).precision === 1
          ? "float32"
          : "float16",
      };
    case Type.FixedSizeList:
    case Type.List: {
      const child = (type as List).children[0]!.type;
      const inner = ecsvDatatype(child);
      if (inner.subtype || inner.datatype === "string") {
        return { datatype: "string", subtype: "json" };
      }
      const n = type.typeId === Type.FixedSizeList
        ? String((type as FixedSizeList).listSize)
        : "null";
      return { datatype: "string", subtype: `${inner.datatype}[${n}]` };
    }
  }
  return { datatype: "string" };
}

function columnYaml(f: Field): string[] {
  const out = ["-", `  name: ${yamlScalar(f.name)}`];
  const { datatype, subtype } = ecsvDatatype(f.type);
  out.push(`  datatype: ${datatype}`);
  if (subtype) out.push(`  subtype: ${yamlScalar(subtype)}`);
  const unit = md(f, "unit");
  if (unit) out.push(`  unit: ${yamlScalar(unit)}`);
  const description = md(f, "description");
  if (description) out.push(`  description: ${yamlScalar(description)}`);
  const meta: [string, string][] = [];
  for (const k of ["ucd", "utype", "xtype", "ID", "ref", "precision", "width"] as const) {
    const v = md(f, k);
    if (v) meta.push([k, v]);
  }
  const known = new Set<string>([
    ...COLUMN_META_KEYS,
    "name",
    "unit",
    "description",
    "links",
    "ecsv_datatype",
    "ecsv_subtype",
    "format",
    "arraysize",
    "datatype",
    "null",
  ]);
  for (const [k, v] of f.metadata) {
    if (!known.has(k) && v !== "") meta.push([k, v]);
  }
  if (meta.length) {
    out.push("  meta:");
    for (const [k, v] of meta) out.push(`    ${yamlKey(k)}: ${yamlScalar(v)}`);
  }
  return out;
}

const PLAIN = /^[A-Za-z_(/$\\.][^#\n\r\t'"]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/**
 * Writes a YAML scalar: plain when safe, else single-quoted (double-quoted
 * with escapes for control characters).
 *
 * @example
 * ```ts
 * import { yamlScalar } from "./encode_ecsv.ts";
 * if (yamlScalar("pos.eq.ra;meta.main") !== "pos.eq.ra;meta.main") throw new Error("plain");
 * if (yamlScalar("a: b") !== "'a: b'" || yamlScalar("true") !== "'true'") throw new Error("quoted");
 * ```
 */
export function yamlScalar(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) return JSON.stringify(s);
  // Text starting with a digit stays plain only when YAML cannot take it for
  // a number, date or time (it holds a letter outside hex digits and x/e).
  const digitStart = /^[0-9]/.test(s) && /[g-wyzG-WYZ]/.test(s) && !/^\d{4}-\d\d-\d\d/.test(s) &&
    /^[0-9A-Za-z_.;:/-]*$/.test(s);
  if (
    s !== "" && (PLAIN.test(s) || digitStart) && !RESERVED.test(s) && !/\s$/.test(s) &&
    !/^[-?:,\[\]{}#&*!|>%@`]/.test(s) &&
    !/[\[\]{},]/.test(s) && !/: /.test(s) && !s.endsWith(":") && Number.isNaN(Number(s))
  ) return s;
  return "'" + s.replaceAll("'", "''") + "'";
}

function yamlKey(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) ? s : yamlScalar(s);
}
