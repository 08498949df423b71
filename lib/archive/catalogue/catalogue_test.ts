import assert from "node:assert/strict";
import { type Table, tableToIPC } from "apache-arrow";
import {
  ang2pixNest,
  CATALOGUE_TABLES,
  CLUSTERS,
  generateCatalogue,
  generateGaiaSourceBatches,
  icrsToEcliptic,
  icrsToGalactic,
  separationDeg,
  sourceIdPixel,
  variabilityOf,
} from "./mod.ts";

const FIXTURES = new URL("../../../../shared/fixtures/astroquery/", import.meta.url);

// One shared default-size catalogue for the population tests (generated once, ~1 s).
let cached: Map<string, Table> | undefined;
function catalogue(): Map<string, Table> {
  cached ??= generateCatalogue();
  return cached;
}
function col<T>(t: Table, name: string): T {
  const c = t.getChild(name);
  assert.ok(c, `missing column ${name}`);
  return c.toArray() as T;
}

Deno.test("generateCatalogue() is byte-identical for the same seed and differs for another", () => {
  const a = generateCatalogue({ rows: 3000, seed: 7 });
  const b = generateCatalogue({ rows: 3000, seed: 7 });
  const c = generateCatalogue({ rows: 3000, seed: 8 });
  for (const [name, t] of a) {
    assert.deepEqual(tableToIPC(t, "file"), tableToIPC(b.get(name)!, "file"), name);
  }
  assert.notDeepEqual(
    tableToIPC(a.get("gaiadr3.gaia_source")!, "file"),
    tableToIPC(c.get("gaiadr3.gaia_source")!, "file"),
  );
});

Deno.test("generateGaiaSourceBatches() gives the same rows as generateCatalogue(), in 65536-row batches", () => {
  const batches = [...generateGaiaSourceBatches({ rows: 70000, seed: 5 })];
  assert.deepEqual(batches.map((b) => b.numRows), [65536, 4464]);
  const whole = generateCatalogue({ rows: 70000, seed: 5 }).get("gaiadr3.gaia_source")!;
  const ids = col<BigInt64Array>(whole, "source_id");
  assert.equal(batches[1].getChild("source_id")!.get(10), ids[65546]);
});

Deno.test("generateGaiaSourceBatches() rejects a bad row count with a RangeError", () => {
  assert.throws(() => [...generateGaiaSourceBatches({ rows: -1 })], RangeError);
  assert.throws(() => [...generateGaiaSourceBatches({ rows: 1.5 })], /rows must be an integer/);
});

Deno.test("gaia_source columns carry the real archive's datatypes, units and UCDs", async () => {
  const real = JSON.parse(await Deno.readTextFile(new URL("test.json", FIXTURES))) as {
    metadata: { name: string; datatype: string; unit: string | null; ucd: string | null }[];
  };
  const byName = new Map(real.metadata.map((m) => [m.name, m]));
  const gs = generateCatalogue({ rows: 10 }).get("gaiadr3.gaia_source")!;
  assert.ok(gs.schema.fields.length >= 60);
  for (const f of gs.schema.fields) {
    const m = byName.get(f.name);
    assert.ok(m, `${f.name} is not a real gaia_source column`);
    assert.equal(f.metadata.get("datatype"), m.datatype, f.name);
    assert.equal(f.metadata.get("unit"), m.unit ?? undefined, f.name);
    assert.equal(f.metadata.get("ucd"), m.ucd ?? undefined, f.name);
  }
  const ra = gs.schema.fields.find((f) => f.name === "ra")!;
  assert.equal(ra.metadata.get("esatapplus_flags"), "1");
  assert.equal(
    gs.schema.fields.find((f) => f.name === "source_id")!.metadata.get("esatapplus_flags"),
    "16",
  );
  for (const t of CATALOGUE_TABLES) {
    assert.match(t.description, /^Synthetic stand-in for .*not real Gaia data\)$/);
  }
});

Deno.test("ang2pixNest() and the coordinate transforms agree with a real DR3 row", async () => {
  const real = JSON.parse(await Deno.readTextFile(new URL("test.json", FIXTURES))) as {
    metadata: { name: string }[];
    data: unknown[][];
  };
  const idx = (n: string) => real.metadata.findIndex((m) => m.name === n);
  const row = real.data[0];
  const ra = row[idx("ra")] as number, dec = row[idx("dec")] as number;
  // source_id is a JSON number there (precision lost), so use the known value
  assert.equal(ang2pixNest(12, ra, dec), sourceIdPixel(5929246508730155392n));
  const g = icrsToGalactic(ra, dec, { lon: 0, lat: 0 });
  assert.ok(Math.abs(g.lon - (row[idx("l")] as number)) < 1e-9);
  assert.ok(Math.abs(g.lat - (row[idx("b")] as number)) < 1e-9);
  const e = icrsToEcliptic(ra, dec, { lon: 0, lat: 0 });
  assert.ok(Math.abs(e.lon - (row[idx("ecl_lon")] as number)) < 1e-9);
  assert.ok(Math.abs(e.lat - (row[idx("ecl_lat")] as number)) < 1e-9);
});

