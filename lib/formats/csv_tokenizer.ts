/**
 * The RFC 4180 tokenizer behind the CSV, TSV and ECSV readers: it finds the
 * fields of whole records in a byte buffer (quoted fields with delimiters,
 * newlines and doubled quotes; CRLF, LF or CR line ends) and records their
 * spans in typed arrays, leaving a partial record at the end of a chunk for
 * the next call. No string is made.
 *
 * @module
 */
import { CsvSyntaxError } from "./errors.ts";
import { ESCAPED, type FieldSpans, QUOTED } from "./csv_columns.ts";

const LF = 0x0a;
const CR = 0x0d;

/**
 * Largest number of field slots per batch, and of fields whose rows the CSV
 * engine keeps for type inference (bounds memory for wide tables).
 */
export const MAX_SLOTS = 1 << 22;

/**
 * Tokenizes delimited text into field spans, a batch at a time.
 *
 * @example
 * ```ts
 * import { CsvTokenizer } from "./csv_tokenizer.ts";
 * const t = new CsvTokenizer({ delimiter: 0x2c, quote: 0x22, format: "csv" });
 * const bytes = new TextEncoder().encode('a,"b ""x"", c"\r\n1,2\r\n');
 * const header = t.scanHeader(bytes, 0, bytes.length, true)!;
 * if (header.fields.join("|") !== 'a|b "x", c') throw new Error(header.fields.join("|"));
 * t.setColumns(2, 100);
 * const end = t.scan(bytes, header.end, bytes.length, true, 0);
 * if (t.spans.rows !== 1 || end !== bytes.length) throw new Error("one row");
 * ```
 */
export class CsvTokenizer {
  readonly delimiter: number;
  readonly quote: number;
  readonly format: string;
  /** The spans of the current batch. */
  spans: FieldSpans;
  /** Rows per batch (depends on the column count). */
  maxRows = 0;
  /** 1-based line number of the next record. */
  line = 1;

  constructor(options: { delimiter: number; quote: number; format: string }) {
    this.delimiter = options.delimiter;
    this.quote = options.quote;
    this.format = options.format;
    this.spans = {
      buf: new Uint8Array(0),
      starts: new Int32Array(0),
      ends: new Int32Array(0),
      flags: new Uint8Array(0),
      ncols: 0,
      rows: 0,
      rowLine: new Int32Array(0),
      rowOffset: new Float64Array(0),
      quote: options.quote,
    };
  }

  /** Sets the number of columns and the wanted rows per batch, and allocates the span arrays. */
  setColumns(ncols: number, batchSize: number): void {
    const rows = Math.max(1, Math.min(batchSize, Math.floor(MAX_SLOTS / Math.max(1, ncols))));
    this.maxRows = rows;
    const s = this.spans;
    s.ncols = ncols;
    s.rows = 0;
    s.starts = new Int32Array(rows * ncols);
    s.ends = new Int32Array(rows * ncols);
    s.flags = new Uint8Array(rows * ncols);
    s.rowLine = new Int32Array(rows);
    s.rowOffset = new Float64Array(rows);
  }

