/**
 * Byte sources: everything a reader accepts, turned into one
 * `ReadableStream<Uint8Array>`, with gzip undone when the magic bytes say so.
 *
 * @module
 */
import { SizeLimitError, TableFormatError, TruncatedInputError } from "./errors.ts";
import { type DirectRead, directRead, setDirectRead } from "./direct.ts";
import { gunzipOnWorker, ownedBuffers } from "./gunzip_worker.ts";

export { type DirectRead, directRead } from "./direct.ts";

/**
 * Anything a reader accepts as input. Strings are UTF-8 encoded text, not
 * paths. An open `Deno.FsFile` is read in {@linkcode FILE_CHUNK_BYTES} pieces
 * (faster than its 64 KiB `readable`) and closed at the end, as `readable` does.
 */
export type ByteSource =
  | ReadableStream<Uint8Array>
  | Deno.FsFile
  | Uint8Array
  | ArrayBuffer
  | string
  | Response
  | Blob
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** Options common to every byte source. */
export interface ByteSourceOptions {
  /** Stops reading; the reader rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Largest decompressed size accepted, in bytes. Guards against gzip bombs.
   * @default Infinity
   */
  maxBytes?: number;
  /**
   * Undo gzip when the stream starts with `1f 8b`.
   * @default true
   */
  gunzip?: boolean;
  /**
   * Inflate gzip on a worker thread, overlapped with parsing on this one:
   * `true` always, `false` never; by default when the input's size is known
   * (bytes, a `Blob`, an open `Deno.FsFile` or its `fileStream`, peeked or
   * not, a `Response` with a `Content-Length`) and at least
   * {@linkcode GUNZIP_WORKER_MIN_BYTES}.
   * The worker ends with the stream: read it to the end or cancel it (the
   * readers do); a stream merely dropped keeps its worker, and the process,
   * alive until it is garbage-collected.
   */
  gunzipWorker?: boolean;
}

/**
 * Compressed size from which gzip is inflated on a worker thread by default.
 * Below it, starting a worker (about 30 ms of CPU, with node:zlib) costs more
 * than the overlap and the faster inflater save.
 */
export const GUNZIP_WORKER_MIN_BYTES = 4 << 20;

const encoder = new TextEncoder();

/**
 * Bytes asked for per read when the source is a `Deno.FsFile`. Readers do
 * some work per chunk (the VOTable scanner copies a row cut by a chunk
 * boundary), so 1 MiB pieces read a 47 MB BINARY2 file with about 20 % less
 * CPU than the file's own 64 KiB `readable`; memory stays one chunk per read.
 */
export const FILE_CHUNK_BYTES = 1 << 20;

/**
 * Turns any {@linkcode ByteSource} into a byte stream.
 *
 * @example From a string
 * ```ts
 * import { toByteStream, readAllBytes } from "./source.ts";
 * const bytes = await readAllBytes(toByteStream("abc"));
 * if (bytes.length !== 3) throw new Error("expected 3 bytes");
 * ```
 */
export function toByteStream(source: ByteSource): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (typeof Deno !== "undefined" && source instanceof Deno.FsFile) return fileStream(source);
  if (typeof source === "string") return singleChunk(encoder.encode(source));
  if (source instanceof Uint8Array) return singleChunk(source);
  if (source instanceof ArrayBuffer) return singleChunk(new Uint8Array(source));
  if (typeof Response !== "undefined" && source instanceof Response) {
    return source.body ?? singleChunk(new Uint8Array(0));
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    return source.stream() as ReadableStream<Uint8Array>;
  }
  if (Symbol.asyncIterator in (source as object) || Symbol.iterator in (source as object)) {
    return ReadableStream.from(source as AsyncIterable<Uint8Array>);
  }
  throw new TypeError(`Cannot read bytes from ${Object.prototype.toString.call(source)}`);
}

/**
 * Reads an open file in {@linkcode FILE_CHUNK_BYTES} pieces, one fresh buffer
 * per piece (readers may keep views of a chunk), and closes the file at the
 * end, on an error or when the stream is cancelled, as `FsFile.readable` does.
 * A short read (a pipe, a terminal) is copied out so that a small piece does
 * not pin a whole buffer.
 *
 * @example
 * ```ts
 * import { fileStream, readAllBytes } from "./source.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array(3_000_000).fill(7));
 * const bytes = await readAllBytes(fileStream(await Deno.open(path), 1 << 20));
 * if (bytes.length !== 3_000_000 || bytes[2_999_999] !== 7) throw new Error("short");
 * await Deno.remove(path);
 * ```
 */
export function fileStream(
  file: Deno.FsFile,
  chunkBytes: number = FILE_CHUNK_BYTES,
): ReadableStream<Uint8Array> {
  return readFile(file, chunkBytes, false);
}

/**
 * {@linkcode fileStream}; with `own`, the pieces are marked as buffers no one
 * else holds (only for streams this module consumes itself), so that a gzip
 * worker may take them without a copy.
 */
