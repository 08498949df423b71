/**
 * {@linkcode TapService}: a client for any IVOA TAP 1.1 service (DaCHS, the
 * ESA Gaia archive, ...): VOSI, synchronous queries, async UWS jobs and
 * table uploads, over one injected {@linkcode HttpClient} that TAP+ and
 * DataLink clients can share.
 *
 * @module
 */
import { errorFromResponse, HttpClient } from "../http/client.ts";
import { redactUrl } from "../http/errors.ts";
import type { HttpResponse } from "../http/response.ts";
import { extractServerMessage } from "../http/server_message.ts";
import { AdqlFragment } from "../adql/template.ts";
import { TapQueryError } from "./errors.ts";
import { type FormatParam, resolveFormat, setFormatParams, type TapDialect } from "./formats.ts";
import { UwsJob } from "./job.ts";
import {
  openResultResponse,
  type QueryProgress,
  type QueryResult,
  reportProgress,
  type ResultContext,
  ResultStream,
} from "./result.ts";
import { prepareUploads, type UploadMap } from "./upload.ts";
import { type JobPhase, type JobRef, parseJob, parseJobList } from "./uws.ts";
import {
  type Availability,
  parseAvailability,
  parseCapabilities,
  parseTableset,
  type TapCapabilities,
  type TapSchema,
  type TapTable,
} from "./vosi.ts";

/** Settings of a {@linkcode TapService}. */
export interface TapServiceOptions {
  /** The HTTP client (share one between services to share cookies). @default a new HttpClient */
  http?: HttpClient;
  /**
   * How the service names formats: `"gaia"` for the ESA Gaia archive
   * (`votable_plain`, ...), `"ivoa"` for standard services.
   * @default "gaia" for *.esac.esa.int, else "ivoa"
   */
  dialect?: TapDialect;
  /**
   * Which parameter carries the output format. DaCHS accepts both; the
   * Gaia archive reads `FORMAT`. @default "FORMAT"
   */
  formatParam?: FormatParam;
  /** Extra short-name -> wire-value format mappings for this service. */
  formats?: Record<string, string>;
  /** Format used when a query names none. @default the service's default */
  defaultFormat?: string;
  /** Parameters sent with every query (e.g. `{ tapclient: "deno-gaia" }`). */
  params?: Record<string, string>;
  /** Largest decompressed result accepted, in bytes. @default Infinity */
  maxBytes?: number;
  /** VOTable serialisation of uploads. @default "binary2" */
  uploadSerialization?: "binary2" | "tabledata";
}

/** Options of a query. */
export interface QueryOptions {
  /** Output format: short name (`votable`, `votable/td`, `votable/b2`, `csv`, `tsv`, `json`, `fits`, `ecsv`, `votable_plain`, ...) or MIME type. */
  format?: string;
  /** MAXREC: the most rows the service returns (it flags OVERFLOW when it stops there). */
  maxrec?: number;
  /** Tables to upload, usable as `TAP_UPLOAD.<name>`. */
  upload?: UploadMap;
  /** Cancels the query (and the download). */
  signal?: AbortSignal;
  /** Progress callback (bytes, rows, phases). */
  onProgress?: (p: QueryProgress) => void;
  /** Milliseconds to wait for the service to start answering (sync) or for the job (async result). */
  timeout?: number;
  /** Extra request parameters. */
  params?: Record<string, string>;
}

/** Options of {@linkcode TapService.submit}. */
export interface SubmitOptions extends Omit<QueryOptions, "onProgress" | "timeout"> {
  /** Job name (`JOBNAME`, shown in job lists). */
  jobName?: string;
  /** UWS `RUNID`. */
  runId?: string;
  /** Start the job at once (`PHASE=RUN`). @default true */
  autorun?: boolean;
}

