/**
 * Turns a data-server answer (a ZIP of product files, a gzip, or one bare
 * product file) into {@linkcode DataLinkProduct}s, in memory.
 *
 * @module
 */
import { RecordBatch, type Schema, Table } from "apache-arrow";
import { buffersOf, ProductSegment, release } from "./combined.ts";
import { isGzip, openByteStream, readAllBytes } from "../io/source.ts";
import { DataLinkError } from "./errors.ts";
import { DataLinkProduct } from "./product.ts";
import { parseProductName } from "./product_name.ts";
import { entryFormat, readEntry } from "./read_entry.ts";
import { DEFAULT_MAX_UNPACKED_BYTES, isZip, ZipArchive } from "./zip.ts";

/** Options of {@linkcode unpackProducts}. */
export interface UnpackOptions {
  /** File name of a single-file answer (from `Content-Disposition`). */
  fileName?: string;
  /** Content type of the answer. */
  contentType?: string;
  /** The retrieval type asked for, used when a file name does not say it. */
  retrievalType?: string;
  /** Largest total unpacked size. @default 2 GiB */
  maxUnpackedBytes?: number;
  /** Stops unpacking. */
  signal?: AbortSignal;
  /** Called after each product file is read. */
  onEntry?: (product: DataLinkProduct) => void;
}

function formatOf(name: string): string {
  return entryFormat(name) ?? "unknown";
}

/**
 * Unpacks a data-server answer in memory and reads every product file.
 * Files of one type that share a schema (thousands of light curves) are
 * copied, as they are read, into one combined table (a
 * {@linkcode ProductSegment}; a file of another schema starts a new one);
 * each product is a row range of it, and each file's bytes and own table
 * are dropped once appended.
 *
 * @throws {ZipFormatError} for a corrupt archive; {@linkcode SizeLimitError} past `maxUnpackedBytes`
 * @throws {DataLinkError} for an answer that is no product at all
 *
 * @example A ZIP with one CSV product
 * ```ts
 * import { zipSync } from "fflate";
 * import { unpackProducts } from "./unpack.ts";
 * const zip = zipSync({ "RVS-Gaia DR3 42.csv": new TextEncoder().encode("wavelength,flux,flux_error\n846,1,0.1\n") });
 * const [p] = await unpackProducts(zip);
 * if (p.type !== "RVS" || p.sourceId !== 42n || p.table.numRows !== 1) throw new Error(String(p));
 * ```
 */
export async function unpackProducts(
  bytes: Uint8Array,
  options: UnpackOptions = {},
): Promise<DataLinkProduct[]> {
  const max = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const out: DataLinkProduct[] = [];
  const schemas = new SchemaCache();
  // The segment being filled, per type: a file of another schema starts a new one.
  const open = new Map<string, ProductSegment>();
  const add = async (name: string, data: Uint8Array) => {
    const n = parseProductName(name);
    const type = n.type ?? options.retrievalType;
    if (!type || type === "ALL") {
      throw new DataLinkError(`Cannot tell the product type of file ${JSON.stringify(name)}`);
    }
    const table = schemas.share(
      await readEntry(data, name, {
        ...(options.contentType ? { contentType: options.contentType } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    let segment = open.get(type);
    if (!segment || segment.schema !== table.schema) {
      segment?.finish();
      open.set(type, segment = new ProductSegment(type, table.schema));
    }
    const p = new DataLinkProduct({
      type,
      segment,
      offset: segment.append(table),
      length: table.numRows,
      fileName: name,
      format: formatOf(name),
      sourceId: n.sourceId,
      designation: n.designation,
    });
    out.push(p);
    options.onEntry?.(p);
    return table;
  };
  if (isZip(bytes)) {
    const zip = new ZipArchive(bytes, {
      maxUnpackedBytes: max,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const entry of zip.entries) {
      if (entryFormat(entry.name) === undefined) continue; // READMEs and the like
      const data = await zip.read(entry);
      const table = await add(entry.name, data);
      // An inflated entry is a buffer of its own: once read (and not part of
      // the table), it is freed at once, not at the next garbage collection.
      if (
        data.buffer !== bytes.buffer && data.byteOffset === 0 &&
        data.byteLength === data.buffer.byteLength && !buffersOf([table]).includes(data.buffer)
      ) {
        release(data.buffer);
      }
    }
    for (const s of open.values()) s.finish();
    return out;
  }
  let data = bytes;
  if (isGzip(bytes)) {
    data = await readAllBytes(
      await openByteStream(bytes, {
        maxBytes: max,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    if (isZip(data)) return unpackProducts(data, options);
  }
  if (data.length === 0) return out;
  const name = options.fileName ??
    `${options.retrievalType ?? "PRODUCT"}.${
      {
        votable: "xml",
        csv: "csv",
        ecsv: "ecsv",
        fits: "fits",
        json: "json",
      }[entryFormat("", options.contentType) ?? "votable"]
    }`;
  await add(name, data);
  for (const s of open.values()) s.finish();
  return out;
}

/**
 * Shares one Schema object between the product files of an answer whose
 * schemas are equal (names, types, metadata): thousands of light curves then
 * hold one copy of the column descriptions instead of one each (about 10 KB
 * per file). The data is not copied.
 */
class SchemaCache {
  #known: Schema[] = [];

  share(table: Table): Table {
    const schema = table.schema;
    const known = this.#known.find((k) => k === schema || sameSchema(k, schema));
    if (!known) {
      if (this.#known.length < 64) this.#known.push(schema);
      return table;
    }
    if (known === schema) return table;
    return new Table(known, table.batches.map((b) => new RecordBatch(known, b.data)));
  }
}

/** Equal metadata maps (same keys and values). */
function sameMeta(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Equal schemas: metadata, and per field name, type, nullability and metadata. */
function sameSchema(a: Schema, b: Schema): boolean {
  if (a.fields.length !== b.fields.length || !sameMeta(a.metadata, b.metadata)) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const f = a.fields[i], g = b.fields[i];
    if (
      f.name !== g.name || f.nullable !== g.nullable || f.type.typeId !== g.type.typeId ||
      !sameMeta(f.metadata, g.metadata) || String(f.type) !== String(g.type)
    ) return false;
  }
  return true;
}
