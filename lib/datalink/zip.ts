/**
 * In-memory ZIP reading for DataLink answers: the central directory is read
 * from the end of the archive, each entry is inflated on demand into a
 * buffer no larger than its declared size, and its CRC-32 is checked. Small
 * entries (a light curve, a spectrum: at most 64 KB compressed) are inflated
 * in one synchronous call (`node:zlib`, which stops one byte past the
 * declared size), large ones through the web
 * `DecompressionStream("deflate-raw")` (the fastest inflater in Deno for
 * large data, but a stream, its promises and its native state per entry cost
 * about 20 KB of memory that only a garbage collection frees: 10 000 light
 * curves left some 200 MB of heap and native memory behind). Limits
 * on the number of entries and the total unpacked size stop zip bombs before
 * any memory is spent on them.
 *
 * @module
 */
import { SizeLimitError } from "../io/errors.ts";
import { crc32 } from "./crc32.ts";
import { ZipFormatError } from "./errors.ts";

/** One entry of a ZIP archive, as listed by its central directory. */
export interface ZipEntryInfo {
  /** Entry name (path inside the archive, `/`-separated). */
  name: string;
  /** Compression method: 0 stored, 8 deflate. */
  method: number;
  /** Compressed size in bytes. */
  compressedSize: number;
  /** Uncompressed size in bytes, as declared. */
  size: number;
  /** CRC-32 of the uncompressed bytes, as declared. */
  crc32: number;
  /** Offset of the entry's local header. */
  offset: number;
}

/** Limits applied while reading an archive. */
export interface ZipLimits {
  /**
   * Largest total unpacked size accepted, in bytes (the sum over entries).
   * @default 2147483648 (2 GiB)
   */
  maxUnpackedBytes?: number;
  /** Largest number of entries accepted. @default 100000 */
  maxEntries?: number;
  /** Stops inflating; the read rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The default limit on the total unpacked size of an archive (2 GiB). */
export const DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 ** 3;

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/**
 * Largest compressed entry inflated in one synchronous call (larger ones are
 * streamed, so that a big entry neither blocks the event loop nor is held
 * twice).
 */
export const SYNC_INFLATE_MAX_BYTES = 64 * 1024;

/** `node:zlib`, loaded on first use; undefined where it cannot be (then every entry is streamed). */
let zlib: Promise<typeof import("node:zlib") | undefined> | undefined;

/** True when `bytes` starts like a ZIP archive (`PK\x03\x04`, or an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * A ZIP archive held in memory. Construction reads and checks the central
 * directory; {@linkcode ZipArchive.read} inflates one entry.
 *
 * @example Listing and reading an archive
 * ```ts
 * import { zipSync } from "fflate";
 * import { ZipArchive } from "./zip.ts";
 * const bytes = zipSync({ "a.txt": new TextEncoder().encode("hello") });
 * const zip = new ZipArchive(bytes);
 * if (zip.entries[0].name !== "a.txt") throw new Error();
 * const text = new TextDecoder().decode(await zip.read(zip.entries[0]));
 * if (text !== "hello") throw new Error(text);
 * ```
 */
export class ZipArchive {
  /** The entries, in central-directory order (directories left out). */
  readonly entries: readonly ZipEntryInfo[];
  /** Sum of the declared unpacked sizes. */
  readonly totalSize: number;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #signal: AbortSignal | undefined;

  /**

   * Creates the instance.
   * @param bytes the whole archive
   * @param limits entry count, unpacked size and abort signal.
   */
  constructor(bytes: Uint8Array, limits: ZipLimits = {}) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#signal = limits.signal;
    const maxEntries = limits.maxEntries ?? 100_000;
    const maxBytes = limits.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
    const entries = this.#readDirectory(maxEntries);
    let total = 0;
    for (const e of entries) {
      total += e.size;
      if (total > maxBytes) {
        throw new SizeLimitError(
          `ZIP archive would unpack to more than ${maxBytes} bytes (entry ${
            JSON.stringify(e.name)
          } brings the declared total to ${total}); raise "maxUnpackedBytes" if this is expected`,
          { limit: maxBytes },
        );
      }
    }
    this.entries = entries;
    this.totalSize = total;
  }

