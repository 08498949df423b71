import assert from "node:assert/strict";
import { AdqlSyntaxError } from "./errors.ts";
import { formatAdql } from "./format.ts";
import { parseAdql } from "./parser.ts";

/** Queries that must parse: PROTOCOL.md, DaCHS fixtures, astroquery, ADQL coverage. */
const ACCEPTED = [
  // PROTOCOL.md / DaCHS fixtures
  "SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (64942654294589445, 34634616274944, 506565622759429, 676577608204294, 22676671408635908) ORDER BY source_id",
  "SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE 1=CONTAINS(POINT('ICRS',ra,dec), CIRCLE('ICRS',56.75,24.12,1))",
  "SELECT TOP 5 source_id, DISTANCE(POINT('ICRS',ra,dec), POINT('ICRS',56.75,24.12)) AS dist FROM gaiadr3.gaia_source WHERE DISTANCE(POINT('ICRS',ra,dec), POINT('ICRS',56.75,24.12)) < 0.5 ORDER BY dist",
  "SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id",
  "SELECT source_id, ra, dec FROM gaiadr3.gaia_source",
  "SELECT TOP 1 * FROM gaiadr3.nosuchtable",
  "SELECT TOP 1 nonexistent FROM gaiadr3.gaia_source",
  "SELECT * FROM TAP_UPLOAD.t1",
  "select top 5 * from gaiadr1.gaia_source",
  "SELECT TOP 2000 * FROM gaiadr3.gaia_source",
  // astroquery cone search / query_object / cross_match_basic / crossmatch
  "SELECT TOP 50 *, DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 56.75, 24.1167)) AS dist FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.1167, 0.5)) ORDER BY dist ASC",
  "SELECT TOP 50 DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 56.75, 24.1167)) as dist, * FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), BOX('ICRS', 56.75, 24.1167, 0.1, 0.1)) ORDER BY dist ASC",
  "SELECT a.*, DISTANCE(a.ra, a.dec, b.ra, b.dec) AS separation, b.* FROM user_alice.my_table AS a JOIN gaiadr3.gaia_source AS b ON DISTANCE(a.ra, a.dec, b.ra, b.dec) < 0.000277",
  "SELECT crossmatch_positional('user_alice','my_table','gaiadr3','gaia_source',1.0, 'xmatch') FROM dual;",
  'SELECT * FROM job_upload."job1714556098855O"',
  // grammar coverage
  'SELECT DISTINCT TOP 10 t.ra AS "Right Ascension", t."Weird Name" FROM s.t AS t',
  "SELECT ALL x FROM t",
  "SELECT a.*, b.x FROM t1 a, t2 b WHERE a.id = b.id",
  "SELECT * FROM t1 INNER JOIN t2 ON t1.id = t2.id LEFT OUTER JOIN t3 USING (id) RIGHT JOIN t4 ON 1 = 1 FULL OUTER JOIN t5 ON t5.k = t1.k CROSS JOIN t6 NATURAL JOIN t7",
  "SELECT * FROM (SELECT TOP 3 ra FROM t) AS sub",
  "SELECT * FROM (t1 JOIN t2 ON t1.a = t2.a)",
  "SELECT x FROM t WHERE y IN (SELECT y FROM u) AND NOT EXISTS (SELECT 1 FROM v WHERE v.y = t.y)",
  "SELECT x FROM t WHERE a BETWEEN 1 AND 2 OR b NOT BETWEEN -1 AND +1",
  "SELECT x FROM t WHERE s LIKE 'a%' AND s NOT LIKE '%b' AND s ILIKE 'C_'",
  "SELECT x FROM t WHERE a IS NULL AND b IS NOT NULL AND c NOT IN (1, 2.5, -3e-2)",
  "SELECT x, COUNT(*), COUNT(DISTINCT y), SUM(z), AVG(z), MIN(z), MAX(z) FROM t GROUP BY x HAVING COUNT(*) > 1 ORDER BY 2 DESC, x ASC OFFSET 10",
  "SELECT a + b * c - d / e, -a, (a + b) * c, 'x' || s || 'y' FROM t",
  "SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END FROM t",
  "SELECT CASE a WHEN 1 THEN 'one' END, CAST(a AS DOUBLE PRECISION), CAST(b AS VARCHAR(10)), CAST(c AS BIGINT) FROM t",
  "SELECT ABS(a), CEILING(a), DEGREES(a), EXP(a), FLOOR(a), LOG(a), LOG10(a), MOD(a, 2), PI(), POWER(a, 2), RADIANS(a), SQRT(a), RAND(), ROUND(a, 2), TRUNCATE(a, 1) FROM t",
  "SELECT ACOS(a), ASIN(a), ATAN(a), ATAN2(a, b), COS(a), COT(a), SIN(a), TAN(a), UPPER(s), LOWER(s), COALESCE(a, b, 0) FROM t",
  "SELECT COORD1(POINT(ra, dec)), COORD2(POINT('ICRS', ra, dec)), AREA(CIRCLE(1, 2, 3)) FROM t WHERE 1 = INTERSECTS(CIRCLE(ra, dec, 1), CIRCLE('ICRS', 10, 10, 2)) AND CONTAINS(POINT(ra, dec), POLYGON('ICRS', 10, 10, 12, 10, 11, 12)) = 1",
  "SELECT 0x1F, 1e5, .5, 5., 1.5E+3 FROM t",
  "SELECT x FROM t -- a comment\nWHERE y = 'it''s' /* block\n comment */",
  "SELECT x FROM gaiadr3.gaia_source WHERE source_id = 5929246508730155392",
  "SELECT x FROM t WHERE (a = 1) = (b = 2)",
  "SELECT gaia_healpix_index(6, source_id) AS hpx6, COUNT(*) FROM gaiadr3.gaia_source GROUP BY 1",
  "SELECT x FROM cat.s.t",
  "SELECT x FROM t WHERE - - 1 = 1",
];

