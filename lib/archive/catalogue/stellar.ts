/**
 * Simple stellar relations behind the synthetic population: an
 * isochrone-like main sequence M_G(BP-RP), Gaia colour relations, an
 * effective-temperature scale, and DR3-like error laws as functions of G.
 * Approximations tuned by eye to Gaia DR3 diagrams, good enough for a
 * believable HR diagram, not for science.
 *
 * @module
 */

const MS_C = [-0.35, -0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5];
const MS_M = [
  -2.0,
  -0.6,
  1.2,
  2.1,
  3.0,
  3.9,
  4.7,
  5.6,
  6.6,
  7.6,
  9.3,
  10.9,
  12.3,
  13.6,
  14.8,
  15.9,
];

/**
 * Absolute G magnitude of the zero-age main sequence at intrinsic colour
 * `c` = (BP-RP)_0, by linear interpolation in a table read off DR3's HR diagram.
 *
 * @example
 * ```ts
 * import { msAbsMag } from "./stellar.ts";
 * if (Math.abs(msAbsMag(0.82) - 4.79) > 0.05) throw new Error("the Sun is off the main sequence");
 * ```
 */
export function msAbsMag(c: number): number {
  return interp(MS_C, MS_M, c);
}

/** Intrinsic colour of the main sequence at absolute magnitude `m` (inverse of {@linkcode msAbsMag}). */
export function msColour(m: number): number {
  return interp(MS_M, MS_C, m);
}

function interp(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (x <= xs[0]) return ys[0] + ((ys[1] - ys[0]) / (xs[1] - xs[0])) * (x - xs[0]);
  if (x >= xs[n - 1]) {
    return ys[n - 1] + ((ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2])) * (x - xs[n - 1]);
  }
  let i = 1;
  while (xs[i] < x) i++;
  return ys[i - 1] + ((ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])) * (x - xs[i - 1]);
}

/** G - RP as a function of BP - RP (a cubic through DR3's colour-colour locus). */
export function gMinusRp(c: number): number {
  return 0.66 * c - 0.09 * c * c + 0.006 * c * c * c;
}

/**
 * Effective temperature (K) from intrinsic BP - RP.
 *
 * @example
 * ```ts
 * import { teffFromColour } from "./stellar.ts";
 * const t = teffFromColour(0.82);
 * if (t < 5500 || t > 5900) throw new Error(String(t));
 * ```
 */
export function teffFromColour(c0: number): number {
  const cc = Math.max(-0.4, Math.min(4.5, c0));
  return 5040 / (0.4929 + 0.5092 * cc - 0.0353 * cc * cc);
}

/** G - G_RVS as a function of G - RP. */
export function gMinusGrvs(grp: number): number {
  return -0.0386 + 0.9807 * grp + 0.0462 * grp * grp;
}

/** DR3-like parallax uncertainty (mas) for a 5-parameter solution at magnitude G. */
export function parallaxError(g: number): number {
  const z = Math.pow(10, 0.4 * (Math.max(g, 13) - 15));
  return Math.sqrt(40 + 800 * z + 30 * z * z) / 1000;
}

/** DR3-like uncertainty of the mean G magnitude. */
export function gMeanMagError(g: number): number {
  return Math.hypot(0.0003, 0.0008 * Math.pow(10, 0.2 * (g - 17)));
}

/** DR3-like uncertainty of the mean BP or RP magnitude. */
export function xpMeanMagError(g: number): number {
  return 0.0012 + 0.0015 * Math.pow(10, 0.4 * (Math.max(g, 12) - 15));
}

/** DR3-like radial-velocity uncertainty (km/s) at G_RVS magnitude. */
export function radialVelocityError(grvs: number): number {
  return 0.12 + 6 * Math.pow(10, 0.4 * (grvs - 14));
}
