/**
 * ADQL geometry helpers: `point`, `circle`, `box`, `polygon`, and the angle
 * normaliser that turns `2`, `"2 arcmin"`, `"5 arcsec"`, `{value, unit}`
 * into degrees.
 *
 * @module
 */
import { AdqlFragment, identifier, literal } from "./template.ts";

/**
 * A coordinate argument: a number (a literal), a string (a column name, e.g.
 * `"ra"` or `"g.ra"`) or an ADQL fragment (any expression).
 */
export type CoordinateArg = number | bigint | string | AdqlFragment;

/** Angle units understood by {@linkcode toDegrees}. */
export type AngleUnit = "deg" | "arcmin" | "arcsec" | "mas" | "rad";

/** An angle: a number of degrees, text such as `"2 arcmin"`, or `{value, unit}`. */
export type Angle = number | string | { value: number; unit: AngleUnit | string };

const UNIT_DEGREES: Record<string, number> = {
  deg: 1,
  degree: 1,
  degrees: 1,
  d: 1,
  "°": 1,
  arcmin: 1 / 60,
  amin: 1 / 60,
  "'": 1 / 60,
  arcsec: 1 / 3600,
  asec: 1 / 3600,
  '"': 1 / 3600,
  mas: 1 / 3_600_000,
  rad: 180 / Math.PI,
};

/**
 * Converts an angle to degrees. A bare number is degrees; text is
 * `<number> <unit>` with unit deg, arcmin, arcsec, mas or rad.
 *
 * @throws {TypeError} for unreadable text or an unknown unit
 * @throws {RangeError} for a negative or non-finite value
 *
 * @example
 * ```ts
 * import { toDegrees } from "./geometry.ts";
 * if (toDegrees("30 arcmin") !== 0.5) throw new Error();
 * if (toDegrees({ value: 36, unit: "arcsec" }) !== 0.01) throw new Error();
 * if (toDegrees(1.5) !== 1.5) throw new Error();
 * ```
 */
export function toDegrees(angle: Angle, what = "angle"): number {
  let value: number;
  let unit: string;
  if (typeof angle === "number") {
    value = angle;
    unit = "deg";
  } else if (typeof angle === "string") {
    const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z°'"]*)\s*$/i.exec(angle);
    if (!m) {
      throw new TypeError(
        `Cannot read ${what} ${
          JSON.stringify(angle)
        }: write e.g. "2 arcmin", "5 arcsec" or "0.1 deg"`,
      );
    }
    value = Number(m[1]);
    unit = m[2] ? m[2].toLowerCase() : "deg";
  } else if (angle && typeof angle === "object" && typeof angle.value === "number") {
    value = angle.value;
    unit = String(angle.unit).toLowerCase();
  } else {
    throw new TypeError(
      `Cannot read ${what} ${JSON.stringify(angle)}: give degrees, "2 arcmin" or {value, unit}`,
    );
  }
  const factor = UNIT_DEGREES[unit];
  if (factor === undefined) {
    throw new TypeError(
      `Unknown angle unit ${JSON.stringify(unit)} in ${what}: use deg, arcmin, arcsec, mas or rad`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`The ${what} must be a finite, non-negative number, got ${value}`);
  }
  const deg = value * factor;
  // Round away binary noise such as 0.5000000000000001 from unit factors.
  return Number(deg.toPrecision(15));
}

/**
 * A coordinate argument as ADQL text.
 *
 * @example
 * ```ts
 * import { coordinate } from "./geometry.ts";
 * if (coordinate("g.ra") !== "g.ra" || coordinate(12.5) !== "12.5") throw new Error();
 * ```
 */
export function coordinate(arg: CoordinateArg, what = "coordinate"): string {
  if (typeof arg === "string") return identifier(arg).text;
  return literal(arg, what).text;
}

/** Options of the geometry helpers. */
export interface GeometryOptions {
  /** The coordinate system string (ADQL 2.0 first argument). @default "ICRS" */
  frame?: string | null;
}

