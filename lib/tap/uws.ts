/**
 * UWS 1.0/1.1 documents: a job (`uws:job`), a job list (`uws:jobs`) and a
 * result list (`uws:results`), parsed without network access. Understands
 * DaCHS and the ESA Gaia archive (ESA timestamps `+0200` without colon,
 * percent-encoded result links, `locationId` and `name` extensions).
 *
 * @module
 */
import { TableFormatError } from "../io/errors.ts";
import { parseVoDate } from "./vosi.ts";
import { attr, child, isNil, list, nonEmpty, parseXml, text, type XmlNode } from "./xml.ts";

/** UWS execution phases. */
export type JobPhase =
  | "PENDING"
  | "QUEUED"
  | "EXECUTING"
  | "COMPLETED"
  | "ERROR"
  | "ABORTED"
  | "UNKNOWN"
  | "HELD"
  | "SUSPENDED"
  | "ARCHIVED";

/**
 * Phases after which a job does not change any more.
 *
 * @example
 * ```ts
 * import { FINAL_PHASES } from "./uws.ts";
 * if (!FINAL_PHASES.has("COMPLETED") || FINAL_PHASES.has("EXECUTING")) throw new Error();
 * ```
 */
export const FINAL_PHASES: ReadonlySet<string> = new Set([
  "COMPLETED",
  "ERROR",
  "ABORTED",
  "ARCHIVED",
]);

/**
 * Phases in which a job may still start or run.
 *
 * @example
 * ```ts
 * import { ACTIVE_PHASES } from "./uws.ts";
 * if (!ACTIVE_PHASES.has("QUEUED") || ACTIVE_PHASES.has("ERROR")) throw new Error();
 * ```
 */
export const ACTIVE_PHASES: ReadonlySet<string> = new Set([
  "PENDING",
  "QUEUED",
  "EXECUTING",
  "HELD",
  "SUSPENDED",
]);

/**
 * Normalises a phase word (trimmed, upper case).
 *
 * @example
 * ```ts
 * import { normalizePhase } from "./uws.ts";
 * if (normalizePhase(" executing\n") !== "EXECUTING") throw new Error();
 * ```
 */
export function normalizePhase(value: string): JobPhase {
  const p = value.trim().toUpperCase();
  const known = [
    "PENDING",
    "QUEUED",
    "EXECUTING",
    "COMPLETED",
    "ERROR",
    "ABORTED",
    "UNKNOWN",
    "HELD",
    "SUSPENDED",
    "ARCHIVED",
  ];
  if (!known.includes(p)) {
    throw new TableFormatError(`Unknown UWS phase ${JSON.stringify(value.slice(0, 50))}`, {
      format: "UWS",
      element: "phase",
    });
  }
  return p as JobPhase;
}

/** One result of a job. */
export interface JobResult {
  /** Result id (`result` for TAP). */
  id: string;
  /** Absolute URL (percent-decoded when the server escaped it). */
  href: string;
  /** Non-standard attributes some servers add. */
  mime?: string;
  /** Size in bytes (ESA extension). */
  size?: number;
  /** Row count (ESA extension). */
  rows?: number;
}

/** The error summary of a job in ERROR. */
export interface ErrorSummary {
  /** `fatal` or `transient`. */
  type?: string;
  /** Whether `<job>/error` has a detailed error document. */
  hasDetail?: boolean;
  /** The error message. */
  message: string;
}

/** Everything a job document says. */
export interface JobInfo {
  /** The job id. */
  jobId: string;
  /** The client-chosen RUNID, when the service keeps it. */
  runId?: string;
  /** The owner (absent for anonymous jobs). */
  ownerId?: string;
  /** The execution phase. */
  phase: JobPhase;
  /** UWS 1.1: when the job is expected to finish (a date), or null when unknown. */
  quote: Date | null;
  /** When the job was created. */
  creationTime?: Date;
  /** When the job started running. */
  startTime?: Date;
  /** When the job ended. */
  endTime?: Date;
  /** Seconds the job may run (0 = unlimited). */
  executionDuration?: number;
  /** When the server deletes the job. */
  destruction?: Date;
  /** Parameters keyed by their id as sent (lookups with {@linkcode jobParameter} ignore case). */
  parameters: Record<string, string>;
  /** The job's results (absolute URLs). */
  results: JobResult[];
  /** Why the job failed, for phase ERROR. */
  errorSummary?: ErrorSummary;
  /** UWS version attribute of the document (`1.1` enables blocking `WAIT`). */
  version?: string;
  /** ESA extensions. */
  name?: string;
  /** ESA extension: where the job is stored (`anonymous/2016/11/17/<id>`). */
  locationId?: string;
}