  #u16(at: number): number {
    return this.#view.getUint16(at, true);
  }
  #u32(at: number): number {
    return this.#view.getUint32(at, true);
  }
  #u64(at: number): number {
    const v = this.#view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ZipFormatError("ZIP64 field out of range", { offset: at });
    }
    return Number(v);
  }

  #readDirectory(maxEntries: number): ZipEntryInfo[] {
    const b = this.#bytes;
    const n = b.length;
    if (n < 22) {
      throw new ZipFormatError(
        `Not a ZIP archive: only ${n} bytes, too short for an end-of-directory record`,
      );
    }
    let eocd = -1;
    for (let i = n - 22; i >= Math.max(0, n - 22 - 65535); i--) {
      if (b[i] === 0x50 && this.#u32(i) === SIG_EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new ZipFormatError(
        isZip(b)
          ? "Truncated ZIP archive: the end-of-central-directory record is missing"
          : "Not a ZIP archive: no end-of-central-directory record found",
        { offset: n },
      );
    }
    let count = this.#u16(eocd + 10);
    let dirSize = this.#u32(eocd + 12);
    let dirOffset = this.#u32(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || this.#u32(loc) !== SIG_EOCD64_LOCATOR) {
        throw new ZipFormatError("ZIP64 archive without its end-of-directory locator", {
          offset: eocd,
        });
      }
      const at = this.#u64(loc + 8);
      if (at + 56 > n || this.#u32(at) !== SIG_EOCD64) {
        throw new ZipFormatError("Bad ZIP64 end-of-central-directory record", { offset: at });
      }
      count = this.#u64(at + 32);
      dirSize = this.#u64(at + 40);
      dirOffset = this.#u64(at + 48);
    }
    if (count > maxEntries) {
      throw new SizeLimitError(
        `ZIP archive lists ${count} entries, more than the limit of ${maxEntries}`,
        { limit: maxEntries, unit: "entries" },
      );
    }
    if (dirOffset + dirSize > n) {
      throw new ZipFormatError(
        `Truncated ZIP archive: the central directory (${dirSize} bytes at ${dirOffset}) runs past the end (${n} bytes)`,
        { offset: dirOffset },
      );
    }
    const out: ZipEntryInfo[] = [];
    const dec = new TextDecoder();
    let p = dirOffset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > n || this.#u32(p) !== SIG_CENTRAL) {
        throw new ZipFormatError(`Bad central directory record ${k + 1} of ${count}`, {
          offset: p,
        });
      }
      const flags = this.#u16(p + 8);
      const method = this.#u16(p + 10);
      const crc = this.#u32(p + 16);
      let csize = this.#u32(p + 20);
      let usize = this.#u32(p + 24);
      const nameLen = this.#u16(p + 28);
      const extraLen = this.#u16(p + 30);
      const commentLen = this.#u16(p + 32);
      let offset = this.#u32(p + 42);
      if (p + 46 + nameLen + extraLen + commentLen > n) {
        throw new ZipFormatError(`Central directory record ${k + 1} runs past the end`, {
          offset: p,
        });
      }
      const name = dec.decode(b.subarray(p + 46, p + 46 + nameLen));
      // ZIP64 extended information.
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = this.#u16(x);
        const len = this.#u16(x + 2);
        if (id === 1) {
          let q = x + 4;
          if (usize === 0xffffffff) (usize = this.#u64(q), q += 8);
          if (csize === 0xffffffff) (csize = this.#u64(q), q += 8);
          if (offset === 0xffffffff) offset = this.#u64(q);
        }
        x += 4 + len;
      }
      p = xEnd + commentLen;
      if (flags & 1) {
        throw new ZipFormatError("Encrypted ZIP entries are not supported", { entry: name });
      }
      if (name.endsWith("/")) continue; // a directory
      if (method !== 0 && method !== 8) {
        throw new ZipFormatError(
          `Unsupported ZIP compression method ${method} (only stored and deflate)`,
          {
            entry: name,
          },
        );
      }
      if (method === 0 && csize !== usize) {
        throw new ZipFormatError(
          `Stored entry declares ${csize} compressed but ${usize} unpacked bytes`,
          {
            entry: name,
          },
        );
      }
      out.push({ name, method, compressedSize: csize, size: usize, crc32: crc, offset });
    }
    return out;
  }

  /**
   * Inflates one entry and checks its size and CRC-32. The output buffer is
   * the declared size: an entry that inflates to more (a lying header) is an
   * error, not a bigger allocation.
   */
  async read(entry: ZipEntryInfo): Promise<Uint8Array> {
    this.#signal?.throwIfAborted();
    const b = this.#bytes;
    const at = entry.offset;
    if (at + 30 > b.length || this.#u32(at) !== SIG_LOCAL) {
      throw new ZipFormatError("Bad local header", { entry: entry.name, offset: at });
    }
    const start = at + 30 + this.#u16(at + 26) + this.#u16(at + 28);
    const end = start + entry.compressedSize;
    if (end > b.length) {
      throw new ZipFormatError(
        `Truncated ZIP entry: ${entry.compressedSize} compressed bytes declared, ${
          Math.max(0, b.length - start)
        } present`,
        { entry: entry.name, offset: start },
      );
    }
    const packed = b.subarray(start, end);
    let data: Uint8Array;
    if (entry.method === 0) {
      data = packed;
    } else {
      data = await this.#inflate(entry, packed, start);
    }
    const c = crc32(data);
    if (c !== entry.crc32) {
      throw new ZipFormatError(
        `CRC-32 mismatch (computed ${c.toString(16)}, declared ${
          entry.crc32.toString(16)
        }): the archive is corrupt`,
        { entry: entry.name, offset: start },
      );
    }
    return data;
  }

  async #inflate(entry: ZipEntryInfo, packed: Uint8Array, start: number): Promise<Uint8Array> {
    const z = packed.length > 0 && packed.length <= SYNC_INFLATE_MAX_BYTES
      ? await (zlib ??= import("node:zlib").catch(() => undefined))
      : undefined;
    if (z) {
      const { inflateRawSync } = z;
      this.#signal?.throwIfAborted();
      let got: Uint8Array;
      try {
        // One byte more than declared may come out, so that an entry
        // inflating to more shows; zlib stops there.
        got = inflateRawSync(packed, { maxOutputLength: entry.size + 1 });
      } catch (e) {
        if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
          throw new ZipFormatError(
            `Entry inflates to more than its declared ${entry.size} bytes (a lying header or a zip bomb)`,
            { entry: entry.name, offset: start },
          );
        }
        throw new ZipFormatError(`Corrupt deflate data: ${(e as Error).message}`, {
          entry: entry.name,
          offset: start,
          cause: e,
        });
      }
      if (got.length > entry.size) {
        throw new ZipFormatError(
          `Entry inflates to more than its declared ${entry.size} bytes (a lying header or a zip bomb)`,
          { entry: entry.name, offset: start },
        );
      }
      if (got.length !== entry.size) {
        throw new ZipFormatError(
          `Entry inflated to ${got.length} bytes, but ${entry.size} were declared`,
          { entry: entry.name, offset: start },
        );
      }
      // A buffer of its own (zlib may hand back a view of a larger one).
      return got.byteOffset === 0 && got.buffer.byteLength === got.byteLength &&
          got.buffer instanceof ArrayBuffer
        ? new Uint8Array(got.buffer, 0, got.byteLength)
        : Uint8Array.prototype.slice.call(got);
    }
    const out = new Uint8Array(entry.size);
    let have = 0;
    const ds = new DecompressionStream("deflate-raw");
    const writer = ds.writable.getWriter();
    const writing = writer.write(packed as Uint8Array<ArrayBuffer>).then(() => writer.close())
      .catch(() => {});
    const reader = ds.readable.getReader();
    try {
      for (;;) {
        this.#signal?.throwIfAborted();
        const r = await reader.read();
        if (r.done) break;
        const chunk = r.value as Uint8Array;
        if (have + chunk.length > out.length) {
          throw new ZipFormatError(
            `Entry inflates to more than its declared ${entry.size} bytes (a lying header or a zip bomb)`,
            { entry: entry.name, offset: start },
          );
        }
        out.set(chunk, have);
        have += chunk.length;
      }
    } catch (e) {
      await reader.cancel().catch(() => {});
      if (e instanceof ZipFormatError || (e instanceof DOMException && e.name === "AbortError")) {
        throw e;
      }
      if (this.#signal?.aborted) throw this.#signal.reason;
      throw new ZipFormatError(`Corrupt deflate data: ${(e as Error).message}`, {
        entry: entry.name,
        offset: start,
        cause: e,
      });
    } finally {
      await writing;
    }
    if (have !== entry.size) {
      throw new ZipFormatError(`Entry inflated to ${have} bytes, but ${entry.size} were declared`, {
        entry: entry.name,
        offset: start,
      });
    }
    return out;
  }

  /**
   * Reads the entries one after the other (each inflated only when asked for).
   *
   * @example
   * ```ts
   * import { zipSync } from "fflate";
   * import { ZipArchive } from "./zip.ts";
   * const zip = new ZipArchive(zipSync({ "a": new Uint8Array(3), "b": new Uint8Array(5) }));
   * let total = 0;
   * for await (const { bytes } of zip) total += bytes.length;
   * if (total !== 8) throw new Error(String(total));
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<{ entry: ZipEntryInfo; bytes: Uint8Array }> {
    for (const entry of this.entries) yield { entry, bytes: await this.read(entry) };
  }
}
