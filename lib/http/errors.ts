/**
 * Typed errors of the HTTP layer. Every error names the URL with credentials
 * and secret query parameters removed, so it can be shown in a notebook or a
 * log without leaking a password or a session id.
 *
 * @module
 */

const SECRET_PARAM =
  /^(pass(word|wd)?|pwd|token|access_token|refresh_token|api_?key|key|secret|session(id)?|jsessionid|auth(orization)?|signature|sig|credentials?)$/i;

/**
 * Returns `url` as text without user name, password, secret query
 * parameters (`password`, `token`, `session`, ...) or `;jsessionid=` path
 * parameters. Used by every error message of deno-gaia.
 *
 * @example Credentials and secrets are masked
 * ```ts
 * import { redactUrl } from "./errors.ts";
 * const text = redactUrl("https://bob:hunter2@example.org/tap;jsessionid=ABC?token=xyz&QUERY=1");
 * if (text.includes("hunter2") || text.includes("xyz") || text.includes("ABC")) throw new Error(text);
 * if (!text.includes("QUERY=1")) throw new Error(text);
 * ```
 */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return String(url).replace(/\/\/[^/@\s]*@/, "//").replace(/;jsessionid=[^?#/]*/gi, "");
  }
  u.username = "";
  u.password = "";
  u.pathname = u.pathname.replace(/;jsessionid=[^/]*/gi, "");
  const keys = [...new Set(u.searchParams.keys())];
  for (const k of keys) {
    if (SECRET_PARAM.test(k)) u.searchParams.set(k, "***");
  }
  return u.toString();
}

/**
 * Redacts every http(s) URL inside a text (for messages of lower layers that
 * may quote a URL with its credentials or secret parameters).
 *
 * @example
 * ```ts
 * import { redactText } from "./errors.ts";
 * const t = redactText("error sending request for url (http://u:pw@h/x?token=abc): refused");
 * if (t.includes("pw") || t.includes("abc") || !t.includes("refused")) throw new Error(t);
 * ```
 */
