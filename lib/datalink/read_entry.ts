/**
 * Reads one product file (a ZIP entry or a single-file answer) with the
 * foundation's readers, chosen by extension (then by content type).
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { collectTable, type TableReader } from "../table/reader.ts";
import { readVOTable } from "../votable/mod.ts";
import { readCsv } from "../formats/read_csv.ts";
import { readEcsv } from "../formats/read_ecsv.ts";
import { readJson } from "../formats/read_json.ts";
import { DataLinkError } from "./errors.ts";

/** The reader family for a file name or content type. */
export function entryFormat(
  fileName: string,
  contentType = "",
): "votable" | "csv" | "ecsv" | "fits" | "json" | undefined {
  const ext = fileName.toLowerCase().replace(/\.gz$/, "").split(".").pop() ?? "";
  if (ext === "xml" || ext === "vot" || ext === "votable") return "votable";
  if (ext === "csv") return "csv";
  if (ext === "ecsv") return "ecsv";
  if (ext === "fits" || ext === "fit") return "fits";
  if (ext === "json") return "json";
  const ct = contentType.toLowerCase();
  if (ct.includes("votable") || ct.includes("xml")) return "votable";
  if (ct.includes("ecsv")) return "ecsv";
  if (ct.includes("csv")) return "csv";
  if (ct.includes("fits")) return "fits";
  if (ct.includes("json")) return "json";
  return undefined;
}

/**
 * Reads product bytes into an Arrow table (PARAMs and INFOs kept in the
 * schema metadata).
 *
 * @throws {DataLinkError} for a file type no reader handles
 * @throws {SyntaxError} (`TableFormatError`) for a malformed file, naming it
 */
export async function readEntry(
  bytes: Uint8Array,
  fileName: string,
  options: { contentType?: string; signal?: AbortSignal } = {},
): Promise<Table> {
  const format = entryFormat(fileName, options.contentType);
  let reader: TableReader;
  const o = options.signal ? { signal: options.signal } : {};
  switch (format) {
    case "votable":
      reader = readVOTable(bytes, o);
      break;
    case "csv":
      reader = readCsv(bytes, o);
      break;
    case "ecsv":
      reader = readEcsv(bytes, o);
      break;
    case "json":
      reader = readJson(bytes, o);
      break;
    case "fits":
      reader = (await import("../formats/read_fits.ts")).readFits(bytes, o);
      break;
    default:
      throw new DataLinkError(
        `Cannot read product file ${
          JSON.stringify(fileName)
        }: unknown type (expected .xml, .csv, .ecsv, .fits or .json)`,
      );
  }
  try {
    return (await collectTable(reader)).table;
  } catch (e) {
    if (e instanceof Error && !e.message.includes(fileName)) {
      e.message += ` in product file ${JSON.stringify(fileName)}`;
    }
    throw e;
  }
}
