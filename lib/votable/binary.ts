/**
 * The BINARY / BINARY2 scanner: base64 text of `<STREAM encoding="base64">`
 * decoded in large blocks as it arrives (native `setFromBase64`), then whole
 * rows read from the decoded bytes with a DataView (big-endian, as VOTable
 * writes them) straight into the column builders. BINARY2 rows start with a
 * null bitmap, one bit per field, most significant bit first.
 *
 * Rows are decoded a column at a time over blocks of rows: at a fixed stride
 * when every FIELD has a fixed size ({@linkcode blockDecoder}), else once the
 * length prefixes of a block of rows have told where each value is
 * ({@linkcode indexedDecoder}; `char` arraysize="*", as DaCHS and the ESA
 * archive write strings, makes every row's size different).
 *
 * @module
 */
import type { ColumnBuilder } from "../table/builders.ts";
import {
  type BlockDecoder,
  blockDecoder,
  type IndexedDecoder,
  indexedDecoder,
} from "./binary_columns.ts";
import { truncated, VOTableSyntaxError } from "./errors.ts";
import { type FieldSpec, ITEM_BYTES, K_BIT } from "./fields.ts";
import type { ByteInput } from "./input.ts";

/*
 * Base64 text is ASCII, which the UTF-8 decoder turns into a string several
 * times faster than "latin1" does. (Any other byte is an error, reported at
 * its byte offset from a latin1 decoding; the BOM is kept so that it is one.)
 */