function readFile(file: Deno.FsFile, chunkBytes: number, own: boolean): ReadableStream<Uint8Array> {
  if (!(chunkBytes >= 1)) throw new RangeError(`chunkBytes must be at least 1, not ${chunkBytes}`);
  let buf: Uint8Array | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      file.close();
    } catch { /* already closed by the caller */ }
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (closed) { // ended by a direct read
        controller.close();
        return;
      }
      buf ??= new Uint8Array(chunkBytes);
      let n: number | null = 0;
      try {
        while (n === 0) n = await file.read(buf);
      } catch (e) {
        close();
        throw e;
      }
      if (n === null) {
        close();
        controller.close();
      } else if (n === buf.length) {
        if (own) ownedBuffers.add(buf.buffer);
        controller.enqueue(buf);
        buf = undefined;
      } else if (n >= chunkBytes >> 2) {
        controller.enqueue(buf.subarray(0, n));
        buf = undefined;
      } else {
        const piece = buf.slice(0, n);
        if (own) ownedBuffers.add(piece.buffer);
        controller.enqueue(piece);
      }
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 0 });
  // One stat, when first asked: the file's size (for the gzip worker's
  // choice) and whether it is a regular file (direct reads only then: a pipe
  // or a device would block the event loop).
  let info: Deno.FileInfo | null | undefined;
  const stat = () => {
    if (info === undefined) {
      try {
        info = file.statSync();
      } catch {
        info = null;
      }
    }
    return info;
  };
  const direct: DirectRead = (into) => {
    if (closed) return null;
    let n: number | null;
    try {
      n = file.readSync(into);
    } catch (e) {
      close();
      throw e;
    }
    if (n === null) close();
    return n;
  };
  streamSizes.set(stream, () => {
    const i = stat();
    return i?.isFile ? i.size : undefined;
  });
  setDirectRead(stream, () => closed || stat()?.isFile ? direct : undefined);
  return stream;
}

function singleChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.length) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** True when `bytes` starts with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Peeks at the first bytes of a stream without consuming them.
 * Returns the peeked prefix (at least `n` bytes unless the stream is shorter)
 * and a stream that yields every byte, the prefix included.
 */
