/**
 * Streaming ECSV 1.0 reader: the YAML header (read with the small YAML
 * reader of `yaml.ts`) gives column types, units, descriptions and
 * metadata; the body is read by the CSV engine with that schema.
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import { type ByteSource, describeStreamError, openByteStream } from "../io/source.ts";
import type { InfoElement, QueryStatus } from "../table/metadata.ts";
import type { ReaderOptions, TableReader } from "../table/reader.ts";
import { uniqueNames } from "./csv_columns.ts";
import { CsvSyntaxError, EcsvFormatError, YamlSyntaxError } from "./errors.ts";
import { csvEngine } from "./read_csv.ts";
import { StreamTableReader } from "./stream_reader.ts";
import { parseYaml, type YamlValue } from "./yaml.ts";

/** Options of {@linkcode readEcsv}. */
export type EcsvReaderOptions = ReaderOptions;

/** The header of an ECSV file, as read. */
export interface EcsvHeader {
  /** The ECSV version from the `# %ECSV x.y` line. */
  version: string;
  /** Field delimiter (`,` or space). */
  delimiter: string;
  /** The Arrow schema (field metadata: unit, description, ucd, utype, ...). */
  schema: Schema;
  /** The table `meta` mapping, values as text. */
  meta: Record<string, string>;
}

const SCALARS: Record<string, () => DataType> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float16: () => new Float32(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  float128: () => new Float64(),
  string: () => new Utf8(),
};

const dec = new TextDecoder();

/**
 * Reads ECSV 1.0 (as astropy and the Gaia archive write it): the `# %ECSV`
 * line, the YAML header with `delimiter`, `datatype` (name, datatype, unit,
 * description, meta, subtype) and `meta` (QUERY_STATUS, ...), then the
 * header line and the rows. `nan` and empty fields are null. Array columns
 * (`subtype: float64[3]`, `int32[null]`) become FixedSizeList / List.
 *
 * @param source The ECSV bytes (gzip undone when sniffed).
 * @param options Batch size, signal, maxBytes, onBytes.
 * @returns A streaming {@linkcode TableReader}; `meta.queryStatus` comes from
 *   `meta.QUERY_STATUS`, the other `meta` entries become `meta.infos`.
 * @throws {EcsvFormatError} (on iteration) for a missing `# %ECSV` line, an
 *   unknown datatype, or YAML outside the supported subset.
 *
 * @example
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { columnMeta } from "../table/metadata.ts";
 * import { readEcsv } from "./read_ecsv.ts";
 * const text = [
 *   "# %ECSV 1.0",
 *   "# ---",
 *   "# delimiter: ','",
 *   "# datatype:",
 *   "# - {name: source_id, datatype: int64, meta: {ucd: meta.id}}",
 *   "# - {name: ra, unit: deg, datatype: float64}",
 *   "# meta: {QUERY_STATUS: OK}",
 *   "source_id,ra",
 *   "5929246508730155392,253.458",
 *   "64942654294589445,nan",
 * ].join("\n");
 * const { table, meta } = await collectTable(readEcsv(text));
 * if (table.getChild("source_id")!.get(0) !== 5929246508730155392n) throw new Error("int64");
 * if (table.getChild("ra")!.get(1) !== null) throw new Error("nan is null");
 * if (columnMeta(table.schema.fields[1]!).unit !== "deg") throw new Error("unit");
 * if (meta.queryStatus !== "OK") throw new Error("status");
 * ```
 */
