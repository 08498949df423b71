/**
 * The same five gaia_source rows, as DaCHS returned them in every format
 * (../shared/fixtures/dachs/README.md, query Q5), read into Arrow: every
 * reader must give the same values and the same types.
 *
 * What each format carries:
 * - VOTable BINARY / BINARY2 / TABLEDATA: everything (datatypes, nulls).
 * - FITS: K/D/E/A/L map to Int64/Float64/Float32/Utf8/Bool as VOTable's
 *   long/double/float/char/boolean; long nulls via TNULL, float nulls via NaN.
 * - JSON (DaCHS): VOTable datatypes in "columns"; nulls as null.
 * - CSV and TSV carry no types: read with the schema of the VOTable answer
 *   (as a TAP client does with VOSI metadata); TSV has no header and N/A nulls.
 */
import assert from "node:assert/strict";
import type { Table } from "apache-arrow";
import { readCsv, readFits, readJson, readTsv } from "../../lib/formats/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { readVOTable } from "../../lib/votable/mod.ts";

const DIR = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const bytes = (name: string) => Deno.readFileSync(new URL(name, DIR));

function cells(t: Table): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 0; r < t.numRows; r++) {
    out.push(t.schema.fields.map((_, c) => t.getChildAt(c)!.get(r)));
  }
  return out;
}

const types = (t: Table) => t.schema.fields.map((f) => `${f.name}:${f.type}`);

Deno.test("the five DaCHS rows are identical in BINARY, BINARY2, TABLEDATA, CSV, TSV, JSON and FITS", async () => {
  const reference = (await collectTable(readVOTable(bytes("sync-nulls-default.vot")))).table;
  assert.equal(reference.numRows, 5);
  assert.equal(reference.numCols, 25);
  const schema = reference.schema;
  const readers: Record<string, () => Promise<Table>> = {
    binary2: async () => (await collectTable(readVOTable(bytes("sync-nulls-b2.vot")))).table,
    binary2_responseformat: async () =>
      (await collectTable(readVOTable(bytes("sync-nulls-responseformat-b2.vot")))).table,
    tabledata: async () => (await collectTable(readVOTable(bytes("sync-nulls-td.vot")))).table,
    csv: async () => (await collectTable(readCsv(bytes("sync-nulls.csv"), { schema }))).table,
    tsv: async () => (await collectTable(readTsv(bytes("sync-nulls.tsv"), { schema }))).table,
    json: async () => (await collectTable(readJson(bytes("sync-nulls.json")))).table,
    fits: async () => (await collectTable(readFits(bytes("sync-nulls.fits")))).table,
  };
  const expected = cells(reference);
  for (const [name, read] of Object.entries(readers)) {
    const t = await read();
    assert.deepEqual(types(t), types(reference), `${name}: types`);
    assert.deepEqual(cells(t), expected, `${name}: values`);
  }
  // Spot checks of what the README promises.
  const ids = reference.getChild("source_id")!;
  assert.equal(ids.get(4), 64942654294589445n);
  assert.equal(reference.getChild("solution_id")!.get(0), 1636148068921376768n);
  assert.equal(reference.getChild("parallax")!.get(0), null); // 2-parameter solution
  assert.equal(reference.getChild("phot_bp_mean_mag")!.get(1), null); // BP missing
  assert.ok((reference.getChild("parallax")!.get(3) as number) < 0); // negative parallax
  assert.equal(reference.getChild("has_xp_continuous")!.get(3), true);
  assert.equal(reference.getChild("phot_variable_flag")!.get(4), "VARIABLE");
  assert.equal(reference.getChild("radial_velocity")!.get(4), Math.fround(4.763363));
});

Deno.test("column metadata agrees across VOTable, JSON and FITS where the format has it", async () => {
  const vot = (await collectTable(readVOTable(bytes("sync-nulls-td.vot")))).table.schema;
  const json = (await collectTable(readJson(bytes("sync-nulls.json")))).table.schema;
  const fits = (await collectTable(readFits(bytes("sync-nulls.fits")))).table.schema;
  for (const name of ["ra", "parallax", "phot_g_mean_mag"]) {
    const v = vot.fields.find((f) => f.name === name)!.metadata;
    const j = json.fields.find((f) => f.name === name)!.metadata;
    const f = fits.fields.find((f) => f.name === name)!.metadata;
    assert.equal(j.get("unit"), v.get("unit"), `${name} unit (json)`);
    assert.equal(f.get("unit"), v.get("unit"), `${name} unit (fits)`);
    assert.equal(j.get("ucd"), v.get("ucd"), `${name} ucd (json)`);
    assert.equal(j.get("datatype"), v.get("datatype"), `${name} datatype (json)`);
    assert.equal(f.get("datatype"), v.get("datatype"), `${name} datatype (fits)`);
    assert.equal(j.get("description"), v.get("description"), `${name} description (json)`);
  }
});
