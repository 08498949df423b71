/**
 * Pulls the human-readable message out of an error body: a VOTable with
 * `INFO name="QUERY_STATUS" value="ERROR"`, a Tomcat-style HTML page with
 * `<li><b>Message: </b>...</li>`, another HTML page (its title and text), or
 * plain text.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Decodes the XML/HTML character entities of a text.
 *
 * @example
 * ```ts
 * import { decodeEntities } from "./server_message.ts";
 * if (decodeEntities("a &lt; b &amp;&#32;c") !== "a < b & c") throw new Error();
 * ```
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X"
        ? parseInt(e.slice(2), 16)
        : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

function stripCdata(s: string): string {
  return s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1");
}

function clean(s: string): string {
  return decodeEntities(stripCdata(s).replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
}

/** Where a server message was found. */
export type ServerMessageKind = "votable" | "uws" | "html" | "text" | "json";

/**
 * Extracts the server's error message from a response body.
 * Returns `undefined` when the body is empty.
 *
 * @param body the response text (only the first 64 KiB are looked at)
 * @param contentType the response's content type, if known
 *
 * @example A DaCHS error VOTable
 * ```ts
 * import { extractServerMessage } from "./server_message.ts";
 * const m = extractServerMessage(
 *   '<VOTABLE><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">Bad &amp; wrong</INFO></RESOURCE></VOTABLE>',
 * );
 * if (m?.message !== "Bad & wrong" || m.kind !== "votable") throw new Error(JSON.stringify(m));
 * ```
 *
 * @example A Tomcat HTML page
 * ```ts
 * import { extractServerMessage } from "./server_message.ts";
 * const m = extractServerMessage("<html><body><ul><li><b>Message: </b>Cannot parse query</li></ul></body></html>");
 * if (m?.message !== "Cannot parse query" || m.kind !== "html") throw new Error(JSON.stringify(m));
 * ```
 */
export function extractServerMessage(
  body: string,
  contentType?: string | null,
): { message: string; kind: ServerMessageKind } | undefined {
  const text = body.length > 65536 ? body.slice(0, 65536) : body;
  if (!text.trim()) return undefined;
  // VOTable error document (any status): the INFO text, else its value attribute.
  const info =
    /<INFO\b(?=[^>]*\bname\s*=\s*["']QUERY_STATUS["'])(?=[^>]*\bvalue\s*=\s*["']ERROR["'])[^>]*?(\/>|>([\s\S]*?)<\/INFO\s*>)/i
      .exec(text);
  if (info) {
    let message = info[2] !== undefined ? clean(info[2]) : "";
    // Some servers add a hint (DaCHS: INFO name="HINT").
    const hint = /<INFO\b(?=[^>]*\bname\s*=\s*["']HINT["'])[^>]*>([\s\S]*?)<\/INFO\s*>/i.exec(text);
    if (hint?.[1] && clean(hint[1])) {
      message = message ? `${message} (hint: ${clean(hint[1])})` : clean(hint[1]);
    }
    return {
      message: message || "the server reported QUERY_STATUS=ERROR without a message",
      kind: "votable",
    };
  }
  // UWS errorSummary.
  const uws =
    /<(?:\w+:)?errorSummary\b[^>]*>[\s\S]*?<(?:\w+:)?message\b[^>]*>([\s\S]*?)<\/(?:\w+:)?message>/i
      .exec(text);
  if (uws?.[1] && clean(uws[1])) return { message: clean(uws[1]), kind: "uws" };
  // Tomcat / ESA HTML page.
  const li = /<li>\s*<b>\s*Message:?\s*<\/b>([\s\S]*?)<\/li>/i.exec(text);
  if (li?.[1] !== undefined && clean(li[1])) return { message: clean(li[1]), kind: "html" };
  const ct = (contentType ?? "").toLowerCase();
  const looksHtml = ct.includes("html") || /^\s*(<!doctype html|<html)/i.test(text);
  if (looksHtml) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text);
    const bodyPart = /<body[^>]*>([\s\S]*?)(<\/body>|$)/i.exec(text);
    const parts = [title?.[1], h1?.[1]].map((s) => (s ? clean(s) : "")).filter(Boolean);
    const unique = [...new Set(parts)];
    let message = unique.join(": ");
    if (!message && bodyPart?.[1]) message = clean(bodyPart[1]).slice(0, 300);
    return { message: message || "an HTML page", kind: "html" };
  }
  if (ct.includes("json") || /^\s*[{[]/.test(text)) {
    try {
      const j = JSON.parse(text);
      if (j && typeof j === "object") {
        for (const k of ["message", "error", "detail", "msg"]) {
          const v = (j as Record<string, unknown>)[k];
          if (typeof v === "string" && v.trim()) return { message: v.trim(), kind: "json" };
        }
      }
    } catch { /* not JSON: treat as text */ }
  }
  return { message: clean(text).slice(0, 500), kind: "text" };
}
