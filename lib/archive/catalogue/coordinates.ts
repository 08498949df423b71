/**
 * Sky coordinate transformations used to fill `l`, `b`, `ecl_lon` and
 * `ecl_lat` exactly from `ra`/`dec`, and to turn Galactic space velocities
 * into proper motions. Rotation matrices are those of the Gaia archive:
 * ICRS to Galactic from the Hipparcos definition; ICRS to ecliptic as a
 * rotation of the RA origin by -0.05542 arcsec followed by the obliquity
 * 84381.411 arcsec, which reproduces the archive's `ecl_lon`/`ecl_lat` to
 * double precision (fitted to real DR3 rows; the equinox offset and
 * obliquity are those of the J2000 dynamical ecliptic).
 *
 * @module
 */

const DEG = Math.PI / 180;

/** ICRS -> Galactic rotation (rows: Galactic x, y, z axes in ICRS). */
export const ICRS_TO_GALACTIC: readonly number[] = [
  -0.0548755604162154,
  -0.8734370902348850,
  -0.4838350155487132,
  +0.4941094278755837,
  -0.4448296299600112,
  +0.7469822444972189,
  -0.8676661490190047,
  -0.1980763734312015,
  +0.4559837761750669,
];

const EPS = (84381.411 / 3600) * DEG;
const CE = Math.cos(EPS), SE = Math.sin(EPS);
const PHI = (-0.05542 / 3600) * DEG; // RA origin offset of the ecliptic equinox
const CP = Math.cos(PHI), SP = Math.sin(PHI);

/** A reusable output pair, to avoid allocating an object per row. */
export interface LonLat {
  /** Longitude (or right ascension), degrees in [0, 360). */
  lon: number;
  /** Latitude (or declination), degrees. */
  lat: number;
}

function toLonLat(x: number, y: number, z: number, out: LonLat): LonLat {
  let lon = Math.atan2(y, x) / DEG;
  if (lon < 0) lon += 360;
  if (lon >= 360) lon -= 360;
  out.lon = lon;
  out.lat = Math.atan2(z, Math.hypot(x, y)) / DEG;
  return out;
}

/**
 * Galactic longitude and latitude (degrees) of an ICRS position.
 *
 * @example The Galactic centre direction
 * ```ts
 * import { icrsToGalactic } from "./coordinates.ts";
 * const g = icrsToGalactic(266.40499, -28.93617, { lon: 0, lat: 0 });
 * if (Math.abs(g.lat) > 0.01 || Math.min(g.lon, 360 - g.lon) > 0.01) throw new Error(JSON.stringify(g));
 * ```
 */
export function icrsToGalactic(raDeg: number, decDeg: number, out: LonLat): LonLat {
  const a = raDeg * DEG, d = decDeg * DEG;
  const cd = Math.cos(d);
  const x = cd * Math.cos(a), y = cd * Math.sin(a), z = Math.sin(d);
  const m = ICRS_TO_GALACTIC;
  return toLonLat(
    m[0] * x + m[1] * y + m[2] * z,
    m[3] * x + m[4] * y + m[5] * z,
    m[6] * x + m[7] * y + m[8] * z,
    out,
  );
}

/**
 * ICRS position (degrees) of a Galactic longitude and latitude.
 *
 * @example Round trip
 * ```ts
 * import { galacticToIcrs, icrsToGalactic } from "./coordinates.ts";
 * const e = galacticToIcrs(120, 30, { lon: 0, lat: 0 });
 * const g = icrsToGalactic(e.lon, e.lat, { lon: 0, lat: 0 });
 * if (Math.abs(g.lon - 120) > 1e-9 || Math.abs(g.lat - 30) > 1e-9) throw new Error("no round trip");
 * ```
 */
export function galacticToIcrs(lDeg: number, bDeg: number, out: LonLat): LonLat {
  const l = lDeg * DEG, b = bDeg * DEG;
  const cb = Math.cos(b);
  const x = cb * Math.cos(l), y = cb * Math.sin(l), z = Math.sin(b);
  const m = ICRS_TO_GALACTIC;
  return toLonLat(
    m[0] * x + m[3] * y + m[6] * z,
    m[1] * x + m[4] * y + m[7] * z,
    m[2] * x + m[5] * y + m[8] * z,
    out,
  );
}

/**
 * Ecliptic longitude and latitude (degrees) of an ICRS position.
 *
 * @example
 * ```ts
 * import { icrsToEcliptic } from "./coordinates.ts";
 * // a real DR3 row: Gaia DR3 4583627001381815936
 * const e = icrsToEcliptic(268.0676646661466, 26.50748605871529, { lon: 0, lat: 0 });
 * if (Math.abs(e.lon - 267.31336652628744) > 1e-9 || Math.abs(e.lat - 49.928747601434345) > 1e-9) {
 *   throw new Error(JSON.stringify(e));
 * }
 * ```
 */
export function icrsToEcliptic(raDeg: number, decDeg: number, out: LonLat): LonLat {
  const a = raDeg * DEG, d = decDeg * DEG;
  const cd = Math.cos(d);
  const x0 = cd * Math.cos(a), y0 = cd * Math.sin(a), z = Math.sin(d);
  const x = CP * x0 + SP * y0, y = -SP * x0 + CP * y0;
  return toLonLat(x, CE * y + SE * z, -SE * y + CE * z, out);
}

/** Angular separation in degrees between two positions (haversine, stable for small angles). */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const sd = Math.sin(((dec2 - dec1) * DEG) / 2);
  const sa = Math.sin(((ra2 - ra1) * DEG) / 2);
  const h = sd * sd + Math.cos(dec1 * DEG) * Math.cos(dec2 * DEG) * sa * sa;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / DEG;
}
