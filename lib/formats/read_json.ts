/**
 * Streaming reader for JSON table documents: the Gaia archive's
 * `{"metadata": [...], "data": [[...], ...]}` and DaCHS'
 * `{"contains", "params", "columns": [...], "data": [[...]], "queryStatus"}`.
 * The row arrays are read by a byte-level scanner straight into Arrow
 * builders, so 64-bit integers are exact (never a JS number); the small
 * metadata parts go through `JSON.parse`. The VOTable-shaped JSON
 * (`{"VOTABLE": ...}`) is read too.
 *
 * @module
 */
import { type Field, Schema } from "apache-arrow";
import { type ByteSource, describeStreamError, openByteStream } from "../io/source.ts";
import { buildersFor, type ColumnBuilder, finishBatch } from "../table/builders.ts";
import {
  type ColumnMeta,
  FIELD_ATTRIBUTE_KEYS,
  type InfoElement,
  type ParamElement,
  type QueryStatus,
} from "../table/metadata.ts";
import { DEFAULT_BATCH_SIZE, type ReaderOptions, type TableReader } from "../table/reader.ts";
import { fieldSpec, uniqueNames } from "../votable/fields.ts";
import {
  appendRows,
  checkTextType,
  type FieldSpans,
  JSON_ESCAPED,
  NULL_TOKEN,
  type NullRules,
  QUOTED,
} from "./csv_columns.ts";
import { JsonFormatError } from "./errors.ts";
import { TruncatedInputError } from "../io/errors.ts";
import { StreamTableReader } from "./stream_reader.ts";

/** Options of {@linkcode readJson}. */
export type JsonReaderOptions = ReaderOptions;

const NEED_MORE = -1;
const dec = new TextDecoder();

const RULES: NullRules = { nullValues: [], quotedEmptyIsNull: false, format: "json" };

/**
 * Reads a JSON table: the Gaia archive's `FORMAT=json` (`metadata` + `data`),
 * DaCHS' `FORMAT=json` (`columns` + `data` + `queryStatus`), or the
 * VOTable-shaped JSON some tools write (`{"VOTABLE": {...}}`, TABLEDATA rows).
 * Column types come from the VOTable `datatype`/`arraysize` of each column.
 *
 * @param source The JSON bytes (gzip undone when sniffed).
 * @param options Batch size, signal, maxBytes, onBytes.
 * @returns A streaming {@linkcode TableReader}; `meta.queryStatus` from DaCHS'
 *   `queryStatus`. Malformed input rejects the iteration with a
 *   {@linkcode JsonFormatError} naming the byte offset and `data[row][column]`.
 *
 * @example Gaia archive JSON, int64 exact
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { readJson } from "./read_json.ts";
 * const text = `{"metadata": [
 *   {"name": "source_id", "datatype": "long", "xtype": null, "arraysize": null,
 *    "description": "Source id", "unit": null, "ucd": "meta.id", "utype": null},
 *   {"name": "ra", "datatype": "double", "unit": "deg"}],
 *  "data": [[5937144193345094528, 251.46], [64942654294589445, null]]}`;
 * const { table } = await collectTable(readJson(text));
 * if (table.getChild("source_id")!.get(0) !== 5937144193345094528n) throw new Error("int64");
 * if (table.getChild("ra")!.get(1) !== null) throw new Error("null");
 * ```
 */
