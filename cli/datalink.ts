// deno-lint-ignore-file no-console -- a command-line tool reports on stdout/stderr
/**
 * `deno task cli datalink`: fetches Gaia DataLink products for source IDs
 * and writes the combined tidy table of all sources (with `source_id`).
 *
 * ```
 * deno task cli datalink [--archive esa|local|URL] --retrieval EPOCH_PHOTOMETRY
 *                        (--ids 1,2,3 | --from result.arrow) -o out.arrow
 * ```
 *
 * @module
 */
import { type Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { encodeCsv } from "../lib/formats/encode_csv.ts";
import { openTable } from "../lib/formats/sniff.ts";
import { collectTable } from "../lib/table/reader.ts";
import type { Gaia } from "../lib/gaia/mod.ts";
import { archiveClient } from "./archive_option.ts";
import {
  type DataLinkProducts,
  toDataLinkFormat,
  toDataStructure,
  toRetrievalType,
} from "../lib/datalink/mod.ts";
import { cliProgress } from "./progress.ts";

/** Usage text of `datalink`. */
export const DATALINK_USAGE =
  `Usage: deno task cli datalink --retrieval TYPE (--ids 1,2,3 | --from FILE) -o OUT [options]

Fetches Gaia DataLink products (unpacked in memory) and writes one tidy table
of all sources, with a source_id column. Progress goes to stderr.

Options:
  --archive esa|local|URL  archive (default: $GAIA_ARCHIVE, else esa); local starts one in-process
  --retrieval TYPE         EPOCH_PHOTOMETRY, XP_SAMPLED, XP_CONTINUOUS, RVS, MCMC_GSPPHOT, MCMC_MSC, ALL
  --ids LIST               source ids or designations, comma-separated
  --from FILE              a table file (Arrow, VOTable, CSV, ...) with a source_id column
  -o, --output FILE        .arrow, .csv or .parquet; with ALL, one file per type (OUT_<TYPE>.ext)
  --format F               votable (default), votable_plain, csv, ecsv, fits (what the server sends)
  --data-structure S       INDIVIDUAL (default), COMBINED, RAW
  --release R              DR3 (default), DR2, ...
  --valid-data             drop rejected epochs (EPOCH_PHOTOMETRY)
  --save-to DIR            also keep the raw ZIP answers in DIR
  --concurrency N          requests in flight (default 2)
  --quiet                  no progress
  --help                   this text
`;

/** Parsed arguments. */
export interface DataLinkArgs {
  archive: string | undefined;
  retrieval: string;
  ids?: string;
  from?: string;
  output?: string;
  format?: string;
  dataStructure?: string;
  release?: string;
  validData: boolean;
  saveTo?: string;
  concurrency?: number;
  quiet: boolean;
  help: boolean;
}

/**
 * Parses `datalink` arguments.
 *
 * @example
 * ```ts
 * import { parseDataLinkArgs } from "./datalink.ts";
 * const a = parseDataLinkArgs(["--retrieval", "rvs", "--ids", "1,2", "-o", "x.arrow", "--archive", "local"]);
 * if (a.retrieval !== "RVS" || a.ids !== "1,2" || a.archive !== "local") throw new Error(JSON.stringify(a));
 * ```
 */
export function parseDataLinkArgs(args: string[]): DataLinkArgs {
  const out: DataLinkArgs = {
    archive: undefined,
    retrieval: "",
    validData: false,
    quiet: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case "--archive":
        out.archive = value();
        break;
      case "--retrieval":
        out.retrieval = toRetrievalType(value());
        break;
      case "--ids":
        out.ids = value();
        break;
      case "--from":
        out.from = value();
        break;
      case "-o":
      case "--output":
        out.output = value();
        break;
      case "--format":
        out.format = toDataLinkFormat(value());
        break;
      case "--data-structure":
        out.dataStructure = toDataStructure(value());
        break;
      case "--release":
        out.release = value();
        break;
      case "--valid-data":
        out.validData = true;
        break;
      case "--save-to":
        out.saveTo = value();
        break;
      case "--concurrency": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 8) {
          throw new RangeError("--concurrency must be 1 to 8");
        }
        out.concurrency = n;
        break;
      }
      case "--quiet":
        out.quiet = true;
        break;
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        throw new TypeError(`Unknown option ${JSON.stringify(a)}`);
    }
  }
  if (out.help) return out;
  if (!out.retrieval) throw new TypeError("--retrieval is required");
  if (!out.ids === !out.from) throw new TypeError("Give exactly one of --ids and --from");
  if (!out.output) throw new TypeError("-o/--output is required");
  return out;
}