Deno.test("gaia_source source_id encodes the HEALPix level-12 pixel, designation and l/b follow", () => {
  const gs = generateCatalogue({ rows: 5000, seed: 11 }).get("gaiadr3.gaia_source")!;
  const ids = col<BigInt64Array>(gs, "source_id");
  const ra = col<Float64Array>(gs, "ra"), dec = col<Float64Array>(gs, "dec");
  const l = col<Float64Array>(gs, "l"), b = col<Float64Array>(gs, "b");
  const desig = gs.getChild("designation")!;
  assert.equal(new Set(ids).size, ids.length, "source_id must be unique");
  const ll = { lon: 0, lat: 0 };
  for (let i = 0; i < ids.length; i++) {
    assert.equal(sourceIdPixel(ids[i]), ang2pixNest(12, ra[i], dec[i]));
    assert.equal(desig.get(i), `Gaia DR3 ${ids[i]}`);
    icrsToGalactic(ra[i], dec[i], ll);
    assert.equal(l[i], ll.lon);
    assert.equal(b[i], ll.lat);
  }
  const ri = [...col<BigInt64Array>(gs, "random_index")].map(Number).sort((x, y) => x - y);
  assert.deepEqual(
    ri,
    Array.from({ length: ids.length }, (_, i) => i),
    "random_index is a permutation",
  );
});

Deno.test("the Pleiades: about 1000 stars in a 1-degree cone, sharing parallax and proper motion", () => {
  const gs = catalogue().get("gaiadr3.gaia_source")!;
  const ra = col<Float64Array>(gs, "ra"), dec = col<Float64Array>(gs, "dec");
  const plx = col<Float64Array>(gs, "parallax");
  const pmra = col<Float64Array>(gs, "pmra"), pmdec = col<Float64Array>(gs, "pmdec");
  const p = CLUSTERS.find((c) => c.name === "Pleiades")!;
  let cone = 0;
  const members: number[] = [];
  for (let i = 0; i < gs.numRows; i++) {
    if (separationDeg(ra[i], dec[i], p.ra, p.dec) > 1) continue;
    cone++;
    if (Math.abs(plx[i] - p.parallax) < 1) members.push(i);
  }
  assert.ok(cone > 800 && cone < 1300, `cone count ${cone}`);
  assert.ok(members.length > 0.6 * cone, `${members.length} of ${cone} near the cluster parallax`);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  assert.ok(Math.abs(median(members.map((i) => pmra[i])) - p.pmra) < 0.5);
  assert.ok(Math.abs(median(members.map((i) => pmdec[i])) - p.pmdec) < 0.5);
});

Deno.test("the Hyades and Praesepe are at their parallaxes and proper motions", () => {
  const gs = catalogue().get("gaiadr3.gaia_source")!;
  const ra = col<Float64Array>(gs, "ra"), dec = col<Float64Array>(gs, "dec");
  const plx = col<Float64Array>(gs, "parallax");
  const pmra = col<Float64Array>(gs, "pmra");
  for (const name of ["Hyades", "Praesepe"]) {
    const c = CLUSTERS.find((x) => x.name === name)!;
    const sel: number[] = [];
    const radius = name === "Hyades" ? 6 : 1.5; // the Hyades spread over ~10 degrees
    for (let i = 0; i < gs.numRows; i++) {
      if (
        separationDeg(ra[i], dec[i], c.ra, c.dec) < radius &&
        Math.abs(plx[i] - c.parallax) < 0.15 * c.parallax
      ) sel.push(i);
    }
    assert.ok(sel.length > 150, `${name}: ${sel.length} members`);
    const pm = sel.map((i) => pmra[i]).sort((a, b) => a - b)[sel.length >> 1];
    assert.ok(Math.abs(pm - c.pmra) < 0.1 * Math.abs(c.pmra) + 1, `${name} pmra ${pm}`);
  }
});

Deno.test("gaia_source NULL patterns follow DR3: 2-parameter faint sources, missing BP/RP, RV only when bright", () => {
  const gs = catalogue().get("gaiadr3.gaia_source")!;
  const n = gs.numRows;
  const frac = (name: string) => gs.getChild(name)!.nullCount / n;
  assert.ok(frac("parallax") > 0.08 && frac("parallax") < 0.3, `parallax ${frac("parallax")}`);
  assert.equal(frac("parallax"), frac("pmra"));
  assert.equal(frac("parallax"), frac("ruwe"));
  assert.ok(frac("bp_rp") > 0.03 && frac("bp_rp") < 0.2, `bp_rp ${frac("bp_rp")}`);
  assert.ok(frac("radial_velocity") > 0.7 && frac("radial_velocity") < 0.97);
  const g = col<Float32Array>(gs, "phot_g_mean_mag");
  const solved = col<Int16Array>(gs, "astrometric_params_solved");
  const rv = gs.getChild("radial_velocity")!;
  const teff = gs.getChild("teff_gspphot")!;
  const hasXp = col<Uint8Array>(gs, "has_xp_continuous");
  let twoBright = 0, twoFaint = 0, faint = 0;
  for (let i = 0; i < n; i++) {
    if (rv.isValid(i)) assert.ok(g[i] < 16.5, `RV for G=${g[i]}`);
    if (teff.isValid(i)) assert.ok(g[i] < 19.2, `GSP-Phot for G=${g[i]}`);
    if (g[i] > 20) {
      faint++;
      if (solved[i] === 3) twoFaint++;
    } else if (solved[i] === 3) twoBright++;
  }
  assert.ok(twoFaint / faint > 0.25, "2-parameter solutions dominate at the faint end");
  assert.ok(twoBright / n < 0.02);
  for (let i = 0; i < n; i++) if (hasXp[i]) assert.ok(g[i] <= 17.7, `XP spectrum for G=${g[i]}`);
});

