/**
 * Query results: {@linkcode QueryResult} (a whole Arrow table with its
 * column metadata, status and provenance) and {@linkcode ResultStream}
 * (record batches in constant memory, the status checked at the end).
 *
 * @module
 */
import { RecordBatch, type Schema, Table } from "apache-arrow";
import type { DataFrame } from "nodejs-polars";
import { errorFromResponse, HttpClient } from "../http/client.ts";
import type { HttpResponse } from "../http/response.ts";
import { extractServerMessage } from "../http/server_message.ts";
import { openTable } from "../formats/sniff.ts";
import {
  type ColumnMeta,
  columnMeta,
  type InfoElement,
  type ParamElement,
  type QueryStatus,
} from "../table/metadata.ts";
import { collectTable, type TableMeta, type TableReader, withStatus } from "../table/reader.ts";
import { TapQueryError } from "./errors.ts";
import type { JobPhase } from "./uws.ts";

/** Progress of a query, for progress bars. */
export interface QueryProgress {
  /** `submitting` (sending the request), `queued`/`executing` (async job phases), `downloading`, `done`. */
  stage: "submitting" | "waiting" | "downloading" | "done";
  /** Body bytes received so far. */
  loaded: number;
  /** Body size when known. */
  total: number | undefined;
  /** Rows decoded so far. */
  rows: number;
  /** The async job's phase, for async queries. */
  phase?: JobPhase;
  /** Milliseconds since the query started. */
  elapsed: number;
}

/** Where a result came from (for error messages and provenance). */
export interface ResultContext {
  /** The ADQL of the query. */
  adql: string;
  /** The result URL (sync endpoint or the job's result). */
  url: string;
  /** The format asked for (short name or MIME), if any. */
  format?: string | undefined;
  /** MAXREC sent, or the service's default when known. */
  maxrec?: number | undefined;
  /** The async job URL, for async results. */
  jobUrl?: string | undefined;
  /** Cancels reading. */
  signal?: AbortSignal | undefined;
  /** Largest decompressed body accepted, in bytes. */
  maxBytes?: number | undefined;
  /** Progress callback. */
  onProgress?: ((p: QueryProgress) => void) | undefined;
  /** `Date.now()` when the query started. */
  started?: number;
  /** Shared progress counters (bytes are updated by the HTTP layer, rows by the stream). */
  progress?: { loaded: number; total: number | undefined; rows: number };
}

/**
 * Reports progress through `ctx.onProgress` from the shared counters.
 *
 * @example
 * ```ts
 * import { reportProgress } from "./result.ts";
 * const stages: string[] = [];
 * reportProgress({ adql: "SELECT 1", url: "http://localhost/tap/sync", onProgress: (p) => stages.push(p.stage) }, "submitting");
 * if (stages[0] !== "submitting") throw new Error();
 * ```
 */
export function reportProgress(
  ctx: ResultContext,
  stage: QueryProgress["stage"],
  phase?: JobPhase,
): void {
  if (!ctx.onProgress) return;
  const p = ctx.progress ?? { loaded: 0, total: undefined, rows: 0 };
  ctx.onProgress({
    stage,
    loaded: p.loaded,
    total: p.total,
    rows: p.rows,
    elapsed: Date.now() - (ctx.started ?? Date.now()),
    ...(phase ? { phase } : {}),
  });
}

/** A TAP result body opened as a table reader. */
export interface OpenedResult {
  /** The table reader over the response body. */
  reader: TableReader;
  /** The HTTP response (status, headers, final URL). */
  response: HttpResponse;
}

/**
 * Turns a TAP answer into a table reader. Error statuses become
 * {@linkcode TapQueryError} with the server's message (VOTable, HTML or
 * text), 429/503 with `Retry-After` a `RateLimitError`, an HTML page sent
 * with 200 an `UnexpectedContentError`.
 *
 * @example
 * ```ts
 * import { HttpResponse } from "../http/mod.ts";
 * import { openResultResponse, TapQueryError } from "./mod.ts";
 * const res = new HttpResponse({
 *   status: 200, statusText: "OK", url: "http://localhost/tap/sync", method: "POST", redirected: false,
 *   headers: new Headers({ "content-type": "text/csv" }), body: new Response("a,b\n1,2\n").body,
 * });
 * const { reader } = await openResultResponse(res, { adql: "SELECT a, b FROM t", url: res.url });
 * let rows = 0;
 * for await (const b of reader) rows += b.numRows;
 * if (rows !== 1) throw new Error(String(rows));
 * if (!TapQueryError) throw new Error();
 * ```
 */
