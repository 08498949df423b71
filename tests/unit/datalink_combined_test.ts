/**
 * The combined layout of unpacked DataLink answers: every product file of an
 * answer (per type and schema) is a row range of one combined table, and the
 * per-source products are views of it. These tests compare the views with
 * a parse of each file on its own (the layout before), for 2 000 light
 * curves as the local archive packages them, and exercise the fallbacks:
 * files of other schemas, products whose tidy form is per file, and the
 * row-by-row conversion of columns that cannot be shared.
 */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import {
  Bool,
  Dictionary,
  Float64,
  Int32,
  Int64,
  Table,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { DataLinkProduct } from "../../lib/datalink/product.ts";
import { packageProducts } from "../../lib/archive/products/package.ts";
import { epochPhotometry } from "../../lib/datalink/epoch_photometry.ts";
import { gaiaTimeToUnixMs } from "../../lib/datalink/gaia_time.ts";
import { DataLinkProducts } from "../../lib/datalink/products.ts";
import { readEntry } from "../../lib/datalink/read_entry.ts";
import { tidyProduct } from "../../lib/datalink/tidy.ts";
import { unpackProducts } from "../../lib/datalink/unpack.ts";
import { SEGMENT_BATCH_ROWS } from "../../lib/datalink/combined.ts";

function rowsOf(t: Table): unknown[][] {
  const cols = t.schema.fields.map((f) => t.getChild(f.name)!);
  return Array.from({ length: t.numRows }, (_, i) =>
    cols.map((c) => {
      const v = c.get(i);
      return v && typeof v === "object" && "toArray" in v ? [...(v as Iterable<unknown>)] : v;
    }));
}

function schemaOf(t: Table): unknown {
  return {
    meta: [...t.schema.metadata],
    fields: t.schema.fields.map((f) => [f.name, String(f.type), f.nullable, [...f.metadata]]),
  };
}

/** Source rows the local archive's product generator accepts. */
function sources(n: number, kind: "epoch" | "xp") {
  const rows = new Map<bigint, Record<string, unknown>>();
  for (let i = 0; i < n; i++) {
    const id = 4295806720n + BigInt(i) * 1_000_000_007n;
    rows.set(id, {
      source_id: id,
      ra: (i * 0.37) % 360,
      dec: ((i * 0.11) % 180) - 90,
      phot_g_mean_mag: 12 + (i % 70) / 10,
      phot_bp_mean_mag: 12.4 + (i % 70) / 10,
      phot_rp_mean_mag: 11.6 + (i % 70) / 10,
      bp_rp: 0.8,
      has_epoch_photometry: kind === "epoch",
      has_xp_sampled: kind === "xp",
    });
  }
  return rows;
}

function answer(
  rows: Map<bigint, Record<string, unknown>>,
  retrieval: "EPOCH_PHOTOMETRY" | "XP_SAMPLED",
  format: "votable" | "csv",
) {
  const { entries } = packageProducts(
    { ids: [...rows.keys()], retrieval, format, dataStructure: "INDIVIDUAL", release: "Gaia DR3" },
    (id) => rows.get(id),
  );
  const files: Record<string, Uint8Array> = {};
  for (const e of entries) files[e.fileName] = e.bytes;
  return { entries, zip: zipSync(files, { level: 1 }) };
}

Deno.test("unpackProducts(): 2 000 light curves are one combined table; every per-source view equals its file parsed alone", async () => {
  const rows = sources(2000, "epoch");
  const { entries, zip } = answer(rows, "EPOCH_PHOTOMETRY", "votable");
  assert.equal(entries.length, 2000);
  const products = await unpackProducts(zip);
  assert.equal(products.length, 2000);
  const segments = new Set(products.map((p) => p.segment));
  assert.equal(segments.size, 1, "one type, one schema: one combined table");
  const [segment] = segments;
  assert.ok(segment);
  const total = products.reduce((n, p) => n + p.length, 0);
  assert.equal(segment.rows, total);
  assert.ok(segment.raw().batches.length <= Math.ceil(total / SEGMENT_BATCH_ROWS));
  const all = new DataLinkProducts(products);
  let at = 0;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k];
    const sid = [...rows.keys()][k];
    const p = all.get(sid, "EPOCH_PHOTOMETRY")!;
    assert.equal(p.fileName, e.fileName);
    assert.equal(p.offset, at);
    const alone = await readEntry(e.bytes, e.fileName);
    assert.equal(p.raw.numRows, alone.numRows, e.fileName);
    at += alone.numRows;
    // Every 50th file compared cell by cell (raw and tidy), the others by size and ends.
    if (k % 50 === 0 || k === entries.length - 1) {
      assert.deepEqual(schemaOf(p.raw), schemaOf(alone));
      assert.deepEqual(rowsOf(p.raw), rowsOf(alone), e.fileName);
      const tidy = tidyProduct("EPOCH_PHOTOMETRY", alone, sid);
      assert.deepEqual(schemaOf(p.table), schemaOf(tidy));
      assert.deepEqual(rowsOf(p.table), rowsOf(tidy), e.fileName);
    } else {
      assert.equal(p.table.numRows, alone.numRows);
      assert.equal(p.table.getChild("source_id")!.get(0), sid);
      assert.equal(p.table.getChild("source_id")!.get(p.table.numRows - 1), sid);
    }
  }
  // The bulk table lists the combined tidy batches: no copy, few batches, every row.
  const bulk = all.table("EPOCH_PHOTOMETRY");
  assert.equal(bulk.numRows, total);
  assert.ok(bulk.batches.length <= Math.ceil(total / SEGMENT_BATCH_ROWS));
  const last = products[1999].table, before = products[1998].table;
  const tail = before.numRows + last.numRows;
  assert.deepEqual(rowsOf(bulk.slice(at - tail, at)), [...rowsOf(before), ...rowsOf(last)]);
  const df = await all.toPolars();
  assert.equal(df.height, total);
  assert.equal(df.getColumn("source_id").nUnique(), 2000);
  // The frame holds the table's values (its IPC copies were freed at once).
  for (
    const [name, at] of [["time", 0], ["flux", 12345], ["flux_over_error", total - 1]] as const
  ) {
    assert.equal(df.getColumn(name).get(at), bulk.getChild(name)!.get(at), `${name}[${at}]`);
  }
  assert.equal(df.getColumn("band").get(total - 1), bulk.getChild("band")!.get(total - 1));
  assert.equal(
    df.getColumn("source_id").toTypedArray()[total - 1],
    bulk.getChild("source_id")!.get(total - 1),
  );
  const sum = (xs: Iterable<unknown>) => {
    let s = 0;
    for (const x of xs) if (typeof x === "number") s += x;
    return s;
  };
  const [got, want] = [df.getColumn("mag").sum() as number, sum(bulk.getChild("mag")!)];
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `${got} vs ${want}`);
});