Deno.test("gaia_source has an HR diagram: absolute G grows with BP-RP on the main sequence, with giants and white dwarfs", () => {
  const gs = catalogue().get("gaiadr3.gaia_source")!;
  const g = col<Float32Array>(gs, "phot_g_mean_mag"), c = col<Float32Array>(gs, "bp_rp");
  const plx = col<Float64Array>(gs, "parallax"), poe = col<Float32Array>(gs, "parallax_over_error");
  const xs: number[] = [], ys: number[] = [];
  let giants = 0, wds = 0;
  for (let i = 0; i < gs.numRows; i++) {
    if (!(poe[i] > 10) || !(c[i] === c[i])) continue;
    const mg = g[i] + 5 * Math.log10(plx[i] / 100);
    if (mg > 4) {
      // below the red clump and the giant branch: the main sequence
      xs.push(c[i]);
      ys.push(mg);
    }
    if (c[i] > 1.0 && mg < 2) giants++;
    if (c[i] < 0.8 && mg > 10) wds++;
  }
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const mx = mean(xs), my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  assert.ok(xs.length > 3000, `${xs.length} dwarfs with good parallaxes`);
  assert.ok(r > 0.8, `correlation of BP-RP and M_G ${r}`);
  assert.ok(giants > 200, `${giants} giants`);
  assert.ok(wds > 5, `${wds} white dwarfs`);
});

Deno.test("variables: 1-3 % of sources, flagged, with vari tables consistent with their source_id model", () => {
  const cat = catalogue();
  const gs = cat.get("gaiadr3.gaia_source")!;
  const flag = gs.getChild("phot_variable_flag")!;
  const epoch = col<Uint8Array>(gs, "has_epoch_photometry");
  let nVar = 0;
  for (let i = 0; i < gs.numRows; i++) {
    const v = flag.get(i) === "VARIABLE";
    if (v) nVar++;
    assert.equal(Boolean(epoch[i]), v);
  }
  assert.ok(nVar > 0.01 * gs.numRows && nVar < 0.03 * gs.numRows, `${nVar} variables`);
  const summary = cat.get("gaiadr3.vari_summary")!;
  assert.equal(summary.numRows, nVar);
  const rr = cat.get("gaiadr3.vari_rrlyrae")!;
  assert.ok(rr.numRows > 50, `${rr.numRows} RR Lyrae`);
  const ids = col<BigInt64Array>(rr, "source_id");
  const pf = rr.getChild("pf")!, p1 = rr.getChild("p1_o")!;
  for (let i = 0; i < rr.numRows; i++) {
    const m = variabilityOf(ids[i])!;
    assert.equal(m.className, "RR");
    assert.equal(m.subtype === "RRab" ? pf.get(i) : p1.get(i), m.period);
  }
  const cls = cat.get("gaiadr3.vari_classifier_result")!.getChild("best_class_name")!;
  const names = new Set<string>();
  for (let i = 0; i < cls.length; i++) names.add(cls.get(i));
  for (const n of ["RR", "ECL", "LPV", "DSCT|GDOR|SXPHE", "SOLAR_LIKE"]) assert.ok(names.has(n), n);
});

Deno.test("astrophysical_parameters repeats gaia_source's GSP-Phot values", () => {
  const cat = catalogue();
  const gs = cat.get("gaiadr3.gaia_source")!;
  const ap = cat.get("gaiadr3.astrophysical_parameters")!;
  assert.equal(ap.numRows, gs.numRows - gs.getChild("teff_gspphot")!.nullCount);
  const first = ap.get(0)!.toJSON() as Record<string, unknown>;
  const ids = col<BigInt64Array>(gs, "source_id");
  const i = ids.indexOf(first.source_id as bigint);
  assert.ok(i >= 0);
  assert.equal(gs.getChild("teff_gspphot")!.get(i), first.teff_gspphot);
  assert.equal(gs.getChild("distance_gspphot")!.get(i), first.distance_gspphot);
});

Deno.test("generateCatalogue() with zero rows gives empty tables that keep their schemas", () => {
  const m = generateCatalogue({ rows: 0 });
  const gs = m.get("gaiadr3.gaia_source")!;
  assert.equal(gs.numRows, 0);
  assert.equal(gs.schema.fields.length, CATALOGUE_TABLES[0].columns.length);
  assert.equal(m.get("gaiadr3.vari_summary")!.numRows, 0);
  assert.ok(m.get("gaiadr3.vari_summary")!.schema.fields.length > 10);
});
