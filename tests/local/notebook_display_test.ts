/**
 * The notebook displays on real objects from a local archive: query results
 * (with the archive's units, UCDs and descriptions), OVERFLOW, async jobs,
 * table metadata, DataLink products and the archive's errors.
 */
import assert from "node:assert/strict";
import { bundleOf, display, plots, progress } from "../../lib/notebook/mod.ts";
import { startTestArchive } from "./gaia_local_helpers.ts";

const JD = Symbol.for("Jupyter.display");
type WithDisplay = { [JD](): { "text/html": string; "text/plain": string } };

Deno.test("notebook displays of local archive objects", async (t) => {
  const archive = await startTestArchive(3000);
  const { gaia } = archive;
  try {
    await t.step("a query result shows the archive's units, UCDs and descriptions", async () => {
      const r = await gaia.query(
        "SELECT TOP 20 source_id, ra, dec, parallax, phot_g_mean_mag FROM gaiadr3.gaia_source",
      );
      const b = (r as unknown as WithDisplay)[JD]();
      assert.match(
        b["text/html"],
        /<th title="Right ascension[^"]*"[^>]*>ra<br><span[^>]*>deg · <i>pos\.eq\.ra;meta\.main<\/i>/,
      );
      assert.match(b["text/html"], />parallax<br><span[^>]*>mas · <i>pos\.parallax/);
      assert.match(b["text/plain"], /^SELECT TOP 20 source_id/);
      assert.match(b["text/plain"], /20 rows × 5 columns · status OK/);
      assert.doesNotMatch(b["text/html"], /OVERFLOW/);
    });

    await t.step("a result cut at the row limit warns about OVERFLOW", async () => {
      const r = await gaia.query("SELECT source_id FROM gaiadr3.gaia_source", { rowLimit: 10 });
      assert.equal(r.status, "OVERFLOW");
      const b = bundleOf(r)!;
      assert.match(
        b["text/html"]!,
        /role="alert"[^>]*>⚠ OVERFLOW: the result was cut at the row limit \(10 rows\)/,
      );
    });

    await t.step("an async job shows its phase, link and result rows", async () => {
      const job = await gaia.submit("SELECT TOP 7 source_id FROM gaiadr3.gaia_source", {
        jobName: "display-test",
      });
      const bar = progress("job", { mode: "silent" });
      await job.wait({ onProgress: bar.onJob });
      assert.equal(bar.state.phase, "COMPLETED");
      const text = display(job).toString();
      assert.match(text, new RegExp(`^Job ${job.id}: phase COMPLETED`));
      assert.ok(text.includes(job.url));
      await job.delete();
    });

    await t.step("the archive's error is shown with a hint", async () => {
      const e = await gaia.query("SELECT nope FROM gaiadr3.gaia_source").then(
        () => undefined,
        (e) => e,
      );
      assert.ok(e instanceof Error);
      const b = (e as unknown as WithDisplay)[JD]();
      assert.match(b["text/plain"], /^TapQueryError: /);
      assert.match(b["text/plain"], /nope/);
      assert.match(b["text/plain"], /hint: /);
    });

    await t.step("table metadata lists columns with units", async () => {
      const text = display(await gaia.loadTable("gaiadr3.gaia_source")).toString();
      assert.match(text, /^gaiadr3\.gaia_source: \d+ columns/);
      assert.match(text, /\n {2}parallax \[mas\]/);
    });

    await t.step("DataLink products show counts and draw as light curves", async () => {
      const ids = await gaia.query(
        "SELECT TOP 3 source_id FROM gaiadr3.vari_summary ORDER BY source_id",
      );
      const lc = await gaia.datalink.load(ids, { retrieval: "EPOCH_PHOTOMETRY" });
      assert.match(display(lc).toString(), /DataLink products: 3 files for 3 sources/);
      const first = lc.products[0];
      assert.match(display(first).toString(), /^EPOCH_PHOTOMETRY of /);
      const chart = plots.lightCurve(first);
      assert.match(chart.toString(), /observations in G/);
    });
  } finally {
    await archive.close();
  }
});