export async function openResultResponse(
  res: HttpResponse,
  ctx: ResultContext,
): Promise<OpenedResult> {
  if (res.status >= 400) {
    if (res.status === 429 || (res.status === 503 && res.headers.has("retry-after"))) {
      throw await errorFromResponse(res);
    }
    const httpError = await errorFromResponse(res);
    const found = httpError.serverMessage !== undefined
      ? extractServerMessage(httpError.bodyExcerpt, res.contentType)
      : undefined;
    throw new TapQueryError(
      httpError.serverMessage ?? `HTTP ${res.status} ${res.statusText} with an empty body`,
      {
        adql: ctx.adql,
        url: res.url,
        httpStatus: res.status,
        source: found?.kind ?? "http",
        cause: httpError,
      },
    );
  }
  await HttpClient.expectContent(res, "table");
  const body = res.body;
  if (!body) {
    throw new TapQueryError(`The service answered HTTP ${res.status} without a body`, {
      adql: ctx.adql,
      url: res.url,
      httpStatus: res.status,
      source: "client",
    });
  }
  // The content type decides (an error VOTable can answer a CSV request), then the bytes.
  const reader = await openTable(body, {
    contentType: res.contentType,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.maxBytes !== undefined ? { maxBytes: ctx.maxBytes } : {}),
  });
  return { reader, response: res };
}

/**
 * Throws {@linkcode TapQueryError} when a finished reader reports QUERY_STATUS=ERROR.
 *
 * @example
 * ```ts
 * import { checkStatus, TapQueryError } from "./mod.ts";
 * try {
 *   checkStatus({ format: "votable", queryStatus: "ERROR", queryStatusMessage: "boom", infos: [], params: [] }, { adql: "SELECT 1", url: "http://localhost/" }, 200);
 *   throw new Error("should throw");
 * } catch (e) {
 *   if (!(e instanceof TapQueryError) || e.serverMessage !== "boom") throw e;
 * }
 * ```
 */
export function checkStatus(meta: TableMeta, ctx: ResultContext, httpStatus: number): void {
  if (meta.queryStatus === "ERROR") {
    throw new TapQueryError(
      meta.queryStatusMessage?.trim() || "the result reports QUERY_STATUS=ERROR without a message",
      { adql: ctx.adql, url: ctx.url, httpStatus, source: "votable" },
    );
  }
}

/** Decides the status of a complete result. */
function finalStatus(
  meta: TableMeta,
  rows: number,
  maxrec: number | undefined,
): { status: "OK" | "OVERFLOW"; message: string | undefined; reported: boolean } {
  if (meta.queryStatus === "OVERFLOW") {
    return { status: "OVERFLOW", message: meta.queryStatusMessage, reported: true };
  }
  if (meta.queryStatus === "OK") {
    return { status: "OK", message: meta.queryStatusMessage, reported: true };
  }
  if (maxrec !== undefined && rows >= maxrec) {
    return {
      status: "OVERFLOW",
      message:
        `assumed: the ${meta.format} format carries no query status and the ${rows} rows reach MAXREC=${maxrec}`,
      reported: false,
    };
  }
  return { status: "OK", message: undefined, reported: false };
}

/**
 * A complete query result: the Arrow table, its column metadata, the query
 * status (`OK`, or `OVERFLOW` when MAXREC cut the result: a flag, never an
 * error, never silent) and where it came from.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { QueryResult } from "./result.ts";
 * const r = new QueryResult(tableFromArrays({ ra: Float64Array.of(1, 2) }), {
 *   adql: "SELECT ra FROM t", url: "http://localhost/tap/sync", format: "csv",
 *   contentType: "text/csv", status: "OVERFLOW", maxrec: 2,
 * });
 * if (!r.overflow || r.numRows !== 2 || r.columns[0]!.name !== "ra") throw new Error();
 * if (!String(r).includes("OVERFLOW")) throw new Error(String(r));
 * // console.log(r) prints a few lines, not the Arrow internals:
 * if (!Deno.inspect(r).includes("columns: ra (float64)")) throw new Error(Deno.inspect(r));
 * ```
 */
