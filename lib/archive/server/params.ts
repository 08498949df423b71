/**
 * Request parameters as the Gaia archive reads them: from the query string,
 * a form body (also one built by hand without URL-encoding, as astroquery
 * sends for `share`, `deletejobs` and `datalink/links`) or a multipart body
 * (parsed here byte by byte, never trusting part content types), with
 * case-insensitive names.
 *
 * @module
 */
import { ArchiveHttpError } from "./http_error.ts";

/** A file part of a multipart body. */
export interface UploadedFile {
  /** The form field name, as sent. */
  field: string;
  /** The `filename` of the part (may be empty). */
  filename: string;
  /** The part's bytes. */
  bytes: Uint8Array;
}

/**
 * Parameters of one request, looked up by case-insensitive name. The first
 * value sent wins for {@linkcode RequestParams.get}.
 *
 * @example
 * ```ts
 * import { RequestParams } from "./params.ts";
 * const p = new RequestParams();
 * p.add("QUERY", "SELECT 1");
 * if (p.get("query") !== "SELECT 1") throw new Error("case-insensitive lookup failed");
 * ```
 */
export class RequestParams {
  #values = new Map<string, { name: string; value: string }[]>();
  #files = new Map<string, UploadedFile>();

  /** Adds a value under a name. */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const list = this.#values.get(key);
    if (list) list.push({ name, value });
    else this.#values.set(key, [{ name, value }]);
  }

  /** Adds a file part. */
  addFile(file: UploadedFile): void {
    const key = file.field.toLowerCase();
    if (!this.#files.has(key)) this.#files.set(key, file);
  }

  /** The first value of a parameter, or `undefined`. */
  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase())?.[0]?.value;
  }

  /** All values of a parameter. */
  getAll(name: string): string[] {
    return (this.#values.get(name.toLowerCase()) ?? []).map((v) => v.value);
  }

  /** Whether a parameter (value or file) was sent. */
  has(name: string): boolean {
    const k = name.toLowerCase();
    return this.#values.has(k) || this.#files.has(k);
  }

  /** A file part by field name (case-insensitive), or `undefined`. */
  file(name: string): UploadedFile | undefined {
    return this.#files.get(name.toLowerCase());
  }

  /** Every (name, first value) pair, names as sent. */
  entries(): [string, string][] {
    return [...this.#values.values()].map((l) => [l[0].name, l[0].value]);
  }

  /** A parameter that must be present and non-empty, else a 400 error. */
  require(name: string): string {
    const v = this.get(name);
    if (v === undefined || v.trim() === "") {
      throw new ArchiveHttpError(400, `Missing required parameter '${name}'`);
    }
    return v;
  }

  /** A boolean parameter (`true`/`True`/`TRUE`/`1`/`yes` are true). */
  bool(name: string, fallback = false): boolean {
    const v = this.get(name);
    if (v === undefined || v.trim() === "") return fallback;
    return /^(true|1|yes|t)$/i.test(v.trim());
  }
}

/** Decodes one form component, tolerating raw spaces and stray `%`. */
export function decodeFormComponent(text: string): string {
  const plus = text.replaceAll("+", " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` body, including hand-made
 * ones with raw spaces, commas and colons.
 *
 * @example
 * ```ts
 * import { parseFormBody, RequestParams } from "./params.ts";
 * const p = new RequestParams();
 * parseFormBody("ID=Gaia DR3 1,Gaia+DR3+2&RETRIEVAL_TYPE=ALL", p);
 * if (p.get("id") !== "Gaia DR3 1,Gaia DR3 2") throw new Error(p.get("id"));
 * ```
 */
export function parseFormBody(text: string, into: RequestParams): void {
  for (const piece of text.split("&")) {
    if (piece === "" || piece === "\r\n" || piece === "\n") continue;
    const eq = piece.indexOf("=");
    const name = decodeFormComponent(eq < 0 ? piece : piece.slice(0, eq)).trim();
    const value = eq < 0 ? "" : decodeFormComponent(piece.slice(eq + 1)).replace(/\r?\n$/, "");
    if (name) into.add(name, value);
  }
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (
    let i = hay.indexOf(first, from);
    i !== -1 && i <= last;
    i = hay.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/**
 * Parses a `multipart/form-data` body by hand: CRLF or LF line ends, quoted
 * or bare boundaries, any (or a bogus) per-part `Content-Type`.
 *
 * @example
 * ```ts
 * import { parseMultipart, RequestParams } from "./params.ts";
 * const body = new TextEncoder().encode(
 *   '--===1===\r\nContent-Disposition: form-data; name="QUERY"\r\n\r\nSELECT 1\r\n' +
 *   '--===1===\r\nContent-Disposition: form-data; name="t"; filename="t.xml"\r\nContent-Type: None\r\n\r\n<x/>\r\n' +
 *   '--===1===--\r\n');
 * const p = new RequestParams();
 * parseMultipart(body, "===1===", p);
 * if (p.get("query") !== "SELECT 1" || p.file("T")?.bytes.length !== 4) throw new Error("multipart");
 * ```
 */
export function parseMultipart(body: Uint8Array, boundary: string, into: RequestParams): void {
  const delim = new TextEncoder().encode("--" + boundary);
  let pos = indexOfBytes(body, delim, 0);
  if (pos < 0) {
    throw new ArchiveHttpError(400, `Malformed multipart body: boundary '${boundary}' not found`);
  }
  for (;;) {
    let start = pos + delim.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return; // closing --boundary--
    if (body[start] === 0x0d) start++;
    if (body[start] === 0x0a) start++;
    const next = indexOfBytes(body, delim, start);
    if (next < 0) {
      throw new ArchiveHttpError(
        400,
        `Malformed multipart body: part at byte ${start} has no closing boundary (truncated upload?)`,
      );
    }
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    const part = body.subarray(start, Math.max(start, end));
    let headerEnd = indexOfBytes(part, new Uint8Array([13, 10, 13, 10]), 0);
    let skip = 4;
    if (headerEnd < 0) {
      headerEnd = indexOfBytes(part, new Uint8Array([10, 10]), 0);
      skip = 2;
    }
    if (headerEnd < 0) {
      throw new ArchiveHttpError(
        400,
        `Malformed multipart body: part at byte ${start} has no header end`,
      );
    }
    const headers = latin1.decode(part.subarray(0, headerEnd));
    const content = part.subarray(headerEnd + skip);
    const disposition = headers.split(/\r?\n/).find((l) => /^content-disposition:/i.test(l)) ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ??
      /\bname=([^;\s]+)/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) into.addFile({ field: name, filename, bytes: content.slice() });
      else into.add(name, utf8.decode(content));
    }
    pos = next;
  }
}

/** Reads a body up to `maxBytes`, else a 413 error. */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ArchiveHttpError(
      413,
      `Request body of ${declared} bytes is over the archive's upload limit of ${maxBytes} bytes ` +
        `(limits.maxUploadBytes)`,
    );
  }
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new ArchiveHttpError(
        413,
        `Request body is over the archive's upload limit of ${maxBytes} bytes (limits.maxUploadBytes)`,
      );
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Reads every parameter of a request: query string first, then the body
 * (form or multipart) for POST/PUT.
 */
export async function readParams(req: Request, maxBytes: number): Promise<RequestParams> {
  const params = new RequestParams();
  const url = new URL(req.url);
  if (url.search.length > 1) parseFormBody(url.search.slice(1), params);
  if (req.method !== "POST" && req.method !== "PUT") return params;
  const body = await readBodyLimited(req, maxBytes);
  if (body.length === 0) return params;
  const type = req.headers.get("content-type") ?? "";
  if (/^multipart\//i.test(type)) {
    const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (!m) throw new ArchiveHttpError(400, `Multipart body without a boundary in '${type}'`);
    parseMultipart(body, m[1] ?? m[2], params);
  } else {
    parseFormBody(utf8.decode(body), params);
  }
  return params;
}
