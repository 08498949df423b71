/**
 * Opens the bytes of a VOTable for the scanners: gzip undone (by magic
 * bytes), and documents in another character encoding than UTF-8 (an XML
 * declaration such as `encoding="ISO-8859-1"`, or a UTF-16 byte-order mark)
 * transcoded to UTF-8, so that string cells are never copied as invalid UTF-8.
 *
 * @module
 */
import {
  type ByteSource,
  type ByteSourceOptions,
  describeStreamError,
  openByteStream,
  peekBytes,
} from "../io/source.ts";
import { VOTableUnsupportedError } from "./errors.ts";

const UTF8_NAMES = new Set(["utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8"]);

/**
 * Finds the character encoding a document declares: a UTF-16 byte-order mark,
 * else the `encoding` of its XML declaration; `utf-8` when neither says otherwise.
 *
 * @example
 * ```ts
 * import { declaredEncoding } from "./open.ts";
 * const head = new TextEncoder().encode(`<?xml version="1.0" encoding="ISO-8859-1"?><VOTABLE>`);
 * if (declaredEncoding(head) !== "iso-8859-1") throw new Error("encoding");
 * ```
 */
export function declaredEncoding(head: Uint8Array): string {
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  const text = new TextDecoder("latin1").decode(head.subarray(i, Math.min(head.length, i + 200)));
  const m = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text);
  return m ? m[1].toLowerCase() : "utf-8";
}

/**
 * Opens a VOTable byte source as a UTF-8 byte stream (gzip undone, other
 * encodings transcoded).
 *
 * @example
 * ```ts
 * import { openVOTableStream } from "./open.ts";
 * const latin1 = Uint8Array.from(`<?xml version="1.0" encoding="latin1"?><VOTABLE>é</VOTABLE>`, (c) => c.charCodeAt(0));
 * const text = await new Response(await openVOTableStream(latin1, {})).text();
 * if (!text.includes("é")) throw new Error(text);
 * ```
 */
export async function openVOTableStream(
  source: ByteSource,
  options: ByteSourceOptions,
): Promise<ReadableStream<Uint8Array>> {
  let head: Uint8Array;
  let all: ReadableStream<Uint8Array>;
  try {
    ({ head, stream: all } = await peekBytes(await openByteStream(source, options), 200));
  } catch (e) {
    throw describeStreamError(e, "votable", 0);
  }
  const enc = declaredEncoding(head);
  if (UTF8_NAMES.has(enc)) return all;
  let decoder: TextDecoderStream;
  try {
    decoder = new TextDecoderStream(enc);
  } catch {
    throw new VOTableUnsupportedError(
      `The document's character encoding "${enc}" is not supported; convert it to UTF-8`,
      { offset: 0, element: "?xml" },
    );
  }
  return all
    .pipeThrough(decoder as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new TextEncoderStream() as unknown as TransformStream<string, Uint8Array>);
}
