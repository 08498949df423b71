import assert from "node:assert/strict";
import { type TableFormatError, TruncatedInputError } from "../io/errors.ts";
import { collectTable } from "../table/reader.ts";
import { JsonFormatError } from "./errors.ts";
import { readJson } from "./read_json.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);

function chunked(bytes: Uint8Array, n: number): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += n) parts.push(bytes.slice(i, i + n));
  return ReadableStream.from(parts);
}

Deno.test("readJson() reads DaCHS JSON: exact int64 beyond 2^53, nulls, booleans, metadata", async () => {
  const { table, meta } = await collectTable(
    readJson(Deno.readFileSync(new URL("sync-nulls.json", DACHS))),
  );
  assert.equal(meta.format, "json");
  assert.equal(table.numRows, 5);
  assert.deepEqual([...table.getChild("source_id")!.toArray()].slice(3), [
    22676671408635908n,
    64942654294589445n,
  ]);
  assert.equal(table.getChild("solution_id")!.get(0), 1636148068921376768n);
  assert.equal(String(table.schema.fields.find((f) => f.name === "ra_error")!.type), "Float32");
  assert.equal(table.getChild("parallax")!.nullCount, 2);
  assert.equal(table.getChild("radial_velocity")!.nullCount, 4);
  assert.deepEqual(table.getChild("has_xp_continuous")!.toArray(), [
    false,
    false,
    false,
    true,
    true,
  ]);
  const ra = table.schema.fields.find((f) => f.name === "ra")!.metadata;
  assert.equal(ra.get("unit"), "deg");
  assert.equal(ra.get("ucd"), "pos.eq.ra;meta.main");
  assert.equal(ra.get("ID"), "ra");
});

Deno.test("readJson() reads DaCHS' queryStatus OVERFLOW after the rows", async () => {
  const { table, meta } = await collectTable(
    readJson(Deno.readFileSync(new URL("sync-overflow-maxrec3.json", DACHS))),
  );
  assert.equal(meta.queryStatus, "OVERFLOW");
  assert.deepEqual([...table.getChild("source_id")!.toArray()], [
    34634616274944n,
    93664646791168n,
    134655814664198n,
  ]);
  assert.equal(table.schema.metadata.get("query_status"), "OVERFLOW");
});

Deno.test("readJson() reads the Gaia archive JSON (astroquery fixtures)", async () => {
  const big = await collectTable(readJson(Deno.readFileSync(new URL("test.json", AQ))));
  assert.equal(big.table.numCols, 152);
  const row = big.table.get(0)!.toJSON();
  assert.equal(row.source_id, 5929246508730155392n);
  assert.equal(row.designation, "Gaia DR3 5929246508730155392");
  assert.equal(row.astrometric_n_obs_al, 342);
  assert.equal(
    String(big.table.schema.fields.find((f) => f.name === "astrometric_n_obs_al")!.type),
    "Int16",
  );
  assert.equal(row.pseudocolour, null);
  assert.equal(row.classprob_dsc_combmod_quasar, Math.fround(1.0205575e-13));
  const small = await collectTable(readJson(Deno.readFileSync(new URL("launch_job.json", AQ))));
  assert.equal(small.table.getChild("source_id")!.get(0), 5937144193345094528n);
  assert.equal(small.table.getChild("parallax")!.get(0), 0.029992199777711163);
  assert.equal(small.table.schema.fields[1]!.metadata.get("unit"), "deg");
});

Deno.test("readJson() reads the VOTable-shaped JSON", async () => {
  const { table, meta } = await collectTable(
    readJson(Deno.readFileSync(new URL("1744351221317O-result.json", AQ))),
  );
  assert.equal(meta.format, "json/votable");
  assert.equal(meta.queryStatus, "OK");
  assert.deepEqual([...table.getChild("source_id")!.toArray()], [
    3834447128563320320n,
    3834447162923057280n,
  ]);
  assert.deepEqual([...table.getChild("my_votable_fits_oid")!.toArray()], [1, 2]);
  assert.equal(table.getChild("dec")!.get(1), 1.1345712682426434);
  assert.equal(table.schema.fields[2]!.metadata.get("unit"), "deg");
});

Deno.test("readJson() gives the same table whatever the chunking, and batches", async () => {
  const bytes = Deno.readFileSync(new URL("sync-nulls.json", DACHS));
  const whole = (await collectTable(readJson(bytes))).table;
  for (const n of [1, 13, 500]) {
    const t = (await collectTable(readJson(chunked(bytes, n), { batchSize: 2 }))).table;
    assert.equal(t.batches.length, 3);
    assert.deepEqual(t.toArray().map((r) => r.toJSON()), whole.toArray().map((r) => r.toJSON()));
  }
});

Deno.test("readJson() reads strings with escapes, arrays, data before metadata", async () => {
  const text = `{"data": [["a\\"b\\u00e9\\n", [1, 2, null], 1e3], [null, [], -0.5]],
    "metadata": [{"name": "s", "datatype": "char", "arraysize": "*"},
                 {"name": "v", "datatype": "int", "arraysize": "*"},
                 {"name": "x", "datatype": "double"}]}`;
  const { table } = await collectTable(readJson(text));
  assert.deepEqual(table.getChild("s")!.toArray(), ['a"bé\n', null]);
  assert.equal(table.getChild("v")!.get(0)!.length, 3);
  assert.equal(table.getChild("v")!.get(0)!.get(2), null);
  assert.deepEqual([...table.getChild("x")!.toArray()], [1000, -0.5]);
});

Deno.test("readJson() rejects malformed and truncated documents with offset and element", async () => {
  const md =
    '{"metadata":[{"name":"a","datatype":"long"},{"name":"b","datatype":"boolean"}],"data":';
  const cases: [string, typeof TableFormatError, RegExp][] = [
    ["[1, 2]", JsonFormatError, /is an array/],
    ["nope", JsonFormatError, /not a JSON object/],
    [md + "[[1,true],[2]]}", JsonFormatError, /Row 1 of "data" has 1 value, expected 2/],
    [md + "[[1,true,3]]}", JsonFormatError, /more than 2 values/],
    [md + "[[1.5,true]]}", JsonFormatError, /"1\.5" in column "a".*data\[0\]\[0\]/],
    [md + "[[1,maybe]]}", JsonFormatError, /Invalid JSON value "maybe/],
    [md + '[[1,"yes"]]}', JsonFormatError, /"yes" in column "b" is not a boolean/],
    [md + "[[1,true],[2,false]", TruncatedInputError, /truncated/],
    [md + "[[1,tr", TruncatedInputError, /truncated/],
    ['{"data":[[1]]}', JsonFormatError, /no "metadata" or "columns"/],
    ['{"metadata":[{"datatype":"int"}],"data":[]}', JsonFormatError, /has no name/],
    [
      '{"metadata":[{"name":"a","datatype":"int128"}],"data":[]}',
      JsonFormatError,
      /unknown datatype "int128"/,
    ],
    [md + "[[1,true]]} extra", JsonFormatError, /after the end of the JSON document/],
    // Found by the fuzzer: a member name with a bad escape.
    ['{"da\\<ta": 1}', JsonFormatError, /Invalid JSON: Bad escaped character/],
  ];
  for (const [text, cls, re] of cases) {
    await assert.rejects(collectTable(readJson(text)), (e: unknown) => {
      assert.ok(e instanceof cls, `${text}: ${(e as Error).name} ${(e as Error).message}`);
      assert.match((e as Error).message, re, text);
      assert.ok((e as TableFormatError).offset !== undefined, "offset");
      return true;
    });
  }
});
