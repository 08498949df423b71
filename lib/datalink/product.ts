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
 * One DataLink product: the table as the archive sent it (`raw`), and its
 * tidy form (`table`, computed once on first use): epoch photometry one row
 * per observation, spectra one row per sample, XP coefficients with their
 * covariance, MCMC samples; each with an Int64 `source_id` column.
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
  /** The table as read from the file (field metadata and PARAMs kept). */
  readonly raw: Table;
  #tidy: Table | undefined;

  /**

   * Creates the instance.
   * @param init the table, its type, file name, format and source.
   */
  constructor(init: DataLinkProductInit) {
    this.type = init.type;
    this.fileName = init.fileName;
    this.format = init.format;
    this.sourceId = init.sourceId;
    this.designation = init.designation;
    this.raw = init.table;
    this.#tidy = init.tidy;
  }

  /** The tidy table (see the class notes). */
  get table(): Table {
    return this.#tidy ??= tidyProduct(this.type, this.raw, this.sourceId);
  }

  /**
   * The tidy table without keeping it: the one already made, or a new one
   * the product does not hold on to (for bulk copies of many products).
   */
  tidyTable(): Table {
    return this.#tidy ?? tidyProduct(this.type, this.raw, this.sourceId);
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
