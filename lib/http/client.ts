/**
 * {@linkcode HttpClient}: one `fetch` wrapper shared by the TAP, TAP+ and
 * DataLink clients. Per-call timeouts and `AbortSignal`s, retries with
 * exponential back-off and jitter for idempotent requests only, explicit
 * redirects (so the UWS 303 answers can be seen), an in-memory cookie jar,
 * download progress and typed errors.
 *
 * @module
 */
import { CookieJar } from "./cookie_jar.ts";
import {
  EXCERPT_LENGTH,
  HttpError,
  NetworkError,
  RateLimitError,
  redactUrl,
  RedirectError,
  TimeoutError,
  UnexpectedContentError,
} from "./errors.ts";
import { type DownloadProgress, guardBody, HttpResponse } from "./response.ts";
import {
  backoffDelay,
  type BackoffOptions,
  IDEMPOTENT_METHODS,
  parseRetryAfter,
  RETRY_STATUSES,
  sleep,
} from "./retry.ts";
import { extractServerMessage } from "./server_message.ts";
import { USER_AGENT } from "./version.ts";

/** Information passed to {@linkcode HttpClientOptions.onRetry}. */
export interface RetryInfo {
  /** 1-based number of the retry about to happen. */
  attempt: number;
  /** Milliseconds the client waits before it. */
  delay: number;
  /** Why: `status 503`, `network error: ...`. */
  reason: string;
  /** The (redacted) URL. */
  url: string;
}

/** Settings of an {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Headers sent with every request (a per-request header of the same name wins). */
  headers?: HeadersInit;
  /** `User-Agent` header. @default "deno-gaia/<version>" */
  userAgent?: string;
  /** Milliseconds to wait for the response headers. @default 60000 */
  timeout?: number;
  /** Milliseconds without a body byte before a download fails. @default the `timeout` */
  idleTimeout?: number;
  /** Retries of an idempotent request (network errors, 429, 502, 503, 504). @default 3 */
  retries?: number;
  /** Back-off between retries. @default {initialDelay: 500, factor: 2, maxDelay: 30000} */
  backoff?: BackoffOptions;
  /** Longest `Retry-After` (seconds) the client sleeps for; longer asks fail with RateLimitError. @default 120 */
  maxRetryAfter?: number;
  /** Redirects followed before a RedirectError. @default 20 */
  maxRedirects?: number;
  /** The cookie jar; `false` disables cookies. @default a new CookieJar */
  cookies?: CookieJar | false;
  /** Called before each retry (for logs and progress displays). */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Ask loopback servers (`127.x.x.x`, `::1`, `localhost`) for uncompressed
   * answers (`Accept-Encoding: identity`) instead of fetch's `gzip, br`: on
   * loopback, compressing costs the server more time than the bytes save
   * (200 000 rows from a local DaCHS: 5.5 s identity, 8.7 s gzip'd). An
   * `Accept-Encoding` header given in `headers` or per request wins;
   * `false` keeps fetch's default everywhere.
   * @default true
   */
  loopbackIdentity?: boolean;
}

/** Values accepted in query strings and forms; `undefined` entries are left out. */
export type ParamValue = string | number | bigint | boolean | undefined | null;

