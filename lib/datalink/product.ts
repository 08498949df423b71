/**
 * {@linkcode DataLinkProduct}: one product file (one source and type for
 * INDIVIDUAL answers, many sources for COMBINED/RAW), read into Arrow.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import type { DataFrame } from "nodejs-polars";
import { toPolars } from "../table/polars.ts";
import { tidyProduct } from "./tidy.ts";
import type { ProductSegment } from "./combined.ts";

/** What a product is made from. */
export interface DataLinkProductInit {
  /** Product type (retrieval type), e.g. `EPOCH_PHOTOMETRY`. */
  type: string;
  /** The table as read from the file. */
  table: Table;
  /** File name inside the answer. */
  fileName: string;
  /** Format of the file (`votable`, `csv`, `ecsv`, `fits`, ...). */
  format: string;
  /** The single source of the file, when it has one. */
  sourceId?: bigint | undefined;
  /** Its designation, when known. */
  designation?: string | undefined;
  /** The tidy table, when already made (e.g. one source's rows of a combined file). */
  tidy?: Table | undefined;
}

/**
 * A product that is a row range of a {@linkcode ProductSegment} (the combined
 * table of an answer's files of one type and schema): made by the unpacker.
 */
export interface DataLinkProductViewInit extends Omit<DataLinkProductInit, "table" | "tidy"> {
  /** The combined table the file's rows are in. */
  segment: ProductSegment;
  /** The file's first row in it. */
  offset: number;
  /** The file's rows. */
  length: number;
}

/**
 * One DataLink product: the table as the archive sent it (`raw`), and its
 * tidy form (`table`, computed once on first use): epoch photometry one row
 * per observation, spectra one row per sample, XP coefficients with their
 * covariance, MCMC samples; each with an Int64 `source_id` column.
 *
 * Products unpacked by `load()` / `unpackProducts()` hold no table of their
 * own: they are row ranges of the combined table of their answer, and `raw`
 * and `table` are zero-copy views of it made on demand (for epoch photometry,
 * slices of the combined tidy table, not kept by the product).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { DataLinkProduct } from "./product.ts";
 * const p = new DataLinkProduct({
 *   type: "XP_SAMPLED", fileName: "XP_SAMPLED-Gaia DR3 1.csv", format: "csv", sourceId: 1n,
 *   table: tableFromArrays({ wavelength: new Float64Array([336]), flux: new Float64Array([1]), flux_error: new Float64Array([0.1]) }),
 * });
 * if (p.table.getChild("source_id")!.get(0) !== 1n) throw new Error();
 * if (!p.toString().includes("XP_SAMPLED")) throw new Error(p.toString());
 * ```
 */
export class DataLinkProduct {
  /** Product type, e.g. `EPOCH_PHOTOMETRY`. */
  readonly type: string;
  /** File name inside the archive's answer. */
  readonly fileName: string;
  /** Format read. */
  readonly format: string;
  /** The source, for single-source files. */
  readonly sourceId: bigint | undefined;
  /** The designation, for single-source files (e.g. `Gaia DR3 5937083312263887616`). */
  readonly designation: string | undefined;
  #raw: Table | undefined;
  #tidy: Table | undefined;
  /** The combined table this product is a row range of (unpacked products). */
  readonly segment: ProductSegment | undefined;
  /** First row of this product in {@linkcode segment}. */
  readonly offset: number;
  /** Rows of this product in {@linkcode segment} (as read). */
  readonly length: number;

  /**

   * Creates the instance.
   * @param init the table, its type, file name, format and source; or, for
   * a row range of a combined table, the segment, offset and length.
   */
  constructor(init: DataLinkProductInit | DataLinkProductViewInit) {
    this.type = init.type;
    this.fileName = init.fileName;
    this.format = init.format;
    this.sourceId = init.sourceId;
    this.designation = init.designation;
    if ("segment" in init) {
      this.segment = init.segment;
      this.offset = init.offset;
      this.length = init.length;
    } else {
      this.segment = undefined;
      this.offset = 0;
      this.length = init.table.numRows;
      this.#raw = init.table;
      this.#tidy = init.tidy;
    }
  }

  /** The table as read from the file (field metadata and PARAMs kept). */
  get raw(): Table {
    return this.#raw ?? this.segment!.rawRows(this.offset, this.length);
  }

  /** The tidy table (see the class notes). */
  get table(): Table {
    if (this.#tidy) return this.#tidy;
    const s = this.segment;
    if (s?.rowwise) return s.tidyRows(this.offset, this.length);
    return this.#tidy = tidyProduct(this.type, this.raw, this.sourceId);
  }

  /**
   * The tidy table without keeping it: the one already made, or a new one
   * the product does not hold on to (for bulk copies of many products).
   */
  tidyTable(): Table {
    if (this.#tidy) return this.#tidy;
    const s = this.segment;
    if (s?.rowwise) return s.tidyRows(this.offset, this.length);
    return tidyProduct(this.type, this.raw, this.sourceId);
  }

  /** Rows of the tidy table. */
  get numRows(): number {
    return this.table.numRows;
  }

  /** The tidy table as a Polars DataFrame (Int64 ids exact, column metadata kept). */
  toPolars(): Promise<DataFrame> {
    return toPolars(this.table);
  }

  /** A one-line description. */
  toString(): string {
    const who = this.designation ??
      (this.sourceId !== undefined ? `source ${this.sourceId}` : "several sources");
    return `DataLinkProduct ${this.type} of ${who}: ${this.numRows} rows × ${this.table.numCols} columns (${this.format}, ${
      JSON.stringify(this.fileName)
    })`;
  }

  /** A plain summary (for JSON and displays). */
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      sourceId: this.sourceId?.toString(),
      designation: this.designation,
      fileName: this.fileName,
      format: this.format,
      rows: this.numRows,
      columns: this.table.schema.fields.map((f) => f.name),
    };
  }

  /** Compact text for `console.log` / `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
