import assert from "node:assert/strict";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { plots } from "../../lib/notebook/plots/mod.ts";
import { equatorialToGalactic, project } from "../../lib/notebook/plots/projections.ts";
import { ColumnNotFoundError } from "../../lib/notebook/table_like.ts";
import * as fx from "./plots_fixtures.ts";

/** Pulls every `cx`/`cy` of the dots out of an SVG. */
function circles(svg: string): Array<{ cx: number; cy: number }> {
  return [...svg.matchAll(/<circle\b[^>]*>/g)].map((m) => ({
    cx: Number(/\bcx="([^"]+)"/.exec(m[0])?.[1] ?? 0),
    cy: Number(/\bcy="([^"]+)"/.exec(m[0])?.[1] ?? 0),
  }));
}

Deno.test("hrDiagram() computes absolute magnitudes from parallax and drops non-positive ones", () => {
  // M = m + 5 log10(plx / 100): plx 10 mas, m 10 -> M 5; plx 100 mas, m 5 -> M 5; plx -1 dropped.
  const t = tableFromArrays({
    bp_rp: new Float64Array([0.5, 1.5, 1.0]),
    phot_g_mean_mag: new Float64Array([10, 5, 12]),
    parallax: new Float64Array([10, 100, -1]),
  });
  const chart = plots.hrDiagram(t, { absolute: true });
  assert.match(chart.toString(), /2 of 3 stars/);
  const c = circles(chart.toSVG());
  assert.equal(c.length, 2);
  assert.equal(c[0].cy, c[1].cy, "both stars have M = 5, so the same height");
  assert.ok(c[0].cx < c[1].cx, "redder star to the right");
  assert.match(chart.toSVG(), /absolute G magnitude/);
});

Deno.test("hrDiagram() puts bright stars at the top", () => {
  const chart = plots.hrDiagram([{ bp_rp: 1, phot_g_mean_mag: 5 }, {
    bp_rp: 1,
    phot_g_mean_mag: 15,
  }]);
  const [bright, faint] = circles(chart.toSVG());
  assert.ok(bright.cy < faint.cy);
});

Deno.test("hrDiagram() computes BP-RP from the two magnitudes when bp_rp is missing", () => {
  const chart = plots.hrDiagram([
    { phot_bp_mean_mag: 11, phot_rp_mean_mag: 10, phot_g_mean_mag: 10.5 },
    { phot_bp_mean_mag: 13, phot_rp_mean_mag: 10.5, phot_g_mean_mag: 11.5 },
  ]);
  assert.match(chart.toString(), /2 of 2 stars/);
});

Deno.test("hrDiagram() switches to density above the threshold", () => {
  const big = fx.clusterTable(6000);
  assert.match(plots.hrDiagram(big).toString(), /density/);
  assert.doesNotMatch(plots.hrDiagram(big, { mode: "dots", r: 0.5 }).toString(), /density/);
  assert.match(
    plots.hrDiagram(fx.clusterTable(50), { densityThreshold: 10 }).toString(),
    /density/,
  );
  assert.throws(() => plots.hrDiagram(big, { mode: "hex" as "dots" }), RangeError);
});

Deno.test("hrDiagram() names the missing column and the columns there are", () => {
  const err = assert.throws(
    () => plots.hrDiagram([{ g: 1, color: 2 }]),
    (e: unknown) =>
      e instanceof ColumnNotFoundError && e instanceof TypeError &&
      /"phot_g_mean_mag" not found/.test(e.message) &&
      /"g", "color"/.test(e.message) && /\{magnitude: "<column>"\}/.test(e.message),
  );
  void err;
});

Deno.test("plots accept a query result, a Polars DataFrame and records alike", async () => {
  const t = fx.clusterTable(100);
  const pl = (await import("nodejs-polars")).default;
  const df = pl.readIPC(Buffer.from(tableToIPC(t, "file")));
  const fromTable = plots.properMotion(t).toSVG();
  assert.equal(plots.properMotion({ table: t }).toSVG(), fromTable);
  assert.equal(plots.properMotion(df).toSVG(), fromTable);
  const records = tableFromIPC(tableToIPC(t)).toArray().map((r) => r.toJSON());
  assert.equal(plots.properMotion(records).toSVG(), fromTable);
});

