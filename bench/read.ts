// deno-lint-ignore-file no-console
/**
 * deno-gaia's side of the reader benchmark: read FILE with the library's
 * format sniffing and readers into one Arrow table (materialised, like
 * astropy's Table), and print the row count.
 *
 * usage: deno run -A bench/read.ts FILE [--stream] [--expect N] [--readable]
 *   --stream: iterate record batches without keeping them (constant memory)
 *   --expect N: exit 1 unless exactly N rows were read
 *   --readable: pass the file's own 64 KiB `readable` instead of the open file
 *     (which the library reads in 1 MiB pieces), to compare the two
 *   --gunzip-inline / --gunzip-worker: inflate gzip in the main thread / on
 *     a worker thread (by default: on a worker from 4 MiB compressed)
 */
import { openTable } from "../lib/formats/mod.ts";
import { collectTable } from "../lib/table/reader.ts";

const path = Deno.args[0]!;
const stream = Deno.args.includes("--stream");
const viaReadable = Deno.args.includes("--readable");
const gunzipWorker = Deno.args.includes("--gunzip-inline")
  ? false
  : Deno.args.includes("--gunzip-worker")
  ? true
  : undefined;
const e = Deno.args.indexOf("--expect");
const expect = e >= 0 ? Number(Deno.args[e + 1]) : undefined;
const file = await Deno.open(path);
const reader = await openTable(
  viaReadable ? file.readable : file,
  gunzipWorker === undefined ? {} : { gunzipWorker },
);
let rows = 0;
if (stream) {
  for await (const batch of reader) rows += batch.numRows;
} else {
  const { table } = await collectTable(reader);
  rows = table.numRows;
}
console.log(rows);
if (expect !== undefined && rows !== expect) {
  console.error(`expected ${expect} rows, read ${rows}`);
  Deno.exit(1);
}