/** Options of one request. */
export interface RequestOptions {
  /** HTTP method. @default "GET" (or "POST" when a body or form is given) */
  method?: string;
  /** Extra headers for this request. */
  headers?: HeadersInit;
  /** Query parameters appended to the URL. */
  query?: Record<string, ParamValue> | URLSearchParams;
  /** A url-encoded form body. */
  form?: Record<string, ParamValue> | URLSearchParams;
  /** Any other body (FormData for multipart). Streams cannot be retried. */
  body?: BodyInit | null;
  /** Cancels the request (and the body download). */
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for the response headers. @default client timeout */
  timeout?: number | undefined;
  /** Milliseconds without a body byte. @default client idleTimeout */
  idleTimeout?: number | undefined;
  /**
   * Treat a POST (or PATCH) as idempotent, so it may be retried. Never set
   * this for a request that creates something (an async job).
   */
  idempotent?: boolean;
  /** Retries for this request. @default client retries (0 for non-idempotent requests) */
  retries?: number;
  /**
   * `"follow"` follows redirects (up to `maxRedirects`); `"manual"` returns
   * the 3xx answer itself (for UWS job creation). @default "follow"
   */
  redirect?: "follow" | "manual";
  /** Return 4xx/5xx responses instead of throwing {@linkcode HttpError}. @default false */
  allowErrorStatus?: boolean;
  /** Called as body bytes arrive. */
  onProgress?: ((p: DownloadProgress) => void) | undefined;
}

/** Content families for {@linkcode HttpClient.expectContent}. */
export type ExpectedContent = "xml" | "votable" | "text" | "table" | "json" | "binary";

/** A loopback host: `localhost`, `::1` or an IPv4 address `127.x.x.x` (not a name like `127.example.org`). */
function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function toParams(p: Record<string, ParamValue> | URLSearchParams): URLSearchParams {
  if (p instanceof URLSearchParams) return p;
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v !== undefined && v !== null) out.append(k, String(v));
  }
  return out;
}

/** Reads at most `limit` bytes of a response body as text, then cancels it. */
async function readExcerpt(res: HttpResponse, limit = 65536): Promise<string> {
  try {
    const body = res.body;
    if (!body) return "";
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let n = 0;
    while (n < limit) {
      const r = await reader.read();
      if (r.done) break;
      chunks.push(r.value);
      n += r.value.length;
    }
    reader.cancel().catch(() => {});
    const all = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all.subarray(0, limit));
  } catch {
    return "";
  }
}

/**
 * Builds the typed error for a failed response, reading a bounded part of its
 * body for the server's message: {@linkcode RateLimitError} for 429 (or 503
 * with `Retry-After`), else {@linkcode HttpError}.
 *
 * @example
 * ```ts
 * import { errorFromResponse, HttpResponse, HttpError } from "./mod.ts";
 * const res = new HttpResponse({
 *   status: 500, statusText: "Internal Server Error", url: "http://localhost/tap/sync", method: "POST",
 *   headers: new Headers({ "content-type": "text/html" }), redirected: false,
 *   body: new Response("<html><li><b>Message: </b>Boom</li></html>").body,
 * });
 * const e = await errorFromResponse(res);
 * if (!(e instanceof HttpError) || e.serverMessage !== "Boom") throw e;
 * ```
 */
export async function errorFromResponse(res: HttpResponse, message?: string): Promise<HttpError> {
  const text = res.bodyUsed ? "" : await readExcerpt(res);
  const found = extractServerMessage(text, res.contentType);
  const opts = {
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    method: res.method,
    contentType: res.contentType,
    bodyExcerpt: text.slice(0, EXCERPT_LENGTH),
    ...(found ? { serverMessage: found.message } : {}),
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429 || (res.status === 503 && retryAfter !== undefined)) {
    return new RateLimitError(message ?? "The server is rate limiting requests", {
      ...opts,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    });
  }
  return new HttpError(message ?? "Request failed", opts);
}