Deno.test("DataLinkProducts.toPolars(): batches with dictionary columns go through the shared bridge (decoded to text)", async () => {
  const part = (id: bigint, labels: string[]) =>
    new DataLinkProduct({
      type: "MCMC_MSC",
      fileName: `MCMC_MSC-Gaia DR3 ${id}.csv`,
      format: "csv",
      sourceId: id,
      table: new Table({
        teff1: vectorFromArray(labels.map((_, i) => 5000 + i), new Float64()),
        label: vectorFromArray(labels, new Dictionary(new Utf8(), new Int32())),
      }),
    });
  const all = new DataLinkProducts([part(1n, ["a", "b"]), part(2n, ["c", "a", "d"])]);
  const t = all.table();
  assert.ok(t.batches.length > 1, "dictionaries are not copied into one batch");
  const df = await all.toPolars();
  assert.deepEqual(df.getColumn("label").toArray(), ["a", "b", "c", "a", "d"]);
  assert.match(String(df.getColumn("label").dtype), /String|Utf8/);
  assert.deepEqual([...df.getColumn("source_id").toArray()].map(Number), [1, 1, 2, 2, 2]);
});

Deno.test("unpackProducts(): products whose tidy form is per file (XP_SAMPLED CSV) are views too, tidy as before", async () => {
  const rows = sources(30, "xp");
  const { entries, zip } = answer(rows, "XP_SAMPLED", "csv");
  const products = await unpackProducts(zip);
  assert.equal(new Set(products.map((p) => p.segment)).size, 1);
  assert.equal(products[0].segment!.rowwise, false);
  const parts: Table[] = [];
  for (let k = 0; k < entries.length; k++) {
    const alone = await readEntry(entries[k].bytes, entries[k].fileName);
    const tidy = tidyProduct("XP_SAMPLED", alone, products[k].sourceId);
    assert.deepEqual(rowsOf(products[k].raw), rowsOf(alone));
    assert.deepEqual(rowsOf(products[k].table), rowsOf(tidy));
    parts.push(tidy);
  }
  const bulk = new DataLinkProducts(products).table();
  assert.deepEqual(rowsOf(bulk), rowsOf(parts[0].concat(...parts.slice(1))));
});

