/**
 * `readVOTable()`: the streaming VOTable reader (TABLEDATA, BINARY, BINARY2;
 * VOTable 1.1-1.5; gzip undone by magic bytes).
 *
 * @module
 */
import { type RecordBatch, Schema } from "apache-arrow";
import type { ByteSource } from "../io/source.ts";
import { openVOTableStream } from "./open.ts";
import {
  DEFAULT_BATCH_SIZE,
  type ReaderOptions,
  type TableMeta,
  type TableReader,
} from "../table/reader.ts";
import {
  childrenNamed,
  descriptionOf,
  infoOf,
  paramOf,
  queryStatusOf,
  type XNode,
} from "./elements.ts";
import { VOTableSyntaxError } from "./errors.ts";
import { ByteInput } from "./input.ts";
import { type ParseEvent, type TableState, VOTableParser } from "./parser.ts";

/** Options of {@linkcode readVOTable}. */
export interface ReadVOTableOptions extends ReaderOptions {
  /**
   * Which TABLE to read, counting every TABLE of the document in order
   * (nested resources included) from 0.
   * @default 0
   */
  table?: number;
}

/**
 * Reads one table of a VOTable as a stream of Arrow record batches while the
 * bytes arrive. Row data is scanned byte by byte straight into Arrow buffers
 * (no XML tree, no object per row); BINARY/BINARY2 base64 is decoded in large
 * blocks; gzip input is detected by its magic bytes.
 *
 * The returned {@linkcode TableReader} resolves `schema()` once the table's
 * FIELDs are read, and its `meta` (format, INFOs, PARAMs of the table and
 * its resources, query status) is final after iteration: the query status is
 * looked for everywhere in the document, so DaCHS' OVERFLOW after the TABLE
 * is found. A `QUERY_STATUS=ERROR` document (no table) ends with an empty
 * schema, no rows, `meta.queryStatus === "ERROR"` and the server's message.
 *
 * Nulls: an empty TD, a `VALUES null` sentinel, a BINARY2 bitmap bit, a NaN
 * scalar float and a (NaN, NaN) complex all become Arrow nulls; NaN items
 * inside arrays stay NaN. Plain BINARY cannot mark strings or arrays null,
 * so they come back as they were written (empty). Types follow the table in
 * docs/ARCHITECTURE.md (long is an exact Int64, char/unicodeChar are Utf8,
 * arrays are FixedSizeList or List); documents declared in another encoding
 * than UTF-8 (ISO-8859-1, UTF-16) are transcoded.
 *
 * @param source The VOTable bytes: a stream, Response, Uint8Array, string, Blob...
 * @param options Table index, batch size, abort signal, size limit, progress.
 * @returns A reader to iterate (once) for `RecordBatch`es.
 * @throws {VOTableSyntaxError} (from iteration or `schema()`) for malformed input, with byte offset and element.
 * @throws {TruncatedInputError} when the input ends early; never a short table.
 * @throws {RangeError} when the document has no TABLE number `options.table` (and is not an error document).
 *
 * @example Rows, types and status
 * ```ts
 * import { readVOTable } from "./read_votable.ts";
 * import { collectTable } from "../table/reader.ts";
 * const vot = `<VOTABLE version="1.4"><RESOURCE type="results">
 *   <INFO name="QUERY_STATUS" value="OK"/>
 *   <TABLE><FIELD name="source_id" datatype="long"/><FIELD name="ra" datatype="double" unit="deg"/>
 *   <DATA><TABLEDATA><TR><TD>5929246508730155392</TD><TD>45.5</TD></TR><TR><TD>1</TD><TD/></TR></TABLEDATA></DATA>
 *   </TABLE><INFO name="QUERY_STATUS" value="OVERFLOW"/></RESOURCE></VOTABLE>`;
 * const { table, meta } = await collectTable(readVOTable(vot));
 * if (table.numRows !== 2) throw new Error("rows");
 * if (table.getChild("source_id")!.get(0) !== 5929246508730155392n) throw new Error("int64");
 * if (table.getChild("ra")!.get(1) !== null) throw new Error("empty TD is null");
 * if (meta.queryStatus !== "OVERFLOW") throw new Error(meta.queryStatus);
 * ```
 *
 * @example Streaming batches from a fetch
 * ```ts ignore
 * const res = await fetch("https://gea.esac.esa.int/tap-server/tap/sync", { method: "POST", body });
 * for await (const batch of readVOTable(res, { batchSize: 10_000 })) console.log(batch.numRows);
 * ```
 */
export function readVOTable(source: ByteSource, options: ReadVOTableOptions = {}): TableReader {
  return new VOTableReader(source, options);
}

class VOTableReader implements TableReader {
  readonly meta: TableMeta = { format: "votable", infos: [], params: [] };
  readonly #source: ByteSource;
  readonly #options: ReadVOTableOptions;
  readonly #tableIndex: number;
  #parser: VOTableParser | undefined;
  #input: ByteInput | undefined;
  #events: AsyncGenerator<ParseEvent> | undefined;
  #schema: Promise<Schema> | undefined;
  #state: TableState | undefined;
  #finished = false;
  #iterated = false;

