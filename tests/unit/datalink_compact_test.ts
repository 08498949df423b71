import assert from "node:assert/strict";
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int64,
  List,
  Table,
  tableFromArrays,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { compactTables } from "../../lib/datalink/compact.ts";

function rows(t: Table): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < t.numRows; i++) {
    out.push(t.schema.fields.map((f) => {
      const v = t.getChild(f.name)!.get(i);
      return v && typeof v === "object" && "toArray" in v ? [...(v as Iterable<unknown>)] : v;
    }));
  }
  return out;
}

function piece(seed: number, n: number): Table {
  const pick = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i + seed));
  return new Table({
    id: vectorFromArray(
      pick((i) => (i % 5 === 0 ? null : BigInt(i) * 10_000_000_000n)),
      new Int64(),
    ),
    band: vectorFromArray(
      pick((i) => (i % 7 === 3 ? null : ["G", "BP", "RP", "é"][i % 4])),
      new Utf8(),
    ),
    mag: vectorFromArray(pick((i) => (i % 3 === 0 ? null : i / 7)), new Float64()),
    f32: vectorFromArray(pick((i) => i / 2), new Float32()),
    n: vectorFromArray(pick((i) => i % 300), new Int16()),
    ok: vectorFromArray(pick((i) => (i % 11 === 0 ? null : i % 2 === 0)), new Bool()),
    date: vectorFromArray(pick((i) => 1_600_000_000_000 + i), new TimestampMillisecond("UTC")),
    cov: vectorFromArray(
      pick((i) => (i % 4 === 1 ? null : [i, -i])),
      new FixedSizeList(2, new Field("x", new Float64(), true)),
    ),
    samples: vectorFromArray(
      pick((i) => (i % 6 === 2 ? null : Array.from({ length: i % 4 }, (_, k) => i + k))),
      new List(new Field("x", new Float64(), true)),
    ),
  });
}

Deno.test("compactTables() gives one batch with the same rows and nulls as Table.concat", () => {
  // Odd sizes so that bit-packed columns (validity, Bool) start mid-byte.
  const parts = [piece(0, 13), piece(100, 1), piece(7, 29), piece(3, 0), piece(50, 9)];
  // The reference leaves the empty table out (Arrow JS's concat trips on its missing batch).
  const live = parts.filter((p) => p.numRows > 0);
  const ref = live[0].concat(...live.slice(1));
  const got = compactTables(parts);
  assert.equal(got.batches.length, 1);
  assert.equal(got.numRows, ref.numRows);
  assert.deepEqual(rows(got), rows(ref));
  for (const f of ref.schema.fields) {
    assert.equal(got.getChild(f.name)!.nullCount, ref.getChild(f.name)!.nullCount, f.name);
    assert.equal(String(got.schema.fields.find((g) => g.name === f.name)!.type), String(f.type));
  }
});

Deno.test("compactTables() copies sliced tables from their offsets", () => {
  const whole = piece(1, 40);
  const parts = [whole.slice(3, 17), whole.slice(17, 18), whole.slice(21, 40)];
  const got = compactTables(parts);
  assert.equal(got.batches.length, 1);
  assert.deepEqual(rows(got), rows(parts[0].concat(...parts.slice(1))));
});

Deno.test("compactTables() keeps the first schema's metadata and refuses no input", () => {
  const a = piece(0, 3), b = piece(5, 2);
  a.schema.metadata.set("format", "votable");
  assert.equal(compactTables([a, b]).schema.metadata.get("format"), "votable");
  assert.throws(() => compactTables([]), RangeError);
});

Deno.test("compactTables() falls back to listing batches for types it does not copy", () => {
  const a = tableFromArrays({ s: ["a", "b"] }); // dictionary-encoded
  const b = tableFromArrays({ s: ["c"] });
  const got = compactTables([a, b]);
  assert.equal(got.numRows, 3);
  assert.equal(got.getChild("s")!.get(2), "c");
});
