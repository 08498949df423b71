/**
 * Errors of the DataLink client.
 *
 * @module
 */
import { TableFormatError } from "../io/errors.ts";

/**
 * A ZIP archive that cannot be read: no central directory, a bad entry
 * header, a CRC mismatch, an unsupported compression method, or a truncated
 * archive. Never turned into a short result.
 *
 * @example
 * ```ts
 * import { ZipFormatError } from "./errors.ts";
 * const e = new ZipFormatError("CRC mismatch", { entry: "a.xml", offset: 30 });
 * if (!(e instanceof SyntaxError) || !e.message.includes("a.xml")) throw e;
 * ```
 */
export class ZipFormatError extends TableFormatError {
  /** The entry being read, when known. */
  readonly entry: string | undefined;
  /**
   * Creates the instance.
   * @param message what went wrong
   * @param options the entry and byte offset.
   */
  constructor(message: string, options: { entry?: string; offset?: number; cause?: unknown } = {}) {
    super(message, {
      format: "zip",
      ...(options.entry !== undefined ? { element: `entry ${JSON.stringify(options.entry)}` } : {}),
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      cause: options.cause,
    });
    this.name = "ZipFormatError";
    this.entry = options.entry;
  }
}

/**
 * The data server refused a DataLink request, or answered something that is
 * not a DataLink product (an error document, an HTML page).
 *
 * @example
 * ```ts
 * import { DataLinkError } from "./errors.ts";
 * const e = new DataLinkError("Maximum number of Source Ids reached", { status: 400 });
 * if (e.status !== 400) throw e;
 * ```
 */
export class DataLinkError extends Error {
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /**
   * Creates the instance.
   * @param message what went wrong
   * @param options the HTTP status and cause.
   */
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DataLinkError";
    this.status = options.status;
  }
}
