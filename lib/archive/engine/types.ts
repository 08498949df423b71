/**
 * Table and column definitions the engine serves: the catalogue's
 * `ColumnDef`/`TableDef` (`lib/archive/catalogue/`), used for user tables
 * and job results too.
 *
 * @module
 */
export type { ColumnDatatype, ColumnDef, TableDef } from "../catalogue/mod.ts";
