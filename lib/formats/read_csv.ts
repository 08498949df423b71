/**
 * Streaming CSV and TSV readers: RFC 4180 text in, Arrow record batches out
 * while the bytes arrive.
 *
 * @module
 */
import { type DataType, Field, Schema, Utf8 } from "apache-arrow";
import { type ByteSource, openByteStream } from "../io/source.ts";
import { buildersFor, finishBatch } from "../table/builders.ts";
import { DEFAULT_BATCH_SIZE, type ReaderOptions, type TableReader } from "../table/reader.ts";
import {
  appendRows,
  checkTextType,
  inferInto,
  inferredTypes,
  type NullRules,
  textField,
  uniqueNames,
} from "./csv_columns.ts";
import { CsvFastRows } from "./csv_fast.ts";
import { CsvTokenizer, MAX_SLOTS } from "./csv_tokenizer.ts";
import { CsvSyntaxError } from "./errors.ts";
import { type BatchContext, StreamTableReader } from "./stream_reader.ts";
import { describeStreamError, directRead, FILE_CHUNK_BYTES } from "../io/source.ts";

/** Options of {@linkcode readCsv} and {@linkcode readTsv}. */
export interface CsvReaderOptions extends ReaderOptions {
  /** One-character field delimiter. @default "," (readTsv: tab) */
  delimiter?: string;
  /**
   * Quote character, or `""` for none.
   * @default '"'
   */
  quote?: string;
  /**
   * Whether the first record is a header line. By default it is one when,
   * with a `schema`, its fields are the schema's column names, and without a
   * schema when none of its unquoted fields is a number (DaCHS TSV has no
   * header line; column names are never numbers). Set it to be sure.
   */
  header?: boolean;
  /**
   * The Arrow schema of the columns (e.g. from VOSI or a VOTable of the same
   * query): no type inference, field metadata kept. With a header line whose
   * names are a permutation of the schema's, columns are matched by name.
   */
  schema?: Schema;
  /**
   * Unquoted field texts read as null. A quoted empty field (`""`) is an
   * empty string in text columns.
   * @default [""] (readTsv: ["", "N/A"], DaCHS' TSV null)
   */
  nullValues?: string[];
  /**
   * Rows used to infer the column types when no schema is given (the first
   * batches hold them). A later value that does not fit the inferred type is
   * an error (never a silent change), which names this option.
   * @default the larger of the batch size and 65536
   */
  inferRows?: number;
  /**
   * With a `schema` and a header line: columns of the header that the schema
   * does not name are inferred instead of being an error (e.g. a schema from
   * VOSI for some columns).
   * @default false
   */
  inferMissing?: boolean;
  /** Column names when there is no header line (default `col1`, `col2`, ...). */
  columnNames?: string[];
}

/** Options the ECSV reader passes on to the CSV engine. */
export interface CsvEngineOptions extends CsvReaderOptions {
  /** The value of `meta.format`. */
  format?: string;
  /** A quoted empty field is null too (ECSV). */
  quotedEmptyIsNull?: boolean;
  /** The first line number of the bytes (for error messages). */
  firstLine?: number;
  /** The byte offset of the first byte (for error messages). */
  firstOffset?: number;
  /** Called with the schema before the first batch (ECSV adds its metadata). */
  onSchema?: (schema: Schema, ctx: BatchContext) => Schema;
  /**
   * Whether plain rows take the one-pass fast path (`csv_fast.ts`); false
   * reads every row through the tokenizer (the same table, slower: for tests).
   * @default true
   */
  fastPath?: boolean;
}

/**
 * Reads CSV (RFC 4180): quoted fields with delimiters, newlines and doubled
 * quotes, CRLF or LF line ends, a header line. Without a schema the types are
 * inferred from the first rows (`inferRows`): Int64 (exact, never through JS
 * numbers), Float64, Bool (`true`/`false` in any case), else Utf8; empty
 * fields are null. With a schema (from VOSI or a VOTable) every column is
 * read as its Arrow type and keeps its field metadata. Decimals are rounded
 * exactly as `Number()` rounds them.
 *
 * @param source The CSV bytes (gzip is undone when sniffed).
 * @param options Delimiter, header, schema, null values, batch size, ...
 * @returns A streaming {@linkcode TableReader}; malformed input rejects the
 *   iteration with a {@linkcode CsvSyntaxError} giving line and byte offset.
 *
 * @example Int64 stays exact
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { readCsv } from "./read_csv.ts";
 * const { table } = await collectTable(readCsv(
 *   "source_id,ra,note\n64942654294589445,57.26,\"a, b\"\n5929246508730155392,,x\n",
 * ));
 * if (table.getChild("source_id")!.get(0) !== 64942654294589445n) throw new Error("int64");
 * if (table.getChild("ra")!.get(1) !== null) throw new Error("null");
 * if (table.getChild("note")!.get(0) !== "a, b") throw new Error("quoted");
 * ```
 *
 * @example With a schema (no header line, as DaCHS writes TSV)
 * ```ts
 * import { Field, Float32, Int64, Schema } from "apache-arrow";
 * import { collectTable } from "../table/reader.ts";
 * import { readTsv } from "./read_csv.ts";
 * const schema = new Schema([new Field("id", new Int64()), new Field("mag", new Float32())]);
 * const { table } = await collectTable(readTsv("1\t20.5\n2\tN/A\n", { schema }));
 * if (table.numRows !== 2 || table.getChild("mag")!.get(1) !== null) throw new Error("tsv");
 * ```
 */
