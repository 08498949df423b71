/**
 * Errors raised while reading or writing VOTables.
 *
 * @module
 */
import { type InputPosition, TableFormatError, TruncatedInputError } from "../io/errors.ts";

/**
 * A VOTable that cannot be read: malformed XML, an unknown datatype, a TD
 * that is not a number, a row with the wrong number of cells. Says where:
 * the byte offset (in the decompressed input) and the element.
 *
 * @example
 * ```ts
 * import { VOTableSyntaxError } from "./errors.ts";
 * const e = new VOTableSyntaxError(`Value "abc" is not a double`, { offset: 812, element: "TD (column ra)" });
 * if (!(e instanceof SyntaxError) || e.offset !== 812) throw new Error("shape");
 * ```
 */
export class VOTableSyntaxError extends TableFormatError {
  /**
   * Makes the error.
   * @param message What is wrong, with the offending value quoted.
   * @param position Byte offset and element, when known.
   */
  constructor(message: string, position: InputPosition & { cause?: unknown } = {}) {
    super(message, { ...position, format: "votable" });
    this.name = "VOTableSyntaxError";
  }
}

/**
 * A VOTable feature this reader does not implement (the `FITS`
 * serialization, remote `STREAM href`, `encoding="gzip"` streams).
 *
 * @example
 * ```ts
 * import { VOTableUnsupportedError } from "./errors.ts";
 * const e = new VOTableUnsupportedError("FITS serialization is not supported", { element: "FITS" });
 * if (!e.message.includes("FITS")) throw new Error(e.message);
 * ```
 */
export class VOTableUnsupportedError extends TableFormatError {
  /**
   * Makes the error.
   * @param message What is not supported and what to do instead.
   * @param position Byte offset and element, when known.
   */
  constructor(message: string, position: InputPosition = {}) {
    super(message, { ...position, format: "votable" });
    this.name = "VOTableUnsupportedError";
  }
}

/** Makes a {@linkcode TruncatedInputError} for VOTable input. */
export function truncated(message: string, position: InputPosition): TruncatedInputError {
  return new TruncatedInputError(message, { ...position, format: "votable" });
}

export { TruncatedInputError };
