/**
 * The VOTable writer: Arrow tables (or a schema and a stream of record
 * batches) to VOTable 1.4 with TABLEDATA, BINARY2 or BINARY serialization,
 * keeping units, UCDs, descriptions, utypes and xtypes from the field
 * metadata, and writing the INFOs, PARAMs, COOSYS, query status and DataLink
 * service descriptors a TAP service puts around a result.
 *
 * @module
 */
import {
  type Data,
  type DataType,
  type Field,
  type RecordBatch,
  type Schema,
  type Table,
  Type,
  type Vector,
} from "apache-arrow";
import type { InfoElement, QueryStatus } from "../table/metadata.ts";
import type { CooSys, ServiceDescriptor, TimeSys, VOTableParam } from "./document.ts";

/** Options of {@linkcode encodeVOTable} and {@linkcode encodeVOTableStream}. */
export interface EncodeVOTableOptions {
  /**
   * How rows are written: `tabledata` (XML cells), `binary2` (base64 with a
   * null bitmap per row) or `binary` (base64; integer nulls need sentinels,
   * declared as `VALUES null`).
   * @default "tabledata"
   */
  serialization?: "tabledata" | "binary2" | "binary";
  /** INFOs written in the results RESOURCE before the TABLE (QUERY, JOBID, CAPTION, ...). */
  resourceInfos?: InfoElement[];
  /** PARAMs of the results RESOURCE. */
  params?: VOTableParam[];
  /** COOSYS elements of the results RESOURCE. */
  coosys?: CooSys[];
  /** TIMESYS elements of the results RESOURCE. */
  timesys?: TimeSys[];
  /**
   * Writes `INFO name="QUERY_STATUS"`: `OK` before the table; `OVERFLOW` as
   * `OK` before the table and `OVERFLOW` after it (as DaCHS and the TAP
   * recommendation do); `ERROR` with `queryStatusMessage` as its text and no
   * TABLE at all.
   */
  queryStatus?: QueryStatus;
  /** Text of the QUERY_STATUS INFO (the error message for ERROR). */
  queryStatusMessage?: string;
  /** The TABLE's name attribute. Defaults to the schema's `name` metadata. */
  tableName?: string;
  /** The TABLE's DESCRIPTION. */
  tableDescription?: string;
  /** The VOTABLE's DESCRIPTION. */
  description?: string;
  /** DataLink service descriptors, written as `RESOURCE type="meta" utype="adhoc:service"`. */
  serviceDescriptors?: ServiceDescriptor[];
  /** The version attribute. @default "1.4" */
  version?: string;
}

const enc = new TextEncoder();

/** XML-escapes text for element content or attribute values. */
export function escapeXml(s: string, where = "text"): string {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s)) {
    throw new RangeError(
      `The ${where} ${
        JSON.stringify(s.slice(0, 40))
      } holds a control character that XML 1.0 cannot carry; use serialization "binary2"`,
    );
  }
  return s.replace(
    /[&<>"\r]/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#13;",
  );
}

function attrs(o: Record<string, string | undefined>): string {
  let s = "";
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    // Tabs and newlines in attribute values would be normalised to spaces by XML readers.
    const text = escapeXml(v, `attribute ${k}`).replace(
      /[\t\n]/g,
      (c) => c === "\t" ? "&#9;" : "&#10;",
    );
    s += ` ${k}="${text}"`;
  }
  return s;
}

/** How one column is written. */
interface ColumnPlan {
  field: Field;
  name: string;
  datatype: string;
  arraysize: string | undefined;
  /** 0 scalar, 1 fixed list, 2 variable list; strings are scalars. */
  shape: 0 | 1 | 2;
  /** Items per fixed list. */
  listSize: number;
  /** Complex numbers: (FixedSizeList(2) of floats) as items. */
  complex: boolean;
  /** Sentinel for integer nulls in BINARY (as text and value). */
  nullText: string | undefined;
  nullValue: number | bigint | undefined;
  /** Item type id for lists, own type for scalars. */
  item: DataType;
  string: boolean;
}

const INT_MIN: Record<string, bigint> = {
  unsignedByte: 255n,
  short: -32768n,
  int: -2147483648n,
  long: -9223372036854775808n,
};

function isFloatType(t: DataType): boolean {
  return t.typeId === Type.Float;
}

function isComplexPair(t: DataType): boolean {
  return t.typeId === Type.FixedSizeList &&
    (t as unknown as { listSize: number }).listSize === 2 &&
    isFloatType((t as unknown as { children: Field[] }).children[0].type);
}