Deno.test("plots reject input that is not a table", () => {
  assert.throws(
    () => plots.histogram(42 as never, { column: "x" }),
    /expected an Arrow table.*got number "42"/,
  );
});

Deno.test("hrDiagram() keeps source_id exact as dot titles (Int64 never a numeric channel)", () => {
  const t = tableFromArrays({
    source_id: BigInt64Array.of(4295806720n * 1000000n + 123n),
    bp_rp: new Float64Array([1]),
    phot_g_mean_mag: new Float64Array([12]),
  });
  assert.match(plots.hrDiagram(t).toSVG(), /<title>4295806720000123<\/title>/);
});

Deno.test("dot titles with markup are escaped in the SVG", () => {
  const chart = plots.hrDiagram([{
    source_id: "<img src=x onerror=alert(1)>",
    bp_rp: 1,
    phot_g_mean_mag: 10,
  }]);
  assert.ok(!chart.toSVG().includes("<img"));
  assert.match(chart.toSVG(), /&lt;img src=x onerror=alert\(1\)&gt;/);
});

Deno.test("project() maps the sky into the projection's ellipse, east to the left", () => {
  for (const p of ["hammer", "aitoff", "mollweide"] as const) {
    const lon = new Float64Array(2000), lat = new Float64Array(2000);
    const u = fx.rng(9);
    for (let i = 0; i < lon.length; i++) {
      lon[i] = 360 * u();
      lat[i] = Math.asin(2 * u() - 1) * 180 / Math.PI;
    }
    const { x, y } = project(lon, lat, p);
    const a = p === "aitoff" ? Math.PI : 2 * Math.SQRT2,
      b = p === "aitoff" ? Math.PI / 2 : Math.SQRT2;
    for (let i = 0; i < x.length; i++) {
      assert.ok(
        (x[i] / a) ** 2 + (y[i] / b) ** 2 <= 1 + 1e-9,
        `${p}: (${lon[i]}, ${lat[i]}) outside`,
      );
    }
    const east = project([30], [0], p), west = project([-30], [0], p);
    assert.ok(east.x[0] < 0 && west.x[0] > 0, `${p}: longitude must increase to the left`);
    const pole = project([0], [90], p);
    assert.ok(Math.abs(pole.y[0] - b) < 1e-6, `${p}: the pole is at the top`);
  }
  assert.ok(Number.isNaN(project([Number.NaN], [0], "hammer").x[0]));
  assert.throws(() => project([0], [0], "mercator" as "hammer"), /unknown projection "mercator"/);
});

Deno.test("equatorialToGalactic() puts the Galactic centre at l = 0, b = 0", () => {
  const { l, b } = equatorialToGalactic([266.40499], [-28.93617]);
  assert.ok(Math.min(l[0], 360 - l[0]) < 0.01, String(l[0]));
  assert.ok(Math.abs(b[0]) < 0.01, String(b[0]));
});

Deno.test("skyMap() uses l/b columns in the galactic frame and computes them otherwise", () => {
  const withLb = plots.skyMap([{ l: 0, b: 0, ra: 0, dec: 0 }], { frame: "galactic" });
  const [c] = circles(withLb.toSVG());
  // l = 0, b = 0 is the centre of the map.
  assert.ok(
    Math.abs(c.cx - 360) < 1 && Math.abs(c.cy - withLbHeight(withLb.toSVG()) / 2) < 1,
    JSON.stringify(c),
  );
  const fromRaDec = plots.skyMap([{ ra: 266.40499, dec: -28.93617 }], { frame: "galactic" });
  const [d] = circles(fromRaDec.toSVG());
  assert.ok(Math.abs(d.cx - c.cx) < 1 && Math.abs(d.cy - c.cy) < 1, JSON.stringify(d));
  assert.throws(() => plots.skyMap([{ x: 1 }]), /"ra" not found/);
  assert.throws(
    () => plots.skyMap([{ ra: 1, dec: 2 }], { frame: "ecliptic" as "galactic" }),
    RangeError,
  );
});

function withLbHeight(svg: string): number {
  return Number(/height="(\d+)"/.exec(svg)![1]);
}

