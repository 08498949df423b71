/**
 * Opening a command-line input (a path, or `-` for stdin) as a table reader,
 * with the format from `--format`, else the file extension, else the bytes.
 * Besides the library's readers, Arrow IPC and Parquet files are read whole.
 *
 * @module
 */
import { type Table, tableFromIPC } from "apache-arrow";
import { formatFromName, normalizeFormat, openTable } from "../lib/formats/sniff.ts";
import { fileStream, peekBytes, readAllBytes } from "../lib/io/source.ts";
import type { TableMeta, TableReader } from "../lib/table/reader.ts";

/** Options of {@linkcode openInput}. */
export interface InputOptions {
  /** Format name (overrides the extension). */
  format?: string;
  /** VOTable TABLE index. */
  table?: number;
  /** FITS HDU index or EXTNAME. */
  hdu?: number | string;
  /** Called with the bytes read so far. */
  onBytes?: (n: number) => void;
  /** Stops reading. */
  signal?: AbortSignal;
}

const ARROW1 = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];
const PAR1 = [0x50, 0x41, 0x52, 0x31];
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/**
 * Opens `path` (or stdin for `-`) as a table reader.
 *
 * @returns The reader and the input size when known (for progress).
 * @throws {Deno.errors.NotFound} when the file does not exist.
 *
 * @example
 * ```ts ignore
 * const { reader } = await openInput("result.vot.gz");
 * ```
 */
export async function openInput(
  path: string,
  options: InputOptions = {},
): Promise<{ reader: TableReader; size?: number }> {
  let stream: ReadableStream<Uint8Array>;
  let size: number | undefined;
  if (path === "-") stream = Deno.stdin.readable;
  else {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Deno.errors.NotFound(
          `No such file ${JSON.stringify(path)}${
            path.startsWith("/") ? "" : ` (relative to ${Deno.cwd()})`
          }; check the path`,
        );
      }
      throw e;
    }
    const info = await file.stat();
    size = info.size;
    if (info.isDirectory) {
      file.close();
      throw new TypeError(`${JSON.stringify(path)} is a directory; give a table file`);
    }
    // 1 MiB reads; the stream knows the file's size (and so picks a gzip worker).
    stream = fileStream(file);
  }
  const fmt = options.format?.toLowerCase();
  if (fmt && fmt !== "arrow" && fmt !== "parquet" && !normalizeFormat(fmt)) {
    throw new TypeError(
      `Unknown --format ${JSON.stringify(options.format)}; ` +
        `use votable, csv, tsv, ecsv, json, fits, arrow or parquet`,
    );
  }
  // Arrow IPC and Parquet are whole-file formats: by --format or magic bytes.
  const peeked = await peekBytes(stream, 8);
  stream = peeked.stream;
  const head = peeked.head;
  if (
    fmt === "arrow" || fmt === "parquet" ||
    (!fmt && (startsWith(head, ARROW1) || startsWith(head, PAR1) || isIpcStream(head)))
  ) {
    const bytes = await readAllBytes(stream);
    options.onBytes?.(bytes.length);
    return { reader: await wholeFileReader(bytes, fmt), size: bytes.length };
  }
  const format = fmt ?? (path === "-" ? undefined : formatFromName(path));
  const reader = await openTable(stream, {
    ...(format ? { format } : {}),
    ...(options.table !== undefined ? { table: options.table } : {}),
    ...(options.hdu !== undefined ? { hdu: options.hdu } : {}),
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return size !== undefined ? { reader, size } : { reader };
}

/** An Arrow IPC stream starts with a continuation marker 0xFFFFFFFF. */
function isIpcStream(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0xff && b[1] === 0xff && b[2] === 0xff && b[3] === 0xff;
}

/** Reads an Arrow IPC (file or stream) or Parquet file into a reader over its batches. */
async function wholeFileReader(
  bytes: Uint8Array,
  format: string | undefined,
): Promise<TableReader> {
  if (format === "parquet" || startsWith(bytes, PAR1)) {
    const { fromPolars, loadPolars } = await import("../lib/table/polars.ts");
    const pl = await loadPolars();
    const { Buffer } = await import("node:buffer");
    return tableReader(await fromPolars(pl.readParquet(Buffer.from(bytes))), "parquet");
  }
  return tableReader(tableFromIPC(bytes), "arrow");
}

/**
 * A reader over an in-memory table (its schema metadata gives the status).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { tableReader } from "./input.ts";
 * const r = tableReader(tableFromArrays({ n: new Int32Array([1, 2]) }), "arrow");
 * let rows = 0;
 * for await (const b of r) rows += b.numRows;
 * if (rows !== 2) throw new Error("rows");
 * ```
 */
export function tableReader(table: Table, format: string): TableReader {
  const md = table.schema.metadata;
  const status = md.get("query_status");
  const message = md.get("query_status_message");
  const meta: TableMeta = {
    format,
    infos: [],
    params: [],
    ...(status === "OK" || status === "OVERFLOW" || status === "ERROR"
      ? { queryStatus: status }
      : {}),
    ...(message !== undefined ? { queryStatusMessage: message } : {}),
  };
  return {
    meta,
    schema: () => Promise.resolve(table.schema),
    async *[Symbol.asyncIterator]() {
      yield* table.batches;
    },
  };
}
