/**
 * Public TAP routes of the local archive under `/tap-server/tap/`: `sync`,
 * `async` (UWS 1.0 with `WAIT`), `tables`, `capabilities`, `availability`.
 *
 * @module
 */
import { tableToIPC } from "apache-arrow";
import { type ArchiveState, origin, querySignal, tapUser, text, xml } from "./context.ts";
import {
  availabilityXml,
  capabilitiesXml,
  jobRefsXml,
  jobXml,
  parametersXml,
  resultsXml,
  tablesetXml,
  uwsTime,
} from "./documents.ts";
import { EVENT_TYPES } from "./events.ts";
import { ArchiveHttpError, errorVOTable } from "./http_error.ts";
import type { RequestParams } from "./params.ts";
import { checkQueryText, collectUploadBytes, resolveMaxrec, runQuery } from "./query_runner.ts";
import { encodeResult, resolveFormat, resultHeaders } from "./results.ts";
import type { JobOutput, JobRecord, JobRunner } from "./uws.ts";

function checkRequest(params: RequestParams): string {
  const request = params.get("REQUEST") ?? "doQuery";
  if (request.toLowerCase() !== "doquery") {
    throw new ArchiveHttpError(
      400,
      `Unsupported REQUEST '${request}': the local archive answers REQUEST=doQuery` +
        (request.toLowerCase() === "external_tap"
          ? " (external TAP is not available offline)"
          : ""),
    );
  }
  const lang = params.get("LANG");
  if (lang !== undefined && !/^adql(-2\.[01])?$/i.test(lang.trim())) {
    throw new ArchiveHttpError(400, `Unsupported LANG '${lang}': use ADQL`);
  }
  return params.require("QUERY");
}

function formatParam(params: RequestParams): string | undefined {
  return params.get("RESPONSEFORMAT") ?? params.get("FORMAT");
}

/** `POST|GET tap/sync`. */
export async function handleSync(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const query = checkRequest(params);
  const spec = resolveFormat(formatParam(params));
  const maxrec = resolveMaxrec(state, params.get("MAXREC"));
  const user = tapUser(state, req);
  const uploads = await collectUploadBytes(state, params);
  const jobId = state.jobs.newId();
  if (user) {
    const running = state.syncRunning.get(user) ?? 0;
    if (running >= state.limits.maxSyncPerUser) {
      throw new ArchiveHttpError(
        429,
        `Too many simultaneous synchronous queries for ${user} (limit ${state.limits.maxSyncPerUser}, ` +
          `limits.maxSyncPerUser): wait for one to finish or submit an async job`,
        { headers: { "retry-after": "5" } },
      );
    }
    state.syncRunning.set(user, running + 1);
  }
  let out;
  try {
    out = await runQuery(state, {
      query,
      user,
      uploads,
      maxrec,
      jobId,
      signal: querySignal(state),
    });
  } finally {
    if (user) {
      const n = (state.syncRunning.get(user) ?? 1) - 1;
      if (n > 0) state.syncRunning.set(user, n);
      else state.syncRunning.delete(user);
    }
  }
  const { table, overflow } = out;
  const enc = encodeResult(table, spec, {
    query,
    jobId,
    jobName: params.get("JOBNAME") ?? "",
    overflow,
  });
  return new Response(enc.bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: resultHeaders(spec, `${jobId}-result.${enc.fullExt}`),
  });
}

/** The job runner the job manager calls. */
export function makeJobRunner(state: ArchiveState): JobRunner {
  return async (
    job: JobRecord,
    uploads: Record<string, Uint8Array>,
    signal: AbortSignal,
  ): Promise<JobOutput> => {
    const query = job.parameters.query ?? "";
    const spec = resolveFormat(job.parameters.responseformat ?? job.parameters.format);
    const maxrec = resolveMaxrec(state, job.parameters.maxRec);
    const user = job.owner === "anonymous" ? undefined : job.owner;
    let result;
    try {
      result = await runQuery(state, { query, user, uploads, maxrec, jobId: job.jobId, signal });
    } catch (e) {
      throw e instanceof ArchiveHttpError ? new Error(e.message) : e;
    }
    const enc = encodeResult(result.table, spec, {
      query,
      jobId: job.jobId,
      jobName: job.name,
      overflow: result.overflow,
    });
    return {
      bytes: enc.bytes,
      mime: spec.mime,
      ext: enc.fullExt,
      gzip: spec.gzip,
      rows: result.table.numRows,
      arrow: tableToIPC(result.table, "file"),
    };
  };
}

