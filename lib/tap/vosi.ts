/**
 * VOSI documents: availability, capabilities (TAPRegExt: output formats,
 * upload methods, limits) and the tableset (schemas, tables, columns,
 * foreign keys), parsed without network access.
 *
 * @module
 */
import { attr, child, list, nonEmpty, parseXml, prefixedAttrs, text, type XmlNode } from "./xml.ts";
import { TableFormatError } from "../io/errors.ts";

/** VOSI availability. */
export interface Availability {
  /** Whether the service accepts requests. */
  available: boolean;
  /** When the service came up. */
  upSince?: Date;
  /** A scheduled down time. */
  downAt?: Date;
  /** When the service is expected back. */
  backAt?: Date;
  /** Free-text notes. */
  notes: string[];
}

function date(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const d = parseVoDate(v);
  return d;
}

/**
 * Parses an IVOA / UWS date: ISO 8601 with `Z`, `+02:00`, or the ESA style
 * `+0200` without colon; no zone means UTC. Returns `undefined` for text that
 * is not a date.
 *
 * @example
 * ```ts
 * import { parseVoDate } from "./vosi.ts";
 * const d = parseVoDate("2014-06-30T16:44:40.766+0200");
 * if (d?.toISOString() !== "2014-06-30T14:44:40.766Z") throw new Error(String(d));
 * if (parseVoDate("2026-11-25T02:45:23")?.toISOString() !== "2026-11-25T02:45:23.000Z") throw new Error();
 * ```
 */
