/**
 * Real Gaia archive DataLink products (astroquery fixtures: the same three
 * products of one source as VOTable, ECSV, FITS and CSV inside ZIP files):
 * every format gives the same values. CSV carries no types, so it is read
 * with the schema of the VOTable product; its arrays are written "(a, b, ...)".
 */
import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import type { Table } from "apache-arrow";
import { readCsv, readEcsv, readFits } from "../../lib/formats/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { readVOTable } from "../../lib/votable/mod.ts";

const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const ID = "Gaia DR3 5937083312263887616";

function entries(kind: string): Record<string, Uint8Array> {
  const zip = Deno.readFileSync(
    new URL(`gaia_dr3_source_id_5937083312263887616_dl_products_${kind}.zip`, AQ),
  );
  return unzipSync(zip);
}

function cells(t: Table): string[] {
  const out: string[] = [];
  for (let r = 0; r < t.numRows; r++) {
    const row = t.schema.fields.map((_, c) => {
      const v = t.getChildAt(c)!.get(r);
      if (v !== null && typeof v === "object" && "toArray" in v) {
        return Array.from((v as { toArray(): ArrayLike<unknown> }).toArray());
      }
      return v;
    });
    out.push(JSON.stringify(row, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
  }
  return out;
}

Deno.test("Gaia DataLink products are identical in VOTable, ECSV, FITS and CSV", async () => {
  const vot = entries("vot"), ecsv = entries("ecsv"), fits = entries("fits"), csv = entries("csv");
  for (const product of ["XP_SAMPLED", "XP_CONTINUOUS", "MCMC_MSC"]) {
    const ref = (await collectTable(readVOTable(vot[`${product}-${ID}.xml`]!))).table;
    assert.ok(ref.numRows > 0, product);
    const e = (await collectTable(readEcsv(ecsv[`${product}-${ID}.ecsv`]!))).table;
    const f = (await collectTable(readFits(fits[`${product}-${ID}.fits`]!))).table;
    const c = (await collectTable(
      readCsv(csv[`${product}-${ID}.csv`]!, { schema: ref.schema, inferMissing: true }),
    )).table;
    for (const [name, t] of [["ecsv", e], ["fits", f], ["csv", c]] as const) {
      // Some products keep per-source values (source_id, ra, dec) as table
      // metadata in one format and as columns in another: compare the columns
      // both have.
      const common = ref.schema.fields.map((x) => x.name).filter((n) =>
        t.schema.fields.some((y) => y.name === n)
      );
      assert.ok(common.length >= 3, `${product} ${name}: ${common.join(",")}`);
      if (product === "XP_CONTINUOUS") {
        assert.ok(common.includes("bp_coefficients"), "array columns compared");
      }
      const pick = (tab: Table) => tab.select(common);
      assert.equal(t.numRows, ref.numRows, `${product} ${name} rows`);
      assert.deepEqual(
        pick(t).schema.fields.map((x) => `${x.name}:${x.type}`),
        pick(ref).schema.fields.map((x) => `${x.name}:${x.type}`),
        `${product} ${name} types`,
      );
      assert.deepEqual(cells(pick(t)), cells(pick(ref)), `${product} ${name} values`);
    }
  }
});