  #error(message: string, offset: number, line = this.line): never {
    throw new CsvSyntaxError(message, { line, offset }, this.format);
  }

  /**
   * Reads one record as strings (the header line, or the first record when
   * the column count is not known yet).
   *
   * @returns The fields and the index after the record, or undefined when the
   *   record is not complete yet (and `final` is false), or when there is no record.
   */
  scanHeader(buf: Uint8Array, pos: number, end: number, final: boolean, base = 0):
    | { fields: string[]; end: number; quoted: boolean[] }
    | undefined {
    const dec = new TextDecoder();
    const fields: string[] = [];
    const quoted: boolean[] = [];
    const D = this.delimiter, Q = this.quote;
    if (pos >= end) return undefined;
    let extraLines = 0;
    for (;;) {
      let s = pos, e: number;
      let isQuoted = false;
      if (pos < end && buf[pos] === Q) {
        let p = pos + 1;
        let esc = false;
        for (;;) {
          let q = p;
          while (q < end && buf[q] !== Q) {
            if (buf[q] === LF) extraLines++;
            q++;
          }
          if (q >= end) {
            if (!final) return undefined;
            this.#error("The input ended inside a quoted field (truncated?)", base + pos);
          }
          if (q + 1 < end && buf[q + 1] === Q) {
            esc = true;
            p = q + 2;
            continue;
          }
          if (q + 1 >= end && !final) return undefined;
          s = pos + 1;
          e = q;
          pos = q + 1;
          break;
        }
        isQuoted = true;
        let text = dec.decode(buf.subarray(s, e));
        if (esc) text = text.replaceAll(String.fromCharCode(Q).repeat(2), String.fromCharCode(Q));
        fields.push(text);
        if (pos < end && buf[pos] !== D && buf[pos] !== LF && buf[pos] !== CR) {
          this.#error(`Unexpected character after a closing quote`, base + pos);
        }
      } else {
        while (pos < end && buf[pos] !== D && buf[pos] !== LF && buf[pos] !== CR) pos++;
        e = pos;
        fields.push(dec.decode(buf.subarray(s, e)));
      }
      quoted.push(isQuoted);
      if (pos >= end) {
        if (!final) return undefined;
        break;
      }
      const b = buf[pos];
      if (b === D) {
        pos++;
        continue;
      }
      if (b === CR) {
        if (pos + 1 < end) pos += buf[pos + 1] === LF ? 2 : 1;
        else if (!final) return undefined;
        else pos++;
      } else pos++;
      break;
    }
    this.line += 1 + extraLines;
    return { fields, end: pos, quoted };
  }

  /**
   * Scans whole records from `buf[pos..end)` into the span arrays until the
   * batch is full, the bytes end, or a record is incomplete.
   *
   * @param final No more bytes will come: the last record may lack its line end.
   * @param base Absolute offset of `buf[0]` (for error messages).
   * @returns The index after the last complete record.
   * @throws {CsvSyntaxError} for a record with the wrong number of fields, a
   *   character after a closing quote, or a quoted field cut by the end of input.
   */
  scan(buf: Uint8Array, pos: number, end: number, final: boolean, base: number): number {
    const sp = this.spans;
    sp.buf = buf;
    const ncols = sp.ncols;
    const starts = sp.starts, ends = sp.ends, flags = sp.flags;
    const D = this.delimiter, Q = this.quote;
    const maxRows = this.maxRows;
    let rows = sp.rows;
    while (rows < maxRows && pos < end) {
      const rowStart = pos;
      const f = rows * ncols;
      let nf = 0;
      let extraLines = 0;
      let b = buf[pos];
      if ((b === LF || b === CR) && ncols > 1) {
        // A blank line: skipped (it cannot be a record of several fields).
        if (b === CR) {
          if (pos + 1 < end) pos += buf[pos + 1] === LF ? 2 : 1;
          else if (!final) break;
          else pos++;
        } else pos++;
        this.line++;
        continue;
      }
      let complete = true;
      for (;;) {
        let s = pos, e: number, flag = 0;
        if (pos < end && buf[pos] === Q) {
          let p = pos + 1;
          for (;;) {
            let q = p;
            while (q < end && buf[q] !== Q) q++;
            if (q >= end) {
              if (!final) {
                complete = false;
                break;
              }
              this.#error(
                "The input ended inside a quoted field (truncated?)",
                base + pos,
              );
            }
            if (q + 1 < end && buf[q + 1] === Q) {
              flag = ESCAPED;
              p = q + 2;
              continue;
            }
            if (q + 1 >= end && !final) {
              complete = false;
              break;
            }
            s = pos + 1;
            e = q;
            pos = q + 1;
            break;
          }
          if (!complete) break;
          flag |= QUOTED;
          for (let k = s; k < e!; k++) if (buf[k] === LF) extraLines++;
          if (pos < end) {
            b = buf[pos];
            if (b !== D && b !== LF && b !== CR) {
              this.#error(
                `Unexpected character "${String.fromCharCode(b)}" after a closing quote`,
                base + pos,
                this.line + extraLines,
              );
            }
          }
        } else {
          while (pos < end) {
            b = buf[pos];
            if (b === D || b === LF || b === CR) break;
            pos++;
          }
          e = pos;
        }
        if (nf < ncols) {
          starts[f + nf] = s;
          ends[f + nf] = e!;
          flags[f + nf] = flag;
        }
        nf++;
        if (pos >= end) {
          if (!final) complete = false;
          break;
        }
        b = buf[pos];
        if (b === D) {
          pos++;
          continue;
        }
        if (b === CR) {
          if (pos + 1 < end) pos += buf[pos + 1] === LF ? 2 : 1;
          else if (!final) {
            complete = false;
            break;
          } else pos++;
        } else pos++;
        break;
      }
      if (!complete) {
        pos = rowStart;
        break;
      }
      if (nf !== ncols) {
        this.#error(
          `Record has ${nf} field${nf === 1 ? "" : "s"}, expected ${ncols}`,
          base + rowStart,
        );
      }
      sp.rowLine[rows] = this.line;
      sp.rowOffset[rows] = base + rowStart;
      this.line += 1 + extraLines;
      rows++;
    }
    sp.rows = rows;
    return pos;
  }
}
