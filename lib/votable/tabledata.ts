/**
 * The TABLEDATA scanner. Rows written plainly (`<TR>`, `<TD>value</TD>`,
 * `<TD/>`, whitespace between) go through the one-pass fast path of
 * text_columns.ts, a block of rows at a time. Any other row is read here:
 * the TD spans of one whole `<TR>` are found in the byte buffer (so a row cut
 * by a chunk boundary is simply rescanned once more bytes have come), then
 * the cells are converted straight into the column builders. Entities,
 * CDATA sections and comments inside a TD are decoded into a scratch buffer;
 * plain cells are read in place.
 *
 * @module
 */
import type { ColumnBuilder } from "../table/builders.ts";
import { appendText, type ValueContext } from "./columns.ts";
import { truncated, VOTableSyntaxError, VOTableUnsupportedError } from "./errors.ts";
import type { FieldSpec } from "./fields.ts";
import type { ByteInput } from "./input.ts";
import { FastRows, fastRowsSwitch } from "./text_columns.ts";

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, AMP = 0x26, BANG = 0x21;

/** Scanner result: the table data ended, more bytes are needed, or the batch is full. */
export const SCAN_END = 0;
export const SCAN_MORE = 1;
export const SCAN_FULL = 2;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Reads a tag name at `i` (just after `<` or `</`), returning the index after
 * it, with the local name compared against `name` (bytes). -1: buffer ended.
 * -2: a different name.
 */
function matchName(buf: Uint8Array, i: number, end: number, name: Uint8Array): number {
  if (name.length === 2 && i + 2 < end && buf[i] === name[0] && buf[i + 1] === name[1]) {
    const c = buf[i + 2];
    if (c === GT || c === SLASH || isSpace(c)) return i + 2;
  }
  let j = i;
  while (j < end) {
    const c = buf[j];
    if (isSpace(c) || c === GT || c === SLASH) break;
    j++;
  }
  if (j === end) return -1;
  // local part after the last ':'
  let s = i;
  for (let k = j - 1; k >= i; k--) {
    if (buf[k] === 0x3a) {
      s = k + 1;
      break;
    }
  }
  if (j - s !== name.length) return -2;
  for (let k = 0; k < name.length; k++) if (buf[s + k] !== name[k]) return -2;
  return j;
}

const TR = new TextEncoder().encode("TR");
const TD = new TextEncoder().encode("TD");
const TABLEDATA = new TextEncoder().encode("TABLEDATA");
const latin1 = new TextDecoder("latin1");
const utf8enc = new TextEncoder();

/** Finds the '>' closing a tag whose name ended at `i`; -1 if the buffer ends. Sets `selfClosing`. */
function tagEnd(buf: Uint8Array, i: number, end: number, st: { selfClosing: boolean }): number {
  let quote = 0;
  for (let k = i; k < end; k++) {
    const c = buf[k];
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) {
      st.selfClosing = buf[k - 1] === SLASH;
      return k;
    }
  }
  return -1;
}