export function readJson(source: ByteSource, options: JsonReaderOptions = {}): TableReader {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  return new StreamTableReader("json", async function* (ctx) {
    const stream = await openByteStream(source, options);
    const reader = stream.getReader();
    const s = new JsonScanner();
    let eof = false;
    let received = 0;
    const pull = async (): Promise<boolean> => {
      options.signal?.throwIfAborted();
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw describeStreamError(e, "json", s.base + s.len);
      }
      if (r.done) {
        eof = true;
        return false;
      }
      received += r.value.length;
      options.onBytes?.(received);
      s.append(r.value);
      return true;
    };
    /** Runs `step` until it does not need more bytes. */
    const need = async <T>(step: () => T | typeof NEED_MORE): Promise<T> => {
      for (;;) {
        const save = s.pos;
        const v = step();
        if (v !== NEED_MORE) return v as T;
        s.pos = save;
        if (eof) s.fail("The input ended in the middle of the JSON document (truncated?)", s.len);
        // The step restarts from its start: wait for as many new bytes as it
        // already had, so that long values are not rescanned for every chunk.
        const pending = s.len - s.pos;
        do await pull(); while (!eof && s.len - s.pos < 2 * pending);
      }
    };

    try {
      let schema: Schema | undefined;
      let builders: ColumnBuilder[] | undefined;
      let sawData = false;
      let deferredData = -1;
      const m = ctx.meta;
      // {
      const first = await need(() => s.peekNonWs(eof));
      if (first === 0xef) s.pos += 3; // BOM
      const open = await need(() => s.peekNonWs(eof));
      if (open !== 0x7b) {
        s.fail(
          open === 0x5b
            ? "The JSON document is an array, not a table object ({metadata, data} or {columns, data})"
            : "The input is not a JSON object",
          s.pos,
        );
      }
      s.pos++;
      let firstMember = true;
      for (;;) {
        const c = await need(() => s.peekNonWs(eof));
        if (c === 0x7d) {
          s.pos++;
          break;
        }
        if (!firstMember) {
          if (c !== 0x2c) {
            s.fail(`Expected "," or "}" between members, found ${s.show(s.pos)}`, s.pos);
          }
          s.pos++;
        }
        firstMember = false;
        const key = await need(() => s.readKey(eof));
        if (key === "VOTABLE") {
          // VOTable-shaped JSON: small documents; read the rest and convert.
          const start = s.pos;
          const end = await need(() => s.skipValue(eof));
          const votable = parseJsonSlice(s, start, end);
          const t = fromVOTableJson(votable, s.base + start);
          m.format = "json/votable";
          Object.assign(m, t.meta);
          ctx.setSchema(t.schema);
          const bs = buildersFor(t.schema);
          const spans = t.spans;
          appendRows(spans, t.schema.fields, bs, RULES);
          yield finishBatch(t.schema, bs);
          continue;
        }
        if (key === "data") {
          sawData = true;
          if (!schema) {
            // Column list not seen yet: remember where the rows are and come back.
            deferredData = s.pos;
            s.pinned = true;
            await need(() => s.skipValue(eof));
            continue;
          }
          yield* readRows(schema, builders!);
          continue;
        }
        const start = s.pos;
        const end = await need(() => s.skipValue(eof));
        if (key === "metadata" || key === "columns") {
          const cols = parseJsonSlice(s, start, end);
          schema = schemaFromColumns(cols, s.base + start, key);
          ctx.setSchema(schema);
          builders = buildersFor(schema);
        } else if (key === "queryStatus" || key === "query_status") {
          const v = parseJsonSlice(s, start, end);
          const st = String(v).toUpperCase();
          if (st === "OK" || st === "OVERFLOW" || st === "ERROR") m.queryStatus = st as QueryStatus;
          else m.infos.push({ name: "QUERY_STATUS", value: String(v) });
        } else if (key === "queryStatusMessage" || key === "message" || key === "error") {
          const v = parseJsonSlice(s, start, end);
          m.queryStatusMessage = typeof v === "string" ? v : JSON.stringify(v);
        } else if (key === "params") {
          m.params.push(...paramsFrom(parseJsonSlice(s, start, end)));
        } else if (key === "infos" || key === "info") {
          m.infos.push(...infosFrom(parseJsonSlice(s, start, end)));
        }
        // Other members ("contains", ...) are skipped.
      }
      const tail = await need(() => s.peekNonWs(true));
      if (tail !== 0) {
        s.fail(`Unexpected ${s.show(s.pos)} after the end of the JSON document`, s.pos);
      }
      if (deferredData >= 0) {
        if (!schema) {
          s.fail('The JSON document has "data" but no "metadata" or "columns" list', deferredData);
        }
        s.pos = deferredData;
        yield* readRows(schema!, builders!);
      }
      if (!schema) {
        if (m.format === "json/votable") return;
        if (!sawData && m.queryStatus === "ERROR") {
          ctx.setSchema(new Schema([]));
          return;
        }
        s.fail(
          'The JSON document has no "metadata" or "columns" list (not a Gaia or DaCHS JSON table)',
          0,
        );
      }
    } finally {
      reader.releaseLock();
      if (!eof) await stream.cancel().catch(() => {});
    }

    async function* readRows(schema: Schema, builders: ColumnBuilder[]) {
      const ncols = schema.fields.length;
      const spans = s.spansFor(ncols, batchSize);
      const open = await need(() => s.peekNonWs(eof));
      if (open === 0x6e) {
        // "data": null
        await need(() => s.skipValue(eof));
        return;
      }
      if (open !== 0x5b) s.fail(`"data" must be an array of rows, found ${s.show(s.pos)}`, s.pos);
      s.pos++;
      let row = 0;
      let firstRow = true;
      s.rowsMode = true;
      for (;;) {
        const c = await need(() => s.peekNonWs(eof));
        if (c === 0x5d) {
          s.pos++;
          break;
        }
        if (!firstRow) {
          if (c !== 0x2c) {
            s.fail(
              `Expected "," or "]" after row ${row - 1} of "data", found ${s.show(s.pos)}`,
              s.pos,
            );
          }
          s.pos++;
        }
        firstRow = false;
        await need(() => s.scanRow(spans, row, schema, eof));
        row++;
        if (spans.rows === spans.starts.length / Math.max(1, ncols) || spans.rows >= batchSize) {
          appendRows(spans, schema.fields, builders, RULES);
          spans.rows = 0;
          yield finishBatch(schema, builders);
        }
      }
      if (spans.rows > 0) {
        appendRows(spans, schema.fields, builders, RULES);
        spans.rows = 0;
        yield finishBatch(schema, builders);
      }
      s.rowsMode = false;
    }
  });
}

