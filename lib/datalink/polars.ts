/**
 * Internal: Arrow → Polars without loading the native Polars library until
 * it is first used (so importing deno-gaia needs no `--allow-ffi`). Uses the
 * exact IPC-file route measured in NOTES-deno.md.
 *
 * @module
 */
import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import { type Table, tableToIPC } from "apache-arrow";
import type pl from "nodejs-polars";

let cached: typeof pl | undefined;

/** The nodejs-polars module, loaded on first call. */
export function polars(): typeof pl {
  if (!cached) cached = createRequire(import.meta.url)("nodejs-polars") as typeof pl;
  return cached;
}

/** An Arrow table as a Polars DataFrame (Int64 exact, nulls kept). */
export function arrowToPolars(table: Table): pl.DataFrame {
  return polars().readIPC(Buffer.from(tableToIPC(table, "file")));
}