const ascii = new TextDecoder("utf-8", { ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

/** ASCII whitespace, which base64 text may contain anywhere. */
function isBase64Space(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c;
}

/** A base64 alphabet character or the padding `=`. */
function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2b || c === 0x2f || c === 0x3d;
}

/** Base64 text decoded per call, in bytes (a multiple of 4 is not needed). */
const TEXT_PIECE = 64 * 1024;

/** Decoded bytes per block of a column-at-a-time pass (fits the CPU cache). */
const BLOCK_BYTES = 256 * 1024;

interface Base64Target {
  setFromBase64(
    s: string,
    o?: {
      alphabet?: "base64" | "base64url";
      lastChunkHandling?: "loose" | "strict" | "stop-before-partial";
    },
  ): { read: number; written: number };
}

/** Decoded bytes of one table's STREAM plus the row decoder. */
export class BinaryScanner {
  readonly #specs: FieldSpec[];
  readonly #builders: ColumnBuilder[];
  readonly #binary2: boolean;
  readonly #maskBytes: number;
  readonly #rowSize: number; // -1 when some field is variable
  /** One per column when the rows have a fixed size. */
  readonly #decoders: BlockDecoder[] = [];
  /** One per column when they have not. */
  readonly #indexed: IndexedDecoder[] = [];
  /** For those: value positions and item counts (`row * nf + column`), row starts. */
  #pos = new Int32Array(0);
  #cnt = new Int32Array(0);
  #starts = new Int32Array(0);
  /**
   * Per field: its distance from the end of the last variable field before
   * it (or from the null bitmap), its fixed item count, and 0 when it is
   * fixed, else its bytes per item (-1 for packed bits). Then the bytes after
   * the last variable field.
   */
  #rel = new Int32Array(0);
  #fixed = new Int32Array(0);
  #item = new Int32Array(0);
  #tail = 0;
  #bin = new Uint8Array(1 << 16);
  #dv = new DataView(this.#bin.buffer);
  #bpos = 0;
  #blen = 0;
  /** Rows read so far (whole table). */
  rows = 0;
  /** Absolute input offset of the base64 text being decoded (for errors). */
  #textOffset = 0;
  /** Base64 characters (0-3) of a quantum cut by the end of the bytes at hand. */
  #carry = "";
  /** Input offset of the first of them. */
  #carryOffset = 0;
  /** True once a quantum with padding (`=`) ended the data. */
  #padded = false;
  /** True once the end of the STREAM's text is in sight. */
  #ended = false;

  constructor(specs: FieldSpec[], builders: ColumnBuilder[], binary2: boolean) {
    this.#specs = specs;
    this.#builders = builders;
    this.#binary2 = binary2;
    this.#maskBytes = binary2 ? (specs.length + 7) >> 3 : 0;
    let size = this.#maskBytes;
    for (const s of specs) {
      if (s.binBytes < 0) {
        size = -1;
        break;
      }
      size += s.binBytes;
    }
    this.#rowSize = size;
    if (size > 0) {
      let off = this.#maskBytes;
      for (let j = 0; j < specs.length; j++) {
        this.#decoders.push(blockDecoder(specs[j], builders[j], j, off, binary2));
        off += specs[j].binBytes;
      }
    } else if (size < 0) {
      const nf = specs.length;
      for (let j = 0; j < nf; j++) {
        this.#indexed.push(indexedDecoder(specs[j], builders[j], j, nf, binary2));
      }
      this.#rel = new Int32Array(nf);
      this.#fixed = new Int32Array(nf);
      this.#item = new Int32Array(nf);
      let rel = 0;
      for (let j = 0; j < nf; j++) {
        const sp = specs[j];
        this.#rel[j] = rel;
        this.#fixed[j] = sp.fixed;
        if (sp.binBytes >= 0) rel += sp.binBytes;
        else {
          this.#item[j] = sp.kind === K_BIT ? -1 : ITEM_BYTES[sp.kind];
          rel = 0;
        }
      }
      this.#tail = rel;
      const rows = Math.max(16, Math.min(4096, Math.floor(131072 / nf)));
      this.#pos = new Int32Array(rows * nf);
      this.#cnt = new Int32Array(rows * nf);
      this.#starts = new Int32Array(rows);
    }
  }

  /**
   * Decodes the base64 text available in `inp` up to `</STREAM>` or the end
   * of the buffer, all of it: the characters of a quantum cut by the end of
   * the buffer are kept here (so that the input buffer never has to keep
   * them and copy the next chunk behind them). Returns true when the STREAM's
   * text has ended (the input is left at its `<`).
   */
  decode(inp: ByteInput): boolean {
    const buf = inp.buf;
    const len = inp.len;
    let pos = inp.pos;
    // Where the STREAM's text ends (its `<`), once seen; until then `len`.
    // Found in the text each piece is decoded into anyway: a string search
    // is ~30x faster here than Uint8Array.prototype.indexOf.
    let lt = len;
    let final = false;
    const endAt = (at: number) => {
      lt = at;
      final = true;
      this.#ended = true;
    };
    if (pos < len && buf[pos] === 0x3c) endAt(pos);
    if (lt === pos && this.#carry === "") return final;
    // Room for the decoded bytes (and the cut quantum's).
    const add = Math.ceil(((lt - pos) * 3) / 4) + 6;
    if (this.#blen + add > this.#bin.length) {
      const keep = this.#blen - this.#bpos;
      if (keep + add <= this.#bin.length) {
        this.#bin.copyWithin(0, this.#bpos, this.#blen);
      } else {
        const n = new Uint8Array(Math.max(keep + add, this.#bin.length * 2));
        n.set(this.#bin.subarray(this.#bpos, this.#blen));
        this.#bin = n;
        this.#dv = new DataView(n.buffer);
      }
      this.#blen = keep;
      this.#bpos = 0;
    }
    if (this.#carry !== "") {
      // Complete the cut quantum with the next base64 characters.
      const from = pos;
      let q = this.#carry;
      while (pos < lt && q.length < 4) {
        const c = buf[pos];
        if (c === 0x3c) {
          endAt(pos);
          break;
        }
        pos++;
        if (!isBase64Space(c)) q += String.fromCharCode(c);
      }
      if (q.length < 4 && !final) {
        this.#carry = q;
        inp.pos = pos;
        return false;
      }
      this.#carry = "";
      let r: { read: number; written: number };
      try {
        r = (this.#bin.subarray(this.#blen) as unknown as Base64Target).setFromBase64(q, {
          lastChunkHandling: q.length < 4 ? "loose" : "strict",
        });
      } catch (e) {
        // The kept characters were valid: the culprit is a new one.
        let bad = from;
        while (bad < pos && (isBase64Char(buf[bad]) || isBase64Space(buf[bad]))) bad++;
        throw new VOTableSyntaxError(
          bad < pos
            ? `Invalid character "${
              latin1.decode(buf.subarray(bad, bad + 1))
            }" in base64 STREAM data`
            : `Malformed base64 in STREAM data (${(e as Error).message})`,
          {
            offset: bad < pos ? inp.offset(bad) : this.#carryOffset,
            element: "STREAM",
            cause: e,
          },
        );
      }
      this.#blen += r.written;
      // Nothing may follow padding.
      if (q.includes("=")) this.#padded = true;
    }
    if (this.#padded) {
      while (pos < lt && isBase64Space(buf[pos])) pos++;
      if (pos < lt && buf[pos] === 0x3c) endAt(pos);
      if (pos < lt) {
        throw new VOTableSyntaxError(`Malformed base64 in STREAM data: data after padding`, {
          offset: inp.offset(pos),
          element: "STREAM",
        });
      }
    } else if (pos < lt) {
      // In pieces of about TEXT_PIECE bytes, whatever the input's chunk size:
      // the strings stay small (young-generation garbage, not large objects).
      for (let end = pos;;) {
        end = Math.min(lt, end + TEXT_PIECE);
        this.#textOffset = inp.offset(pos);
        let text = ascii.decode(buf.subarray(pos, end));
        if (!final) {
          const k = text.indexOf("<");
          if (k >= 0) {
            // Characters are bytes while the text is ASCII; else (invalid
            // base64 anyway) the bytes say where.
            const at = buf[pos + k] === 0x3c ? pos + k : buf.subarray(pos, end).indexOf(0x3c) + pos;
            endAt(at);
            end = at;
            text = at - pos === k ? text.slice(0, k) : ascii.decode(buf.subarray(pos, end));
          }
        }
        const last = end === lt;
        let r: { read: number; written: number };
        try {
          r = (this.#bin.subarray(this.#blen) as unknown as Base64Target).setFromBase64(text, {
            lastChunkHandling: last && final ? "loose" : "stop-before-partial",
          });
        } catch (e) {
          const bad = /[^A-Za-z0-9+/=\s]/.exec(latin1.decode(buf.subarray(pos, end)));
          throw new VOTableSyntaxError(
            bad
              ? `Invalid character "${bad[0]}" in base64 STREAM data`
              : `Malformed base64 in STREAM data (${(e as Error).message})`,
            { offset: this.#textOffset + (bad ? bad.index : 0), element: "STREAM", cause: e },
          );
        }
        this.#blen += r.written;
        // A piece's cut quantum is read again at the start of the next one.
        pos += r.read;
        if (last) break;
      }
      if (!final) {
        // What is left is a cut quantum (and blanks): keep its characters.
        let q = "";
        for (; pos < lt; pos++) {
          const c = buf[pos];
          if (isBase64Space(c)) continue;
          if (q === "") this.#carryOffset = inp.offset(pos);
          q += String.fromCharCode(c);
        }
        this.#carry = q;
      }
    }
    inp.pos = pos;
    if (!final) return false;
    // "loose" decoding may stop before trailing whitespace.
    while (inp.pos < lt && isBase64Space(buf[inp.pos])) inp.pos++;
    if (inp.pos !== lt) {
      throw new VOTableSyntaxError(`Malformed base64 at the end of the STREAM data`, {
        offset: inp.offset(inp.pos),
        element: "STREAM",
      });
    }
    return true;
  }

  /**
   * Reads whole rows from the decoded bytes until they run out or `limit`
   * rows are in the builders. Returns true when the batch is full.
   */
  rowsFrom(limit: number): boolean {
    if (this.#rowSize >= 0) return this.#fixedRowsFrom(limit);
    const specs = this.#specs;
    const nf = specs.length;
    const bin = this.#bin;
    const dv = this.#dv;
    const end = this.#blen;
    const mask = this.#maskBytes;
    const blockRows = this.#starts.length;
    const pos = this.#pos, cnt = this.#cnt, starts = this.#starts;
    const rel = this.#rel, fixed = this.#fixed, item = this.#item;
    const tail = this.#tail;
    let p = this.#bpos;
    let inBatch = nf ? this.#builders[0].length : 0;
    while (inBatch < limit) {
      // Where each value of the next rows is, as far as whole rows have
      // arrived: fixed fields sit at a known distance from the end of the
      // variable field before them, whose length prefix says where it ends.
      const most = Math.min(blockRows, limit - inBatch);
      let n = 0;
      while (n < most) {
        let seg = p + mask;
        let q = n * nf;
        let whole = true;
        for (let j = 0; j < nf; j++, q++) {
          const at = seg + rel[j];
          const size = item[j];
          if (size === 0) {
            pos[q] = at;
            cnt[q] = fixed[j];
            continue;
          }
          if (at + 4 > end) {
            whole = false;
            break;
          }
          const k = dv.getInt32(at);
          if (k < 0) {
            throw new VOTableSyntaxError(
              `Negative array length ${k} in row ${this.rows + n + 1} (column "${
                specs[j].meta.name
              }")`,
              { element: "STREAM", offset: this.#textOffset },
            );
          }
          pos[q] = at + 4;
          cnt[q] = k;
          // Bits are packed; other items have `size` bytes.
          seg = at + 4 + (size < 0 ? (k + 7) >> 3 : k * size);
          if (seg > end) {
            whole = false;
            break;
          }
        }
        if (!whole || seg + tail > end) break;
        starts[n++] = p;
        p = seg + tail;
      }
      if (n === 0) break;
      // Then column by column.
      const decoders = this.#indexed;
      for (let j = 0; j < nf; j++) decoders[j](bin, dv, pos, cnt, starts, n);
      this.rows += n;
      inBatch += n;
    }
    this.#bpos = p;
    return inBatch >= limit;
  }

  /** {@linkcode rowsFrom} for fixed-size rows: column by column, a block of rows at a time. */
  #fixedRowsFrom(limit: number): boolean {
    const decoders = this.#decoders;
    const nf = decoders.length;
    const rowSize = this.#rowSize;
    let inBatch = nf ? this.#builders[0].length : 0;
    if (rowSize === 0) return inBatch >= limit;
    const bin = this.#bin;
    const dv = this.#dv;
    const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowSize));
    let p = this.#bpos;
    let avail = Math.floor((this.#blen - p) / rowSize);
    // Until the text ends, wait for a block's worth of rows (or the rows
    // that complete the batch): longer column loops, fewer calls.
    if (!this.#ended && avail < Math.min(blockRows, limit - inBatch)) return inBatch >= limit;
    while (inBatch < limit && avail > 0) {
      const n = Math.min(avail, limit - inBatch, blockRows);
      for (let j = 0; j < nf; j++) decoders[j](bin, dv, p, n, rowSize);
      p += n * rowSize;
      avail -= n;
      inBatch += n;
      this.rows += n;
    }
    this.#bpos = p;
    return inBatch >= limit;
  }

  /** Throws when decoded bytes are left over at the end of the STREAM (a cut row). */
  finish(): void {
    if (this.#blen !== this.#bpos) {
      throw truncated(
        `STREAM data ends inside row ${this.rows + 1} (${this.#blen - this.#bpos} bytes left over)`,
        { element: "STREAM", offset: this.#textOffset },
      );
    }
  }
}
