// deno-lint-ignore-file no-console
/**
 * `deno task demo`: the quickstart, offline. Starts the local archive
 * in-process on a free port, runs a cone search round the Pleiades, selects
 * the members by parallax and proper motion in Polars, draws their HR
 * diagram and proper-motion diagram, loads one RR Lyrae light curve through
 * DataLink (unpacked in memory), and writes the charts and a short HTML
 * report into `demo-output/` (or `$DEMO_OUTPUT_DIR`).
 *
 * Everything here is synthetic data from the local archive, labelled so.
 */
import pl from "nodejs-polars";
import { Gaia } from "./lib/gaia/mod.ts";
import { plots } from "./lib/notebook/mod.ts";
import { fromPolars } from "./lib/table/polars.ts";

const outDir = Deno.env.get("DEMO_OUTPUT_DIR") ?? "demo-output";
await Deno.mkdir(outDir, { recursive: true });
const t0 = performance.now();
const step = (s: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${s}`);
const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

step("starting the local archive (synthetic Gaia DR3-like catalogue, no network)");
await using g = await new Gaia().local();
const { tapUrl } = await g.urls();
step(`local archive at ${tapUrl}`);

// 1. Cone search: 2 degrees round the Pleiades (M45).
const PLEIADES = { ra: 56.75, dec: 24.12 };
const cone = await g.coneSearch(PLEIADES, {
  radius: "2 deg",
  columns: [
    "source_id",
    "ra",
    "dec",
    "parallax",
    "parallax_error",
    "pmra",
    "pmdec",
    "phot_g_mean_mag",
    "bp_rp",
  ],
  rowLimit: -1,
});
step(
  `cone search: ${cone.table.numRows} sources within 2 deg of the Pleiades (status ${cone.status})`,
);
if (cone.table.numRows < 500) {
  throw new Error(`expected a rich field round the Pleiades, got ${cone.table.numRows} rows`);
}

// 2. Members: the cluster shares its parallax (7.36 mas) and proper motion (19.99, -45.55 mas/yr).
const df = (await cone.toPolars()) as pl.DataFrame;
const members = df.filter(
  pl.col("parallax").gt(6.3).and(pl.col("parallax").lt(8.5))
    .and(pl.col("pmra").sub(19.99).pow(2).add(pl.col("pmdec").add(45.55).pow(2)).lt(36))
    .and(pl.col("bp_rp").isNotNull()),
).withColumns(
  pl.col("phot_g_mean_mag").add(pl.col("parallax").log(10).mul(5)).sub(10).alias("abs_g"),
);
const meanPlx = members.getColumn("parallax").mean();
step(
  `members: ${members.height} stars with parallax 6.3-8.5 mas and proper motion within 6 mas/yr ` +
    `of the cluster's (mean parallax ${meanPlx.toFixed(2)} mas, distance ~${
      (1000 / meanPlx).toFixed(0)
    } pc)`,
);
if (members.height < 100) {
  throw new Error(`expected at least 100 Pleiades members, got ${members.height}`);
}
if (Math.abs(meanPlx - 7.36) > 0.3) {
  throw new Error(`mean parallax ${meanPlx} is far from the Pleiades' 7.36 mas`);
}

// 3. Charts.
const memberTable = await fromPolars(members);
const hr = plots.hrDiagram(memberTable, {
  absolute: true,
  title: "Pleiades members (synthetic local archive)",
});
await hr.save(`${outDir}/pleiades-hr.svg`);
const pm = plots.properMotion(cone, {
  title: "Vector-point diagram of the field round the Pleiades",
});
await pm.save(`${outDir}/pleiades-proper-motion.svg`);
step(`charts: ${outDir}/pleiades-hr.svg, ${outDir}/pleiades-proper-motion.svg`);

// 4. One light curve through DataLink: a bright RR Lyrae star, folded at its period.
const rr = await g.query(`
  SELECT TOP 1 r.source_id, r.pf, s.phot_g_mean_mag
  FROM gaiadr3.vari_rrlyrae AS r JOIN gaiadr3.gaia_source AS s ON s.source_id = r.source_id
  WHERE r.pf IS NOT NULL ORDER BY s.phot_g_mean_mag`);
if (rr.table.numRows !== 1) throw new Error("no RR Lyrae star with a period in the local archive");
const sourceId = rr.table.getChild("source_id")!.get(0) as bigint;
const period = rr.table.getChild("pf")!.get(0) as number;
const products = await g.datalink.load([sourceId], { retrieval: "EPOCH_PHOTOMETRY" });
const lc = products.get(sourceId, "EPOCH_PHOTOMETRY");
if (!lc || lc.numRows === 0) throw new Error(`no epoch photometry for Gaia DR3 ${sourceId}`);
step(
  `DataLink: ${lc.numRows} epoch-photometry observations of Gaia DR3 ${sourceId} (in memory, nothing written)`,
);
const curve = plots.lightCurve(lc, {
  period,
  title: `Gaia DR3 ${sourceId}: RR Lyrae folded at P = ${period.toFixed(5)} d`,
});
await curve.save(`${outDir}/rrlyrae-light-curve.svg`);
step(`chart: ${outDir}/rrlyrae-light-curve.svg`);

// 5. A short HTML report with the charts inline.
const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>deno-gaia demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em}
figure{margin:1.5em 0}figcaption{color:#555}</style></head><body>
<h1>deno-gaia quickstart</h1>
<p><strong>Synthetic data</strong> from the deno-gaia local archive (a stand-in of the ESA Gaia archive; not real Gaia data).</p>
<ol>
<li>Cone search of 2&deg; round the Pleiades: ${cone.table.numRows} sources (status ${
  escape(cone.status)
}).</li>
<li>Members selected in Polars by parallax (6.3&ndash;8.5 mas) and proper motion (within 6 mas/yr of (19.99, &minus;45.55)):
${members.height} stars, mean parallax ${meanPlx.toFixed(2)} mas (about ${
  (1000 / meanPlx).toFixed(0)
} pc).</li>
<li>Epoch photometry of Gaia DR3 ${sourceId} through DataLink: ${lc.numRows} observations, folded at ${
  period.toFixed(5)
} d.</li>
</ol>
<figure>${hr.toSVG()}<figcaption>HR diagram of the members (absolute G from the parallax).</figcaption></figure>
<figure>${pm.toSVG()}<figcaption>Vector-point diagram of the field.</figcaption></figure>
<figure>${curve.toSVG()}<figcaption>Folded light curve (G, BP, RP).</figcaption></figure>
</body></html>
`;
await Deno.writeTextFile(`${outDir}/index.html`, html);
step(`report: ${outDir}/index.html`);
console.log(`\nDone. Open ${outDir}/index.html to see the report.`);
