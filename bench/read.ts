// deno-lint-ignore-file no-console
/**
 * deno-gaia's side of the reader benchmark: read FILE with the library's
 * format sniffing and readers into one Arrow table (materialised, like
 * astropy's Table), and print the row count.
 *
 * usage: deno run -A bench/read.ts FILE [--stream]
 *   --stream: iterate record batches without keeping them (constant memory)
 */
import { openTable } from "../lib/formats/mod.ts";
import { collectTable } from "../lib/table/reader.ts";

const path = Deno.args[0]!;
const stream = Deno.args.includes("--stream");
const file = await Deno.open(path);
const reader = await openTable(file.readable);
if (stream) {
  let rows = 0;
  for await (const batch of reader) rows += batch.numRows;
  console.log(rows);
} else {
  const { table } = await collectTable(reader);
  console.log(table.numRows);
}