/** The byte buffer and the token scanner of the JSON reader. */
class JsonScanner {
  buf = new Uint8Array(1 << 16);
  len = 0;
  pos = 0;
  /** Absolute offset of buf[0]. */
  base = 0;
  /** Deferred data: never drop bytes. */
  pinned = false;
  /**
   * Bytes are dropped only while streaming rows (other steps keep positions
   * across reads), and only between batches (row spans point into the buffer).
   */
  rowsMode = false;
  #spans: FieldSpans | undefined;

  append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const rowsPending = this.#spans !== undefined && this.#spans.rows > 0;
      if (this.rowsMode && !this.pinned && !rowsPending && this.pos > 0) {
        // Drop consumed bytes: a step that needs more restarts from this.pos.
        const drop = this.pos;
        this.buf.copyWithin(0, drop, this.len);
        this.len -= drop;
        this.base += drop;
        this.pos = 0;
      }
      if (this.len + chunk.length > this.buf.length) {
        const n = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
        n.set(this.buf.subarray(0, this.len));
        this.buf = n;
        if (this.#spans) this.#spans.buf = n;
      }
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  spansFor(ncols: number, batchSize: number): FieldSpans {
    const rows = Math.max(1, Math.min(batchSize, Math.floor((1 << 22) / Math.max(1, ncols))));
    this.#spans = {
      buf: this.buf,
      starts: new Int32Array(rows * ncols),
      ends: new Int32Array(rows * ncols),
      flags: new Uint8Array(rows * ncols),
      ncols,
      rows: 0,
      rowLine: new Int32Array(rows),
      rowOffset: new Float64Array(rows),
      quote: -1,
    };
    return this.#spans;
  }

  fail(message: string, at: number, element?: string): never {
    const where = { offset: this.base + at, format: "json", ...(element ? { element } : {}) };
    if (at >= this.len) throw new TruncatedInputError(`${message} (truncated?)`, where);
    throw new JsonFormatError(message, where);
  }

  show(at: number): string {
    if (at >= this.len) return "the end of the input";
    return JSON.stringify(dec.decode(this.buf.subarray(at, Math.min(this.len, at + 12))));
  }

