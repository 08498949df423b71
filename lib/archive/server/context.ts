/**
 * The state every route of the local archive shares, and small helpers
 * (who is asking, plain-text and XML answers).
 *
 * @module
 */
import type { Table } from "apache-arrow";
import type { ColumnChange, TableDef } from "../engine.ts";

export type { ColumnDef, TableDef } from "../engine.ts";
import type { EventLog } from "./events.ts";
import { ArchiveHttpError } from "./http_error.ts";
import type { ArchiveLimits } from "./limits.ts";
import type { Session, SessionStore } from "./sessions.ts";
import type { SharingStore } from "./sharing.ts";
import type { UserStore } from "./users.ts";
import type { JobManager } from "./uws.ts";

/** What the server needs from the ADQL engine (helper contract: `ArchiveEngine`). */
export interface EnginePort {
  /** Runs ADQL for a user with uploads, row limit, abort signal and read check. */
  query(
    adql: string,
    ctx: {
      user?: string;
      uploads?: Record<string, Table>;
      maxrec?: number;
      signal?: AbortSignal;
      canRead?: (qualifiedName: string) => boolean;
    },
  ): Promise<{ table: Table; overflow: boolean }>;
  /** Tables visible to a user (public, own, shared). */
  tableset(user?: string, canRead?: (qualifiedName: string) => boolean): TableDef[];
  /** Creates `user_<user>.<name>` (adds `<name>_oid`). */
  createUserTable(
    user: string,
    name: string,
    table: Table,
    description?: string,
  ): Promise<TableDef>;
  /** Drops a user table. */
  dropUserTable(user: string, name: string): Promise<void>;
  /** Changes column flags, UCDs, utypes, indexes or names. */
  updateUserTable(
    user: string,
    name: string,
    changes: ColumnChange[],
  ): Promise<void>;
  /** Renames a user table. */
  renameUserTable(user: string, name: string, newName: string): Promise<void>;
  /** Makes a job result queryable as `job_upload."job<ID>"`. */
  registerJobResult(jobId: string, owner: string | undefined, table: Table): Promise<void>;
  /** Forgets a job's `job_upload."job<ID>"` table (job deleted). */
  dropJobResult(jobId: string): Promise<void>;
  /** Releases the engine. */
  close(): Promise<void>;
}

/** Shared state of a running archive. */
export interface ArchiveState {
  /** The ADQL engine. */
  engine: EnginePort;
  /** UWS jobs. */
  jobs: JobManager;
  /** Accounts. */
  users: UserStore;
  /** Sessions of `/tap-server`. */
  tapSessions: SessionStore;
  /** Sessions of `/data-server`. */
  dataSessions: SessionStore;
  /** Groups and shared tables. */
  sharing: SharingStore;
  /** TAP+ events per user. */
  events: EventLog;
  /** Limits in force. */
  limits: ArchiveLimits;
  /** Lines served by `tap/notification` (`<id>[type: -100,-1]=<text>` or plain text). */
  notifications: string[];
  /** Start time, epoch ms. */
  startedAt: number;
  /** Job results registered in the engine this run (`job_upload."job<ID>"`). */
  registeredJobs: Set<string>;
  /** Synchronous queries running now, per logged-in user. */
  syncRunning: Map<string, number>;
  /** Hosts a URL upload may fetch from (loopback by default). */
  allowUrlHost: (hostname: string) => boolean;
}

/** The origin a client used (for Location headers and links). */
export function origin(req: Request): string {
  return new URL(req.url).origin;
}

/** The logged-in TAP user of a request, or `undefined`. */
export function tapUser(state: ArchiveState, req: Request): string | undefined {
  return state.tapSessions.fromRequest(req, "tap-server")?.user;
}

/** The TAP session of a request or a 401 error naming the endpoint. */
export function requireTapSession(state: ArchiveState, req: Request, what: string): Session {
  const s = state.tapSessions.fromRequest(req, "tap-server");
  if (!s) {
    throw new ArchiveHttpError(
      401,
      `${what} needs a logged-in user: POST username and password to /tap-server/login first`,
      { style: "text" },
    );
  }
  return s;
}

/** A `text/plain` answer. */
export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain;charset=UTF-8", ...headers },
  });
}

/** A `text/xml` answer. */
export function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/xml;charset=UTF-8" } });
}

/**
 * Whether `user` (undefined = anonymous) may read a qualified table name:
 * public tables, the own `user_<name>` schema, tables shared to the user,
 * and results of the user's own (or anonymous) jobs in `job_upload`.
 */
export function canReadFor(
  state: ArchiveState,
  user: string | undefined,
): (name: string) => boolean {
  return (name) => {
    const n = name.toLowerCase().replaceAll('"', "");
    if (n.startsWith("job_upload.")) {
      const id = n.slice("job_upload.".length).replace(/^job/, "").toUpperCase();
      const job = state.jobs.get(id);
      return job !== undefined && (job.owner === "anonymous" || job.owner === user);
    }
    return state.sharing.canRead(user, name);
  };
}

/**
 * The signal bounding a query run for one request: the execution time limit.
 * (`Request.signal` is not used: in Deno it also fires after a successful
 * response and prints a warning.)
 */
export function querySignal(state: ArchiveState): AbortSignal | undefined {
  const s = state.limits.maxExecutionSeconds;
  return s > 0 ? AbortSignal.timeout(s * 1000) : undefined;
}