function asyncUrl(req: Request): string {
  return `${origin(req)}/tap-server/tap/async`;
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/** `POST tap/async`: creates a job (runs it with PHASE=RUN) and answers 303. */
export async function createAsyncJob(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const query = checkRequest(params);
  const user = tapUser(state, req);
  const owner = user ?? "anonymous";
  const count = state.jobs.count(owner);
  const max = user ? state.limits.maxJobsPerUser : state.limits.maxAnonymousJobs;
  if (count >= max) {
    throw new ArchiveHttpError(
      403,
      `Job limit reached: ${owner} already keeps ${count} jobs (limit ${max}); delete old jobs ` +
        `(tap/deletejobs or DELETE tap/async/<id>) first`,
    );
  }
  const format = formatParam(params);
  resolveFormat(format);
  const maxrec = params.get("MAXREC");
  if (maxrec !== undefined) resolveMaxrec(state, maxrec);
  checkQueryText(state, query);
  const uploads = await collectUploadBytes(state, params);
  const name = params.get("JOBNAME") ?? "";
  const parameters: Record<string, string> = {
    maxRec: String(maxrec ?? state.limits.maxRows),
    query,
    request: "doQuery",
    format: format ?? "votable",
    lang: params.get("LANG") ?? "ADQL",
    version: params.get("VERSION") ?? "1.0",
  };
  if (params.get("RESPONSEFORMAT")) parameters.responseformat = params.get("RESPONSEFORMAT")!;
  if (user) parameters.keepAuthenticatedUserJobs = "true";
  if (name) parameters.jobname = name;
  const desc = params.get("JOBDESCRIPTION");
  if (desc) parameters.jobdescription = desc;
  if (params.get("UPLOAD")) parameters.upload = params.getAll("UPLOAD").join(";");
  const job = await state.jobs.create(owner, parameters, uploads, name);
  if ((params.get("PHASE") ?? "").toUpperCase() === "RUN") await state.jobs.start(job.jobId);
  return seeOther(`${asyncUrl(req)}/${job.jobId}`);
}

/** A job the requester may see: anonymous jobs for anyone, a user's jobs for that user only. */
export function accessJob(state: ArchiveState, req: Request, jobId: string): JobRecord {
  const job = state.jobs.get(jobId);
  if (!job) throw new ArchiveHttpError(404, `Job '${jobId}' not found`);
  if (job.owner === "anonymous") return job;
  const user = tapUser(state, req);
  if (!user) {
    throw new ArchiveHttpError(
      401,
      `Job '${jobId}' belongs to a user: log in at /tap-server/login to see it`,
    );
  }
  if (user !== job.owner) throw new ArchiveHttpError(403, `Job '${jobId}' belongs to another user`);
  return job;
}

/** Routes `tap/async[/<id>[/...]]`. */
export async function handleAsync(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
  rest: string[],
): Promise<Response> {
  const list = asyncUrl(req);
  if (rest.length === 0) {
    if (req.method === "POST") return await createAsyncJob(state, req, params);
    if (req.method !== "GET") {
      throw new ArchiveHttpError(405, `Method ${req.method} not allowed on tap/async`);
    }
    const user = tapUser(state, req);
    const { jobs, total } = user ? state.jobs.list(user) : { jobs: [], total: 0 };
    return xml(jobRefsXml(jobs, list, total));
  }
  const jobId = rest[0];
  const job = accessJob(state, req, jobId);
  const jobUrl = `${list}/${jobId}`;
  const sub = rest.slice(1).join("/").toLowerCase();
  const post = req.method === "POST";
  if (req.method === "DELETE" && sub === "") {
    await state.jobs.delete(jobId);
    return seeOther(list);
  }
  if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD") {
    throw new ArchiveHttpError(
      405,
      `Method ${req.method} not allowed on tap/async/${jobId}${sub ? "/" + sub : ""}`,
    );
  }
  switch (sub) {
    case "": {
      if (post) {
        const action = params.get("ACTION");
        if (action?.toUpperCase() === "DELETE") {
          await state.jobs.delete(jobId);
          return seeOther(list);
        }
        const phase = params.get("PHASE");
        if (phase !== undefined) return await changePhase(state, job, phase, jobUrl);
        for (const [k, v] of params.entries()) await state.jobs.setParameter(jobId, k, v);
        return xml(jobXml(state.jobs.get(jobId) ?? job, jobUrl));
      }
      const wait = params.get("WAIT");
      let current = job;
      if (wait !== undefined) {
        const seconds = Number(wait);
        if (!Number.isFinite(seconds)) {
          throw new ArchiveHttpError(400, `Invalid WAIT '${wait}': expected seconds`);
        }
        const limit = seconds < 0
          ? state.limits.maxWaitSeconds
          : Math.min(seconds, state.limits.maxWaitSeconds);
        current = await state.jobs.waitFor(jobId, params.get("PHASE") ?? job.phase, limit * 1000);
      }
      return xml(jobXml(current, jobUrl));
    }
    case "phase":
      if (post) return await changePhase(state, job, params.require("PHASE"), jobUrl);
      return text(job.phase);
    case "results":
      return xml(resultsXml(job, jobUrl, true));
    case "results/result":
      return await serveResult(state, job);
    case "error":
      if (job.phase !== "ERROR") {
        throw new ArchiveHttpError(404, `Job '${jobId}' has no error: its phase is ${job.phase}`);
      }
      return new Response(errorVOTable(job.error ?? "Unknown error"), {
        status: 200,
        headers: { "content-type": "text/xml;charset=UTF-8" },
      });
    case "parameters":
      if (post) {
        for (const [k, v] of params.entries()) await state.jobs.setParameter(jobId, k, v);
        return seeOther(jobUrl);
      }
      return xml(parametersXml(job, true));
    case "quote":
      return text("-1");
    case "executionduration":
      if (post) {
        await state.jobs.setParameter(
          jobId,
          "executionduration",
          params.require("EXECUTIONDURATION"),
        );
        return seeOther(jobUrl);
      }
      return text(String(job.executionDuration));
    case "destruction":
      if (post) {
        await state.jobs.setParameter(jobId, "destruction", params.require("DESTRUCTION"));
        return seeOther(jobUrl);
      }
      return text(uwsTime(job.destruction));
    case "owner":
      return text(job.owner);
    default:
      throw new ArchiveHttpError(
        404,
        `Unknown job resource '${sub}': use phase, results, error, parameters, ` +
          `quote, executionduration, destruction or owner`,
      );
  }
}