  /** Skips whitespace; returns the next byte (0 at the end when eof), or NEED_MORE. */
  peekNonWs(eof: boolean): number {
    const b = this.buf;
    let p = this.pos;
    while (p < this.len && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) p++;
    this.pos = p;
    if (p >= this.len) return eof ? 0 : NEED_MORE;
    return b[p];
  }

  /** Reads `"key" :`, returning the key. */
  readKey(eof: boolean): string | typeof NEED_MORE {
    const c = this.peekNonWs(eof);
    if (c === NEED_MORE) return NEED_MORE;
    if (c !== 0x22) {
      this.fail(`Expected a member name in quotes, found ${this.show(this.pos)}`, this.pos);
    }
    const start = this.pos;
    const end = this.scanString(start, eof);
    if (end === NEED_MORE) return NEED_MORE;
    const key = parseJsonSlice(this, start, end) as string;
    this.pos = end;
    const colon = this.peekNonWs(eof);
    if (colon === NEED_MORE) return NEED_MORE;
    if (colon !== 0x3a) {
      this.fail(`Expected ":" after "${key}", found ${this.show(this.pos)}`, this.pos);
    }
    this.pos++;
    return key;
  }

  /** Index after the string starting at `start` (a quote), or NEED_MORE. Sets `escaped`. */
  escaped = false;
  scanString(start: number, eof: boolean): number {
    const b = this.buf;
    let p = start + 1;
    this.escaped = false;
    for (;;) {
      while (p < this.len && b[p] !== 0x22 && b[p] !== 0x5c) {
        if (b[p] < 0x20) this.fail("Control character inside a JSON string", p);
        p++;
      }
      if (p >= this.len) {
        if (eof) this.fail("The input ended inside a JSON string (truncated?)", start);
        return NEED_MORE;
      }
      if (b[p] === 0x22) return p + 1;
      this.escaped = true;
      p += 2;
    }
  }

