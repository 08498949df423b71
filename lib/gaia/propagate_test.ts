import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import { propagate, propagateState } from "./propagate.ts";

const BARNARD = {
  ra: 269.44850252543836,
  dec: 4.739420051112412,
  pmra: -801.551,
  pmdec: 10362.394,
  parallax: 546.9759,
  radialVelocity: -110.47,
};

Deno.test("propagateState() shows Barnard's star's secular acceleration (~1.28 mas/yr²)", () => {
  const mu0 = Math.hypot(BARNARD.pmra, BARNARD.pmdec);
  const s = propagateState(BARNARD, 10);
  const mu10 = Math.hypot(s.pmra, s.pmdec);
  // dμ/dt = -2 v_r ϖ μ / A, positive for an approaching star.
  const zeta = (BARNARD.radialVelocity * BARNARD.parallax / 4.740470446) * Math.PI / 180 /
    3_600_000; // rad/yr
  const expected = -2 * zeta * mu0 * 10; // mas/yr, first order
  assert.ok(Math.abs((mu10 - mu0) - expected) < 0.05, `${mu10 - mu0} vs ${expected}`);
  assert.ok(mu10 - mu0 > 12 && mu10 - mu0 < 13.5, `${mu10 - mu0} mas/yr in 10 yr`);
  // Parallax grows as the star approaches; the radial velocity stays close.
  assert.ok(s.parallax > BARNARD.parallax);
  assert.ok(Math.abs(s.radialVelocity - BARNARD.radialVelocity) < 0.1);
});

Deno.test("propagateState() is reversible: +t then -t returns the start", () => {
  const there = propagateState(BARNARD, 37.5);
  const back = propagateState(there, -37.5);
  for (const k of ["ra", "dec", "pmra", "pmdec", "parallax", "radialVelocity"] as const) {
    assert.ok(
      Math.abs(back[k] - BARNARD[k]) < 1e-8 * Math.max(1, Math.abs(BARNARD[k])),
      `${k}: ${back[k]}`,
    );
  }
});

Deno.test("propagateState() without parallax ignores the radial velocity and wraps RA", () => {
  const s = propagateState({
    ra: 359.9999999,
    dec: 0,
    pmra: 1000,
    pmdec: 0,
    parallax: NaN,
    radialVelocity: 50,
  }, 1);
  assert.ok(s.ra >= 0 && s.ra < 0.001, String(s.ra));
  assert.ok(Number.isNaN(s.parallax));
});

Deno.test("propagate() keeps rows without proper motion in place and uses ref_epoch per row", () => {
  const t = tableFromArrays({
    ra: new Float64Array([10, 20]),
    dec: new Float64Array([0, 0]),
    pmra: new Float64Array([NaN, 0]),
    pmdec: new Float64Array([NaN, 1000]),
    ref_epoch: new Float64Array([2016, 2015.5]),
  });
  const out = propagate(t, { epoch: 2016.5 });
  assert.equal(out.getChild("ra")!.get(0), 10);
  assert.equal(out.getChild("pmra")!.get(0), null);
  assert.ok(
    Math.abs((out.getChild("dec")!.get(1) as number) * 3600 - 1) < 1e-6,
    "one year of 1 arcsec/yr",
  );
  assert.deepEqual([...out.getChild("ref_epoch")!], [2016.5, 2016.5]);
  assert.throws(
    () => propagate(tableFromArrays({ x: new Float64Array([1]) }), { epoch: 2020 }),
    /needs columns "ra"/,
  );
});
