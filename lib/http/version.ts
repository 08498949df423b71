/**
 * The deno-gaia version, read from `deno.json`, and the `User-Agent` sent
 * with every request.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };

/**
 * The deno-gaia version string (from `deno.json`).
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * if (!/^\d+\.\d+\.\d+/.test(VERSION)) throw new Error(VERSION);
 * ```
 */
export const VERSION: string = (denoJson as { version?: string }).version ?? "0.0.0";

/**
 * The default `User-Agent` header: `deno-gaia/<version>`.
 *
 * @example
 * ```ts
 * import { USER_AGENT } from "./version.ts";
 * if (!USER_AGENT.startsWith("deno-gaia/")) throw new Error(USER_AGENT);
 * ```
 */
export const USER_AGENT: string = `deno-gaia/${VERSION}`;
