// deno-lint-ignore-file no-console -- a command-line tool reports on stderr
/**
 * `deno task cli convert IN OUT`: reads a table in any supported format
 * (VOTable, CSV, TSV, ECSV, JSON, FITS; gzip or not; `-` for stdin) and
 * writes it in the format of OUT's extension, reporting rows, columns,
 * seconds and MB/s on stderr.
 *
 * ```
 * deno task cli convert IN OUT [--table N] [--hdu H] [--format F] [--to F] [--quiet]
 * ```
 *
 * @module
 */
import { type Table, tableToIPC } from "apache-arrow";
import { encodeCsv } from "../lib/formats/encode_csv.ts";
import { encodeEcsv } from "../lib/formats/encode_ecsv.ts";
import { encodeFits } from "../lib/formats/encode_fits.ts";
import { encodeGaiaJson } from "../lib/formats/encode_json.ts";
import { collectTable } from "../lib/table/reader.ts";
import { openInput } from "./input.ts";
import { cliProgress, summaryLine } from "./progress.ts";

/** Usage text of `convert`. */
export const CONVERT_USAGE = `Usage: deno task cli convert IN OUT [options]

Converts a table between formats. IN is a file (gzip'd or not) or - for stdin,
in any format deno-gaia reads: VOTable (TABLEDATA, BINARY, BINARY2), CSV, TSV,
ECSV, JSON (Gaia archive, DaCHS) or FITS binary table. OUT's extension picks
the output format:
  .arrow (Arrow IPC file), .arrows (Arrow IPC stream), .csv, .tsv,
  .vot / .xml (VOTable BINARY2; .td.vot for TABLEDATA), .parquet (via Polars),
  .fits, .ecsv, .json (Gaia archive JSON). OUT - writes CSV to stdout.

Options:
  --table N        which TABLE of a VOTable to read (from 0; default 0)
  --hdu H          which FITS HDU to read (index or EXTNAME; default: first BINTABLE)
  --format F       the input format, when the name does not say
                   (votable, csv, tsv, ecsv, json, fits)
  --to F           the output format, overriding OUT's extension
                   (arrow, arrows, csv, tsv, votable, votable-td, parquet, fits, ecsv, json)
  --quiet          no progress bar and no summary
  --help           this text
`;

/** Output formats of `convert`. */
export type OutputFormat =
  | "arrow"
  | "arrows"
  | "csv"
  | "tsv"
  | "votable"
  | "votable-td"
  | "parquet"
  | "fits"
  | "ecsv"
  | "json";

const OUTPUTS: OutputFormat[] = [
  "arrow",
  "arrows",
  "csv",
  "tsv",
  "votable",
  "votable-td",
  "parquet",
  "fits",
  "ecsv",
  "json",
];

/** Parsed `convert` arguments. */
export interface ConvertArgs {
  input: string;
  output: string;
  table?: number;
  hdu?: number | string;
  format?: string;
  to?: OutputFormat;
  quiet: boolean;
  help: boolean;
}

/**
 * The output format for a file name (`.gz` is not supported for output).
 *
 * @example
 * ```ts
 * import { outputFormat } from "./convert.ts";
 * if (outputFormat("x.parquet") !== "parquet" || outputFormat("x.td.vot") !== "votable-td") throw new Error();
 * ```
 */
export function outputFormat(file: string): OutputFormat {
  const f = file.toLowerCase();
  if (f === "-") return "csv";
  if (f.endsWith(".td.vot") || f.endsWith(".td.xml")) return "votable-td";
  const ext = f.slice(f.lastIndexOf(".") + 1);
  switch (ext) {
    case "arrow":
    case "ipc":
    case "feather":
      return "arrow";
    case "arrows":
      return "arrows";
    case "csv":
      return "csv";
    case "tsv":
      return "tsv";
    case "vot":
    case "xml":
    case "votable":
      return "votable";
    case "parquet":
      return "parquet";
    case "fits":
    case "fit":
    case "fts":
      return "fits";
    case "ecsv":
      return "ecsv";
    case "json":
      return "json";
  }
  throw new TypeError(
    `Cannot tell the output format from ${JSON.stringify(file)}; use one of the extensions ` +
      `.arrow .arrows .csv .tsv .vot .xml .parquet .fits .ecsv .json, or --to`,
  );
}

/**
 * Parses `convert` arguments.
 * @throws {TypeError} for missing or unknown arguments.
 *
 * @example
 * ```ts
 * import { parseConvertArgs } from "./convert.ts";
 * const a = parseConvertArgs(["in.vot", "out.csv", "--table", "1"]);
 * if (a.table !== 1 || a.output !== "out.csv") throw new Error();
 * ```
 */
