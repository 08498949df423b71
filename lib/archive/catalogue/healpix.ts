/**
 * HEALPix (nested scheme) pixel index of a sky position, as Gaia uses to
 * build its `source_id`: `source_id = healpix12 * 2^35 + running number`,
 * so `source_id / 34359738368` is the level-12 pixel.
 *
 * @module
 */

const HALF_PI = Math.PI / 2;
const DEG = Math.PI / 180;

/** 2^35: dividing a Gaia `source_id` by this gives its level-12 HEALPix index. */
export const SOURCE_ID_PIXEL_FACTOR = 34359738368n;

/** Spreads the low 16 bits of `v` to the even bit positions. */
function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/**
 * The nested HEALPix index of (ra, dec) at a given order (nside = 2^order).
 *
 * @param order HEALPix order, 0..13 (12 is Gaia's source_id level).
 * @param raDeg Right ascension in degrees.
 * @param decDeg Declination in degrees, in [-90, 90].
 * @returns The pixel index in [0, 12 * 4^order).
 * @throws {RangeError} When the order or declination is out of range.
 *
 * @example The pixel inside a real Gaia DR3 source_id
 * ```ts
 * import { ang2pixNest } from "./healpix.ts";
 * // Gaia DR3 5937083312263887616 is at ra 251.5192, dec -51.5054
 * const pix = ang2pixNest(12, 251.51920772923995, -51.50535255488219);
 * if (BigInt(pix) !== 5937083312263887616n / 34359738368n) throw new Error(String(pix));
 * ```
 */
export function ang2pixNest(order: number, raDeg: number, decDeg: number): number {
  if (!(order >= 0 && order <= 13 && Number.isInteger(order))) {
    throw new RangeError(`HEALPix order must be an integer in 0..13, got ${order}`);
  }
  if (!(decDeg >= -90 && decDeg <= 90)) {
    throw new RangeError(`Declination must be within [-90, 90] degrees, got ${decDeg}`);
  }
  const nside = 1 << order;
  const z = Math.sin(decDeg * DEG);
  const za = Math.abs(z);
  let phi = (raDeg * DEG) % (2 * Math.PI);
  if (phi < 0) phi += 2 * Math.PI;
  let tt = phi / HALF_PI; // in [0, 4)
  if (tt >= 4) tt = 0;
  let face: number, ix: number, iy: number;
  if (za <= 2 / 3) {
    const temp1 = nside * (0.5 + tt);
    const temp2 = nside * z * 0.75;
    const jp = Math.floor(temp1 - temp2);
    const jm = Math.floor(temp1 + temp2);
    const ifp = Math.floor(jp / nside);
    const ifm = Math.floor(jm / nside);
    face = ifp === ifm ? (ifp | 4) : ifp < ifm ? ifp : ifm + 8;
    ix = jm & (nside - 1);
    iy = nside - (jp & (nside - 1)) - 1;
  } else {
    const ntt = Math.min(3, Math.floor(tt));
    const tp = tt - ntt;
    // sqrt(3(1-|z|)) computed from cos(dec) near the poles for accuracy
    const cosd = Math.cos(decDeg * DEG);
    const tmp = nside * (za > 0.99 ? cosd * Math.sqrt(3 / (1 + za)) : Math.sqrt(3 * (1 - za)));
    let jp = Math.floor(tp * tmp);
    let jm = Math.floor((1 - tp) * tmp);
    if (jp > nside - 1) jp = nside - 1;
    if (jm > nside - 1) jm = nside - 1;
    if (z >= 0) {
      face = ntt;
      ix = nside - jm - 1;
      iy = nside - jp - 1;
    } else {
      face = ntt + 8;
      ix = jp;
      iy = jm;
    }
  }
  return face * nside * nside + (spread(ix) | (spread(iy) << 1)) >>> 0;
}

/**
 * The level-12 HEALPix pixel encoded in a Gaia `source_id`.
 *
 * @example
 * ```ts
 * import { sourceIdPixel } from "./healpix.ts";
 * if (sourceIdPixel(34359738368n * 5n + 17n) !== 5) throw new Error("wrong pixel");
 * ```
 */
export function sourceIdPixel(sourceId: bigint): number {
  return Number(sourceId / SOURCE_ID_PIXEL_FACTOR);
}
