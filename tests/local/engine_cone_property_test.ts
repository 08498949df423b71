import assert from "node:assert/strict";
import fc from "fast-check";
import { ArchiveEngine } from "../../lib/archive/engine.ts";
import { angDist, skyCatalogue } from "./engine_fixture.ts";

const N = 4_000;
const cat = skyCatalogue(N);
const sky = cat.sky;

Deno.test("ArchiveEngine cones and DISTANCE match a JS great-circle computation anywhere on the sky (fast-check)", async () => {
  const engine = await ArchiveEngine.open({ catalogue: cat });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 359.999, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: 0.01, max: 40, noNaN: true }),
        async (ra, dec, r) => {
          const lit = (x: number) => x.toPrecision(12);
          const { table } = await engine.query(
            `SELECT source_id, DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', ${lit(ra)}, ${
              lit(dec)
            })) AS d ` +
              `FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ${
                lit(ra)
              }, ${lit(dec)}, ${lit(r)}))`,
            {},
          );
          const [cra, cdec, cr] = [Number(lit(ra)), Number(lit(dec)), Number(lit(r))];
          const got = new Map<bigint, number>();
          const ids = table.getChild("source_id")!.toArray() as BigInt64Array;
          const ds = table.getChild("d")!.toArray() as Float64Array;
          ids.forEach((id, i) => got.set(id, ds[i]));
          for (let i = 0; i < N; i++) {
            const d = angDist(cra, cdec, sky.ra[i], sky.dec[i]);
            const inside = got.has(sky.sourceId[i]);
            if (Math.abs(d - cr) > 1e-9) {
              assert.equal(inside, d <= cr, `source ${i} at ${d} deg, r=${cr}`);
            }
            if (inside) assert.ok(Math.abs(got.get(sky.sourceId[i])! - d) < 1e-8);
          }
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  } finally {
    await engine.close();
  }
});

function unit(ra: number, dec: number): number[] {
  const r = Math.PI / 180;
  return [
    Math.cos(dec * r) * Math.cos(ra * r),
    Math.cos(dec * r) * Math.sin(ra * r),
    Math.sin(dec * r),
  ];
}

/** The point `dist` degrees from (ra, dec) towards position angle `pa` (degrees). */
function offset(ra: number, dec: number, pa: number, dist: number): [number, number] {
  const r = Math.PI / 180;
  const d1 = dec * r, t = dist * r, a = pa * r;
  const d2 = Math.asin(Math.sin(d1) * Math.cos(t) + Math.cos(d1) * Math.sin(t) * Math.cos(a));
  const ra2 = ra * r +
    Math.atan2(Math.sin(a) * Math.sin(t) * Math.cos(d1), Math.cos(t) - Math.sin(d1) * Math.sin(d2));
  return [((ra2 / r) % 360 + 360) % 360, d2 / r];
}

Deno.test("ArchiveEngine POLYGON matches a JS great-circle edge test, also round the poles (fast-check)", async () => {
  const engine = await ArchiveEngine.open({ catalogue: cat });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 359.999, noNaN: true }),
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: 0.5, max: 60, noNaN: true }),
        fc.integer({ min: 3, max: 7 }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        async (ra, dec, size, k, rot) => {
          // a regular polygon (convex) of k vertices round (ra, dec)
          const verts = Array.from(
            { length: k },
            (_, i) => offset(ra, dec, rot + (360 * i) / k, size),
          )
            .map(([a, d]) => [Number(a.toPrecision(12)), Number(d.toPrecision(12))]);
          const q =
            "SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), POLYGON('ICRS', " +
            verts.map(([a, d]) => `${a}, ${d}`).join(", ") + "))";
          const { table } = await engine.query(q, {});
          const got = new Set(Array.from(table.getChild("source_id")!.toArray() as BigInt64Array));
          const vs = verts.map(([a, d]) => unit(a, d));
          const normals = vs.map((a, i) => {
            const b = vs[(i + 1) % vs.length];
            return [
              a[1] * b[2] - a[2] * b[1],
              a[2] * b[0] - a[0] * b[2],
              a[0] * b[1] - a[1] * b[0],
            ];
          });
          const c = unit(ra, dec);
          const sgn = Math.sign(normals[0][0] * c[0] + normals[0][1] * c[1] + normals[0][2] * c[2]);
          for (let i = 0; i < N; i++) {
            const x = unit(sky.ra[i], sky.dec[i]);
            const ds = normals.map((n) => sgn * (n[0] * x[0] + n[1] * x[1] + n[2] * x[2]));
            if (ds.some((d) => Math.abs(d) < 1e-9)) continue; // on an edge: either answer
            assert.equal(got.has(sky.sourceId[i]), ds.every((d) => d >= 0), `${q}: source ${i}`);
          }
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  } finally {
    await engine.close();
  }
});

