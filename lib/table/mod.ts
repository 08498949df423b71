/**
 * The table layer every reader and writer shares: the `TableReader`
 * contract and {@linkcode collectTable}, column and table metadata
 * conventions (units, UCDs, descriptions, query status), the Arrow column
 * builders readers fill, and the Polars bridge ({@linkcode toPolars},
 * {@linkcode fromPolars}; Polars loads only when first used).
 *
 * @example A table to a Polars frame, int64 exact
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { toPolars } from "./mod.ts";
 * const table = tableFromArrays({ source_id: new BigInt64Array([64942654294589445n]) });
 * const df = await toPolars(table);
 * if (df.getColumn("source_id").toTypedArray()[0] !== 64942654294589445n) throw new Error("int64");
 * ```
 *
 * @module
 */
export { asOwnTable, isArrowTable, toArrowIPC } from "./arrow_table.ts";
export {
  collectTable,
  DEFAULT_BATCH_SIZE,
  type ReaderOptions,
  type TableMeta,
  type TableReader,
  withStatus,
} from "./reader.ts";
export {
  COLUMN_META_KEYS,
  type ColumnMeta,
  columnMeta,
  getColumnMeta,
  type InfoElement,
  type ParamElement,
  type QueryStatus,
  schemaQueryStatus,
  toFieldMetadata,
} from "./metadata.ts";
export {
  type BigIntBuilder,
  type BigIntBuilderClass,
  BoolBuilder,
  builderFor,
  buildersFor,
  type ColumnBuilder,
  finishBatch,
  FixedSizeListBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  Int64Builder,
  Int8Builder,
  ListBuilder,
  type NumberBuilder,
  Uint16Builder,
  Uint32Builder,
  Uint64Builder,
  Uint8Builder,
  Utf8Builder,
} from "./builders.ts";
export {
  fromPolars,
  type FromPolarsOptions,
  loadPolars,
  polarsColumnMeta,
  setPolarsMeta,
  toPolars,
} from "./polars.ts";
