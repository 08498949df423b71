/**
 * CSV writer: Arrow table to CSV as the Gaia archive writes it (header line,
 * `true`/`false`, nulls as empty fields, exact int64, shortest floats).
 *
 * @module
 */
import { type DataType, type Table, Type } from "apache-arrow";
import { formatColumn, formatFloat32, formatFloat64, isFloat32, jsonValue } from "./value_text.ts";

/** Options of {@linkcode encodeCsv}. */
export interface CsvWriterOptions {
  /** Field delimiter. @default "," */
  delimiter?: string;
  /** Write the header line with the column names. @default true */
  header?: boolean;
  /** Line terminator. @default "\n" (as the Gaia archive; RFC 4180 says "\r\n") */
  newline?: string;
  /** Text written for nulls. @default "" */
  nullValue?: string;
  /** Text written for null floats. @default the `nullValue` (ECSV writes "nan") */
  floatNullValue?: string;
  /** Rows per encoded chunk of {@linkcode encodeCsvStream}. @default 10000 */
  chunkRows?: number;
  /** Texts of true and false. @default ["true", "false"] (ECSV uses ["True", "False"], as astropy and the archive) */
  booleans?: readonly [string, string];
}

const enc = new TextEncoder();

/**
 * Writes an Arrow table as CSV: the header line, booleans as `true`/`false`,
 * nulls as empty fields, int64 exactly, floats with the fewest digits that
 * read back to the same value (Float32 as Float32), text quoted when it holds
 * the delimiter, a quote or a line break (and `""` for the empty string, so
 * it stays distinct from null), arrays as `"[1,2,3]"`.
 *
 * @param table The table.
 * @param options Delimiter, header, line terminator, null text.
 * @returns The UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeCsv } from "./encode_csv.ts";
 * const t = tableFromArrays({ id: new BigInt64Array([5929246508730155392n]), ra: new Float64Array([253.45840143189537]) });
 * const text = new TextDecoder().decode(encodeCsv(t));
 * if (text !== "id,ra\n5929246508730155392,253.45840143189537\n") throw new Error(text);
 * ```
 */
export function encodeCsv(table: Table, options: CsvWriterOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const p of csvChunks(table, options)) {
    parts.push(p);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Like {@linkcode encodeCsv}, as a byte stream produced a chunk of rows at a
 * time (for HTTP responses).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeCsvStream } from "./encode_csv.ts";
 * const t = tableFromArrays({ n: new Int32Array([1, 2, 3]) });
 * const text = await new Response(encodeCsvStream(t, { chunkRows: 1 })).text();
 * if (text !== "n\n1\n2\n3\n") throw new Error(text);
 * ```
 */
export function encodeCsvStream(
  table: Table,
  options: CsvWriterOptions = {},
): ReadableStream<Uint8Array> {
  const it = csvChunks(table, options);
  return new ReadableStream({
    pull(c) {
      const r = it.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
  });
}

/** Yields the CSV as UTF-8 chunks. */
export function* csvChunks(table: Table, options: CsvWriterOptions = {}): Generator<Uint8Array> {
  const d = options.delimiter ?? ",";
  const nl = options.newline ?? "\n";
  const nullText = options.nullValue ?? "";
  const chunkRows = Math.max(1, options.chunkRows ?? 10000);
  const fields = table.schema.fields;
  const needsQuote = new RegExp(`[${escapeClass(d)}"\\r\\n]`);
  // Quoted: the empty string (to stay apart from null), text with the delimiter,
  // a quote or a line break, and text starting with "#" (a comment to ECSV and
  // many CSV readers).
  const quote = (s: string) =>
    s === "" || needsQuote.test(s) || s.charCodeAt(0) === 0x23
      ? '"' + s.replaceAll('"', '""') + '"'
      : s;
  if (options.header ?? true) yield enc.encode(fields.map((f) => quote(f.name)).join(d) + nl);
  const floatNull = options.floatNullValue ?? nullText;
  const formatters = fields.map((f) =>
    cellFormatter(
      f.type,
      quote,
      f.type.typeId === Type.Float ? floatNull : nullText,
      options.booleans,
    )
  );
  const nulls = fields.map((f) => (f.type.typeId === Type.Float ? floatNull : nullText));
  const ncols = fields.length;
  for (const batch of table.batches) {
    for (let r0 = 0; r0 < batch.numRows; r0 += chunkRows) {
      const r1 = Math.min(batch.numRows, r0 + chunkRows);
      // Column by column (typed arrays, one formatter per column), then rows.
      const cells = fields.map((f, c) =>
        formatColumn(
          batch.getChildAt(c)!,
          r0,
          r1,
          f.type,
          formatters[c]!,
          nulls[c]!,
          options.booleans,
        )
      );
      const lines = new Array<string>(r1 - r0);
      for (let r = 0; r < r1 - r0; r++) {
        let line = ncols ? cells[0]![r]! : "";
        for (let c = 1; c < ncols; c++) line += d + cells[c]![r]!;
        lines[r] = line;
      }
      yield enc.encode(lines.join(nl) + nl);
    }
  }
}

function escapeClass(s: string): string {
  return s.replace(/[\\\]\[^-]/g, "\\$&");
}

/** Makes the text formatter of one column for CSV. */
function cellFormatter(
  type: DataType,
  quote: (s: string) => string,
  nullText: string,
  booleans: readonly [string, string] = ["true", "false"],
): (v: unknown) => string {
  switch (type.typeId) {
    case Type.Int:
      return (v) => (v === null || v === undefined ? nullText : String(v));
    case Type.Float: {
      const f = isFloat32(type) ? formatFloat32 : formatFloat64;
      return (v) => (v === null || v === undefined ? nullText : f(v as number));
    }
    case Type.Bool:
      return (v) => (v === null || v === undefined ? nullText : v ? booleans[0] : booleans[1]);
    case Type.Utf8:
    case Type.LargeUtf8:
      return (v) => (v === null || v === undefined ? nullText : quote(v as string));
    case Type.List:
    case Type.FixedSizeList:
      return (v) => (v === null || v === undefined ? nullText : quote(jsonValue(v, type)));
    default:
      return (v) => (v === null || v === undefined ? nullText : quote(String(v)));
  }
}
