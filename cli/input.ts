/**
 * Opening a command-line input (a path, or `-` for stdin) as a table reader,
 * with the format from `--format`, else the file extension, else the bytes.
 *
 * @module
 */
import { formatFromName, normalizeFormat, openTable } from "../lib/formats/sniff.ts";
import type { TableReader } from "../lib/table/reader.ts";

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
    const file = await Deno.open(path);
    size = (await file.stat()).size;
    stream = file.readable;
  }
  const format = options.format ?? (path === "-" ? undefined : formatFromName(path));
  if (options.format && !normalizeFormat(options.format)) {
    throw new TypeError(
      `Unknown --format ${
        JSON.stringify(options.format)
      }; use votable, csv, tsv, ecsv, json or fits`,
    );
  }
  const reader = await openTable(stream, {
    ...(format ? { format } : {}),
    ...(options.table !== undefined ? { table: options.table } : {}),
    ...(options.hdu !== undefined ? { hdu: options.hdu } : {}),
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return size !== undefined ? { reader, size } : { reader };
}
