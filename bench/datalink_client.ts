/**
 * Child process of the DataLink benchmark: epoch photometry of the sources
 * listed in IDS_FILE (one source_id per line) from a local archive, unpacked
 * in memory into one Polars DataFrame. Prints `sources=N rows=N seconds=S`.
 *
 * usage: deno run -A bench/datalink_client.ts ARCHIVE_URL IDS_FILE
 */
import { GaiaDataLink } from "../lib/datalink/mod.ts";

const [url, idsFile] = Deno.args as [string, string];
const ids = (await Deno.readTextFile(idsFile)).split("\n").filter((s) => s).map(BigInt);
const t0 = performance.now();
const dl = new GaiaDataLink({ dataServer: `${url}/data-server` });
const products = await dl.load(ids, { retrieval: "EPOCH_PHOTOMETRY" });
const df = await products.toPolars("EPOCH_PHOTOMETRY");
const sources = df.getColumn("source_id").nUnique();
await Deno.stdout.write(
  new TextEncoder().encode(
    `sources=${sources} rows=${df.height} seconds=${
      ((performance.now() - t0) / 1000).toFixed(3)
    }\n`,
  ),
);
