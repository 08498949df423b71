import assert from "node:assert/strict";
import {
  Bool,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromArrays,
  Type,
  Utf8,
} from "apache-arrow";
import { BoolBuilder, Float64Builder, Int64Builder, Utf8Builder } from "./builders.ts";
import { getColumnMeta, schemaQueryStatus } from "./metadata.ts";
import { fromPolars, loadPolars, polarsColumnMeta, setPolarsMeta, toPolars } from "./polars.ts";

function sample(): Table {
  const schema = new Schema(
    [
      new Field(
        "source_id",
        new Int64(),
        true,
        new Map([["ucd", "meta.id;meta.main"], ["description", "Source id"]]),
      ),
      new Field("ra", new Float64(), true, new Map([["unit", "deg"], ["ucd", "pos.eq.ra"]])),
      new Field("designation", new Utf8(), true),
      new Field("has_rvs", new Bool(), true),
    ],
    new Map([["query_status", "OVERFLOW"]]),
  );
  const id = new Int64Builder(),
    ra = new Float64Builder(),
    des = new Utf8Builder(),
    rvs = new BoolBuilder();
  const ids = [
    5929246508730155392n,
    -9223372036854775808n,
    9223372036854775807n,
    9007199254740993n,
  ];
  ids.forEach((v, i) => {
    id.append(v);
    if (i === 1) ra.appendNull();
    else ra.append(i + 0.5);
    if (i === 2) des.appendNull();
    else des.appendString(`Gaia DR3 ${v} β`);
    if (i === 3) rvs.appendNull();
    else rvs.append(i % 2 === 0);
  });
  id.appendNull();
  ra.append(1);
  des.appendString("");
  rvs.append(true);
  const children = [id.finish(), ra.finish(), des.finish(), rvs.finish()];
  return new Table(
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 5, children })),
  );
}

Deno.test("toPolars() is exact for int64 beyond 2^53, nulls, strings (not categorical) and booleans", async () => {
  const pl = await loadPolars();
  const df = await toPolars(sample());
  assert.equal(df.height, 5);
  assert.equal(String(df.getColumn("designation").dtype), String(pl.String));
  assert.equal(String(df.getColumn("source_id").dtype), String(pl.Int64));
  // Exact values through Arrow (Polars' own get() rounds int64).
  const back = await fromPolars(df);
  assert.deepEqual(
    Array.from({ length: 5 }, (_, i) => back.getChild("source_id")!.get(i)),
    [5929246508730155392n, -9223372036854775808n, 9223372036854775807n, 9007199254740993n, null],
  );
  assert.equal(df.getColumn("ra").nullCount(), 1);
  assert.equal(df.getColumn("designation").nullCount(), 1);
  assert.equal(df.getColumn("has_rvs").nullCount(), 1);
  // Polars computes on the exact values: sorting tells 2^53 + 1 apart from
  // neighbours a double could not (comparing with a bigint literal would not:
  // nodejs-polars turns the literal into a float, one of its int64 pitfalls).
  const sorted = await fromPolars(df.dropNulls("source_id").sort("source_id"));
  assert.deepEqual(
    Array.from({ length: 4 }, (_, i) => sorted.getChild("source_id")!.get(i)),
    [-9223372036854775808n, 9007199254740993n, 5929246508730155392n, 9223372036854775807n],
  );
});

Deno.test("fromPolars() gives plain Utf8 and puts column metadata back", async () => {
  const t = sample();
  const back = await fromPolars(await toPolars(t));
  assert.equal(back.getChild("designation")!.type.typeId, Type.Utf8, "Utf8View converted");
  assert.deepEqual(back.getChild("designation")!.toArray(), t.getChild("designation")!.toArray());
  assert.deepEqual(back.getChild("has_rvs")!.toArray(), t.getChild("has_rvs")!.toArray());
  assert.equal(getColumnMeta(back, "ra")?.unit, "deg");
  assert.equal(getColumnMeta(back, "source_id")?.description, "Source id");
  assert.equal(schemaQueryStatus(back.schema)?.status, "OVERFLOW");
});

Deno.test("polarsColumnMeta() and setPolarsMeta() keep units for frames made by toPolars or derived", async () => {
  const t = sample();
  const df = await toPolars(t);
  assert.equal(polarsColumnMeta(df, "ra")?.unit, "deg");
  assert.equal(polarsColumnMeta(df, "ra")?.ucd, "pos.eq.ra");
  assert.equal(polarsColumnMeta(df, "missing"), undefined);
  const derived = df.select("ra", "source_id");
  assert.equal(
    polarsColumnMeta(derived, "ra"),
    undefined,
    "a derived frame has no record of its own",
  );
  const viaOption = await fromPolars(derived, { metadataFrom: t });
  assert.equal(getColumnMeta(viaOption, "ra")?.unit, "deg");
  setPolarsMeta(derived, t);
  assert.equal(polarsColumnMeta(derived, "ra")?.unit, "deg");
});

Deno.test("toPolars() decodes dictionary-encoded strings so Polars gets String", async () => {
  const pl = await loadPolars();
  const t = tableFromArrays({ flag: ["VARIABLE", "NOT_AVAILABLE", "VARIABLE"] });
  assert.equal(t.getChild("flag")!.type.typeId, Type.Dictionary);
  const df = await toPolars(t);
  assert.equal(String(df.getColumn("flag").dtype), String(pl.String));
  assert.deepEqual(df.getColumn("flag").toArray(), ["VARIABLE", "NOT_AVAILABLE", "VARIABLE"]);
});

Deno.test("toPolars() and fromPolars() keep an empty table's schema", async () => {
  const t = new Table(
    new Schema([new Field("x", new Float64(), true, new Map([["unit", "mag"]]))]),
  );
  const back = await fromPolars(await toPolars(t));
  assert.equal(back.numRows, 0);
  assert.equal(getColumnMeta(back, "x")?.unit, "mag");
});
