// deno-lint-ignore-file no-console
/**
 * The start-up case: a script that imports the whole library (mod.ts) and
 * reads a small VOTable, as a notebook's first cell would. Prints the rows.
 *
 * usage: deno run -A bench/startup.ts FILE
 */
import { collectTable, openTable } from "../mod.ts";

const file = await Deno.open(Deno.args[0]!);
const { table } = await collectTable(await openTable(file));
console.log(table.numRows);