export async function peekBytes(
  stream: ReadableStream<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    if (r.value.length === 0) continue;
    chunks.push(r.value);
    have += r.value.length;
  }
  const head = concatBytes(chunks, have);
  // The head is handed out on the first read (not queued at the start), so
  // that direct reads know when it has been taken.
  let pending: Uint8Array | undefined = head.length ? head : undefined;
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!pending && done) controller.close();
    },
    async pull(controller) {
      if (pending) {
        controller.enqueue(pending);
        pending = undefined;
        if (done) controller.close();
        return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  setDirectRead(rest, () => pending || done ? undefined : directRead(stream));
  const size = streamSizes.get(stream);
  if (size) streamSizes.set(rest, size); // the same bytes, head included
  return { head, stream: rest };
}

/** Concatenates chunks into one array (`total` may be given when known). */
export function concatBytes(chunks: Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const size = total ?? chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Opens a byte source for reading: undoes gzip when the first bytes are
 * `1f 8b` (servers often send gzip without `Content-Encoding`), enforces
 * `maxBytes` on the decompressed size, and honours `signal`.
 * A truncated gzip stream rejects with {@linkcode TruncatedInputError}.
 *
 * @example Gzip is undone transparently
 * ```ts
 * import { openByteStream, readAllBytes } from "./source.ts";
 * const gz = new Response(
 *   new Blob(["hello"]).stream().pipeThrough(new CompressionStream("gzip")),
 * );
 * const text = new TextDecoder().decode(await readAllBytes(await openByteStream(gz)));
 * if (text !== "hello") throw new Error(text);
 * ```
 */
export async function openByteStream(
  source: ByteSource,
  options: ByteSourceOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  // An open file is read here and by nobody else: its pieces may be transferred.
  let stream = typeof Deno !== "undefined" && source instanceof Deno.FsFile
    ? readFile(source, FILE_CHUNK_BYTES, true)
    : toByteStream(source);
  const { signal, maxBytes = Infinity, gunzip = true } = options;
  signal?.throwIfAborted();
  if (gunzip) {
    const peeked = await peekBytes(stream, 2);
    stream = peeked.stream;
    if (isGzip(peeked.head)) {
      // A stream of unknown size is inflated here: waiting for enough bytes
      // to decide would delay parsing a download.
      const worker = options.gunzipWorker ??
        ((await knownSize(source)) ?? 0) >= GUNZIP_WORKER_MIN_BYTES;
      stream = gunzipStream(stream, { worker });
    }
  }
  if (maxBytes !== Infinity || signal) stream = guarded(stream, maxBytes, signal);
  return stream;
}

/**
 * Sizes of streams that know theirs: an open file's (from `fileStream`), and
 * a `peekBytes` stream over one. Lets `openByteStream` choose the gzip worker
 * for a file however many times its stream was peeked at.
 */
const streamSizes = new WeakMap<ReadableStream<Uint8Array>, () => number | undefined>();

/** The size of a source when it is known without reading it. */
async function knownSize(source: ByteSource): Promise<number | undefined> {
  if (source instanceof ReadableStream) return streamSizes.get(source)?.();
  if (source instanceof Uint8Array) return source.length;
  if (source instanceof ArrayBuffer) return source.byteLength;
  if (typeof source === "string") return source.length;
  if (typeof Blob !== "undefined" && source instanceof Blob) return source.size;
  if (typeof Deno !== "undefined" && source instanceof Deno.FsFile) {
    try {
      const info = await source.stat();
      return info.isFile ? info.size : undefined;
    } catch {
      return undefined;
    }
  }
  if (typeof Response !== "undefined" && source instanceof Response) {
    const len = source.headers.get("content-length");
    const coded = source.headers.get("content-encoding");
    return len && /^\d+$/.test(len) && (!coded || coded === "identity") ? Number(len) : undefined;
  }
  return undefined;
}

/**
 * Undoes gzip with the platform's `DecompressionStream` (about 3x faster than
 * a JavaScript inflater), turning its bare `TypeError`s (truncated stream,
 * bad checksum, trailing garbage) into {@linkcode TruncatedInputError} or
 * {@linkcode TableFormatError} with the compressed byte offset.
 *
 * With `worker: true` the inflating runs on a worker thread (see
 * `gunzip_worker.ts`), with the same bytes and errors; if no worker can be
 * started it runs here. The worker ends with the stream: read it to the end
 * or cancel it.
 */
export function gunzipStream(
  compressed: ReadableStream<Uint8Array>,
  options: { worker?: boolean } = {},
): ReadableStream<Uint8Array> {
  if (options.worker) {
    try {
      return gunzipOnWorker(compressed, gzipError);
    } catch { /* no worker here: inflate in this thread */ }
  }
  let consumed = 0;
  const counted = compressed.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        consumed += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  const reader = counted
    .pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await reader.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        controller.error(gzipError(e, consumed));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * Maps an inflater's bare `TypeError` (truncated data, bad checksum, trailing
 * bytes, corrupt data) to {@linkcode TruncatedInputError} or
 * {@linkcode TableFormatError} at the compressed byte `offset`; any other
 * error passes through.
 *
 * @example
 * ```ts
 * import { gzipError } from "./source.ts";
 * import { TruncatedInputError } from "./errors.ts";
 * const e = gzipError(new TypeError("unexpected end of file"), 120);
 * if (!(e instanceof TruncatedInputError) || e.offset !== 120) throw new Error(String(e));
 * ```
 */
export function gzipError(e: unknown, offset: number): unknown {
  if (!(e instanceof TypeError)) return e;
  const msg = e.message;
  if (/checksum|unexpected end|truncat|incomplete/i.test(msg)) {
    return new TruncatedInputError(`Corrupt or truncated gzip data: ${msg}`, {
      format: "gzip",
      offset,
      cause: e,
    });
  }
  return new TableFormatError(`Corrupt gzip data: ${msg}`, { format: "gzip", offset, cause: e });
}

/**
 * The stream with `maxBytes` and `signal` enforced on every piece. Pulled
 * (nothing read ahead, unlike a `pipeThrough`), so that its source's direct
 * read can be offered too, with the same checks.
 */
function guarded(
  source: ReadableStream<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let total = 0;
  const count = (n: number) => {
    total += n;
    if (total > maxBytes) {
      throw new SizeLimitError(
        `Input exceeds the limit of ${maxBytes} bytes after decompression; raise "maxBytes" if this is expected`,
        { limit: maxBytes },
      );
    }
  };
  // A failed check stops the source too (a gzip worker, an open file), as
  // an error in a pipe would.
  const stop = (e: unknown): never => {
    reader.cancel(e).catch(() => {});
    throw e;
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        signal?.throwIfAborted();
        const r = await reader.read();
        if (r.done) return controller.close();
        signal?.throwIfAborted();
        count(r.value.length);
        controller.enqueue(r.value);
      } catch (e) {
        stop(e);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  const after = (n: number | null) => {
    try {
      signal?.throwIfAborted();
      if (n !== null) count(n);
    } catch (e) {
      stop(e);
    }
    return n;
  };
  setDirectRead(stream, () => {
    const read = directRead(source);
    if (!read) return undefined;
    return async (into) => {
      if (signal?.aborted) stop(signal.reason);
      return after(await read(into));
    };
  });
  return stream;
}

/**
 * Maps the errors that web streams raise for bad gzip data to a
 * {@linkcode TruncatedInputError}; other errors pass through unchanged.
 */
export function describeStreamError(error: unknown, format: string, offset?: number): unknown {
  if (
    error instanceof TypeError &&
    /gzip|deflate|compress|corrupt|unexpected end|invalid|whole buffer/i.test(error.message)
  ) {
    return new TruncatedInputError(`Corrupt or truncated gzip data: ${error.message}`, {
      format,
      ...(offset !== undefined ? { offset } : {}),
      cause: error,
    });
  }
  return error;
}

/** Reads a whole stream into one array (for small documents; readers stream). */
export async function readAllBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const c of stream) {
      chunks.push(c);
      total += c.length;
    }
  } catch (e) {
    throw describeStreamError(e, "bytes", total);
  }
  return concatBytes(chunks, total);
}
