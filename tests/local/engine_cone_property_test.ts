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
