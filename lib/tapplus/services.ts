/**
 * The smaller TAP+ services: events (with a wait helper), notifications,
 * the job search and deletion, GloTS (global TAP schema search).
 *
 * @module
 */
import type { JobInfo } from "../tap/uws.ts";
import { type ArchiveEvent, EVENT_TYPES, type EventName, parseEvents } from "./events.ts";
import { parseJobSearch } from "./job_search.ts";
import { type ArchiveNotification, parseNotifications } from "./notifications.ts";
import type { TapPlusSession } from "./session.ts";

/** Loads the session's events (`tap/event`), optionally of one type and after a time. */
export async function loadEvents(
  session: TapPlusSession,
  options: { type?: number | EventName; since?: Date | number; signal?: AbortSignal } = {},
): Promise<ArchiveEvent[]> {
  session.requireUser("events()");
  const type = typeof options.type === "string" ? EVENT_TYPES[options.type] : options.type;
  const res = await session.call("tap", "tap/event", {
    ...(type !== undefined ? { query: { id: type } } : {}),
    action: "Loading events",
    signal: options.signal,
  });
  const since = options.since === undefined ? -Infinity : +options.since;
  return parseEvents(res.text).filter((e) => e.time.getTime() > since);
}

/**
 * Waits until an event matching `match` happens after `since` (polling with
 * back-off from 250 ms to 5 s).
 *
 * @throws the signal's reason on abort, or a `RangeError` after `timeout` ms
 */
export async function waitForEvent(
  session: TapPlusSession,
  match: (e: ArchiveEvent) => boolean,
  options: { since?: Date | number; timeout?: number; signal?: AbortSignal } = {},
): Promise<ArchiveEvent> {
  const since = options.since ?? Date.now() - 1;
  const deadline = Date.now() + (options.timeout ?? 60_000);
  let delay = 250;
  for (;;) {
    const hit =
      (await loadEvents(session, { since, ...(options.signal ? { signal: options.signal } : {}) }))
        .find(match);
    if (hit) return hit;
    if (Date.now() + delay > deadline) {
      throw new RangeError(
        `No matching event within ${
          (options.timeout ?? 60_000) / 1000
        } s; raise "timeout" to wait longer`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => (clearTimeout(t), reject(signal!.reason));
      const t = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), delay);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    delay = Math.min(delay * 2, 5000);
  }
}

/** The archive's notifications (works anonymously). */
export async function loadNotifications(
  session: TapPlusSession,
  signal?: AbortSignal,
): Promise<ArchiveNotification[]> {
  const res = await session.call("tap", "tap/notification", {
    query: { action: "GetNotifications" },
    action: "Loading archive notifications",
    signal,
  });
  return parseNotifications(res.text);
}

/** Filters of {@linkcode searchJobs}. */
export interface JobFilter {
  /** Job name (exact). */
  name?: string;
  /** Phase, e.g. `COMPLETED`. */
  phase?: string;
  /** Text contained in the query. */
  query?: string;
  /** Jobs created at or after. */
  after?: Date;
  /** Jobs created before. */
  before?: Date;
  /** Jobs to skip. */
  offset?: number;
  /** Most jobs returned. */
  limit?: number;
  /** Sort, e.g. `CREATION_TIME:DESC`. @default "CREATION_TIME:DESC" */
  order?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** Searches the user's jobs (`tap/jobs/async`). */
export async function searchJobs(
  session: TapPlusSession,
  filter: JobFilter = {},
): Promise<JobInfo[]> {
  session.requireUser("searchAsyncJobs()");
  const query: Record<string, string | number> = {
    metadata_only: "true",
    order: filter.order ?? "CREATION_TIME:DESC",
  };
  if (filter.name !== undefined) query.jobname = filter.name;
  if (filter.phase !== undefined) query.phaseid = filter.phase.toUpperCase();
  if (filter.query !== undefined) query.query = filter.query;
  if (filter.after) query.start_time_init = filter.after.toISOString();
  if (filter.before) query.start_time_limit = filter.before.toISOString();
  if (filter.offset !== undefined) query.offset = filter.offset;
  if (filter.limit !== undefined) query.limit = filter.limit;
  const res = await session.call("tap", "tap/jobs/async", {
    query,
    action: "Searching jobs",
    signal: filter.signal,
  });
  let jobs = parseJobSearch(res.text, session.url("tap", "tap/async"));
  // Apply the filters client-side too: servers differ in which they honour.
  if (filter.name !== undefined) {
    jobs = jobs.filter((j) => (j.name ?? j.parameters["jobname"] ?? "") === filter.name);
  }
  if (filter.phase !== undefined) {
    jobs = jobs.filter((j) => j.phase === filter.phase!.toUpperCase());
  }
  if (filter.after) jobs = jobs.filter((j) => !j.creationTime || j.creationTime >= filter.after!);
  if (filter.before) jobs = jobs.filter((j) => !j.creationTime || j.creationTime < filter.before!);
  return jobs;
}

/** Deletes jobs of the user (`tap/deletejobs`). */
export async function deleteJobs(
  session: TapPlusSession,
  ids: string[],
  signal?: AbortSignal,
): Promise<void> {
  session.requireUser("removeJobs()");
  if (ids.length === 0) return;
  await session.call("tap", "tap/deletejobs", {
    form: { JOB_IDS: ids.join(",") },
    action: `Deleting ${ids.length} job(s)`,
    signal,
  });
}

/** One GloTS table hit. */
export interface GlotsTable {
  /** TAP service URL. */
  accessUrl: string;
  /** IVOA identifier of the service. */
  ivoid: string;
  /** Table name. */
  tableName: string;
  /** Table description. */
  description: string;
  /** Table utype. */
  utype: string;
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"', i++);
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") (out.push(cur), cur = "");
    else cur += c;
  }
  out.push(cur);
  return out;
}

function csvRecords(text: string): Array<Record<string, string>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) return [];
  const head = parseCsvLine(lines[0]).map((h) => h.trim());
  return lines.slice(1).map((l) =>
    Object.fromEntries(parseCsvLine(l).map((v, i) => [head[i] ?? `col${i}`, v]))
  );
}

/** GloTS: finds tables of all registered TAP services by keywords. */
export async function glotsSearchTables(
  session: TapPlusSession,
  keywords: string,
  options: { mode?: "all" | "table_name" | "table_description"; signal?: AbortSignal } = {},
): Promise<GlotsTable[]> {
  const res = await session.call("tap", "tap/glots", {
    query: {
      ACTION: "search_tables",
      KEYWORD: keywords,
      MODE: options.mode ?? "all",
      FORMAT: "csv",
    },
    action: `Searching GloTS for ${JSON.stringify(keywords)}`,
    signal: options.signal,
  });
  return csvRecords(res.text).map((r) => ({
    accessUrl: r.accessurl ?? "",
    ivoid: r.ivoid ?? "",
    tableName: r.table_name ?? "",
    description: r.table_desc ?? "",
    utype: r.utype ?? "",
  }));
}

/** GloTS: the columns of one table of a registered service. */
export async function glotsColumns(
  session: TapPlusSession,
  ivoid: string,
  tableName: string,
  signal?: AbortSignal,
): Promise<Array<Record<string, string>>> {
  const res = await session.call("tap", "tap/glots", {
    query: { ACTION: "get_columns", IVOID: ivoid, TABLE_NAME: tableName, FORMAT: "csv" },
    action: `Loading GloTS columns of ${JSON.stringify(tableName)}`,
    signal,
  });
  return csvRecords(res.text);
}
