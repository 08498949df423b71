import assert from "node:assert/strict";
import { collectTable } from "../table/reader.ts";
import { EcsvFormatError } from "./errors.ts";
import { readEcsv } from "./read_ecsv.ts";

const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);

Deno.test("readEcsv() reads the Gaia archive ECSV: types, units, UCDs, meta, nulls", async () => {
  const bytes = Deno.readFileSync(new URL("1714556098855O-result.ecsv", AQ));
  const { table, meta } = await collectTable(readEcsv(bytes));
  assert.equal(meta.format, "ecsv");
  assert.equal(meta.queryStatus, "OK");
  assert.equal(meta.name, "votable");
  assert.deepEqual(meta.infos.find((i) => i.name === "JOBID"), {
    name: "JOBID",
    value: "1714556098855O",
  });
  assert.equal(table.numRows, 1);
  assert.equal(table.numCols, 152);
  const type = (n: string) => String(table.schema.fields.find((f) => f.name === n)!.type);
  assert.equal(type("source_id"), "Int64");
  assert.equal(type("ra"), "Float64");
  assert.equal(type("ra_error"), "Float32");
  assert.equal(type("astrometric_n_obs_al"), "Int16");
  assert.equal(type("astrometric_primary_flag"), "Bool");
  assert.equal(type("designation"), "Utf8");
  const row = table.get(0)!.toJSON();
  assert.equal(row.source_id, 5929246508730155392n);
  assert.equal(row.solution_id, 1636148068921376768n);
  assert.equal(row.ra, 253.45840143189537);
  assert.equal(row.ra_error, Math.fround(0.016976837));
  assert.equal(row.astrometric_n_obs_al, 342);
  assert.equal(row.astrometric_primary_flag, false);
  assert.equal(row.has_xp_continuous, true);
  assert.equal(row.pseudocolour, null, "nan is null");
  assert.equal(row.vbroad_nb_transits, null, "an empty int16 field is null");
  assert.equal(row.libname_gspphot, "MARCS");
  const ra = table.schema.fields.find((f) => f.name === "ra")!.metadata;
  assert.equal(ra.get("unit"), "deg");
  assert.equal(ra.get("ucd"), "pos.eq.ra;meta.main");
  assert.equal(ra.get("utype"), "stc:AstroCoords.Position3D.Value3.C1");
  assert.equal(ra.get("description"), "Right ascension");
  const ebp = table.schema.fields.find((f) => f.name === "ebpminrp_gspphot_upper")!.metadata;
  assert.match(ebp.get("description")!, /\$E\(G_\{\\rm BP\} - G_\{\\rm RP\}\)\$/);
});

Deno.test("readEcsv() reads space-delimited ECSV with quoted fields and array subtypes", async () => {
  const text = [
    "# %ECSV 1.0",
    "# ---",
    "# datatype:",
    "# - {name: id, datatype: uint64}",
    "# - {name: name, datatype: string}",
    "# - {name: v, datatype: string, subtype: 'int32[3]'}",
    "# - {name: w, datatype: string, subtype: 'float64[null]'}",
    "# schema: astropy-2.0",
    "id name v w",
    '18446744073709551615 "a b" [1,2,3] [0.5]',
    '0 "" [4,null,6] []',
  ].join("\n");
  const { table } = await collectTable(readEcsv(text));
  assert.equal(table.getChild("id")!.get(0), 18446744073709551615n);
  assert.deepEqual(table.getChild("name")!.toArray(), ["a b", null]);
  assert.equal(String(table.schema.fields[2]!.type), "FixedSizeList[3]<Int32>");
  assert.equal(table.getChild("v")!.get(1)!.get(1), null);
  assert.deepEqual([...table.getChild("w")!.get(0)!.toArray()], [0.5]);
  assert.equal(table.getChild("w")!.get(1)!.length, 0);
});

Deno.test("readEcsv() rejects bad headers and bodies with a typed error", async () => {
  const head = "# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: int32}\n";
  const cases: [string, RegExp][] = [
    ["a,b\n1,2\n", /does not start with an "# %ECSV/],
    ["# %ECSV 2.0\n# ---\n# datatype: []\na\n", /version 2.0/],
    ["# %ECSV 1.0\n# ---\n# delimiter: ';'\n# datatype: []\n", /delimiter/],
    ["# %ECSV 1.0\n# ---\n# nothing: here\n", /no "datatype"/],
    ["# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: complex128}\na\n", /complex128/],
    ["# %ECSV 1.0\n# ---\n# datatype: [\n", /Cannot read the ECSV header/],
    [head + "b\n1\n", /Header column "b"/],
    [head + "a\nx\n", /"x" in column "a".*line 6/],
  ];
  for (const [text, re] of cases) {
    await assert.rejects(collectTable(readEcsv(text)), (e: unknown) => {
      assert.ok(e instanceof EcsvFormatError, `${e}`);
      assert.match((e as Error).message, re);
      return true;
    });
  }
});

Deno.test("readEcsv() gives the same table whatever the chunking", async () => {
  const bytes = Deno.readFileSync(new URL("1714556098855O-result.ecsv", AQ));
  const whole = (await collectTable(readEcsv(bytes))).table;
  for (const n of [1, 100, 4096]) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += n) parts.push(bytes.slice(i, i + n));
    const t = (await collectTable(readEcsv(ReadableStream.from(parts)))).table;
    assert.deepEqual(t.toArray().map((r) => r.toJSON()), whole.toArray().map((r) => r.toJSON()));
  }
});
