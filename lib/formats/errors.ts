/**
 * Typed errors of the CSV/TSV, ECSV, JSON and FITS readers. Each extends
 * {@linkcode TableFormatError} (itself a `SyntaxError`), so one
 * `catch (e) { if (e instanceof TableFormatError) ... }` handles every format,
 * and each carries the byte offset, line and element where the problem was found.
 *
 * @module
 */
import { type InputPosition, TableFormatError } from "../io/errors.ts";

type Where = InputPosition & { cause?: unknown };

/**
 * Malformed CSV or TSV: an unterminated quoted field, a row with the wrong
 * number of fields, a value that does not fit the column's type.
 *
 * @example
 * ```ts
 * import { CsvSyntaxError } from "./errors.ts";
 * const e = new CsvSyntaxError("Row has 3 fields, the header has 4", { line: 7, offset: 120 });
 * if (!e.message.includes("line 7")) throw new Error(e.message);
 * ```
 */
export class CsvSyntaxError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}, format = "csv") {
    super(message, { ...where, format });
    this.name = "CsvSyntaxError";
  }
}

/**
 * Malformed ECSV: a missing `# %ECSV` line, a YAML header this reader cannot
 * read, an unknown datatype, a body that does not match the header.
 *
 * @example
 * ```ts
 * import { EcsvFormatError } from "./errors.ts";
 * const e = new EcsvFormatError("Unknown datatype \"int128\"", { line: 5, element: "datatype" });
 * if (!(e instanceof SyntaxError)) throw new Error("should be a SyntaxError");
 * ```
 */
export class EcsvFormatError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}) {
    super(message, { ...where, format: "ecsv" });
    this.name = "EcsvFormatError";
  }
}

/**
 * YAML that the small YAML reader used for ECSV headers cannot read (anchors,
 * tags, multi-line scalars, ...) or that is malformed.
 *
 * @example
 * ```ts
 * import { YamlSyntaxError } from "./errors.ts";
 * const e = new YamlSyntaxError("Anchors are not supported", { line: 3, column: 9 });
 * if (!e.message.includes("line 3, column 9")) throw new Error(e.message);
 * ```
 */
export class YamlSyntaxError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}) {
    super(message, { ...where, format: "yaml" });
    this.name = "YamlSyntaxError";
  }
}

/**
 * Malformed JSON table: bad JSON syntax, a row with the wrong number of
 * values, a value of the wrong kind for its column, a document that is
 * neither the Gaia `{metadata, data}` nor the DaCHS `{columns, data}` shape.
 *
 * @example
 * ```ts
 * import { JsonFormatError } from "./errors.ts";
 * const e = new JsonFormatError("Expected a number", { offset: 40, element: "data[2][1] (ra)" });
 * if (!e.message.includes("ra")) throw new Error(e.message);
 * ```
 */
export class JsonFormatError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}) {
    super(message, { ...where, format: "json" });
    this.name = "JsonFormatError";
  }
}

/**
 * Malformed FITS: a header without `END`, a missing or bad keyword, an
 * unknown `TFORMn`, sizes that do not add up or exceed the data present.
 *
 * @example
 * ```ts
 * import { FitsFormatError } from "./errors.ts";
 * const e = new FitsFormatError("Unknown TFORM3 \"3Z\"", { offset: 2960, element: "TFORM3" });
 * if (!e.message.includes("TFORM3")) throw new Error(e.message);
 * ```
 */
export class FitsFormatError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}) {
    super(message, { ...where, format: "fits" });
    this.name = "FitsFormatError";
  }
}

/**
 * The input's format could not be recognised (by explicit name, content type
 * or magic bytes), or it is a format this library does not read.
 *
 * @example
 * ```ts
 * import { UnknownFormatError } from "./errors.ts";
 * const e = new UnknownFormatError("Cannot tell the format of the input", { offset: 0 });
 * if (!(e instanceof SyntaxError)) throw new Error("should be a SyntaxError");
 * ```
 */
export class UnknownFormatError extends TableFormatError {
  /**
   * Creates the error.
   * @param message What happened.
   * @param where Offset, line, column and element.
   */
  constructor(message: string, where: Where = {}) {
    super(message, { ...where, format: "unknown" });
    this.name = "UnknownFormatError";
  }
}
