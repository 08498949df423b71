/**
 * {@linkcode ProductSegment}: the product files of one answer that share a
 * type and a schema, kept as ONE combined Arrow table (a few large record
 * batches, each column a contiguous buffer) instead of one small table per
 * file. Each file is a row range of it; products read from it are zero-copy
 * views made on demand. 10 000 light curves then cost a few dozen Arrow
 * objects, not tens of thousands (a small table is tens of KB of JS objects:
 * Data, Vectors, typed arrays), and the bulk table of a type is the
 * segments' tidy tables listed, not copied again.
 *
 * @module
 */
import { type Data, RecordBatch, type Schema, Table } from "apache-arrow";
import { column } from "./columns.ts";
import { compactTables } from "./compact.ts";
import { tidyProduct } from "./tidy.ts";

/**
 * Rows gathered from small files before they are copied into one batch:
 * small enough that the per-file tables waiting for the copy stay a few MB.
 */
export const SEGMENT_SMALL_ROWS = 16_384;

/**
 * Rows of a finished batch: the first-level batches are copied again into
 * batches of about this size, so that the bulk table (and its Polars copy,
 * made a batch at a time through Arrow IPC) has few large batches.
 */
export const SEGMENT_BATCH_ROWS = 65_536;

/**
 * A run of product files of one type and one schema (the same Schema object,
 * see the unpacker's schema sharing), appended file by file as an answer is
 * unpacked. Files never straddle batches: a file's rows are one slice of one
 * batch.
 *
 * @example
 * ```ts
 * import { Table, tableFromArrays } from "apache-arrow";
 * import { ProductSegment } from "./combined.ts";
 * const a = tableFromArrays({ wavelength: new Float64Array([846, 847]) });
 * const b = new Table(a.schema, tableFromArrays({ wavelength: new Float64Array([848]) }).batches);
 * const seg = new ProductSegment("RVS", a.schema);
 * const ra = seg.append(a), rb = seg.append(b);
 * seg.finish();
 * if (seg.raw().batches.length !== 1 || seg.rawRows(rb).getChild("wavelength")!.get(0) !== 848) throw new Error();
 * if (ra !== 0 || rb !== 2) throw new Error();
 * ```
 */
export class ProductSegment {
  /** Product type of every file in the segment. */
  readonly type: string;
  /** The schema every file has (one object). */
  readonly schema: Schema;
  /** Files appended. */
  files = 0;
  /** Rows appended. */
  rows = 0;
  /** Finished batches, and the row each starts at. */
  #batches: RecordBatch[] = [];
  #starts: number[] = [];
  #done = 0;
  /** First-level batches waiting to be copied into one finished batch (`owned`: made here, held by no one else). */
  #open: { table: Table; owned: boolean }[] = [];
  #openRows = 0;
  /** Files waiting to be copied into one first-level batch. */
  #pending: Table[] = [];
  #pendingRows = 0;
  #raw: Table | undefined;
  #tidy: RecordBatch[] | undefined;
  #rowwise: boolean | undefined;

  /**
   * Creates an empty segment.
   * @param type the product type
   * @param schema the schema of every file that will be appended
   */
  constructor(type: string, schema: Schema) {
    this.type = type;
    this.schema = schema;
  }

