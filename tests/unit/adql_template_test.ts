import assert from "node:assert/strict";
import fc from "fast-check";
import {
  adql,
  AdqlFragment,
  box,
  circle,
  coneSearch,
  identifier,
  parseAdql,
  point,
  polygon,
  quotedIdentifier,
  toDegrees,
} from "../../lib/adql/mod.ts";

function firstExpr(text: string) {
  const q = parseAdql(text);
  const item = q.columns[0]!;
  assert.equal(item.kind, "expr");
  return (item as { expr: { kind: string; value?: unknown; text?: string } }).expr;
}

Deno.test("adql`` turns any string into one string literal that parses back to it", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.includes("\0")),
      (s) => {
        const q = adql`SELECT ${s} FROM t WHERE x = 1`;
        const e = firstExpr(q.text);
        assert.equal(e.kind, "string");
        assert.equal(e.value, s);
      },
    ),
    { seed: 20160, numRuns: 500 },
  );
});

Deno.test("adql`` injection attempts stay inside the literal", () => {
  const evil = "' OR 1=1; DROP TABLE x; --";
  const q = adql`SELECT * FROM t WHERE name = ${evil}`;
  assert.equal(q.text, "SELECT * FROM t WHERE name = ''' OR 1=1; DROP TABLE x; --'");
  const parsed = parseAdql(q.text);
  assert.equal((parsed.where as { kind: string }).kind, "compare");
});

Deno.test("adql`` keeps bigints exact and numbers finite", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      assert.equal(adql`${n}`.text, n.toString());
    }),
    { seed: 1, numRuns: 200 },
  );
  assert.equal(adql`${-0}`.text, "0");
  assert.equal(adql`${1.5e-7}`.text, "1.5e-7");
  for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => adql`${bad}`, TypeError);
});

Deno.test("adql`` makes IN lists from arrays and refuses empty ones", () => {
  assert.equal(adql`x IN ${[1, "a", 3n]}`.text, "x IN (1, 'a', 3)");
  assert.throws(() => adql`x IN ${[]}`, /empty array/);
  assert.throws(() => adql`x IN ${[1, {}]}`, /value #1\[1\]/);
});

Deno.test("adql`` writes dates as ISO literals and refuses invalid ones", () => {
  assert.equal(adql`${new Date(Date.UTC(2016, 0, 1))}`.text, "'2016-01-01T00:00:00.000Z'");
  assert.throws(() => adql`${new Date("nope")}`, TypeError);
});

Deno.test("adql`` refuses objects, booleans, null, undefined, functions and symbols", () => {
  for (const bad of [{}, true, null, undefined, () => 1, Symbol("s"), new Map()]) {
    assert.throws(() => adql`SELECT ${bad}`, TypeError);
  }
  assert.throws(() => adql`SELECT ${true}`, /no boolean literal/);
});

Deno.test("adql`` nests fragments and identifiers without quoting them as strings", () => {
  const cond = adql`phot_g_mean_mag < ${18}`;
  const q = adql`SELECT ${adql.id("Weird Col")} FROM ${
    adql.id("gaiadr3", "gaia_source")
  } WHERE ${cond}`;
  assert.equal(q.text, 'SELECT "Weird Col" FROM gaiadr3.gaia_source WHERE phot_g_mean_mag < 18');
  assert.ok(q instanceof AdqlFragment);
  assert.equal(String(q), q.text);
  parseAdql(q.text);
});

Deno.test("identifier() quotes reserved and irregular names, doubling quotes", () => {
  assert.equal(identifier("select").text, '"select"');
  assert.equal(identifier("RA").text, '"RA"');
  assert.equal(identifier("dec").text, "dec");
  assert.equal(quotedIdentifier('x"y').text, '"x""y"');
  assert.throws(() => identifier(""), TypeError);
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes("\0")),
      (s) => {
        const e = firstExpr(`SELECT ${quotedIdentifier(s).text} FROM t`) as unknown as {
          kind: string;
          name: { name: string };
        };
        assert.equal(e.kind, "column");
        assert.equal(e.name.name, s);
      },
    ),
    { seed: 7, numRuns: 300 },
  );
});

Deno.test("toDegrees() reads units and refuses bad input", () => {
  assert.equal(toDegrees("2 arcmin"), Number((2 / 60).toPrecision(15)));
  assert.equal(toDegrees("5arcsec"), Number((5 / 3600).toPrecision(15)));
  assert.equal(toDegrees({ value: 1000, unit: "mas" }), Number((1 / 3600).toPrecision(15)));
  assert.equal(toDegrees("1 deg"), 1);
  assert.throws(() => toDegrees("2 parsecs"), /Unknown angle unit/);
  assert.throws(() => toDegrees("-1 deg"), RangeError);
  assert.throws(() => toDegrees("lots"), TypeError);
});

Deno.test("geometry helpers build parseable ADQL", () => {
  const where = adql`1 = CONTAINS(${point("ra", "dec")}, ${circle(56.75, 24.12, "1 deg")})`;
  parseAdql(`SELECT * FROM t WHERE ${where}`);
  parseAdql(`SELECT * FROM t WHERE 1 = CONTAINS(${point("ra", "dec")}, ${box(10, 20, 1, 2)})`);
  parseAdql(
    `SELECT * FROM t WHERE 1 = CONTAINS(${point("ra", "dec")}, ${
      polygon([[1, 1], [2, 1], [1, 2]])
    })`,
  );
  assert.throws(() => polygon([[1, 1], [2, 2]]), RangeError);
  assert.equal(point(1, 2, { frame: null }).text, "POINT(1, 2)");
});

Deno.test("coneSearch() builds the cone query with distance, order and extra condition", () => {
  const q = coneSearch({
    table: "gaiadr3.gaia_source",
    ra: 56.75,
    dec: 24.12,
    radius: { value: 30, unit: "arcmin" },
    columns: ["source_id"],
    where: adql`phot_g_mean_mag < ${18}`,
    distanceColumn: "d",
  });
  assert.equal(
    q.text,
    "SELECT source_id, DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 56.75, 24.12)) AS d " +
      "FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 0.5)) " +
      "AND (phot_g_mean_mag < 18) ORDER BY d",
  );
  parseAdql(q.text);
  assert.throws(() => coneSearch({ table: "t", ra: 1, dec: 91, radius: 1 }), RangeError);
  assert.throws(
    () =>
      coneSearch({ table: "t", ra: 1, dec: 1, radius: 1, where: "x=1" as unknown as AdqlFragment }),
    TypeError,
  );
});