  /** Index after the value at `pos` (any JSON value), or NEED_MORE. Leaves pos after it. */
  skipValue(eof: boolean): number {
    const c = this.peekNonWs(eof);
    if (c === NEED_MORE) return NEED_MORE;
    if (c === 0) this.fail("Expected a value, found the end of the input", this.pos);
    const b = this.buf;
    let p = this.pos;
    if (c === 0x22) {
      const e = this.scanString(p, eof);
      if (e === NEED_MORE) return NEED_MORE;
      this.pos = e;
      return e;
    }
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      while (p < this.len) {
        const x = b[p];
        if (x === 0x22) {
          const e = this.scanString(p, eof);
          if (e === NEED_MORE) return NEED_MORE;
          p = e;
          continue;
        }
        if (x === 0x7b || x === 0x5b) depth++;
        else if (x === 0x7d || x === 0x5d) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return p + 1;
          }
        }
        p++;
      }
      if (eof) this.fail("The input ended inside a JSON value (truncated?)", this.pos);
      return NEED_MORE;
    }
    const e = this.scanLiteral(p, eof);
    if (e === NEED_MORE) return NEED_MORE;
    this.pos = e;
    return e;
  }

  /** Index after a number or literal starting at p, or NEED_MORE. */
  scanLiteral(p: number, eof: boolean): number {
    const b = this.buf;
    const start = p;
    while (p < this.len) {
      const x = b[p];
      if (
        x === 0x2c || x === 0x5d || x === 0x7d || x === 0x20 || x === 0x0a || x === 0x0d ||
        x === 0x09
      ) break;
      p++;
    }
    if (p >= this.len) {
      if (!eof) return NEED_MORE;
      // Every value of a table document is followed by "," "]" or "}".
      this.fail("The input ended inside a value", this.len);
    }
    if (p === start) this.fail(`Unexpected ${this.show(start)} where a value was expected`, start);
    const c = b[start];
    const ok = (c >= 0x30 && c <= 0x39) || c === 0x2d || isWord(b, start, p, "true") ||
      isWord(b, start, p, "false") || isWord(b, start, p, "null") || isWord(b, start, p, "NaN") ||
      isWord(b, start, p, "Infinity");
    if (!ok) this.fail(`Invalid JSON value ${this.show(start)}`, start);
    return p;
  }

  /** Scans one row `[v, v, ...]` into the spans, or returns NEED_MORE. */
  scanRow(spans: FieldSpans, row: number, schema: Schema, eof: boolean): number {
    const c = this.peekNonWs(eof);
    if (c === NEED_MORE) return NEED_MORE;
    const rowStart = this.pos;
    if (c !== 0x5b) {
      this.fail(
        `Row ${row} of "data" is not an array (found ${this.show(this.pos)})`,
        this.pos,
        `data[${row}]`,
      );
    }
    const ncols = spans.ncols;
    const r = spans.rows;
    const f = r * ncols;
    const b = this.buf;
    let p = this.pos + 1;
    let n = 0;
    for (;;) {
      while (p < this.len && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) {
        p++;
      }
      if (p >= this.len) {
        if (eof) {
          this.fail(
            'The input ended inside a row of "data" (truncated?)',
            rowStart,
            `data[${row}]`,
          );
        }
        return NEED_MORE;
      }
      if (b[p] === 0x5d && n === 0) {
        p++;
        break;
      }
      if (n >= ncols) {
        this.fail(`Row ${row} of "data" has more than ${ncols} values`, p, `data[${row}]`);
      }
      const x = b[p];
      let s = p, e: number, flag = 0;
      if (x === 0x22) {
        const end = this.scanString(p, eof);
        if (end === NEED_MORE) return NEED_MORE;
        s = p + 1;
        e = end - 1;
        flag = QUOTED | (this.escaped ? JSON_ESCAPED : 0);
        p = end;
      } else if (x === 0x5b || x === 0x7b) {
        const save = this.pos;
        this.pos = p;
        const end = this.skipValue(eof);
        this.pos = save;
        if (end === NEED_MORE) return NEED_MORE;
        e = end;
        p = end;
      } else {
        const end = this.scanLiteral(p, eof);
        if (end === NEED_MORE) return NEED_MORE;
        e = end;
        if (isWord(b, s, e, "null")) flag = NULL_TOKEN;
        p = end;
      }
      spans.starts[f + n] = s;
      spans.ends[f + n] = e;
      spans.flags[f + n] = flag;
      n++;
      while (p < this.len && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) {
        p++;
      }
      if (p >= this.len) {
        if (eof) {
          this.fail(
            'The input ended inside a row of "data" (truncated?)',
            rowStart,
            `data[${row}]`,
          );
        }
        return NEED_MORE;
      }
      if (b[p] === 0x2c) {
        p++;
        continue;
      }
      if (b[p] === 0x5d) {
        p++;
        break;
      }
      this.fail(
        `Expected "," or "]" in row ${row} of "data", found ${this.show(p)}`,
        p,
        `data[${row}]`,
      );
    }
    if (n !== ncols) {
      this.fail(
        `Row ${row} of "data" has ${n} value${n === 1 ? "" : "s"}, expected ${ncols} (${
          schema.fields.map((f) => f.name).slice(0, 5).join(", ")
        }${ncols > 5 ? ", ..." : ""})`,
        rowStart,
        `data[${row}]`,
      );
    }
    spans.buf = this.buf;
    spans.rowLine[r] = row; // JSON has no useful line; the row index is reported instead
    spans.rowOffset[r] = this.base + rowStart;
    spans.rows = r + 1;
    this.pos = p;
    return p;
  }
}

function isWord(b: Uint8Array, s: number, e: number, w: string): boolean {
  if (e - s !== w.length) return false;
  for (let i = 0; i < w.length; i++) if (b[s + i] !== w.charCodeAt(i)) return false;
  return true;
}

function parseJsonSlice(s: JsonScanner, start: number, end: number): unknown {
  const text = dec.decode(s.buf.subarray(start, end));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JsonFormatError(`Invalid JSON: ${(e as Error).message}`, {
      offset: s.base + start,
      cause: e,
    });
  }
}

function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === "string" ? v : String(v);
}

