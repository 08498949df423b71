/**
 * {@linkcode Gaia}: the Gaia archive client. Everything astroquery.gaia
 * does, under its names in camelCase (`launchJob`, `coneSearch`,
 * `loadTables`, `uploadTable`, `crossMatch`, `shareTable`, ...), plus the
 * shorter `query` / `submit` / `stream`, DataLink as `gaia.datalink`, the
 * TAP+ services (events, notifications, GloTS, external TAP) and
 * `propagate()`. Nothing is fetched or printed until a method is called.
 *
 * @module
 */
import {
  type AdqlFragment,
  type Angle,
  box,
  circle,
  coneSearch as coneAdql,
  identifier,
  toDegrees,
} from "../adql/mod.ts";
import { HttpClient, type HttpClientOptions } from "../http/mod.ts";
import type { QueryResult, ResultStream } from "../tap/result.ts";
import { type QueryOptions, type SubmitOptions, TapService } from "../tap/service.ts";
import type { UwsJob } from "../tap/job.ts";
import type { JobInfo, JobRef } from "../tap/uws.ts";
import type { TapSchema, TapTable } from "../tap/vosi.ts";
import {
  type DataLinkIds,
  type DataLinkLinks,
  type DataLinkLoadOptions,
  type DataLinkProducts,
  GaiaDataLink,
} from "../datalink/mod.ts";
import * as tp from "../tapplus/mod.ts";
import {
  archiveAt,
  type ArchivePreset,
  type GaiaRelease,
  MIRRORS,
  type ReleaseInfo,
  releaseInfo,
} from "./archives.ts";
import { type PositionInput, toPosition } from "./coordinates.ts";
import { propagate as propagateTable, type PropagateOptions } from "./propagate.ts";
import type { Table } from "apache-arrow";

/** Rows the ESA archive returns at most for a synchronous query. */
export const SYNC_ROW_LIMIT = 2000;

/** Settings of a {@linkcode Gaia} client. */
export interface GaiaOptions {
  /**
   * Archive root holding `tap-server/` and `data-server/` (e.g.
   * `http://127.0.0.1:8787` for a served local archive), or a mirror name
   * (`"esa"`, `"ari"`, `"aip"`). @default "https://gea.esac.esa.int"
   */
  url?: string;
  /** Or the parts, for an unusual layout. */
  archive?: ArchivePreset;
  /** Release: decides the main table, the DataLink release and the reference epoch. @default "DR3" */
  release?: GaiaRelease | string;
  /** Main table of `coneSearch`/`queryObject`. @default the release's gaia_source */
  mainTable?: string;
  /** RA/Dec columns of the main table. @default "ra", "dec" */
  raColumn?: string;
  /** Dec column of the main table. @default "dec" */
  decColumn?: string;
  /** Default `TOP` of `coneSearch`/`queryObject` (astroquery's ROW_LIMIT); -1 for none. @default 50 */
  rowLimit?: number;
  /** The HTTP client, or options for a new one. */
  http?: HttpClient | HttpClientOptions;
  /** Warnings (e.g. a world-readable credentials file). Never printed by the library. */
  onWarning?: (warning: tp.CredentialsWarning) => void;
  /** Name resolver used for object names. @default CDS Sesame */
  sesameUrl?: string;
}

/** Per-call row limit of sync queries. */
export interface GaiaQueryOptions extends QueryOptions {
  /**
   * The most rows a synchronous query returns (sent as MAXREC; a result that
   * reaches it has `status === "OVERFLOW"`). The ESA archive stops sync
   * queries at 2000 rows; use `submit()` for more. -1: no limit asked.
   * @default 2000
   */
  rowLimit?: number;
}

/** Options of the cone search. */
export interface ConeSearchOptions {
  /** Radius: degrees, `"2 arcmin"`, `{value, unit}`. */
  radius: Angle;
  /** Table to search. @default the client's mainTable */
  table?: string;
  /** Columns to select. @default all */
  columns?: string[];
  /** RA column. @default the client's raColumn */
  raColumn?: string;
  /** Dec column. @default the client's decColumn */
  decColumn?: string;
  /** TOP; -1 for none. @default the client's rowLimit */
  rowLimit?: number;
  /** Cancels the query. */
  signal?: AbortSignal;
  /** Progress of the download. */
  onProgress?: QueryOptions["onProgress"];
}

/** Options of the object query (a circle, or a box with width and height). */
export interface QueryObjectOptions {
  /** Circle radius: degrees, `"2 arcmin"`, `{value, unit}`. */
  radius?: Angle;
  /** Box width (with `height`). */
  width?: Angle;
  /** Box height (with `width`). */
  height?: Angle;
  /** Columns to select (names; quoted as ADQL identifiers when needed). @default all */
  columns?: string[];
  /** TOP; -1 for none. @default the client's rowLimit */
  rowLimit?: number;
  /** Cancels the query. */
  signal?: AbortSignal;
}

