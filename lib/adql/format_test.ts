import assert from "node:assert/strict";
import fc from "fast-check";
import type { Expr, FromItem, Identifier, SelectItem, SelectStatement } from "./ast.ts";
import { formatAdql } from "./format.ts";
import { parseAdql } from "./parser.ts";

const regular = fc.constantFrom("ra", "dec", "x", "source_id", "Mixed_Case", "a1", "dist");
const ident: fc.Arbitrary<Identifier> = fc.oneof(
  regular.map((name) => ({ name, quoted: false, at: 0 })),
  fc.string({ minLength: 1, maxLength: 8 }).map((name) => ({ name, quoted: true, at: 0 })),
);
const numberLit: fc.Arbitrary<Expr> = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map((b) => b.toString()),
  fc.double({ min: 0, max: 1e300, noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
).map((text) => ({
  kind: "number" as const,
  text,
  value: Number(text),
  integer: /^[0-9]+$/.test(text),
  at: 0,
}));
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  numberLit,
  fc.string({ maxLength: 6 }).map((value) => ({ kind: "string" as const, value, at: 0 })),
  fc.constant({ kind: "null" as const, at: 0 }),
  fc.tuple(fc.array(ident, { maxLength: 2 }), ident).map(([qualifier, name]) => ({
    kind: "column" as const,
    qualifier,
    name,
    at: 0,
  })),
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const e = tie("expr") as fc.Arbitrary<Expr>;
  return {
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.record({
        kind: fc.constant("unary" as const),
        op: fc.constantFrom("-", "+"),
        operand: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("binary" as const),
        op: fc.constantFrom("+", "-", "*", "/", "||"),
        left: e,
        right: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("compare" as const),
        op: fc.constantFrom("=", "<>", "<", ">", "<=", ">="),
        left: e,
        right: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("logical" as const),
        op: fc.constantFrom("AND", "OR"),
        left: e,
        right: e,
        at: fc.constant(0),
      }),
      fc.record({ kind: fc.constant("not" as const), operand: e, at: fc.constant(0) }),
      fc.record({
        kind: fc.constant("between" as const),
        not: fc.boolean(),
        expr: e,
        low: e,
        high: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("like" as const),
        not: fc.boolean(),
        caseInsensitive: fc.boolean(),
        expr: e,
        pattern: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("isnull" as const),
        not: fc.boolean(),
        expr: e,
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("in" as const),
        not: fc.boolean(),
        expr: e,
        list: fc.array(e, { minLength: 1, maxLength: 3 }),
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("function" as const),
        name: fc.constantFrom("ABS", "POINT", "CIRCLE", "CONTAINS", "DISTANCE", "COALESCE", "PI"),
        args: fc.array(e, { maxLength: 3 }),
        distinct: fc.constant(false),
        star: fc.constant(false),
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("function" as const),
        name: fc.constantFrom("COUNT", "SUM", "MAX"),
        args: fc.array(e, { minLength: 1, maxLength: 1 }),
        distinct: fc.boolean(),
        star: fc.constant(false),
        at: fc.constant(0),
      }),
      fc.record({
        kind: fc.constant("case" as const),
        operand: fc.option(e, { nil: undefined }),
        whens: fc.array(fc.record({ when: e, then: e }), { minLength: 1, maxLength: 2 }),
        else: fc.option(e, { nil: undefined }),
        at: fc.constant(0),
      }).map((c) => {
        const out = { ...c } as Record<string, unknown>;
        if (c.operand === undefined) delete out.operand;
        if (c.else === undefined) delete out.else;
        return out as unknown as Expr;
      }),
      fc.record({
        kind: fc.constant("cast" as const),
        expr: e,
        type: fc.constantFrom("INTEGER", "DOUBLE PRECISION", "BIGINT", "REAL"),
        at: fc.constant(0),
      }),
    ),
  };
});

const tableRef: fc.Arbitrary<FromItem> = fc.tuple(
  ident,
  ident,
  fc.option(ident, { nil: undefined }),
)
  .map(([schema, table, alias]) => {
    const t: FromItem = { kind: "table", name: { schema, table, at: 0 }, at: 0 };
    if (alias) t.alias = alias;
    return t;
  });
const fromItem: fc.Arbitrary<FromItem> = fc.oneof(
  tableRef,
  fc.tuple(tableRef, tableRef, fc.constantFrom("INNER", "LEFT", "RIGHT", "FULL"), expr).map((
    [left, right, type, on],
  ) => ({ kind: "join" as const, type, natural: false, left, right, on, at: 0 })),
);
const selectItem: fc.Arbitrary<SelectItem> = fc.oneof(
  fc.constant({ kind: "star" as const, at: 0 }),
  fc.tuple(expr, fc.option(ident, { nil: undefined })).map(([e, alias]) =>
    alias
      ? { kind: "expr" as const, expr: e, alias, at: 0 }
      : { kind: "expr" as const, expr: e, at: 0 }
  ),
);
const statement: fc.Arbitrary<SelectStatement> = fc.record({
  quantifier: fc.option(fc.constantFrom("ALL" as const, "DISTINCT" as const), { nil: undefined }),
  top: fc.option(fc.nat(100000), { nil: undefined }),
  columns: fc.array(selectItem, { minLength: 1, maxLength: 3 }),
  from: fc.array(fromItem, { minLength: 1, maxLength: 2 }),
  where: fc.option(expr, { nil: undefined }),
  groupBy: fc.array(expr, { maxLength: 2 }),
  having: fc.option(expr, { nil: undefined }),
  orderBy: fc.array(fc.record({ expr, desc: fc.boolean(), at: fc.constant(0) }), { maxLength: 2 }),
  offset: fc.option(fc.nat(1000), { nil: undefined }),
}).map((s) => {
  const out: Record<string, unknown> = { kind: "select", at: 0 };
  for (const [k, v] of Object.entries(s)) if (v !== undefined) out[k] = v;
  return out as unknown as SelectStatement;
});

function stripAt(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripAt);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k !== "at" && v !== undefined) out[k] = stripAt(v);
    }
    return out;
  }
  return x;
}

Deno.test("formatAdql() output parses back to the same tree (fast-check)", () => {
  fc.assert(
    fc.property(statement, (ast) => {
      const text = formatAdql(ast);
      assert.deepEqual(stripAt(parseAdql(text)), stripAt(ast), text);
    }),
    { numRuns: 400, seed: 20160 },
  );
});

Deno.test("formatAdql() is idempotent on parsed text", () => {
  const q =
    "select  a.ra , -(-1) , 'it''s' as \"S\" from gaiadr3.gaia_source a where not (a.x=1 or a.y=2) and a.z between 1 and 2";
  const once = formatAdql(parseAdql(q));
  assert.equal(formatAdql(parseAdql(once)), once);
  assert.equal(
    once,
    "SELECT a.ra, -(-1), 'it''s' AS \"S\" FROM gaiadr3.gaia_source AS a WHERE NOT (a.x = 1 OR a.y = 2) AND a.z BETWEEN 1 AND 2",
  );
});
