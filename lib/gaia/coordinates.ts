/**
 * Sky positions for cone searches and object queries: `{ra, dec}` in
 * degrees, text in decimal or sexagesimal form, or an object name resolved
 * by CDS Sesame (where reachable).
 *
 * @module
 */
import { HttpClient, HttpError, NetworkError, TimeoutError } from "../http/mod.ts";

/** A position in degrees (ICRS). */
export interface SkyPosition {
  /** Right ascension, degrees. */
  ra: number;
  /** Declination, degrees. */
  dec: number;
}

/** What a position may be given as. */
export type PositionInput = SkyPosition | [number, number] | string;

/** A name that could not be resolved, or a resolver that could not be reached. */
export class NameResolutionError extends Error {
  /** The name asked for. */
  readonly objectName: string;
  /**
   * Creates the instance.
   * @param message what went wrong
   * @param objectName the name asked for.
   */
  constructor(message: string, objectName: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "NameResolutionError";
    this.objectName = objectName;
  }
}

function sexagesimal(parts: string[], hours: boolean): number {
  const sign = parts[0].trim().startsWith("-") ? -1 : 1;
  const [a, b = "0", c = "0"] = parts.map((p) => p.replace(/^[+-]/, ""));
  const v = Math.abs(Number(a)) + Number(b) / 60 + Number(c) / 3600;
  if (!Number.isFinite(v)) {
    throw new TypeError(`Cannot read ${JSON.stringify(parts.join(" "))} as an angle`);
  }
  return sign * v * (hours ? 15 : 1);
}

/**
 * Parses a position written as text: `"56.75 24.12"`, `"56.75, +24.12"`,
 * `"03h47m00s +24d07m00s"`, `"03:47:00 +24:07:00"`; undefined when the text
 * is not numeric (then it is an object name).
 *
 * @example
 * ```ts
 * import { parsePosition } from "./coordinates.ts";
 * const p = parsePosition("03h47m00s +24d07m12s")!;
 * if (Math.abs(p.ra - 56.75) > 1e-9 || Math.abs(p.dec - 24.12) > 1e-9) throw new Error(JSON.stringify(p));
 * if (parsePosition("M45") !== undefined) throw new Error();
 * ```
 */
export function parsePosition(text: string): SkyPosition | undefined {
  const s = text.trim();
  const dec2 = /^([+-]?\d+(?:\.\d*)?)\s*(?:deg)?[\s,]+([+-]?\d+(?:\.\d*)?)\s*(?:deg)?$/i.exec(s);
  if (dec2) return check({ ra: Number(dec2[1]), dec: Number(dec2[2]) }, text);
  const hms =
    /^(\d{1,2})[h:\s](\d{1,2})[m:\s](\d{1,2}(?:\.\d*)?)s?[\s,]+([+-]?\d{1,2})[d°:\s](\d{1,2})['m:\s](\d{1,2}(?:\.\d*)?)["s]?$/i
      .exec(s);
  if (hms) {
    return check({
      ra: sexagesimal([hms[1], hms[2], hms[3]], true),
      dec: sexagesimal([hms[4], hms[5], hms[6]], false),
    }, text);
  }
  return undefined;
}

function check(p: SkyPosition, text: string): SkyPosition {
  if (!(p.ra >= 0 && p.ra < 360) || !(p.dec >= -90 && p.dec <= 90)) {
    throw new RangeError(
      `Position ${JSON.stringify(text)} is outside ra 0..360, dec -90..90 degrees`,
    );
  }
  return p;
}

/** The CDS Sesame name resolver (plain text output). */
export const SESAME_URL = "https://cds.unistra.fr/cgi-bin/nph-sesame/-oI/SNV";

/**
 * Resolves an object name with CDS Sesame (`%J ra dec` line).
 *
 * @throws {NameResolutionError} when the name is unknown or Sesame cannot be reached
 *
 * @example (needs the network)
 * ```ts ignore
 * const p = await resolveName("M45"); // { ra: 56.75, dec: 24.1167 }
 * ```
 */
export async function resolveName(
  name: string,
  options: { http?: HttpClient; url?: string; signal?: AbortSignal; timeout?: number } = {},
): Promise<SkyPosition> {
  const http = options.http ?? new HttpClient({ retries: 1 });
  const url = `${options.url ?? SESAME_URL}?${encodeURIComponent(name)}`;
  let text: string;
  try {
    text = await http.text(url, { timeout: options.timeout ?? 15_000, signal: options.signal });
  } catch (e) {
    if (e instanceof NetworkError || e instanceof TimeoutError || e instanceof HttpError) {
      throw new NameResolutionError(
        `Cannot resolve ${JSON.stringify(name)}: the CDS Sesame name resolver is unreachable (${
          (e as Error).message
        }); give the position as {ra, dec} instead`,
        name,
        { cause: e },
      );
    }
    throw e;
  }
  const m = /^%J\s+([+-]?\d+(?:\.\d*)?)\s+([+-]?\d+(?:\.\d*)?)/m.exec(text);
  if (!m) {
    throw new NameResolutionError(
      `CDS Sesame does not know the object ${JSON.stringify(name)}`,
      name,
    );
  }
  return { ra: Number(m[1]), dec: Number(m[2]) };
}

/** Turns any {@linkcode PositionInput} into degrees (resolving names with Sesame). */
export async function toPosition(
  input: PositionInput,
  options: { http?: HttpClient; signal?: AbortSignal; sesameUrl?: string } = {},
): Promise<SkyPosition> {
  if (Array.isArray(input)) return check({ ra: input[0], dec: input[1] }, input.join(" "));
  if (typeof input === "object" && input !== null) {
    if (typeof input.ra !== "number" || typeof input.dec !== "number") {
      throw new TypeError("A position needs numeric ra and dec in degrees");
    }
    return check(input, `${input.ra} ${input.dec}`);
  }
  if (typeof input === "string") {
    const p = parsePosition(input);
    if (p) return p;
    return await resolveName(input, {
      ...(options.http ? { http: options.http } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.sesameUrl ? { url: options.sesameUrl } : {}),
    });
  }
  throw new TypeError(
    'A position is {ra, dec}, [ra, dec], text such as "56.75 24.12", or an object name',
  );
}
