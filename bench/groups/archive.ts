/**
 * Local archive: 1-degree cone searches on a 1 000 000-row gaia_source,
 * through HTTP (sync TAP, VOTable answers read by the library's TapService)
 * to the served archive (`cli.ts serve`, a separate process), first by one
 * client, then by 8 clients at once. Target: median under 100 ms with 8.
 */
import { TapService } from "../../lib/tap/mod.ts";
import { serveArchive } from "../archive_server.ts";
import type { Check, GroupOptions, GroupResult, Row } from "../report.ts";
import { median } from "../util.ts";

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Runs the cone-search load test against a served archive. */
export async function archive(o: GroupOptions): Promise<GroupResult> {
  const rows = o.quick ? 100_000 : 1_000_000;
  const clients = 8;
  const perClient = o.quick ? 5 : 25;
  const radius = 1;
  let state = 12345;
  const rnd = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  // Uniform on the sphere, seeded: the same cones every run.
  const cone = () => {
    const ra = rnd() * 360, dec = Math.asin(2 * rnd() - 1) * 180 / Math.PI;
    return "SELECT source_id, ra, dec, phot_g_mean_mag, parallax, " +
      `DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', ${ra.toFixed(4)}, ${
        dec.toFixed(4)
      })) AS dist ` +
      "FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), " +
      `CIRCLE('ICRS', ${ra.toFixed(4)}, ${dec.toFixed(4)}, ${radius}))`;
  };
  const t0 = performance.now();
  const served = await serveArchive(rows, o.log);
  const startS = (performance.now() - t0) / 1000;
  const out: Row[] = [];
  const checks: Check[] = [];
  try {
    const tap = new TapService(`${served.url}/tap-server/tap`);
    let found = 0;
    const one = async () => {
      const t = performance.now();
      const r = await tap.query(cone(), { format: "votable" });
      found += r.numRows;
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) await one(); // warm-up
    const single: number[] = [];
    found = 0;
    for (let i = 0; i < 20; i++) single.push(await one());
    const perCone = found / 20;
    const lat: number[] = [];
    const w0 = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) lat.push(await one());
    }));
    const wall = (performance.now() - w0) / 1000;
    const input = `${rows} rows, 1° cones (~${Math.round(perCone)} rows each)`;
    out.push({
      group: "cone search over HTTP",
      input,
      tool: "1 client",
      min: Math.min(...single) / 1000,
      median: median(single) / 1000,
      cpu: NaN,
      rssMB: NaN,
      ok: true,
      note: `${single.length} queries; p95 ${(pct(single, 0.95)).toFixed(0)} ms`,
    });
    const med = median(lat);
    out.push({
      group: "cone search over HTTP",
      input,
      tool: `${clients} clients at once`,
      min: Math.min(...lat) / 1000,
      median: med / 1000,
      cpu: NaN,
      rssMB: NaN,
      ok: true,
      note: `${lat.length} queries; p95 ${pct(lat, 0.95).toFixed(0)} ms; ${
        (lat.length / wall).toFixed(1)
      } queries/s; archive start ${startS.toFixed(1)} s`,
    });
    checks.push({
      name: `median latency with ${clients} clients (${rows} rows), at most`,
      ratio: med,
      target: 100,
      atMost: true,
      unit: "ms",
      pass: med <= 100,
    });
  } finally {
    await served.stop();
  }
  return {
    rows: out,
    checks,
    notes: [
      "Times in this table are per query (seconds), measured by the client: HTTP POST to `tap-server/tap/sync`, " +
      "ADQL translated and run by the archive's DuckDB engine, VOTable answer parsed into Arrow.",
    ],
  };
}