export function readCsv(source: ByteSource, options: CsvReaderOptions = {}): TableReader {
  return csvEngine(source, { format: "csv", ...options });
}

/**
 * Reads tab-separated values: like {@linkcode readCsv} with a tab delimiter,
 * and `N/A` (DaCHS) as well as the empty field read as null. Fields in double
 * quotes may hold tabs (as `encodeCsv` writes them); pass
 * `quote: ""` for strict IANA TSV where a leading `"` is data.
 *
 * @example
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { readTsv } from "./read_csv.ts";
 * const { table } = await collectTable(readTsv("a\tb\n1\tN/A\n"));
 * if (table.getChild("b")!.get(0) !== null) throw new Error("N/A is null");
 * ```
 */
export function readTsv(source: ByteSource, options: CsvReaderOptions = {}): TableReader {
  return csvEngine(source, {
    format: "tsv",
    delimiter: "\t",
    nullValues: ["", "N/A"],
    ...options,
  });
}

function byteOf(s: string | undefined, fallback: number, what: string): number {
  if (s === undefined) return fallback;
  if (s === "") return -1;
  const b = new TextEncoder().encode(s);
  if (b.length !== 1) {
    throw new TypeError(`The ${what} must be a single ASCII character, got ${JSON.stringify(s)}`);
  }
  return b[0]!;
}

/**
 * The CSV engine shared by {@linkcode readCsv}, {@linkcode readTsv} and
 * `readEcsv` (which passes its header's schema, the first line number and
 * ECSV's null rules).
 *
 * @example
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { csvEngine } from "./read_csv.ts";
 * const { meta } = await collectTable(csvEngine("a|b\n1|2\n", { delimiter: "|", format: "psv" }));
 * if (meta.format !== "psv") throw new Error(meta.format);
 * ```
 */
