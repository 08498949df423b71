/**
 * Async (UWS) jobs as a small card: phase with its colour, elapsed time,
 * link, the server's error message, and the query.
 *
 * @module
 */
import { escapeHtml, formatCount, formatDuration, type MimeBundle } from "./format.ts";

/** What a job display reads; UWS `JobInfo` and the TAP layer's job classes fit. */
export interface JobLike {
  /** The job id. */
  jobId: string;
  /** The UWS phase (`PENDING`, `QUEUED`, `EXECUTING`, `COMPLETED`, `ERROR`, `ABORTED`, ...). */
  phase: string;
  /** The job's URL. */
  url?: string | URL | undefined;
  /** The job's name (ESA `JOBNAME`). */
  name?: string | undefined;
  /** UWS run id. */
  runId?: string | undefined;
  /** Owner, when the service says. */
  ownerId?: string | undefined;
  /** When the job was created. */
  creationTime?: Date | undefined;
  /** When it started running. */
  startTime?: Date | undefined;
  /** When it ended. */
  endTime?: Date | undefined;
  /** The server's error summary of a job in ERROR. */
  errorSummary?: { message: string; type?: string | undefined } | undefined;
  /** Job parameters (the `QUERY` is shown). */
  parameters?: Record<string, string> | undefined;
  /** Result links, with row counts when the service gives them. */
  results?: ReadonlyArray<{ id: string; href: string; rows?: number | undefined }> | undefined;
}

/**
 * Reads a job from what a value offers: a UWS `JobInfo` (`jobId`, `phase`),
 * or a job object holding its last document in `lastInfo` / `info` next to
 * its `id`, `url`, `phase` and `adql` (the TAP layer's `UwsJob`).
 *
 * @param x Any value.
 * @returns The job fields, or `undefined` when `x` is not a job.
 */
export function asJobLike(x: unknown): JobLike | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const o = x as Record<string, unknown>;
  const read = (k: string): unknown => {
    try {
      const v = o[k];
      return typeof v === "function" ? undefined : v;
    } catch {
      return undefined;
    }
  };
  if (typeof read("jobId") === "string" && typeof read("phase") === "string") return x as JobLike;
  const doc = [read("lastInfo"), read("info")].find((d) =>
    typeof d === "object" && d !== null && typeof (d as JobLike).jobId === "string"
  ) as JobLike | undefined;
  const id = doc?.jobId ?? (typeof read("id") === "string" ? read("id") as string : undefined);
  const url = read("url");
  // A bare { id, url } is a job only when it also says where it is (a UWS job URL) or has a phase.
  if (id === undefined || (!doc && typeof url !== "string")) return undefined;
  if (!doc && !("phase" in o) && !/\/async\//.test(String(url))) return undefined;
  const adql = read("adql");
  const job: JobLike = {
    ...(doc ?? {}),
    jobId: id,
    phase: (typeof read("phase") === "string" ? read("phase") : doc?.phase) as string ?? "UNKNOWN",
  };
  if (typeof url === "string" || url instanceof URL) job.url = url;
  if (typeof adql === "string" && !job.parameters) job.parameters = { QUERY: adql };
  return job;
}

const PHASE_COLOURS: Record<string, string> = {
  PENDING: "#6c757d",
  QUEUED: "#0d6efd",
  EXECUTING: "#0d6efd",
  COMPLETED: "#198754",
  ERROR: "#dc3545",
  ABORTED: "#dc3545",
  HELD: "#fd7e14",
  SUSPENDED: "#fd7e14",
  ARCHIVED: "#6c757d",
  UNKNOWN: "#6c757d",
};

/** Elapsed time of a job: start to end, or start to `now` while it runs. */
export function jobElapsed(job: JobLike, now: number = Date.now()): number | undefined {
  const start = job.startTime ?? job.creationTime;
  if (!start) return undefined;
  const end = job.endTime ??
    (["COMPLETED", "ERROR", "ABORTED"].includes(job.phase) ? undefined : new Date(now));
  return end ? end.getTime() - start.getTime() : undefined;
}

/**
 * Renders a job as a MIME bundle.
 *
 * @param job A UWS job (see {@linkcode JobLike}).
 * @param now The current time in ms (for the elapsed time of a running job). @default Date.now()
 * @returns `{ "text/html", "text/plain" }`.
 *
 * @example
 * ```ts
 * import { renderJob } from "./job_display.ts";
 * const b = renderJob({
 *   jobId: "1700000000000O", phase: "ERROR", url: "http://127.0.0.1:8787/tap-server/tap/async/1700000000000O",
 *   startTime: new Date(0), endTime: new Date(2500), errorSummary: { message: "Unknown table <x>" },
 * });
 * if (!b["text/plain"].includes("ERROR") || !b["text/plain"].includes("2.5 s")) throw new Error(b["text/plain"]);
 * if (b["text/html"]!.includes("<x>")) throw new Error("not escaped");
 * ```
 */
export function renderJob(job: JobLike, now: number = Date.now()): MimeBundle {
  const elapsed = jobElapsed(job, now);
  const url = job.url !== undefined ? String(job.url) : undefined;
  const query = job.parameters
    ? Object.entries(job.parameters).find(([k]) => k.toLowerCase() === "query")?.[1]
    : undefined;
  const rows = job.results?.reduce((n, r) => n + (r.rows ?? 0), 0);
  const facts: string[] = [`phase ${job.phase}`];
  if (elapsed !== undefined) {
    facts.push(`${job.endTime ? "took" : "running for"} ${formatDuration(elapsed)}`);
  }
  if (job.results?.length) {
    facts.push(
      `${job.results.length} result${job.results.length === 1 ? "" : "s"}${
        rows ? ` (${formatCount(rows)} rows)` : ""
      }`,
    );
  }
  if (job.name) facts.push(`name ${job.name}`);
  const text = [`Job ${job.jobId}: ${facts.join(", ")}`];
  if (url) text.push(`  ${url}`);
  if (job.errorSummary) text.push(`  error: ${job.errorSummary.message}`);
  if (query) text.push(`  query: ${oneLine(query)}`);

  const colour = PHASE_COLOURS[job.phase] ?? "#6c757d";
  const h: string[] = [
    `<div class="deno-gaia-job" style="font-family: system-ui, sans-serif; font-size: 12px; border-left: 4px solid ${colour}; padding: 4px 8px">`,
    `<div><b>Job ${
      escapeHtml(job.jobId)
    }</b> <span style="background: ${colour}; color: white; border-radius: 3px; padding: 0 5px">${
      escapeHtml(job.phase)
    }</span> ${escapeHtml(facts.slice(1).join(" · "))}</div>`,
  ];
  if (url) {
    h.push(
      `<div><a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${
        escapeHtml(url)
      }</a></div>`,
    );
  }
  if (job.errorSummary) {
    h.push(
      `<div role="alert" style="color: #58151c; background: #f8d7da; padding: 2px 6px; margin-top: 2px">${
        escapeHtml(job.errorSummary.message)
      }</div>`,
    );
  }
  if (query) {
    h.push(
      `<pre style="margin: 4px 0 0; white-space: pre-wrap; color: #333">${escapeHtml(query)}</pre>`,
    );
  }
  h.push("</div>");
  return { "text/html": h.join(""), "text/plain": text.join("\n") };
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > 120 ? t.slice(0, 119) + "…" : t;
}
