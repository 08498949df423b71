/**
 * Errors shared by every reader: a malformed or truncated input, and a size
 * guard that stops a hostile or lying input from exhausting memory.
 *
 * @module
 */

/** Where in an input a problem was found. All fields are optional. */
export interface InputPosition {
  /** Byte offset from the start of the (decompressed) input. */
  offset?: number;
  /** 1-based line number, for text formats. */
  line?: number;
  /** 1-based column number, for text formats. */
  column?: number;
  /** The element, keyword, column or entry being read (e.g. `TD`, `TFORM3`, `ra`). */
  element?: string;
}

/**
 * An input that cannot be parsed as the format it claims to be: bad syntax,
 * a wrong length, an unknown datatype. Subclassed per format
 * (`VOTableSyntaxError`, `CsvSyntaxError`, `FitsFormatError`, ...).
 *
 * @example Catching any reader error
 * ```ts
 * import { TableFormatError } from "./errors.ts";
 * const e = new TableFormatError("Unexpected end of input", { format: "csv", offset: 12 });
 * if (!(e instanceof SyntaxError)) throw new Error("should be a SyntaxError");
 * if (!e.message.includes("byte 12")) throw new Error(e.message);
 * ```
 */
export class TableFormatError extends SyntaxError {
  /** The format being read: `votable`, `csv`, `fits`, ... */
  readonly format: string;
  /** Byte offset of the problem, when known. */
  readonly offset: number | undefined;
  /** 1-based line, for text formats, when known. */
  readonly line: number | undefined;
  /** 1-based column, for text formats, when known. */
  readonly column: number | undefined;
  /** Element, keyword or column being read, when known. */
  readonly element: string | undefined;

  /**
   * Creates the error; the message gets the format and position appended.
   *
   * @param message what went wrong
   * @param options the format, where in the input (byte offset, line, column, element) and the cause
   */
  constructor(message: string, options: InputPosition & { format: string; cause?: unknown }) {
    super(TableFormatError.#describe(message, options), { cause: options.cause });
    this.name = "TableFormatError";
    this.format = options.format;
    this.offset = options.offset;
    this.line = options.line;
    this.column = options.column;
    this.element = options.element;
  }

  static #describe(message: string, p: InputPosition & { format: string }): string {
    const where: string[] = [];
    if (p.element !== undefined) where.push(`in ${p.element}`);
    if (p.line !== undefined) {
      where.push(`at line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ""}`);
    }
    if (p.offset !== undefined) where.push(`at byte ${p.offset}`);
    return where.length
      ? `${message} (${p.format} ${where.join(" ")})`
      : `${message} (${p.format})`;
  }
}

/**
 * The input ended before the format said it would: a dropped connection, a
 * truncated file or gzip stream. Never returned as a short table.
 */
export class TruncatedInputError extends TableFormatError {
  /**
   * Creates the error.
   *
   * @param message what ended early
   * @param options the format, where the input ended and the cause
   */
  constructor(message: string, options: InputPosition & { format: string; cause?: unknown }) {
    super(message, options);
    this.name = "TruncatedInputError";
  }
}

/**
 * A configured size limit was hit: a gzip or zip bomb, an oversized upload, a
 * length field that asks for more memory than allowed.
 */
export class SizeLimitError extends RangeError {
  /** The limit in bytes (or rows, see `unit`). */
  readonly limit: number;
  /** What the limit counts. */
  readonly unit: "bytes" | "rows" | "entries";
  /**
   * Creates the error.
   *
   * @param message which limit was hit, and how to raise it
   * @param options the limit and what it counts (bytes by default)
   */
  constructor(message: string, options: { limit: number; unit?: "bytes" | "rows" | "entries" }) {
    super(message);
    this.name = "SizeLimitError";
    this.limit = options.limit;
    this.unit = options.unit ?? "bytes";
  }
}