Deno.test("parseAdql() accepts the archive's and astroquery's queries and core ADQL 2.1", () => {
  for (const q of ACCEPTED) {
    const ast = parseAdql(q);
    assert.equal(ast.kind, "select", q);
    // printing and re-parsing keeps the meaning
    const again = parseAdql(formatAdql(ast));
    assert.deepEqual(stripAt(again), stripAt(ast), q);
  }
});

Deno.test("parseAdql() keeps keywords case-insensitive and identifiers as written", () => {
  const ast = parseAdql('sElEcT tOp 3 Ra, "Dec" FrOm GaiaDR3.Gaia_Source');
  assert.equal(ast.top, 3);
  const c0 = ast.columns[0], c1 = ast.columns[1];
  assert.ok(c0.kind === "expr" && c0.expr.kind === "column");
  assert.equal(c0.expr.name.name, "Ra");
  assert.equal(c0.expr.name.quoted, false);
  assert.ok(c1.kind === "expr" && c1.expr.kind === "column" && c1.expr.name.quoted);
});

Deno.test("parseAdql() keeps big integer literals exact as text", () => {
  const ast = parseAdql("SELECT x FROM t WHERE source_id = 5929246508730155392");
  const w = ast.where!;
  assert.ok(w.kind === "compare" && w.right.kind === "number");
  assert.equal(w.right.text, "5929246508730155392");
  assert.equal(w.right.integer, true);
});

