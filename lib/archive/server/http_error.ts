/**
 * The error a route throws to answer with an HTTP status and a message in the
 * Gaia archive's error shape (a VOTable with `QUERY_STATUS=ERROR`, or text).
 *
 * @module
 */

/** How the error body is written. */
export type ErrorBodyStyle = "votable" | "text";

/**
 * An HTTP error answer. Routes throw it; the server turns it into a response
 * with {@linkcode errorResponse}.
 *
 * @example
 * ```ts
 * import { ArchiveHttpError } from "./http_error.ts";
 * const e = new ArchiveHttpError(404, "Job '1' not found");
 * if (e.status !== 404) throw new Error("status lost");
 * ```
 */
export class ArchiveHttpError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Body style. */
  readonly style: ErrorBodyStyle;
  /** Extra headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;
  /**
   * An error answer.
   *
   * @param status HTTP status.
   * @param message What happened and what to do.
   * @param options Body style, headers, cause.
   */
  constructor(
    status: number,
    message: string,
    options: { style?: ErrorBodyStyle; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ArchiveHttpError";
    this.status = status;
    this.style = options.style ?? "votable";
    this.headers = options.headers ?? {};
  }
}

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&apos;",
  );
}

/** Escapes element text (`&`, `<`, `>` only: quotes stay readable for clients that do not unescape). */
export function xmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** Wraps text in CDATA, splitting any `]]>` inside it. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/**
 * The archive's error VOTable: `<INFO name="QUERY_STATUS" value="ERROR">` with
 * the message as the INFO text, attributes in this exact order (astroquery
 * matches the literal opening tag).
 *
 * @example
 * ```ts
 * import { errorVOTable } from "./http_error.ts";
 * const xml = errorVOTable("Cannot parse query 'x'");
 * if (!xml.includes('<INFO name="QUERY_STATUS" value="ERROR">Cannot parse query')) throw new Error(xml);
 * ```
 */
export function errorVOTable(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE type="results">
  <INFO name="QUERY_STATUS" value="ERROR">${xmlText(message)}</INFO>
 </RESOURCE>
</VOTABLE>
`;
}

/** Turns any thrown value into the archive's error response. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ArchiveHttpError) {
    if (error.style === "text") {
      return new Response(error.message + "\n", {
        status: error.status,
        headers: { "content-type": "text/plain; charset=UTF-8", ...error.headers },
      });
    }
    return new Response(errorVOTable(error.message), {
      status: error.status,
      headers: { "content-type": "text/xml; charset=UTF-8", ...error.headers },
    });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new Response(errorVOTable(`Internal error: ${message}`), {
    status: 500,
    headers: { "content-type": "text/xml; charset=UTF-8" },
  });
}