  /**
   * Appends a file's table (its schema must be {@linkcode schema}); returns
   * the row at which it starts. The table is copied (soon, with others), so
   * the caller need not keep it.
   */
  append(table: Table): number {
    if (table.schema !== this.schema) {
      throw new TypeError("ProductSegment.append(): a table of another schema");
    }
    const at = this.rows;
    this.files++;
    this.rows += table.numRows;
    if (table.numRows > 0) {
      this.#pending.push(table);
      this.#pendingRows += table.numRows;
      if (this.#pendingRows >= SEGMENT_SMALL_ROWS) this.#flushPending();
    }
    this.#raw = undefined;
    this.#tidy = undefined;
    return at;
  }

  #flushPending(): void {
    if (this.#pending.length === 0) return;
    const inputs = new Set(buffersOf(this.#pending));
    const table = compactTables(this.#pending);
    this.#open.push({ table, owned: buffersOf([table]).every((b) => !inputs.has(b)) });
    this.#openRows += this.#pendingRows;
    this.#pending = [];
    this.#pendingRows = 0;
    if (this.#openRows >= SEGMENT_BATCH_ROWS) this.#flushOpen();
  }

  #flushOpen(): void {
    if (this.#open.length === 0) return;
    const t = compactTables(this.#open.map((o) => o.table));
    // The first-level copies are garbage now: free them at once rather than
    // at the next garbage collection (their memory would otherwise pile up
    // while the answer is read). Only buffers made here and not in `t`.
    const kept = new Set(buffersOf([t]));
    for (const o of this.#open) {
      if (!o.owned) continue;
      for (const b of buffersOf([o.table])) if (!kept.has(b)) release(b);
    }
    for (const b of t.batches) {
      if (b.numRows === 0) continue;
      this.#starts.push(this.#done);
      this.#batches.push(b.schema === this.schema ? b : new RecordBatch(this.schema, b.data));
      this.#done += b.numRows;
    }
    this.#open = [];
    this.#openRows = 0;
  }

  /** Copies whatever is waiting into finished batches (call when the answer is read). */
  finish(): void {
    this.#flushPending();
    this.#flushOpen();
  }

  /** The combined table as read (every file, in order). */
  raw(): Table {
    if (this.#done < this.rows) this.finish();
    return this.#raw ??= this.#batches.length
      ? new Table(this.schema, this.#batches)
      : new Table(this.schema);
  }

  /** Index of the batch holding row `at` (a file's first row). */
  #batchOf(at: number): number {
    if (this.#done <= at) this.finish();
    const s = this.#starts;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** One file's rows as read: a zero-copy view of one batch. */
  rawRows(offset: number, length?: number): Table {
    const n = length ?? this.rows - offset;
    if (n === 0) return new Table(this.schema);
    const k = this.#batchOf(offset);
    const b = this.#batches[k];
    const from = offset - this.#starts[k];
    return new Table(this.schema, [from === 0 && n === b.numRows ? b : b.slice(from, from + n)]);
  }

  /**
   * True when the tidy form is row for row the table as read, so that the
   * whole segment is made tidy at once and each file's tidy rows are a
   * slice of it: epoch photometry with one row per observation and a
   * `source_id` column (the INDIVIDUAL and COMBINED layouts).
   */
  get rowwise(): boolean {
    return this.#rowwise ??= this.type === "EPOCH_PHOTOMETRY" &&
      column(new Table(this.schema), "band") !== undefined &&
      column(new Table(this.schema), "source_id") !== undefined;
  }

  /** The tidy batches (one per batch as read), for a {@linkcode rowwise} segment. */
  #tidyBatches(): RecordBatch[] {
    if (this.#tidy) return this.#tidy;
    if (this.#done < this.rows) this.finish();
    const out: RecordBatch[] = [];
    for (const b of this.#batches) {
      const t = tidyProduct(this.type, new Table(this.schema, [b]));
      // One tidy batch per batch as read, so that a file's rows are found alike.
      out.push(t.batches.length === 1 ? t.batches[0] : compactTables([t]).batches[0]);
    }
    return this.#tidy = out;
  }

  /**
   * The tidy table of the whole segment ({@linkcode rowwise} segments only),
   * made once and kept: the bulk table of a type lists these.
   */
  tidy(): Table {
    if (!this.rowwise) throw new TypeError(`${this.type} segment: tidy form is per file`);
    const b = this.#tidyBatches();
    if (b.length === 0) return tidyProduct(this.type, new Table(this.schema));
    return new Table(b[0].schema, b);
  }

  /** One file's tidy rows ({@linkcode rowwise} segments only): a zero-copy view. */
  tidyRows(offset: number, length: number): Table {
    if (!this.rowwise) throw new TypeError(`${this.type} segment: tidy form is per file`);
    if (length === 0) return tidyProduct(this.type, new Table(this.schema));
    const k = this.#batchOf(offset);
    const b = this.#tidyBatches()[k];
    const from = offset - this.#starts[k];
    return new Table(b.schema, [
      from === 0 && length === b.numRows ? b : b.slice(from, from + length),
    ]);
  }
}

/** The ArrayBuffers behind a table's columns (every batch, children included). */
export function buffersOf(tables: readonly Table[]): ArrayBufferLike[] {
  const out: ArrayBufferLike[] = [];
  const visit = (d: Data) => {
    for (const b of [d.values, d.valueOffsets, d.nullBitmap, d.typeIds]) {
      if (b && ArrayBuffer.isView(b) && b.byteLength > 0) out.push(b.buffer);
    }
    for (const c of d.children) visit(c);
  };
  for (const t of tables) for (const b of t.batches) visit(b.data);
  return out;
}

/**
 * Frees an ArrayBuffer now (detaches it): for buffers this module made and
 * no one else can hold. A SharedArrayBuffer or an already detached one is
 * left alone.
 */
export function release(b: ArrayBufferLike): void {
  if (b instanceof ArrayBuffer && !b.detached) b.transfer(0);
}
