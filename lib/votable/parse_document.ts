/**
 * `parseVOTableDocument()`: a whole VOTable as a typed document with every
 * table read into Arrow, and `parseVOTableError()` for the server message of
 * a `QUERY_STATUS=ERROR` document.
 *
 * @module
 */
import { RecordBatch, Table } from "apache-arrow";
import type { ByteSource } from "../io/source.ts";
import { openVOTableStream } from "./open.ts";
import { DEFAULT_BATCH_SIZE, type ReaderOptions } from "../table/reader.ts";
import type { VOTableDocument, VOTableResource, VOTableTable } from "./document.ts";
import {
  childrenNamed,
  columnMetaOf,
  coosysOf,
  descriptionOf,
  groupOf,
  infoOf,
  isServiceDescriptor,
  linkOf,
  paramOf,
  queryStatusOf,
  serviceDescriptorOf,
  timesysOf,
  type XNode,
} from "./elements.ts";
import { TableFormatError } from "../io/errors.ts";
import { ByteInput } from "./input.ts";
import { type TableState, VOTableParser } from "./parser.ts";

/** Options of {@linkcode parseVOTableDocument}. */
export type ParseVOTableOptions = Omit<ReaderOptions, "batchSize">;

/**
 * Reads a whole VOTable document: nested RESOURCEs, every TABLE as an Arrow
 * table (with field metadata), INFOs, PARAMs (with VALUES), COOSYS, TIMESYS,
 * GROUPs (FIELDref/PARAMref), LINKs, and the DataLink service descriptors
 * (`RESOURCE type="meta" utype="adhoc:service"`). Meant for documents that
 * fit in memory; use {@linkcode readVOTable} to stream one large table.
 *
 * @param source The VOTable bytes (gzip is undone).
 * @param options Abort signal, size limit, progress.
 * @returns The document.
 * @throws {VOTableSyntaxError} for malformed input; {@linkcode TruncatedInputError} when it ends early.
 *
 * @example A DataLink service descriptor
 * ```ts
 * import { parseVOTableDocument } from "./parse_document.ts";
 * const doc = await parseVOTableDocument(`<VOTABLE version="1.4">
 * <RESOURCE type="results"><TABLE><FIELD name="source_id" datatype="long" ID="sid"/>
 * <DATA><TABLEDATA><TR><TD>64942654294589445</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE>
 * <RESOURCE type="meta" utype="adhoc:service">
 *  <GROUP name="inputParams"><PARAM name="ID" datatype="char" arraysize="*" ref="sid" value=""/></GROUP>
 *  <PARAM name="accessURL" datatype="char" arraysize="*" value="http://localhost:8080/dl"/>
 * </RESOURCE></VOTABLE>`);
 * const sd = doc.serviceDescriptors[0];
 * if (sd.accessURL !== "http://localhost:8080/dl" || sd.inputParams[0].ref !== "sid") throw new Error("sd");
 * if (doc.tables[0].table.getChild("source_id")!.get(0) !== 64942654294589445n) throw new Error("rows");
 * ```
 */
export async function parseVOTableDocument(
  source: ByteSource,
  options: ParseVOTableOptions = {},
): Promise<VOTableDocument> {
  const { signal, maxBytes, onBytes } = options;
  const stream = await openVOTableStream(source, {
    ...(signal ? { signal } : {}),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
  });
  const input = new ByteInput(stream, onBytes);
  const parser = new VOTableParser(input, { wants: () => true, batchSize: DEFAULT_BATCH_SIZE });
  const batches = new Map<TableState, RecordBatch[]>();
  try {
    for await (const ev of parser.events()) {
      if (ev.type === "batch") {
        let list = batches.get(ev.table);
        if (!list) batches.set(ev.table, list = []);
        list.push(ev.batch);
      }
    }
  } catch (e) {
    await input.cancel(e);
    throw e;
  }
  return buildDocument(parser, batches);
}

