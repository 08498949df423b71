/**
 * Byte sources and the errors every reader shares.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./source.ts";
