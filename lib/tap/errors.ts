/**
 * Errors of the TAP layer: a query the server refused or failed
 * ({@linkcode TapQueryError}), an async job that ended in ERROR or ABORTED or
 * vanished ({@linkcode UwsJobError}), and a client-side wait that ran out
 * while the job keeps running ({@linkcode JobTimeoutError}).
 *
 * @module
 */
import { redactUrl } from "../http/errors.ts";

/** Line and column of an ADQL error, when the server's message gives them. */
export interface AdqlErrorPosition {
  /** 1-based line in the ADQL. */
  line: number;
  /** 1-based column in the ADQL. */
  column: number;
}

/**
 * Finds a line and column in a server's error message. Understands DaCHS
 * (`(line:1, col:8)`), ESA/TAPLib (`line 1, column 8`, `[l.1 c.8 - l.1 c.12]`)
 * and `at line 3 col 4` styles.
 *
 * @example
 * ```ts
 * import { findErrorPosition } from "./errors.ts";
 * const p = findErrorPosition("Could not parse your query: Expected \"SELECT\" (at char 0), (line:1, col:1)");
 * if (p?.line !== 1 || p.column !== 1) throw new Error(JSON.stringify(p));
 * const q = findErrorPosition("Incorrect ADQL query: Encountered \"FORM\". [l.1 c.13 - l.1 c.17]");
 * if (q?.line !== 1 || q.column !== 13) throw new Error(JSON.stringify(q));
 * ```
 */