function scalarDatatype(t: DataType, field: Field): string {
  const want = field.metadata.get("datatype");
  switch (t.typeId) {
    case Type.Bool:
      return want === "bit" ? "bit" : "boolean";
    case Type.Int: {
      const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
      if (!isSigned && bitWidth === 8) return "unsignedByte";
      if (bitWidth <= 16 && (isSigned || bitWidth === 8)) return "short";
      if (bitWidth <= 32 && (isSigned || bitWidth === 16)) return "int";
      return "long";
    }
    case Type.Float:
      return (t as unknown as { precision: number }).precision === 2 ? "double" : "float";
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
    case Type.Date:
    case Type.Timestamp:
      return want === "unicodeChar" ? "unicodeChar" : "char";
  }
  if ((t.typeId as number) === 24 /* Utf8View */) {
    return want === "unicodeChar" ? "unicodeChar" : "char";
  }
  throw new TypeError(
    `Column "${field.name}" has Arrow type ${
      String(t)
    }, which VOTable cannot carry; cast it to a number, string or list first`,
  );
}

function planColumn(field: Field, binary: boolean): ColumnPlan {
  const t = field.type;
  const md = field.metadata;
  let shape: 0 | 1 | 2 = 0;
  let listSize = 1;
  let item: DataType = t;
  let complex = false;
  let datatype: string;
  const isList = t.typeId === Type.List || t.typeId === Type.LargeList;
  const isFixed = t.typeId === Type.FixedSizeList;
  const want = md.get("datatype");
  if (isFixed && isComplexPair(t) && (want === "floatComplex" || want === "doubleComplex")) {
    // A scalar complex number.
    item = t;
    complex = true;
    datatype = (t as unknown as { children: Field[] }).children[0].type.precision === 2
      ? "doubleComplex"
      : "floatComplex";
  } else if (isList || isFixed) {
    shape = isList ? 2 : 1;
    if (isFixed) listSize = (t as unknown as { listSize: number }).listSize;
    item = (t as unknown as { children: Field[] }).children[0].type;
    if (isComplexPair(item) && (want === "floatComplex" || want === "doubleComplex")) {
      complex = true;
      datatype = (item as unknown as { children: Field[] }).children[0].type.precision === 2
        ? "doubleComplex"
        : "floatComplex";
    } else {
      datatype = scalarDatatype(item, field);
      if (datatype === "char" || datatype === "unicodeChar") {
        throw new TypeError(
          `Column "${field.name}" is a list of strings, which VOTable cannot carry`,
        );
      }
    }
  } else {
    datatype = scalarDatatype(t, field);
  }
  const string = datatype === "char" || datatype === "unicodeChar";
  let arraysize: string | undefined;
  if (string) arraysize = "*";
  else if (shape === 1) {
    const keep = md.get("arraysize");
    arraysize = keep && !keep.endsWith("*") && keep.split("x").reduce((a, d) =>
          a * Number(d), 1) === listSize
      ? keep
      : String(listSize);
  } else if (shape === 2) {
    const keep = md.get("arraysize");
    arraysize = keep && keep.endsWith("*") ? keep : "*";
  }
  let nullText: string | undefined;
  let nullValue: number | bigint | undefined;
  if (binary && !string && shape === 0 && datatype in INT_MIN && field.nullable) {
    const v = INT_MIN[datatype];
    nullText = String(v);
    nullValue = datatype === "long" ? v : Number(v);
  }
  return {
    field,
    name: originalName(field),
    datatype,
    arraysize,
    shape,
    listSize,
    complex,
    nullText,
    nullValue,
    item,
    string,
  };
}

/**
 * The VOTable name of a column: the `name` metadata when the Arrow name is
 * that name made unique by a reader (`ra_2` for a second `ra`), else the
 * Arrow name (the caller may have renamed the column).
 */
function originalName(field: Field): string {
  const orig = field.metadata.get("name");
  if (orig === undefined || orig === field.name) return field.name;
  return new RegExp(`^${orig.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_[0-9]+$`).test(field.name)
    ? orig
    : field.name;
}

function fieldXml(p: ColumnPlan, tag = "FIELD", extra = ""): string {
  const md = p.field.metadata;
  let s = `<${tag}${
    attrs({
      name: p.name,
      ID: md.get("ID"),
      datatype: p.datatype,
      arraysize: p.arraysize,
      unit: md.get("unit"),
      ucd: md.get("ucd"),
      utype: md.get("utype"),
      xtype: md.get("xtype") ??
        ((p.field.type.typeId === Type.Timestamp || p.field.type.typeId === Type.Date)
          ? "timestamp"
          : undefined),
      ref: md.get("ref"),
      precision: md.get("precision"),
      width: md.get("width"),
    })
  }${extra}`;
  const desc = md.get("description");
  let links: Array<Record<string, string>> = [];
  try {
    const l = md.get("links");
    if (l) links = JSON.parse(l);
  } catch { /* not ours */ }
  if (desc === undefined && p.nullText === undefined && !links.length) return s + "/>";
  s += ">";
  if (desc !== undefined) s += `<DESCRIPTION>${escapeXml(desc, "description")}</DESCRIPTION>`;
  if (p.nullText !== undefined) s += `<VALUES null="${p.nullText}"/>`;
  for (const l of links) s += `<LINK${attrs(l)}/>`;
  return s + `</${tag}>`;
}