Deno.test("lightCurve() folds by the period: phases in [0, cycles)", () => {
  const chart = plots.lightCurve(fx.epochPhotometry(), { period: 0.5668, cycles: 1 });
  const svg = chart.toSVG();
  assert.match(svg, /phase \(period 0.5668 d\)/);
  // 45 epochs x 3 bands minus one BP point flagged rejected_by_photometry.
  assert.match(chart.toString(), /^lightCurve: 134 observations in G, BP, RP, folded at 0.5668 d$/);
  const two = plots.lightCurve(fx.epochPhotometry(), { period: 0.5668 });
  assert.equal(circles(two.toSVG()).length, 2 * 134);
  const all = plots.lightCurve(fx.epochPhotometry(), {
    period: 0.5668,
    dropRejected: false,
    cycles: 1,
  });
  assert.match(all.toString(), /135 observations/);
  assert.throws(() => plots.lightCurve(fx.epochPhotometry(), { period: -1 }), RangeError);
});

Deno.test("lightCurve() asks which source to draw when the table holds several", () => {
  const a = fx.epochPhotometry();
  const rows = a.toArray().map((r) => r.toJSON());
  const two = [...rows, ...rows.map((r) => ({ ...r, source_id: 7n }))];
  assert.throws(() => plots.lightCurve(two), /holds 2 sources .* pass \{sourceId: \.\.\.\}/);
  assert.match(plots.lightCurve(two, { sourceId: 7n }).toString(), /134 observations/);
  assert.throws(() => plots.lightCurve(two, { sourceId: "8" }), /source_id 8 is not in the data/);
});

Deno.test("xpSpectrum() reads flux arrays on the standard grid (RAW layout)", () => {
  const flux = Array.from({ length: 343 }, (_, k) => k);
  const chart = plots.xpSpectrum([{ source_id: 1n, flux }, { source_id: 2n, flux }], { error: "" });
  assert.match(chart.toString(), /2 sources, 686 samples/);
  assert.throws(
    () => plots.xpSpectrum([{ flux: [1, 2, 3] }], { error: "" }),
    /3 flux values but no "wavelength" column, and the standard grid has 343/,
  );
});

Deno.test("xpSpectrum() draws at most maxSources sources and says so", () => {
  const t = fx.xpTable();
  assert.match(
    plots.xpSpectrum(t, { maxSources: 1 }).toString(),
    /1 source, 343 samples \(first 1 of 2 sources\)/,
  );
  assert.match(
    plots.xpSpectrum(t, { sourceId: 2n }).toString(),
    /^xpSpectrum: 1 source, 343 samples$/,
  );
});

Deno.test("Chart.save() writes SVG with xmlns and HTML pages, and refuses other names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = plots.rvsSpectrum(fx.rvsTable(), { title: "Ca II triplet" });
    await chart.save(`${dir}/a.svg`);
    await chart.save(`${dir}/a.html`);
    const svg = await Deno.readTextFile(`${dir}/a.svg`);
    assert.match(svg, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(
      await Deno.readTextFile(`${dir}/a.html`),
      /<figure[\s\S]*Ca II triplet[\s\S]*<svg/,
    );
    await assert.rejects(() => chart.save(`${dir}/a.png`), /end the file name with .svg or .html/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Chart has a Jupyter display bundle and a one-line text form", () => {
  const chart = plots.histogram([{ x: 1 }, { x: 2 }], { column: "x" });
  const bundle = (chart as unknown as Record<symbol, () => Record<string, string>>)
    [Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/html"], /^<svg/);
  assert.equal(bundle["text/plain"], "histogram: 2 of 2 values of x");
  assert.equal(Deno.inspect(chart), "Chart(histogram: 2 of 2 values of x)");
});

Deno.test("two charts on one page never share clip-path ids", () => {
  const a = plots.properMotion(fx.clusterTable(50, 1)).toHTML();
  const b = plots.properMotion(fx.clusterTable(50, 2)).toHTML();
  const ids = (s: string) => [...s.matchAll(/id="(plot-clip-[^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids(a).length > 0);
  for (const id of ids(a)) assert.ok(!ids(b).includes(id), id);
});
