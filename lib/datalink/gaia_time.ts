/**
 * Gaia time: the epoch photometry `time` columns are barycentric Julian days
 * in the TCB time scale minus 2455197.5 (so 0 is 2010-01-01T00:00:00 TCB).
 * {@linkcode gaiaTimeToDate} converts such a value to a JS `Date` properly:
 * TCB to TDB (IAU 2006 B3: TDB = TCB − L_B·(JD_TCB − T₀)·86400 s + TDB₀),
 * TDB ≈ TT (within 2 ms), TT − 32.184 s = TAI, TAI − leap seconds = UTC.
 * The result is still a *barycentric* instant (light arrival at the solar
 * system barycentre), expressed on the UTC scale; no correction back to
 * Earth is applied, since that depends on the source's direction.
 *
 * @module
 */

/** The Julian date of Gaia time zero (2010-01-01T00:00:00 TCB). */
export const GAIA_TIME_ORIGIN_JD = 2455197.5;
const UNIX_EPOCH_JD = 2440587.5;
const L_B = 1.550519768e-8;
const T0_JD = 2443144.5003725;
const TDB0 = -6.55e-5;
const TT_MINUS_TAI = 32.184;

/** TAI − UTC in seconds from each date (UTC, ms since 1970) on: the leap second table. */
const LEAP_SECONDS: ReadonlyArray<readonly [number, number]> = [
  ["1972-01-01", 10],
  ["1972-07-01", 11],
  ["1973-01-01", 12],
  ["1974-01-01", 13],
  ["1975-01-01", 14],
  ["1976-01-01", 15],
  ["1977-01-01", 16],
  ["1978-01-01", 17],
  ["1979-01-01", 18],
  ["1980-01-01", 19],
  ["1981-07-01", 20],
  ["1982-07-01", 21],
  ["1983-07-01", 22],
  ["1985-07-01", 23],
  ["1988-01-01", 24],
  ["1990-01-01", 25],
  ["1991-01-01", 26],
  ["1992-07-01", 27],
  ["1993-07-01", 28],
  ["1994-07-01", 29],
  ["1996-01-01", 30],
  ["1997-07-01", 31],
  ["1999-01-01", 32],
  ["2006-01-01", 33],
  ["2009-01-01", 34],
  ["2012-07-01", 35],
  ["2015-07-01", 36],
  ["2017-01-01", 37],
].map(([d, s]) => [Date.parse(`${d}T00:00:00Z`), s as number] as const);

function taiMinusUtc(taiMs: number): number {
  // Newest first: Gaia epochs are recent. The change happens at `from` UTC,
  // i.e. at from + (new offset) seconds TAI.
  for (let k = LEAP_SECONDS.length - 1; k >= 0; k--) {
    const [from, v] = LEAP_SECONDS[k];
    if (taiMs >= from + v * 1000) return v;
  }
  return 10;
}

/**
 * Converts Gaia time (BJD in TCB − 2455197.5, in days) to milliseconds since
 * 1970-01-01T00:00:00 UTC (barycentric instant on the UTC scale).
 * Returns NaN for NaN input.
 *
 * @example
 * ```ts
 * import { gaiaTimeToUnixMs } from "./gaia_time.ts";
 * // Gaia time 0 is 2010-01-01T00:00:00 TCB, 82.3 s earlier in UTC.
 * const ms = gaiaTimeToUnixMs(0);
 * const expected = Date.parse("2009-12-31T23:58:37.669Z");
 * if (Math.abs(ms - expected) > 2) throw new Error(new Date(ms).toISOString());
 * ```
 */
export function gaiaTimeToUnixMs(time: number): number {
  const jdTcb = time + GAIA_TIME_ORIGIN_JD;
  const tdbMinusTcb = -L_B * (jdTcb - T0_JD) * 86400 + TDB0; // seconds
  const ttMs = (jdTcb - UNIX_EPOCH_JD) * 86_400_000 + tdbMinusTcb * 1000;
  const taiMs = ttMs - TT_MINUS_TAI * 1000;
  return taiMs - taiMinusUtc(taiMs) * 1000;
}

/**
 * Converts Gaia time (BJD in TCB − 2455197.5, in days) to a `Date`
 * (see the module notes: the instant stays barycentric).
 *
 * @example
 * ```ts
 * import { gaiaTimeToDate } from "./gaia_time.ts";
 * const d = gaiaTimeToDate(2000); // a DR3 epoch in mid-2015
 * if (d.toISOString().slice(0, 10) !== "2015-06-23") throw new Error(d.toISOString());
 * ```
 */
export function gaiaTimeToDate(time: number): Date {
  return new Date(gaiaTimeToUnixMs(time));
}

/**
 * The inverse of {@linkcode gaiaTimeToUnixMs}: UTC milliseconds to Gaia time (days).
 *
 * @example
 * ```ts
 * import { gaiaTimeToUnixMs, unixMsToGaiaTime } from "./gaia_time.ts";
 * const t = 1717.123456789;
 * if (Math.abs(unixMsToGaiaTime(gaiaTimeToUnixMs(t)) - t) > 1e-9) throw new Error();
 * ```
 */
export function unixMsToGaiaTime(ms: number): number {
  // Fixed-point iteration: the TCB/UTC offset changes by far less than a ms per day.
  let t = ms / 86_400_000 + UNIX_EPOCH_JD - GAIA_TIME_ORIGIN_JD;
  for (let k = 0; k < 4; k++) t += (ms - gaiaTimeToUnixMs(t)) / 86_400_000;
  return t;
}