function paramXml(p: VOTableParam): string {
  const a = attrs({
    name: p.name,
    ID: p.ID,
    datatype: p.datatype ?? "char",
    arraysize: p.arraysize ?? ((p.datatype ?? "char") === "char" ? "*" : undefined),
    unit: p.unit,
    ucd: p.ucd,
    utype: p.utype,
    xtype: p.xtype,
    ref: p.ref,
    value: p.value,
  });
  let inner = "";
  if (p.description !== undefined) {
    inner += `<DESCRIPTION>${escapeXml(p.description)}</DESCRIPTION>`;
  }
  const v = p.values;
  if (v) {
    let vi = "";
    if (v.min) {
      vi += `<MIN${attrs({ value: v.min.value, inclusive: v.min.inclusive ? undefined : "no" })}/>`;
    }
    if (v.max) {
      vi += `<MAX${attrs({ value: v.max.value, inclusive: v.max.inclusive ? undefined : "no" })}/>`;
    }
    for (const o of v.options) vi += `<OPTION${attrs({ name: o.name, value: o.value })}/>`;
    inner += `<VALUES${attrs({ null: v.null, ref: v.ref })}${vi ? `>${vi}</VALUES>` : "/>"}`;
  }
  return inner ? `<PARAM${a}>${inner}</PARAM>` : `<PARAM${a}/>`;
}

function infoXml(i: InfoElement): string {
  const a = attrs({ name: i.name, value: i.value, ID: i.ID, ucd: i.ucd });
  return i.content !== undefined ? `<INFO${a}>${escapeXml(i.content)}</INFO>` : `<INFO${a}/>`;
}

function serviceXml(sd: ServiceDescriptor): string {
  let s = `<RESOURCE${attrs({ type: "meta", utype: "adhoc:service", ID: sd.ID, name: sd.name })}>`;
  if (sd.description !== undefined) s += `<DESCRIPTION>${escapeXml(sd.description)}</DESCRIPTION>`;
  const own = [...sd.params];
  for (
    const [k, name] of [
      ["standardID", "standardID"],
      ["accessURL", "accessURL"],
      ["resourceIdentifier", "resourceIdentifier"],
      ["contentType", "contentType"],
    ] as const
  ) {
    const v = sd[k];
    if (v !== undefined && !own.some((p) => p.name === name)) {
      own.push({ name, datatype: "char", arraysize: "*", value: v });
    }
  }
  if (sd.inputParams.length) {
    s += `<GROUP name="inputParams">${sd.inputParams.map(paramXml).join("")}</GROUP>`;
  }
  s += own.map(paramXml).join("");
  return s + "</RESOURCE>";
}