function frameArg(o: GeometryOptions): string {
  return o.frame === null ? "" : `${literal(o.frame ?? "ICRS", "frame").text}, `;
}

/**
 * `POINT('ICRS', ra, dec)`. Strings are column names, numbers literals.
 *
 * @example
 * ```ts
 * import { point } from "./geometry.ts";
 * if (point("ra", "dec").text !== "POINT('ICRS', ra, dec)") throw new Error();
 * if (point(56.75, 24.12).text !== "POINT('ICRS', 56.75, 24.12)") throw new Error();
 * ```
 */
export function point(
  ra: CoordinateArg,
  dec: CoordinateArg,
  options: GeometryOptions = {},
): AdqlFragment {
  return new AdqlFragment(
    `POINT(${frameArg(options)}${coordinate(ra, "ra")}, ${coordinate(dec, "dec")})`,
  );
}

/**
 * `CIRCLE('ICRS', ra, dec, radius)` with the radius in degrees (any
 * {@linkcode Angle}).
 *
 * @example
 * ```ts
 * import { circle } from "./geometry.ts";
 * if (circle(56.75, 24.12, "6 arcmin").text !== "CIRCLE('ICRS', 56.75, 24.12, 0.1)") throw new Error();
 * ```
 */
export function circle(
  ra: CoordinateArg,
  dec: CoordinateArg,
  radius: Angle | AdqlFragment,
  options: GeometryOptions = {},
): AdqlFragment {
  const r = radius instanceof AdqlFragment
    ? radius.text
    : literal(toDegrees(radius, "radius")).text;
  return new AdqlFragment(
    `CIRCLE(${frameArg(options)}${coordinate(ra, "ra")}, ${coordinate(dec, "dec")}, ${r})`,
  );
}

/**
 * `BOX('ICRS', ra, dec, width, height)`: centre and full sizes.
 *
 * @example
 * ```ts
 * import { box } from "./geometry.ts";
 * if (box(10, 20, 1, "30 arcmin").text !== "BOX('ICRS', 10, 20, 1, 0.5)") throw new Error();
 * ```
 */
export function box(
  ra: CoordinateArg,
  dec: CoordinateArg,
  width: Angle,
  height: Angle,
  options: GeometryOptions = {},
): AdqlFragment {
  return new AdqlFragment(
    `BOX(${frameArg(options)}${coordinate(ra, "ra")}, ${coordinate(dec, "dec")}, ${
      literal(toDegrees(width, "width")).text
    }, ${literal(toDegrees(height, "height")).text})`,
  );
}

/**
 * `POLYGON('ICRS', ra1, dec1, ra2, dec2, ...)` from at least three vertices.
 *
 * @example
 * ```ts
 * import { polygon } from "./geometry.ts";
 * const p = polygon([[10, 10], [11, 10], [10.5, 11]]);
 * if (p.text !== "POLYGON('ICRS', 10, 10, 11, 10, 10.5, 11)") throw new Error(p.text);
 * ```
 */
export function polygon(
  vertices: ReadonlyArray<readonly [CoordinateArg, CoordinateArg]>,
  options: GeometryOptions = {},
): AdqlFragment {
  if (!Array.isArray(vertices) || vertices.length < 3) {
    throw new RangeError(
      `A polygon needs at least 3 vertices, got ${Array.isArray(vertices) ? vertices.length : 0}`,
    );
  }
  const coords = vertices.map((v, i) => {
    if (!Array.isArray(v) || v.length !== 2) {
      throw new TypeError(`Polygon vertex ${i} must be [ra, dec]`);
    }
    return `${coordinate(v[0], `vertex ${i} ra`)}, ${coordinate(v[1], `vertex ${i} dec`)}`;
  });
  return new AdqlFragment(`POLYGON(${frameArg(options)}${coords.join(", ")})`);
}
