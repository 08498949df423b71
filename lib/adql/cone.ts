/**
 * A cone-search query builder: the ADQL for "everything within a radius of a
 * position", with the angular distance as a column and the rows ordered by it.
 *
 * @module
 */
import { type Angle, circle, point, toDegrees } from "./geometry.ts";
import { AdqlFragment, identifier, literal } from "./template.ts";

/** What {@linkcode coneSearch} builds. */
export interface ConeSearchOptions {
  /** The table to search, e.g. `"gaiadr3.gaia_source"`. */
  table: string;
  /** Right ascension of the centre, degrees. */
  ra: number;
  /** Declination of the centre, degrees. */
  dec: number;
  /** Radius: degrees, `"2 arcmin"`, `"5 arcsec"`, `{value, unit}`. */
  radius: Angle;
  /** Columns to select (names, or ADQL fragments for expressions). @default ["*"] */
  columns?: Array<string | AdqlFragment>;
  /** RA column of the table. @default "ra" */
  raColumn?: string;
  /** Dec column of the table. @default "dec" */
  decColumn?: string;
  /** Name of the distance column (degrees); `false` leaves it out. @default "dist" */
  distanceColumn?: string | false;
  /** Order the rows by distance (needs the distance column). @default true */
  orderByDistance?: boolean;
  /** `TOP n`: the most rows returned. @default no limit */
  top?: number;
  /** An extra condition ANDed to the cone, as a safe fragment (`adql\`phot_g_mean_mag < ${18}\``). */
  where?: AdqlFragment;
  /** Coordinate system. @default "ICRS" */
  frame?: string;
}

/**
 * Builds a cone-search query.
 *
 * @example
 * ```ts
 * import { coneSearch } from "./cone.ts";
 * const q = coneSearch({ table: "gaiadr3.gaia_source", ra: 56.75, dec: 24.12, radius: "1 deg",
 *   columns: ["source_id", "ra", "dec"], top: 10 });
 * const expected = "SELECT TOP 10 source_id, ra, dec, " +
 *   "DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 56.75, 24.12)) AS dist " +
 *   "FROM gaiadr3.gaia_source " +
 *   "WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 1)) ORDER BY dist";
 * if (q.text !== expected) throw new Error(q.text);
 * ```
 */
export function coneSearch(options: ConeSearchOptions): AdqlFragment {
  const {
    table,
    ra,
    dec,
    radius,
    columns = ["*"],
    raColumn = "ra",
    decColumn = "dec",
    distanceColumn = "dist",
    orderByDistance = true,
    top,
    where,
    frame = "ICRS",
  } = options;
  if (typeof ra !== "number" || !Number.isFinite(ra)) {
    throw new TypeError(`Cone centre ra must be a finite number, got ${ra}`);
  }
  if (typeof dec !== "number" || !Number.isFinite(dec) || dec < -90 || dec > 90) {
    throw new RangeError(`Cone centre dec must be between -90 and 90 degrees, got ${dec}`);
  }
  const r = toDegrees(radius, "radius");
  if (r > 180) throw new RangeError(`Cone radius must be at most 180 degrees, got ${r}`);
  if (top !== undefined && (!Number.isInteger(top) || top < 0)) {
    throw new RangeError(`top must be a non-negative integer, got ${top}`);
  }
  if (where !== undefined && !(where instanceof AdqlFragment)) {
    throw new TypeError("where must be an adql`` fragment, so that its values are quoted safely");
  }
  if (columns.length === 0) throw new RangeError('columns must name at least one column (or "*")');
  const cols = columns.map((
    c,
  ) => (c instanceof AdqlFragment ? c.text : c === "*" ? "*" : identifier(c).text));
  const pos = point(raColumn, decColumn, { frame });
  const centre = point(ra, dec, { frame });
  if (distanceColumn !== false) {
    cols.push(`DISTANCE(${pos.text}, ${centre.text}) AS ${identifier(distanceColumn).text}`);
  }
  let text = `SELECT ${top !== undefined ? `TOP ${literal(top).text} ` : ""}${cols.join(", ")} ` +
    `FROM ${identifier(table).text} ` +
    `WHERE 1 = CONTAINS(${pos.text}, ${circle(ra, dec, r, { frame }).text})`;
  if (where) text += ` AND (${where.text})`;
  if (orderByDistance && distanceColumn !== false) {
    text += ` ORDER BY ${identifier(distanceColumn).text}`;
  }
  return new AdqlFragment(text);
}
