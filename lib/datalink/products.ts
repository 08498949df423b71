/**
 * {@linkcode DataLinkProducts}: everything one `load()` brought back,
 * indexed by source and product type, with the per-ID manifest.
 *
 * @module
 */
import { Table, tableToIPC, Type } from "apache-arrow";
import { Buffer } from "node:buffer";
import type { DataFrame } from "nodejs-polars";
import { bigintAt, column } from "./columns.ts";
import { DataLinkManifest } from "./manifest.ts";
import { loadPolars, setPolarsMeta, toPolars } from "../table/polars.ts";
import { compactTables } from "./compact.ts";
import { buffersOf, release, SEGMENT_SMALL_ROWS } from "./combined.ts";
import { tidyProduct } from "./tidy.ts";
import { DataLinkProduct } from "./product.ts";

/**
 * The products of a DataLink load: iterate them, look one up by source id
 * and type, or get all sources of one type as one tidy table / DataFrame
 * (each row carries its `source_id`).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { DataLinkProduct, DataLinkProducts } from "./mod.ts";
 * const spec = (id: bigint) => new DataLinkProduct({
 *   type: "RVS", fileName: `RVS-Gaia DR3 ${id}.csv`, format: "csv", sourceId: id,
 *   table: tableFromArrays({ wavelength: new Float64Array([846, 847]), flux: new Float64Array([1, 0.9]) }),
 * });
 * const all = new DataLinkProducts([spec(1n), spec(2n)]);
 * if (all.get(2n, "RVS")?.sourceId !== 2n || all.get("Gaia DR3 1")?.sourceId !== 1n) throw new Error();
 * if (all.table("RVS").numRows !== 4) throw new Error();
 * ```
 */
export class DataLinkProducts implements Iterable<DataLinkProduct> {
  /** Every product file, in the order read. */
  readonly products: readonly DataLinkProduct[];
  /** Per-ID outcome of the load. */
  readonly manifest: DataLinkManifest;
  /** Bytes downloaded. */
  readonly bytes: number;
  #index: Map<string, Map<string, DataLinkProduct[]>> | undefined;
  #bulk = new Map<string, Table>();

  /**

   * Creates the instance.
   * @param products product files
   * @param manifest per-ID outcome
   * @param bytes bytes downloaded.
   */
  constructor(
    products: DataLinkProduct[],
    manifest: DataLinkManifest = new DataLinkManifest(),
    bytes: number = 0,
  ) {
    this.products = products;
    this.manifest = manifest;
    this.bytes = bytes;
  }

  /** Product types present. */
  get types(): string[] {
    return [...new Set(this.products.map((p) => p.type))];
  }

  /** Sources with at least one product. */
  get sourceIds(): bigint[] {
    return [...this.#byId().keys()].map((k) => BigInt(k));
  }

  /** Number of product files. */
  get size(): number {
    return this.products.length;
  }

  /** Iterates the product files. */
  [Symbol.iterator](): Iterator<DataLinkProduct> {
    return this.products[Symbol.iterator]();
  }

  #byId(): Map<string, Map<string, DataLinkProduct[]>> {
    if (this.#index) return this.#index;
    const index = new Map<string, Map<string, DataLinkProduct[]>>();
    const put = (id: bigint, p: DataLinkProduct) => {
      const k = id.toString();
      let m = index.get(k);
      if (!m) index.set(k, m = new Map());
      const list = m.get(p.type);
      if (list) list.push(p);
      else m.set(p.type, [p]);
    };
    for (const p of this.products) {
      if (p.sourceId !== undefined) {
        put(p.sourceId, p);
        continue;
      }
      // A file holding many sources: split its tidy table into runs per source.
      for (const [id, slices] of splitBySource(p.table)) {
        const tidy = slices.length === 1 ? slices[0] : slices[0].concat(...slices.slice(1));
        put(
          id,
          new DataLinkProduct({
            type: p.type,
            table: p.raw,
            tidy,
            fileName: p.fileName,
            format: p.format,
            sourceId: id,
          }),
        );
      }
    }
    return this.#index = index;
  }

  /**
   * The product of a source (its first of `type`; with no type, its only
   * product, or the first one).
   */
  get(sourceId: bigint | number | string, type?: string): DataLinkProduct | undefined {
    const m = this.#byId().get(sourceKey(sourceId));
    if (!m) return undefined;
    if (type !== undefined) return m.get(type.toUpperCase())?.[0];
    return m.values().next().value?.[0];
  }

  /** Every product of a source, by type. */
  forSource(sourceId: bigint | number | string): Map<string, DataLinkProduct[]> {
    return this.#byId().get(sourceKey(sourceId)) ?? new Map();
  }

  /** Every product file of a type. */
  ofType(type: string): DataLinkProduct[] {
    const t = type.toUpperCase();
    return this.products.filter((p) => p.type === t);
  }

  #pickType(type: string | undefined): string {
    if (type !== undefined) return type.toUpperCase();
    const types = this.types;
    if (types.length === 1) return types[0];
    throw new TypeError(
      types.length === 0
        ? "No products were loaded"
        : `Products of several types were loaded (${types.join(", ")}); name the type, e.g. table(${
          JSON.stringify(types[0])
        })`,
    );
  }