async function changePhase(
  state: ArchiveState,
  job: JobRecord,
  phase: string,
  jobUrl: string,
): Promise<Response> {
  switch (phase.trim().toUpperCase()) {
    case "RUN":
      if (job.phase !== "PENDING" && job.phase !== "QUEUED" && job.phase !== "EXECUTING") {
        throw new ArchiveHttpError(400, `Job '${job.jobId}' cannot run: it is ${job.phase}`);
      }
      await state.jobs.start(job.jobId);
      return seeOther(jobUrl);
    case "ABORT":
      await state.jobs.abort(job.jobId);
      // 200 rather than UWS's 303: astroquery's Job.abort() only accepts 200.
      return xml(jobXml(state.jobs.get(job.jobId) ?? job, jobUrl));
    default:
      throw new ArchiveHttpError(400, `Invalid PHASE '${phase}': use RUN or ABORT`);
  }
}

async function serveResult(state: ArchiveState, job: JobRecord): Promise<Response> {
  if (job.phase === "ERROR") {
    throw new ArchiveHttpError(400, job.error ?? `Job '${job.jobId}' failed`);
  }
  const path = state.jobs.resultPath(job);
  if (!path || !job.result) {
    throw new ArchiveHttpError(
      404,
      `Job '${job.jobId}' has no result yet: its phase is ${job.phase}`,
    );
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    throw new ArchiveHttpError(404, `The result of job '${job.jobId}' is no longer available`);
  }
  const spec = resolveFormat(job.parameters.responseformat ?? job.parameters.format);
  return new Response(file.readable, {
    status: 200,
    headers: {
      ...resultHeaders(spec, job.result.downloadName),
      "content-length": String(job.result.size),
    },
  });
}

/** `GET|POST tap/tables` with the TAP+ filters of PROTOCOL.md 2.2. */
export function handleTables(state: ArchiveState, req: Request, params: RequestParams): Response {
  const user = tapUser(state, req);
  const shareAccessible = params.bool("share_accessible");
  const canRead = (name: string) => {
    const schema = name.toLowerCase().split(".")[0];
    if (!schema.startsWith("user_")) return true;
    if (user && schema === `user_${user}`) return true;
    return shareAccessible && state.sharing.canRead(user, name);
  };
  let tables = state.engine.tableset(user, canRead).filter((t) => canRead(`${t.schema}.${t.name}`));
  const wanted = params.get("tables");
  if (wanted) {
    const names = wanted.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    const found = tables.filter((t) => names.includes(`${t.schema}.${t.name}`.toLowerCase()));
    for (const n of names) {
      if (!found.some((t) => `${t.schema}.${t.name}`.toLowerCase() === n)) {
        throw new ArchiveHttpError(
          404,
          `Table '${n}' not found${n.includes(".") ? "" : ": use schema.table"}`,
        );
      }
    }
    return xml(tablesetXml(found));
  }
  if (params.bool("only_schemas")) return xml(tablesetXml(tables, { onlySchemas: true }));
  const schemas = params.get("schemas");
  if (schemas) {
    const s = schemas.split(",").map((x) => x.trim().toLowerCase());
    tables = tables.filter((t) => s.includes(t.schema.toLowerCase()));
  }
  return xml(tablesetXml(tables, { onlyTables: params.bool("only_tables") }));
}

/** `tap/capabilities`. */
export function handleCapabilities(state: ArchiveState, req: Request): Response {
  return xml(
    capabilitiesXml(
      `${origin(req)}/tap-server/tap`,
      state.limits.maxRows,
      state.limits.maxUploadBytes,
    ),
  );
}

/** `tap/availability`. */
export function handleAvailability(state: ArchiveState): Response {
  return xml(availabilityXml(state.startedAt));
}

/** Records job events for the owner. */
export function jobEvent(
  state: ArchiveState,
  job: JobRecord,
  kind: "created" | "updated" | "removed",
): void {
  if (job.owner === "anonymous") return;
  state.events.record(
    job.owner,
    kind === "created"
      ? EVENT_TYPES.JOB_CREATED
      : kind === "updated"
      ? EVENT_TYPES.JOB_UPDATED
      : EVENT_TYPES.JOB_REMOVED,
  );
}
