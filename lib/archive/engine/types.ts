/**
 * Table and column definitions the engine serves (the same shape as the
 * catalogue's `ColumnDef`/`TableDef` in `lib/archive/catalogue/`).
 *
 * @module
 */

/** One column of an archive table, with its VOTable/TAP metadata. */
export interface ColumnDef {
  name: string;
  datatype: "boolean" | "unsignedByte" | "short" | "int" | "long" | "float" | "double" | "char";
  arraysize?: string;
  unit?: string;
  ucd?: string;
  utype?: string;
  description: string;
  /** esatapplus flags: 1 Ra, 2 Dec, 4 Flux, 8 Mag, 16 PK. */
  flags?: number;
  indexed?: boolean;
  principal?: boolean;
}

/** One archive table. */
export interface TableDef {
  schema: string;
  /** Unqualified name. */
  name: string;
  description: string;
  columns: ColumnDef[];
}