export class QueryResult {
  /** The rows. Schema metadata carries `format` and `query_status`; field metadata units, UCDs, ... */
  readonly table: Table;
  /** The ADQL that produced it. */
  readonly adql: string;
  /** `OK`, or `OVERFLOW` when the service stopped at MAXREC. */
  readonly status: "OK" | "OVERFLOW";
  /** The message that came with the status, if any. */
  readonly statusMessage: string | undefined;
  /** True when the service reported the status (false when it was inferred from MAXREC). */
  readonly statusReported: boolean;
  /** The serialization read (`votable/binary2`, `csv`, ...). */
  readonly format: string;
  /** The response's content type. */
  readonly contentType: string;
  /** Where the rows were downloaded from. */
  readonly url: string;
  /** MAXREC in force, when known. */
  readonly maxrec: number | undefined;
  /** The async job, for async results. */
  readonly jobUrl: string | undefined;
  /** INFO elements (or the format's equivalent). */
  readonly infos: InfoElement[];
  /** PARAM elements. */
  readonly params: ParamElement[];

  /** Wraps a table with its query provenance and status (normally made by `TapService.query()`). */
  constructor(
    table: Table,
    init: {
      adql: string;
      url: string;
      format: string;
      contentType: string;
      status?: "OK" | "OVERFLOW";
      statusMessage?: string | undefined;
      statusReported?: boolean;
      maxrec?: number | undefined;
      jobUrl?: string | undefined;
      infos?: InfoElement[];
      params?: ParamElement[];
    },
  ) {
    this.table = table;
    this.adql = init.adql;
    this.status = init.status ?? "OK";
    this.statusMessage = init.statusMessage;
    this.statusReported = init.statusReported ?? true;
    this.format = init.format;
    this.contentType = init.contentType;
    this.url = init.url;
    this.maxrec = init.maxrec;
    this.jobUrl = init.jobUrl;
    this.infos = init.infos ?? [];
    this.params = init.params ?? [];
  }

  /** True when MAXREC cut the result. */
  get overflow(): boolean {
    return this.status === "OVERFLOW";
  }

  /** Number of rows. */
  get numRows(): number {
    return this.table.numRows;
  }

  /** Column metadata (name, datatype, unit, ucd, description, ...), in column order. */
  get columns(): ColumnMeta[] {
    return this.table.schema.fields.map(columnMeta);
  }

  /** The value of an INFO element by name (`QUERY`, `JOBID`, ...). */
  info(name: string): string | undefined {
    const i = this.infos.find((x) => x.name === name);
    return i ? (i.value || i.content) : undefined;
  }

  /**
   * The result as a Polars DataFrame (exact Int64, nulls kept), through
   * Arrow IPC. Loads Polars on first use.
   */
  async toPolars(): Promise<DataFrame> {
    const { toPolars } = await import("../table/polars.ts");
    return toPolars(this.table);
  }

  /** A one-line summary. */
  toString(): string {
    const overflow = this.overflow
      ? ` OVERFLOW (MAXREC${this.maxrec !== undefined ? `=${this.maxrec}` : ""} reached${
        this.statusReported ? "" : ", inferred"
      })`
      : "";
    return `QueryResult(${this.numRows} rows x ${this.table.numCols} columns, ${this.format}${overflow})`;
  }

  /**
   * Compact text for `console.log` / `Deno.inspect` (instead of the Arrow
   * table's internals): the summary, the columns with their types and units,
   * the query on one line and where the rows came from.
   */
  [Symbol.for("Deno.customInspect")](): string {
    const fields = this.table.schema.fields;
    const cols = fields.slice(0, INSPECT_COLUMNS).map((f) => {
      const unit = columnMeta(f).unit;
      return `${f.name} (${String(f.type).toLowerCase()}${unit ? `, ${unit}` : ""})`;
    });
    if (fields.length > INSPECT_COLUMNS) cols.push(`... ${fields.length - INSPECT_COLUMNS} more`);
    const adql = this.adql.replace(/\s+/g, " ").trim();
    const lines = [
      String(this),
      `  columns: ${cols.join(", ")}`,
      `  adql:    ${adql.length > 160 ? `${adql.slice(0, 159)}…` : adql}`,
      `  from:    ${this.jobUrl ?? this.url}`,
    ];
    if (this.statusMessage) lines.push(`  status:  ${this.status}: ${this.statusMessage}`);
    return lines.join("\n");
  }
}

/** Columns listed by `Deno.inspect(result)`. */
const INSPECT_COLUMNS = 16;