/** Builds the Arrow schema from Gaia `metadata` or DaCHS `columns` entries. */
function schemaFromColumns(cols: unknown, offset: number, key: string): Schema {
  if (!Array.isArray(cols)) {
    throw new JsonFormatError(`"${key}" must be an array of column descriptions`, {
      offset,
      element: key,
    });
  }
  const metas: ColumnMeta[] = cols.map((c, i) => {
    if (c === null || typeof c !== "object") {
      throw new JsonFormatError(`Entry ${i} of "${key}" is not an object`, {
        offset,
        element: `${key}[${i}]`,
      });
    }
    const o = c as Record<string, unknown>;
    const name = str(o["name"]);
    if (!name) {
      throw new JsonFormatError(`Entry ${i} of "${key}" has no name`, {
        offset,
        element: `${key}[${i}]`,
      });
    }
    const meta: ColumnMeta = { name };
    const set = (k: keyof ColumnMeta, v: unknown) => {
      const t = str(v);
      if (t !== undefined && t !== "") (meta as unknown as Record<string, string>)[k] = t;
    };
    set("datatype", o["datatype"] ?? "char");
    set("arraysize", o["arraysize"]);
    set("unit", o["unit"]);
    set("ucd", o["ucd"]);
    set("utype", o["utype"]);
    set("xtype", o["xtype"]);
    set("description", o["description"]);
    set("ID", o["id"] ?? o["ID"]);
    set("ref", o["ref"]);
    if (meta.datatype === "char" || meta.datatype === "unicodeChar") {
      if (meta.arraysize === undefined) meta.arraysize = "*";
    }
    return meta;
  });
  const names = uniqueNames(metas.map((m) => m.name));
  const fields: Field[] = metas.map((meta, i) => {
    try {
      const f = fieldSpec(meta, names[i]!, { element: `${key}[${i}]` }).field;
      checkTextType(f);
      return f;
    } catch (e) {
      if (e instanceof TypeError || (e as Error).name === "VOTableSyntaxError") {
        throw new JsonFormatError((e as Error).message, {
          offset,
          element: `${key}[${i}]`,
          cause: e,
        });
      }
      throw e;
    }
  });
  return new Schema(fields);
}

function paramsFrom(v: unknown): ParamElement[] {
  const out: ParamElement[] = [];
  if (Array.isArray(v)) {
    for (const p of v) {
      if (p && typeof p === "object" && "name" in p) {
        const o = p as Record<string, unknown>;
        out.push({ name: String(o["name"]), value: str(o["value"]) ?? "" });
      }
    }
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === "contains") continue;
      if (x && typeof x === "object" && "value" in x) {
        out.push({ name: k, value: str((x as Record<string, unknown>)["value"]) ?? "" });
      } else out.push({ name: k, value: typeof x === "object" ? JSON.stringify(x) : String(x) });
    }
  }
  return out;
}

function infosFrom(v: unknown): InfoElement[] {
  const out: InfoElement[] = [];
  if (Array.isArray(v)) {
    for (const p of v) {
      if (p && typeof p === "object") {
        const o = p as Record<string, unknown>;
        out.push({ name: String(o["name"] ?? ""), value: str(o["value"]) ?? "" });
      }
    }
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out.push({ name: k, value: String(x) });
    }
  }
  return out;
}