export function readEcsv(source: ByteSource, options: EcsvReaderOptions = {}): TableReader {
  return new StreamTableReader("ecsv", async function* (ctx) {
    const stream = await openByteStream(source, options);
    const reader = stream.getReader();
    // Read until the first line that does not start with '#', into a buffer
    // that doubles as needed (header lines are scanned once each).
    let store = new Uint8Array(1 << 16);
    let have = 0;
    let headerEnd = -1;
    let lineStart = 0;
    let eof = false;
    while (headerEnd < 0) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw describeStreamError(e, "ecsv", have);
      }
      if (r.done) eof = true;
      else {
        if (have + r.value.length > store.length) {
          const n = new Uint8Array(Math.max(store.length * 2, have + r.value.length));
          n.set(store.subarray(0, have));
          store = n;
        }
        store.set(r.value, have);
        have += r.value.length;
        options.onBytes?.(have);
      }
      while (lineStart < have) {
        if (store[lineStart] !== 0x23) {
          headerEnd = lineStart;
          break;
        }
        const nl = store.subarray(lineStart, have).indexOf(0x0a);
        if (nl < 0) break;
        lineStart += nl + 1;
      }
      if (eof && headerEnd < 0) headerEnd = have;
    }
    const buf = store.subarray(0, have);
    if (headerEnd === 0) {
      const nl = buf.indexOf(0x0a);
      const first = dec.decode(buf.subarray(0, Math.min(nl < 0 ? buf.length : nl, 40)));
      throw new EcsvFormatError(
        `The input does not start with an "# %ECSV <version>" line (found ${
          JSON.stringify(first)
        })`,
        { line: 1, offset: 0 },
      );
    }
    const headerText = dec.decode(buf.subarray(0, headerEnd));
    const header = parseEcsvHeader(headerText);
    const m = ctx.meta;
    const status = header.meta["QUERY_STATUS"];
    if (status === "OK" || status === "OVERFLOW" || status === "ERROR") {
      m.queryStatus = status as QueryStatus;
    }
    const msg = header.meta["QUERY_STATUS_MESSAGE"];
    if (msg !== undefined) m.queryStatusMessage = msg;
    if (header.meta["name"] !== undefined) m.name = header.meta["name"];
    if (header.meta["description"] !== undefined) m.description = header.meta["description"];
    const infos: InfoElement[] = [];
    for (const [name, value] of Object.entries(header.meta)) infos.push({ name, value });
    m.infos = infos;
    const headerLines = countLines(buf, headerEnd);
    const rest = buf.subarray(headerEnd);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        if (rest.length) c.enqueue(rest);
        if (eof) c.close();
      },
      async pull(c) {
        try {
          const r = await reader.read();
          if (r.done) c.close();
          else {
            have += r.value.length;
            options.onBytes?.(have);
            c.enqueue(r.value);
          }
        } catch (e) {
          c.error(describeStreamError(e, "ecsv", have));
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    const csv = csvEngine(body, {
      format: "ecsv",
      delimiter: header.delimiter,
      schema: header.schema,
      header: true,
      nullValues: [""],
      quotedEmptyIsNull: true,
      firstLine: headerLines + 1,
      firstOffset: headerEnd,
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    try {
      ctx.setSchema(await csv.schema());
      yield* csv;
    } catch (e) {
      // The body is read by the CSV engine: report its errors as ECSV errors.
      if (e instanceof CsvSyntaxError) {
        throw new EcsvFormatError(e.message.replace(/ \(ecsv[^)]*\)$/, ""), {
          ...(e.line !== undefined ? { line: e.line } : {}),
          ...(e.offset !== undefined ? { offset: e.offset } : {}),
          ...(e.element !== undefined ? { element: e.element } : {}),
          cause: e,
        });
      }
      throw e;
    }
  });
}

function countLines(buf: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (buf[i] === 0x0a) n++;
  return n;
}

/**
 * Parses the comment header of an ECSV file (every line starting with `#`).
 *
 * @param text The header lines, `#` prefixes included.
 * @returns Version, delimiter, Arrow schema and table meta.
 * @throws {EcsvFormatError} when the text is not an ECSV header this reader understands.
 *
 * @example
 * ```ts
 * import { parseEcsvHeader } from "./read_ecsv.ts";
 * const h = parseEcsvHeader("# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: int16}\n");
 * if (h.delimiter !== " " || String(h.schema.fields[0]!.type) !== "Int16") throw new Error("header");
 * ```
 */