export function parseConvertArgs(args: string[]): ConvertArgs {
  const positional: string[] = [];
  const out: ConvertArgs = { input: "", output: "", quiet: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`${a} needs a value`);
      return v;
    };
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--quiet" || a === "-q") out.quiet = true;
    else if (a === "--table") {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        throw new TypeError(`--table must be a table index (0, 1, ...), got ${JSON.stringify(v)}`);
      }
      out.table = n;
    } else if (a === "--hdu") {
      const v = value();
      out.hdu = /^[0-9]+$/.test(v) ? Number(v) : v;
    } else if (a === "--format") out.format = value();
    else if (a === "--to") {
      const v = value().toLowerCase() as OutputFormat;
      if (!OUTPUTS.includes(v)) {
        throw new TypeError(`--to must be one of ${OUTPUTS.join(", ")}, got ${JSON.stringify(v)}`);
      }
      out.to = v;
    } else if (a.startsWith("--")) throw new TypeError(`Unknown option ${a}`);
    else positional.push(a);
  }
  if (out.help) return out;
  if (positional.length !== 2) {
    throw new TypeError(
      `convert needs IN and OUT, got ${positional.length} argument${
        positional.length === 1 ? "" : "s"
      }`,
    );
  }
  out.input = positional[0]!;
  out.output = positional[1]!;
  out.to ??= outputFormat(out.output);
  return out;
}

/**
 * Encodes a table in an output format (Parquet goes through Polars).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeTable } from "./convert.ts";
 * const bytes = await encodeTable(tableFromArrays({ n: new Int32Array([1]) }), "csv");
 * if (new TextDecoder().decode(bytes) !== "n\n1\n") throw new Error();
 * ```
 */
export async function encodeTable(table: Table, format: OutputFormat): Promise<Uint8Array> {
  switch (format) {
    case "arrow":
      return tableToIPC(table, "file");
    case "arrows":
      return tableToIPC(table, "stream");
    case "csv":
      return encodeCsv(table);
    case "tsv":
      return encodeCsv(table, { delimiter: "\t" });
    case "votable":
    case "votable-td": {
      const { encodeVOTable } = await import("../lib/votable/mod.ts");
      return encodeVOTable(table, {
        serialization: format === "votable" ? "binary2" : "tabledata",
      });
    }
    case "parquet": {
      const { toPolars } = await import("../lib/table/polars.ts");
      const df = await toPolars(table);
      const buf = df.writeParquet();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    case "fits":
      return encodeFits(table);
    case "ecsv":
      return encodeEcsv(table);
    case "json":
      return encodeGaiaJson(table);
  }
}

/**
 * Runs `convert`; returns the exit code (0 ok, 1 failure, 2 usage error).
 *
 * @example
 * ```ts ignore
 * const code = await convertMain(["result.vot.gz", "result.parquet"]);
 * ```
 */
export async function convertMain(args: string[]): Promise<number> {
  let a: ConvertArgs;
  try {
    a = parseConvertArgs(args);
  } catch (e) {
    console.error(`convert: ${(e as Error).message}\n\n${CONVERT_USAGE}`);
    return 2;
  }
  if (a.help) {
    console.log(CONVERT_USAGE);
    return 0;
  }
  const started = performance.now();
  let bytes = 0;
  try {
    const bar = cliProgress(`Reading ${a.input === "-" ? "stdin" : a.input}`, { quiet: a.quiet });
    const { reader } = await openInput(a.input, {
      ...(a.format ? { format: a.format } : {}),
      ...(a.table !== undefined ? { table: a.table } : {}),
      ...(a.hdu !== undefined ? { hdu: a.hdu } : {}),
      onBytes: (n) => {
        bytes = n;
        bar.update({ done: n });
      },
    });
    const { table, meta } = await collectTable(reader);
    await bar.finish();
    const readMs = performance.now() - started;
    const out = await encodeTable(table, a.to!);
    if (a.output === "-") await writeAll(Deno.stdout, out);
    else await Deno.writeFile(a.output, out);
    if (!a.quiet) {
      const status = meta.queryStatus && meta.queryStatus !== "OK"
        ? ` [QUERY_STATUS ${meta.queryStatus}]`
        : "";
      console.error(
        `Read ${meta.format}: ${
          summaryLine({ rows: table.numRows, columns: table.numCols, bytes, ms: readMs })
        }${status}`,
      );
      console.error(
        `Wrote ${a.output === "-" ? "stdout" : a.output} (${a.to}, ${out.length} bytes) in ${
          ((performance.now() - started) / 1000).toFixed(2)
        } s total`,
      );
    }
    if (meta.queryStatus === "ERROR") {
      console.error(
        `Warning: the input is a QUERY_STATUS=ERROR document: ${
          meta.queryStatusMessage ?? "(no message)"
        }`,
      );
    }
    return 0;
  } catch (e) {
    console.error(`convert failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return 1;
  }
}

async function writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  data: Uint8Array,
): Promise<void> {
  let at = 0;
  while (at < data.length) at += await w.write(data.subarray(at));
}
