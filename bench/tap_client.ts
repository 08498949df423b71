/**
 * Child process of bench/tap_dachs.ts: one deno-gaia TAP query, prints rows.
 * Usage: tap_client.ts URL stream|query|async FORMAT MAXREC "ADQL" [blocking|polling]
 */
import { TapService } from "../lib/tap/mod.ts";

const [url, mode, format, maxrec, adql, wait] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
  string?,
];
const tap = new TapService(url);
const t0 = performance.now();
let rows = 0;
if (mode === "stream") {
  for await (const b of tap.stream(adql, { format, maxrec: Number(maxrec), timeout: 600_000 })) {
    rows += b.numRows;
  }
} else if (mode === "query") {
  rows = (await tap.query(adql, { format, maxrec: Number(maxrec), timeout: 600_000 })).numRows;
} else {
  await using job = await tap.submit(adql, { format, maxrec: Number(maxrec) });
  await job.wait({ blocking: wait !== "polling" });
  rows = (await job.result()).numRows;
}
await Deno.stdout.write(
  new TextEncoder().encode(
    `rows=${rows} seconds=${((performance.now() - t0) / 1000).toFixed(3)}\n`,
  ),
);
