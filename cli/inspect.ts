// deno-lint-ignore-file no-console -- a command-line tool prints its report
/**
 * `deno task cli inspect IN`: prints a table's format, row count, query
 * status, and schema with units, UCDs and descriptions (or all of it as
 * JSON with `--json`). Rows are counted while streaming, not kept.
 *
 * ```
 * deno task cli inspect IN [--table N] [--hdu H] [--format F] [--json]
 * ```
 *
 * @module
 */
import type { Schema } from "apache-arrow";
import { type ColumnMeta, columnMeta } from "../lib/table/metadata.ts";
import type { TableMeta } from "../lib/table/reader.ts";
import { openInput } from "./input.ts";

/** Usage text of `inspect`. */
export const INSPECT_USAGE = `Usage: deno task cli inspect IN [options]

Prints what a table file holds: its format, row count, query status (with the
server's message for errors) and each column's type, unit, UCD and description.
IN is a file (gzip'd or not) or - for stdin, in any format deno-gaia reads.

Options:
  --table N        which TABLE of a VOTable (from 0; default 0)
  --hdu H          which FITS HDU (index or EXTNAME; default: first BINTABLE)
  --format F       the input format, when the name does not say
  --json           print the report as JSON
  --help           this text
`;

/** What `inspect` reports. */
export interface InspectReport {
  input: string;
  format: string;
  rows: number;
  bytes: number;
  name?: string;
  queryStatus?: string;
  queryStatusMessage?: string;
  columns: Array<ColumnMeta & { column: string; type: string }>;
  infos: TableMeta["infos"];
  params: TableMeta["params"];
}

/** Parsed `inspect` arguments. */
export interface InspectArgs {
  input: string;
  table?: number;
  hdu?: number | string;
  format?: string;
  json: boolean;
  help: boolean;
}

/**
 * Parses `inspect` arguments.
 * @throws {TypeError} for missing or unknown arguments.
 *
 * @example
 * ```ts
 * import { parseInspectArgs } from "./inspect.ts";
 * if (!parseInspectArgs(["x.fits", "--json"]).json) throw new Error();
 * ```
 */
export function parseInspectArgs(args: string[]): InspectArgs {
  const out: InspectArgs = { input: "", json: false, help: false };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`${a} needs a value`);
      return v;
    };
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--json") out.json = true;
    else if (a === "--table") {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        throw new TypeError(`--table must be a table index, got ${JSON.stringify(v)}`);
      }
      out.table = n;
    } else if (a === "--hdu") {
      const v = value();
      out.hdu = /^[0-9]+$/.test(v) ? Number(v) : v;
    } else if (a === "--format") out.format = value();
    else if (a.startsWith("--")) throw new TypeError(`Unknown option ${a}`);
    else positional.push(a);
  }
  if (out.help) return out;
  if (positional.length !== 1) {
    throw new TypeError(`inspect needs one input, got ${positional.length}`);
  }
  out.input = positional[0]!;
  return out;
}

/**
 * Makes the report of one input (streams the rows to count them).
 *
 * @example
 * ```ts ignore
 * const report = await inspectInput({ input: "result.ecsv", json: false, help: false });
 * console.log(report.rows, report.queryStatus);
 * ```
 */
export async function inspectInput(args: InspectArgs): Promise<InspectReport> {
  let bytes = 0;
  const { reader } = await openInput(args.input, {
    ...(args.format ? { format: args.format } : {}),
    ...(args.table !== undefined ? { table: args.table } : {}),
    ...(args.hdu !== undefined ? { hdu: args.hdu } : {}),
    onBytes: (n) => (bytes = n),
  });
  let rows = 0;
  for await (const b of reader) rows += b.numRows;
  const schema: Schema = await reader.schema();
  const m = reader.meta;
  return {
    input: args.input,
    format: m.format,
    rows,
    bytes,
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.queryStatus ? { queryStatus: m.queryStatus } : {}),
    ...(m.queryStatusMessage !== undefined ? { queryStatusMessage: m.queryStatusMessage } : {}),
    columns: schema.fields.map((f) => ({ column: f.name, type: String(f.type), ...columnMeta(f) })),
    infos: m.infos,
    params: m.params,
  };
}

/**
 * Formats a report as aligned text.
 *
 * @example
 * ```ts
 * import { formatReport } from "./inspect.ts";
 * const text = formatReport({
 *   input: "x.csv", format: "csv", rows: 2, bytes: 10, infos: [], params: [],
 *   columns: [{ column: "ra", name: "ra", type: "Float64", unit: "deg" }],
 * });
 * if (!text.includes("ra") || !text.includes("deg")) throw new Error(text);
 * ```
 */
export function formatReport(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.input}: ${r.format}, ${r.rows} row${r.rows === 1 ? "" : "s"}, ${r.columns.length} columns`,
  );
  if (r.name) lines.push(`table: ${r.name}`);
  if (r.queryStatus) {
    lines.push(
      `query status: ${r.queryStatus}${
        r.queryStatusMessage ? ` (${r.queryStatusMessage.trim()})` : ""
      }`,
    );
  }
  const head = ["column", "type", "unit", "ucd", "description"];
  const rows = r.columns.map((c) => [
    c.column,
    c.type + (c.arraysize && c.datatype === undefined ? "" : ""),
    c.unit ?? "",
    c.ucd ?? "",
    (c.description ?? "").replace(/\s+/g, " ").slice(0, 60),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  lines.push("", fmt(head), fmt(widths.map((w) => "-".repeat(w))));
  for (const row of rows) lines.push(fmt(row));
  const infos = r.infos.filter((i) => i.name !== "QUERY_STATUS");
  if (infos.length) {
    lines.push("", "infos:");
    for (const i of infos) lines.push(`  ${i.name} = ${i.value}`);
  }
  if (r.params.length) {
    lines.push("", "params:");
    for (const p of r.params) lines.push(`  ${p.name} = ${p.value}${p.unit ? ` ${p.unit}` : ""}`);
  }
  return lines.join("\n");
}

/**
 * Runs `inspect`; returns the exit code (0 ok, 1 failure, 2 usage error).
 *
 * @example
 * ```ts ignore
 * const code = await inspectMain(["result.fits", "--json"]);
 * ```
 */
export async function inspectMain(args: string[]): Promise<number> {
  let a: InspectArgs;
  try {
    a = parseInspectArgs(args);
  } catch (e) {
    console.error(`inspect: ${(e as Error).message}\n\n${INSPECT_USAGE}`);
    return 2;
  }
  if (a.help) {
    console.log(INSPECT_USAGE);
    return 0;
  }
  try {
    const report = await inspectInput(a);
    console.log(a.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return 0;
  } catch (e) {
    console.error(`inspect failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return 1;
  }
}