/**
 * A fetch wrapper with timeouts, safe retries, redirects, cookies, progress
 * and typed errors. One instance per service (it holds the session cookies).
 *
 * @example Fetching text from a local server
 * ```ts
 * import { HttpClient } from "./client.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) =>
 *   new Response(req.headers.get("user-agent") ?? ""));
 * try {
 *   const http = new HttpClient();
 *   const res = await http.request(`http://127.0.0.1:${server.addr.port}/`);
 *   const ua = await res.text();
 *   if (!ua.startsWith("deno-gaia/")) throw new Error(ua);
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export class HttpClient {
  /** The cookie jar (`undefined` when cookies are disabled). */
  readonly cookies: CookieJar | undefined;
  readonly #fetch: typeof fetch;
  readonly #headers: Headers;
  readonly #timeout: number;
  readonly #idleTimeout: number;
  readonly #retries: number;
  readonly #backoff: BackoffOptions;
  readonly #maxRetryAfter: number;
  readonly #maxRedirects: number;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #loopbackIdentity: boolean;

  /** Creates a client; see {@linkcode HttpClientOptions} for the defaults. */
  constructor(options: HttpClientOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#headers = new Headers(options.headers);
    if (!this.#headers.has("user-agent")) {
      this.#headers.set("user-agent", options.userAgent ?? USER_AGENT);
    }
    this.#timeout = options.timeout ?? 60_000;
    this.#idleTimeout = options.idleTimeout ?? this.#timeout;
    this.#retries = options.retries ?? 3;
    this.#backoff = options.backoff ?? {};
    this.#maxRetryAfter = options.maxRetryAfter ?? 120;
    this.#maxRedirects = options.maxRedirects ?? 20;
    this.cookies = options.cookies === false ? undefined : options.cookies ?? new CookieJar();
    this.#onRetry = options.onRetry;
    this.#loopbackIdentity = options.loopbackIdentity ?? true;
  }

  /** The base headers sent with every request (a copy). */
  get headers(): Headers {
    return new Headers(this.#headers);
  }

  /** Sets (or with `null`, removes) a base header for all later requests. */
  setHeader(name: string, value: string | null): void {
    if (value === null) this.#headers.delete(name);
    else this.#headers.set(name, value);
  }

  /** The default timeout in ms. */
  get timeout(): number {
    return this.#timeout;
  }

  /**
   * Sends a request and returns the response once its headers have arrived.
   * Idempotent requests (GET, HEAD, or `idempotent: true`) are retried on
   * network errors and on 429/502/503/504 (honouring `Retry-After`);
   * other requests are sent exactly once. 4xx/5xx answers throw
   * {@linkcode HttpError} unless `allowErrorStatus` is set.
   *
   * @throws {HttpError} error status; {@linkcode RateLimitError} for 429
   * @throws {NetworkError} connection failure
   * @throws {TimeoutError} no response within `timeout`
   * @throws the signal's reason when `signal` aborts
   */
  async request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    const method = (options.method ?? (options.body != null || options.form ? "POST" : "GET"))
      .toUpperCase();
    const target = new URL(String(url));
    if (options.query) {
      for (const [k, v] of toParams(options.query)) target.searchParams.append(k, v);
    }
    let body: BodyInit | null | undefined = options.body;
    const headers = new Headers(this.#headers);
    for (const [k, v] of new Headers(options.headers)) headers.set(k, v);
    if (options.form) {
      body = toParams(options.form).toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    }
    const retriable = (IDEMPOTENT_METHODS.has(method) || options.idempotent === true) &&
      !(body instanceof ReadableStream);
    const retries = retriable ? (options.retries ?? this.#retries) : 0;
    const signal = options.signal;
    for (let attempt = 0;; attempt++) {
      signal?.throwIfAborted();
      let res: HttpResponse;
      try {
        res = await this.#follow(target, method, headers, body ?? null, options);
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (e instanceof NetworkError && attempt < retries) {
          await this.#wait(attempt, undefined, `network error: ${e.message}`, target, signal);
          continue;
        }
        throw e;
      }
      if (RETRY_STATUSES.has(res.status) && retriable) {
        const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
        if (attempt < retries && (retryAfter === undefined || retryAfter <= this.#maxRetryAfter)) {
          await res.cancel();
          await this.#wait(attempt, retryAfter, `status ${res.status}`, target, signal);
          continue;
        }
      }
      if (res.status >= 400 && !options.allowErrorStatus) throw await errorFromResponse(res);
      return res;
    }
  }

  /**
   * Sends a request and reads the whole body as text, retrying an idempotent
   * request also when the connection drops in the middle of the body.
   *
   * @example
   * ```ts
   * import { HttpClient } from "./client.ts";
   * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("<ok/>"));
   * try {
   *   const text = await new HttpClient().text(`http://127.0.0.1:${server.addr.port}/`, { expect: "xml" });
   *   if (text !== "<ok/>") throw new Error(text);
   * } finally {
   *   await server.shutdown();
   * }
   * ```
   */
  async text(
    url: string | URL,
    options: RequestOptions & { expect?: ExpectedContent } = {},
  ): Promise<string> {
    const bytes = await this.bytes(url, options);
    return new TextDecoder().decode(bytes);
  }

  /** Like {@linkcode HttpClient.text}, returning bytes. */
  async bytes(
    url: string | URL,
    options: RequestOptions & { expect?: ExpectedContent } = {},
  ): Promise<Uint8Array> {
    const method = (options.method ?? (options.body != null || options.form ? "POST" : "GET"))
      .toUpperCase();
    const retriable = IDEMPOTENT_METHODS.has(method) || options.idempotent === true;
    const retries = retriable ? (options.retries ?? this.#retries) : 0;
    for (let attempt = 0;; attempt++) {
      const res = await this.request(url, options);
      if (options.expect) await HttpClient.expectContent(res, options.expect);
      try {
        return await res.bytes();
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (e instanceof NetworkError && attempt < retries) {
          await this.#wait(
            attempt,
            undefined,
            `network error: ${e.message}`,
            new URL(String(url)),
            options.signal,
          );
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * Fails with {@linkcode UnexpectedContentError} when a response cannot be
   * what was asked for: an HTML page (by content type or by its first bytes)
   * where XML, a VOTable, a table or JSON was expected. The body stays
   * readable when the check passes.
   *
   * @example An HTML page with status 200 is not data
   * ```ts
   * import { HttpClient, HttpResponse, UnexpectedContentError } from "./mod.ts";
   * const res = new HttpResponse({
   *   status: 200, statusText: "OK", url: "http://localhost/tap/tables", method: "GET",
   *   headers: new Headers({ "content-type": "text/html" }), redirected: false,
   *   body: new Response("<html><title>Maintenance</title></html>").body,
   * });
   * await HttpClient.expectContent(res, "xml").then(
   *   () => { throw new Error("should fail"); },
   *   (e) => { if (!(e instanceof UnexpectedContentError) || !e.message.includes("Maintenance")) throw e; },
   * );
   * ```
   */
  static async expectContent(res: HttpResponse, expected: ExpectedContent): Promise<void> {
    if (expected === "binary" || expected === "text") return;
    const ct = res.contentType.toLowerCase();
    if (ct.includes("text/html") || ct.includes("application/xhtml")) {
      const text = await readExcerpt(res);
      const found = extractServerMessage(text, ct);
      throw new UnexpectedContentError(`Expected ${expected} but the server sent an HTML page`, {
        status: res.status,
        statusText: res.statusText,
        url: res.url,
        method: res.method,
        contentType: res.contentType,
        bodyExcerpt: text,
        ...(found ? { serverMessage: found.message } : {}),
      });
    }
  }

  async #wait(
    attempt: number,
    retryAfter: number | undefined,
    reason: string,
    url: URL,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const delay = retryAfter !== undefined
      ? retryAfter * 1000
      : backoffDelay(attempt, this.#backoff);
    this.#onRetry?.({ attempt: attempt + 1, delay, reason, url: redactUrl(url) });
    await sleep(delay, signal);
  }

  /** One attempt: fetch, following redirects by hand unless `redirect: "manual"`. */
  async #follow(
    start: URL,
    startMethod: string,
    baseHeaders: Headers,
    startBody: BodyInit | null,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    const timeout = options.timeout ?? this.#timeout;
    const idleTimeout = options.idleTimeout ?? this.#idleTimeout;
    const ctrl = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, ctrl.signal]) : ctrl.signal;
    let url = start;
    let method = startMethod;
    let body = startBody;
    let headers = new Headers(baseHeaders);
    const chain: string[] = [];
    const visited = new Set<string>();
    let timedOut: TimeoutError | undefined;
    const timer = setTimeout(() => {
      timedOut = new TimeoutError("No response", { url, method, timeout });
      ctrl.abort(timedOut);
    }, timeout);
    try {
      for (let hop = 0;; hop++) {
        const h = new Headers(headers);
        const cookie = this.cookies?.cookieHeader(url);
        if (cookie) h.set("cookie", cookie);
        if (this.#loopbackIdentity && !h.has("accept-encoding") && isLoopback(url)) {
          h.set("accept-encoding", "identity");
        }
        let raw: Response;
        try {
          raw = await this.#fetch(url, { method, headers: h, body, redirect: "manual", signal });
        } catch (e) {
          if (options.signal?.aborted) throw options.signal.reason;
          if (timedOut) throw timedOut;
          throw new NetworkError(
            `Could not connect to ${new URL(url).host}: ${
              e instanceof Error ? e.message : String(e)
            }; check that the service is running and the URL is right`,
            {
              url,
              method,
              cause: e,
            },
          );
        }
        this.cookies?.storeResponse(raw, url);
        const location = raw.headers.get("location");
        const isRedirect = raw.status >= 300 && raw.status < 400 && raw.status !== 304 && location;
        if (!isRedirect || options.redirect === "manual") {
          clearTimeout(timer);
          return this.#wrap(
            raw,
            url,
            method,
            hop > 0,
            signal,
            ctrl,
            idleTimeout,
            options.onProgress,
          );
        }
        await raw.body?.cancel().catch(() => {});
        const next = new URL(location, url);
        chain.push(url.toString());
        const key = `${method} ${url}`;
        visited.add(key);
        if (
          raw.status === 303 || ((raw.status === 301 || raw.status === 302) && method === "POST")
        ) {
          method = method === "HEAD" ? "HEAD" : "GET";
          body = null;
          headers.delete("content-type");
        }
        if (next.origin !== url.origin) {
          headers = new Headers(headers);
          headers.delete("authorization");
        }
        if (next.protocol === "http:" && url.protocol === "https:" && !isLoopback(next)) {
          throw new RedirectError("Refusing a redirect from https to plain http", {
            status: raw.status,
            url: next,
            method,
            chain: [...chain, next.toString()],
          });
        }
        if (visited.has(`${method} ${next}`) || hop + 1 > this.#maxRedirects) {
          throw new RedirectError(
            visited.has(`${method} ${next}`)
              ? "Redirect loop (the server sends the client back to an address it already visited)"
              : `Too many redirects (more than ${this.#maxRedirects})`,
            { status: raw.status, url: next, method, chain: [...chain, next.toString()] },
          );
        }
        url = next;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #wrap(
    raw: Response,
    url: URL,
    method: string,
    redirected: boolean,
    signal: AbortSignal,
    ctrl: AbortController,
    idleTimeout: number,
    onProgress: ((p: DownloadProgress) => void) | undefined,
  ): HttpResponse {
    const len = raw.headers.get("content-length");
    const coded = raw.headers.get("content-encoding");
    const total =
      len !== null && /^\d+$/.test(len) && (!coded || coded === "identity") && method !== "HEAD"
        ? Number(len)
        : undefined;
    const redacted = redactUrl(url);
    const body = raw.body
      ? guardBody(raw.body, {
        url: redacted,
        method,
        idleTimeout,
        signal,
        abort: (r) => ctrl.abort(r),
        total,
        onProgress,
      })
      : null;
    return new HttpResponse({
      status: raw.status,
      statusText: raw.statusText,
      headers: raw.headers,
      url: url.toString(),
      method,
      body,
      redirected,
    });
  }
}
