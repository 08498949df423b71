import { openByteStream } from "../lib/io/source.ts";
import { openTable } from "../lib/formats/mod.ts";
import { collectTable } from "../lib/table/reader.ts";
const f = Deno.args[0];
for (let k = 0; k < 2; k++) {
  let t = performance.now();
  let n = 0;
  for await (const c of (await Deno.open(f)).readable) n += c.length;
  const a = performance.now() - t;
  t = performance.now();
  const s = await openByteStream((await Deno.open(f)).readable);
  for await (const c of s) n += c.length;
  const b = performance.now() - t;
  t = performance.now();
  const { table } = await collectTable(await openTable((await Deno.open(f)).readable));
  const c = performance.now() - t;
  console.log(
    `readable ${a.toFixed(0)} openByteStream ${b.toFixed(0)} full ${
      c.toFixed(0)
    } rows ${table.numRows}`,
  );
}