async function readIds(file: string): Promise<Table> {
  const bytes = await Deno.readFile(file);
  if (/\.(arrow|feather|ipc)$/i.test(file)) return tableFromIPC(bytes);
  return (await collectTable(await openTable(bytes))).table;
}

async function writeTable(t: Table, file: string): Promise<void> {
  if (/\.csv$/i.test(file)) return await Deno.writeFile(file, encodeCsv(t));
  if (/\.parquet$/i.test(file)) {
    const { toPolars } = await import("../lib/table/polars.ts");
    (await toPolars(t)).writeParquet(file);
    return;
  }
  if (!/\.(arrow|feather|ipc)$/i.test(file)) {
    throw new TypeError(`Cannot write ${JSON.stringify(file)}: use .arrow, .csv or .parquet`);
  }
  await Deno.writeFile(file, tableToIPC(t, "file"));
}

/** Runs `datalink`; returns the exit code. */
export async function datalinkMain(args: string[]): Promise<number> {
  let a: DataLinkArgs;
  try {
    a = parseDataLinkArgs(args);
  } catch (e) {
    console.error(`datalink: ${(e as Error).message}\n\n${DATALINK_USAGE}`);
    return 2;
  }
  if (a.help) {
    console.log(DATALINK_USAGE);
    return 0;
  }
  let gaia: Gaia;
  try {
    gaia = archiveClient(a.archive);
  } catch (e) {
    // A bad --archive / GAIA_ARCHIVE is a usage error: one line, no stack trace.
    console.error(`datalink: ${(e as Error).message}`);
    return 2;
  }
  const ctrl = new AbortController();
  const onSignal = () => ctrl.abort(new DOMException("Interrupted", "AbortError"));
  try {
    Deno.addSignalListener("SIGINT", onSignal);
  } catch { /* not supported */ }
  const bar = cliProgress("DataLink", { quiet: a.quiet, unit: "sources" });
  try {
    const ids = a.ids ?? await readIds(a.from!);
    const products: DataLinkProducts = await gaia.datalink.load(ids, {
      retrieval: a.retrieval as never,
      ...(a.format ? { format: a.format as never } : {}),
      ...(a.dataStructure ? { dataStructure: a.dataStructure as never } : {}),
      ...(a.release ? { release: a.release } : {}),
      validData: a.validData,
      ...(a.saveTo ? { saveTo: a.saveTo } : {}),
      ...(a.concurrency ? { concurrency: a.concurrency } : {}),
      signal: ctrl.signal,
      onProgress: (p) => bar.update({ done: p.sourcesDone, total: p.sourcesTotal, bytes: p.bytes }),
    });
    const types = products.types;
    if (types.length === 0) {
      await bar.finish("no products");
      console.error(
        `datalink: the archive had no ${a.retrieval} products for these IDs (${products.manifest})`,
      );
      return 1;
    }
    const written: string[] = [];
    for (const t of types) {
      const file = types.length === 1 && a.retrieval !== "ALL"
        ? a.output!
        : a.output!.replace(/(\.[^./]+)?$/, `_${t}$1`);
      const table = products.table(t);
      await writeTable(table, file);
      written.push(`${file} (${table.numRows} rows)`);
    }
    await bar.finish(String(products.manifest));
    console.error(`datalink: ${products.manifest}; wrote ${written.join(", ")}`);
    for (const f of products.manifest.failed.slice(0, 5)) {
      console.error(`  failed ${f.id}: ${f.error}`);
    }
    return products.manifest.ok ? 0 : 1;
  } catch (e) {
    await bar.fail(e);
    console.error(`datalink: ${(e as Error).message}`);
    return 1;
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onSignal);
    } catch { /* not supported */ }
    await gaia.close();
  }
}
