/**
 * All-sky map projections (Hammer, Aitoff, Mollweide) and the equatorial to
 * galactic rotation, computed on typed arrays. The projected plane has `x`
 * in [-2√2, 2√2] and `y` in [-√2, √2] (Aitoff: [-π, π] by [-π/2, π/2]), with
 * longitude increasing to the left as astronomers draw the sky.
 *
 * @module
 */

/** The all-sky projections {@linkcode project} knows. */
export type SkyProjection = "hammer" | "aitoff" | "mollweide";

/** The half-width and half-height of a projection's plane. */
export function projectionExtent(projection: SkyProjection): { x: number; y: number } {
  return projection === "aitoff"
    ? { x: Math.PI, y: Math.PI / 2 }
    : { x: 2 * Math.SQRT2, y: Math.SQRT2 };
}

const D2R = Math.PI / 180;

/**
 * Projects longitudes and latitudes (degrees) onto the plane of an all-sky
 * projection. Longitude is wrapped into (center-180, center+180] and increases
 * to the left (x decreases). Non-finite inputs give `NaN`.
 *
 * @param lon Longitudes in degrees (RA or l).
 * @param lat Latitudes in degrees (Dec or b).
 * @param projection Which projection.
 * @param center The longitude at the centre of the map, in degrees. @default 0
 * @returns The projected `x` and `y`.
 *
 * @example The centre maps to the origin, and east is left
 * ```ts
 * import { project } from "./projections.ts";
 * const { x, y } = project(new Float64Array([0, 90]), new Float64Array([0, 0]), "hammer");
 * if (x[0] !== 0 || y[0] !== 0 || !(x[1] < 0)) throw new Error(`${x} ${y}`);
 * ```
 */
export function project(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  projection: SkyProjection,
  center = 0,
): { x: Float64Array; y: Float64Array } {
  const n = lon.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let l = lon[i] - center;
    const b = lat[i];
    if (!Number.isFinite(l) || !Number.isFinite(b) || b < -90 || b > 90) {
      x[i] = NaN;
      y[i] = NaN;
      continue;
    }
    l = ((l % 360) + 540) % 360 - 180; // (-180, 180]
    if (l === -180) l = 180;
    const lr = l * D2R;
    const br = b * D2R;
    let px: number, py: number;
    if (projection === "hammer") {
      const d = Math.sqrt(1 + Math.cos(br) * Math.cos(lr / 2));
      px = (2 * Math.SQRT2 * Math.cos(br) * Math.sin(lr / 2)) / d;
      py = (Math.SQRT2 * Math.sin(br)) / d;
    } else if (projection === "aitoff") {
      const alpha = Math.acos(Math.cos(br) * Math.cos(lr / 2));
      const sinc = alpha === 0 ? 1 : Math.sin(alpha) / alpha;
      px = (2 * Math.cos(br) * Math.sin(lr / 2)) / sinc;
      py = Math.sin(br) / sinc;
    } else if (projection === "mollweide") {
      const theta = mollweideTheta(br);
      px = ((2 * Math.SQRT2) / Math.PI) * lr * Math.cos(theta);
      py = Math.SQRT2 * Math.sin(theta);
    } else {
      throw new RangeError(
        `project(): unknown projection ${
          JSON.stringify(projection)
        }; use "hammer", "aitoff" or "mollweide"`,
      );
    }
    x[i] = -px;
    y[i] = py;
  }
  return { x, y };
}

/** Solves 2θ + sin 2θ = π sin φ by Newton's method. */
function mollweideTheta(phi: number): number {
  if (Math.abs(Math.abs(phi) - Math.PI / 2) < 1e-12) return phi;
  let t = phi;
  const target = Math.PI * Math.sin(phi);
  for (let k = 0; k < 50; k++) {
    const f = 2 * t + Math.sin(2 * t) - target;
    const dt = f / (2 + 2 * Math.cos(2 * t));
    t -= dt;
    if (Math.abs(dt) < 1e-12) break;
  }
  return t;
}

// ICRS to galactic rotation matrix (Hipparcos, ESA 1997, vol. 1, sect. 1.5.3).
const AG = [
  [-0.0548755604162154, -0.8734370902348850, -0.4838350155487132],
  [+0.4941094278755837, -0.4448296299600112, +0.7469822444972189],
  [-0.8676661490190047, -0.1980763734312015, +0.4559837761750669],
];

/**
 * Converts ICRS (RA, Dec) to galactic (l, b), all in degrees.
 *
 * @param ra Right ascensions in degrees.
 * @param dec Declinations in degrees.
 * @returns Galactic longitude `l` in [0, 360) and latitude `b`.
 *
 * @example The north galactic pole
 * ```ts
 * import { equatorialToGalactic } from "./projections.ts";
 * const { b } = equatorialToGalactic([192.85948], [27.12825]);
 * if (Math.abs(b[0] - 90) > 1e-3) throw new Error(String(b[0]));
 * ```
 */
export function equatorialToGalactic(
  ra: ArrayLike<number>,
  dec: ArrayLike<number>,
): { l: Float64Array; b: Float64Array } {
  const n = ra.length;
  const l = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = ra[i] * D2R;
    const d = dec[i] * D2R;
    const cx = Math.cos(d) * Math.cos(a);
    const cy = Math.cos(d) * Math.sin(a);
    const cz = Math.sin(d);
    const gx = AG[0][0] * cx + AG[0][1] * cy + AG[0][2] * cz;
    const gy = AG[1][0] * cx + AG[1][1] * cy + AG[1][2] * cz;
    const gz = AG[2][0] * cx + AG[2][1] * cy + AG[2][2] * cz;
    let lon = Math.atan2(gy, gx) / D2R;
    if (lon < 0) lon += 360;
    l[i] = lon;
    b[i] = Math.asin(Math.max(-1, Math.min(1, gz))) / D2R;
  }
  return { l, b };
}