export function csvEngine(source: ByteSource, options: CsvEngineOptions): TableReader {
  const format = options.format ?? "csv";
  const delimiter = byteOf(options.delimiter, 0x2c, "delimiter");
  if (delimiter < 0) throw new TypeError("The delimiter cannot be empty");
  const quote = byteOf(options.quote, 0x22, "quote character");
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(batchSize >= 1)) throw new RangeError(`"batchSize" must be at least 1, got ${batchSize}`);
  const enc = new TextEncoder();
  const rules: NullRules = {
    nullValues: (options.nullValues ?? [""]).map((v) => enc.encode(v)),
    quotedEmptyIsNull: options.quotedEmptyIsNull ?? false,
    format,
  };
  if (options.schema) { for (const f of options.schema.fields) checkTextType(f); }

  return new StreamTableReader(format, async function* (ctx) {
    const stream = await openByteStream(source, options);
    const tok = new CsvTokenizer({ delimiter, quote, format });
    tok.line = options.firstLine ?? 1;
    let buf: Uint8Array = new Uint8Array(1 << 16);
    let owned = true; // buf is ours to write (else it is a chunk of the source)
    let len = 0; // valid bytes in buf
    let pos = 0; // next unread byte
    let keep = -1; // while >= 0: bytes from here on are kept (the inference rows, read twice)
    let mark = -1; // while >= 0: a position after keep that pull() moves along with the bytes
    let base = options.firstOffset ?? 0; // absolute offset of buf[0]
    let eof = false;
    const reader = stream.getReader();
    let received = 0;

    // Makes room for `more` bytes at buf[len..], in a buffer of our own:
    // what is kept (from keep, or pos) moves to the front.
    const room = (more: number): void => {
      if (owned && len + more <= buf.length) return;
      const from = keep >= 0 ? Math.min(keep, pos) : pos;
      const need = len - from + more;
      let size = owned ? buf.length : Math.max(1 << 16, need * 2);
      if (need > size) size = Math.max(size * 2, need);
      else if (size > SHRINK_ABOVE && need * 4 <= size) {
        // The inference rows are done with: back to a small buffer.
        size = Math.max(1 << 16, need * 2);
      }
      if (owned && size === buf.length) buf.copyWithin(0, from, len);
      else {
        const n = new Uint8Array(size);
        n.set(buf.subarray(from, len));
        buf = n;
        owned = true;
      }
      len -= from;
      pos -= from;
      if (keep >= 0) keep -= from;
      if (mark >= 0) mark -= from;
      base += from;
    };

    // Reads the next chunk into buf. The spans are always processed before
    // this is called, so consumed bytes can be dropped.
    const pull = async (): Promise<void> => {
      options.signal?.throwIfAborted();
      const direct = directRead(stream);
      if (direct) {
        // A file: read straight into our buffer (no fresh piece per read).
        room(FILE_CHUNK_BYTES);
        let n: number | null;
        try {
          n = await direct(buf.subarray(len));
        } catch (e) {
          throw describeStreamError(e, format, base + len);
        }
        if (n === null) {
          eof = true;
          return;
        }
        len += n;
        received += n;
        options.onBytes?.(received);
        return;
      }
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw describeStreamError(e, format, base + len);
      }
      if (r.done) {
        eof = true;
        return;
      }
      const chunk = r.value;
      received += chunk.length;
      options.onBytes?.(received);
      if (pos === len && keep < 0 && chunk.length >= 1 << 12) {
        // Nothing left to keep: the chunk itself is read (not copied, and
        // never written to: the next chunk goes to a buffer of our own).
        base += len;
        buf = chunk;
        pos = 0;
        len = chunk.length;
        owned = false;
        return;
      }
      room(chunk.length);
      buf.set(chunk, len);
      len += chunk.length;
    };

    try {
      // Skip a UTF-8 byte order mark.
      while (len < 3 && !eof) await pull();
      if (len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;

      // Header line, or the first record to count the columns.
      let head: { fields: string[]; end: number; quoted: boolean[] } | undefined;
      for (;;) {
        head = tok.scanHeader(buf, pos, len, eof, base);
        if (head || eof) break;
        const pending = len - pos;
        do await pull(); while (!eof && len - pos < 2 * pending);
      }
      const schemaGiven = options.schema;
      let names: string[];
      let fields: Field[] | undefined;
      if (!head) {
        // Empty input: no rows.
        if (!schemaGiven && options.header !== false && !options.columnNames) {
          ctx.setSchema(new Schema([]));
          return;
        }
        fields = schemaGiven?.fields ??
          (options.columnNames ?? []).map((n) => new Field(n, new Utf8(), true));
        const schema = finishSchema(new Schema(fields, schemaGiven?.metadata), ctx, options);
        ctx.setSchema(schema);
        return;
      }
      const ncols = head.fields.length;
      let isHeader = options.header;
      if (isHeader === undefined) {
        // A header line when it has the schema's names (with a schema) or, without
        // one, when none of its unquoted fields is a number (column names never are;
        // DaCHS TSV has no header line and starts with numbers).
        const schemaNames = schemaGiven?.fields.map((f) => f.name);
        isHeader = schemaNames
          ? sameNameSet(head.fields, schemaNames) ||
            (options.inferMissing === true && head.fields.some((n) => schemaNames.includes(n)))
          : !head.fields.some((f, i) => !head.quoted[i] && NUMBER.test(f.trim()));
      }
      if (isHeader) {
        names = head.fields;
        pos = head.end; // the tokenizer's line counter already moved past it
      } else {
        tok.line = options.firstLine ?? 1; // the record is scanned again as data
        names = options.columnNames ?? head.fields.map((_, i) => `col${i + 1}`);
      }
      let given: (Field | undefined)[] | undefined;
      if (
        schemaGiven && isHeader && options.inferMissing &&
        !sameNameSet(names, schemaGiven.fields.map((f) => f.name))
      ) {
        // Some columns named by the schema, the others inferred.
        given = names.map((n) => schemaGiven.fields.find((f) => f.name === n));
      } else if (schemaGiven) {
        const sf = schemaGiven.fields;
        if (ncols !== sf.length) {
          throw new CsvSyntaxError(
            `The ${
              isHeader ? "header" : "first record"
            } has ${ncols} fields but the schema has ${sf.length} columns`,
            { line: options.firstLine ?? 1, offset: base },
            format,
          );
        }
        fields = sf.slice();
        if (isHeader && !sameNames(names, sf.map((f) => f.name))) {
          const set = new Set(sf.map((f) => f.name));
          if (names.every((n) => set.has(n)) && new Set(names).size === names.length) {
            // Same columns in another order: read them in the file's order.
            fields = names.map((n) => sf.find((f) => f.name === n)!);
          } else {
            const bad = names.find((n, i) => n !== sf[i]!.name);
            throw new CsvSyntaxError(
              `Header column "${bad}" does not match the schema's columns (${
                sf.map((f) => f.name).join(", ")
              })`,
              { line: options.firstLine ?? 1, offset: base, element: bad },
              format,
            );
          }
        }
      } else if (options.columnNames && options.columnNames.length !== ncols) {
        throw new CsvSyntaxError(
          `"columnNames" has ${options.columnNames.length} names but the data has ${ncols} columns`,
          { line: options.firstLine ?? 1, offset: base },
          format,
        );
      }

      let schema: Schema | undefined;
      let builders = undefined as ReturnType<typeof buildersFor> | undefined;
      // Records are tokenized and turned into columns a block of rows at a
      // time (the block's bytes and spans stay in the CPU cache), and only the
      // current record is kept between blocks: memory stays bounded.
      tok.setColumns(ncols, Math.max(1, Math.floor(BLOCK_SLOTS / ncols)));
      const blockRows = tok.maxRows;
      const sp = tok.spans;
      /** Scans up to `max` complete records, reading more bytes while none is complete; false at the end. */
      const nextBlock = async (max: number): Promise<boolean> => {
        tok.maxRows = max;
        for (;;) {
          pos = tok.scan(buf, pos, len, eof, base);
          if (sp.rows > 0) return true;
          if (eof) return false;
          // A record cut by the end of the bytes is scanned again from its start:
          // wait for at least as many new bytes as it already has (linear overall).
          const pending = len - pos;
          do await pull(); while (!eof && len - pos < 2 * pending);
        }
      };

      let inferredFrom = 0;
      let inBatch = 0;
      if (fields) {
        schema = finishSchema(new Schema(fields, schemaGiven!.metadata), ctx, options);
        builders = buildersFor(schema);
      } else {
        // Type inference over the first `limit` rows; their bytes are kept
        // until the types are known.
        const limit = Math.max(
          1,
          Math.min(
            options.inferRows ?? Math.max(batchSize, DEFAULT_BATCH_SIZE),
            Math.floor(MAX_SLOTS / ncols),
          ),
        );
        const unique = uniqueNames(names);
        const fieldsOf = (types: DataType[]) =>
          unique.map((n, i) => given?.[i] ?? textField(n, names[i]!, types[i]!));
        const seen = new Uint8Array(ncols);
        const startLine = tok.line;
        keep = pos; // moved along by pull() when it drops bytes before it
        /** Classifies the rows from `pos` into `seen` until `limit` rows in all or the end. */
        const classifyRows = async (max: number): Promise<void> => {
          while (inferredFrom < max) {
            options.signal?.throwIfAborted();
            if (!await nextBlock(Math.min(blockRows, max - inferredFrom))) break;
            inferInto(sp, rules, seen);
            inferredFrom += sp.rows;
            sp.rows = 0;
          }
        };
        // The first rows (a block, or a 16th of the inference rows when that
        // is less), tokenized and classified.
        await classifyRows(Math.min(blockRows, limit, Math.max(64, limit >> 4)));
        const complete = inferredFrom >= limit || (eof && pos >= len);
        if (!complete && inferredFrom > 0) {
          // Room for the inference rows at once, from the first rows' size (a
          // buffer grown by doubling would copy and fault in twice as much).
          const want = Math.min(
            PRESIZE_MAX,
            Math.ceil((pos - keep) / inferredFrom * limit * 1.1) + (2 << 20),
          );
          if (want > buf.length) {
            const n = new Uint8Array(want);
            n.set(buf.subarray(keep, len));
            len -= keep;
            pos -= keep;
            base += keep;
            keep = 0;
            buf = n;
            owned = true;
          }
        }
        pos = keep;
        tok.line = startLine;
        if (complete) fields = fieldsOf(inferredTypes(seen));
        else {
          // Speculation: the rows are read with the first block's types
          // through the fast path, which takes only values that cannot change
          // what type inference makes of them (a column empty so far must stay
          // empty), so the rows it reads need no classification. At the first
          // row it does not take, the rest of the inference rows are tokenized
          // and classified; if the types stay the same the rows read are kept,
          // else everything is read again with the new types.
          const trialTypes = inferredTypes(seen);
          const trial = fieldsOf(trialTypes);
          const trialBuilders = buildersFor(new Schema(trial));
          const empty = seen.map((k, i) => k === 0 && !given?.[i] ? 1 : 0);
          const f = options.fastPath === false ? undefined : CsvFastRows.create(
            trial,
            trialBuilders,
            delimiter,
            quote,
            rules,
            blockRows,
            empty,
          );
          let rows = 0;
          while (f) {
            options.signal?.throwIfAborted();
            if (rows === limit || (eof && pos >= len)) break;
            const n = f.run(buf, pos, len, Math.min(blockRows, limit - rows));
            if (n > 0) {
              pos = f.pos;
              rows += n;
            } else if (f.needMore && !eof) {
              const pending = len - pos;
              do await pull(); while (!eof && len - pos < 2 * pending);
            } else break;
          }
          tok.line = startLine + rows;
          inferredFrom = rows;
          mark = pos;
          await classifyRows(limit);
          const types = inferredTypes(seen);
          if (types.every((t, i) => t.typeId === trialTypes[i]!.typeId)) {
            // The same types: the rows read so far stay, reading goes on after them.
            pos = mark;
            tok.line = startLine + rows;
            fields = trial;
            builders = trialBuilders;
            inBatch = rows;
          } else {
            pos = keep;
            tok.line = startLine;
            fields = fieldsOf(types);
          }
          mark = -1;
        }
        keep = -1;
        schema = finishSchema(new Schema(fields), ctx, options);
        builders ??= buildersFor(schema);
      }
      ctx.setSchema(schema);
      const schemaFields = schema.fields;
      if (inBatch > batchSize) {
        // More inference rows than a batch holds (inferRows > batchSize): handed out in pieces.
        const all = finishBatch(schema, builders);
        for (let at = 0; at < inBatch; at += batchSize) {
          yield all.slice(at, Math.min(inBatch, at + batchSize));
        }
        inBatch = 0;
      }

      // Plain rows (no quotes, simple numbers) go through the fast path in one
      // pass; the first row that is not plain, and then a growing run of rows
      // (1, 2, 4, ... up to a block) while the fast path keeps failing at once,
      // go through the tokenizer and the general column parsers.
      const fast = options.fastPath === false
        ? undefined
        : CsvFastRows.create(schemaFields, builders, delimiter, quote, rules, blockRows);
      let slowRows = 0; // rows left for the general path before the fast path is tried again
      let slowRun = 1;
      for (;;) {
        if (inBatch === batchSize) {
          yield finishBatch(schema, builders);
          inBatch = 0;
        }
        options.signal?.throwIfAborted();
        const max = Math.min(blockRows, batchSize - inBatch);
        let n = 0;
        if (fast && slowRows === 0) {
          n = fast.run(buf, pos, len, max);
          if (n > 0) {
            pos = fast.pos;
            tok.line += n;
            slowRun = 1;
          } else if (fast.needMore && !eof) {
            const pending = len - pos;
            do await pull(); while (!eof && len - pos < 2 * pending);
            continue;
          } else {
            slowRows = slowRun;
            slowRun = Math.min(blockRows, slowRun * 2);
          }
        }
        if (n === 0) {
          if (!await nextBlock(slowRows > 0 ? Math.min(max, slowRows) : max)) break;
          appendRows(sp, schemaFields, builders, rules, inferredFrom);
          n = sp.rows;
          sp.rows = 0;
          slowRows = Math.max(0, slowRows - n);
        }
        inBatch += n;
      }
      if (inBatch > 0) yield finishBatch(schema, builders);
    } finally {
      reader.releaseLock();
      if (!eof) await stream.cancel().catch(() => {});
    }
  });
}

/** Field slots per block of rows (25 columns: 1310 rows, ~200 KB of spans and ~400 KB of text). */
const BLOCK_SLOTS = 1 << 15;

/** The largest buffer made at once for the inference rows (beyond it, it grows by doubling). */
const PRESIZE_MAX = 1 << 28;

/** A buffer larger than this shrinks once it holds far less (after type inference). */
const SHRINK_ABOVE = 1 << 22;

const NUMBER = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

function sameNameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return new Set(a).size === a.length && a.every((n) => set.has(n));
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function finishSchema(schema: Schema, ctx: BatchContext, options: CsvEngineOptions): Schema {
  return options.onSchema ? options.onSchema(schema, ctx) : schema;
}
