import assert from "node:assert/strict";
import { AdqlSemanticError, AdqlSyntaxError } from "../../lib/adql/errors.ts";
import { ArchiveEngine } from "../../lib/archive/engine.ts";
import { columnMeta } from "../../lib/table/metadata.ts";
import { angDist, skyCatalogue } from "./engine_fixture.ts";

const N = 20_000;
const cat = skyCatalogue(N);
const sky = cat.sky;

async function withEngine(fn: (e: ArchiveEngine) => Promise<void>) {
  const engine = await ArchiveEngine.open({ catalogue: cat });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

function bruteCone(ra: number, dec: number, r: number): Set<bigint> {
  const out = new Set<bigint>();
  for (let i = 0; i < N; i++) {
    if (angDist(ra, dec, sky.ra[i], sky.dec[i]) <= r) out.add(sky.sourceId[i]);
  }
  return out;
}

function ids(t: import("apache-arrow").Table, col = "source_id"): Set<bigint> {
  return new Set(Array.from(t.getChild(col)!.toArray() as BigInt64Array));
}

/** Differences allowed only for points within 1e-9 deg of the edge. */
function assertSameCone(got: Set<bigint>, want: Set<bigint>, ra: number, dec: number, r: number) {
  const index = new Map<bigint, number>();
  sky.sourceId.forEach((id, i) => index.set(id, i));
  for (const id of new Set([...got, ...want])) {
    if (got.has(id) === want.has(id)) continue;
    const i = index.get(id)!;
    const d = angDist(ra, dec, sky.ra[i], sky.dec[i]);
    assert.ok(Math.abs(d - r) < 1e-9, `source ${id} at ${d} deg disagrees for cone r=${r}`);
  }
}

Deno.test("ArchiveEngine.query() cone searches agree with brute force (Pleiades, ra wrap, poles)", async () => {
  await withEngine(async (engine) => {
    const cones: [number, number, number][] = [
      [56.75, 24.12, 1],
      [56.75, 24.12, 0.2],
      [0.1, -30, 1.5], // across ra = 0
      [359.9, 10, 2],
      [123, 89.5, 1.2], // over the north pole
      [10, -89.9, 0.5], // south pole region, clump at ra 200
      [180, 0, 30], // large
      [250, 45, 0.0001],
    ];
    for (const [ra, dec, r] of cones) {
      const q =
        `SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ${ra}, ${dec}, ${r}))`;
      const { table, overflow } = await engine.query(q, {});
      assert.equal(overflow, false);
      const want = bruteCone(ra, dec, r);
      assertSameCone(ids(table), want, ra, dec, r);
      if (r >= 0.5) assert.ok(want.size > 0, `cone ${ra},${dec},${r} should not be empty`);
      const { table: c } = await engine.query(
        `SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE CONTAINS(POINT(ra, dec), CIRCLE(${ra}, ${dec}, ${r})) = 1`,
        {},
      );
      assert.equal(c.getChild("n")!.get(0), BigInt(table.numRows));
      assert.equal(columnMeta(c.schema.fields[0]).datatype, "long");
    }
  });
});

Deno.test("ArchiveEngine.query() DISTANCE in degrees, ORDER BY alias, TOP, the 4-number form", async () => {
  await withEngine(async (engine) => {
    const { table } = await engine.query(
      "SELECT TOP 5 source_id, DISTANCE(POINT('ICRS',ra,dec), POINT('ICRS',56.75,24.12)) AS dist " +
        "FROM gaiadr3.gaia_source WHERE DISTANCE(POINT('ICRS',ra,dec), POINT('ICRS',56.75,24.12)) < 0.5 ORDER BY dist",
      {},
    );
    assert.equal(table.numRows, 5);
    const dist = table.getChild("dist")!.toArray() as Float64Array;
    const all = [...bruteCone(56.75, 24.12, 0.5)];
    const index = new Map<bigint, number>();
    sky.sourceId.forEach((id, i) => index.set(id, i));
    const sorted = all.map((id) => {
      const i = index.get(id)!;
      return angDist(56.75, 24.12, sky.ra[i], sky.dec[i]);
    }).sort((a, b) => a - b);
    for (let k = 0; k < 5; k++) assert.ok(Math.abs(dist[k] - sorted[k]) < 1e-9);
    const m = columnMeta(table.schema.fields[1]);
    assert.equal(m.unit, "deg");
    assert.equal(m.datatype, "double");
    const { table: t4 } = await engine.query(
      "SELECT TOP 3 DISTANCE(ra, dec, 56.75, 24.12) AS d FROM gaiadr3.gaia_source ORDER BY 1",
      {},
    );
    assert.ok(Math.abs((t4.getChild("d")!.get(0) as number) - sorted[0]) < 1e-9);
  });
});

Deno.test("ArchiveEngine.query() BOX and POLYGON select the points a JS check selects", async () => {
  await withEngine(async (engine) => {
    // BOX: coordinate box, |Δra| wrapped <= w/2, |Δdec| <= h/2
    const { table: b } = await engine.query(
      "SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), BOX('ICRS', 0.5, -30, 3, 2))",
      {},
    );
    const wantBox = new Set<bigint>();
    for (let i = 0; i < N; i++) {
      const dra = Math.abs(((sky.ra[i] - 0.5 + 540) % 360) - 180);
      if (dra <= 1.5 && Math.abs(sky.dec[i] + 30) <= 1) wantBox.add(sky.sourceId[i]);
    }
    assert.ok(wantBox.size > 10);
    assert.deepEqual(ids(b), wantBox);
    // POLYGON: great-circle edges; a triangle round the Pleiades clump
    const { table: p } = await engine.query(
      "SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON('ICRS', 55, 23, 58.5, 23, 56.75, 25.5))",
      {},
    );
    const v = [[55, 23], [58.5, 23], [56.75, 25.5]].map(([ra, dec]) => vec(ra, dec));
    const wantPoly = new Set<bigint>();
    for (let i = 0; i < N; i++) {
      const x = vec(sky.ra[i], sky.dec[i]);
      let inside = true;
      for (let k = 0; k < 3; k++) {
        const n = cross(v[k], v[(k + 1) % 3]);
        if (n[0] * x[0] + n[1] * x[1] + n[2] * x[2] < 0) inside = false;
      }
      if (inside) wantPoly.add(sky.sourceId[i]);
    }
    assert.ok(wantPoly.size > 10);
    assert.deepEqual(ids(p), wantPoly);
    // clockwise vertices give the same region
    const { table: p2 } = await engine.query(
      "SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON(56.75, 25.5, 58.5, 23, 55, 23))",
      {},
    );
    assert.deepEqual(ids(p2), wantPoly);
  });
});

function vec(ra: number, dec: number) {
  const r = Math.PI / 180;
  return [
    Math.cos(dec * r) * Math.cos(ra * r),
    Math.cos(dec * r) * Math.sin(ra * r),
    Math.sin(dec * r),
  ];
}
function cross(a: number[], b: number[]) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

Deno.test("ArchiveEngine.query() keeps int64 exact, nulls, strings, booleans and column metadata", async () => {
  await withEngine(async (engine) => {
    const id = sky.sourceId[3];
    const { table } = await engine.query(
      `SELECT * FROM gaiadr3.gaia_source WHERE source_id = ${id}`,
      {},
    );
    assert.equal(table.numRows, 1);
    assert.equal(table.getChild("source_id")!.get(0), id);
    assert.ok(id > 2n ** 53n);
    assert.equal(table.getChild("parallax")!.get(0), null); // i % 10 === 3 -> null
    assert.equal(table.getChild("designation")!.get(0), `Gaia DR3 ${id}`);
    assert.equal(table.getChild("has_rvs")!.get(0), true);
    assert.equal(table.getChild("ra")!.get(0), sky.ra[3]);
    const names = table.schema.fields.map((f) => f.name);
    assert.deepEqual(names, [
      "source_id",
      "ra",
      "dec",
      "parallax",
      "phot_g_mean_mag",
      "designation",
      "has_rvs",
    ]);
    const ra = columnMeta(table.schema.fields[1]);
    assert.equal(ra.unit, "deg");
    assert.equal(ra.ucd, "pos.eq.ra;meta.main");
    assert.equal(ra.description, "Right ascension");
    assert.equal(columnMeta(table.schema.fields[0]).datatype, "long");
    assert.equal(columnMeta(table.schema.fields[4]).datatype, "float");
    assert.equal(columnMeta(table.schema.fields[5]).datatype, "char");
    assert.equal(columnMeta(table.schema.fields[6]).datatype, "boolean");
    // IN list of big ids
    const list = [sky.sourceId[10], sky.sourceId[20], sky.sourceId[30]];
    const { table: t2 } = await engine.query(
      `SELECT source_id FROM gaiadr3.gaia_source WHERE source_id IN (${
        list.join(", ")
      }) ORDER BY source_id DESC`,
      {},
    );
    assert.deepEqual(
      Array.from(t2.getChild("source_id")!.toArray() as BigInt64Array),
      [...list].reverse(),
    );
  });
});

Deno.test("ArchiveEngine.query() GROUP BY, HAVING, aggregates, CASE, subqueries, joins", async () => {
  await withEngine(async (engine) => {
    const { table } = await engine.query(
      "SELECT has_rvs, COUNT(*) AS n, COUNT(parallax) AS np, MIN(phot_g_mean_mag) AS gmin FROM gaiadr3.gaia_source GROUP BY has_rvs ORDER BY has_rvs",
      {},
    );
    assert.equal(table.numRows, 2);
    const nTrue = sky.hasRvs.filter((b) => b).length;
    assert.equal(table.getChild("n")!.get(1), BigInt(nTrue));
    assert.equal(table.getChild("n")!.get(0), BigInt(N - nTrue));
    const withPlx = Array.from(sky.parallax).filter((p) => !Number.isNaN(p)).length;
    assert.equal(
      (table.getChild("np")!.get(0) as bigint) + (table.getChild("np")!.get(1) as bigint),
      BigInt(withPlx),
    );
    assert.equal(columnMeta(table.schema.fields[3]).unit, "mag");

    const { table: h } = await engine.query(
      "SELECT CASE WHEN dec > 0 THEN 'N' ELSE 'S' END AS hemi, COUNT(*) AS n FROM gaiadr3.gaia_source GROUP BY 1 HAVING COUNT(*) > 10 ORDER BY hemi",
      {},
    );
    const north = Array.from(sky.dec).filter((d) => d > 0).length;
    assert.deepEqual([h.getChild("hemi")!.get(0), h.getChild("n")!.get(0)], ["N", BigInt(north)]);

    const { table: s } = await engine.query(
      "SELECT COUNT(*) FROM (SELECT TOP 100 source_id FROM gaiadr3.gaia_source ORDER BY source_id) AS sub",
      {},
    );
    assert.equal(s.getChild("count")!.get(0), 100n);

    const { table: j } = await engine.query(
      "SELECT a.source_id, b.source_id AS other FROM gaiadr3.gaia_source AS a JOIN gaiadr3.gaia_source AS b ON a.source_id = b.source_id WHERE a.source_id IN (SELECT TOP 3 source_id FROM gaiadr3.gaia_source ORDER BY source_id)",
      {},
    );
    assert.equal(j.numRows, 3);
    for (let i = 0; i < 3; i++) {
      assert.equal(j.getChild("source_id")!.get(i), j.getChild("other")!.get(i));
    }

    const { table: e } = await engine.query(
      "SELECT TOP 1 source_id FROM gaiadr3.gaia_source AS g WHERE EXISTS (SELECT 1 FROM gaiadr3.gaia_source AS h WHERE h.source_id = g.source_id) ORDER BY 1 OFFSET 2",
      {},
    );
    assert.equal(
      e.getChild("source_id")!.get(0),
      [...sky.sourceId].sort((a, b) => (a < b ? -1 : 1))[2],
    );

    const { table: f } = await engine.query(
      "SELECT TOP 1 ABS(-2) AS a, POWER(2, 10) AS p, MOD(7, 3) AS m, ROUND(2.567, 2) AS r, TRUNCATE(2.567, 1) AS t, 7 / 2 AS idiv, 7.0 / 2 AS fdiv, UPPER('x') || LOWER('Y') AS s, PI() AS pi, COALESCE(NULL, 3) AS c FROM gaiadr3.gaia_source",
      {},
    );
    const row = f.get(0)!.toJSON();
    assert.equal(Number(row.a), 2);
    assert.equal(row.p, 1024);
    assert.equal(Number(row.m), 1);
    assert.equal(row.r, 2.57);
    assert.equal(row.t, 2.5);
    assert.equal(Number(row.idiv), 3);
    assert.equal(row.fdiv, 3.5);
    assert.equal(row.s, "Xy");
    assert.equal(row.pi, Math.PI);
    assert.equal(Number(row.c), 3);
  });
});

Deno.test("ArchiveEngine.query() flags overflow at MAXREC and honours TOP below it", async () => {
  await withEngine(async (engine) => {
    const q = "SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id";
    const a = await engine.query(q, { maxrec: 3 });
    assert.equal(a.table.numRows, 3);
    assert.equal(a.overflow, true);
    const b = await engine.query("SELECT TOP 3 source_id FROM gaiadr3.gaia_source", { maxrec: 3 });
    assert.equal(b.overflow, false);
    assert.equal(b.table.numRows, 3);
    const c = await engine.query("SELECT source_id, ra FROM gaiadr3.gaia_source", { maxrec: 0 });
    assert.equal(c.table.numRows, 0);
    assert.equal(c.overflow, true);
    assert.equal(c.table.schema.fields.length, 2);
    const d = await engine.query("SELECT TOP 10 source_id FROM gaiadr3.gaia_source", {
      maxrec: 50,
    });
    assert.equal(d.overflow, false);
    assert.equal(d.table.numRows, 10);
  });
});

Deno.test("ArchiveEngine.query() reports unknown tables and columns with a suggestion and position", async () => {
  await withEngine(async (engine) => {
    await assert.rejects(
      engine.query("SELECT TOP 1 * FROM gaiadr3.gaia_sourse", {}),
      (e: unknown) =>
        e instanceof AdqlSemanticError && e.kind === "unknown-table" &&
        /Unknown table 'gaiadr3.gaia_sourse'; did you mean 'gaiadr3.gaia_source'\?/.test(
          e.message,
        ) &&
        e.column === 21,
    );
    await assert.rejects(
      engine.query("SELECT TOP 1 paralax FROM gaiadr3.gaia_source", {}),
      (e: unknown) =>
        e instanceof AdqlSemanticError && e.kind === "unknown-column" &&
        /'paralax'; did you mean 'parallax'/.test(e.message) && e.column === 14,
    );
    await assert.rejects(
      engine.query("SELECT TOP 1 g.nonexistent FROM gaiadr3.gaia_source AS g", {}),
      (e: unknown) =>
        e instanceof AdqlSemanticError &&
        /Unknown column 'nonexistent' in table 'g'/.test(e.message),
    );
    await assert.rejects(
      engine.query("SELECT ra FROM gaiadr3.gaia_source AS a, gaiadr3.gaia_source AS b", {}),
      (e: unknown) =>
        e instanceof AdqlSemanticError && e.kind === "ambiguous-column" && e.column === 8,
    );
    await assert.rejects(
      engine.query("SELECT SQRT(1, 2) FROM gaiadr3.gaia_source", {}),
      (e: unknown) =>
        e instanceof AdqlSemanticError && e.kind === "argument-count" &&
        /SQRT takes 1 argument, not 2/.test(e.message),
    );
    await assert.rejects(
      engine.query("SELECT FOO(ra) FROM gaiadr3.gaia_source", {}),
      (e: unknown) => e instanceof AdqlSemanticError && e.kind === "unknown-function",
    );
    await assert.rejects(
      engine.query("SELECT IN_UNIT(ra, 'rad') FROM gaiadr3.gaia_source", {}),
      (e: unknown) => e instanceof AdqlSemanticError && e.kind === "unsupported",
    );
    await assert.rejects(
      engine.query(
        "SELECT ra FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('GALACTIC', l, b), CIRCLE(0, 0, 1))",
        {},
      ),
      (e: unknown) => e instanceof AdqlSemanticError && /GALACTIC/.test(e.message),
    );
    await assert.rejects(engine.query("SELEKT * FROM gaiadr3.gaia_source", {}), AdqlSyntaxError);
  });
});

Deno.test("ArchiveEngine.query() sorts NULLs as PostgreSQL does (last ascending, first descending)", async () => {
  await withEngine(async (engine) => {
    const { table: d } = await engine.query(
      "SELECT TOP 3 parallax FROM gaiadr3.gaia_source ORDER BY parallax DESC",
      {},
    );
    assert.equal(d.getChild("parallax")!.get(0), null);
    const { table: a } = await engine.query(
      "SELECT TOP 3 parallax FROM gaiadr3.gaia_source ORDER BY parallax",
      {},
    );
    assert.equal(
      a.getChild("parallax")!.get(0),
      Math.min(...Array.from(sky.parallax).filter((p) => !Number.isNaN(p))),
    );
  });
});

Deno.test("ArchiveEngine.query() returns SUM of integers as long and of floats as double", async () => {
  await withEngine(async (engine) => {
    const { table } = await engine.query(
      "SELECT SUM(CAST(has_rvs AS INTEGER)) AS n, SUM(ra) AS s FROM gaiadr3.gaia_source",
      {},
    );
    assert.equal(table.getChild("n")!.get(0), BigInt(sky.hasRvs.filter((b) => b).length));
    assert.equal(columnMeta(table.schema.fields[0]).datatype, "long");
    const s = Array.from(sky.ra).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs((table.getChild("s")!.get(0) as number) - s) < 1e-6 * s);
    assert.equal(columnMeta(table.schema.fields[1]).datatype, "double");
  });
});