/** Converts a VOTable-shaped JSON document (one TABLE with TABLEDATA) into spans over its TD texts. */
function fromVOTableJson(
  doc: unknown,
  offset: number,
): {
  schema: Schema;
  spans: FieldSpans;
  meta: { queryStatus?: QueryStatus; queryStatusMessage?: string; infos: InfoElement[] };
} {
  type Obj = Record<string, unknown>;
  const arr = (v: unknown): Obj[] =>
    (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]) as Obj[];
  const o = doc as Record<string, unknown>;
  const resources = arr(o?.["RESOURCE"] as Record<string, unknown> | undefined);
  const infos: InfoElement[] = [];
  let status: QueryStatus | undefined;
  let message: string | undefined;
  let table: Record<string, unknown> | undefined;
  for (const r of resources) {
    for (const i of arr(r["INFO"] as Record<string, unknown> | undefined)) {
      const name = String(i["_name"] ?? "");
      const value = String(i["_value"] ?? "");
      const content = i["__cdata"] ?? i["#text"];
      infos.push({ name, value, ...(content !== undefined ? { content: String(content) } : {}) });
      if (
        name === "QUERY_STATUS" && (value === "OK" || value === "OVERFLOW" || value === "ERROR")
      ) {
        status = value;
        if (content !== undefined) message = String(content);
      }
    }
    table ??= arr(r["TABLE"] as Record<string, unknown> | undefined)[0];
  }
  if (!table) {
    if (status === "ERROR") {
      return {
        schema: new Schema([]),
        spans: emptySpans(0),
        meta: {
          queryStatus: status,
          ...(message !== undefined ? { queryStatusMessage: message } : {}),
          infos,
        },
      };
    }
    throw new JsonFormatError("The VOTable-shaped JSON document has no RESOURCE/TABLE", {
      offset,
      element: "VOTABLE",
    });
  }
  const metas: ColumnMeta[] = arr(table["FIELD"] as Record<string, unknown> | undefined).map(
    (f) => {
      const m: ColumnMeta = { name: String(f["_name"] ?? "") };
      for (const k of FIELD_ATTRIBUTE_KEYS) {
        const v = f["_" + k];
        if (v !== undefined && v !== null && v !== "") {
          (m as unknown as Record<string, string>)[k] = String(v);
        }
      }
      const d = f["DESCRIPTION"];
      if (d !== undefined) m.description = String(d);
      if ((m.datatype === "char" || m.datatype === "unicodeChar") && m.arraysize === undefined) {
        m.arraysize = "*";
      }
      return m;
    },
  );
  const names = uniqueNames(metas.map((m) => m.name));
  const fields = metas.map((m, i) => {
    try {
      return fieldSpec(m, names[i]!, { element: `FIELD[${i}]` }).field;
    } catch (e) {
      throw new JsonFormatError((e as Error).message, { offset, element: `FIELD[${i}]`, cause: e });
    }
  });
  const schema = new Schema(fields);
  const data = (table["DATA"] as Record<string, unknown> | undefined)?.["TABLEDATA"] as
    | Record<string, unknown>
    | undefined;
  const trs = arr(data?.["TR"] as Record<string, unknown> | undefined);
  const ncols = fields.length;
  const enc = new TextEncoder();
  const texts: string[] = [];
  const spans = emptySpans(ncols * trs.length);
  spans.ncols = ncols;
  spans.rowLine = new Int32Array(trs.length);
  spans.rowOffset = new Float64Array(trs.length).fill(offset);
  trs.forEach((tr, r) => {
    const tds =
      (Array.isArray(tr["TD"]) ? tr["TD"] : tr["TD"] === undefined ? [] : [tr["TD"]]) as unknown[];
    if (tds.length !== ncols) {
      throw new JsonFormatError(`TR ${r} has ${tds.length} TD values, expected ${ncols}`, {
        offset,
        element: `TR[${r}]`,
      });
    }
    tds.forEach((td, c) => {
      const t = td === null || td === undefined
        ? null
        : typeof td === "object"
        ? JSON.stringify(td)
        : String(td);
      // An empty TD is null, as in TABLEDATA.
      spans.flags[r * ncols + c] = t === null || t === "" ? NULL_TOKEN : QUOTED;
      texts.push(t ?? "");
    });
    spans.rowLine[r] = r;
  });
  // One buffer with all TD texts, spans pointing into it.
  const parts = texts.map((t) => enc.encode(t));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const buf = new Uint8Array(total);
  let at = 0;
  parts.forEach((p, i) => {
    buf.set(p, at);
    spans.starts[i] = at;
    at += p.length;
    spans.ends[i] = at;
  });
  spans.buf = buf;
  spans.rows = trs.length;
  return {
    schema,
    spans,
    meta: {
      ...(status ? { queryStatus: status } : {}),
      ...(message !== undefined ? { queryStatusMessage: message } : {}),
      infos,
    },
  };
}

function emptySpans(n: number): FieldSpans {
  return {
    buf: new Uint8Array(0),
    starts: new Int32Array(n),
    ends: new Int32Array(n),
    flags: new Uint8Array(n),
    ncols: 0,
    rows: 0,
    rowLine: new Int32Array(0),
    rowOffset: new Float64Array(0),
    quote: -1,
  };
}