function buildDocument(
  parser: VOTableParser,
  batches: Map<TableState, RecordBatch[]>,
): VOTableDocument {
  const root = parser.root!;
  const tables = new Map<XNode, VOTableTable>();
  const tableOf = (n: XNode): VOTableTable => {
    const state = parser.stateOf(n)!;
    const list = batches.get(state) ?? [];
    const table = list.length
      ? new Table(state.schema, list.map((b) => new RecordBatch(state.schema, b.data)))
      : new Table(state.schema);
    const t: VOTableTable = {
      fields: childrenNamed(n, "FIELD").map((f, i) => columnMetaOf(f, i)),
      params: childrenNamed(n, "PARAM").map((p, i) => paramOf(p, i)),
      groups: childrenNamed(n, "GROUP").map(groupOf),
      infos: [
        ...childrenNamed(n, "INFO"),
        ...childrenNamed(n, "DATA").flatMap((d) => childrenNamed(d, "INFO")),
      ]
        .map(infoOf),
      links: childrenNamed(n, "LINK").map(linkOf),
      table,
      format: state.format,
    };
    for (const k of ["name", "ID", "ucd", "utype", "ref"] as const) {
      if (n.attrs[k] !== undefined) t[k] = n.attrs[k];
    }
    if (n.attrs.nrows !== undefined && /^[0-9]+$/.test(n.attrs.nrows)) {
      t.nrows = Number(n.attrs.nrows);
    }
    const d = descriptionOf(n);
    if (d !== undefined) t.description = d;
    tables.set(n, t);
    return t;
  };
  const resourceOf = (n: XNode): VOTableResource => {
    const r: VOTableResource = {
      infos: childrenNamed(n, "INFO").map(infoOf),
      params: childrenNamed(n, "PARAM").map((p, i) => paramOf(p, i)),
      coosys: childrenNamed(n, "COOSYS").map(coosysOf),
      timesys: childrenNamed(n, "TIMESYS").map(timesysOf),
      groups: childrenNamed(n, "GROUP").map(groupOf),
      links: childrenNamed(n, "LINK").map(linkOf),
      tables: childrenNamed(n, "TABLE").map(tableOf),
      resources: childrenNamed(n, "RESOURCE").map(resourceOf),
    };
    for (const k of ["name", "ID", "type", "utype"] as const) {
      if (n.attrs[k] !== undefined) r[k] = n.attrs[k];
    }
    const d = descriptionOf(n);
    if (d !== undefined) r.description = d;
    return r;
  };
  // COOSYS/TIMESYS may also sit in DEFINITIONS (VOTable 1.1).
  const defs = childrenNamed(root, "DEFINITIONS");
  const doc: VOTableDocument = {
    infos: childrenNamed(root, "INFO").map(infoOf),
    params: [...childrenNamed(root, "PARAM"), ...defs.flatMap((d) => childrenNamed(d, "PARAM"))]
      .map((p, i) => paramOf(p, i)),
    coosys: [...childrenNamed(root, "COOSYS"), ...defs.flatMap((d) => childrenNamed(d, "COOSYS"))]
      .map(coosysOf),
    timesys: childrenNamed(root, "TIMESYS").map(timesysOf),
    groups: childrenNamed(root, "GROUP").map(groupOf),
    resources: childrenNamed(root, "RESOURCE").map(resourceOf),
    tables: [],
    serviceDescriptors: [],
  };
  if (root.attrs.version !== undefined) doc.version = root.attrs.version;
  const d = descriptionOf(root);
  if (d !== undefined) doc.description = d;
  // Document order for tables and service descriptors.
  const walk = (n: XNode) => {
    for (const c of n.children) {
      if (c.name === "TABLE") doc.tables.push(tables.get(c) ?? tableOf(c));
      if (isServiceDescriptor(c)) doc.serviceDescriptors.push(serviceDescriptorOf(c));
      if (c.name === "RESOURCE") walk(c);
    }
  };
  walk(root);
  const st = queryStatusOf(parser.statusInfos);
  if (st) {
    doc.queryStatus = st.status;
    if (st.message !== undefined) doc.queryStatusMessage = st.message;
  }
  return doc;
}

/**
 * The server's message when `source` is a VOTable error document
 * (`INFO name="QUERY_STATUS" value="ERROR"`), for the TAP layer to put into
 * its error. Returns `undefined` when the document's status is not ERROR, or
 * when the bytes are not a readable VOTable at all (an HTML page, say): this
 * is a probe, so it does not throw for malformed input. Table data is skipped,
 * not decoded.
 *
 * @param source The response body.
 * @returns The error message (the INFO's text, or `"ERROR"` without text), or undefined.
 *
 * @example
 * ```ts
 * import { parseVOTableError } from "./parse_document.ts";
 * const msg = await parseVOTableError(`<VOTABLE version="1.4"><RESOURCE type="results">
 * <INFO name="QUERY_STATUS" value="ERROR">Field query: Could not parse your query</INFO></RESOURCE></VOTABLE>`);
 * if (msg !== "Field query: Could not parse your query") throw new Error(String(msg));
 * ```
 */
export async function parseVOTableError(source: ByteSource): Promise<string | undefined> {
  let input: ByteInput | undefined;
  try {
    input = new ByteInput(await openVOTableStream(source, {}));
    const parser = new VOTableParser(input, { wants: () => false, batchSize: DEFAULT_BATCH_SIZE });
    for await (const _ of parser.events()) { /* no tables wanted */ }
    const st = queryStatusOf(parser.statusInfos);
    if (st?.status !== "ERROR") return undefined;
    return st.message ?? "ERROR";
  } catch (e) {
    await input?.cancel(e);
    if (e instanceof TableFormatError) return undefined;
    throw e;
  }
}