/**
 * Looks a job parameter up ignoring case (`maxRec` vs `maxrec`).
 *
 * @example
 * ```ts
 * import { jobParameter, parseJob } from "./uws.ts";
 * const info = parseJob('<job><jobId>a</jobId><phase>PENDING</phase><parameters><parameter id="maxRec">10</parameter></parameters></job>');
 * if (jobParameter(info, "MAXREC") !== "10") throw new Error();
 * ```
 */
export function jobParameter(info: JobInfo, id: string): string | undefined {
  const want = id.toLowerCase();
  for (const [k, v] of Object.entries(info.parameters)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function decodeHref(href: string, base: string | undefined): string {
  let h = href.trim();
  if (/^https?%3A/i.test(h)) {
    try {
      h = decodeURIComponent(h);
    } catch {
      throw new TableFormatError(
        `Malformed percent-encoded result link ${JSON.stringify(h.slice(0, 100))}`,
        {
          format: "UWS",
          element: "result",
        },
      );
    }
  }
  try {
    return base ? new URL(h, base).toString() : new URL(h).toString();
  } catch {
    return h;
  }
}

function dateOf(node: unknown): Date | undefined {
  if (isNil(node)) return undefined;
  const v = nonEmpty(node);
  return v ? parseVoDate(v) : undefined;
}

function parseResults(node: XmlNode | undefined, base: string | undefined): JobResult[] {
  return list(node, "result").map((r) => {
    const res: JobResult = {
      id: attr(r, "id") ?? "result",
      href: decodeHref(attr(r, "href") ?? "", base),
    };
    const mime = attr(r, "mime");
    if (mime) res.mime = mime;
    const size = attr(r, "size");
    if (size && /^\d+$/.test(size)) res.size = Number(size);
    const rows = attr(r, "rows");
    if (rows && /^\d+$/.test(rows)) res.rows = Number(rows);
    return res;
  });
}

function parseJobNode(job: XmlNode, base: string | undefined): JobInfo {
  const jobId = nonEmpty(job["jobId"]);
  const phaseText = nonEmpty(job["phase"]);
  if (!jobId || !phaseText) {
    throw new TableFormatError("UWS job document without jobId or phase", {
      format: "UWS",
      element: "job",
    });
  }
  const info: JobInfo = {
    jobId,
    phase: normalizePhase(phaseText),
    quote: null,
    parameters: {},
    results: parseResults(child(job, "results"), base),
  };
  const quote = job["quote"];
  if (!isNil(quote)) {
    const q = nonEmpty(quote);
    const d = q && !/^-?\d+$/.test(q) ? parseVoDate(q) : undefined;
    if (d) info.quote = d;
  }
  const runId = isNil(job["runId"]) ? undefined : nonEmpty(job["runId"]);
  if (runId) info.runId = runId;
  const owner = isNil(job["ownerId"]) ? undefined : nonEmpty(job["ownerId"]);
  if (owner) info.ownerId = owner;
  for (const k of ["creationTime", "startTime", "endTime", "destruction"] as const) {
    const d = dateOf(job[k]);
    if (d) info[k] = d;
  }
  const dur = nonEmpty(job["executionDuration"]);
  if (dur !== undefined && Number.isFinite(Number(dur))) info.executionDuration = Number(dur);
  for (const p of list(child(job, "parameters"), "parameter")) {
    const id = attr(p, "id");
    if (id) info.parameters[id] = text(p) ?? "";
  }
  const es = job["errorSummary"];
  if (es && typeof es === "object" && !isNil(es)) {
    const summary: ErrorSummary = { message: nonEmpty((es as XmlNode)["message"]) ?? "" };
    const type = attr(es, "type");
    if (type) summary.type = type;
    const hd = attr(es, "hasDetail");
    if (hd) summary.hasDetail = hd === "true";
    info.errorSummary = summary;
  }
  const version = attr(job, "version");
  if (version) info.version = version;
  const name = nonEmpty(job["name"]);
  if (name) info.name = name;
  const loc = nonEmpty(job["locationId"]);
  if (loc) info.locationId = loc;
  return info;
}

/**
 * Parses a UWS job document.
 *
 * @param xml the document
 * @param base URL to resolve relative result links against (the job URL)
 *
 * @example An ESA job document
 * ```ts
 * import { parseJob } from "./uws.ts";
 * const job = parseJob(`<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink">
 *   <uws:jobId><![CDATA[1404139480755A]]></uws:jobId><uws:phase>COMPLETED</uws:phase>
 *   <uws:startTime>2014-06-30T16:44:40.766+0200</uws:startTime>
 *   <uws:parameters><uws:parameter id="maxRec"><![CDATA[100000]]></uws:parameter></uws:parameters>
 *   <uws:results><uws:result id="result" xlink:href="http%3A%2F%2Fhost%2Ftap%2Fasync%2F1%2Fresults%2Fresult" rows="6"/></uws:results>
 * </uws:job>`);
 * if (job.phase !== "COMPLETED" || job.startTime?.toISOString() !== "2014-06-30T14:44:40.766Z") throw new Error();
 * if (job.results[0]?.href !== "http://host/tap/async/1/results/result" || job.results[0].rows !== 6) throw new Error();
 * ```
 */
export function parseJob(xml: string, base?: string): JobInfo {
  const doc = parseXml(xml, "UWS");
  const job = doc["job"];
  const node = Array.isArray(job) ? job[0] : job;
  if (!node || typeof node !== "object") {
    throw new TableFormatError("Not a UWS job document (no <uws:job> element)", { format: "UWS" });
  }
  return parseJobNode(node as XmlNode, base);
}

/** One entry of a job list. */
export interface JobRef {
  /** The job id. */
  id: string;
  /** Absolute job URL. */
  url: string;
  /** The job's phase, when listed. */
  phase?: JobPhase;
  /** The RUNID, when listed. */
  runId?: string;
  /** The owner, when listed. */
  ownerId?: string;
  /** When the job was created, when listed. */
  creationTime?: Date;
}

/**
 * Parses a UWS job list (`GET /async`): `uws:jobref` entries, or full
 * `uws:job` elements (the ESA `jobs/<list>` form).
 *
 * @param base the job list URL, to resolve relative links and build job URLs
 *
 * @example
 * ```ts
 * import { parseJobList } from "./uws.ts";
 * const jobs = parseJobList(`<uws:jobs xmlns:uws="u" xmlns:xlink="x">
 *   <uws:jobref id="a1" xlink:href="http://h/tap/async/a1"><uws:phase>COMPLETED</uws:phase></uws:jobref>
 * </uws:jobs>`, "http://h/tap/async");
 * if (jobs[0]?.id !== "a1" || jobs[0].phase !== "COMPLETED") throw new Error();
 * ```
 */
export function parseJobList(xml: string, base: string): JobRef[] {
  const doc = parseXml(xml, "UWS");
  const root = doc["jobs"] as XmlNode | undefined;
  if (root === undefined) {
    throw new TableFormatError("Not a UWS job list (no <uws:jobs> element)", { format: "UWS" });
  }
  const slash = base.endsWith("/") ? base : base + "/";
  const refs = list(root, "jobref").map((r) => {
    const id = attr(r, "id") ?? "";
    const href = attr(r, "href");
    const ref: JobRef = {
      id,
      url: href ? decodeHref(href, slash) : new URL(encodeURIComponent(id), slash).toString(),
    };
    const phase = nonEmpty(r["phase"]);
    if (phase) ref.phase = normalizePhase(phase);
    const runId = nonEmpty(r["runId"]);
    if (runId) ref.runId = runId;
    const owner = isNil(r["ownerId"]) ? undefined : nonEmpty(r["ownerId"]);
    if (owner) ref.ownerId = owner;
    const ct = dateOf(r["creationTime"]);
    if (ct) ref.creationTime = ct;
    return ref;
  });
  const jobs = list(root, "job").map((j) => {
    const info = parseJobNode(j, undefined);
    const ref: JobRef = {
      id: info.jobId,
      url: new URL(encodeURIComponent(info.jobId), slash).toString(),
      phase: info.phase,
    };
    if (info.runId) ref.runId = info.runId;
    if (info.ownerId) ref.ownerId = info.ownerId;
    if (info.creationTime) ref.creationTime = info.creationTime;
    return ref;
  });
  return [...refs, ...jobs];
}

/**
 * Parses a UWS result list (`GET <job>/results`).
 *
 * @example
 * ```ts
 * import { parseResultList } from "./uws.ts";
 * const r = parseResultList('<uws:results xmlns:uws="u" xmlns:xlink="x"><uws:result id="result" xlink:href="results/result"/></uws:results>', "http://h/async/j/");
 * if (r[0]?.href !== "http://h/async/j/results/result") throw new Error(r[0]?.href);
 * ```
 */
export function parseResultList(xml: string, base: string): JobResult[] {
  const doc = parseXml(xml, "UWS");
  const root = doc["results"] as XmlNode | undefined;
  if (root === undefined) {
    throw new TableFormatError("Not a UWS result list (no <uws:results> element)", {
      format: "UWS",
    });
  }
  return parseResults(root, base);
}
