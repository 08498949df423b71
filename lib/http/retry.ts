/**
 * Retry helpers: which requests and answers may be retried, exponential
 * back-off with jitter, `Retry-After` parsing and an abortable sleep.
 *
 * @module
 */

/**
 * Statuses worth retrying for an idempotent request.
 *
 * @example
 * ```ts
 * import { RETRY_STATUSES } from "./retry.ts";
 * if (!RETRY_STATUSES.has(503) || RETRY_STATUSES.has(500)) throw new Error();
 * ```
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Methods that are idempotent by definition (RFC 9110).
 *
 * @example
 * ```ts
 * import { IDEMPOTENT_METHODS } from "./retry.ts";
 * if (IDEMPOTENT_METHODS.has("POST")) throw new Error("POST creates jobs: never retried by default");
 * ```
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "PUT",
  "DELETE",
]);

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date.
 * Returns seconds (never negative), or `undefined` when absent or unreadable.
 *
 * @param value the header value
 * @param now the current time in ms (for HTTP dates)
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./retry.ts";
 * if (parseRetryAfter("120") !== 120) throw new Error("seconds");
 * const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
 * if (parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now) !== 30) throw new Error("date");
 * if (parseRetryAfter("soon") !== undefined) throw new Error("garbage");
 * ```
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  if (!/[a-z]/i.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.round((t - now) / 1000));
}

/** Back-off settings. */
export interface BackoffOptions {
  /** First delay in ms. @default 500 */
  initialDelay?: number;
  /** Growth factor per attempt. @default 2 */
  factor?: number;
  /** Largest delay in ms. @default 30000 */
  maxDelay?: number;
  /** Random source in [0, 1) (for tests). @default Math.random */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential growth with
 * "full jitter" between half and the whole of the exponential value.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./retry.ts";
 * const d = backoffDelay(3, { initialDelay: 100, random: () => 0.999 });
 * if (d > 800 || d < 400) throw new Error(String(d));
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelay = 500, factor = 2, maxDelay = 30_000, random = Math.random } = options;
  const exp = Math.min(maxDelay, initialDelay * factor ** attempt);
  return Math.round(exp / 2 + random() * exp / 2);
}

/**
 * Sleeps `ms` milliseconds; rejects with the signal's reason as soon as
 * `signal` aborts.
 *
 * @example
 * ```ts
 * import { sleep } from "./retry.ts";
 * const c = new AbortController();
 * const p = sleep(60_000, c.signal);
 * c.abort(new Error("stop"));
 * await p.then(() => { throw new Error("should reject"); }, (e) => { if (e.message !== "stop") throw e; });
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
