/**
 * The HTTP layer: {@linkcode HttpClient} (timeouts, safe retries, redirects,
 * cookies, progress), its typed errors and helpers.
 *
 * @example
 * ```ts
 * import { HttpClient, HttpError } from "./mod.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () =>
 *   new Response("gone", { status: 410 }));
 * try {
 *   await new HttpClient().request(`http://127.0.0.1:${server.addr.port}/x`).then(
 *     () => { throw new Error("should fail"); },
 *     (e) => { if (!(e instanceof HttpError) || e.status !== 410) throw e; },
 *   );
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 *
 * @module
 */
export {
  errorFromResponse,
  type ExpectedContent,
  HttpClient,
  type HttpClientOptions,
  type ParamValue,
  type RequestOptions,
  type RetryInfo,
} from "./client.ts";
export { type Cookie, CookieJar, isLoopbackHost } from "./cookie_jar.ts";
export {
  EXCERPT_LENGTH,
  HttpError,
  type HttpErrorOptions,
  NetworkError,
  RateLimitError,
  redactText,
  redactUrl,
  RedirectError,
  TimeoutError,
  UnexpectedContentError,
} from "./errors.ts";
export { type DownloadProgress, HttpResponse } from "./response.ts";
export { backoffDelay, type BackoffOptions, parseRetryAfter, sleep } from "./retry.ts";
export { decodeEntities, extractServerMessage, type ServerMessageKind } from "./server_message.ts";
export { USER_AGENT, VERSION } from "./version.ts";
