// deno-lint-ignore-file no-console
/**
 * `deno run -A bench/engine_cone.ts [--rows N] [--clients C] [--queries Q] [--radius DEG] [--json]`
 *
 * The local archive engine's cone-search target (issue 9): a 1-degree cone
 * on a 1 000 000-row gaia_source answered in under 100 ms median while 8
 * clients query at once. Also times opening (generation + load, then a
 * restart from the cache), one-client latency, and result conversion
 * (200 000 rows x 25 columns to Arrow).
 *
 * The catalogue is cached in `bench/cache/engine-<rows>/` so a second run
 * starts in about a second. Prints `N passed, N failed` for the target.
 */
import { ArchiveEngine } from "../lib/archive/engine.ts";

function arg(name: string, def: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : def;
}
const rows = arg("--rows", 1_000_000);
const clients = arg("--clients", 8);
const perClient = arg("--queries", 25);
const radius = arg("--radius", 1);
const json = Deno.args.includes("--json");
const log = (s: string) => console.error(`[engine_cone] ${s}`);

const dataDir = new URL(`./cache/engine-${rows}/`, import.meta.url).pathname;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

// seeded positions over the whole sky (uniform on the sphere)
let state = 12345;
function rnd(): number {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
}
function position(): [number, number] {
  return [rnd() * 360, Math.asin(2 * rnd() - 1) * 180 / Math.PI];
}
const cone = ([ra, dec]: [number, number]) =>
  "SELECT source_id, ra, dec, phot_g_mean_mag, parallax, " +
  `DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', ${ra.toFixed(4)}, ${dec.toFixed(4)})) AS dist ` +
  "FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), " +
  `CIRCLE('ICRS', ${ra.toFixed(4)}, ${dec.toFixed(4)}, ${radius}))`;

let t0 = performance.now();
let engine = await ArchiveEngine.open({
  rows,
  dataDir,
  onProgress: (e) => log(`${e.stage} ${e.table ?? ""} ${e.rows ?? ""}`),
});
const openMs = performance.now() - t0;
await engine.close();
t0 = performance.now();
engine = await ArchiveEngine.open({ rows, dataDir });
const reopenMs = performance.now() - t0;
log(`open ${openMs.toFixed(0)} ms, reopen from cache ${reopenMs.toFixed(0)} ms`);

// warm-up
for (let i = 0; i < 5; i++) await engine.query(cone(position()), {});

// one client
const single: number[] = [];
let found = 0;
for (let i = 0; i < 40; i++) {
  const t = performance.now();
  const { table } = await engine.query(cone(position()), {});
  single.push(performance.now() - t);
  found += table.numRows;
}
log(`1 client: median ${median(single).toFixed(1)} ms, ~${Math.round(found / 40)} rows per cone`);

// C clients at once
const lat: number[] = [];
t0 = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  for (let i = 0; i < perClient; i++) {
    const t = performance.now();
    await engine.query(cone(position()), {});
    lat.push(performance.now() - t);
  }
}));
const wall = performance.now() - t0;
const med = median(lat);
log(
  `${clients} clients: median ${med.toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms, ` +
    `${(lat.length / (wall / 1000)).toFixed(0)} queries/s`,
);

// result conversion: 200 000 rows x 25 columns
const cols = [
  "source_id",
  "ra",
  "dec",
  "parallax",
  "parallax_error",
  "pmra",
  "pmdec",
  "phot_g_mean_mag",
  "phot_bp_mean_mag",
  "phot_rp_mean_mag",
  "bp_rp",
  "radial_velocity",
  "ruwe",
  "l",
  "b",
  "ecl_lon",
  "ecl_lat",
  "has_xp_continuous",
  "has_rvs",
  "phot_variable_flag",
  "designation",
  "ra_error",
  "dec_error",
  "pmra_error",
  "pmdec_error",
];
const conv: number[] = [];
let convRows = 0;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const { table } = await engine.query(
    `SELECT TOP 200000 ${cols.join(", ")} FROM gaiadr3.gaia_source`,
    {},
  );
  conv.push(performance.now() - t);
  convRows = table.numRows;
}
log(`${convRows} rows x ${cols.length} columns to Arrow: median ${median(conv).toFixed(0)} ms`);
await engine.close();

const result = {
  rows,
  clients,
  queries: lat.length,
  radiusDeg: radius,
  openMs: Math.round(openMs),
  reopenMs: Math.round(reopenMs),
  singleClientMedianMs: +median(single).toFixed(1),
  medianMs: +med.toFixed(1),
  p95Ms: +pct(lat, 0.95).toFixed(1),
  queriesPerSecond: +(lat.length / (wall / 1000)).toFixed(1),
  conversionRows: convRows,
  conversionMedianMs: Math.round(median(conv)),
};
if (json) console.log(JSON.stringify(result));
else console.log(result);
const pass = med < 100;
console.log(
  `${pass ? 1 : 0} passed, ${
    pass ? 0 : 1
  } failed (target: median < 100 ms with ${clients} clients)`,
);
