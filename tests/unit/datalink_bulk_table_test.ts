import assert from "node:assert/strict";
import { Bool, Float64, Int64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { DataLinkProduct, DataLinkProducts } from "../../lib/datalink/mod.ts";

/** Light curves of three sources in one raw table, split per source (one shared schema). */
function lightCurves(): DataLinkProduct[] {
  const sid: bigint[] = [], band: string[] = [], time: number[] = [], mag: (number | null)[] = [];
  const flux: number[] = [], err: number[] = [], rej: boolean[] = [];
  const sizes = [5, 0, 7, 3];
  sizes.forEach((n, s) => {
    for (let i = 0; i < n; i++) {
      sid.push(BigInt(1000 + s) * 1_000_000_000_000n);
      band.push(["G", "BP", "RP"][i % 3]);
      time.push(1700 + s * 10 + i * 0.37);
      mag.push(i === 2 ? null : 15 + s + i / 10);
      flux.push(1000 - i);
      err.push(10 + i);
      rej.push(i % 4 === 1);
    }
  });
  const raw = new Table({
    source_id: vectorFromArray(sid, new Int64()),
    band: vectorFromArray(band, new Utf8()),
    time: vectorFromArray(time, new Float64()),
    mag: vectorFromArray(mag, new Float64()),
    flux: vectorFromArray(flux, new Float64()),
    flux_error: vectorFromArray(err, new Float64()),
    rejected_by_photometry: vectorFromArray(rej, new Bool()),
  });
  const out: DataLinkProduct[] = [];
  let at = 0;
  sizes.forEach((n, s) => {
    const id = BigInt(1000 + s) * 1_000_000_000_000n;
    out.push(
      new DataLinkProduct({
        type: "EPOCH_PHOTOMETRY",
        table: raw.slice(at, at + n),
        fileName: `EPOCH_PHOTOMETRY-Gaia DR3 ${id}.xml`,
        format: "votable",
        sourceId: id,
      }),
    );
    at += n;
  });
  return out;
}

function rowsOf(t: Table): unknown[][] {
  return Array.from(
    { length: t.numRows },
    (_, i) => t.schema.fields.map((f) => t.getChild(f.name)!.get(i)),
  );
}

Deno.test("DataLinkProducts.table() of epoch photometry equals the per-source tidy tables, in order", () => {
  const products = lightCurves();
  const perSource = products.map((p) => p.table).filter((t) => t.numRows > 0);
  const expected = perSource[0].concat(...perSource.slice(1));
  const bulk = new DataLinkProducts(lightCurves()).table("EPOCH_PHOTOMETRY");
  assert.equal(bulk.batches.length, 1);
  assert.deepEqual(
    bulk.schema.fields.map((f) => f.name),
    expected.schema.fields.map((f) => f.name),
  );
  assert.deepEqual(rowsOf(bulk), rowsOf(expected));
  assert.equal(bulk.getChild("mag")!.nullCount, 3);
});

Deno.test("DataLinkProducts.table() is made once per type; toPolars() keeps every source", async () => {
  const all = new DataLinkProducts(lightCurves());
  const a = all.table();
  assert.equal(all.table(), a);
  const df = await all.toPolars();
  assert.equal(df.height, 15);
  assert.deepEqual(
    [...new Set(df.getColumn("source_id").toArray().map(String))],
    ["1000000000000000", "1002000000000000", "1003000000000000"],
  );
});