export function redactText(text: string): string {
  return text.replace(/https?:\/\/[^\s)'"<>]+/gi, (u) => redactUrl(u));
}

/** What an {@linkcode HttpError} is built from. */
export interface HttpErrorOptions {
  /** HTTP status code. */
  status: number;
  /** Status text sent by the server, if any. */
  statusText?: string;
  /** The request URL (redacted before it is stored). */
  url: string | URL;
  /** HTTP method of the request. */
  method?: string;
  /** The response's `Content-Type`. */
  contentType?: string | null;
  /** The start of the response body (at most a few hundred characters are kept). */
  bodyExcerpt?: string;
  /** The server's own message extracted from the body, when one was found. */
  serverMessage?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Longest body excerpt kept in an error.
 *
 * @example
 * ```ts
 * import { EXCERPT_LENGTH, HttpError } from "./errors.ts";
 * const e = new HttpError("Failed", { status: 500, url: "http://localhost/", bodyExcerpt: "x".repeat(1000) });
 * if (e.bodyExcerpt.length !== EXCERPT_LENGTH) throw new Error();
 * ```
 */
export const EXCERPT_LENGTH = 300;

/**
 * The server answered with an error status (4xx or 5xx), or with a body that
 * cannot be what was asked for (an HTML page where XML was expected).
 *
 * @example Reading what went wrong
 * ```ts
 * import { HttpError } from "./errors.ts";
 * const e = new HttpError("Request failed", {
 *   status: 500,
 *   url: "http://u:p@localhost/tap/sync?password=x",
 *   contentType: "text/plain",
 *   bodyExcerpt: "null",
 * });
 * if (e.status !== 500 || e.url.includes(":p@") || e.url.includes("password=x")) throw e;
 * if (!e.message.includes("HTTP 500")) throw new Error(e.message);
 * ```
 */
export class HttpError extends Error {
  /** HTTP status code (0 when not applicable). */
  readonly status: number;
  /** Status text sent by the server. */
  readonly statusText: string;
  /** The request URL without credentials or secret parameters. */
  readonly url: string;
  /** HTTP method of the request. */
  readonly method: string;
  /** The response's content type, if any. */
  readonly contentType: string | undefined;
  /** The start of the response body (trimmed, at most {@linkcode EXCERPT_LENGTH} characters). */
  readonly bodyExcerpt: string;
  /** The server's message extracted from the body (VOTable INFO, HTML, or text). */
  readonly serverMessage: string | undefined;

  /** Creates the error; the URL is redacted and the body excerpt shortened. */
  constructor(message: string, options: HttpErrorOptions) {
    const url = redactUrl(options.url);
    const method = options.method ?? "GET";
    const excerpt = (options.bodyExcerpt ?? "").trim().slice(0, EXCERPT_LENGTH);
    const detail = options.serverMessage ??
      (excerpt ? `body starts: ${JSON.stringify(excerpt)}` : "");
    const status = options.status
      ? `HTTP ${options.status}${options.statusText ? ` ${options.statusText}` : ""}`
      : "";
    const head = [message, status].filter(Boolean).join(": ");
    super(`${head} from ${method} ${url}${detail ? ` — ${detail}` : ""}`, { cause: options.cause });
    this.name = "HttpError";
    this.status = options.status;
    this.statusText = options.statusText ?? "";
    this.url = url;
    this.method = method;
    this.contentType = options.contentType ?? undefined;
    this.bodyExcerpt = excerpt;
    this.serverMessage = options.serverMessage;
  }
}

/**
 * The server asked the client to slow down (HTTP 429, or 503 with
 * `Retry-After`) and the retries allowed were used up, or the wait it asked
 * for was longer than the client is willing to sleep.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "./errors.ts";
 * const e = new RateLimitError("Too many requests", { status: 429, url: "http://localhost/x", retryAfter: 30 });
 * if (e.retryAfter !== 30 || !e.message.includes("30 s")) throw e;
 * ```
 */
export class RateLimitError extends HttpError {
  /** Seconds the server asked to wait before the next request, when it said. */
  readonly retryAfter: number | undefined;
  /** Creates the error with the parsed `Retry-After` in seconds. */
  constructor(message: string, options: HttpErrorOptions & { retryAfter?: number }) {
    const wait = options.retryAfter !== undefined
      ? `; the server asks to wait ${Math.ceil(options.retryAfter)} s before trying again`
      : "; wait a while before trying again";
    super(message + wait, options);
    this.name = "RateLimitError";
    this.retryAfter = options.retryAfter;
  }
}

/**
 * A response whose body is not what was asked for, typically an HTML error
 * page sent with status 200 where XML or a table was expected.
 *
 * @example
 * ```ts
 * import { HttpError, UnexpectedContentError } from "./errors.ts";
 * const e = new UnexpectedContentError("Expected XML but got an HTML page", { status: 200, url: "http://localhost/tap/tables" });
 * if (!(e instanceof HttpError) || e.status !== 200) throw e;
 * ```
 */
export class UnexpectedContentError extends HttpError {
  /** Creates the error. */
  constructor(message: string, options: HttpErrorOptions) {
    super(message, options);
    this.name = "UnexpectedContentError";
  }
}

/**
 * More redirects than allowed (or a redirect back to an address already visited).
 *
 * @example
 * ```ts
 * import { RedirectError } from "./errors.ts";
 * const e = new RedirectError("Redirect loop", { status: 302, url: "http://localhost/a", chain: ["http://localhost/a", "http://localhost/b"] });
 * if (e.chain.length !== 2) throw e;
 * ```
 */
export class RedirectError extends HttpError {
  /** The chain of (redacted) URLs that was followed. */
  readonly chain: string[];
  /** Creates the error with the redirect chain followed. */
  constructor(message: string, options: HttpErrorOptions & { chain: string[] }) {
    super(message, options);
    this.name = "RedirectError";
    this.chain = options.chain.map(redactUrl);
  }
}

/**
 * The connection failed: refused, reset, DNS failure, or closed before the
 * whole body arrived (a truncated body).
 *
 * @example
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * const e = new NetworkError("Connection refused", { url: "http://localhost:1/tap" });
 * if (!(e instanceof Error) || !e.message.includes("localhost:1")) throw e;
 * ```
 */
export class NetworkError extends Error {
  /** The request URL without credentials. */
  readonly url: string;
  /** HTTP method of the request. */
  readonly method: string;
  /** Bytes of the body received before the failure, when it happened while reading a body. */
  readonly bytesReceived: number | undefined;
  /** Creates the error; the URL is redacted. */
  constructor(
    message: string,
    options: { url: string | URL; method?: string; bytesReceived?: number; cause?: unknown },
  ) {
    const url = redactUrl(options.url);
    const method = options.method ?? "GET";
    super(`${redactText(message)} (${method} ${url})`, { cause: options.cause });
    this.name = "NetworkError";
    this.url = url;
    this.method = method;
    this.bytesReceived = options.bytesReceived;
  }
}

/**
 * The request took longer than its timeout (waiting for the response, or no
 * body bytes arrived for longer than the idle timeout).
 *
 * @example
 * ```ts
 * import { TimeoutError } from "./errors.ts";
 * const e = new TimeoutError("No response", { url: "http://localhost/tap", timeout: 1500 });
 * if (e.timeout !== 1500 || !e.message.includes("1.5 s")) throw e;
 * ```
 */
export class TimeoutError extends Error {
  /** The request URL without credentials. */
  readonly url: string;
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;
  /** Creates the error; the URL is redacted. */
  constructor(
    message: string,
    options: { url: string | URL; timeout: number; method?: string; cause?: unknown },
  ) {
    const url = redactUrl(options.url);
    super(
      `${message} after ${options.timeout / 1000} s (${
        options.method ?? "GET"
      } ${url}); raise "timeout" if the server is slow`,
      { cause: options.cause },
    );
    this.name = "TimeoutError";
    this.url = url;
    this.timeout = options.timeout;
  }
}
