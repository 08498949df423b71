/**
 * A pull buffer over a byte stream for the VOTable scanners: the bytes not
 * yet consumed stay in `buf[pos..len)`, and `more()` appends the next chunks
 * (compacting what was consumed), so that a token or row cut by a chunk
 * boundary can be rescanned from its start.
 *
 * @module
 */
import {
  describeStreamError,
  type DirectRead,
  directRead,
  FILE_CHUNK_BYTES,
} from "../io/source.ts";

/** Internal: streaming byte buffer with absolute offsets. */
export class ByteInput {
  /** Current bytes; valid in `[0, len)`, unread from `pos`. */
  buf: Uint8Array = new Uint8Array(0);
  /** Next unread byte. */
  pos = 0;
  /** End of valid bytes in `buf`. */
  len = 0;
  /** Absolute offset of `buf[0]` in the (decompressed) input. */
  base = 0;
  /** True once the stream has ended. */
  done = false;
  #work = new Uint8Array(1 << 16);
  /** The buffer direct reads fill (reused: no fresh pages per piece). */
  #direct: Uint8Array | undefined;
  #stream: ReadableStream<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #onBytes: ((n: number) => void) | undefined;
  #total = 0;

  constructor(stream: ReadableStream<Uint8Array>, onBytes?: (n: number) => void) {
    this.#stream = stream;
    this.#reader = stream.getReader();
    this.#onBytes = onBytes;
  }

  /** Absolute offset of buffer index `i`. */
  offset(i: number): number {
    return this.base + i;
  }

  /**
   * Reads more bytes, at least `minNew` unless the stream ends first.
   * Invalidates indices into `buf` other than relative to `pos`: callers keep
   * positions as `i - pos` across a call. Returns false when nothing new came.
   */
  async more(minNew = 1): Promise<boolean> {
    if (this.done) return false;
    // At least double what is pending, so that a token or row spanning many
    // chunks (a huge TD) is rescanned a logarithmic number of times only.
    minNew = Math.max(minNew, this.len - this.pos);
    const direct = directRead(this.#stream);
    if (direct) return this.#moreDirect(direct, minNew);
    let got = 0;
    while (got < minNew) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.#reader.read();
      } catch (e) {
        throw describeStreamError(e, "votable", this.#total);
      }
      if (r.done) {
        this.done = true;
        break;
      }
      const c = r.value;
      if (!c || c.length === 0) continue;
      this.#total += c.length;
      this.#onBytes?.(this.#total);
      if (this.pos === this.len && got === 0) {
        // Nothing pending: adopt the chunk without copying.
        this.base += this.len;
        this.buf = c;
        this.pos = 0;
        this.len = c.length;
      } else {
        this.#append(c);
      }
      got += c.length;
    }
    return got > 0;
  }

  /**
   * `more()` for a regular file: the pending bytes move to the front of one
   * reused buffer and the file is read straight in behind them. Callers never
   * keep views of `buf` across `more()` (the work buffer is reused already).
   */
  async #moreDirect(read: DirectRead, minNew: number): Promise<boolean> {
    const keep = this.len - this.pos;
    let d = this.#direct;
    if (!d || d.length < keep + minNew) {
      const n = new Uint8Array(Math.max(keep + minNew, FILE_CHUNK_BYTES, d ? d.length * 2 : 0));
      n.set(this.buf.subarray(this.pos, this.len));
      d = this.#direct = n;
    } else if (this.buf === d) {
      if (this.pos > 0) d.copyWithin(0, this.pos, this.len);
    } else {
      d.set(this.buf.subarray(this.pos, this.len));
    }
    let got = 0;
    while (got < minNew) {
      let n: number | null;
      try {
        n = await read(d.subarray(keep + got));
      } catch (e) {
        throw describeStreamError(e, "votable", this.#total + got);
      }
      if (n === null) {
        this.done = true;
        break;
      }
      got += n;
    }
    if (got) {
      this.#total += got;
      this.#onBytes?.(this.#total);
    }
    this.base += this.pos;
    this.buf = d;
    this.pos = 0;
    this.len = keep + got;
    return got > 0;
  }

  #append(c: Uint8Array): void {
    const keep = this.len - this.pos;
    const need = keep + c.length;
    let w = this.#work;
    if (this.buf === w) {
      if (need > w.length) {
        const n = new Uint8Array(Math.max(need, w.length * 2));
        n.set(w.subarray(this.pos, this.len));
        w = n;
      } else if (this.pos > 0) {
        w.copyWithin(0, this.pos, this.len);
      }
    } else {
      if (need > w.length) w = new Uint8Array(Math.max(need, w.length * 2));
      w.set(this.buf.subarray(this.pos, this.len));
    }
    w.set(c, keep);
    this.base += this.pos;
    this.#work = w;
    this.buf = w;
    this.pos = 0;
    this.len = need;
  }

  /** Releases the underlying stream (on error or early exit). */
  async cancel(reason?: unknown): Promise<void> {
    try {
      await this.#reader.cancel(reason);
    } catch { /* already errored */ }
  }
}
