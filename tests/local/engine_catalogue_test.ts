import assert from "node:assert/strict";
import { ArchiveEngine } from "../../lib/archive/engine.ts";
import { CATALOGUE_TABLES, generateCatalogue } from "../../lib/archive/catalogue/mod.ts";
import { columnMeta } from "../../lib/table/metadata.ts";

const ROWS = 20_000;

Deno.test("ArchiveEngine.open() serves the synthetic catalogue with its metadata, and PROTOCOL.md's queries run", async () => {
  const engine = await ArchiveEngine.open({ rows: ROWS, seed: 20160 });
  try {
    // every catalogue table is listed and queryable
    const listed = engine.tableset().map((t) => `${t.schema}.${t.name}`);
    for (const t of CATALOGUE_TABLES) assert.ok(listed.includes(`${t.schema}.${t.name}`));

    const { table: top } = await engine.query("SELECT TOP 5 * FROM gaiadr3.gaia_source", {});
    assert.equal(top.numRows, 5);
    const gs = CATALOGUE_TABLES.find((t) => t.name === "gaia_source")!;
    assert.deepEqual(top.schema.fields.map((f) => f.name), gs.columns.map((c) => c.name));
    const pmra = columnMeta(top.schema.fields.find((f) => f.name === "pmra")!);
    const def = gs.columns.find((c) => c.name === "pmra")!;
    assert.equal(pmra.unit, def.unit);
    assert.equal(pmra.ucd, def.ucd);
    assert.equal(pmra.description, def.description);

    // the cone count matches a scan of the generated data
    const data = generateCatalogue({ rows: ROWS, seed: 20160 }).get("gaiadr3.gaia_source")!;
    const ra = data.getChild("ra")!.toArray() as Float64Array;
    const dec = data.getChild("dec")!.toArray() as Float64Array;
    const r = Math.PI / 180;
    let want = 0;
    for (let i = 0; i < ra.length; i++) {
      const d = 2 * Math.asin(Math.sqrt(
        Math.sin((dec[i] - 24.12) * r / 2) ** 2 +
          Math.cos(dec[i] * r) * Math.cos(24.12 * r) * Math.sin((ra[i] - 56.75) * r / 2) ** 2,
      )) / r;
      if (d <= 1) want++;
    }
    const { table: n } = await engine.query(
      "SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE 1=CONTAINS(POINT('ICRS',ra,dec), CIRCLE('ICRS',56.75,24.12,1))",
      {},
    );
    assert.equal(n.getChild("n")!.get(0), BigInt(want));
    assert.ok(want > 0, "the Pleiades cluster is in the synthetic sky");

    // source_id lookups stay exact (> 2^53)
    const ids = Array.from((data.getChild("source_id")!.toArray() as BigInt64Array).slice(0, 5));
    const { table: q5 } = await engine.query(
      `SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (${ids.join(", ")}) ORDER BY source_id`,
      {},
    );
    assert.deepEqual(
      Array.from(q5.getChild("source_id")!.toArray() as BigInt64Array),
      [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );

    // derived tables join on source_id
    const { table: j } = await engine.query(
      "SELECT TOP 10 g.source_id, v.source_id AS vid FROM gaiadr3.gaia_source AS g JOIN gaiadr3.vari_summary AS v ON v.source_id = g.source_id",
      {},
    );
    assert.ok(j.numRows > 0);
    for (let i = 0; i < j.numRows; i++) {
      assert.equal(j.getChild("source_id")!.get(i), j.getChild("vid")!.get(i));
    }
  } finally {
    await engine.close();
  }
});

Deno.test("ArchiveEngine serves TAP_SCHEMA for the public tables", async () => {
  const engine = await ArchiveEngine.open({ rows: 2_000 });
  try {
    const { table } = await engine.query(
      "SELECT column_name, unit, ucd, datatype FROM TAP_SCHEMA.columns WHERE table_name = 'gaiadr3.gaia_source' ORDER BY column_index",
      {},
    );
    const gs = CATALOGUE_TABLES.find((t) => t.name === "gaia_source")!;
    assert.deepEqual(
      Array.from({ length: table.numRows }, (_, i) => table.getChild("column_name")!.get(i)),
      gs.columns.map((c) => c.name),
    );
    const pmra = gs.columns.findIndex((c) => c.name === "pmra");
    assert.equal(table.getChild("unit")!.get(pmra), gs.columns[pmra].unit);
    const { table: t } = await engine.query(
      "SELECT table_name FROM tap_schema.tables WHERE schema_name = 'tap_schema' ORDER BY table_name",
      {},
    );
    assert.deepEqual(
      Array.from({ length: t.numRows }, (_, i) => t.getChild("table_name")!.get(i)),
      [
        "tap_schema.columns",
        "tap_schema.key_columns",
        "tap_schema.keys",
        "tap_schema.schemas",
        "tap_schema.tables",
      ],
    );
    assert.ok(engine.tableset().some((d) => d.schema === "tap_schema" && d.name === "columns"));
  } finally {
    await engine.close();
  }
});

Deno.test("ArchiveEngine loads the same rows through the appender and through Parquet", async () => {
  const data = generateCatalogue({ rows: 3_000, seed: 5 });
  const source = { tables: CATALOGUE_TABLES, generate: () => data };
  const q = "SELECT TOP 200 * FROM gaiadr3.gaia_source ORDER BY source_id";
  const agg =
    "SELECT COUNT(*) AS n, COUNT(parallax) AS np, COUNT(phot_bp_mean_mag) AS nbp, SUM(CAST(has_rvs AS INTEGER)) AS nrvs, MAX(designation) AS d FROM gaiadr3.gaia_source";
  const out: string[] = [];
  for (const loadMethod of ["appender", "parquet"] as const) {
    const engine = await ArchiveEngine.open({ catalogue: source, loadMethod });
    try {
      const a = await engine.query(q, {});
      const b = await engine.query(agg, {});
      out.push(JSON.stringify(
        [a.table.toArray().map((r) => r.toJSON()), b.table.get(0)!.toJSON()],
        (_, v) => (typeof v === "bigint" ? v.toString() : v),
      ));
    } finally {
      await engine.close();
    }
  }
  assert.equal(out[0], out[1]);
  assert.ok(out[0].length > 10_000);
});
