/**
 * The {@linkcode TableReader} implementation shared by the CSV, ECSV, JSON
 * and FITS readers: a batch generator with a schema that becomes known
 * part-way through, so `schema()` can be awaited before (or without)
 * iterating, and batches pulled while resolving it are not lost.
 *
 * @module
 */
import type { RecordBatch, Schema } from "apache-arrow";
import type { TableMeta, TableReader } from "../table/reader.ts";

/** What a batch generator gets: a way to publish the schema and the shared meta. */
export interface BatchContext {
  /** Publishes the schema; must be called before the first batch is yielded. */
  setSchema(schema: Schema): void;
  /** The reader's metadata, to be filled in while reading. */
  meta: TableMeta;
}

/**
 * A {@linkcode TableReader} over an async batch generator.
 *
 * @example
 * ```ts
 * import { Field, Int32, Schema } from "apache-arrow";
 * import { StreamTableReader } from "./stream_reader.ts";
 * const reader = new StreamTableReader("test", async function* (ctx) {
 *   ctx.setSchema(new Schema([new Field("x", new Int32())]));
 * });
 * const schema = await reader.schema();
 * if (schema.fields[0]!.name !== "x") throw new Error("schema");
 * for await (const _ of reader) throw new Error("no batches expected");
 * ```
 */
export class StreamTableReader implements TableReader {
  /** Table-level metadata; final after iteration. */
  readonly meta: TableMeta;
  #gen: AsyncGenerator<RecordBatch, void, undefined> | undefined;
  #schema: Schema | undefined;
  #buffered: RecordBatch[] = [];
  #done = false;
  #iterated = false;
  #error: unknown;
  #failed = false;

  /**
   * @param format The value of `meta.format` (e.g. `csv`).
   * @param run The batch generator; it calls `ctx.setSchema()` before its first batch.
   */
  constructor(
    format: string,
    run: (ctx: BatchContext) => AsyncGenerator<RecordBatch, void, undefined>,
  ) {
    this.meta = { format, infos: [], params: [] };
    const ctx: BatchContext = {
      setSchema: (s) => {
        this.#schema = s;
      },
      meta: this.meta,
    };
    this.#gen = run(ctx);
  }

  /** Resolves with the schema once the header has been read (may read the first batch). */
  async schema(): Promise<Schema> {
    while (!this.#schema) {
      if (this.#failed) throw this.#error;
      if (this.#done) throw new TypeError("The reader ended without a schema");
      const r = await this.#next();
      if (r) this.#buffered.push(r);
    }
    return this.#schema;
  }

  async #next(): Promise<RecordBatch | undefined> {
    if (this.#done) return undefined;
    try {
      const r = await this.#gen!.next();
      if (r.done) {
        this.#done = true;
        return undefined;
      }
      return r.value;
    } catch (e) {
      this.#done = true;
      this.#failed = true;
      this.#error = e;
      throw e;
    }
  }

  /** Yields the record batches; a reader can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch, void, undefined> {
    if (this.#iterated) throw new TypeError("A table reader can be iterated only once");
    this.#iterated = true;
    try {
      while (this.#buffered.length) yield this.#buffered.shift()!;
      if (this.#failed) throw this.#error;
      for (;;) {
        const b = await this.#next();
        if (!b) break;
        yield b;
      }
    } finally {
      if (!this.#done) {
        this.#done = true;
        await this.#gen!.return(undefined);
      }
    }
  }
}
