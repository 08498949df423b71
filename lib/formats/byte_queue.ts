/**
 * Exact-size reads from a byte stream, for binary formats (FITS) that read
 * fixed-size blocks and rows. Memory grows only with the bytes that really
 * arrived, never with a size an input merely claims.
 *
 * @module
 */
import { describeStreamError, directRead } from "../io/source.ts";

/**
 * Reads a stream in exact-size pieces.
 *
 * @example
 * ```ts
 * import { ByteQueue } from "./byte_queue.ts";
 * const q = new ByteQueue(ReadableStream.from([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]), "test");
 * const a = await q.read(4);
 * if (a.length !== 4 || a[3] !== 4) throw new Error("read");
 * const b = await q.read(4); // only one byte left
 * if (b.length !== 1 || q.offset !== 5) throw new Error("short read at the end");
 * ```
 */
export class ByteQueue {
  #stream: ReadableStream<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #have = 0;
  #eof = false;
  #format: string;
  /** Bytes handed out (or skipped) so far. */
  offset = 0;
  /** Called with the total bytes received whenever a chunk arrives. */
  onBytes: ((n: number) => void) | undefined;
  #received = 0;

  /**
   * Makes a queue over a stream (its reader is taken).
   * @param stream The bytes.
   * @param format The format name for stream errors (e.g. "fits").
   */
  constructor(stream: ReadableStream<Uint8Array>, format: string) {
    this.#stream = stream;
    this.#reader = stream.getReader();
    this.#format = format;
  }

  async #fill(n: number): Promise<void> {
    while (this.#have < n && !this.#eof) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.#reader.read();
      } catch (e) {
        throw describeStreamError(e, this.#format, this.offset + this.#have);
      }
      if (r.done) {
        this.#eof = true;
        break;
      }
      if (r.value.length) {
        this.#chunks.push(r.value);
        this.#have += r.value.length;
        this.#received += r.value.length;
        this.onBytes?.(this.#received);
      }
    }
  }

  /** Reads `n` bytes; fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    await this.#fill(n);
    const take = Math.min(n, this.#have);
    let out: Uint8Array;
    const first = this.#chunks[0];
    if (first && first.length >= take) {
      out = first.subarray(0, take);
      if (first.length === take) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(take);
    } else {
      out = new Uint8Array(take);
      let at = 0;
      while (at < take) {
        const c = this.#chunks[0]!;
        const k = Math.min(c.length, take - at);
        out.set(c.subarray(0, k), at);
        at += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#have -= take;
    this.offset += take;
    return out;
  }

  /**
   * Reads up to `dst.length` bytes into `dst` (a buffer the caller reuses, so
   * that fixed-size pieces cost no allocation); fewer only at the end of the
   * stream. Returns how many bytes were read.
   */
  async readInto(dst: Uint8Array): Promise<number> {
    const n = dst.length;
    // From a regular file, what is not queued already is read straight into
    // dst (see directRead): no fresh buffer per piece.
    let at = this.#take(dst, 0);
    const direct = at < n && !this.#eof ? directRead(this.#stream) : undefined;
    if (direct) {
      while (at < n) {
        let got: number | null;
        try {
          got = await direct(dst.subarray(at));
        } catch (e) {
          throw describeStreamError(e, this.#format, this.offset);
        }
        if (got === null) {
          this.#eof = true;
          break;
        }
        at += got;
        this.offset += got;
        this.#received += got;
        this.onBytes?.(this.#received);
      }
      return at;
    }
    await this.#fill(n - at);
    return this.#take(dst, at);
  }

  /** Moves queued bytes into `dst` from `at` on; returns where they end. */
  #take(dst: Uint8Array, at: number): number {
    const take = Math.min(dst.length - at, this.#have);
    const end = at + take;
    while (at < end) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, end - at);
      dst.set(k === c.length ? c : c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    this.#have -= take;
    this.offset += take;
    return end;
  }

  /**
   * Reads `n` bytes (fewer only at the end of the stream) for immediate use:
   * a view of the chunk that holds them all when there is one (no copy),
   * else copied into `scratch` (at least `n` bytes long) and a view of it.
   * The bytes are valid until the next call.
   */
  async readVia(n: number, scratch: Uint8Array): Promise<Uint8Array> {
    if (this.#have < n && !this.#eof && directRead(this.#stream)) {
      return scratch.subarray(0, await this.readInto(scratch.subarray(0, n)));
    }
    await this.#fill(n);
    const first = this.#chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#have -= n;
      this.offset += n;
      return out;
    }
    const got = await this.readInto(scratch.subarray(0, n));
    return scratch.subarray(0, got);
  }

  /** Skips `n` bytes; returns how many were skipped (fewer only at the end). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      await this.#fill(1);
      if (this.#have === 0) break;
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, left);
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
      this.#have -= k;
      this.offset += k;
      left -= k;
    }
    return n - left;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    await this.#fill(1);
    return this.#have === 0;
  }

  /** Stops reading the underlying stream. */
  async cancel(reason?: unknown): Promise<void> {
    await this.#reader.cancel(reason).catch(() => {});
  }
}
