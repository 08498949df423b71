// deno-lint-ignore-file no-console -- a command-line tool reports on stdout/stderr
/**
 * `deno task cli query`: runs an ADQL query against any TAP service and
 * writes the result to a file (Arrow IPC, CSV, VOTable or Parquet, chosen by
 * the extension) or as CSV to stdout, with a progress bar on stderr.
 *
 * ```
 * deno task cli query [--archive esa|local|URL | --service URL] "ADQL" [-o out.arrow|csv|vot|parquet] [--async]
 *                     [--maxrec N] [--format F] [--upload name=file]... [--timeout S] [--quiet]
 * ```
 *
 * @module
 */
import { type Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { encodeCsv } from "../lib/formats/encode_csv.ts";
import { openTable } from "../lib/formats/sniff.ts";
import { collectTable } from "../lib/table/reader.ts";
import { encodeVOTable } from "../lib/votable/mod.ts";
import { cliProgress } from "./progress.ts";
import { archiveClient, resolveArchiveOption } from "./archive_option.ts";
import { TapService } from "../lib/tap/service.ts";
import type { QueryResult } from "../lib/tap/result.ts";
import type { UploadMap } from "../lib/tap/upload.ts";

/**
 * Usage text of `query`.
 *
 * @example
 * ```ts
 * import { QUERY_USAGE } from "./query.ts";
 * if (!QUERY_USAGE.includes("--service")) throw new Error();
 * ```
 */
export const QUERY_USAGE =
  `Usage: deno task cli query [--archive esa|local|URL | --service URL] "ADQL" [options]

Runs an ADQL query on a Gaia archive or any TAP service (sync by default) and
writes the result.

Options:
  --archive esa|local|URL  the Gaia archive (default: $GAIA_ARCHIVE, else esa); local starts
                         one in-process; a URL is an archive root (http://127.0.0.1:8787)
  --service URL          any other TAP service, by its base URL (e.g. http://localhost:8080/tap)
  -o, --output FILE      output file; the extension picks the format:
                         .arrow (Arrow IPC file), .csv, .vot/.xml (VOTable BINARY2),
                         .parquet (via Polars). Without -o, CSV goes to stdout.
  --async                run as an async (UWS) job, deleted after download
  --maxrec N             the most rows the service should return (MAXREC)
  --format F             the format asked from the service (votable, votable/td,
                         votable/b2, csv, tsv, json, fits, ecsv, votable_plain, or a MIME type)
  --upload NAME=FILE     upload a table (VOTable, CSV or Arrow file) as TAP_UPLOAD.NAME (repeatable)
  --timeout S            seconds to wait for the service (sync) or the job (async)
  --dialect ivoa|gaia    how the service names formats (default: gaia for *.esac.esa.int)
  --quiet                no progress bar
  --help                 this text
`;

/** Parsed `query` arguments. */
export interface QueryArgs {
  /** The TAP service base URL (`--service`), or "" to use `archive`. */
  service: string;
  /** The `--archive` value (esa, a mirror, local or an archive root URL), if given. */
  archive?: string;
  adql: string;
  output?: string;
  async: boolean;
  maxrec?: number;
  format?: string;
  uploads: Array<{ name: string; file: string }>;
  timeout?: number;
  dialect?: "ivoa" | "gaia";
  quiet: boolean;
  help: boolean;
}

/** Output kinds, by file extension. */
export type OutputKind = "arrow" | "csv" | "votable" | "parquet";

/**
 * The output kind for a file name, from its extension.
 *
 * @example
 * ```ts
 * import { outputKind } from "./query.ts";
 * if (outputKind("out.vot") !== "votable" || outputKind("x.parquet") !== "parquet") throw new Error();
 * ```
 */
export function outputKind(file: string): OutputKind {
  const ext = file.toLowerCase().replace(/^.*\./, "");
  switch (ext) {
    case "arrow":
    case "feather":
    case "ipc":
      return "arrow";
    case "csv":
      return "csv";
    case "vot":
    case "votable":
    case "xml":
      return "votable";
    case "parquet":
    case "pq":
      return "parquet";
  }
  throw new TypeError(
    `Cannot tell the output format of ${JSON.stringify(file)}: use .arrow, .csv, .vot or .parquet`,
  );
}

/**
 * Parses the arguments of `query`.
 *
 * @example
 * ```ts
 * import { parseQueryArgs } from "./query.ts";
 * const a = parseQueryArgs(["--service", "http://localhost:8080/tap", "SELECT 1", "-o", "x.csv", "--maxrec", "5"]);
 * if (a.adql !== "SELECT 1" || a.maxrec !== 5 || a.output !== "x.csv") throw new Error(JSON.stringify(a));
 * ```
 */
export function parseQueryArgs(args: string[]): QueryArgs {
  const out: QueryArgs = {
    service: "",
    adql: "",
    async: false,
    uploads: [],
    quiet: false,
    help: false,
  };
  const positional: string[] = [];
  const value = (i: number, flag: string) => {
    const v = args[i + 1];
    if (v === undefined) throw new TypeError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case "--service":
        out.service = take();
        break;
      case "--archive":
        out.archive = take();
        break;
      case "-o":
      case "--output":
        out.output = take();
        break;
      case "--async":
        out.async = true;
        break;
      case "--maxrec": {
        const v = take();
        if (!/^\d+$/.test(v)) {
          throw new TypeError(`--maxrec must be a non-negative integer, got ${JSON.stringify(v)}`);
        }
        out.maxrec = Number(v);
        break;
      }
      case "--format":
        out.format = take();
        break;
      case "--upload": {
        const v = take();
        const eq = v.indexOf("=");
        if (eq <= 0) throw new TypeError(`--upload needs NAME=FILE, got ${JSON.stringify(v)}`);
        out.uploads.push({ name: v.slice(0, eq), file: v.slice(eq + 1) });
        break;
      }
      case "--timeout": {
        const v = Number(take());
        if (!(v > 0)) throw new TypeError("--timeout must be a positive number of seconds");
        out.timeout = v;
        break;
      }
      case "--dialect": {
        const v = take();
        if (v !== "ivoa" && v !== "gaia") {
          throw new TypeError(`--dialect must be ivoa or gaia, got ${JSON.stringify(v)}`);
        }
        out.dialect = v;
        break;
      }
      case "--quiet":
      case "-q":
        out.quiet = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
          throw new TypeError(`Unknown option ${a}; see --help`);
        }
        positional.push(a);
    }
  }
  if (out.help) return out;
  if (out.service && out.archive !== undefined) {
    throw new TypeError(
      "Give either --archive (a Gaia archive) or --service (a TAP URL), not both",
    );
  }
  if (out.service) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(out.service).protocol);
    } catch { /* not a URL */ }
    if (!ok) {
      throw new TypeError(
        `--service ${
          JSON.stringify(out.service)
        } is not an http(s) URL; give the TAP service base URL, e.g. http://localhost:8080/tap`,
      );
    }
  } else {
    resolveArchiveOption(out.archive);
  }
  if (positional.length !== 1) {
    throw new TypeError(
      positional.length === 0
        ? "Give the ADQL query as one argument (in quotes)"
        : `Expected one ADQL argument, got ${positional.length}; quote the query`,
    );
  }
  out.adql = positional[0]!;
  if (out.output) outputKind(out.output);
  return out;
}