  /**
   * All sources' tidy tables of one type, concatenated (each row has its
   * `source_id`). The type may be left out when only one was loaded.
   *
   * @throws {TypeError} when no type is given and several were loaded
   */
  table(type?: string): Table {
    const t = this.#pickType(type);
    let bulk = this.#bulk.get(t);
    if (!bulk) this.#bulk.set(t, bulk = this.#build(t));
    return bulk;
  }

  /**
   * The tidy tables of a type as few large batches. Products unpacked by
   * `load()` are row ranges of combined tables (one per answer, type and
   * schema): for epoch photometry their tidy tables are listed, not copied.
   * Other products' tidy tables are copied, a group of about 250 000 rows at
   * a time, into contiguous batches; the per-source tidy tables made on the
   * way are not kept by the products (a product makes its own when asked),
   * so 10 000 light curves cost one copy of the data here, not one table each.
   */
  #build(t: string): Table {
    const products = this.ofType(t);
    if (products.length === 0) {
      throw new TypeError(
        `No ${t} products were loaded; types present: ${this.types.join(", ") || "none"}`,
      );
    }
    if (products.length === 1) return products[0].table;
    const parts: Table[] = [];
    // Tidy tables made per product, or (epoch photometry whose files carry a
    // source_id column and share one schema) raw tables made tidy together:
    // the tidy form is row by row there, so one pass over the group gives the
    // same rows without a table per source.
    let group: Table[] = [], rows = 0, raw = false;
    const flush = () => {
      if (group.length) {
        parts.push(raw ? tidyProduct(t, compactTables(group)) : compactTables(group));
      }
      group = [];
      rows = 0;
    };
    const push = (x: Table, asRaw: boolean) => {
      if (group.length && (asRaw !== raw || (raw && group[0].schema !== x.schema))) flush();
      raw = asRaw;
      if (x.numRows === 0) return;
      group.push(x);
      rows += x.numRows;
      if (rows >= GROUP_ROWS) flush();
    };
    for (let i = 0; i < products.length; i++) {
      const p = products[i];
      const seg = p.segment;
      if (seg?.rowwise) {
        // A run of files of one combined table, in order and without gaps:
        // its tidy rows are one range of the combined tidy table.
        let end = p.offset + p.length;
        while (
          i + 1 < products.length && products[i + 1].segment === seg &&
          products[i + 1].offset === end
        ) end += products[++i].length;
        if (end === p.offset) continue;
        const whole = p.offset === 0 && end === seg.rows;
        if (!whole && end - p.offset < SEGMENT_SMALL_ROWS) {
          push(seg.tidy().slice(p.offset, end), false);
          continue;
        }
        flush();
        parts.push(whole ? seg.tidy() : seg.tidy().slice(p.offset, end));
        continue;
      }
      const asRaw = t === "EPOCH_PHOTOMETRY" && column(p.raw, "source_id") !== undefined;
      push(asRaw ? p.raw : p.tidyTable(), asRaw);
    }
    flush();
    if (parts.length === 0) return products[0].table;
    return parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
  }

  /**
   * {@linkcode DataLinkProducts.table} as a Polars DataFrame, converted a
   * batch at a time (65 536 rows for unpacked epoch photometry, up to about
   * 250 000 otherwise) so that the Arrow IPC copy in flight stays small, each
   * copy freed as soon as Polars has read it; the frame holds one chunk per
   * batch.
   */
  async toPolars(type?: string): Promise<DataFrame> {
    const table = this.table(type);
    if (table.batches.length <= 1) return toPolars(table);
    const frames: DataFrame[] = [];
    const pl = await loadPolars();
    // Plain column types (no dictionaries or string views, which the shared
    // bridge rewrites first): each batch's Arrow IPC bytes are handed to
    // Polars, which copies them, and freed at once, so that the copies in
    // flight do not pile up until a garbage collection.
    const plain = table.schema.fields.every((f) =>
      f.type.typeId !== Type.Dictionary && f.type.typeId !== Type.Utf8View &&
      f.type.typeId !== Type.LargeUtf8
    );
    for (const b of table.batches) {
      const part = new Table(table.schema, [b]);
      if (!plain) {
        frames.push(await toPolars(part));
        continue;
      }
      const ipc = tableToIPC(part, "file");
      frames.push(pl.readIPC(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength)));
      if (!buffersOf([part]).includes(ipc.buffer)) release(ipc.buffer);
    }
    const df = pl.concat(frames, { how: "vertical", rechunk: false });
    setPolarsMeta(df, table);
    return df;
  }

  /** Counts per type and the manifest. */
  toJSON(): Record<string, unknown> {
    const perType: Record<string, number> = {};
    for (const p of this.products) perType[p.type] = (perType[p.type] ?? 0) + 1;
    return {
      files: this.products.length,
      sources: this.sourceIds.length,
      perType,
      bytes: this.bytes,
      manifest: this.manifest.toJSON(),
    };
  }

  /** Compact text summary. */
  toString(): string {
    const perType = Object.entries(this.toJSON().perType as Record<string, number>)
      .map(([t, n]) => `${t} ×${n}`).join(", ");
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
    return `DataLinkProducts: ${n(this.products.length, "file")} for ${
      n(this.sourceIds.length, "source")
    } (${perType || "none"}); ${this.manifest}`;
  }

  /** Compact text for `console.log` / `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** Rows per contiguous batch of {@linkcode DataLinkProducts.table} (and per Polars copy). */
