import assert from "node:assert/strict";
import { Table, tableFromArrays } from "apache-arrow";
import { readVOTable } from "../../lib/votable/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { encodeUpload, prepareUploads, recordsToTable } from "../../lib/tap/mod.ts";

Deno.test("recordsToTable() infers Int32, Int64, Float64, Bool, Utf8 and timestamps", () => {
  const t = recordsToTable([
    {
      small: 1,
      big: 3_000_000_000,
      id: 5929246508730155392n,
      mixed: 1,
      x: 0.5,
      ok: true,
      s: "a",
      at: new Date(0),
    },
    { small: null, big: 2, id: 1n, mixed: 2n, x: 2, ok: false, s: undefined, at: null },
  ]);
  const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
  assert.deepEqual(types, {
    small: "Int32",
    big: "Int64",
    id: "Int64",
    mixed: "Int64",
    x: "Float64",
    ok: "Bool",
    s: "Utf8",
    at: "Utf8",
  });
  assert.equal(t.getChild("id")!.get(0), 5929246508730155392n);
  assert.equal(t.getChild("small")!.get(1), null);
  assert.equal(t.getChild("at")!.get(0), "1970-01-01T00:00:00.000Z");
  assert.equal(t.schema.fields.find((f) => f.name === "at")!.metadata.get("xtype"), "timestamp");
});

Deno.test("recordsToTable() refuses mixed column types, empty input and odd values", () => {
  assert.throws(() => recordsToTable([{ a: 1 }, { a: "x" }]), /mixes number and string/);
  assert.throws(() => recordsToTable([{ a: 1.5 }, { a: 2n }]), /mixes/);
  assert.throws(() => recordsToTable([]), /at least one record/);
  assert.throws(() => recordsToTable([{ a: { nested: 1 } }]), /object values/);
});

Deno.test("encodeUpload() writes VOTables that read back, and refuses bad values", async () => {
  const arrow = tableFromArrays({ id: Int32Array.of(1, 2), ra: Float64Array.of(56.75, 180) });
  for (const serialization of ["binary2", "tabledata"] as const) {
    const bytes = encodeUpload("t1", arrow, { serialization }) as Uint8Array;
    const { table } = await collectTable(readVOTable(bytes));
    assert.deepEqual([...table.getChild("ra")!], [56.75, 180]);
  }
  assert.throws(() => encodeUpload("t1", new Uint8Array(0)), /is empty/);
  assert.throws(() => encodeUpload("t1", new URL("file:///etc/passwd")), /http\(s\) or ftp/);
  assert.throws(() => encodeUpload("t1", new Table()), /no columns/);
  assert.throws(() => encodeUpload("t1", 42 as never), /must be an Arrow Table/);
});

Deno.test("prepareUploads() names parts after tables and refuses bad names", () => {
  const u = prepareUploads({ a: [{ x: 1 }], b: new URL("https://example.org/b.vot") });
  assert.equal(u.param, "a,param:a;b,https://example.org/b.vot");
  assert.deepEqual(u.parts.map((p) => p.name), ["a"]);
  assert.throws(() => prepareUploads({}), /names no table/);
  for (const bad of ["1a", "a-b", "a b", "tap_upload.x", ""]) {
    assert.throws(() => prepareUploads({ [bad]: [{ x: 1 }] }), /not a plain ADQL name/, bad);
  }
});