/** Position angle (degrees, east of north) of (ra2, dec2) seen from (ra1, dec1). */
function positionAngle(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const dra = (ra2 - ra1) * r;
  const y = Math.sin(dra) * Math.cos(dec2 * r);
  const x = Math.cos(dec1 * r) * Math.sin(dec2 * r) -
    Math.sin(dec1 * r) * Math.cos(dec2 * r) * Math.cos(dra);
  return ((Math.atan2(y, x) / r) % 360 + 360) % 360;
}

Deno.test("ArchiveEngine non-convex POLYGON matches a star-shaped reference (fast-check)", async () => {
  const engine = await ArchiveEngine.open({ catalogue: cat });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 359.999, noNaN: true }),
        fc.double({ min: -89, max: 89, noNaN: true }),
        fc.array(fc.double({ min: 2, max: 40, noNaN: true }), { minLength: 5, maxLength: 9 }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.boolean(),
        async (ra, dec, radii, rot, reverse) => {
          const k = radii.length;
          const angles = radii.map((_, i) => rot + (360 * i) / k);
          const verts = radii.map((rr, i) => offset(ra, dec, angles[i], rr))
            .map(([a, d]) => [Number(a.toPrecision(12)), Number(d.toPrecision(12))]);
          const listed = reverse ? [...verts].reverse() : verts;
          const q =
            "SELECT source_id FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT(ra, dec), POLYGON(" +
            listed.map(([a, d]) => `${a}, ${d}`).join(", ") + "))";
          const { table } = await engine.query(q, {});
          const got = new Set(Array.from(table.getChild("source_id")!.toArray() as BigInt64Array));
          const vs = verts.map(([a, d]) => unit(a, d));
          const c = unit(ra, dec);
          for (let i = 0; i < N; i++) {
            const dist = angDist(ra, dec, sky.ra[i], sky.dec[i]);
            if (dist > 45) {
              assert.ok(!got.has(sky.sourceId[i]));
              continue;
            }
            const pa = ((positionAngle(ra, dec, sky.ra[i], sky.dec[i]) - rot) % 360 + 360) % 360;
            const e = Math.min(k - 1, Math.floor(pa / (360 / k)));
            const a = vs[e], b = vs[(e + 1) % k];
            const p = unit(sky.ra[i], sky.dec[i]);
            const m = [
              c[1] * p[2] - c[2] * p[1],
              c[2] * p[0] - c[0] * p[2],
              c[0] * p[1] - c[1] * p[0],
            ];
            const n = [
              a[1] * b[2] - a[2] * b[1],
              a[2] * b[0] - a[0] * b[2],
              a[0] * b[1] - a[1] * b[0],
            ];
            let x = [
              m[1] * n[2] - m[2] * n[1],
              m[2] * n[0] - m[0] * n[2],
              m[0] * n[1] - m[1] * n[0],
            ];
            const xn = Math.hypot(x[0], x[1], x[2]);
            if (xn < 1e-12) continue;
            x = x.map((v) => v / xn);
            if (x[0] * p[0] + x[1] * p[1] + x[2] * p[2] < 0) x = x.map((v) => -v);
            const xd =
              Math.acos(Math.max(-1, Math.min(1, x[0] * c[0] + x[1] * c[1] + x[2] * c[2]))) * 180 /
              Math.PI;
            if (Math.abs(xd - dist) < 1e-7 || dist < 1e-7) continue; // on the boundary or at the centre
            assert.equal(
              got.has(sky.sourceId[i]),
              dist < xd,
              `${q}: source ${i} at ${dist} deg, edge at ${xd}`,
            );
          }
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  } finally {
    await engine.close();
  }
});