/** Reads an upload file: VOTable bytes are sent as they are, CSV and Arrow files are read into a table. */
async function readUpload(file: string): Promise<Uint8Array | Table> {
  const bytes = await Deno.readFile(file);
  const ext = file.toLowerCase().replace(/^.*\./, "");
  if (ext === "vot" || ext === "votable" || ext === "xml") return bytes;
  if (ext === "arrow" || ext === "feather" || ext === "ipc") return tableFromIPC(bytes);
  const contentType = ext === "csv" ? "text/csv" : ext === "fits" ? "application/fits" : undefined;
  const { table } = await collectTable(await openTable(bytes, contentType ? { contentType } : {}));
  return table;
}

/**
 * Writes a result in the format of the file's extension.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { QueryResult } from "../lib/tap/mod.ts";
 * import { writeResult } from "./query.ts";
 * const r = new QueryResult(tableFromArrays({ x: Int32Array.of(1, 2) }), { adql: "SELECT x FROM t", url: "http://localhost/", format: "csv", contentType: "text/csv" });
 * const file = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeResult(r, file);
 * if (!(await Deno.readTextFile(file)).startsWith("x")) throw new Error();
 * await Deno.remove(file);
 * ```
 */
export async function writeResult(result: QueryResult, file: string): Promise<void> {
  const kind = outputKind(file);
  switch (kind) {
    case "arrow":
      await Deno.writeFile(file, tableToIPC(result.table, "file"));
      return;
    case "csv":
      await Deno.writeFile(file, encodeCsv(result.table));
      return;
    case "votable":
      await Deno.writeFile(file, encodeVOTable(result.table, { serialization: "binary2" }));
      return;
    case "parquet": {
      const df = await result.toPolars();
      df.writeParquet(file);
      return;
    }
  }
}

