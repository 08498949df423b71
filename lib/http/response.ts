/**
 * {@linkcode HttpResponse}: what {@linkcode HttpClient} returns. Like a
 * `Response`, but its body stream is guarded (idle timeout, abort, truncation
 * against `Content-Length`, progress callbacks) and every body failure is a
 * typed error.
 *
 * @module
 */
import { NetworkError, TimeoutError } from "./errors.ts";

/** Download progress, reported as body bytes arrive. */
export interface DownloadProgress {
  /** Bytes of the body received so far. */
  loaded: number;
  /** Total body size when the server sent `Content-Length` (and no content coding). */
  total: number | undefined;
  /** The (redacted) URL being downloaded. */
  url: string;
}

/** How a body stream is guarded. */
export interface BodyGuardOptions {
  url: string;
  method: string;
  /** Milliseconds without a byte before the download fails with a TimeoutError. */
  idleTimeout: number;
  /** The caller's signal: when it aborts, reading rejects with its reason. */
  signal?: AbortSignal | undefined;
  /** Aborts the underlying fetch (on idle timeout, or when the body is cancelled). */
  abort: (reason: unknown) => void;
  /** Expected body length from `Content-Length`, if trustworthy. */
  total?: number | undefined;
  onProgress?: ((p: DownloadProgress) => void) | undefined;
}

/**
 * Wraps a fetch body: enforces the idle timeout, reports progress, maps
 * failures to {@linkcode NetworkError} / {@linkcode TimeoutError} (or the
 * abort reason), and fails a body that ends short of its `Content-Length`.
 *
 * @example
 * ```ts
 * import { guardBody } from "./response.ts";
 * const seen: number[] = [];
 * const body = guardBody(new Response("abc").body!, {
 *   url: "http://localhost/x", method: "GET", idleTimeout: 1000, abort: () => {}, total: 3,
 *   onProgress: (p) => seen.push(p.loaded),
 * });
 * const text = await new Response(body).text();
 * if (text !== "abc" || seen.at(-1) !== 3) throw new Error();
 * ```
 */
export function guardBody(
  body: ReadableStream<Uint8Array>,
  o: BodyGuardOptions,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let loaded = 0;
  const fail = (e: unknown): unknown => {
    if (o.signal?.aborted) return o.signal.reason;
    if (e instanceof TimeoutError || e instanceof NetworkError) return e;
    return new NetworkError(
      `Connection lost while reading the response body after ${loaded} bytes${
        o.total !== undefined ? ` of ${o.total}` : ""
      }: ${e instanceof Error ? e.message : String(e)}`,
      { url: o.url, method: o.method, bytesReceived: loaded, cause: e },
    );
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      try {
        const r = await new Promise<ReadableStreamReadResult<Uint8Array>>((resolve, reject) => {
          if (o.signal?.aborted) return reject(o.signal.reason);
          timer = setTimeout(() => {
            const err = new TimeoutError(
              `No data received for the response body (${loaded} bytes so far)`,
              {
                url: o.url,
                method: o.method,
                timeout: o.idleTimeout,
              },
            );
            o.abort(err);
            reject(err);
          }, o.idleTimeout);
          if (o.signal) {
            onAbort = () => reject(o.signal!.reason);
            o.signal.addEventListener("abort", onAbort, { once: true });
          }
          reader.read().then(resolve, reject);
        });
        if (r.done) {
          if (o.total !== undefined && loaded < o.total) {
            throw new NetworkError(
              `The response body ended after ${loaded} of ${o.total} bytes announced by Content-Length (truncated)`,
              { url: o.url, method: o.method, bytesReceived: loaded },
            );
          }
          controller.close();
          return;
        }
        loaded += r.value.length;
        if (o.total !== undefined && loaded > o.total) {
          throw new NetworkError(
            `The response body is longer (${loaded} bytes) than its Content-Length (${o.total})`,
            { url: o.url, method: o.method, bytesReceived: loaded },
          );
        }
        o.onProgress?.({ loaded, total: o.total, url: o.url });
        controller.enqueue(r.value);
      } catch (e) {
        const err = fail(e);
        o.abort(err);
        reader.cancel(err).catch(() => {});
        controller.error(err);
      } finally {
        clearTimeout(timer);
        if (onAbort) o.signal?.removeEventListener("abort", onAbort);
      }
    },
    cancel(reason) {
      o.abort(reason);
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 32 }); // read ahead up to 32 chunks so the server is not stalled while rows are decoded
}

/**
 * A response from {@linkcode HttpClient}: status, headers, final URL and a
 * guarded body.
 *
 * @example
 * ```ts
 * import { HttpResponse } from "./response.ts";
 * const r = new HttpResponse({
 *   status: 200, statusText: "OK", url: "http://localhost/x", method: "GET",
 *   headers: new Headers({ "content-type": "text/plain" }),
 *   body: new Response("hi").body, redirected: false,
 * });
 * if ((await r.text()) !== "hi" || r.contentType !== "text/plain") throw new Error();
 * ```
 */
export class HttpResponse {
  /** HTTP status code. */
  readonly status: number;
  /** HTTP status text. */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The final URL (after redirects). */
  readonly url: string;
  /** The method of the final request. */
  readonly method: string;
  /** True when at least one redirect was followed. */
  readonly redirected: boolean;
  #body: ReadableStream<Uint8Array> | null;
  #used = false;

  /** Wraps a response (made by {@linkcode HttpClient}). */
  constructor(init: {
    status: number;
    statusText: string;
    headers: Headers;
    url: string;
    method: string;
    body: ReadableStream<Uint8Array> | null;
    redirected: boolean;
  }) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = init.url;
    this.method = init.method;
    this.redirected = init.redirected;
    this.#body = init.body;
  }

  /** True for 2xx statuses. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The `Content-Type` header (empty string when absent). */
  get contentType(): string {
    return this.headers.get("content-type") ?? "";
  }

  /** The `Location` header resolved against the request URL, if any. */
  get location(): string | undefined {
    const loc = this.headers.get("location");
    return loc ? new URL(loc, this.url).toString() : undefined;
  }

  /** The body stream (can be read once). */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#used) throw new TypeError("The response body was already read");
    this.#used = true;
    return this.#body;
  }

  /** True once the body was taken. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** Reads the whole body. */
  async bytes(): Promise<Uint8Array> {
    const body = this.body;
    if (!body) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let n = 0;
    for await (const c of body) {
      chunks.push(c);
      n += c.length;
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** Discards the body (frees the connection). */
  async cancel(reason?: unknown): Promise<void> {
    if (this.#used) return;
    this.#used = true;
    await this.#body?.cancel(reason).catch(() => {});
  }
}
