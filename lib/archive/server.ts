/**
 * The local Gaia archive: an HTTP server with the URL layout and answers of
 * `https://gea.esac.esa.int` (TAP, TAP+, UWS jobs, users, sharing, DataLink)
 * over the synthetic catalogue, listening on loopback only.
 *
 * @module
 */
import { ArchiveEngine } from "./engine.ts";
import { type ArchiveState, type EnginePort, text } from "./server/context.ts";
import { EventLog } from "./server/events.ts";
import { ArchiveHttpError, errorResponse } from "./server/http_error.ts";
import { type ArchiveLimits, resolveLimits } from "./server/limits.ts";
import { readParams } from "./server/params.ts";
import { handleData, handleLinks } from "./server/routes_datalink.ts";
import { handleGlots } from "./server/routes_glots.ts";
import {
  handleAsync,
  handleAvailability,
  handleCapabilities,
  handleSync,
  handleTables,
  jobEvent,
  makeJobRunner,
} from "./server/routes_tap.ts";
import {
  handleDeleteJobs,
  handleEvent,
  handleJobList,
  handleLogin,
  handleLogout,
  handleNotification,
  handleShare,
  handleTableTool,
  handleUpload,
  handleUsers,
} from "./server/routes_tapplus.ts";
import { SessionStore } from "./server/sessions.ts";
import { SharingStore } from "./server/sharing.ts";
import { type ArchiveUser, UserStore } from "./server/users.ts";
import { JobManager } from "./server/uws.ts";

export type { ArchiveLimits } from "./server/limits.ts";
export type { ArchiveUser } from "./server/users.ts";

/** One request served, for logs (no query string, no body, no cookies). */
export interface ArchiveRequestInfo {
  /** HTTP method. */
  method: string;
  /** URL path (no query string). */
  path: string;
  /** Status answered. */
  status: number;
  /** Milliseconds spent. */
  ms: number;
}

/** Options of {@linkcode startArchive}. */
export interface ArchiveOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind; only loopback unless `allowNonLoopback`. @default "127.0.0.1" */
  hostname?: string;
  /** Allow binding to a non-loopback interface (exposes the archive to the network). @default false */
  allowNonLoopback?: boolean;
  /**
   * Folder for jobs, results, user tables and the catalogue cache; reused on
   * restart. @default a new temporary folder, removed by `close()`
   */
  dataDir?: string;
  /** Accounts (passwords are hashed at once and never kept). @default [] */
  users?: ArchiveUser[];
  /** Rows of `gaiadr3.gaia_source`. @default the engine's default (100 000) */
  rows?: number;
  /** Seed of the synthetic catalogue. @default the engine's default */
  seed?: number;
  /** Limits per request, user and query. */
  limits?: Partial<ArchiveLimits>;
  /** Lines served by `tap/notification` (e.g. `1[type: -100,-1]=Maintenance at 12:00`). @default [] */
  notifications?: string[];
  /** Hosts a URL upload may fetch from. @default loopback names and addresses only */
  allowUrlHost?: (hostname: string) => boolean;
  /** Called after each request (for logs; carries no secrets). */
  onRequest?: (info: ArchiveRequestInfo) => void;
  /** @internal An engine to use instead of opening one (tests). */
  engine?: EnginePort;
}