/** Filters of {@linkcode TapService.jobs}. */
export interface JobListOptions {
  /** Only jobs in these phases. */
  phase?: JobPhase | JobPhase[];
  /** Only jobs created after this time. */
  after?: Date;
  /** Only the last N jobs. */
  last?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** A built TAP request body. */
export interface QueryRequest {
  /** The form (url-encoded) or multipart body (with uploads). */
  body: URLSearchParams | FormData;
  /** The format value sent, if any. */
  format: string | undefined;
  /** MAXREC in force: the one sent, else the service's default when known. */
  maxrec: number | undefined;
}

function queryText(adql: string | AdqlFragment): string {
  if (adql instanceof AdqlFragment) return adql.text;
  if (typeof adql !== "string") {
    throw new TypeError("The query must be ADQL text or an adql`` fragment");
  }
  if (!adql.trim()) throw new TypeError("The ADQL query is empty");
  return adql;
}

/**
 * A TAP service.
 *
 * @example Querying DaCHS
 * ```ts ignore
 * import { TapService } from "./service.ts";
 * const tap = new TapService("http://localhost:8080/tap");
 * const r = await tap.query("SELECT TOP 5 source_id, ra, dec FROM gaiadr3.gaia_source", { format: "votable/b2" });
 * console.log(r.numRows, r.status, r.columns.map((c) => c.unit));
 * await using job = await tap.submit("SELECT COUNT(*) FROM gaiadr3.gaia_source");
 * console.log((await job.result()).table.toArray());
 * ```
 *
 * @example A tiny TAP server on loopback (runs as a test)
 * ```ts
 * import { TapService } from "./service.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
 *   const form = await req.formData();
 *   if (form.get("MAXREC") !== "2") return new Response("bad", { status: 400 });
 *   return new Response("source_id,ra\n5929246508730155392,56.75\n1,57.0\n", {
 *     headers: { "content-type": "text/csv;header=present" },
 *   });
 * });
 * try {
 *   const tap = new TapService(`http://127.0.0.1:${server.addr.port}/tap`);
 *   const r = await tap.query("SELECT source_id, ra FROM t", { format: "csv", maxrec: 2 });
 *   if (r.table.getChild("source_id")!.get(0) !== 5929246508730155392n) throw new Error("int64 lost");
 *   if (r.status !== "OVERFLOW" || r.statusReported) throw new Error("2 rows at MAXREC=2: overflow inferred");
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export class TapService {
  /** The service's base URL (without trailing slash). */
  readonly url: string;
  /** The HTTP client used for every request. */
  readonly http: HttpClient;
  /** Format naming used for this service. */
  readonly dialect: TapDialect;
  /** Which parameter carries the format. */
  readonly formatParam: FormatParam;
  readonly #formats: Record<string, string>;
  readonly #defaultFormat: string | undefined;
  readonly #params: Record<string, string>;
  readonly #maxBytes: number | undefined;
  readonly #uploadSerialization: "binary2" | "tabledata";
  #capabilities: TapCapabilities | undefined;