  constructor(source: ByteSource, options: ReadVOTableOptions) {
    this.#source = source;
    this.#options = options;
    const t = options.table ?? 0;
    if (!Number.isInteger(t) || t < 0) {
      throw new RangeError(`Option "table" must be a non-negative integer, got ${t}`);
    }
    const bs = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(bs) || bs < 1) {
      throw new RangeError(`Option "batchSize" must be a positive integer, got ${bs}`);
    }
    this.#tableIndex = t;
  }

  schema(): Promise<Schema> {
    return this.#schema ??= this.#readSchema();
  }

  async #open(): Promise<AsyncGenerator<ParseEvent>> {
    if (this.#events) return this.#events;
    const { signal, maxBytes, onBytes } = this.#options;
    const stream = await openVOTableStream(this.#source, {
      ...(signal ? { signal } : {}),
      ...(maxBytes !== undefined ? { maxBytes } : {}),
    });
    this.#input = new ByteInput(stream, onBytes);
    this.#parser = new VOTableParser(this.#input, {
      wants: (i) => i === this.#tableIndex,
      batchSize: this.#options.batchSize ?? DEFAULT_BATCH_SIZE,
    });
    this.#events = this.#parser.events();
    return this.#events;
  }

  async #readSchema(): Promise<Schema> {
    try {
      const events = await this.#open();
      for (;;) {
        const r = await events.next();
        if (r.done) {
          this.#finished = true;
          return this.#finish();
        }
        if (r.value.type === "schema") {
          this.#state = r.value.table;
          this.#update();
          return r.value.table.schema;
        }
      }
    } catch (e) {
      await this.#input?.cancel(e);
      throw e;
    }
  }

  /** After the document ended: status, metadata; the schema when no table came. */
  #finish(): Schema {
    this.#update();
    if (this.#state) return this.#state.schema;
    const parser = this.#parser!;
    if (this.meta.queryStatus === "ERROR") return new Schema([]);
    const n = parser.tables.length;
    if (n === 0) {
      throw new VOTableSyntaxError(
        `The VOTable has no TABLE and no QUERY_STATUS=ERROR INFO, so there is nothing to read`,
        { element: "VOTABLE" },
      );
    }
    throw new RangeError(
      `The VOTable has ${n} TABLE element${
        n === 1 ? "" : "s"
      }; table ${this.#tableIndex} does not exist (tables count from 0)`,
    );
  }

  #update(): void {
    const parser = this.#parser!;
    const st = queryStatusOf(parser.statusInfos);
    if (st) {
      this.meta.queryStatus = st.status;
      if (st.message !== undefined) this.meta.queryStatusMessage = st.message;
    }
    const state = this.#state;
    const infos: XNode[] = [];
    const params: XNode[] = [];
    if (state) {
      // VOTABLE, enclosing RESOURCEs, the TABLE and its DATA: outermost first.
      const chain: XNode[] = [];
      for (let n: XNode | undefined = state.node; n; n = n.parent) chain.unshift(n);
      for (const n of chain) {
        infos.push(...childrenNamed(n, "INFO"));
        params.push(...childrenNamed(n, "PARAM"));
      }
      for (const d of childrenNamed(state.node, "DATA")) infos.push(...childrenNamed(d, "INFO"));
      this.meta.format = state.format;
      if (state.node.attrs.name !== undefined) this.meta.name = state.node.attrs.name;
      const d = descriptionOf(state.node);
      if (d !== undefined) this.meta.description = d;
    } else if (parser.root) {
      const walk = (n: XNode) => {
        infos.push(...childrenNamed(n, "INFO"));
        params.push(...childrenNamed(n, "PARAM"));
        for (const r of childrenNamed(n, "RESOURCE")) if (r.attrs.type !== "meta") walk(r);
      };
      walk(parser.root);
    }
    this.meta.infos = infos.map(infoOf);
    this.meta.params = params.map((p, i) => paramOf(p, i));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.#iterated) {
      throw new TypeError("A VOTable reader can be iterated only once; call readVOTable() again");
    }
    this.#iterated = true;
    await this.schema();
    if (this.#finished) return;
    const events = this.#events!;
    let done = false;
    try {
      for (;;) {
        const r = await events.next();
        if (r.done) break;
        // A source given as one large chunk never passes the stream's signal check again.
        this.#options.signal?.throwIfAborted();
        if (r.value.type === "batch") yield r.value.batch;
      }
      done = true;
      this.#finished = true;
      this.#update();
    } catch (e) {
      await this.#input?.cancel(e);
      throw e;
    } finally {
      if (!done) {
        await events.return(undefined);
        await this.#input?.cancel("iteration stopped early");
      }
    }
  }
}
