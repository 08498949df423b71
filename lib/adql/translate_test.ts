import assert from "node:assert/strict";
import type { TableName } from "./ast.ts";
import { AdqlSemanticError } from "./errors.ts";
import { parseAdql } from "./parser.ts";
import { type ResolvedTable, translateAdql } from "./translate.ts";

const TABLES: Record<string, ResolvedTable> = {
  "gaiadr3.gaia_source": {
    adqlName: "gaiadr3.gaia_source",
    sql: '"gaiadr3"."gaia_source"',
    columns: [
      { name: "source_id", datatype: "long" },
      { name: "ra", datatype: "double", unit: "deg" },
      { name: "dec", datatype: "double", unit: "deg" },
      { name: "designation", datatype: "char" },
      { name: "Weird Name", datatype: "int" },
    ],
  },
};

function sql(q: string, limit?: number) {
  return translateAdql(parseAdql(q), q, {
    resolveTable: (n: TableName, at: number) => {
      const k = `${n.schema?.name.toLowerCase()}.${n.table.name.toLowerCase()}`;
      const t = TABLES[k];
      if (!t) throw new AdqlSemanticError("unknown-table", `Unknown table '${k}'`, q, at);
      return t;
    },
    limit,
  });
}

Deno.test("translateAdql() re-quotes resolved names and re-emits literals", () => {
  const t = sql(
    `SELECT TOP 3 "Weird Name" AS w, designation FROM gaiadr3.gaia_source WHERE designation = 'it''s; DROP TABLE x' AND source_id = 5929246508730155392`,
  );
  assert.match(t.sql, /"Weird Name" AS "w"/);
  assert.match(t.sql, /'it''s; DROP TABLE x'/);
  assert.match(t.sql, / = 5929246508730155392\)/);
  assert.match(t.sql, /LIMIT 3$/);
  assert.deepEqual(t.columns.map((c) => c.name), ["w", "designation"]);
  assert.equal(t.columns[0].source?.datatype, "int");
});

Deno.test("translateAdql() names output columns uniquely and keeps source metadata", () => {
  const t = sql(
    "SELECT ra, ra, COUNT(*), DISTANCE(POINT(ra, dec), POINT(1, 2)), ra + 1 FROM gaiadr3.gaia_source GROUP BY ra",
  );
  assert.deepEqual(t.columns.map((c) => c.name), ["ra", "ra_2", "count", "distance", "expr"]);
  assert.equal(t.columns[0].source?.unit, "deg");
  assert.equal(t.columns[2].computed?.datatype, "long");
  assert.equal(t.columns[3].computed?.unit, "deg");
});

Deno.test("translateAdql() applies the smaller of TOP and the caller's limit", () => {
  assert.match(sql("SELECT TOP 10 ra FROM gaiadr3.gaia_source", 4).sql, /LIMIT 4$/);
  assert.match(sql("SELECT TOP 2 ra FROM gaiadr3.gaia_source", 4).sql, /LIMIT 2$/);
  assert.match(sql("SELECT ra FROM gaiadr3.gaia_source", 4).sql, /LIMIT 4$/);
  assert.match(sql("SELECT ra FROM gaiadr3.gaia_source OFFSET 7", 4).sql, /LIMIT 4 OFFSET 7$/);
});

Deno.test("translateAdql() puts a declination band in front of a cone with constant centre", () => {
  const t = sql(
    "SELECT ra FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 0.5))",
  );
  assert.match(t.sql, /"dec" BETWEEN 23\.62 AND 24\.62/);
  // the negated form keeps the same condition under NOT
  const n = sql(
    "SELECT ra FROM gaiadr3.gaia_source WHERE 0 = CONTAINS(POINT(ra, dec), CIRCLE(56.75, 24.12, 0.5))",
  );
  assert.match(n.sql, /\(NOT \(/);
});

Deno.test("translateAdql() rejects unsupported geometry with a clear error", () => {
  assert.throws(
    () =>
      sql(
        "SELECT ra FROM gaiadr3.gaia_source WHERE 1 = INTERSECTS(BOX(1, 2, 3, 4), CIRCLE(1, 2, 3))",
      ),
    (e: unknown) => e instanceof AdqlSemanticError && e.kind === "unsupported",
  );
  assert.throws(
    () => sql("SELECT POINT(ra, dec) FROM gaiadr3.gaia_source"),
    (e: unknown) => e instanceof AdqlSemanticError && /geometry value/.test(e.message),
  );
  // non-convex polygons are fine up to a hemisphere
  assert.match(
    sql(
      "SELECT ra FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON(0, 0, 10, 0, 5, 1, 10, 10, 0, 10))",
    ).sql,
    /% 2 = 1/,
  );
  assert.throws(
    () =>
      sql(
        "SELECT ra FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON(0, -80, 120, -80, 60, 0, 240, -80, 300, 80))",
      ),
    (e: unknown) => e instanceof AdqlSemanticError && /hemisphere/.test(e.message),
  );
  assert.throws(
    () => sql("SELECT ra FROM gaiadr3.gaia_source ORDER BY 3"),
    (e: unknown) => e instanceof AdqlSemanticError && /Position 3 is out of range/.test(e.message),
  );
});