  /** Creates a client for the TAP service at `url` (its base URL, e.g. `http://localhost:8080/tap`). */
  constructor(url: string | URL, options: TapServiceOptions = {}) {
    const u = new URL(String(url));
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new TypeError(`A TAP service URL must be http(s), got ${JSON.stringify(String(url))}`);
    }
    u.search = "";
    u.hash = "";
    this.url = u.toString().replace(/\/+$/, "");
    this.http = options.http ?? new HttpClient();
    this.dialect = options.dialect ?? (/(^|\.)esac\.esa\.int$/i.test(u.hostname) ? "gaia" : "ivoa");
    this.formatParam = options.formatParam ?? "FORMAT";
    this.#formats = options.formats ?? {};
    this.#defaultFormat = options.defaultFormat;
    this.#params = options.params ?? {};
    this.#maxBytes = options.maxBytes;
    this.#uploadSerialization = options.uploadSerialization ?? "binary2";
  }

  /** The URL of an endpoint below the service (`sync`, `async`, `tables`, ...). */
  endpoint(path: string): string {
    return `${this.url}/${path.replace(/^\/+/, "")}`;
  }

  /** The synchronous query endpoint. */
  get syncUrl(): string {
    return this.endpoint("sync");
  }

  /** The async (UWS) job list endpoint. */
  get asyncUrl(): string {
    return this.endpoint("async");
  }

  /** Capabilities fetched earlier, if any (used to know the default MAXREC). */
  get cachedCapabilities(): TapCapabilities | undefined {
    return this.#capabilities;
  }

  /**
   * Builds the parameters of a query request (form, or multipart when
   * uploading). Public so that TAP+ clients can extend requests.
   */
  buildQueryRequest(
    adql: string | AdqlFragment,
    options: QueryOptions = {},
    extra: Record<string, string> = {},
  ): QueryRequest {
    const text = queryText(adql);
    const params = new URLSearchParams({ REQUEST: "doQuery", LANG: "ADQL", QUERY: text });
    const format = options.format ?? this.#defaultFormat;
    let wire: string | undefined;
    if (format !== undefined) {
      wire = resolveFormat(format, this.dialect, this.#formats);
      setFormatParams(params, wire, this.formatParam);
    }
    if (options.maxrec !== undefined) {
      if (!Number.isInteger(options.maxrec) || options.maxrec < 0) {
        throw new RangeError(`maxrec must be a non-negative integer, got ${options.maxrec}`);
      }
      params.set("MAXREC", String(options.maxrec));
    }
    for (const [k, v] of Object.entries({ ...this.#params, ...options.params, ...extra })) {
      params.set(k, v);
    }
    const maxrec = options.maxrec ?? this.#capabilities?.outputLimit.default?.value;
    if (!options.upload) return { body: params, format, maxrec };
    const prepared = prepareUploads(options.upload, { serialization: this.#uploadSerialization });
    const form = new FormData();
    for (const [k, v] of params) form.append(k, v);
    form.append("UPLOAD", prepared.param);
    for (const part of prepared.parts) {
      form.append(
        part.name,
        new Blob([part.bytes as Uint8Array<ArrayBuffer>], { type: "application/x-votable+xml" }),
        `${part.name}.vot`,
      );
    }
    return { body: form, format, maxrec };
  }

  async #document(
    path: string,
    what: string,
    signal?: AbortSignal,
    query?: Record<string, string>,
  ): Promise<string> {
    return await this.http.text(this.endpoint(path), {
      expect: "xml",
      ...(signal ? { signal } : {}),
      ...(query ? { query } : {}),
    }).catch((e) => {
      if (e instanceof Error && "status" in e) {
        e.message = `Could not read the ${what}: ${e.message}`;
      }
      throw e;
    });
  }

  /**
   * VOSI availability.
   *
   * @example
   * ```ts ignore
   * const { available } = await new TapService("http://localhost:8080/tap").availability();
   * ```
   */
  async availability(options: { signal?: AbortSignal } = {}): Promise<Availability> {
    return parseAvailability(
      await this.#document("availability", "VOSI availability", options.signal),
    );
  }

  /**
   * VOSI capabilities: output formats, upload methods, limits (MAXREC default
   * and hard limit). Cached for later queries.
   *
   * @example
   * ```ts ignore
   * const caps = await tap.capabilities();
   * console.log(caps.outputLimit.default?.value, caps.outputFormats.map((f) => f.mime));
   * ```
   */
  async capabilities(options: { signal?: AbortSignal } = {}): Promise<TapCapabilities> {
    this.#capabilities = parseCapabilities(
      await this.#document("capabilities", "VOSI capabilities", options.signal),
    );
    return this.#capabilities;
  }

  /**
   * The VOSI tableset: schemas, tables, columns (datatype, unit, UCD,
   * description, flags), foreign keys.
   *
   * @example
   * ```ts ignore
   * for (const schema of await tap.tables()) console.log(schema.name, schema.tables.length);
   * ```
   */
  async tables(options: { signal?: AbortSignal } = {}): Promise<TapSchema[]> {
    return parseTableset(await this.#document("tables", "VOSI tableset", options.signal));
  }

  /**
   * One table's metadata by its qualified name (`gaiadr3.gaia_source`).
   * Asks `tables/<name>` (standard) or `tables?tables=<name>` (Gaia
   * archive), falling back to the whole tableset.
   *
   * @throws {TapQueryError} when the service has no such table
   *
   * @example
   * ```ts ignore
   * const t = await tap.table("gaiadr3.gaia_source");
   * console.log(t.columns.find((c) => c.name === "ra")?.unit);
   * ```
   */
  async table(name: string, options: { signal?: AbortSignal } = {}): Promise<TapTable> {
    if (typeof name !== "string" || !name.trim()) throw new TypeError("table() needs a table name");
    const want = name.trim().toLowerCase();
    const find = (schemas: TapSchema[]) =>
      schemas.flatMap((s) => s.tables).find((t) =>
        t.name.toLowerCase() === want || t.name.toLowerCase().replace(/"/g, "") === want
      );
    const url = this.dialect === "gaia"
      ? this.endpoint("tables")
      : this.endpoint(`tables/${encodeURIComponent(name.trim())}`);
    const res = await this.http.request(url, {
      allowErrorStatus: true,
      ...(this.dialect === "gaia" ? { query: { tables: name.trim() } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.ok && !res.contentType.includes("html")) {
      const found = find(parseTableset(await res.text()));
      if (found) return found;
    } else {
      await res.cancel();
    }
    const all = find(await this.tables(options));
    if (all) return all;
    throw new TapQueryError(
      `The service has no table ${JSON.stringify(name)}; list them with tables()`,
      {
        url: this.endpoint("tables"),
        source: "client",
      },
    );
  }

  /**
   * Runs a synchronous query and returns the whole result.
   *
   * @throws {TapQueryError} the service's error (syntax, unknown table or column, bad format, ...)
   *
   * @example
   * ```ts ignore
   * const r = await tap.query(adql`SELECT TOP 10 * FROM gaiadr3.gaia_source WHERE phot_g_mean_mag < ${12}`);
   * if (r.overflow) console.warn("more rows than MAXREC");
   * ```
   */
  query(adql: string | AdqlFragment, options: QueryOptions = {}): Promise<QueryResult> {
    return this.stream(adql, options).collect();
  }

  /**
   * Runs a synchronous query and streams the result as Arrow record batches
   * in constant memory. The status is checked at the end: an error reported
   * after some rows throws, a truncated body throws.
   *
   * @example
   * ```ts ignore
   * let n = 0;
   * for await (const batch of tap.stream("SELECT * FROM gaiadr3.gaia_source")) n += batch.numRows;
   * ```
   */
  stream(adql: string | AdqlFragment, options: QueryOptions = {}): ResultStream {
    const text = queryText(adql);
    const req = this.buildQueryRequest(text, options);
    const ctx = this.#context(text, req, options, this.syncUrl);
    return new ResultStream(async () => {
      reportProgress(ctx, "submitting");
      const res = await this.http.request(this.syncUrl, {
        method: "POST",
        body: req.body,
        idempotent: true, // a sync query changes nothing on the server
        allowErrorStatus: true,
        ...this.#transfer(ctx, options),
      });
      return openResultResponse(res, ctx);
    }, ctx);
  }

  /** The result context of a query (shared progress counters, provenance). */
  #context(text: string, req: QueryRequest, options: QueryOptions, url: string): ResultContext {
    return {
      adql: text,
      url,
      format: req.format,
      maxrec: req.maxrec,
      signal: options.signal,
      maxBytes: this.#maxBytes,
      onProgress: options.onProgress,
      started: Date.now(),
      progress: { loaded: 0, total: undefined, rows: 0 },
    };
  }

  #transfer(ctx: ResultContext, options: QueryOptions) {
    return {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      onProgress: (p: { loaded: number; total: number | undefined }) => {
        if (ctx.progress) {
          ctx.progress.loaded = p.loaded;
          ctx.progress.total = p.total;
        }
        reportProgress(ctx, "downloading");
      },
    };
  }

  /**
   * Creates an async (UWS) job for a query and, unless `autorun: false`,
   * starts it. The request is sent exactly once (never retried), so a job is
   * never created twice.
   *
   * @example
   * ```ts ignore
   * await using job = await tap.submit("SELECT COUNT(*) FROM gaiadr3.gaia_source", { jobName: "count" });
   * const result = await job.result({ timeout: 60_000 });
   * ```
   */
  async submit(adql: string | AdqlFragment, options: SubmitOptions = {}): Promise<UwsJob> {
    const text = queryText(adql);
    const extra: Record<string, string> = {};
    if (options.autorun !== false) extra["PHASE"] = "RUN";
    if (options.jobName !== undefined) extra["JOBNAME"] = options.jobName;
    if (options.runId !== undefined) extra["RUNID"] = options.runId;
    const req = this.buildQueryRequest(text, options, extra);
    const res = await this.http.request(this.asyncUrl, {
      method: "POST",
      body: req.body,
      redirect: "manual",
      retries: 0,
      allowErrorStatus: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const url = await this.#jobUrlFrom(res, text);
    const job = new UwsJob(this, url, { adql: text, format: req.format, maxrec: req.maxrec });
    if (options.autorun !== false) {
      // Some services (DaCHS) ignore PHASE=RUN on creation: start the job if it still waits.
      const info = await job.info(options.signal ? { signal: options.signal } : {});
      if (info.phase === "PENDING") await job.run(options.signal ? { signal: options.signal } : {});
    }
    return job;
  }

  async #jobUrlFrom(res: HttpResponse, adql: string): Promise<string> {
    if (res.status >= 300 && res.status < 400) {
      await res.cancel();
      const loc = res.location;
      if (!loc) {
        throw new TapQueryError(
          `The service answered the job creation with HTTP ${res.status} but no Location`,
          {
            adql,
            url: this.asyncUrl,
            httpStatus: res.status,
            source: "http",
          },
        );
      }
      return loc;
    }
    if (res.status === 200 || res.status === 201) {
      const text = await res.text();
      if (/<(\w+:)?job\b/.test(text)) {
        const info = parseJob(text, res.url);
        if (res.url.replace(/\/+$/, "").endsWith(`/${info.jobId}`)) return res.url;
        return `${this.asyncUrl}/${encodeURIComponent(info.jobId)}`;
      }
      const found = extractServerMessage(text, res.contentType);
      throw new TapQueryError(
        found?.message ?? "The service did not create a job (no redirect, no job document)",
        {
          adql,
          url: this.asyncUrl,
          httpStatus: res.status,
          source: found?.kind ?? "http",
        },
      );
    }
    if (res.status === 429 || res.status === 503) {
      throw await errorFromResponse(res, "Job creation was refused");
    }
    const err = await errorFromResponse(res);
    throw new TapQueryError(err.serverMessage ?? `HTTP ${res.status} ${res.statusText}`, {
      adql,
      url: this.asyncUrl,
      httpStatus: res.status,
      source: "http",
      cause: err,
    });
  }

  /**
   * Lists async jobs (UWS 1.1 filters `PHASE`, `AFTER`, `LAST`).
   *
   * @example
   * ```ts ignore
   * const running = await tap.jobs({ phase: ["QUEUED", "EXECUTING"] });
   * ```
   */
  async jobs(options: JobListOptions = {}): Promise<JobRef[]> {
    const query = new URLSearchParams();
    const phases = options.phase === undefined
      ? []
      : Array.isArray(options.phase)
      ? options.phase
      : [options.phase];
    for (const p of phases) query.append("PHASE", p);
    if (options.after) query.set("AFTER", options.after.toISOString());
    if (options.last !== undefined) query.set("LAST", String(options.last));
    const text = await this.http.text(this.asyncUrl, {
      query,
      expect: "xml",
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let refs = parseJobList(text, this.asyncUrl);
    // Not every service applies the filters: apply them here as well.
    if (phases.length) refs = refs.filter((r) => r.phase === undefined || phases.includes(r.phase));
    if (options.after) {
      refs = refs.filter((r) => !r.creationTime || r.creationTime > options.after!);
    }
    if (options.last !== undefined && refs.length > options.last) refs = refs.slice(-options.last);
    return refs;
  }

  /**
   * Picks up an existing job by URL (or id), e.g. after a restart or a
   * {@linkcode JobTimeoutError}.
   *
   * @throws {UwsJobError} when the job does not exist (any more)
   *
   * @example
   * ```ts ignore
   * const job = await tap.job("http://localhost:8080/__system__/tap/run/async/ith383lm");
   * const result = await job.result();
   * ```
   */
  async job(urlOrId: string | URL, options: { signal?: AbortSignal } = {}): Promise<UwsJob> {
    const s = String(urlOrId);
    const url = /^https?:\/\//i.test(s) ? s : `${this.asyncUrl}/${encodeURIComponent(s)}`;
    const job = new UwsJob(this, url, {});
    await job.info(options);
    return job;
  }

  /** The service URL (no secrets). */
  toString(): string {
    return `TapService(${redactUrl(this.url)})`;
  }
}
