/**
 * deno-gaia loads apache-arrow from a one-module bundle (lib/vendor), so a
 * table built with a separately imported npm:apache-arrow is a different
 * copy's classes. These tests hand such tables to every entry point that
 * takes a table and check the values that come out.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import * as npmArrow from "npm:apache-arrow@21.2.0";
import { DataType, type Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { asOwnTable, isArrowTable, toArrowIPC } from "../../lib/table/arrow_table.ts";
import { fromPolars, toPolars } from "../../lib/table/polars.ts";
import { encodeUpload } from "../../lib/tap/upload.ts";
import { readVOTable } from "../../lib/votable/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { renderTable } from "../../lib/notebook/table_display.ts";
import { propagate } from "../../lib/gaia/propagate.ts";

function foreignTable(): npmArrow.Table {
  return new npmArrow.Table({
    source_id: npmArrow.vectorFromArray(
      [4295806720n, null, 9007199254740993n],
      new npmArrow.Int64(),
    ),
    ra: npmArrow.vectorFromArray([45.5, 46.25, null], new npmArrow.Float64()),
    name: npmArrow.vectorFromArray(["Alcyone", null, "Maia & <Merope>"]),
    n: npmArrow.vectorFromArray([1, 2, 3], new npmArrow.Int16()),
    mags: npmArrow.vectorFromArray(
      [[1.5, 2], [], null],
      new npmArrow.List(new npmArrow.Field("item", new npmArrow.Float32(), true)),
    ),
    pos: npmArrow.vectorFromArray(
      [{ a: 1 }, null, { a: 3 }],
      new npmArrow.Struct([new npmArrow.Field("a", new npmArrow.Int32(), true)]),
    ),
    t: npmArrow.vectorFromArray(
      [new Date(0), null, new Date(86_400_000)],
      new npmArrow.TimestampMillisecond(),
    ),
  });
}

const EXPECTED = [
  { source_id: 4295806720n, ra: 45.5, name: "Alcyone", n: 1, mags: [1.5, 2], pos: { a: 1 }, t: 0 },
  { source_id: null, ra: 46.25, name: null, n: 2, mags: [], pos: null, t: null },
  {
    source_id: 9007199254740993n,
    ra: null,
    name: "Maia & <Merope>",
    n: 3,
    mags: null,
    pos: { a: 3 },
    t: 86_400_000,
  },
];

function rows(t: Table) {
  return t.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    if (o.mags) o.mags = Array.from(o.mags as Iterable<number>);
    if (o.pos) o.pos = { ...(o.pos as { toJSON(): object }).toJSON() };
    return o;
  });
}

Deno.test("a table from npm:apache-arrow is another copy's classes (the case these tests cover)", () => {
  const f = foreignTable();
  assert.equal(f.schema.fields[0].type instanceof DataType, false);
  assert.ok(isArrowTable(f));
  assert.ok(!isArrowTable({ numRows: 3 }));
  assert.ok(!isArrowTable(null));
});

Deno.test("asOwnTable() re-wraps a foreign table without copying, and IPC round-trips every value", () => {
  const f = foreignTable();
  const own = asOwnTable(f as unknown as Table);
  assert.ok(own.schema.fields.every((x) => x.type instanceof DataType));
  assert.equal(
    own.getChild("ra")!.data[0].values.buffer,
    f.getChild("ra")!.data[0].values.buffer,
    "buffers are shared",
  );
  assert.deepEqual(rows(tableFromIPC(tableToIPC(own))), EXPECTED);
  const mine = tableFromIPC(tableToIPC(own));
  assert.equal(asOwnTable(mine), mine);
  assert.throws(() => asOwnTable({} as Table), TypeError);
});

Deno.test("toPolars() of a foreign table keeps int64 exact and nulls", async () => {
  const df = await toPolars(foreignTable() as unknown as Table);
  assert.equal(df.height, 3);
  // Polars' toArray() turns int64 with nulls into numbers: read it back as Arrow.
  const back = await fromPolars(df);
  assert.deepEqual(Array.from(back.getChild("source_id")!), [4295806720n, null, 9007199254740993n]);
  assert.deepEqual(Array.from(back.getChild("name")!), ["Alcyone", null, "Maia & <Merope>"]);
});

Deno.test("encodeUpload() of a foreign table writes the same rows as VOTable", async () => {
  const f = npmArrow.tableFromArrays({
    source_id: BigInt64Array.from([4295806720n, 9007199254740993n]),
    ra: Float64Array.from([45.5, 46.25]),
  });
  const bytes = encodeUpload("t", f as unknown as Table) as Uint8Array;
  const { table } = await collectTable(readVOTable(bytes));
  assert.deepEqual(
    Array.from(table.getChild("source_id")!.toArray() as BigInt64Array),
    [4295806720n, 9007199254740993n],
  );
  assert.deepEqual(Array.from(table.getChild("ra")!.toArray() as Float64Array), [45.5, 46.25]);
});

Deno.test("renderTable() of a foreign table shows its values", () => {
  const bundle = renderTable(foreignTable() as unknown as Table);
  const html = bundle["text/html"] as string;
  assert.match(html, /9007199254740993/);
  assert.match(html, /Maia &amp; &lt;Merope&gt;/);
});

Deno.test("propagate() accepts a foreign table", () => {
  const f = npmArrow.tableFromArrays({
    ra: Float64Array.from([10]),
    dec: Float64Array.from([20]),
    pmra: Float64Array.from([0]),
    pmdec: Float64Array.from([1000]),
  });
  const t = propagate(f as unknown as Table, { epoch: 2017, from: 2016 });
  assert.ok(Math.abs((t.getChild("dec")!.get(0) as number) - (20 + 1 / 3600)) < 1e-9);
});

Deno.test("toArrowIPC() hands our tables to another apache-arrow copy", () => {
  const ours = asOwnTable(foreignTable() as unknown as Table);
  const theirs = npmArrow.tableFromIPC(toArrowIPC(ours));
  assert.equal(theirs.getChild("source_id")!.get(2), 9007199254740993n);
  assert.equal(theirs.getChild("name")!.get(2), "Maia & <Merope>");
  assert.equal(npmArrow.tableFromIPC(toArrowIPC(ours, "stream")).numRows, 3);
});