/**
 * Runs `query`; returns the exit code.
 *
 * @example
 * ```ts
 * import { queryMain } from "./query.ts";
 * if (await queryMain(["--help"]) !== 0) throw new Error();
 * ```
 */
export async function queryMain(args: string[]): Promise<number> {
  let parsed: QueryArgs;
  try {
    parsed = parseQueryArgs(args);
  } catch (e) {
    console.error(`query: ${(e as Error).message}\n\n${QUERY_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(QUERY_USAGE);
    return 0;
  }
  await using gaia = parsed.service ? undefined : archiveClient(parsed.archive);
  const bar = cliProgress(parsed.async ? "Async query" : "Query", {
    quiet: parsed.quiet,
    unit: "bytes",
  });
  const ctrl = new AbortController();
  const onSignal = () => ctrl.abort(new DOMException("Interrupted", "AbortError"));
  try {
    Deno.addSignalListener("SIGINT", onSignal);
  } catch { /* not supported here */ }
  try {
    const tap = gaia
      ? await gaia.tap()
      : new TapService(parsed.service, parsed.dialect ? { dialect: parsed.dialect } : {});
    const upload: UploadMap = {};
    for (const u of parsed.uploads) upload[u.name] = await readUpload(u.file);
    const common = {
      ...(parsed.format ? { format: parsed.format } : {}),
      ...(parsed.maxrec !== undefined ? { maxrec: parsed.maxrec } : {}),
      ...(parsed.uploads.length ? { upload } : {}),
      signal: ctrl.signal,
    };
    let result: QueryResult;
    if (parsed.async) {
      await using job = await tap.submit(parsed.adql, common);
      bar.update({ message: job.url });
      result = await job.result({
        signal: ctrl.signal,
        onProgress: bar.onQueryProgress,
        ...(parsed.timeout ? { timeout: parsed.timeout * 1000 } : {}),
      });
    } else {
      result = await tap.query(parsed.adql, {
        ...common,
        onProgress: bar.onQueryProgress,
        ...(parsed.timeout ? { timeout: parsed.timeout * 1000 } : {}),
      });
    }
    const summary = `${result.numRows} rows${
      result.overflow ? " (OVERFLOW: MAXREC reached, more rows exist)" : ""
    }`;
    await bar.finish(summary);
    // No bar when stderr is not a terminal (CI logs, pipes): the count still goes to stderr.
    if (!parsed.quiet && bar.mode === "silent" && !parsed.output) console.error(summary);
    if (parsed.output) {
      await writeResult(result, parsed.output);
      if (!parsed.quiet) console.error(`Wrote ${result.numRows} rows to ${parsed.output}`);
    } else {
      await Deno.stdout.write(encodeCsv(result.table));
    }
    if (result.overflow) {
      console.error(
        `Warning: the result is truncated at MAXREC${
          result.maxrec !== undefined ? `=${result.maxrec}` : ""
        }; raise --maxrec${
          parsed.async ? "" : " (and use --async for long queries)"
        } for more rows.`,
      );
    }
    return 0;
  } catch (e) {
    // The bar says that it failed; the message (often several lines) is printed once, below.
    await bar.fail(e instanceof Error ? e.name : "error");
    if (ctrl.signal.aborted) {
      console.error(
        `query interrupted${
          parsed.async ? " (the async job is deleted)" : ""
        }; nothing was written`,
      );
      return 130;
    }
    console.error(`query failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onSignal);
    } catch { /* not supported here */ }
  }
}

if (import.meta.main) Deno.exit(await queryMain(Deno.args));
