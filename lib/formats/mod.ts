/**
 * Every table format besides VOTable: streaming readers for CSV/TSV, ECSV,
 * JSON (Gaia and DaCHS) and FITS binary tables, their writers, and
 * {@linkcode openTable}, which picks the reader from a format name, content
 * type or the first bytes. All readers return the `TableReader` contract of
 * `lib/table/reader.ts` (Arrow record batches while the bytes arrive) and
 * reject malformed input with a typed error that says where.
 *
 * @example Any format in, Arrow out
 * ```ts
 * import { encodeFits, openTable, readCsv } from "./mod.ts";
 * import { collectTable } from "../table/reader.ts";
 * const { table } = await collectTable(readCsv("source_id,ra\n64942654294589445,57.26\n"));
 * const fits = encodeFits(table);
 * const back = await collectTable(await openTable(fits));
 * if (back.meta.format !== "fits") throw new Error(back.meta.format);
 * if (back.table.getChild("source_id")!.get(0) !== 64942654294589445n) throw new Error("int64");
 * ```
 *
 * @module
 */
export { type CsvReaderOptions, readCsv, readTsv } from "./read_csv.ts";
export { type EcsvHeader, type EcsvReaderOptions, parseEcsvHeader, readEcsv } from "./read_ecsv.ts";
export { type JsonReaderOptions, readJson } from "./read_json.ts";
export { type FitsReaderOptions, readFits } from "./read_fits.ts";
export { type CsvWriterOptions, encodeCsv, encodeCsvStream } from "./encode_csv.ts";
export { ecsvDatatype, type EcsvWriterOptions, encodeEcsv } from "./encode_ecsv.ts";
export { encodeGaiaJson } from "./encode_json.ts";
export { encodeFits, type FitsWriterOptions } from "./encode_fits.ts";
export {
  formatFromContentType,
  formatFromName,
  normalizeFormat,
  openTable,
  type OpenTableOptions,
  sniffFormat,
  type TableFormat,
} from "./sniff.ts";
export { parseYaml, type ParseYamlOptions, type YamlValue } from "./yaml.ts";
export { type FitsCard, FitsHeader, type FitsValue } from "./fits_header.ts";
export { formatFloat32, formatFloat64 } from "./value_text.ts";
export {
  CsvSyntaxError,
  EcsvFormatError,
  FitsFormatError,
  JsonFormatError,
  UnknownFormatError,
  YamlSyntaxError,
} from "./errors.ts";