export function parseVoDate(value: string): Date | undefined {
  const v = value.trim();
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/i
      .exec(v);
  if (!m) return undefined;
  let zone = m[3] ?? "Z";
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  if (/^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
  const d = new Date(`${m[1]}T${m[2] ?? "00:00:00"}${zone.toUpperCase()}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Parses a VOSI availability document.
 *
 * @example
 * ```ts
 * import { parseAvailability } from "./vosi.ts";
 * const a = parseAvailability(
 *   '<avl:availability xmlns:avl="http://www.ivoa.net/xml/VOSIAvailability/v1.0"><avl:available>true</avl:available></avl:availability>',
 * );
 * if (!a.available) throw new Error();
 * ```
 */
export function parseAvailability(xml: string): Availability {
  const doc = parseXml(xml, "VOSI availability");
  const root = doc["availability"] as XmlNode | undefined;
  if (!root) {
    throw new TableFormatError("Not a VOSI availability document (no <availability> element)", {
      format: "VOSI availability",
    });
  }
  const avail = nonEmpty(root["available"])?.toLowerCase();
  if (avail !== "true" && avail !== "false") {
    throw new TableFormatError(
      `VOSI availability has no valid <available> value (got ${JSON.stringify(avail)})`,
      {
        format: "VOSI availability",
        element: "available",
      },
    );
  }
  const out: Availability = {
    available: avail === "true",
    notes: list(root, "note").map((n) => text(n) ?? "").filter(Boolean),
  };
  const up = date(nonEmpty(root["upSince"]));
  const down = date(nonEmpty(root["downAt"]));
  const back = date(nonEmpty(root["backAt"]));
  if (up) out.upSince = up;
  if (down) out.downAt = down;
  if (back) out.backAt = back;
  return out;
}

/** One output format of a TAP service. */
export interface OutputFormat {
  /** The MIME type (a valid `RESPONSEFORMAT` value). */
  mime: string;
  /** Short names the service also accepts (`votable/b2`, `csv`, ...). */
  aliases: string[];
  /** The standard id of the format, when declared. */
  ivoId?: string;
}

/** A limit with its unit (`row` or `byte`). */
export interface Limit {
  /** The limit. */
  value: number;
  /** What it counts: `row` or `byte`. */
  unit: string;
}

/** What a TAP service says about itself (TAPRegExt). */
export interface TapCapabilities {
  /** Query languages, e.g. `[{name: "ADQL", versions: ["2.0", "2.1"]}]`. */
  languages: Array<
    { name: string; versions: string[]; features: Array<{ type: string; forms: string[] }> }
  >;
  /** The result formats the service can write. */
  outputFormats: OutputFormat[];
  /** Upload method ids, e.g. `ivo://ivoa.net/std/TAPRegExt#upload-inline`. */
  uploadMethods: string[];
  /** Default and hard MAXREC (rows). */
  outputLimit: { default?: Limit; hard?: Limit };
  /** Upload size limits. */
  uploadLimit: { default?: Limit; hard?: Limit };
  /** Seconds a job is kept. */
  retentionPeriod: { default?: number; hard?: number };
  /** Seconds a job may run. */
  executionDuration: { default?: number; hard?: number };
  /** All capabilities with their standard ids and access URLs. */
  capabilities: Array<{ standardID: string; accessURLs: string[] }>;
}

function limitPair(node: XmlNode | undefined): { default?: Limit; hard?: Limit } {
  const out: { default?: Limit; hard?: Limit } = {};
  for (const k of ["default", "hard"] as const) {
    const n = node?.[k];
    const v = nonEmpty(n);
    if (v !== undefined && Number.isFinite(Number(v))) {
      out[k] = { value: Number(v), unit: attr(n, "unit") ?? "row" };
    }
  }
  return out;
}

function numberPair(node: XmlNode | undefined): { default?: number; hard?: number } {
  const out: { default?: number; hard?: number } = {};
  for (const k of ["default", "hard"] as const) {
    const v = nonEmpty(node?.[k]);
    if (v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/**
 * Parses a VOSI capabilities document and the TAPRegExt details of its TAP
 * capability.
 *
 * @example
 * ```ts
 * import { parseCapabilities } from "./vosi.ts";
 * const caps = parseCapabilities(`<cap:capabilities xmlns:cap="x"><capability standardID="ivo://ivoa.net/std/TAP">
 *   <outputFormat><mime>text/csv</mime><alias>csv</alias></outputFormat>
 *   <outputLimit><default unit="row">2000</default><hard unit="row">3000000</hard></outputLimit>
 * </capability></cap:capabilities>`);
 * if (caps.outputLimit.default?.value !== 2000 || caps.outputFormats[0]?.aliases[0] !== "csv") throw new Error();
 * ```
 */
export function parseCapabilities(xml: string): TapCapabilities {
  const doc = parseXml(xml, "VOSI capabilities");
  const root = doc["capabilities"] as XmlNode | undefined;
  if (!root) {
    throw new TableFormatError("Not a VOSI capabilities document (no <capabilities> element)", {
      format: "VOSI capabilities",
    });
  }
  const caps = list(root, "capability");
  const tap =
    caps.find((c) =>
      (attr(c, "standardID") ?? "").toLowerCase().startsWith("ivo://ivoa.net/std/tap")
    ) ??
      caps.find((c) => c["outputFormat"] !== undefined || c["language"] !== undefined);
  return {
    languages: list(tap, "language").map((l) => ({
      name: nonEmpty(l["name"]) ?? "",
      versions: list(l, "version").map((v) => text(v) ?? "").filter(Boolean),
      features: list(l, "languageFeatures").map((f) => ({
        type: attr(f, "type") ?? "",
        forms: list(f, "feature").map((x) => nonEmpty(x["form"]) ?? "").filter(Boolean),
      })),
    })),
    outputFormats: list(tap, "outputFormat").map((f) => {
      const o: OutputFormat = {
        mime: nonEmpty(f["mime"]) ?? "",
        aliases: list(f, "alias").map((a) => text(a) ?? "").filter(Boolean),
      };
      const id = attr(f, "ivo-id");
      if (id) o.ivoId = id;
      return o;
    }),
    uploadMethods: list(tap, "uploadMethod").map((u) => attr(u, "ivo-id") ?? "").filter(Boolean),
    outputLimit: limitPair(child(tap, "outputLimit")),
    uploadLimit: limitPair(child(tap, "uploadLimit")),
    retentionPeriod: numberPair(child(tap, "retentionPeriod")),
    executionDuration: numberPair(child(tap, "executionDuration")),
    capabilities: caps.map((c) => ({
      standardID: attr(c, "standardID") ?? "",
      accessURLs: list(c, "interface").flatMap((i) =>
        list(i, "accessURL").map((a) => text(a)?.trim() ?? "")
      ).filter(
        Boolean,
      ),
    })),
  };
}

/** A column of a VOSI table. */
export interface TapColumn {
  /** Column name. */
  name: string;
  /** Column description. */
  description?: string;
  /** Unit (VOUnit). */
  unit?: string;
  /** Unified Content Descriptor. */
  ucd?: string;
  /** Data-model utype. */
  utype?: string;
  /** The datatype as written: a VOTable type (`double`, `char`) or a TAP type (`VARCHAR`). */
  datatype?: string;
  /** `VOTableType` or `TAPType` (from `xsi:type`). */
  datatypeKind?: string;
  /** VOTable arraysize (`*` for variable-length strings). */
  arraysize?: string;
  /** Extended type (`timestamp`, `point`, ...). */
  xtype?: string;
  /** `size` attribute of TAPType datatypes. */
  size?: string;
  /** `<flag>` values: `indexed`, `primary`, `nullable`. */
  flags: string[];
  /** The column is indexed (fast to constrain). */
  indexed: boolean;
  /** The column is (part of) the primary key. */
  primary: boolean;
  /** The column may hold NULLs. */
  nullable: boolean;
  /** The `std` attribute. */
  std?: boolean;
  /** ESA `esatapplus:` attributes (flags, ref, ...). */
  esa?: Record<string, string>;
}

/** A foreign key of a VOSI table. */
export interface ForeignKey {
  /** The referenced table. */
  targetTable: string;
  /** Column pairs: this table's column and the target's. */
  columns: Array<{ from: string; target: string }>;
  /** Description of the key. */
  description?: string;
  /** Utype of the key. */
  utype?: string;
}

/** A table of a VOSI tableset. */
export interface TapTable {
  /** Fully qualified name (`schema.table`). */
  name: string;
  /** The enclosing schema's name, when known. */
  schema?: string;
  /** Short title. */
  title?: string;
  /** Table description. */
  description?: string;
  /** Data-model utype. */
  utype?: string;
  /** `type` attribute: `base_table`, `view`, `output`. */
  type?: string;
  /** Row count estimate (VODataService `nrows`, or ESA `esatapplus:size`). */
  nrows?: number;
  /** The table's columns, in order. */
  columns: TapColumn[];
  /** Foreign keys to other tables. */
  foreignKeys: ForeignKey[];
  /** ESA `esatapplus:` attributes (size, size_bytes, flags, hierarchy, ...). */
  esa?: Record<string, string>;
}

/** A schema of a VOSI tableset. */
export interface TapSchema {
  /** Schema name. */
  name: string;
  /** Short title. */
  title?: string;
  /** Schema description. */
  description?: string;
  /** Data-model utype. */
  utype?: string;
  /** The schema's tables. */
  tables: TapTable[];
  /** ESA `esatapplus:public`. */
  public?: boolean;
  /** ESA `esatapplus:` attributes. */
  esa?: Record<string, string>;
}

function setIf<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function parseColumn(c: XmlNode): TapColumn {
  const dt = child(c, "dataType");
  const flags = list(c, "flag").map((f) => (text(f) ?? "").trim()).filter(Boolean);
  const col: TapColumn = {
    name: nonEmpty(c["name"]) ?? "",
    flags,
    indexed: flags.includes("indexed"),
    primary: flags.includes("primary"),
    nullable: flags.includes("nullable"),
  };
  setIf(col, "description", nonEmpty(c["description"]));
  setIf(col, "unit", nonEmpty(c["unit"]));
  const ucd = nonEmpty(c["ucd"]);
  if (ucd && ucd !== "None") col.ucd = ucd;
  const utype = nonEmpty(c["utype"]);
  if (utype && utype !== "None") col.utype = utype;
  if (dt) {
    setIf(col, "datatype", nonEmpty(dt));
    const kind = attr(dt, "type");
    if (kind) col.datatypeKind = kind.replace(/^[^:]*:/, "");
    setIf(col, "arraysize", attr(dt, "arraysize"));
    setIf(col, "xtype", attr(dt, "extendedType") ?? attr(dt, "xtype"));
    setIf(col, "size", attr(dt, "size"));
  }
  const std = attr(c, "std");
  if (std !== undefined) col.std = std === "true";
  const esa = prefixedAttrs(c, "esatapplus");
  if (Object.keys(esa).length) col.esa = esa;
  return col;
}

function parseTable(t: XmlNode, schema: string | undefined): TapTable {
  let name = nonEmpty(t["name"]) ?? "";
  if (schema && !name.includes(".")) name = `${schema}.${name}`;
  const table: TapTable = {
    name,
    columns: list(t, "column").map(parseColumn),
    foreignKeys: list(t, "foreignKey").map((fk) => {
      const k: ForeignKey = {
        targetTable: nonEmpty(fk["targetTable"]) ?? "",
        columns: list(fk, "fkColumn").map((c) => ({
          from: nonEmpty(c["fromColumn"]) ?? "",
          target: nonEmpty(c["targetColumn"]) ?? "",
        })),
      };
      setIf(k, "description", nonEmpty(fk["description"]));
      setIf(k, "utype", nonEmpty(fk["utype"]));
      return k;
    }),
  };
  setIf(table, "schema", schema);
  setIf(table, "title", nonEmpty(t["title"]));
  setIf(table, "description", nonEmpty(t["description"]));
  setIf(table, "utype", nonEmpty(t["utype"]));
  setIf(table, "type", attr(t, "type"));
  const esa = prefixedAttrs(t, "esatapplus");
  if (Object.keys(esa).length) table.esa = esa;
  const nrows = nonEmpty(t["nrows"]) ?? esa["size"];
  if (nrows !== undefined && /^\d+$/.test(nrows)) table.nrows = Number(nrows);
  return table;
}

/**
 * Parses a VOSI tableset (`/tables`) or a single-table document
 * (`/tables/<name>`). Table names are qualified with their schema when
 * they have no dot. Both VOTableType and TAPType datatypes and the ESA
 * `esatapplus:` attributes are kept.
 *
 * @example
 * ```ts
 * import { parseTableset } from "./vosi.ts";
 * const schemas = parseTableset(`<vod:tableset xmlns:vod="v" xmlns:xsi="x" xmlns:esatapplus="e">
 *   <schema esatapplus:public="true"><name>gaiadr3</name>
 *     <table><name>gaia_source</name><column esatapplus:flags="1"><name>ra</name><unit>deg</unit>
 *       <dataType xsi:type="vod:VOTableType">double</dataType><flag>indexed</flag></column></table>
 *   </schema></vod:tableset>`);
 * const t = schemas[0]!.tables[0]!;
 * if (t.name !== "gaiadr3.gaia_source" || t.columns[0]!.unit !== "deg" || !t.columns[0]!.indexed) throw new Error();
 * if (t.columns[0]!.esa?.flags !== "1" || schemas[0]!.public !== true) throw new Error();
 * ```
 */
export function parseTableset(xml: string): TapSchema[] {
  const doc = parseXml(xml, "VOSI tableset");
  const set = doc["tableset"] as XmlNode | undefined;
  if (set && typeof set === "object") {
    return list(set, "schema").map((s) => {
      const name = nonEmpty(s["name"]) ?? "";
      const schema: TapSchema = {
        name,
        tables: list(s, "table").map((t) => parseTable(t, name || undefined)),
      };
      setIf(schema, "title", nonEmpty(s["title"]));
      setIf(schema, "description", nonEmpty(s["description"]));
      setIf(schema, "utype", nonEmpty(s["utype"]));
      const esa = prefixedAttrs(s, "esatapplus");
      if (Object.keys(esa).length) schema.esa = esa;
      if (esa["public"] !== undefined) schema.public = esa["public"] === "true";
      return schema;
    });
  }
  const table = list(doc, "table")[0];
  if (table) {
    const t = parseTable(table, undefined);
    const dot = t.name.indexOf(".");
    const schemaName = dot > 0 ? t.name.slice(0, dot) : "";
    if (schemaName) t.schema = schemaName;
    return [{ name: schemaName, tables: [t] }];
  }
  throw new TableFormatError("Not a VOSI tableset (no <tableset> or <table> element)", {
    format: "VOSI tableset",
  });
}
