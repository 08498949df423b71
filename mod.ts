/**
 * deno-gaia: the ESA Gaia archive in Deno notebooks and scripts.
 *
 * Nothing here touches the network or prints at import time.
 *
 * @module
 */
export * from "./lib/io/mod.ts";
export * from "./lib/http/mod.ts";
export * from "./lib/adql/mod.ts";