export function parseEcsvHeader(text: string): EcsvHeader {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const first = lines[0] ?? "";
  const vm = /^#\s*%ECSV\s+(\S+)/.exec(first);
  if (!vm) {
    throw new EcsvFormatError(
      `The input does not start with an "# %ECSV <version>" line (found ${
        JSON.stringify(first.slice(0, 40))
      })`,
      { line: 1, offset: 0 },
    );
  }
  const version = vm[1]!;
  if (!/^[01]\./.test(version)) {
    throw new EcsvFormatError(`ECSV version ${version} is not supported (only 0.9 and 1.x)`, {
      line: 1,
    });
  }
  const yamlLines = lines.slice(1).map((l) => (l.startsWith("# ") ? l.slice(2) : l.slice(1)));
  let doc: YamlValue;
  try {
    doc = parseYaml(yamlLines.join("\n"), { lineOffset: 1, scalarsAsText: true });
  } catch (e) {
    if (e instanceof YamlSyntaxError) {
      throw new EcsvFormatError(`Cannot read the ECSV header: ${e.message}`, {
        ...(e.line !== undefined ? { line: e.line } : {}),
        element: "header",
        cause: e,
      });
    }
    throw e;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new EcsvFormatError("The ECSV header is not a YAML mapping", {
      line: 2,
      element: "header",
    });
  }
  const delimiter = doc["delimiter"] === undefined || doc["delimiter"] === null
    ? " "
    : String(doc["delimiter"]);
  if (delimiter !== " " && delimiter !== ",") {
    throw new EcsvFormatError(
      `ECSV delimiter must be ' ' or ',', found ${JSON.stringify(delimiter)}`,
      {
        element: "delimiter",
      },
    );
  }
  const cols = doc["datatype"];
  if (!Array.isArray(cols)) {
    throw new EcsvFormatError('The ECSV header has no "datatype" list of columns', {
      element: "datatype",
    });
  }
  const names: string[] = [];
  const fields: { type: DataType; md: Map<string, string> }[] = [];
  cols.forEach((c, i) => {
    if (c === null || typeof c !== "object" || Array.isArray(c)) {
      throw new EcsvFormatError(`Column ${i + 1} of "datatype" is not a mapping`, {
        element: "datatype",
      });
    }
    const name = c["name"];
    if (typeof name !== "string" || name === "") {
      throw new EcsvFormatError(`Column ${i + 1} of "datatype" has no name`, {
        element: "datatype",
      });
    }
    const datatype = String(c["datatype"] ?? "");
    const subtype = c["subtype"] === undefined || c["subtype"] === null
      ? undefined
      : String(c["subtype"]);
    const type = ecsvType(name, datatype, subtype);
    const md = new Map<string, string>();
    md.set("name", name);
    if (c["unit"] !== undefined && c["unit"] !== null) md.set("unit", String(c["unit"]));
    if (c["description"] !== undefined && c["description"] !== null) {
      md.set("description", String(c["description"]));
    }
    if (c["format"] !== undefined && c["format"] !== null) md.set("format", String(c["format"]));
    md.set("ecsv_datatype", datatype);
    if (subtype) {
      md.set("ecsv_subtype", subtype);
      const dims = /\[([0-9,\s]+)\]$/.exec(subtype);
      if (dims) md.set("arraysize", dims[1]!.split(",").map((s) => s.trim()).join("x"));
      else if (/\[null\]$/.test(subtype)) md.set("arraysize", "*");
    }
    const meta = c["meta"];
    if (meta && typeof meta === "object" && !Array.isArray(meta)) {
      for (const [k, v] of Object.entries(meta)) {
        if (v === null || typeof v === "object") continue;
        md.set(k, String(v));
      }
    }
    names.push(name);
    fields.push({ type, md });
  });
  const unique = uniqueNames(names);
  const schema = new Schema(
    fields.map((f, i) => {
      if (unique[i] === names[i]) {
        // Keep "name" only when the column was renamed (convention of metadata.ts).
        f.md.delete("name");
      }
      return new Field(unique[i]!, f.type, true, f.md);
    }),
  );
  const meta: Record<string, string> = {};
  const m = doc["meta"];
  if (m && typeof m === "object" && !Array.isArray(m)) {
    for (const [k, v] of Object.entries(m)) {
      meta[k] = v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    }
  }
  return { version, delimiter, schema, meta };
}

function ecsvType(name: string, datatype: string, subtype: string | undefined): DataType {
  if (subtype !== undefined && datatype === "string") {
    const m = /^(\w+)\[([0-9,\s]+|null)\]$/.exec(subtype);
    if (m) {
      const item = SCALARS[m[1]!];
      if (!item || m[1] === "string") {
        throw new EcsvFormatError(
          `Column "${name}" has an unsupported subtype ${JSON.stringify(subtype)}`,
          {
            element: name,
          },
        );
      }
      const child = new Field("item", item(), true);
      if (m[2] === "null") return new List(child);
      const n = m[2]!.split(",").reduce((p, s) => p * Number(s.trim()), 1);
      return new FixedSizeList(n, child);
    }
    // json or object subtypes: keep the text.
    return new Utf8();
  }
  const make = SCALARS[datatype];
  if (!make) {
    throw new EcsvFormatError(
      `Column "${name}" has datatype ${
        JSON.stringify(datatype)
      }, which this reader does not support ` +
        `(supported: ${Object.keys(SCALARS).join(", ")})`,
      { element: name },
    );
  }
  return make();
}