/**
 * A streaming result: iterate it for Arrow record batches (constant memory);
 * the query status is checked when the stream ends, so a QUERY_STATUS=ERROR
 * after some rows throws {@linkcode TapQueryError} and a truncated body
 * throws, never ending early as if complete. Can be iterated once.
 *
 * @example
 * ```ts ignore
 * for await (const batch of tap.stream("SELECT * FROM gaiadr3.gaia_source")) {
 *   console.log(batch.numRows);
 * }
 * ```
 */
export class ResultStream implements AsyncIterable<RecordBatch> {
  readonly #open: () => Promise<OpenedResult>;
  readonly #ctx: ResultContext;
  #opened: Promise<OpenedResult> | undefined;
  #used = false;
  #rows = 0;
  #done = false;
  #status:
    | { status: "OK" | "OVERFLOW"; message: string | undefined; reported: boolean }
    | undefined;

  /** @param open sends the request and opens the body (called once, lazily) */
  /** Wraps a lazily opened result (normally made by `TapService.stream()` or `UwsJob.stream()`). */
  constructor(open: () => Promise<OpenedResult>, ctx: ResultContext) {
    this.#open = open;
    this.#ctx = ctx;
  }

  #ensure(): Promise<OpenedResult> {
    this.#opened ??= this.#open();
    return this.#opened;
  }

  /** The Arrow schema (sends the query if it was not sent yet). */
  async schema(): Promise<Schema> {
    const { reader } = await this.#ensure();
    return reader.schema();
  }

  /** Rows read so far. */
  get rows(): number {
    return this.#rows;
  }

  /** The final status, once the stream has ended (undefined before). */
  get status(): "OK" | "OVERFLOW" | undefined {
    return this.#status?.status;
  }

  /** True when the service stopped at MAXREC (known once the stream has ended). */
  get overflow(): boolean {
    return this.#status?.status === "OVERFLOW";
  }

  /** Table metadata (final once the stream has ended). */
  async meta(): Promise<TableMeta> {
    return (await this.#ensure()).reader.meta;
  }

  /** Yields the record batches; checks the query status when the body ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch, void, undefined> {
    if (this.#used) {
      throw new TypeError("A ResultStream can be iterated only once; run the query again");
    }
    this.#used = true;
    const { reader, response } = await this.#ensure();
    for await (const batch of reader) {
      this.#rows += batch.numRows;
      if (this.#ctx.progress) this.#ctx.progress.rows = this.#rows;
      reportProgress(this.#ctx, "downloading");
      yield batch;
    }
    checkStatus(reader.meta, this.#ctx, response.status);
    this.#status = finalStatus(reader.meta, this.#rows, this.#ctx.maxrec);
    this.#done = true;
    reportProgress(this.#ctx, "done");
  }

  /** Reads the whole stream into a {@linkcode QueryResult}. */
  async collect(): Promise<QueryResult> {
    if (this.#used) {
      throw new TypeError("A ResultStream can be read only once; run the query again");
    }
    this.#used = true;
    const { reader, response } = await this.#ensure();
    const { table, meta } = await collectTable(reader);
    checkStatus(meta, this.#ctx, response.status);
    const st = finalStatus(meta, table.numRows, this.#ctx.maxrec);
    this.#rows = table.numRows;
    if (this.#ctx.progress) this.#ctx.progress.rows = this.#rows;
    this.#status = st;
    this.#done = true;
    reportProgress(this.#ctx, "done");
    return resultFrom(table, meta, st, this.#ctx, response);
  }

  /** True once the stream has been read to the end. */
  get done(): boolean {
    return this.#done;
  }
}

function resultFrom(
  table: Table,
  meta: TableMeta,
  st: { status: "OK" | "OVERFLOW"; message: string | undefined; reported: boolean },
  ctx: ResultContext,
  response: HttpResponse,
): QueryResult {
  let t = table;
  if (!st.reported && st.status === "OVERFLOW") {
    const m: TableMeta = {
      ...meta,
      queryStatus: "OVERFLOW" as QueryStatus,
      queryStatusMessage: st.message ?? "",
    };
    const schema = withStatus(table.schema, m);
    t = new Table(schema, table.batches.map((b) => new RecordBatch(schema, b.data)));
  }
  return new QueryResult(t, {
    adql: ctx.adql,
    url: response.url,
    format: meta.format,
    contentType: response.contentType,
    status: st.status,
    statusMessage: st.message,
    statusReported: st.reported,
    maxrec: ctx.maxrec,
    jobUrl: ctx.jobUrl,
    infos: meta.infos,
    params: meta.params,
  });
}
