/**
 * deno-gaia: the ESA Gaia archive in Deno notebooks and scripts.
 *
 * - `gaia` (the default client: the ESA archive, or `GAIA_ARCHIVE=local|esa|URL`)
 *   and `Gaia` for any archive, mirror or the local archive (`await gaia.local()`);
 * - `plots`: Observable Plot recipes (HR diagram, sky map, light curves, spectra);
 * - readers and writers for VOTable, CSV/TSV, ECSV, JSON and FITS into Apache Arrow,
 *   `toPolars()` / `fromPolars()`;
 * - `TapService` for any IVOA TAP service, `adql` for safe ADQL, `DataLinkService`;
 * - `startArchive()`: the local archive server (from `./lib/archive/mod.ts`, kept
 *   out of this entry so importing deno-gaia never loads DuckDB).
 *
 * Nothing here touches the network or prints at import time; Polars, Plot and
 * DuckDB load only when first used.
 *
 * @example Reading a VOTable into Arrow
 * ```ts
 * import { collectTable, readVOTable } from "./mod.ts";
 * const vot = `<VOTABLE version="1.4"><RESOURCE type="results"><TABLE>
 *   <FIELD name="source_id" datatype="long"/><DATA><TABLEDATA>
 *   <TR><TD>5929246508730155392</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`;
 * const { table } = await collectTable(readVOTable(vot));
 * if (table.getChild("source_id")!.get(0) !== 5929246508730155392n) throw new Error("not exact");
 * ```
 *
 * @module
 */
export * from "./lib/io/mod.ts";
export * from "./lib/table/mod.ts";
export * from "./lib/votable/mod.ts";
export * from "./lib/formats/mod.ts";
export * from "./lib/http/mod.ts";
export * from "./lib/adql/mod.ts";
export * from "./lib/tap/mod.ts";
export * from "./lib/tapplus/mod.ts";
export * from "./lib/datalink/mod.ts";
export * from "./lib/gaia/mod.ts";
export * from "./lib/notebook/mod.ts";
// Names two layers both export: the explicit export decides.
export type { ConeSearchOptions } from "./lib/adql/mod.ts";
export type { ConeSearchOptions as GaiaConeSearchOptions } from "./lib/gaia/mod.ts";
export type { HasTable } from "./lib/datalink/mod.ts";