function seqAt(buf: Uint8Array, i: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (buf[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

function indexOfStr(buf: Uint8Array, from: number, end: number, s: string): number {
  const first = s.charCodeAt(0);
  for (
    let i = buf.indexOf(first, from);
    i >= 0 && i + s.length <= end;
    i = buf.indexOf(first, i + 1)
  ) {
    if (seqAt(buf, i, s)) return i;
  }
  return -1;
}

/** State of one table's TABLEDATA scan. */
export class TableDataScanner {
  readonly #specs: FieldSpec[];
  readonly #builders: ColumnBuilder[];
  readonly #spans: Int32Array;
  readonly #flags: Uint8Array;
  readonly #st = { selfClosing: false };
  readonly #ctx: ValueContext = { base: 0, row: 0 };
  #scratch = new Uint8Array(256);
  /** The one-pass reader of plainly written rows; null once it stopped paying. */
  #fast: FastRows | null;
  /** Consecutive rows that the fast path declined and the general scanner read. */
  #declined = 0;
  /** Rows read so far (whole table). */
  rows = 0;

  constructor(specs: FieldSpec[], builders: ColumnBuilder[]) {
    this.#specs = specs;
    this.#builders = builders;
    this.#spans = new Int32Array(2 * specs.length + 2);
    this.#flags = new Uint8Array(specs.length + 1);
    this.#fast = fastRowsSwitch.enabled && specs.length > 0 ? new FastRows(specs, builders) : null;
  }

  /**
   * Reads whole rows from `inp` until `</TABLEDATA>` (SCAN_END, consumed),
   * the end of the buffer (SCAN_MORE) or `limit` rows in the builders
   * (SCAN_FULL).
   */
  scan(inp: ByteInput, limit: number): number {
    const buf = inp.buf;
    const end = inp.len;
    const nf = this.#specs.length;
    const spans = this.#spans;
    const flags = this.#flags;
    const st = this.#st;
    let p = inp.pos;
    // Every byte loop of the fast path stops at a '<' at or before this one.
    const lastLt = end > 0 ? buf.lastIndexOf(LT, end - 1) : -1;
    while (true) {
      if (this.#builders.length ? this.#builders[0].length >= limit : false) {
        inp.pos = p;
        return SCAN_FULL;
      }
      const fast = this.#fast;
      if (fast !== null) {
        // Plainly written rows, a block at a time, then to the builders in bulk.
        const cap = Math.min(limit - this.#builders[0].length, fast.blockRows);
        let r = 0;
        let q = 0;
        while (r < cap) {
          q = fast.parse(buf, p, end, lastLt, r);
          if (q < 0 || fast.textCells !== 0) break;
          p = q;
          r++;
        }
        if (r > 0) {
          fast.flush(buf, r);
          this.rows += r;
          this.#declined = 0;
          inp.pos = p;
        }
        if (r === cap) continue;
        if (q >= 0) {
          // A row with values for the general decoder (or its errors).
          const ctx = this.#ctx;
          ctx.base = inp.base;
          ctx.row = this.rows;
          fast.commitRow(buf, r, ctx);
          this.rows++;
          this.#declined = 0;
          p = q;
          inp.pos = p;
          continue;
        }
      }
      while (p < end && isSpace(buf[p])) p++;
      if (p + 2 > end) break;
      if (buf[p] !== LT) this.#unexpected(inp, p, "text between rows");
      const rowStart = p;
      if (buf[p + 1] === SLASH) {
        const j = matchName(buf, p + 2, end, TABLEDATA);
        if (j === -1) break;
        if (j === -2) this.#unexpected(inp, p, "end tag");
        const g = tagEnd(buf, j, end, st);
        if (g < 0) break;
        inp.pos = g + 1;
        return SCAN_END;
      }
      if (buf[p + 1] === BANG) {
        if (p + 4 > end) break;
        if (!seqAt(buf, p, "<!--")) this.#unexpected(inp, p, "markup");
        const e = indexOfStr(buf, p + 4, end, "-->");
        if (e < 0) break;
        p = e + 3;
        continue;
      }
      let j = matchName(buf, p + 1, end, TR);
      if (j === -1) break;
      if (j === -2) this.#unexpected(inp, p, "element (expected <TR>)");
      let g = tagEnd(buf, j, end, st);
      if (g < 0) break;
      p = g + 1;
      let cells = 0;
      let complete = false;
      if (st.selfClosing) complete = true;
      // Cells.
      while (!complete) {
        while (p < end && isSpace(buf[p])) p++;
        if (p + 2 > end) break;
        if (buf[p] !== LT) this.#unexpected(inp, p, "text between cells");
        if (buf[p + 1] === SLASH) {
          j = matchName(buf, p + 2, end, TR);
          if (j === -1) break;
          if (j === -2) this.#unexpected(inp, p, "end tag (expected </TR>)");
          g = tagEnd(buf, j, end, st);
          if (g < 0) break;
          p = g + 1;
          complete = true;
          break;
        }
        if (buf[p + 1] === BANG) {
          if (p + 4 > end) break;
          if (!seqAt(buf, p, "<!--")) this.#unexpected(inp, p, "markup");
          const e = indexOfStr(buf, p + 4, end, "-->");
          if (e < 0) break;
          p = e + 3;
          continue;
        }
        j = matchName(buf, p + 1, end, TD);
        if (j === -1) break;
        if (j === -2) this.#unexpected(inp, p, "element (expected <TD>)");
        g = tagEnd(buf, j, end, st);
        if (g < 0) break;
        if (g - j > 1 && indexOfStr(buf, j, g, "encoding") >= 0) {
          const attrs = latin1.decode(buf.subarray(j, g));
          if (/encoding\s*=\s*["'][^"']+["']/.test(attrs)) {
            throw new VOTableUnsupportedError(
              `TD cells with an encoding (${attrs.trim().replace(/\/$/, "")}) are not supported`,
              { offset: inp.offset(p), element: "TD" },
            );
          }
        }
        if (cells === nf) {
          throw new VOTableSyntaxError(
            `Row ${this.rows + 1} has more than ${nf} TD cells; the table has ${nf} FIELDs`,
            { offset: inp.offset(p), element: "TR" },
          );
        }
        if (st.selfClosing) {
          spans[2 * cells] = g + 1;
          spans[2 * cells + 1] = g + 1;
          flags[cells] = 0;
          cells++;
          p = g + 1;
          continue;
        }
        const vs = g + 1;
        let flag = 0;
        let k = vs;
        let ve = -1;
        while (k < end) {
          const c = buf[k];
          if (c === LT) {
            if (k + 1 >= end) break;
            const c1 = buf[k + 1];
            if (c1 === SLASH) {
              ve = k;
              break;
            }
            if (c1 === BANG) {
              if (k + 9 > end) break;
              let close: string;
              if (seqAt(buf, k, "<![CDATA[")) close = "]]>";
              else if (seqAt(buf, k, "<!--")) close = "-->";
              else this.#unexpected(inp, k, "markup inside TD");
              const e = indexOfStr(buf, k + 4, end, close);
              if (e < 0) break;
              flag = 1;
              k = e + 3;
              continue;
            }
            this.#unexpected(inp, k, "element inside TD");
          }
          if (c === AMP) flag = 1;
          k++;
        }
        if (ve < 0) break;
        j = matchName(buf, ve + 2, end, TD);
        if (j === -1) break;
        if (j === -2) this.#unexpected(inp, ve, "end tag (expected </TD>)");
        g = tagEnd(buf, j, end, st);
        if (g < 0) break;
        spans[2 * cells] = vs;
        spans[2 * cells + 1] = ve;
        flags[cells] = flag;
        cells++;
        p = g + 1;
      }
      if (!complete) {
        p = rowStart;
        break;
      }
      // A table written in a way the fast path does not take (attributes,
      // comments, entities in every row): stop trying it.
      if (fast !== null && ++this.#declined > 64) this.#fast = null;
      if (cells !== nf) {
        throw new VOTableSyntaxError(
          `Row ${this.rows + 1} has ${cells} TD cells; the table has ${nf} FIELDs`,
          { offset: inp.offset(rowStart), element: "TR" },
        );
      }
      // Convert the row.
      const ctx = this.#ctx;
      ctx.base = inp.base;
      ctx.row = this.rows;
      for (let c = 0; c < nf; c++) {
        if (flags[c] === 0) {
          appendText(this.#specs[c], this.#builders[c], buf, spans[2 * c], spans[2 * c + 1], ctx);
        } else {
          const n = this.#decodeCell(inp, buf, spans[2 * c], spans[2 * c + 1]);
          const saved = ctx.base;
          ctx.base = inp.offset(spans[2 * c]);
          appendText(this.#specs[c], this.#builders[c], this.#scratch, 0, n, ctx);
          ctx.base = saved;
        }
      }
      this.rows++;
      inp.pos = p;
    }
    inp.pos = p;
    return SCAN_MORE;
  }

  /** Decodes entities and CDATA of a cell into the scratch buffer; returns its length. */
  #decodeCell(inp: ByteInput, buf: Uint8Array, s: number, e: number): number {
    if (this.#scratch.length < (e - s) * 2 + 16) this.#scratch = new Uint8Array((e - s) * 2 + 16);
    const out = this.#scratch;
    let n = 0;
    let k = s;
    while (k < e) {
      const c = buf[k];
      if (c === LT) {
        if (seqAt(buf, k, "<![CDATA[")) {
          const close = indexOfStr(buf, k + 9, e + 3, "]]>");
          out.set(buf.subarray(k + 9, close), n);
          n += close - (k + 9);
          k = close + 3;
        } else {
          k = indexOfStr(buf, k + 4, e + 3, "-->") + 3;
        }
        continue;
      }
      if (c === AMP) {
        const semi = buf.indexOf(0x3b, k);
        if (semi < 0 || semi >= e || semi - k > 12) {
          throw new VOTableSyntaxError(`Unterminated character reference in TD`, {
            offset: inp.offset(k),
            element: "TD",
          });
        }
        const name = latin1.decode(buf.subarray(k + 1, semi));
        let text: string | undefined;
        if (name === "amp") text = "&";
        else if (name === "lt") text = "<";
        else if (name === "gt") text = ">";
        else if (name === "quot") text = '"';
        else if (name === "apos") text = "'";
        else {
          let cp = NaN;
          if (/^#x[0-9a-fA-F]+$/.test(name)) cp = parseInt(name.slice(2), 16);
          else if (/^#[0-9]+$/.test(name)) cp = parseInt(name.slice(1), 10);
          if (cp >= 0 && cp <= 0x10ffff) text = String.fromCodePoint(cp);
        }
        if (text === undefined) {
          throw new VOTableSyntaxError(`Unknown character reference "&${name};" in TD`, {
            offset: inp.offset(k),
            element: "TD",
          });
        }
        n += utf8enc.encodeInto(text, out.subarray(n)).written;
        k = semi + 1;
        continue;
      }
      out[n++] = c;
      k++;
    }
    return n;
  }

  #unexpected(inp: ByteInput, at: number, what: string): never {
    const text = latin1.decode(inp.buf.subarray(at, Math.min(inp.len, at + 30)));
    throw new VOTableSyntaxError(
      `Unexpected ${what} "${text}" in TABLEDATA (row ${this.rows + 1})`,
      {
        offset: inp.offset(at),
        element: "TABLEDATA",
      },
    );
  }
}

/** Throws the truncation error for a TABLEDATA that the input ended inside. */
export function tabledataTruncated(inp: ByteInput, rows: number): never {
  throw truncated(`Input ended inside TABLEDATA after ${rows} complete rows`, {
    offset: inp.offset(inp.len),
    element: "TABLEDATA",
  });
}