const REJECTED: [string, number, number, RegExp][] = [
  [
    "SELECT * FORM gaiadr3.gaia_source",
    1,
    10,
    /Unexpected 'FORM' at line 1, column 10; expected FROM/,
  ],
  ["SELEKT * FROM gaiadr3.gaia_source", 1, 1, /Unexpected 'SELEKT'.*expected SELECT/],
  ["SELEC TOP 5 * FROM gaiadr3.gaia_source", 1, 1, /Unexpected 'SELEC'/],
  ["SELECT ra,\n  FROM t", 2, 3, /Unexpected 'FROM' at line 2, column 3; expected an expression/],
  ["SELECT ra FROM t WHERE", 1, 23, /Unexpected end of query/],
  ["SELECT 'abc FROM t", 1, 8, /Unterminated string literal/],
  ['SELECT "abc FROM t', 1, 8, /Unterminated delimited identifier/],
  ["SELECT ra FROM t WHERE dec > 1 ORDER dec", 1, 38, /expected BY/],
  ["SELECT TOP x ra FROM t", 1, 12, /expected a row count after TOP/],
  ["SELECT ra FROM t WHERE a NOT 5", 1, 26, /Unexpected 'NOT'/],
  ["SELECT ra FROM t1 JOIN t2", 1, 26, /expected ON or USING/],
  ["SELECT ra FROM t UNION SELECT ra FROM u", 1, 18, /UNION' is not supported/],
  ["SELECT ra FROM t; DROP TABLE t", 1, 19, /Unexpected 'DROP'.*expected end of query/],
  ["SELECT 1e FROM t", 1, 8, /Malformed exponent/],
  ["SELECT 12abc FROM t", 1, 8, /Malformed numeric literal '12abc'/],
  ["SELECT ra FROM t WHERE a = @", 1, 28, /Unexpected character '@'/],
  ["SELECT ra FROM t /* open", 1, 18, /Unterminated comment/],
  ["SELECT CAST(a AS BLOB) FROM t", 1, 18, /expected a type/],
  ["SELECT select FROM t", 1, 8, /expected an expression/],
  ["SELECT ra FROM t WHERE x IN ()", 1, 30, /expected an expression/],
  ["SELECT ra FROM t WHERE s = 'a\u0000b'", 1, 30, /NUL character/],
];

Deno.test("parseAdql() rejects bad ADQL with the exact line, column and offset", () => {
  for (const [q, line, column, re] of REJECTED) {
    assert.throws(() => parseAdql(q), AdqlSyntaxError, q);
    try {
      parseAdql(q);
    } catch (err) {
      assert.ok(err instanceof AdqlSyntaxError, q);
      assert.ok(err instanceof SyntaxError);
      assert.equal(err.line, line, `${q}: ${err.message}`);
      assert.equal(err.column, column, `${q}: ${err.message}`);
      assert.match(err.message, re, q);
      assert.equal(err.query, q);
      const lines = q.split("\n");
      const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
      assert.equal(err.offset, offset, q);
    }
  }
});

Deno.test("parseAdql() refuses text longer than maxLength with a RangeError", () => {
  const q = "SELECT ra FROM t WHERE source_id IN (" + "1, ".repeat(50_000) + "1)";
  assert.throws(() => parseAdql(q), RangeError);
  assert.equal(parseAdql(q, { maxLength: 1_000_000 }).kind, "select");
});

Deno.test("parseAdql() refuses absurd nesting instead of overflowing the stack", () => {
  const q = "SELECT " + "(".repeat(5000) + "1" + ")".repeat(5000) + " FROM t";
  assert.throws(() => parseAdql(q), AdqlSyntaxError);
});

Deno.test("parseAdql() treats injection attempts as data or as syntax errors", () => {
  // a string stays a string literal, whatever it contains
  const ast = parseAdql("SELECT x FROM t WHERE name = '''; DROP TABLE x; --'");
  const w = ast.where!;
  assert.ok(w.kind === "compare" && w.right.kind === "string");
  assert.equal(w.right.value, "'; DROP TABLE x; --");
  // a delimited identifier with quotes inside stays one identifier
  const ast2 = parseAdql('SELECT "a""; DROP TABLE t; --" FROM t');
  const c = ast2.columns[0];
  assert.ok(c.kind === "expr" && c.expr.kind === "column");
  assert.equal(c.expr.name.name, 'a"; DROP TABLE t; --');
  // a second statement is a syntax error, not a second statement
  assert.throws(() => parseAdql("SELECT x FROM t; DELETE FROM t"), AdqlSyntaxError);
  // a tautology is just a (harmless) condition of the one statement
  const ast3 = parseAdql("SELECT x FROM t WHERE a = 1 OR '1'='1'; --");
  assert.equal(ast3.where?.kind, "logical");
});

function stripAt(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripAt);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== "at") out[k] = stripAt(v);
    return out;
  }
  return x;
}
