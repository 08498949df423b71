/**
 * Child process of the TAP benchmarks: one deno-gaia TAP query, prints
 * `rows=N seconds=S`.
 *
 * Usage: tap_client.ts URL stream|query|async FORMAT MAXREC "ADQL" [blocking|polling]
 * With BENCH_ACCEPT_ENCODING set (e.g. `gzip, br`), the client sends that
 * Accept-Encoding instead of its default (`identity` to loopback hosts).
 */
import type { Data } from "apache-arrow";
import { HttpClient } from "../lib/http/mod.ts";
import { TapService } from "../lib/tap/mod.ts";

const [url, mode, format, maxrec, adql, wait] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
  string?,
];
const enc = Deno.env.get("BENCH_ACCEPT_ENCODING");
const tap = new TapService(
  url,
  enc ? { http: new HttpClient({ headers: { "accept-encoding": enc } }) } : {},
);
const t0 = performance.now();
let rows = 0;
let extra = "";
/** Bytes of an Arrow column's buffers (values, offsets, validity, children). */
const dataBytes = (d: Data): number =>
  (d.values?.byteLength ?? 0) + (d.valueOffsets?.byteLength ?? 0) +
  (d.nullBitmap?.byteLength ?? 0) + d.children.reduce((s, c) => s + dataBytes(c), 0);
if (mode === "stream") {
  for await (const b of tap.stream(adql, { format, maxrec: Number(maxrec), timeout: 600_000 })) {
    rows += b.numRows;
  }
} else if (mode === "query") {
  const r = await tap.query(adql, { format, maxrec: Number(maxrec), timeout: 600_000 });
  rows = r.numRows;
  let bytes = 0;
  for (const b of r.table.batches) for (const c of b.data.children) bytes += dataBytes(c);
  extra = ` arrowMB=${(bytes / 2 ** 20).toFixed(1)}`;
} else {
  await using job = await tap.submit(adql, { format, maxrec: Number(maxrec) });
  await job.wait({ blocking: wait !== "polling" });
  rows = (await job.result()).numRows;
}
await Deno.stdout.write(
  new TextEncoder().encode(
    `rows=${rows} seconds=${((performance.now() - t0) / 1000).toFixed(3)}${extra}\n`,
  ),
);
