/**
 * Deterministic SVG snapshots of every Plot recipe, on seeded synthetic data.
 * Update them with `UPDATE_SNAPSHOTS=1 deno test -A tests/unit/plots_snapshot_test.ts`
 * and look at the changed files before committing.
 */
import assert from "node:assert/strict";
import { plots } from "../../lib/notebook/plots/mod.ts";
import type { Chart } from "../../lib/notebook/plots/chart.ts";
import * as fx from "./plots_fixtures.ts";

const DIR = new URL("./__snapshots__/plots/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_SNAPSHOTS") === "1";

async function snapshot(name: string, chart: Chart) {
  const file = new URL(`${name}.svg`, DIR);
  const svg = chart.toSVG() + "\n";
  if (UPDATE) {
    await Deno.mkdir(DIR, { recursive: true });
    await Deno.writeTextFile(file, svg);
    return;
  }
  let want: string;
  try {
    want = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`No snapshot ${file.pathname}; run with UPDATE_SNAPSHOTS=1 to create it`);
    }
    throw e;
  }
  if (svg !== want) {
    let i = 0;
    while (i < svg.length && svg[i] === want[i]) i++;
    assert.fail(
      `${name}.svg differs from its snapshot at character ${i}:\n  got:  ${
        JSON.stringify(svg.slice(Math.max(0, i - 40), i + 80))
      }\n  want: ${JSON.stringify(want.slice(Math.max(0, i - 40), i + 80))}\n` +
        `If the change is intended, run with UPDATE_SNAPSHOTS=1 and review the new SVG.`,
    );
  }
}

const cluster = fx.clusterTable(200);

Deno.test("hrDiagram() snapshot: dots with absolute magnitudes", async () => {
  await snapshot("hr_diagram_absolute", plots.hrDiagram(cluster, { absolute: true }));
});

Deno.test("hrDiagram() snapshot: density", async () => {
  await snapshot(
    "hr_diagram_density",
    plots.hrDiagram(fx.clusterTable(600, 5), { mode: "density" }),
  );
});

Deno.test("skyMap() snapshot: galactic hammer coloured by magnitude", async () => {
  await snapshot(
    "sky_map_galactic_hammer",
    plots.skyMap(fx.skyTable(300), { frame: "galactic", colorBy: "phot_g_mean_mag" }),
  );
});

Deno.test("skyMap() snapshot: equatorial aitoff density", async () => {
  await snapshot(
    "sky_map_equatorial_aitoff_density",
    plots.skyMap(cluster, { projection: "aitoff", mode: "density", center: 180 }),
  );
});

Deno.test("skyMap() snapshot: mollweide", async () => {
  await snapshot(
    "sky_map_mollweide",
    plots.skyMap(cluster, { projection: "mollweide", graticule: 45 }),
  );
});

Deno.test("properMotion() snapshot: vector-point diagram with the cluster circled", async () => {
  await snapshot(
    "proper_motion",
    plots.properMotion(cluster, { highlight: { pmra: 19.99, pmdec: -45.5, radius: 2.5 } }),
  );
});

Deno.test("histogram() snapshot: parallaxes", async () => {
  await snapshot("histogram", plots.histogram(cluster, { column: "parallax", bins: 20 }));
});

Deno.test("lightCurve() snapshot: folded", async () => {
  await snapshot("light_curve_folded", plots.lightCurve(fx.epochPhotometry(), { period: 0.5668 }));
});

Deno.test("lightCurve() snapshot: against time with error bars", async () => {
  await snapshot(
    "light_curve_time",
    plots.lightCurve(fx.epochPhotometry(), { errorBars: true, bands: ["G"] }),
  );
});

Deno.test("xpSpectrum() snapshot: two sources", async () => {
  await snapshot("xp_spectrum", plots.xpSpectrum(fx.xpTable()));
});

Deno.test("rvsSpectrum() snapshot: calcium triplet", async () => {
  await snapshot("rvs_spectrum", plots.rvsSpectrum(fx.rvsTable()));
});
