/**
 * Errors as a red box with the server's message, where it happened, and a
 * hint at the next step. Credentials never appear: the library's errors
 * already carry redacted URLs.
 *
 * @module
 */
import { escapeHtml, formatDuration, type MimeBundle } from "./format.ts";

type Fields = Record<string, unknown>;

/**
 * What to try next for an error, from its class and status (by name, so
 * errors from any layer and any copy of the library are recognised).
 *
 * @param e Any thrown value.
 * @returns A hint, or `undefined` when there is nothing useful to add.
 *
 * @example
 * ```ts
 * import { errorHint } from "./error_display.ts";
 * const e = Object.assign(new Error("HTTP 401"), { name: "HttpError", status: 401 });
 * if (!errorHint(e)?.includes("login")) throw new Error(errorHint(e));
 * ```
 */
export function errorHint(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const f = e as unknown as Fields;
  const status = typeof f.status === "number"
    ? f.status
    : typeof f.httpStatus === "number"
    ? f.httpStatus
    : undefined;
  switch (e.name) {
    case "AuthError":
      return "Check the user name and password (gaia.login({ user, password }) or the credentials file); sessions expire, so log in again after a while.";
    case "RateLimitError":
      return typeof f.retryAfter === "number"
        ? `The server asks to wait ${
          Math.ceil(f.retryAfter)
        } s; try again then, or make fewer parallel requests.`
        : "Wait a while and make fewer parallel requests.";
    case "TimeoutError":
      return "The server is slow or the query is heavy: raise the `timeout` option, or run it as an async job (gaia.submit / launchJobAsync).";
    case "JobTimeoutError":
      return "The job keeps running on the server: pick it up later with the job URL, or abort it.";
    case "NetworkError":
      return "Is the server running and the URL right? For the local archive use `await gaia.local()`; for ESA check your network.";
    case "SizeLimitError":
      return "The data is larger than the configured limit: raise `maxBytes` (or the limit named above) if you trust the source.";
    case "ColumnNotFoundError":
      return "Pick one of the columns listed, or add the column to the SELECT list of the query.";
    case "UwsJobError":
    case "TapQueryError":
      if (typeof f.line === "number") {
        return "Fix the ADQL at the marked position and run it again.";
      }
      if (/access denied|permission|not shared|forbidden|not allowed/i.test(e.message)) {
        return "The table belongs to another user: ask them to share it with a group you are in (shareTable), and log in.";
      }
      if (
        /table|relation/i.test(String(f.serverMessage ?? e.message)) &&
        /not|unknown|exist/i.test(e.message)
      ) {
        return "Check the table name: gaia.loadTables() lists the tables; user tables are user_<name>.<table>.";
      }
      return "The service refused the query: read its message above.";
  }
  if (
    e.name.endsWith("SyntaxError") && e.name !== "SyntaxError" || e.name.endsWith("FormatError") ||
    e.name === "TruncatedInputError"
  ) {
    return "The data is not valid in the format it claims; the position above says where. A truncated download also ends this way: try again.";
  }
  if (status === 401 || status === 403) {
    return "The server refused access: log in first (gaia.login({ user, password })) or check that the table is shared with you.";
  }
  if (status === 404) return "Not found: check the URL, the table name or the job id.";
  if (status !== undefined && status >= 500) {
    return "The server had a problem: try again later, or a smaller query.";
  }
  return undefined;
}

/**
 * Renders an error as a MIME bundle: its class, message, the server's own
 * message and the request when known, and a hint.
 *
 * @param e Any thrown value.
 * @returns `{ "text/html", "text/plain" }`.
 *
 * @example Markup in a server message is shown, never run
 * ```ts
 * import { renderError } from "./error_display.ts";
 * const e = Object.assign(new Error("Query failed"), { name: "TapQueryError", serverMessage: "<script>x()</script>" });
 * const b = renderError(e);
 * if (b["text/html"]!.includes("<script>")) throw new Error("not escaped");
 * if (!b["text/plain"].includes("TapQueryError: Query failed")) throw new Error(b["text/plain"]);
 * ```
 */
export function renderError(e: unknown): MimeBundle {
  const err = e instanceof Error ? e : new Error(String(e));
  const f = err as unknown as Fields;
  const details: Array<[string, string]> = [];
  const server = typeof f.serverMessage === "string" ? f.serverMessage : undefined;
  if (server && !err.message.includes(server)) details.push(["server says", server]);
  if (typeof f.status === "number" && f.status) details.push(["HTTP status", String(f.status)]);
  const url = typeof f.url === "string"
    ? f.url
    : typeof f.jobUrl === "string"
    ? f.jobUrl
    : undefined;
  if (url) details.push(["url", url]);
  if (typeof f.phase === "string") details.push(["job phase", f.phase]);
  if (typeof f.timeout === "number") details.push(["timeout", formatDuration(f.timeout)]);
  if (typeof f.format === "string") {
    const where = ["line", "column", "offset", "element"].filter((k) => f[k] !== undefined).map((
      k,
    ) => `${k} ${f[k]}`);
    details.push(["format", [f.format, ...where].join(", ")]);
  }
  const hint = errorHint(err);
  const text = [`${err.name}: ${err.message}`, ...details.map(([k, v]) => `  ${k}: ${v}`)];
  if (hint) text.push(`  hint: ${hint}`);
  const h = [
    `<div class="deno-gaia-error" role="alert" style="font-family: system-ui, sans-serif; font-size: 12px; background: #f8d7da; border: 1px solid #dc3545; color: #58151c; padding: 6px 10px; border-radius: 3px">`,
    `<div><b>${escapeHtml(err.name)}</b></div>`,
    `<pre style="white-space: pre-wrap; margin: 2px 0; font-size: 12px">${
      escapeHtml(err.message)
    }</pre>`,
  ];
  if (details.length) {
    h.push(`<table style="font-size: 11px; color: #58151c">`);
    for (const [k, v] of details) {
      h.push(
        `<tr><td style="padding-right: 8px; vertical-align: top">${escapeHtml(k)}</td><td>${
          escapeHtml(v)
        }</td></tr>`,
      );
    }
    h.push(`</table>`);
  }
  if (hint) h.push(`<div style="margin-top: 4px; color: #333">💡 ${escapeHtml(hint)}</div>`);
  h.push("</div>");
  return { "text/html": h.join(""), "text/plain": text.join("\n") };
}