/** A running archive. */
export interface RunningArchive {
  /** Archive root, e.g. `http://127.0.0.1:8787`; holds `tap-server/` and `data-server/`. */
  url: string;
  /** `<url>/tap-server/tap`. */
  tapUrl: string;
  /** `<url>/data-server`. */
  dataUrl: string;
  /** The port listened on. */
  port: number;
  /** The data folder in use. */
  dataDir: string;
  /** Jobs marked ERROR at start because the previous run stopped while they ran. */
  recoveredJobs: string[];
  /** Stops the server, the workers and the engine (and removes a temporary data folder). */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Whether a host name is a loopback name or address. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Starts the local archive.
 *
 * @param options Port, data folder, users, catalogue size and limits.
 * @returns The running archive: its URL and `close()`.
 *
 * @example Start, ask for availability, stop
 * ```ts ignore
 * import { startArchive } from "./server.ts";
 * const archive = await startArchive({ users: [{ name: "demo", password: "gaia-demo" }] });
 * const res = await fetch(`${archive.tapUrl}/availability`);
 * console.log(res.status, await res.text());
 * await archive.close();
 * ```
 */
export async function startArchive(options: ArchiveOptions = {}): Promise<RunningArchive> {
  const hostname = options.hostname ?? "127.0.0.1";
  if (!isLoopbackHost(hostname) && !options.allowNonLoopback) {
    throw new RangeError(
      `Refusing to bind the local archive to '${hostname}': it listens on loopback only. ` +
        `Pass allowNonLoopback: true to expose it to the network on purpose.`,
    );
  }
  const limits = resolveLimits(options.limits);
  const tempDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "deno-gaia-archive-" });
  await Deno.mkdir(dataDir, { recursive: true });
  const users = await UserStore.create(options.users ?? []);
  const sharing = new SharingStore(`${dataDir}/sharing.json`);
  await sharing.load();
  const engine: EnginePort = options.engine ??
    await ArchiveEngine.open({
      dataDir: `${dataDir}/engine`,
      rows: options.rows,
      seed: options.seed,
      maxQueryLength: limits.maxQueryLength,
      hardMaxRows: limits.maxRows,
      queryTimeoutMs: limits.maxExecutionSeconds > 0
        ? limits.maxExecutionSeconds * 1000
        : undefined,
    });
  const state = {
    engine,
    users,
    sharing,
    limits,
    tapSessions: new SessionStore(),
    dataSessions: new SessionStore(),
    events: new EventLog(),
    notifications: options.notifications ?? [],
    startedAt: Date.now(),
    registeredJobs: new Set<string>(),
    syncRunning: new Map<string, number>(),
    allowUrlHost: options.allowUrlHost ?? isLoopbackHost,
  } as Omit<ArchiveState, "jobs"> as ArchiveState;
  let jobs: JobManager;
  try {
    jobs = await JobManager.open({
      dir: `${dataDir}/jobs`,
      workers: limits.workers,
      maxExecutionSeconds: limits.maxExecutionSeconds,
      runner: makeJobRunner(state),
      onChange: (job, kind) => jobEvent(state, job, kind),
      // A deleted job's result must not stay queryable as job_upload."job<ID>"
      // (it may have been registered by an earlier run, so always ask the engine).
      onDelete: (job) => {
        state.registeredJobs.delete(job.jobId);
        return state.engine.dropJobResult(job.jobId);
      },
    });
  } catch (e) {
    if (!options.engine) await engine.close();
    throw e;
  }
  state.jobs = jobs;

  const ac = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  const onRequest = options.onRequest;
  const server = Deno.serve(
    { port: options.port ?? 0, hostname, signal: ac.signal, onListen: () => {} },
    (req) => {
      const t0 = performance.now();
      const p = checkHost(req, options.allowNonLoopback === true)
        .then(() => route(state, req))
        .catch(errorResponse)
        .then((res) => {
          onRequest?.({
            method: req.method,
            path: new URL(req.url).pathname,
            status: res.status,
            ms: performance.now() - t0,
          });
          return res;
        });
      inflight.add(p);
      p.finally(() => inflight.delete(p));
      return p;
    },
  );
  const port = server.addr.port;
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${port}`;
  let closed = false;
  return {
    url,
    tapUrl: `${url}/tap-server/tap`,
    dataUrl: `${url}/data-server`,
    port,
    dataDir,
    recoveredJobs: [...jobs.recovered],
    async close() {
      if (closed) return;
      closed = true;
      await jobs.close();
      ac.abort();
      await server.finished.catch(() => {});
      await Promise.allSettled([...inflight]);
      if (!options.engine) await engine.close();
      if (tempDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Refuses requests whose `Host` is not a loopback name (unless the archive is
 * exposed on purpose): a web page cannot reach the archive through DNS
 * rebinding.
 */
function checkHost(req: Request, allowAny: boolean): Promise<void> {
  if (allowAny) return Promise.resolve();
  const host = req.headers.get("host") ?? new URL(req.url).host;
  const name = host.startsWith("[")
    ? host.slice(0, host.indexOf("]") + 1)
    : host.replace(/:\d+$/, "");
  if (!isLoopbackHost(name)) {
    return Promise.reject(
      new ArchiveHttpError(
        403,
        `Host '${host}' refused: the local archive answers loopback host names only`,
        {
          style: "text",
        },
      ),
    );
  }
  return Promise.resolve();
}

/**
 * The default data folder of the local archive:
 * `$XDG_CACHE_HOME/deno-gaia/archive`, else `~/.cache/deno-gaia/archive`.
 * Reusing it makes a restart take well under a second (the catalogue is cached).
 *
 * @example
 * ```ts
 * import { defaultArchiveDir } from "./server.ts";
 * if (!defaultArchiveDir().endsWith("deno-gaia/archive")) throw new Error(defaultArchiveDir());
 * ```
 */
export function defaultArchiveDir(): string {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
  return `${xdg || `${home}/.cache`}/deno-gaia/archive`;
}

async function route(state: ArchiveState, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const parts = url.pathname.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new ArchiveHttpError(400, `Malformed path segment '${p}'`);
    }
  });
  if (
    parts.some((p) =>
      p === ".." || p === "." || p.includes("/") || p.includes("\\") || p.includes("\0")
    )
  ) {
    throw new ArchiveHttpError(400, `Invalid path '${url.pathname}'`);
  }
  const [server, first, ...rest] = parts;
  if (server === "tap-server") {
    if (first === "tap") return await routeTap(state, req, rest);
    const params = await readParams(req, state.limits.maxUploadBytes);
    switch (first?.toLowerCase()) {
      case "login":
        return await handleLogin(state, req, params, state.tapSessions, "tap-server");
      case "logout":
        return handleLogout(state, req, state.tapSessions, "tap-server");
      case "upload":
        return await handleUpload(state, req, params);
      case "tabletool":
        return await handleTableTool(state, req, params);
    }
  } else if (server === "data-server") {
    const params = await readParams(req, state.limits.maxUploadBytes);
    const sub = [first, ...rest].join("/").toLowerCase();
    switch (sub) {
      case "datalink/links":
        return await handleLinks(state, req, params);
      case "data":
        return await handleData(state, req, params);
      case "login":
        return await handleLogin(state, req, params, state.dataSessions, "data-server");
      case "logout":
        return handleLogout(state, req, state.dataSessions, "data-server");
    }
  } else if (server === undefined) {
    return text(
      "deno-gaia local archive (SYNTHETIC data, not Gaia measurements)\n" +
        "TAP: /tap-server/tap\nDataLink: /data-server/datalink/links\n",
    );
  }
  throw new ArchiveHttpError(404, `Not found: ${url.pathname}`);
}

async function routeTap(state: ArchiveState, req: Request, rest: string[]): Promise<Response> {
  const params = await readParams(req, state.limits.maxUploadBytes);
  const [head, ...tail] = rest;
  switch (head?.toLowerCase()) {
    case "sync":
      if (tail.length) break;
      return await handleSync(state, req, params);
    case "async":
      return await handleAsync(state, req, params, tail);
    case "tables":
      return handleTables(state, req, params);
    case "capabilities":
      return handleCapabilities(state, req);
    case "availability":
      return handleAvailability(state);
    case "share":
      return await handleShare(state, req, params);
    case "event":
      return handleEvent(state, req, params);
    case "notification":
      return handleNotification(state);
    case "jobs":
      if (tail.length !== 1) break;
      return handleJobList(state, req, params, tail[0].toLowerCase());
    case "deletejobs":
      return await handleDeleteJobs(state, req, params);
    case "users":
      return handleUsers(state, req, params);
    case "glots":
      return handleGlots(state, req, params);
    case undefined:
      return text(
        "deno-gaia local archive TAP service: /sync, /async, /tables, /capabilities, /availability\n",
      );
  }
  throw new ArchiveHttpError(404, `Not found: ${new URL(req.url).pathname}`);
}