Deno.test("unpackProducts(): a file of another schema starts a new combined table, order and rows kept", async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const lc = (id: number, extra: boolean) =>
    enc(
      `source_id,band,time,mag,flux,flux_error${extra ? ",note" : ""}\n` +
        [0, 1, 2].map((i) =>
          `${id},${["G", "BP", "RP"][i]},${1700 + id + i},${15 + i / 10},${1000 - i},${10 + i}${
            extra ? ",x" : ""
          }`
        ).join("\n") + "\n",
    );
  const zip = zipSync({
    "EPOCH_PHOTOMETRY-Gaia DR3 1.csv": lc(1, false),
    "EPOCH_PHOTOMETRY-Gaia DR3 2.csv": lc(2, false),
    "EPOCH_PHOTOMETRY-Gaia DR3 3.csv": lc(3, true),
    "EPOCH_PHOTOMETRY-Gaia DR3 4.csv": lc(4, false),
  });
  const products = await unpackProducts(zip);
  const segs = products.map((p) => p.segment);
  assert.equal(segs[0], segs[1]);
  assert.notEqual(segs[1], segs[2]);
  assert.notEqual(segs[2], segs[3]);
  assert.deepEqual(products.map((p) => p.offset), [0, 3, 0, 0]);
  const all = new DataLinkProducts(products);
  const sid = all.table().getChild("source_id")!;
  assert.deepEqual([...sid].map(Number), [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  assert.deepEqual(all.get(3)!.raw.schema.fields.map((f) => f.name).at(-1), "note");
  assert.equal(all.get(4)!.table.getChild("time")!.get(2), 1706);
});

Deno.test("epochPhotometry() shares columns already in the tidy type and converts the others, with the same rows", () => {
  const n = 7;
  const raw: Table = new Table({
    source_id: vectorFromArray(Array.from({ length: n }, () => 42n), new Int64()),
    transit_id: vectorFromArray(
      Array.from({ length: n }, (_, i) => (i === 3 ? null : 10n ** 17n + BigInt(i))),
      new Int64(),
    ),
    band: vectorFromArray(["G", "BP", "RP", "G", "BP", "RP", "G"], new Utf8()),
    time: vectorFromArray([1700.5, 1700.6, NaN, 1710, 1710.1, null, 1720], new Float64()),
    mag: vectorFromArray([15, null, 15.2, NaN, 15.4, 15.5, 15.6], new Float64()),
    flux: vectorFromArray([1000, 400, 300, 1001, null, 302, 999], new Float64()),
    flux_error: vectorFromArray([10, 8, 0, 11, 9, 7, 10], new Float64()),
    flux_over_error: vectorFromArray([100, null, NaN, 91, 44, null, 99.9], new Float64()),
    rejected_by_photometry: vectorFromArray(
      [false, true, null, false, false, true, false],
      new Bool(),
    ),
    rejected_by_variability: vectorFromArray(
      [false, false, false, true, null, false, false],
      new Bool(),
    ),
  });
  assert.equal(raw.batches.length, 1);
  const shared = epochPhotometry(raw);
  // The same columns from a table of two batches cannot be shared: converted row by row.
  const split = new Table(raw.schema, [raw.batches[0].slice(0, 3), raw.batches[0].slice(3, n)]);
  const built = epochPhotometry(split);
  assert.deepEqual(rowsOf(shared), rowsOf(built));
  assert.deepEqual(schemaOf(shared), schemaOf(built));
  const same = (name: string, t: Table) =>
    t.getChild(name)!.data[0].values === raw.getChild(name)!.data[0].values;
  for (const c of ["source_id", "transit_id", "band", "time", "mag", "flux", "flux_error"]) {
    assert.ok(same(c, shared), `${c} shared`);
    assert.ok(!same(c, built), `${c} converted`);
  }
  // NaN is null in the tidy table, as before; flux_over_error falls back to flux / error.
  const t = shared.getChild("time")!, m = shared.getChild("mag")!;
  assert.deepEqual([t.get(2), t.get(5), m.get(1), m.get(3)], [null, null, null, null]);
  const date = shared.getChild("date")!;
  for (let i = 0; i < n; i++) {
    const ti = t.get(i) as number | null;
    assert.equal(date.get(i), ti === null ? null : Math.round(gaiaTimeToUnixMs(ti)), `date ${i}`);
  }
  assert.equal(date.nullCount, 2);
  const foe = shared.getChild("flux_over_error")!;
  assert.deepEqual([foe.get(1), foe.get(2), foe.get(5)], [50, null, 302 / 7]);
  assert.equal(shared.getChild("transit_id")!.get(3), null);
  assert.equal(shared.getChild("transit_id")!.get(6), 10n ** 17n + 6n);
  // A band that is not exactly G/BP/RP is normalised, so not shared.
  const lower = new Table({
    ...Object.fromEntries(raw.schema.fields.map((f) => [f.name, raw.getChild(f.name)!])),
    band: vectorFromArray(["g", "bp", "RP", "G", "BP", "RP", "G"], new Utf8()),
  });
  const fixed = epochPhotometry(lower);
  assert.deepEqual([...fixed.getChild("band")!], ["G", "BP", "RP", "G", "BP", "RP", "G"]);
});