/** Header up to and including the opening of the serialization (or the whole doc for ERROR). */
function header(schema: Schema, plans: ColumnPlan[], o: EncodeVOTableOptions): string {
  const version = o.version ?? "1.4";
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<VOTABLE${
    attrs({
      version,
      xmlns: "http://www.ivoa.net/xml/VOTable/v1.3",
      "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    })
  }>\n`;
  if (o.description !== undefined) s += `<DESCRIPTION>${escapeXml(o.description)}</DESCRIPTION>\n`;
  s += `<RESOURCE type="results">\n`;
  if (o.queryStatus) {
    const first = o.queryStatus === "ERROR" ? "ERROR" : "OK";
    const text = o.queryStatus === "OVERFLOW" ? undefined : o.queryStatusMessage;
    s += infoXml({
      name: "QUERY_STATUS",
      value: first,
      ...(text !== undefined ? { content: text } : {}),
    }) + "\n";
  }
  for (const i of o.resourceInfos ?? []) s += infoXml(i) + "\n";
  for (const c of o.coosys ?? []) s += `<COOSYS${attrs({ ...c })}/>\n`;
  for (const t of o.timesys ?? []) s += `<TIMESYS${attrs({ ...t })}/>\n`;
  for (const p of o.params ?? []) s += paramXml(p) + "\n";
  if (o.queryStatus === "ERROR") return s;
  const name = o.tableName ?? schema.metadata.get("name");
  s += `<TABLE${attrs({ name })}>\n`;
  if (o.tableDescription !== undefined) {
    s += `<DESCRIPTION>${escapeXml(o.tableDescription)}</DESCRIPTION>\n`;
  }
  for (const p of plans) s += fieldXml(p) + "\n";
  const ser = o.serialization ?? "tabledata";
  s += ser === "tabledata"
    ? "<DATA><TABLEDATA>\n"
    : `<DATA><${ser === "binary2" ? "BINARY2" : "BINARY"}><STREAM encoding="base64">\n`;
  return s;
}

function footer(o: EncodeVOTableOptions): string {
  const ser = o.serialization ?? "tabledata";
  let s = "";
  if (o.queryStatus !== "ERROR") {
    s += ser === "tabledata"
      ? "</TABLEDATA></DATA>\n"
      : `\n</STREAM></${ser === "binary2" ? "BINARY2" : "BINARY"}></DATA>\n`;
    s += "</TABLE>\n";
    if (o.queryStatus === "OVERFLOW") {
      s += infoXml({
        name: "QUERY_STATUS",
        value: "OVERFLOW",
        ...(o.queryStatusMessage !== undefined ? { content: o.queryStatusMessage } : {}),
      }) + "\n";
    }
  }
  s += "</RESOURCE>\n";
  for (const sd of o.serviceDescriptors ?? []) s += serviceXml(sd) + "\n";
  return s + "</VOTABLE>\n";
}

// ---------------------------------------------------------------- values

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3] >> (j & 7)) & 1) === 1;
}

function float32Text(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // The shortest of 7, 8 or 9 significant digits that reads back as the same float32.
  for (let p = 7; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(+s) === v) return trimNumber(s);
  }
  return trimNumber(v.toPrecision(9));
}

/** Drops trailing zeros of a toPrecision() result ("1.500000" -> "1.5"). */
function trimNumber(s: string): string {
  if (s.indexOf("e") >= 0) return String(Number(s));
  if (s.indexOf(".") < 0) return s;
  let e = s.length;
  while (s.charCodeAt(e - 1) === 0x30) e--;
  if (s.charCodeAt(e - 1) === 0x2e) e--;
  return e === s.length ? s : s.slice(0, e);
}

function float64Text(v: number): string {
  if (v !== v) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  return String(v);
}

/** Text of one scalar item of a (possibly child) Data at index i. */
function itemText(d: Data, i: number, where: string): string {
  const t = d.type;
  switch (t.typeId) {
    case Type.Float: {
      const v = Number((d.values as Float64Array)[i]);
      return (t as unknown as { precision: number }).precision === 2
        ? float64Text(v)
        : float32Text(v);
    }
    case Type.Int:
      return String((d.values as unknown as ArrayLike<number | bigint>)[i]);
    case Type.Bool: {
      const j = d.offset + i;
      return ((d.values[j >> 3] >> (j & 7)) & 1) ? "T" : "F";
    }
  }
  throw new TypeError(`Cannot write ${String(t)} items (${where})`);
}

type Cell = (row: number) => string;

/** Makes the TABLEDATA cell writer of a column (returns the full `<TD>..</TD>`). */
function tdWriter(p: ColumnPlan, v: Vector): Cell {
  const d = v.data[0];
  const t = p.field.type;
  if (p.string) {
    if (t.typeId === Type.Utf8 && d.valueOffsets) {
      const offs = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const dec = new TextDecoder();
      return (i) => {
        if (!isValid(d, i)) return "<TD/>";
        const s = dec.decode(bytes.subarray(offs[i], offs[i + 1]));
        return s === "" ? "<TD></TD>" : `<TD>${escapeXml(s, `value of column "${p.name}"`)}</TD>`;
      };
    }
    return (i) => {
      const x = v.get(i);
      if (x === null || x === undefined) return "<TD/>";
      const s = x instanceof Date
        ? x.toISOString()
        : typeof x === "number" && (t.typeId === Type.Timestamp || t.typeId === Type.Date)
        ? new Date(x).toISOString()
        : String(x);
      return `<TD>${escapeXml(s, `value of column "${p.name}"`)}</TD>`;
    };
  }
  if (p.shape === 0 && !p.complex) {
    if (t.typeId === Type.Float) {
      const vals = d.values as Float64Array | Float32Array;
      const f = (t as unknown as { precision: number }).precision === 2 ? float64Text : float32Text;
      return (i) => isValid(d, i) ? `<TD>${f(vals[i])}</TD>` : "<TD/>";
    }
    if (t.typeId === Type.Int) {
      const vals = d.values as unknown as ArrayLike<number | bigint>;
      return (i) => isValid(d, i) ? `<TD>${vals[i]}</TD>` : "<TD/>";
    }
    return (i) => isValid(d, i) ? `<TD>${itemText(d, i, p.name)}</TD>` : "<TD/>";
  }
  // Lists and complex numbers: space-separated items.
  return (i) => {
    if (!isValid(d, i)) return "<TD/>";
    let child: Data;
    let start: number;
    let end: number;
    if (p.shape === 0) { // scalar complex
      child = d.children[0];
      start = i * 2;
      end = start + 2;
    } else if (p.shape === 1) {
      child = d.children[0];
      start = i * p.listSize;
      end = start + p.listSize;
    } else {
      const offs = d.valueOffsets as Int32Array;
      child = d.children[0];
      start = offs[i];
      end = offs[i + 1];
    }
    const parts: string[] = [];
    for (let k = start; k < end; k++) {
      if (p.complex && p.shape !== 0) {
        const pair = child.children[0];
        const o = k * 2;
        const ok = isValid(child, k);
        parts.push(
          ok ? itemText(pair, o, p.name) : "NaN",
          ok ? itemText(pair, o + 1, p.name) : "NaN",
        );
        continue;
      }
      if (!isValid(child, k)) {
        if (child.type.typeId === Type.Float) parts.push("NaN");
        else if (child.type.typeId === Type.Bool) parts.push("?");
        else {
          throw new RangeError(
            `Column "${p.name}" row ${
              i + 1
            } has a null array item, which VOTable can only write for floating-point and boolean items`,
          );
        }
        continue;
      }
      parts.push(itemText(child, k, p.name));
    }
    return `<TD>${parts.join(" ")}</TD>`;
  };
}

/** A growable byte buffer with a big-endian DataView. */
class ByteSink {
  buf = new Uint8Array(1 << 16);
  dv = new DataView(this.buf.buffer);
  len = 0;
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.len + n, this.buf.length * 2));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
}

type BinWriter = (row: number, sink: ByteSink) => boolean; // returns validity

function binItemWriter(
  item: DataType,
  where: string,
): (d: Data, k: number, valid: boolean, s: ByteSink) => void {
  switch (item.typeId) {
    case Type.Float:
      if ((item as unknown as { precision: number }).precision === 2) {
        return (d, k, valid, s) => {
          s.dv.setFloat64(s.len, valid ? (d.values as Float64Array)[k] : NaN);
          s.len += 8;
        };
      }
      return (d, k, valid, s) => {
        s.dv.setFloat32(s.len, valid ? Number((d.values as Float32Array)[k]) : NaN);
        s.len += 4;
      };
    case Type.Int: {
      const { bitWidth, isSigned } = item as unknown as { bitWidth: number; isSigned: boolean };
      if (bitWidth === 64) {
        return (d, k, valid, s) => {
          const v = valid ? BigInt((d.values as BigInt64Array)[k]) : 0n;
          if (!isSigned && v > 9223372036854775807n) {
            throw new RangeError(`Value ${v} of ${where} exceeds the VOTable long range`);
          }
          s.dv.setBigInt64(s.len, v);
          s.len += 8;
        };
      }
      const dt = !isSigned && bitWidth === 8
        ? 1
        : bitWidth <= 16 && (isSigned || bitWidth === 8)
        ? 2
        : bitWidth <= 32 && (isSigned || bitWidth === 16)
        ? 4
        : 8;
      return (d, k, valid, s) => {
        const v = valid ? Number((d.values as Int32Array)[k]) : 0;
        if (dt === 1) s.buf[s.len] = v;
        else if (dt === 2) s.dv.setInt16(s.len, v);
        else if (dt === 4) s.dv.setInt32(s.len, v);
        else s.dv.setBigInt64(s.len, BigInt(v));
        s.len += dt;
      };
    }
    case Type.Bool:
      return (d, k, valid, s) => {
        const j = d.offset + k;
        s.buf[s.len++] = !valid ? 0x3f : ((d.values[j >> 3] >> (j & 7)) & 1) ? 0x54 : 0x46;
      };
  }
  throw new TypeError(`Cannot write ${String(item)} items (${where})`);
}

function binWriter(p: ColumnPlan, v: Vector, binary2: boolean): BinWriter {
  const d = v.data[0];
  const t = p.field.type;
  const where = `column "${p.name}"`;
  if (p.string) {
    const unicode = p.datatype === "unicodeChar";
    const getText = (i: number): string | null => {
      const x = v.get(i);
      if (x === null || x === undefined) return null;
      return x instanceof Date
        ? x.toISOString()
        : (t.typeId === Type.Timestamp || t.typeId === Type.Date) && typeof x === "number"
        ? new Date(x).toISOString()
        : String(x);
    };
    if (!unicode && t.typeId === Type.Utf8 && d.valueOffsets) {
      const offs = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      return (i, s) => {
        const valid = isValid(d, i);
        const a = valid ? offs[i] : 0;
        const n = valid ? offs[i + 1] - a : 0;
        s.ensure(4 + n);
        s.dv.setInt32(s.len, n);
        s.buf.set(bytes.subarray(a, a + n), s.len + 4);
        s.len += 4 + n;
        return valid;
      };
    }
    return (i, s) => {
      const x = getText(i);
      if (unicode) {
        const n = x === null ? 0 : x.length;
        s.ensure(4 + 2 * n);
        s.dv.setInt32(s.len, n);
        s.len += 4;
        for (let k = 0; k < n; k++) {
          s.dv.setUint16(s.len, x!.charCodeAt(k));
          s.len += 2;
        }
      } else {
        const b = x === null ? new Uint8Array(0) : enc.encode(x);
        s.ensure(4 + b.length);
        s.dv.setInt32(s.len, b.length);
        s.buf.set(b, s.len + 4);
        s.len += 4 + b.length;
      }
      return x !== null;
    };
  }
  if (p.shape === 0 && p.datatype === "bit") {
    // One bit, in the most significant position of its byte.
    return (i, s) => {
      s.ensure(1);
      const valid = isValid(d, i);
      const j = d.offset + i;
      s.buf[s.len++] = valid && ((d.values[j >> 3] >> (j & 7)) & 1) ? 0x80 : 0;
      return valid;
    };
  }
  if (p.shape === 0 && !p.complex) {
    const w = binItemWriter(t, where);
    if (!binary2 && p.nullValue !== undefined) {
      const sentinel = p.nullValue;
      const values = d.values as unknown as ArrayLike<number | bigint>;
      return (i, s) => {
        s.ensure(8);
        const valid = isValid(d, i);
        if (valid && values[i] == sentinel) {
          throw new RangeError(
            `Column "${p.name}" holds the value ${sentinel}, which serialization "binary" uses as its null sentinel; use "binary2"`,
          );
        }
        if (valid) w(d, i, true, s);
        else if (typeof sentinel === "bigint") {
          s.dv.setBigInt64(s.len, sentinel);
          s.len += 8;
        } else {
          const size = p.datatype === "unsignedByte" ? 1 : p.datatype === "short" ? 2 : 4;
          if (size === 1) s.buf[s.len] = sentinel;
          else if (size === 2) s.dv.setInt16(s.len, sentinel);
          else s.dv.setInt32(s.len, sentinel);
          s.len += size;
        }
        return valid;
      };
    }
    return (i, s) => {
      s.ensure(8);
      const valid = isValid(d, i);
      w(d, i, valid, s);
      return valid;
    };
  }
  // Complex scalars and lists.
  const child = d.children[0];
  const pairItem = p.complex ? (p.shape === 0 ? child : child.children[0]) : undefined;
  const w = binItemWriter(p.complex ? pairItem!.type : child.type, where);
  return (i, s) => {
    const valid = isValid(d, i);
    let start: number, end: number;
    if (p.shape === 0) {
      start = 0;
      end = 1;
    } else if (p.shape === 1) {
      start = i * p.listSize;
      end = start + p.listSize;
    } else {
      const offs = d.valueOffsets as Int32Array;
      start = valid ? offs[i] : 0;
      end = valid ? offs[i + 1] : 0;
    }
    const n = end - start;
    const itemBytes = p.complex ? (p.datatype === "doubleComplex" ? 16 : 8) : 8;
    s.ensure(4 + n * itemBytes + 8);
    if (p.shape === 2) {
      s.dv.setInt32(s.len, n);
      s.len += 4;
    }
    if (p.complex) {
      if (p.shape === 0) {
        const o = 2 * i;
        w(child, o, valid, s);
        w(child, o + 1, valid, s);
      } else {
        for (let k = start; k < end; k++) {
          const ok = valid && isValid(child, k);
          const o = 2 * k;
          w(pairItem!, o, ok, s);
          w(pairItem!, o + 1, ok, s);
        }
      }
    } else if (child.type.typeId === Type.Bool && p.datatype === "bit") {
      // packed bits, most significant first
      const nb = (n + 7) >> 3;
      s.buf.fill(0, s.len, s.len + nb);
      for (let k = 0; k < n; k++) {
        const j = child.offset + start + k;
        if (valid && ((child.values[j >> 3] >> (j & 7)) & 1)) {
          s.buf[s.len + (k >> 3)] |= 0x80 >> (k & 7);
        }
      }
      s.len += nb;
    } else {
      for (let k = start; k < end; k++) {
        const ok = valid && isValid(child, k);
        if (valid && !ok && child.type.typeId !== Type.Float && child.type.typeId !== Type.Bool) {
          throw new RangeError(
            `Column "${p.name}" row ${
              i + 1
            } has a null array item, which VOTable can only write for floating-point and boolean items`,
          );
        }
        w(child, k, ok, s);
      }
    }
    return valid;
  };
}

/** Encodes the rows of one batch; keeps base64 remainders across batches. */
class BodyEncoder {
  readonly #plans: ColumnPlan[];
  readonly #ser: "tabledata" | "binary2" | "binary";
  readonly #sink = new ByteSink();
  #carry = new Uint8Array(0);

  constructor(plans: ColumnPlan[], ser: "tabledata" | "binary2" | "binary") {
    this.#plans = plans;
    this.#ser = ser;
  }

  batch(b: RecordBatch): Uint8Array {
    const plans = this.#plans;
    const n = b.numRows;
    const cols = plans.map((_, i) => b.getChildAt(i)!);
    if (this.#ser === "tabledata") {
      const cells = plans.map((p, i) => tdWriter(p, cols[i]));
      // Rows are gathered into ~64 KB of text, then encoded into one byte buffer.
      const sink = this.#sink;
      sink.len = 0;
      let text = "";
      for (let r = 0; r < n; r++) {
        text += "<TR>";
        for (let c = 0; c < cells.length; c++) text += cells[c](r);
        text += "</TR>\n";
        if (text.length > 65536 || r === n - 1) {
          sink.ensure(text.length * 3);
          sink.len += enc.encodeInto(text, sink.buf.subarray(sink.len)).written;
          text = "";
        }
      }
      return sink.buf.slice(0, sink.len);
    }
    const binary2 = this.#ser === "binary2";
    const writers = plans.map((p, i) => binWriter(p, cols[i], binary2));
    const sink = this.#sink;
    sink.len = 0;
    sink.ensure(this.#carry.length);
    sink.buf.set(this.#carry);
    sink.len = this.#carry.length;
    const maskBytes = binary2 ? (plans.length + 7) >> 3 : 0;
    for (let r = 0; r < n; r++) {
      sink.ensure(maskBytes);
      const maskAt = sink.len;
      sink.buf.fill(0, maskAt, maskAt + maskBytes);
      sink.len += maskBytes;
      for (let c = 0; c < writers.length; c++) {
        const valid = writers[c](r, sink);
        if (binary2 && !valid) sink.buf[maskAt + (c >> 3)] |= 0x80 >> (c & 7);
      }
    }
    const whole = sink.len - (sink.len % 3);
    this.#carry = sink.buf.slice(whole, sink.len);
    return base64Lines(sink.buf.subarray(0, whole));
  }

  /** The base64 of what is left (with padding). */
  end(): Uint8Array {
    if (this.#ser === "tabledata" || this.#carry.length === 0) return new Uint8Array(0);
    const out = base64Lines(this.#carry);
    this.#carry = new Uint8Array(0);
    return out;
  }
}

function base64Lines(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return new Uint8Array(0);
  const s = (bytes as unknown as { toBase64(): string }).toBase64();
  return enc.encode(s);
}

function plansFor(
  schema: Schema,
  o: EncodeVOTableOptions,
  batches?: readonly RecordBatch[],
): ColumnPlan[] {
  const ser = o.serialization ?? "tabledata";
  if (ser !== "tabledata" && ser !== "binary2" && ser !== "binary") {
    throw new RangeError(`Unknown serialization "${ser}"; use "tabledata", "binary2" or "binary"`);
  }
  return schema.fields.map((f, i) => {
    const p = planColumn(f, ser === "binary");
    // VOTable "char" is ASCII: in binary streams, non-ASCII text goes as
    // unicodeChar unless the metadata names the datatype.
    if (
      batches && ser !== "tabledata" && p.datatype === "char" &&
      f.metadata.get("datatype") === undefined &&
      batches.some((b) => hasNonAscii(b.getChildAt(i)!))
    ) {
      p.datatype = "unicodeChar";
    }
    return p;
  });
}

function hasNonAscii(v: Vector): boolean {
  const d = v.data[0];
  if (d.type.typeId === Type.Utf8 && d.valueOffsets) {
    const bytes = d.values as Uint8Array;
    const offs = d.valueOffsets as Int32Array;
    const end = offs[d.length];
    for (let k = offs[0]; k < end; k++) if (bytes[k] >= 0x80) return true;
    return false;
  }
  // Utf8View (Polars), LargeUtf8, Dictionary: look at the values.
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    if (typeof x !== "string") continue;
    for (let k = 0; k < x.length; k++) if (x.charCodeAt(k) > 0x7f) return true;
  }
  return false;
}

/**
 * Encodes an Arrow table as a VOTable document (UTF-8 bytes).
 *
 * Arrow types map back to VOTable datatypes: Bool -> boolean, Int8/Int16 ->
 * short, Uint8 -> unsignedByte, Int32/Uint16 -> int, Int64/Uint32 -> long,
 * Float32 -> float, Float64 -> double, Utf8 -> char arraysize="*" (or
 * unicodeChar when the field metadata says so, or, in BINARY/BINARY2 and
 * without a datatype in the metadata, when the column holds non-ASCII
 * text), FixedSizeList(n) ->
 * arraysize n (the metadata's `AxB` form kept when it matches), List ->
 * arraysize "*", FixedSizeList(2) of floats with datatype metadata
 * floatComplex/doubleComplex -> complex. Nulls: empty TD in TABLEDATA, the
 * row bitmap in BINARY2, `VALUES null` sentinels (type minimum) in BINARY.
 * Units, UCDs, utypes, xtypes, descriptions and IDs come from the field
 * metadata.
 *
 * @param table The table to write.
 * @param options Serialization, INFOs, PARAMs, status, service descriptors.
 * @returns The VOTable bytes.
 * @throws {TypeError} for Arrow types VOTable cannot carry (structs, maps, lists of strings).
 * @throws {RangeError} for values that the chosen serialization cannot carry (control characters in TABLEDATA, a BINARY null sentinel used as a value).
 *
 * @example Round trip through BINARY2
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeVOTable } from "./writer.ts";
 * import { readVOTable } from "./read_votable.ts";
 * import { collectTable } from "../table/reader.ts";
 * const t = tableFromArrays({ source_id: BigInt64Array.from([64942654294589445n]), ra: Float64Array.from([57.26]) });
 * const bytes = encodeVOTable(t, { serialization: "binary2", queryStatus: "OVERFLOW" });
 * const { table, meta } = await collectTable(readVOTable(bytes));
 * if (table.getChild("source_id")!.get(0) !== 64942654294589445n) throw new Error("int64");
 * if (meta.queryStatus !== "OVERFLOW") throw new Error("status");
 * ```
 */
export function encodeVOTable(table: Table, options: EncodeVOTableOptions = {}): Uint8Array {
  const plans = plansFor(table.schema, options, table.batches);
  const parts: Uint8Array[] = [enc.encode(header(table.schema, plans, options))];
  if (options.queryStatus !== "ERROR") {
    const body = new BodyEncoder(plans, options.serialization ?? "tabledata");
    for (const b of table.batches) parts.push(body.batch(b));
    parts.push(body.end());
  }
  parts.push(enc.encode(footer(options)));
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Encodes a schema and a stream of record batches as a VOTable byte stream,
 * for results too large to hold twice in memory. Batches are encoded one at
 * a time, when the consumer pulls.
 *
 * @param schema The schema of every batch (field metadata gives units, UCDs, ...).
 * @param batches The rows.
 * @param options As for {@linkcode encodeVOTable}.
 * @returns A byte stream of the document.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeVOTableStream } from "./writer.ts";
 * import { readVOTable } from "./read_votable.ts";
 * import { collectTable } from "../table/reader.ts";
 * const t = tableFromArrays({ x: Int32Array.from([1, 2, 3]) });
 * const stream = encodeVOTableStream(t.schema, t.batches, { serialization: "tabledata" });
 * const { table } = await collectTable(readVOTable(stream));
 * if (table.numRows !== 3) throw new Error("rows");
 * ```
 */
export function encodeVOTableStream(
  schema: Schema,
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  options: EncodeVOTableOptions = {},
): ReadableStream<Uint8Array> {
  const plans = plansFor(schema, options);
  const body = new BodyEncoder(plans, options.serialization ?? "tabledata");
  async function* gen(): AsyncGenerator<Uint8Array> {
    yield enc.encode(header(schema, plans, options));
    if (options.queryStatus !== "ERROR") {
      for await (const b of batches as AsyncIterable<RecordBatch>) {
        const bytes = body.batch(b);
        if (bytes.length) yield bytes;
      }
      const rest = body.end();
      if (rest.length) yield rest;
    }
    yield enc.encode(footer(options));
  }
  return ReadableStream.from(gen());
}