export function findErrorPosition(message: string): AdqlErrorPosition | undefined {
  const patterns = [
    /\bline\s*[:=]?\s*(\d+)\s*,?\s*col(?:umn)?\s*[:=]?\s*(\d+)/i,
    /\bl\.\s*(\d+)\s*,?\s*c\.\s*(\d+)/i,
    /\brow\s*[:=]?\s*(\d+)\s*,?\s*col(?:umn)?\s*[:=]?\s*(\d+)/i,
  ];
  for (const re of patterns) {
    const m = re.exec(message);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

/** What a {@linkcode TapQueryError} carries. */
export interface TapQueryErrorOptions {
  /** The ADQL that was sent. */
  adql?: string | undefined;
  /** The URL of the request (redacted before it is stored). */
  url?: string | URL | undefined;
  /** HTTP status of the answer (200 for an error VOTable sent with 200). */
  httpStatus?: number | undefined;
  /** Where the message came from. */
  source?: "votable" | "uws" | "html" | "text" | "json" | "http" | "client" | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The TAP service did not run the query: an ADQL syntax error, an unknown
 * table or column, an unsupported format, a failure while the result was
 * being written. `serverMessage` is the service's own text; `line` and
 * `column` are set when that text gives them.
 *
 * @example
 * ```ts
 * import { TapQueryError } from "./errors.ts";
 * const e = new TapQueryError("Could not parse your query (line:1, col:1)", { adql: "SELEKT 1", httpStatus: 200 });
 * if (e.line !== 1 || e.column !== 1 || e.adql !== "SELEKT 1") throw e;
 * if (!e.message.includes("SELEKT 1")) throw new Error(e.message);
 * // a one-line query appears once, with the caret under the failing column
 * if (!e.message.endsWith("Query: SELEKT 1\n       ^")) throw new Error(e.message);
 * ```
 */
export class TapQueryError extends Error {
  /** The service's message. */
  readonly serverMessage: string;
  /** The ADQL that was sent, if known. */
  readonly adql: string | undefined;
  /** 1-based line of the error in the ADQL, when the server said. */
  readonly line: number | undefined;
  /** 1-based column of the error in the ADQL, when the server said. */
  readonly column: number | undefined;
  /** HTTP status of the answer. */
  readonly httpStatus: number | undefined;
  /** The request URL without credentials. */
  readonly url: string | undefined;
  /** Where the message was found. */
  readonly source: TapQueryErrorOptions["source"];

  /** Creates the error; line and column are read from the message. */
  constructor(serverMessage: string, options: TapQueryErrorOptions = {}) {
    const pos = findErrorPosition(serverMessage);
    const query = options.adql !== undefined
      ? `\nQuery: ${options.adql.length > 500 ? options.adql.slice(0, 500) + "..." : options.adql}`
      : "";
    // A one-line query gets the caret right under it; a longer one repeats the failing line.
    const marker = pos && options.adql !== undefined
      ? caret(options.adql, pos, !/[\r\n]/.test(options.adql) && options.adql.length <= 500)
      : "";
    const status = options.httpStatus !== undefined && options.httpStatus !== 200
      ? ` (HTTP ${options.httpStatus})`
      : "";
    super(`The TAP service reported an error${status}: ${serverMessage}${query}${marker}`, {
      cause: options.cause,
    });
    this.name = "TapQueryError";
    this.serverMessage = serverMessage;
    this.adql = options.adql;
    this.line = pos?.line;
    this.column = pos?.column;
    this.httpStatus = options.httpStatus;
    this.url = options.url !== undefined ? redactUrl(options.url) : undefined;
    this.source = options.source;
  }
}

function caret(adql: string, pos: AdqlErrorPosition, underQuery: boolean): string {
  const line = adql.split(/\r?\n/)[pos.line - 1];
  if (line === undefined || pos.column < 1 || pos.column > line.length + 1 || line.length > 300) {
    return "";
  }
  const mark = `\n       ${" ".repeat(pos.column - 1)}^`;
  return underQuery ? mark : `\n       ${line}${mark}`;
}

/** What a {@linkcode UwsJobError} carries. */
export interface UwsJobErrorOptions extends TapQueryErrorOptions {
  /** The job's URL. */
  jobUrl: string;
  /** The job's phase when the error was raised. */
  phase?: string | undefined;
  /** The UWS errorSummary type (`fatal` or `transient`). */
  errorType?: string | undefined;
}

/**
 * An async job ended in ERROR (the server's message from its errorSummary or
 * error document), was ABORTED, or cannot be found any more. A subclass of
 * {@linkcode TapQueryError}, so one `catch` handles sync and async failures.
 *
 * @example
 * ```ts
 * import { TapQueryError, UwsJobError } from "./errors.ts";
 * const e = new UwsJobError("Field query: Could not parse", { jobUrl: "http://localhost/async/x", phase: "ERROR" });
 * if (!(e instanceof TapQueryError) || e.phase !== "ERROR") throw e;
 * ```
 */
export class UwsJobError extends TapQueryError {
  /** The job's URL (redacted). */
  readonly jobUrl: string;
  /** The job's phase. */
  readonly phase: string | undefined;
  /** The UWS error type (`fatal`, `transient`). */
  readonly errorType: string | undefined;
  /** Creates the error for the job at `options.jobUrl`. */
  constructor(serverMessage: string, options: UwsJobErrorOptions) {
    super(serverMessage, options);
    this.name = "UwsJobError";
    this.message = this.message.replace(
      /^The TAP service reported an error( \(HTTP \d+\))?:/,
      `The async job ${redactUrl(options.jobUrl)}${
        options.phase ? ` (phase ${options.phase})` : ""
      } failed:`,
    );
    this.jobUrl = redactUrl(options.jobUrl);
    this.phase = options.phase;
    this.errorType = options.errorType;
  }
}

/**
 * A client-side wait ran out. The job is *not* cancelled: it keeps running
 * on the server, and `service.job(error.jobUrl)` picks it up again.
 *
 * @example
 * ```ts
 * import { JobTimeoutError } from "./errors.ts";
 * const e = new JobTimeoutError({ jobUrl: "http://localhost/tap/async/abc", phase: "EXECUTING", timeout: 5000 });
 * if (!e.message.includes("service.job(") || !e.message.includes("still EXECUTING")) throw e;
 * ```
 */
export class JobTimeoutError extends Error {
  /** The job's URL (redacted), to resume with `service.job(url)`. */
  readonly jobUrl: string;
  /** The job's last known phase. */
  readonly phase: string;
  /** The client-side timeout that expired, in ms. */
  readonly timeout: number;
  /** Creates the error for a wait on `options.jobUrl` that ran out. */
  constructor(options: { jobUrl: string; phase: string; timeout: number }) {
    const url = redactUrl(options.jobUrl);
    super(
      `The async job ${url} is still ${options.phase} after waiting ${options.timeout / 1000} s. ` +
        `It keeps running on the server: resume later with \`await service.job(${
          JSON.stringify(url)
        })\` ` +
        "and `job.wait()`, or stop it with `job.abort()`.",
    );
    this.name = "JobTimeoutError";
    this.jobUrl = url;
    this.phase = options.phase;
    this.timeout = options.timeout;
  }
}
