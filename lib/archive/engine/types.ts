/**
 * Table and column definitions the engine serves: the catalogue's
 * `ColumnDef`/`TableDef` (`lib/archive/catalogue/`), used for user tables
 * and job results too.
 *
 * @module
 */
export type { ColumnDatatype, ColumnDef, TableDef } from "../catalogue/mod.ts";

/** One change to a user table's column: TableTool flags, UCD, utype, index, or a new name. */
export interface ColumnChange {
  column: string;
  flags?: number;
  ucd?: string;
  utype?: string;
  indexed?: boolean;
  newName?: string;
}
