/**
 * Direct reads: a reader that reuses one buffer asks for the next bytes of a
 * stream to be put straight into it, instead of taking the stream's pieces.
 * Each piece of a stream is a fresh buffer whose pages the kernel zero-fills
 * on first touch, about 2.4 µs per 4 KiB page on these machines: at a few
 * hundred megabytes that costs more than the parsing. Streams that can do
 * better (an open regular file, the gzip worker's output, a peeked stream
 * over either) register a direct read here; any other stream has none.
 *
 * @module
 */

/**
 * Reads the next bytes of a stream into the caller's buffer and returns how
 * many were read (at least one unless `into` is empty), or `null` at the end
 * of the stream: synchronously when the bytes are at hand (a file), else as
 * a promise (bytes still being inflated).
 */
export type DirectRead = (into: Uint8Array) => number | null | Promise<number | null>;

const directReads = new WeakMap<ReadableStream<Uint8Array>, () => DirectRead | undefined>();

/**
 * Registers how `stream` can be read directly: `get` returns the direct read
 * when one may be used now (nothing read ahead into the stream's own queue),
 * else `undefined`.
 */
export function setDirectRead(
  stream: ReadableStream<Uint8Array>,
  get: () => DirectRead | undefined,
): void {
  directReads.set(stream, get);
}

/**
 * A way to read what follows in `stream` straight into a buffer the caller
 * reuses, bypassing the stream, or `undefined` when the stream has none or
 * it cannot be used now. Ask again before each read: the answer changes as
 * the stream is consumed. Mixing is allowed: a later read through the stream
 * continues where the direct reads stopped. Only the stream's one consumer
 * (who holds its reader) may read it directly.
 *
 * @example
 * ```ts
 * import { directRead } from "./direct.ts";
 * import { fileStream } from "./source.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array(10).fill(7));
 * const stream = fileStream(await Deno.open(path));
 * const read = directRead(stream)!;
 * const buf = new Uint8Array(4);
 * if (read(buf) !== 4 || buf[3] !== 7) throw new Error("direct read");
 * const reader = stream.getReader(); // the rest through the stream
 * const rest = await reader.read();
 * if (rest.value?.length !== 6 || !(await reader.read()).done) throw new Error("rest");
 * await Deno.remove(path);
 * ```
 */
export function directRead(stream: ReadableStream<Uint8Array>): DirectRead | undefined {
  return directReads.get(stream)?.();
}
