/**
 * Limits of the local archive: what one request, one user and one query may
 * use. Every limit gives a clear error naming the limit and how to raise it.
 *
 * @module
 */

/** Limits of the local archive. Every field has a default. */
export interface ArchiveLimits {
  /** Largest request body (uploads included), in bytes. @default 64 MiB */
  maxUploadBytes: number;
  /** Longest ADQL text, in characters. @default 100_000 */
  maxQueryLength: number;
  /** Most rows a result may hold; MAXREC is capped to it. @default 3_000_000 */
  maxRows: number;
  /** Most jobs (sync results are not jobs) a user may keep. @default 200 */
  maxJobsPerUser: number;
  /** Most anonymous jobs kept at once over all anonymous clients. @default 2000 */
  maxAnonymousJobs: number;
  /** Most source ids in one DataLink request (the real archive's limit). @default 5000 */
  maxDatalinkIds: number;
  /** Async jobs run at once. @default 2 */
  workers: number;
  /** Synchronous queries one logged-in user may run at once (429 beyond). @default 4 */
  maxSyncPerUser: number;
  /** Longest `WAIT=` a client may block for, in seconds. @default 60 */
  maxWaitSeconds: number;
  /** Longest run of one query, in seconds (0 = none). @default 600 */
  maxExecutionSeconds: number;
  /** Largest table fetched from a URL for an upload, in bytes. @default 64 MiB */
  maxUrlUploadBytes: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxUploadBytes: 64 * 1024 * 1024,
  maxQueryLength: 100_000,
  maxRows: 3_000_000,
  maxJobsPerUser: 200,
  maxAnonymousJobs: 2000,
  maxDatalinkIds: 5000,
  workers: 2,
  maxSyncPerUser: 4,
  maxWaitSeconds: 60,
  maxExecutionSeconds: 600,
  maxUrlUploadBytes: 64 * 1024 * 1024,
});

/**
 * Fills the missing fields of partial limits with the defaults and checks
 * that each is a positive number.
 *
 * @example
 * ```ts
 * import { resolveLimits } from "./limits.ts";
 * const l = resolveLimits({ workers: 4 });
 * if (l.workers !== 4 || l.maxDatalinkIds !== 5000) throw new Error("bad defaults");
 * ```
 */
export function resolveLimits(partial: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const out = { ...DEFAULT_LIMITS, ...partial };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`Archive limit '${k}' must be a non-negative number, got ${String(v)}`);
    }
  }
  if (out.workers < 1) throw new RangeError(`Archive limit 'workers' must be at least 1`);
  if (out.maxSyncPerUser < 1) {
    throw new RangeError(`Archive limit 'maxSyncPerUser' must be at least 1`);
  }
  return out;
}