/** Options of the built-in cross-match. */
export interface CrossMatchOptions {
  /** Fully qualified first table (e.g. `user_ann.mine`). */
  tableA: string;
  /** Fully qualified second table. @default the main table */
  tableB?: string;
  /** Name of the result table (no schema). */
  resultsName: string;
  /** Radius in arcsec (0.1 to 10), or an angle. @default 1 */
  radius?: Angle;
  /** Return the job without waiting. @default false */
  background?: boolean;
  /** Cancels the job creation and the wait. */
  signal?: AbortSignal;
}

/** Options of the ADQL cross-match. */
export interface CrossMatchBasicOptions {
  /** Fully qualified first table. */
  tableA: string;
  /** RA column of the first table. */
  raA: string;
  /** Dec column of the first table. */
  decA: string;
  /** Fully qualified second table. @default the main table */
  tableB?: string;
  /** RA column of the second table. @default the client's raColumn */
  raB?: string;
  /** Dec column of the second table. @default the client's decColumn */
  decB?: string;
  /** Radius: arcsec when a number. @default 1 arcsec */
  radius?: Angle;
  /** Job name. */
  resultsName?: string;
  /** Return the job without waiting. @default false */
  background?: boolean;
  /** Cancels the job creation and the wait. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Gaia.local}. */
export interface LocalArchiveOptions {
  /** Connect to a running local archive at this root instead of starting one. */
  url?: string;
  /** Data folder (jobs, user tables, catalogue cache). @default `<cache>/deno-gaia/local-archive` */
  dataDir?: string;
  /** Accounts of the archive. @default the demo account, `demo` / `gaia-demo` (as `deno task serve`) */
  users?: Array<{ name: string; password: string }>;
  /** Rows of the synthetic `gaiadr3.gaia_source`. @default `GAIA_LOCAL_ROWS`, else the archive's default */
  rows?: number;
  /** Seed of the synthetic catalogue. */
  seed?: number;
  /** Main table of the client. */
  mainTable?: string;
}

/** The default data folder of a local archive: `$XDG_CACHE_HOME` or `~/.cache`, then `deno-gaia/local-archive`. */
export function defaultLocalDataDir(): string {
  let base: string | undefined;
  try {
    base = Deno.env.get("XDG_CACHE_HOME") ||
      (Deno.env.get("HOME") ? `${Deno.env.get("HOME")}/.cache` : undefined);
  } catch { /* no --allow-env */ }
  return `${base ?? Deno.cwd()}/deno-gaia/local-archive`;
}

/** Starts a local archive in-process (loaded on demand: DuckDB is only needed here). */
export async function startLocalArchive(
  options: LocalArchiveOptions = {},
): Promise<{ preset: ArchivePreset; close: () => Promise<void> }> {
  const { startArchive } = await import("../archive/server.ts");
  let rows = options.rows;
  if (rows === undefined) {
    try {
      const env = Deno.env.get("GAIA_LOCAL_ROWS");
      if (env) rows = Number(env);
    } catch { /* no --allow-env */ }
    if (rows !== undefined && !(Number.isInteger(rows) && rows > 0)) {
      throw new RangeError(
        `GAIA_LOCAL_ROWS must be a positive integer, got ${JSON.stringify(String(rows))}`,
      );
    }
  }
  const archive = await startArchive({
    port: 0,
    dataDir: options.dataDir ?? defaultLocalDataDir(),
    // Like `deno task serve`: the demo account unless accounts are given (loopback, synthetic data).
    users: options.users ?? [{ name: "demo", password: "gaia-demo" }],
    ...(rows !== undefined ? { rows } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return { preset: archiveAt(archive.url, "local archive"), close: () => archive.close() };
}

interface Core {
  preset: ArchivePreset;
  tap: TapService;
  session: tp.TapPlusSession | undefined;
  datalink: GaiaDataLink | undefined;
  close?: () => Promise<void>;
}

/** The loader of a client whose archive is only known on first use (`GAIA_ARCHIVE=local`). */
export type CoreLoader = (
  gaia: Gaia,
) => Promise<{ preset: ArchivePreset; close?: () => Promise<void> }>;

const INSPECT = Symbol.for("Deno.customInspect");

function presetFor(options: GaiaOptions): ArchivePreset {
  if (options.archive) return options.archive;
  const u = options.url ?? "esa";
  if (u in MIRRORS) return MIRRORS[u as keyof typeof MIRRORS];
  return archiveAt(u, "Gaia archive");
}

function angleArcsec(a: Angle): number {
  return typeof a === "number" ? a : toDegrees(a, "radius") * 3600;
}

/**
 * A Gaia archive client.
 *
 * @example Queries against a local archive (needs a server)
 * ```ts ignore
 * const g = new Gaia({ url: archive.url });
 * const r = await g.coneSearch({ ra: 56.75, dec: 24.12 }, { radius: "10 arcmin" });
 * console.log(String(r)); // rows, columns, status
 * ```
 *
 * @example Construction fetches nothing
 * ```ts
 * import { Gaia } from "./gaia.ts";
 * const g = new Gaia({ url: "http://127.0.0.1:1" });
 * if (g.mainTable !== "gaiadr3.gaia_source" || g.rowLimit !== 50) throw new Error();
 * if (!String(g).includes("127.0.0.1:1")) throw new Error(String(g));
 * ```
 */
export class Gaia implements AsyncDisposable {
  /** The release in use. */
  readonly release: ReleaseInfo;
  /** Main table of `coneSearch` / `queryObject`. */
  mainTable: string;
  /** RA / Dec columns of the main table. */
  raColumn: string;
  /** Dec column of the main table. */
  decColumn: string;
  /** Default TOP of helper queries (astroquery's ROW_LIMIT); -1 for none. */
  rowLimit: number;
  /** The HTTP client (one cookie jar for the TAP and data servers). */
  readonly http: HttpClient;
  /** DataLink: `links()` and `load()`. */
  readonly datalink: {
    links(
      ids: DataLinkIds,
      options?: { release?: string; linkingParameter?: string; signal?: AbortSignal },
    ): Promise<DataLinkLinks>;
    load(ids: DataLinkIds, options?: DataLinkLoadOptions): Promise<DataLinkProducts>;
  };
  /** GloTS: table search across registered TAP services. */
  readonly glots: {
    searchTables(
      keywords: string,
      options?: { mode?: "all" | "table_name" | "table_description"; signal?: AbortSignal },
    ): Promise<tp.GlotsTable[]>;
    columns(
      ivoid: string,
      tableName: string,
      signal?: AbortSignal,
    ): Promise<Array<Record<string, string>>>;
  };
  #core: Core | undefined;
  #loading: Promise<Core> | undefined;
  readonly #loader: CoreLoader | undefined;
  readonly #onWarning: ((w: tp.CredentialsWarning) => void) | undefined;
  readonly #sesameUrl: string | undefined;
  #label: string;

  /**

   * Creates the instance.
   * @param options archive, release, main table, row limit, HTTP client
   * @param loader resolves the archive on first use (local archive, GAIA_ARCHIVE)
   * @param label how the client names its archive until it is resolved
   */
  constructor(options: GaiaOptions = {}, loader?: CoreLoader, label?: string) {
    this.release = releaseInfo(options.release ?? "DR3");
    this.mainTable = options.mainTable ?? this.release.mainTable;
    this.raColumn = options.raColumn ?? "ra";
    this.decColumn = options.decColumn ?? "dec";
    this.rowLimit = options.rowLimit ?? 50;
    this.http = options.http instanceof HttpClient
      ? options.http
      : new HttpClient(options.http ?? {});
    this.#onWarning = options.onWarning;
    this.#sesameUrl = options.sesameUrl;
    this.#loader = loader;
    if (!loader) this.#core = this.#makeCore(presetFor(options));
    this.#label = loader ? (label ?? "archive resolved on first use") : this.#core!.preset.tapUrl;
    this.datalink = {
      links: async (ids, o = {}) => (await this.#dl()).links(ids, o),
      load: async (ids, o = {}) => (await this.#dl()).load(ids, o),
    };
    this.glots = {
      searchTables: async (k, o = {}) => tp.glotsSearchTables(await this.#plus("glots"), k, o),
      columns: async (i, t, s) => tp.glotsColumns(await this.#plus("glots"), i, t, s),
    };
  }

  #makeCore(preset: ArchivePreset, close?: () => Promise<void>): Core {
    const tap = new TapService(preset.tapUrl, { http: this.http, dialect: "gaia" });
    const session = preset.tapServer && preset.dataServer
      ? new tp.TapPlusSession({
        http: this.http,
        tapServer: preset.tapServer,
        dataServer: preset.dataServer,
        ...(this.#onWarning ? { onWarning: this.#onWarning } : {}),
      })
      : undefined;
    const datalink = preset.dataServer
      ? new GaiaDataLink({
        dataServer: preset.dataServer,
        http: this.http,
        release: this.release.key,
      })
      : undefined;
    return { preset, tap, session, datalink, ...(close ? { close } : {}) };
  }

  async #ready(): Promise<Core> {
    if (this.#core) return this.#core;
    this.#loading ??= (async () => {
      const { preset, close } = await this.#loader!(this);
      this.#core = this.#makeCore(preset, close);
      this.#label = preset.tapUrl;
      return this.#core;
    })();
    try {
      return await this.#loading;
    } catch (e) {
      this.#loading = undefined;
      throw e;
    }
  }

  async #plus(what: string): Promise<tp.TapPlusSession> {
    const c = await this.#ready();
    if (!c.session) {
      throw new TypeError(
        `${what} needs the ESA TAP+ extensions, which ${c.preset.name} does not have; use the ESA archive or a local archive`,
      );
    }
    return c.session;
  }

  async #dl(): Promise<GaiaDataLink> {
    const c = await this.#ready();
    if (!c.datalink) {
      throw new TypeError(
        `${c.preset.name} has no Gaia DataLink data server; use the ESA archive or a local archive`,
      );
    }
    return c.datalink;
  }

  /** The TAP service (resolves the archive first when it is started lazily). */
  async tap(): Promise<TapService> {
    return (await this.#ready()).tap;
  }

  /** The TAP+ session (login state). */
  async session(): Promise<tp.TapPlusSession> {
    return await this.#plus("A session");
  }

  /** The archive's URLs (resolves a lazily started archive). */
  async urls(): Promise<ArchivePreset> {
    return (await this.#ready()).preset;
  }

  /** The logged-in user, if any (undefined before the archive is resolved). */
  get user(): string | undefined {
    return this.#core?.session?.user;
  }

  // ---------------------------------------------------------------- queries

  /**
   * A synchronous ADQL query. The row limit is explicit: by default MAXREC
   * 2000 (the ESA archive's sync cap) and a result that reaches it says
   * `status === "OVERFLOW"`; `rowLimit: -1` asks for no limit.
   */
  async query(adql: string | AdqlFragment, options: GaiaQueryOptions = {}): Promise<QueryResult> {
    const { rowLimit = SYNC_ROW_LIMIT, ...rest } = options;
    const o: QueryOptions = { ...rest };
    if (rowLimit >= 0 && o.maxrec === undefined) o.maxrec = rowLimit;
    return await (await this.tap()).query(adql, o);
  }

  /** A synchronous query streamed as Arrow record batches. */
  async stream(adql: string | AdqlFragment, options: GaiaQueryOptions = {}): Promise<ResultStream> {
    const { rowLimit = SYNC_ROW_LIMIT, ...rest } = options;
    const o: QueryOptions = { ...rest };
    if (rowLimit >= 0 && o.maxrec === undefined) o.maxrec = rowLimit;
    return (await this.tap()).stream(adql, o);
  }

  /** An async job (UWS). `await using job = await gaia.submit(q)` deletes it on exit unless kept. */
  async submit(adql: string | AdqlFragment, options: SubmitOptions = {}): Promise<UwsJob> {
    return await (await this.tap()).submit(adql, options);
  }

  /** astroquery's `launch_job`: a sync query (see {@linkcode Gaia.query} for the row limit). */
  launchJob(
    adql: string | AdqlFragment,
    options: GaiaQueryOptions & { name?: string } = {},
  ): Promise<QueryResult> {
    const { name, ...rest } = options;
    return this.query(adql, name ? { ...rest, params: { ...rest.params, jobname: name } } : rest);
  }

  /**
   * astroquery's `launch_job_async`: submits, waits (unless `background`) and
   * returns the job; `await job.result()` reads the rows.
   */
  async launchJobAsync(
    adql: string | AdqlFragment,
    options: SubmitOptions & { name?: string; background?: boolean } = {},
  ): Promise<UwsJob> {
    const { name, background, ...rest } = options;
    const job = await this.submit(adql, { ...rest, ...(name ? { jobName: name } : {}) });
    if (!background) await job.wait(rest.signal ? { signal: rest.signal } : {});
    return job;
  }

  /** The ADQL of a cone search (distance column `dist` last, sorted by it, as astroquery does). */
  async coneSearchQuery(
    position: PositionInput,
    options: ConeSearchOptions,
  ): Promise<AdqlFragment> {
    const p = await toPosition(position, {
      http: this.http,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.#sesameUrl ? { sesameUrl: this.#sesameUrl } : {}),
    });
    const top = options.rowLimit ?? this.rowLimit;
    return coneAdql({
      table: options.table ?? this.mainTable,
      ra: p.ra,
      dec: p.dec,
      radius: options.radius,
      columns: options.columns?.length ? options.columns : ["*"],
      raColumn: options.raColumn ?? this.raColumn,
      decColumn: options.decColumn ?? this.decColumn,
      distanceColumn: "dist",
      ...(top >= 0 ? { top } : {}),
    });
  }

  /**
   * Sync cone search around a position (or an object name, resolved with
   * CDS Sesame), `dist` (degrees) last and sorted. A result cut at
   * `rowLimit` is marked `status === "OVERFLOW"` (the query asks for
   * `TOP rowLimit+1` with `MAXREC rowLimit`).
   */
  async coneSearch(position: PositionInput, options: ConeSearchOptions): Promise<QueryResult> {
    // TOP n+1 with MAXREC n: a result cut at n rows comes back marked OVERFLOW.
    const top = options.rowLimit ?? this.rowLimit;
    const q = await this.coneSearchQuery(position, {
      ...options,
      rowLimit: top >= 0 ? top + 1 : -1,
    });
    return await this.query(q, {
      rowLimit: top,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** Async cone search: runs as a job, waits, returns the rows. */
  async coneSearchAsync(position: PositionInput, options: ConeSearchOptions): Promise<QueryResult> {
    const top = options.rowLimit ?? this.rowLimit;
    const q = await this.coneSearchQuery(position, {
      ...options,
      rowLimit: top >= 0 ? top + 1 : -1,
    });
    const job = await this.launchJobAsync(q, {
      ...(top >= 0 ? { maxrec: top } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return await job.result(options.signal ? { signal: options.signal } : {});
  }

  /** The ADQL of an object query: a circle (`radius`) or a box (`width`, `height`), `dist` first. */
  async queryObjectQuery(position: PositionInput, options: QueryObjectOptions): Promise<string> {
    const p = await toPosition(position, {
      http: this.http,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.#sesameUrl ? { sesameUrl: this.#sesameUrl } : {}),
    });
    const top = options.rowLimit ?? this.rowLimit;
    const ra = this.raColumn, dec = this.decColumn;
    let shape: AdqlFragment;
    if (options.radius !== undefined) {
      if (options.width !== undefined || options.height !== undefined) {
        throw new TypeError("Give radius, or width and height, not both");
      }
      shape = circle(p.ra, p.dec, options.radius);
    } else if (options.width !== undefined && options.height !== undefined) {
      shape = box(p.ra, p.dec, options.width, options.height);
    } else {
      throw new TypeError("queryObject() needs a radius, or a width and a height");
    }
    const cols = options.columns?.length
      ? options.columns.map((c) => identifier(c).text).join(", ")
      : "*";
    return `SELECT ${
      top >= 0 ? `TOP ${top} ` : ""
    }DISTANCE(POINT('ICRS', ${ra}, ${dec}), POINT('ICRS', ${p.ra}, ${p.dec})) AS dist, ${cols} FROM ${this.mainTable} WHERE 1 = CONTAINS(POINT('ICRS', ${ra}, ${dec}), ${shape.text}) ORDER BY dist ASC`;
  }

  /** astroquery's `query_object`: sync circle or box search, sorted by distance. */
  async queryObject(position: PositionInput, options: QueryObjectOptions): Promise<QueryResult> {
    const top = options.rowLimit ?? this.rowLimit;
    const q = await this.queryObjectQuery(position, {
      ...options,
      rowLimit: top >= 0 ? top + 1 : -1,
    });
    return await this.query(q, {
      rowLimit: top,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** astroquery's `query_object_async`. */
  async queryObjectAsync(
    position: PositionInput,
    options: QueryObjectOptions,
  ): Promise<QueryResult> {
    const top = options.rowLimit ?? this.rowLimit;
    const q = await this.queryObjectQuery(position, {
      ...options,
      rowLimit: top >= 0 ? top + 1 : -1,
    });
    const job = await this.launchJobAsync(q, {
      ...(top >= 0 ? { maxrec: top } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return await job.result(options.signal ? { signal: options.signal } : {});
  }

  /** Table metadata (`tap/tables`); `onlyNames` skips columns, `includeShared` adds tables shared with you. */
  async loadTables(
    options: { onlyNames?: boolean; includeShared?: boolean; signal?: AbortSignal } = {},
  ): Promise<TapTable[]> {
    const c = await this.#ready();
    if (!options.onlyNames && !options.includeShared) {
      return (await c.tap.tables(options)).flatMap((s: TapSchema) => s.tables);
    }
    const query: Record<string, string> = {};
    if (options.onlyNames) query.only_tables = "true";
    if (options.includeShared) query.share_accessible = "true";
    const text = await this.http.text(c.tap.endpoint("tables"), {
      query,
      expect: "xml",
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { parseTableset } = await import("../tap/vosi.ts");
    return parseTableset(text).flatMap((s) => s.tables);
  }

  /** One table's metadata (columns with units, UCDs, descriptions). `schema.table` required. */
  async loadTable(name: string, options: { signal?: AbortSignal } = {}): Promise<TapTable> {
    if (!name.includes(".")) {
      throw new TypeError(`Give the table with its schema, e.g. "gaiadr3.${name}"`);
    }
    return await (await this.tap()).table(name, options);
  }

  /** Picks up an async job by id, or by name (the newest with that name; needs a login). */
  async loadAsyncJob(
    idOrName: string | { name: string },
    options: { signal?: AbortSignal } = {},
  ): Promise<UwsJob> {
    const tap = await this.tap();
    if (typeof idOrName === "string") return await tap.job(idOrName, options);
    const [hit] = await this.searchAsyncJobs({ name: idOrName.name, ...options });
    if (!hit) {
      throw new tp.TapPlusError(`No job named ${JSON.stringify(idOrName.name)}`, { status: 404 });
    }
    return await tap.job(hit.jobId, options);
  }

  /** The async job list (`tap/async`). */
  async listAsyncJobs(options: { signal?: AbortSignal } = {}): Promise<JobRef[]> {
    return await (await this.tap()).jobs(options);
  }

  /** TAP+ job search by name, phase, query text, dates (needs a login). */
  async searchAsyncJobs(filter: tp.JobFilter = {}): Promise<JobInfo[]> {
    return await tp.searchJobs(await this.#plus("searchAsyncJobs()"), filter);
  }

  /** Deletes jobs (TAP+ `deletejobs`; needs a login). */
  async removeJobs(ids: string | string[], signal?: AbortSignal): Promise<void> {
    await tp.deleteJobs(
      await this.#plus("removeJobs()"),
      typeof ids === "string" ? [ids] : ids,
      signal,
    );
  }

  // --------------------------------------------------------------- session

  /**
   * Logs in to the TAP and data servers (credentials from the arguments, a
   * file, or `GAIA_USER`/`GAIA_PASSWORD`) and verifies the session.
   *
   * @throws {tp.AuthError} wrong credentials, plain http to a remote host, unverified session
   */
  async login(
    credentials: tp.Credentials | tp.CredentialsOptions = {},
    signal?: AbortSignal,
  ): Promise<void> {
    await (await this.#plus("login()")).login(credentials, signal);
  }

  /** Logs out of both servers. */
  async logout(signal?: AbortSignal): Promise<void> {
    await (await this.#plus("logout()")).logout(signal);
  }

  // ------------------------------------------------------------ user space

  /** Uploads a table into `user_<login>` (Arrow, Polars, records, `{path}`, `{bytes}`, URL, `{jobId}`). */
  async uploadTable(
    source: tp.UserTableSource,
    options: tp.UploadTableOptions,
  ): Promise<tp.UploadOutcome> {
    return await tp.uploadTable(await this.#plus("uploadTable()"), source, options);
  }

  /** A user table from a job's results (`JOBID`); name defaults to `t<jobid>`. */
  async uploadTableFromJob(
    job: UwsJob | string,
    options: { tableName?: string; description?: string; signal?: AbortSignal } = {},
  ): Promise<tp.UploadOutcome> {
    const id = typeof job === "string" ? job : job.id;
    return await this.uploadTable({ jobId: id }, {
      tableName: options.tableName ?? `t${id}`.replace(/[^A-Za-z0-9_]/g, "_"),
      ...(options.description ? { description: options.description } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Deletes a user table (`force`: even when shared or referenced). */
  async deleteUserTable(
    table: string,
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<void> {
    await tp.deleteUserTable(await this.#plus("deleteUserTable()"), table, options);
  }

  /** Edits column flags (Ra, Dec, Mag, Flux, PK), UCD, utype, indexing. */
  async updateUserTable(
    table: string,
    changes: tp.ColumnChange[],
    signal?: AbortSignal,
  ): Promise<void> {
    await tp.updateUserTable(await this.#plus("updateUserTable()"), table, changes, signal);
  }

  /** Flags the RA and Dec columns of a user table. */
  async setRaDec(table: string, ra: string, dec: string, signal?: AbortSignal): Promise<void> {
    await tp.setRaDec(await this.#plus("setRaDec()"), table, ra, dec, signal);
  }

  /** Renames a user table and/or columns; returns the new qualified name. */
  async renameTable(
    table: string,
    options: { newName?: string; columns?: Record<string, string>; signal?: AbortSignal },
  ): Promise<string> {
    return await tp.renameTable(await this.#plus("renameTable()"), table, options);
  }

  // ------------------------------------------------------------ cross-match

  /**
   * The archive's positional cross-match (`crossmatch_positional`) into
   * `user_<login>.<resultsName>`. Both tables need Ra/Dec flags.
   */
  async crossMatch(options: CrossMatchOptions): Promise<UwsJob> {
    const s = await this.#plus("crossMatch()");
    s.requireUser("crossMatch()");
    const radius = angleArcsec(options.radius ?? 1);
    if (!(radius >= 0.1 && radius <= 10)) {
      throw new RangeError(`Cross-match radius must be 0.1 to 10 arcsec, got ${radius}`);
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(options.resultsName)) {
      throw new TypeError(
        `resultsName ${JSON.stringify(options.resultsName)} must be a bare table name (no schema)`,
      );
    }
    const split = (t: string) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
      if (!m) {
        throw new TypeError(
          `Give ${JSON.stringify(t)} as schema.table (letters, digits and "_" only)`,
        );
      }
      return [m[1], m[2]];
    };
    const [sa, ta] = split(options.tableA);
    const [sb, tb] = split(options.tableB ?? this.mainTable);
    const q =
      `SELECT crossmatch_positional('${sa}','${ta}','${sb}','${tb}',${radius},'${options.resultsName}') FROM dual;`;
    return await this.launchJobAsync(q, {
      name: options.resultsName,
      ...(options.background ? { background: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * The documented ADQL cross-match: flags RA/Dec of user tables when
   * needed, then joins with the 4-argument `DISTANCE`. The rows come from
   * `await job.result()`.
   */
  async crossMatchBasic(options: CrossMatchBasicOptions): Promise<UwsJob> {
    const tableB = options.tableB ?? this.mainTable;
    const raB = options.raB ?? this.raColumn, decB = options.decB ?? this.decColumn;
    const radiusDeg = angleArcsec(options.radius ?? 1) / 3600;
    for (
      const [t, ra, dec] of [[options.tableA, options.raA, options.decA], [
        tableB,
        raB,
        decB,
      ]] as const
    ) {
      const meta = await this.loadTable(t);
      const names = meta.columns.map((c) => c.name.toLowerCase());
      for (const c of [ra, dec]) {
        if (!names.includes(c.toLowerCase())) {
          throw new TypeError(`Table ${JSON.stringify(t)} has no column ${JSON.stringify(c)}`);
        }
      }
      if (t.toLowerCase().startsWith("user_")) {
        const flags = Object.fromEntries(
          meta.columns.map((
            c,
          ) => [c.name.toLowerCase(), tp.flagName(Number(c.esa?.["flags"] ?? 0))]),
        );
        if (flags[ra.toLowerCase()] !== "Ra" || flags[dec.toLowerCase()] !== "Dec") {
          await this.updateUserTable(t, [{ column: ra, flags: "Ra", indexed: true }, {
            column: dec,
            flags: "Dec",
            indexed: true,
          }]);
        }
      }
    }
    // Names go through identifier(): quoted when needed, never pasted raw.
    const id = (x: string) => identifier(x).text;
    const [ra1, de1, ra2, de2] = [options.raA, options.decA, raB, decB].map(id);
    const q =
      `SELECT a.*, DISTANCE(a.${ra1}, a.${de1}, b.${ra2}, b.${de2}) AS separation, b.* FROM ${
        id(options.tableA)
      } AS a JOIN ${
        id(tableB)
      } AS b ON DISTANCE(a.${ra1}, a.${de1}, b.${ra2}, b.${de2}) < ${radiusDeg}`;
    return await this.launchJobAsync(q, {
      ...(options.resultsName ? { name: options.resultsName } : {}),
      ...(options.background ? { background: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  // --------------------------------------------------------------- sharing

  /** Sharing groups (with members). */
  async loadGroups(signal?: AbortSignal): Promise<tp.SharedGroup[]> {
    return await tp.loadGroups(await this.#plus("loadGroups()"), signal);
  }
  /** One group by title. */
  async loadGroup(title: string, signal?: AbortSignal): Promise<tp.SharedGroup | undefined> {
    return await tp.loadGroup(await this.#plus("loadGroup()"), title, signal);
  }
  /** Items (tables) you share. */
  async loadSharedItems(signal?: AbortSignal): Promise<tp.SharedItem[]> {
    return await tp.loadSharedItems(await this.#plus("loadSharedItems()"), signal);
  }
  /** astroquery's `share_group_create`. */
  async shareGroupCreate(
    title: string,
    description = "",
    signal?: AbortSignal,
  ): Promise<tp.SharedGroup> {
    return await tp.createGroup(await this.#plus("shareGroupCreate()"), title, {
      description,
      ...(signal ? { signal } : {}),
    });
  }
  /** astroquery's `share_group_delete`. */
  async shareGroupDelete(title: string, signal?: AbortSignal): Promise<void> {
    await tp.deleteGroup(await this.#plus("shareGroupDelete()"), title, signal);
  }
  /** Updates a group's description or members. */
  async shareGroupUpdate(
    title: string,
    options: { description?: string; users?: string[]; signal?: AbortSignal },
  ): Promise<void> {
    await tp.updateGroup(await this.#plus("shareGroupUpdate()"), title, options);
  }
  /** astroquery's `share_group_add_user`. */
  async shareGroupAddUser(title: string, userId: string, signal?: AbortSignal): Promise<void> {
    await tp.addGroupUser(await this.#plus("shareGroupAddUser()"), title, userId, signal);
  }
  /** astroquery's `share_group_delete_user`. */
  async shareGroupDeleteUser(title: string, userId: string, signal?: AbortSignal): Promise<void> {
    await tp.removeGroupUser(await this.#plus("shareGroupDeleteUser()"), title, userId, signal);
  }
  /** astroquery's `share_table`: shares a user table with a group. */
  async shareTable(
    groupTitle: string,
    table: string,
    description = "",
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    return await tp.shareTable(await this.#plus("shareTable()"), table, groupTitle, {
      description,
      ...(signal ? { signal } : {}),
    });
  }
  /** astroquery's `share_table_stop`. */
  async shareTableStop(groupTitle: string, table: string, signal?: AbortSignal): Promise<void> {
    await tp.unshareTable(await this.#plus("shareTableStop()"), table, groupTitle, signal);
  }
  /** astroquery's `is_valid_user`. */
  async isValidUser(userId: string, signal?: AbortSignal): Promise<boolean> {
    return (await tp.loadUser(await this.#plus("isValidUser()"), userId, signal)) !== undefined;
  }
  /** astroquery's `load_user`. */
  async loadUser(userId: string, signal?: AbortSignal): Promise<tp.ArchiveUser | undefined> {
    return await tp.loadUser(await this.#plus("loadUser()"), userId, signal);
  }

  // ----------------------------------------------------- events and status

  /** Events of the session (typed by number), optionally of one type and after a time. */
  async events(
    options: { type?: number | tp.EventName; since?: Date | number; signal?: AbortSignal } = {},
  ): Promise<tp.ArchiveEvent[]> {
    return await tp.loadEvents(await this.#plus("events()"), options);
  }

  /** Waits for an event (e.g. `e => e.name === "JOB_UPDATED"`). */
  async waitForEvent(
    match: (e: tp.ArchiveEvent) => boolean,
    options: { since?: Date | number; timeout?: number; signal?: AbortSignal } = {},
  ): Promise<tp.ArchiveEvent> {
    return await tp.waitForEvent(await this.#plus("waitForEvent()"), match, options);
  }

  /** The archive's notifications. */
  async notifications(signal?: AbortSignal): Promise<tp.ArchiveNotification[]> {
    return await tp.loadNotifications(await this.#plus("notifications()"), signal);
  }

  /**
   * The archive's status, explicitly: availability and notifications (for a
   * notebook banner). astroquery does this at import; deno-gaia only here.
   */
  async archiveStatus(
    signal?: AbortSignal,
  ): Promise<{ available: boolean; notes: string[]; notifications: tp.ArchiveNotification[] }> {
    const c = await this.#ready();
    const a = await c.tap.availability(signal ? { signal } : {});
    const notifications = c.session
      ? await tp.loadNotifications(c.session, signal).catch(() => [])
      : [];
    return { available: a.available, notes: a.notes, notifications };
  }

  /** A query run by the archive on another TAP service (`REQUEST=external_tap`). */
  async externalTap(
    tapUrl: string,
    adql: string,
    options: Omit<GaiaQueryOptions, "params"> = {},
  ): Promise<QueryResult> {
    new URL(tapUrl);
    return await this.query(adql, {
      ...options,
      params: { REQUEST: "external_tap", EXT_TAP_URL: tapUrl },
    });
  }

  /** Moves positions to another epoch (proper motion, parallax, radial velocity). */
  propagate(result: Table | { table: Table }, options: PropagateOptions): Table {
    return propagateTable(result, { from: this.release.epoch, ...options });
  }

  /**
   * A client for a local archive: started in-process on a free loopback
   * port (data folder in the cache folder unless `dataDir` is given), or
   * connected to a running one with `url`. Close it with `await g.close()`
   * or `await using g = await gaia.local()`.
   *
   * @example (starts DuckDB and a server)
   * ```ts ignore
   * await using g = await gaia.local({ users: [{ name: "ann", password: "pw" }] });
   * const r = await g.query("SELECT TOP 5 source_id, ra, dec FROM gaiadr3.gaia_source");
   * ```
   */
  async local(options: LocalArchiveOptions = {}): Promise<Gaia> {
    const base: GaiaOptions = {
      release: this.release.key,
      ...(options.mainTable ? { mainTable: options.mainTable } : {}),
      rowLimit: this.rowLimit,
      ...(this.#onWarning ? { onWarning: this.#onWarning } : {}),
    };
    if (options.url) return new Gaia({ ...base, url: options.url });
    const g = new Gaia(base, () => startLocalArchive(options), "local archive (starting)");
    await g.urls();
    return g;
  }

  /** Stops a local archive this client started (nothing for remote archives). */
  async close(): Promise<void> {
    const c = this.#core;
    if (c?.close) {
      this.#core = undefined;
      this.#loading = undefined;
      await c.close();
    }
  }

  /** Same as {@linkcode Gaia.close} (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `Gaia(<tap url>, DR3, user=ann)`. */
  toString(): string {
    const u = this.user;
    return `Gaia(${this.#label}, ${this.release.name}, mainTable=${this.mainTable}${
      u ? `, user=${u}` : ""
    })`;
  }

  /** Plain summary without secrets. */
  toJSON(): Record<string, unknown> {
    return {
      archive: this.#core?.preset ?? this.#label,
      release: this.release.key,
      mainTable: this.mainTable,
      rowLimit: this.rowLimit,
      user: this.user ?? null,
    };
  }

  /** Compact text for `console.log` / `Deno.inspect`. */
  [INSPECT](): string {
    return this.toString();
  }
}
