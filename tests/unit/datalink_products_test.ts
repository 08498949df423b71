import assert from "node:assert/strict";
import { unpackProducts } from "../../lib/datalink/unpack.ts";
import { DataLinkProducts } from "../../lib/datalink/products.ts";
import { correlationMatrix } from "../../lib/datalink/xp_continuous.ts";

const FIX = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const SID = 5937083312263887616n;
const load = async (f: string) =>
  new DataLinkProducts(
    await unpackProducts(
      Deno.readFileSync(new URL(`gaia_dr3_source_id_${SID}_dl_products_${f}.zip`, FIX)),
    ),
  );

const FORMATS = ["vot", "csv", "ecsv"];
const hasFits = await import("../../lib/formats/read_fits.ts").then(() => true, () => false);
if (hasFits) FORMATS.push("fits");

/** Cholesky factorisation succeeds only for a positive definite matrix. */
function isPositiveDefinite(m: Float64Array, n: number): boolean {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (s <= 0) return false;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  return true;
}

Deno.test("unpackProducts() reads the real RETRIEVAL_TYPE=ALL ZIPs in every format into the same tidy tables", async () => {
  const ref = await load("vot");
  assert.deepEqual(ref.types.sort(), ["MCMC_MSC", "XP_CONTINUOUS", "XP_SAMPLED"]);
  assert.deepEqual(ref.sourceIds, [SID]);
  for (const f of FORMATS) {
    const p = await load(f);
    assert.equal(p.size, 3, f);
    const xp = p.get(SID, "XP_SAMPLED")!;
    assert.equal(xp.table.numRows, 343, f);
    assert.equal(xp.table.getChild("source_id")!.get(0), SID, f);
    const w = xp.table.getChild("wavelength")!;
    assert.equal(w.get(0), 336, f);
    assert.equal(w.get(342), 1020, f);
    const flux = xp.table.getChild("flux")!.get(0) as number;
    assert.ok(Math.abs(flux - 4.3137092e-17) < 1e-23, `${f}: ${flux}`);
    const mcmc = p.get(SID, "MCMC_MSC")!.table;
    assert.equal(mcmc.numRows, 100, f);
    assert.equal(mcmc.getChild("sample")!.get(99), 99);
    assert.ok(Math.abs((mcmc.getChild("teff1")!.get(0) as number) - 5716.929) < 1e-2, f);
    const xc = p.get(SID, "XP_CONTINUOUS")!.table;
    assert.deepEqual([...xc.getChild("band")!], ["BP", "RP"], f);
    assert.equal(xc.getChild("coefficients")!.get(0)!.length, 55, f);
    assert.equal(xc.getChild("covariance")!.get(1)!.length, 55 * 55, f);
  }
});

Deno.test("xpContinuous() rebuilds positive definite covariance matrices from the real packed correlations", async () => {
  const xc = (await load("csv")).get(SID, "XP_CONTINUOUS")!.table;
  for (let row = 0; row < 2; row++) {
    const cov = Float64Array.from(xc.getChild("covariance")!.get(row)!.toArray() as Float64Array);
    assert.ok(isPositiveDefinite(cov, 55), `band ${row} covariance not positive definite`);
    const err = xc.getChild("coefficient_errors")!.get(row)!.toArray() as Float64Array;
    const sd = xc.getChild("standard_deviation")!.get(row) as number;
    assert.ok(Math.abs(cov[0] - (err[0] * sd) ** 2) < 1e-9 * cov[0]);
  }
  // The other packing order would not be positive definite for BP: the test can fail.
  const raw = (await load("csv")).get(SID, "XP_CONTINUOUS")!.raw;
  const packed = Float64Array.from(
    String(raw.getChild("bp_coefficient_correlations")!.get(0)).replace(/[()]/g, "").split(",").map(
      Number,
    ),
  );
  const lower = correlationMatrix(packed, 55);
  const upper = new Float64Array(55 * 55);
  let k = 0;
  for (let i = 0; i < 55; i++) {
    upper[i * 55 + i] = 1;
    for (let j = i + 1; j < 55; j++) upper[i * 55 + j] = upper[j * 55 + i] = packed[k++];
  }
  assert.ok(isPositiveDefinite(lower, 55));
  assert.ok(!isPositiveDefinite(upper, 55));
});

Deno.test("DataLinkProducts.toPolars() keeps source_id exact and names the type when several were loaded", async () => {
  const p = await load("ecsv");
  assert.throws(() => p.table(), /several types.*MCMC_MSC|several types/);
  const df = await p.toPolars("XP_SAMPLED");
  assert.equal(df.height, 343);
  assert.match(String(df.getColumn("source_id").dtype), /Int64/);
  assert.equal(df.getColumn("source_id").toTypedArray()[0], SID);
  assert.match(String(p), /3 files for 1 source \(/);
  assert.equal(p.manifest.entries.length, 0);
});
