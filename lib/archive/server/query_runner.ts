/**
 * Runs one ADQL query for the archive: checks its length, reads its upload
 * tables (TAP_UPLOAD, from parts or loopback URLs), makes referenced job
 * results queryable (`job_upload."job<ID>"`, owner checked), calls the engine
 * and maps its errors to the archive's answers (400 `Cannot parse query ...`).
 *
 * @module
 */
import { tableFromIPC } from "apache-arrow";
import type { Table } from "apache-arrow";
import { AdqlSemanticError, AdqlSyntaxError, gaiaErrorMessage } from "../../adql/errors.ts";
import { readCsv } from "../../formats/read_csv.ts";
import { readEcsv } from "../../formats/read_ecsv.ts";
import { readFits } from "../../formats/read_fits.ts";
import { readJson } from "../../formats/read_json.ts";
import { gunzipSync } from "node:zlib";
import { collectTable, type TableReader } from "../../table/reader.ts";
import { readVOTable } from "../../votable/read_votable.ts";
import { type ArchiveState, canReadFor } from "./context.ts";
import { ArchiveHttpError } from "./http_error.ts";
import type { RequestParams } from "./params.ts";

/** A parsed `UPLOAD` parameter entry. */
export interface UploadRef {
  /** TAP_UPLOAD table name. */
  name: string;
  /** `param:<part>` or a URL. */
  source: string;
}

const UPLOAD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Parses `UPLOAD=name,param:part[;name2,http://...]`.
 *
 * @example
 * ```ts
 * import { parseUploadParam } from "./query_runner.ts";
 * const u = parseUploadParam("t1,param:t1;t2,http://127.0.0.1:1/x.vot");
 * if (u.length !== 2 || u[1].source !== "http://127.0.0.1:1/x.vot") throw new Error("bad");
 * ```
 */
export function parseUploadParam(value: string): UploadRef[] {
  const out: UploadRef[] = [];
  for (const piece of value.split(";")) {
    if (!piece.trim()) continue;
    const comma = piece.indexOf(",");
    if (comma < 0) {
      throw new ArchiveHttpError(
        400,
        `Invalid UPLOAD '${piece}': expected '<table name>,param:<part name>'`,
      );
    }
    const name = piece.slice(0, comma).trim();
    if (!UPLOAD_NAME.test(name)) {
      throw new ArchiveHttpError(
        400,
        `Invalid upload table name '${name}': use letters, digits and '_'`,
      );
    }
    out.push({ name, source: piece.slice(comma + 1).trim() });
  }
  return out;
}

