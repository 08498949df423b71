/**
 * The README's "A short example", run as written against `gaia.local()`
 * (with the light-curve step corrected to pick a variable star: the first
 * star of the Pleiades cone has no epoch photometry, and
 * `lc.get(...)!` was undefined).
 */
import assert from "node:assert/strict";
import { gaia, plots } from "../../mod.ts";

Deno.test("README short example runs against gaia.local(): cone, Polars, HR diagram, async stream, light curve", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "walkthrough-readme-" });
  try {
    await using g = await gaia.local({ dataDir });
    const stars = await g.query(`
  SELECT TOP 5000 source_id, ra, dec, parallax, pmra, pmdec, phot_g_mean_mag, bp_rp
  FROM gaiadr3.gaia_source
  WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(56.75, 24.12, 2)) AND parallax > 5`);
    assert.ok(stars.numRows > 500, String(stars));
    assert.equal(stars.status, "OK");
    assert.equal(typeof stars.table.getChild("source_id")!.get(0), "bigint");
    const df = await stars.toPolars();
    assert.equal(df.height, stars.numRows);
    const hr = plots.hrDiagram(stars, { absolute: true });
    assert.match(hr.toSVG(), /^<svg/);

    const job = await g.submit(
      "SELECT source_id, ra, dec FROM gaiadr3.gaia_source WHERE ruwe < 1.4",
    );
    let streamed = 0;
    for await (const batch of job.stream()) streamed += batch.numRows;
    assert.ok(streamed > 1000, String(streamed));

    // As the README had it: the first star of the cone is not a variable, so there is no
    // light curve, and the plot says what went wrong instead of a bare "got undefined".
    const first = stars.table.getChild("source_id")!.get(0) as bigint;
    const none = await g.datalink.load([first], { retrieval: "EPOCH_PHOTOMETRY" });
    assert.equal(none.get(first, "EPOCH_PHOTOMETRY"), undefined);
    assert.throws(
      () => plots.lightCurve(none.get(first, "EPOCH_PHOTOMETRY")!, { period: 0.5669 }),
      /got undefined; was a lookup empty \(e\.g\. products\.get\(id, type\)/,
    );

    // As the README should have it: a variable star, folded at its own period.
    const rr = await g.query(
      "SELECT TOP 1 source_id, pf FROM gaiadr3.vari_rrlyrae WHERE pf IS NOT NULL",
    );
    const sourceId = rr.table.getChild("source_id")!.get(0) as bigint;
    const lc = await g.datalink.load([sourceId], { retrieval: "EPOCH_PHOTOMETRY" });
    const curve = plots.lightCurve(lc.get(sourceId, "EPOCH_PHOTOMETRY")!, {
      period: rr.table.getChild("pf")!.get(0) as number,
    });
    assert.match(curve.toSVG(), /^<svg/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