const GROUP_ROWS = 250_000;

/** A source id as text from a bigint, a safe number, digits or a designation (`Gaia DR3 42`). */
function sourceKey(id: bigint | number | string): string {
  if (typeof id === "string") {
    const m = /^\s*(?:Gaia\s+\w+\s+)?(\d{1,20})\s*$/i.exec(id);
    if (!m) throw new TypeError(`Cannot read ${JSON.stringify(id)} as a source id`);
    return BigInt(m[1]).toString();
  }
  if (typeof id === "number" && !Number.isSafeInteger(id)) {
    throw new RangeError(`Source id ${id} is not exact as a JS number; pass a bigint or a string`);
  }
  return BigInt(id).toString();
}

function splitBySource(table: Table): Map<bigint, Table[]> {
  const out = new Map<bigint, Table[]>();
  const sid = column(table, "source_id");
  if (!sid) return out;
  let start = 0;
  let cur: bigint | null = table.numRows ? bigintAt(sid, 0) : null;
  const flush = (end: number) => {
    if (cur === null || end <= start) return;
    const list = out.get(cur);
    const slice = table.slice(start, end);
    if (list) list.push(slice);
    else out.set(cur, [slice]);
  };
  for (let i = 1; i <= table.numRows; i++) {
    const v = i < table.numRows ? bigintAt(sid, i) : null;
    if (i === table.numRows || v !== cur) {
      flush(i);
      start = i;
      cur = v;
    }
  }
  return out;
}