/** Fetches a table from a URL the archive may reach (loopback only by default), size-limited. */
export async function fetchUploadUrl(
  state: ArchiveState,
  url: string,
  what: string,
): Promise<Uint8Array> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ArchiveHttpError(400, `Invalid URL '${url}' for ${what}`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || !state.allowUrlHost(u.hostname)) {
    throw new ArchiveHttpError(
      403,
      `The local archive only fetches ${what} from loopback http(s) URLs (127.0.0.1, localhost, ::1); ` +
        `refused '${u.protocol}//${u.host}'`,
    );
  }
  let res: Response;
  try {
    res = await fetch(u, { redirect: "error", signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new ArchiveHttpError(
      400,
      `Could not fetch ${what} from '${url}': ${(e as Error).message}`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ArchiveHttpError(400, `Could not fetch ${what} from '${url}': HTTP ${res.status}`);
  }
  const max = state.limits.maxUrlUploadBytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of res.body ?? []) {
    total += c.length;
    if (total > max) {
      await res.body?.cancel().catch(() => {});
      throw new ArchiveHttpError(
        413,
        `${what} at '${url}' is over the limit of ${max} bytes (limits.maxUrlUploadBytes)`,
      );
    }
    chunks.push(c);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Reads the bytes of the request's upload tables (by TAP_UPLOAD name). */
export async function collectUploadBytes(
  state: ArchiveState,
  params: RequestParams,
): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const value of params.getAll("UPLOAD")) {
    for (const ref of parseUploadParam(value)) {
      if (/^param:/i.test(ref.source)) {
        const part = ref.source.slice(6);
        const file = params.file(part);
        const inline = file?.bytes ??
          (params.get(part) !== undefined ? new TextEncoder().encode(params.get(part)) : undefined);
        if (!inline) {
          throw new ArchiveHttpError(
            400,
            `UPLOAD '${ref.name}' refers to part '${part}' but no such part was sent`,
          );
        }
        out[ref.name] = inline;
      } else {
        out[ref.name] = await fetchUploadUrl(state, ref.source, `upload table '${ref.name}'`);
      }
    }
  }
  return out;
}

/** Parses bytes of an uploaded table (VOTable, CSV, ECSV, JSON or FITS, sniffed) into Arrow. */
export async function parseTableBytes(
  bytes: Uint8Array,
  what: string,
  format?: string,
): Promise<Table> {
  if (bytes.length === 0) throw new ArchiveHttpError(400, `${what} is empty`);
  try {
    const { table, meta } = await collectTable(openUpload(bytes, normalizeFormat(format)));
    if (meta.queryStatus === "ERROR") {
      throw new ArchiveHttpError(
        400,
        `${what} is an error document: ${meta.queryStatusMessage ?? ""}`,
      );
    }
    return table;
  } catch (e) {
    if (e instanceof ArchiveHttpError) throw e;
    throw new ArchiveHttpError(400, `Cannot read ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** Picks a reader by the declared format, else by the first bytes (gzip undone first). */
function openUpload(bytes: Uint8Array, format: string | undefined): TableReader {
  let head = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    head = new Uint8Array(
      gunzipSync(bytes.subarray(0, Math.min(bytes.length, 1 << 20)), { finishFlush: 2 }),
    );
  }
  const start = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, "").trimStart();
  const f = format ??
    (start.startsWith("<")
      ? "votable"
      : start.startsWith("SIMPLE")
      ? "fits"
      : start.startsWith("# %ECSV")
      ? "ecsv"
      : start.startsWith("{") || start.startsWith("[")
      ? "json"
      : "csv");
  switch (f) {
    case "votable":
      return readVOTable(bytes);
    case "fits":
      return readFits(bytes);
    case "ecsv":
      return readEcsv(bytes);
    case "json":
      return readJson(bytes);
    default:
      return readCsv(bytes);
  }
}

function normalizeFormat(format: string | undefined): string | undefined {
  const f = (format ?? "").toLowerCase();
  if (f.includes("votable") || f === "vot" || f === "xml") return "votable";
  if (f === "csv" || f === "ascii.csv") return "csv";
  if (f === "ecsv" || f === "ascii.ecsv") return "ecsv";
  if (f === "fits") return "fits";
  if (f === "json") return "json";
  return undefined; // sniff (ASCII, unknown, astroquery's "<built-in function format>")
}

const JOB_REF = /"?job_upload"?\s*\.\s*"?job([0-9]{13,16}[A-Z]{1,4})"?/gi;

/** The row limit for a request: MAXREC capped by the archive's limit. */
export function resolveMaxrec(state: ArchiveState, value: string | undefined): number {
  if (value === undefined || value.trim() === "") return state.limits.maxRows;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 0) {
    throw new ArchiveHttpError(400, `Invalid MAXREC '${value}': expected a non-negative integer`);
  }
  return Math.min(n, state.limits.maxRows);
}

/** Checks the query text limits. */
export function checkQueryText(state: ArchiveState, query: string): void {
  if (query.length > state.limits.maxQueryLength) {
    throw new ArchiveHttpError(
      400,
      `Query of ${query.length} characters is over the limit of ${state.limits.maxQueryLength} ` +
        `(limits.maxQueryLength); upload long ID lists as a table instead`,
    );
  }
}

/** Runs a query with its uploads for a user; errors come back as {@linkcode ArchiveHttpError}. */
export async function runQuery(
  state: ArchiveState,
  o: {
    query: string;
    user: string | undefined;
    uploads: Record<string, Uint8Array>;
    maxrec: number;
    jobId: string;
    signal?: AbortSignal;
  },
): Promise<{ table: Table; overflow: boolean }> {
  checkQueryText(state, o.query);
  const uploads: Record<string, Table> = {};
  for (const [name, bytes] of Object.entries(o.uploads)) {
    uploads[name] = await parseTableBytes(bytes, `upload table '${name}'`);
  }
  for (const m of o.query.matchAll(JOB_REF)) await registerJob(state, m[1].toUpperCase(), o.user);
  try {
    return await state.engine.query(o.query, {
      user: o.user,
      uploads,
      maxrec: o.maxrec,
      signal: o.signal,
      canRead: canReadFor(state, o.user),
    });
  } catch (e) {
    throw mapEngineError(e, o.query, o.jobId);
  }
}

/** Makes a job's result queryable as `job_upload."job<ID>"` after checking the caller may read it. */
export async function registerJob(
  state: ArchiveState,
  jobId: string,
  user: string | undefined,
): Promise<void> {
  const job = state.jobs.get(jobId);
  if (!job || (job.owner !== "anonymous" && job.owner !== user)) {
    throw new ArchiveHttpError(
      404,
      `Job '${jobId}' not found (or not yours) for job_upload."job${jobId}"`,
    );
  }
  if (state.registeredJobs.has(jobId)) return;
  const arrow = await state.jobs.resultArrow(job);
  if (!arrow) {
    throw new ArchiveHttpError(400, `Job '${jobId}' has no result to query (phase ${job.phase})`);
  }
  await state.engine.registerJobResult(
    jobId,
    job.owner === "anonymous" ? undefined : job.owner,
    tableFromIPC(arrow),
  );
  state.registeredJobs.add(jobId);
}

/** Maps an engine error to the archive's answer. */
export function mapEngineError(e: unknown, query: string, jobId: string): unknown {
  if (e instanceof ArchiveHttpError) return e;
  if (e instanceof AdqlSyntaxError || e instanceof AdqlSemanticError) {
    return new ArchiveHttpError(400, gaiaErrorMessage(e, query, jobId), { cause: e });
  }
  const name = e instanceof Error ? e.name : "";
  if (name === "AccessDeniedError") {
    return new ArchiveHttpError(403, (e as Error).message, { cause: e });
  }
  if (name === "QueryLimitError") {
    return new ArchiveHttpError(400, (e as Error).message, { cause: e });
  }
  if (name === "UserTableError") {
    const kind = (e as { kind?: string }).kind;
    return new ArchiveHttpError(
      kind === "not-found" ? 404 : kind === "exists" ? 409 : 400,
      (e as Error).message,
      {
        cause: e,
      },
    );
  }
  if (name === "QueryExecutionError") {
    return new ArchiveHttpError(400, `Error in query '${query}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (name === "AbortError" || (e instanceof Error && /abort/i.test(e.message))) {
    return new ArchiveHttpError(500, `Query aborted: ${(e as Error).message}`, { cause: e });
  }
  if (e instanceof RangeError || name.startsWith("Adql")) {
    return new ArchiveHttpError(400, `Error in query '${query}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  return e;
}
