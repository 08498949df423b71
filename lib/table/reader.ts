/**
 * The one shape every reader returns: a stream of Arrow record batches with
 * the table's metadata beside it. VOTable, CSV, ECSV, JSON and FITS readers
 * all implement {@linkcode TableReader}, so the TAP layer never cares which
 * format came back.
 *
 * @module
 */
import { RecordBatch, type Schema, Table } from "apache-arrow";
import type { InfoElement, ParamElement, QueryStatus } from "./metadata.ts";

/** Table-level metadata a reader collects. Complete once iteration has ended. */
export interface TableMeta {
  /** The serialization read, e.g. `votable/binary2`, `votable/tabledata`, `csv`, `fits`. */
  format: string;
  /**
   * The query status: from `INFO name="QUERY_STATUS"` (wherever it stands,
   * DaCHS puts OVERFLOW after the TABLE), ECSV/JSON equivalents, or undefined
   * when the format does not carry one.
   */
  queryStatus?: QueryStatus;
  /** The message that goes with the status (the server's error text for ERROR). */
  queryStatusMessage?: string;
  /** INFO elements of the results resource and table (or the format's equivalent). */
  infos: InfoElement[];
  /** PARAM elements (or the format's equivalent, e.g. FITS header cards of interest). */
  params: ParamElement[];
  /** Table name, when the format carries one. */
  name?: string;
  /** Table description, when the format carries one. */
  description?: string;
}

/**
 * A streaming table reader: iterate it for record batches; `schema()`
 * resolves as soon as the header has been read; `meta` is final once the
 * iteration has ended (a status that follows the rows, such as DaCHS'
 * OVERFLOW, is only known then).
 *
 * Readers never swallow errors: malformed or truncated input rejects the
 * iteration with a `TableFormatError` (or `TruncatedInputError`) that says
 * where. A `QUERY_STATUS=ERROR` document is *not* an error at this layer:
 * it ends with `meta.queryStatus === "ERROR"` and the server's message, and
 * the protocol layer (TAP) decides what to throw.
 */
export interface TableReader extends AsyncIterable<RecordBatch> {
  /** Resolves with the Arrow schema (field metadata included) once the header is read. */
  schema(): Promise<Schema>;
  /** Table-level metadata; complete after iteration. */
  readonly meta: TableMeta;
}

/** Options every reader accepts. */
export interface ReaderOptions {
  /** Rows per record batch. @default 65536 */
  batchSize?: number;
  /** Stops reading; iteration rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Largest decompressed input accepted, in bytes. @default Infinity */
  maxBytes?: number;
  /** Called with the number of bytes consumed so far (for progress displays). */
  onBytes?: (bytes: number) => void;
}

/** The default number of rows per record batch. */
export const DEFAULT_BATCH_SIZE = 65536;

/**
 * Reads every batch of a reader into one Arrow table, with the schema's
 * metadata updated with the final query status.
 *
 * @example
 * ```ts ignore
 * const { table, meta } = await collectTable(readVOTableStream(bytes));
 * ```
 */
export async function collectTable(
  reader: TableReader,
): Promise<{ table: Table; meta: TableMeta }> {
  const batches: RecordBatch[] = [];
  for await (const b of reader) batches.push(b);
  const schema = withStatus(await reader.schema(), reader.meta);
  const table = batches.length
    ? new Table(schema, batches.map((b) => new RecordBatch(schema, b.data)))
    : new Table(schema);
  return { table, meta: reader.meta };
}

/** Returns `schema` with `query_status` (and message) from `meta` in its metadata. */
export function withStatus(schema: Schema, meta: TableMeta): Schema {
  const md = new Map(schema.metadata);
  md.set("format", meta.format);
  if (meta.queryStatus) md.set("query_status", meta.queryStatus);
  if (meta.queryStatusMessage !== undefined) {
    md.set("query_status_message", meta.queryStatusMessage);
  }
  if (meta.infos.length) md.set("infos", JSON.stringify(meta.infos));
  if (meta.params.length) md.set("params", JSON.stringify(meta.params));
  return new (schema.constructor as typeof Schema)(schema.fields, md, schema.dictionaries);
}
