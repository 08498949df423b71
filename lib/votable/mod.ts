/**
 * VOTable reading and writing: a streaming reader that turns TABLEDATA,
 * BINARY and BINARY2 (VOTable 1.1-1.5, gzip or not) into Arrow record
 * batches while the bytes arrive, a whole-document parser (resources,
 * INFOs, PARAMs, GROUPs, DataLink service descriptors), and the writer.
 *
 * @example
 * ```ts
 * import { readVOTable } from "./mod.ts";
 * import { collectTable } from "../table/reader.ts";
 * const { table } = await collectTable(readVOTable(
 *   `<VOTABLE><RESOURCE><TABLE><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`,
 * ));
 * if (table.getChild("x")!.get(0) !== 1) throw new Error("x");
 * ```
 *
 * @module
 */
export { readVOTable, type ReadVOTableOptions } from "./read_votable.ts";
export type { ByteSource } from "../io/source.ts";
export type { ReaderOptions, TableReader } from "../table/reader.ts";
export type { ColumnMeta, InfoElement, ParamElement, QueryStatus } from "../table/metadata.ts";
export {
  parseVOTableDocument,
  parseVOTableError,
  type ParseVOTableOptions,
} from "./parse_document.ts";
export type {
  CooSys,
  GroupElement,
  LinkElement,
  ServiceDescriptor,
  TimeSys,
  ValuesElement,
  VOTableDocument,
  VOTableParam,
  VOTableResource,
  VOTableTable,
} from "./document.ts";
export { TruncatedInputError, VOTableSyntaxError, VOTableUnsupportedError } from "./errors.ts";
export {
  encodeVOTable,
  type EncodeVOTableOptions,
  encodeVOTableStream,
  escapeXml,
} from "./writer.ts";
