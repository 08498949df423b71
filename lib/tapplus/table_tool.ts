/**
 * Column metadata of user tables (`TAP/TableTool`): flags (Ra, Dec, Flux,
 * Mag, PK), UCD, utype and indexing; RA/Dec shortcut; renaming.
 *
 * @module
 */
import { parseTableset, type TapColumn } from "../tap/vosi.ts";
import type { TapPlusSession } from "./session.ts";
import { TapPlusError } from "./errors.ts";
import { qualifyUserTable } from "./user_tables.ts";

/** A column flag of the archive. */
export type ColumnFlag = "Ra" | "Dec" | "Flux" | "Mag" | "PK" | "None";

/** One change of {@linkcode updateUserTable}. */
export interface ColumnChange {
  /** Column name. */
  column: string;
  /** New flag (`Ra` and `Dec` go together). */
  flags?: ColumnFlag;
  /** Index the column. */
  indexed?: boolean;
  /** New UCD. */
  ucd?: string;
  /** New utype. */
  utype?: string;
}

/**
 * The flag name of an `esatapplus:flags` value (1/33 Ra, 2/34 Dec, 4/36/38
 * Flux, 8/40 Mag, 16/48 PK).
 *
 * @example
 * ```ts
 * import { flagName } from "./table_tool.ts";
 * if (flagName(33) !== "Ra" || flagName(0) !== "None" || flagName(48) !== "PK") throw new Error();
 * ```
 */
export function flagName(bits: number): ColumnFlag {
  const b = bits & 31;
  if (b & 16) return "PK";
  if (b & 1) return "Ra";
  if (b & 2) return "Dec";
  if (b & 4) return "Flux";
  if (b & 8) return "Mag";
  return "None";
}

/** Loads a table's columns (`tap/tables?tables=<name>`). */
export async function loadColumns(
  session: TapPlusSession,
  table: string,
  signal?: AbortSignal,
): Promise<TapColumn[]> {
  const res = await session.call("tap", "tap/tables", {
    query: { tables: table },
    action: `Loading the metadata of ${JSON.stringify(table)}`,
    signal,
  });
  const t = parseTableset(res.text).flatMap((s) => s.tables).find((x) =>
    x.name.toLowerCase() === table.toLowerCase() ||
    x.name.toLowerCase().endsWith("." + table.toLowerCase().split(".").pop())
  );
  if (!t) {
    throw new TapPlusError(
      `Table ${JSON.stringify(table)} does not exist or is not visible to you`,
      { status: 404 },
    );
  }
  return t.columns;
}

/**
 * Edits column metadata of a user table (`ACTION=edit`): every column is
 * sent (as the archive wants), with the changes applied. Ra and Dec must be
 * set together; Ra, Dec and PK columns are indexed.
 *
 * @throws {TypeError} for an unknown column or Ra without Dec
 */
export async function updateUserTable(
  session: TapPlusSession,
  tableName: string,
  changes: ColumnChange[],
  signal?: AbortSignal,
): Promise<void> {
  const table = qualifyUserTable(session.requireUser("updateUserTable()"), tableName);
  const columns = await loadColumns(session, table, signal);
  const state = columns.map((c) => ({
    name: c.name,
    flags: flagName(Number(c.esa?.["flags"] ?? 0)),
    indexed: c.indexed,
    ucd: c.ucd ?? "",
    utype: c.utype ?? "",
  }));
  for (const ch of changes) {
    const s = state.find((c) => c.name.toLowerCase() === ch.column.toLowerCase());
    if (!s) {
      throw new TypeError(
        `Table ${JSON.stringify(table)} has no column ${JSON.stringify(ch.column)}; it has ${
          state.map((c) => c.name).join(", ")
        }`,
      );
    }
    if (ch.flags !== undefined) {
      if (ch.flags === "Ra" || ch.flags === "Dec") {
        for (const o of state) if (o !== s && o.flags === ch.flags) o.flags = "None";
      }
      s.flags = ch.flags;
    }
    if (ch.indexed !== undefined) s.indexed = ch.indexed;
    if (ch.ucd !== undefined) s.ucd = ch.ucd;
    if (ch.utype !== undefined) s.utype = ch.utype;
  }
  const ra = state.some((c) => c.flags === "Ra");
  const dec = state.some((c) => c.flags === "Dec");
  if (ra !== dec) throw new TypeError("Set the Ra and the Dec flags together (one column each)");
  const form: Record<string, string> = {
    ACTION: "edit",
    NUMTABLES: "1",
    TABLE0: table,
    TABLE0_NUMCOLS: String(state.length),
  };
  state.forEach((c, i) => {
    const p = `TABLE0_COL${i}`;
    form[p] = c.name;
    form[`${p}_UCD`] = c.ucd;
    form[`${p}_UTYPE`] = c.utype;
    form[`${p}_INDEXED`] = c.indexed || c.flags === "Ra" || c.flags === "Dec" || c.flags === "PK"
      ? "True"
      : "False";
    form[`${p}_FLAGS`] = c.flags;
  });
  await session.call("tap", "TableTool", {
    form,
    action: `Updating table ${JSON.stringify(table)}`,
    signal,
  });
}

/** Flags the RA and Dec columns of a user table (`ACTION=radec`). */
export async function setRaDec(
  session: TapPlusSession,
  tableName: string,
  ra: string,
  dec: string,
  signal?: AbortSignal,
): Promise<void> {
  const table = qualifyUserTable(session.requireUser("setRaDec()"), tableName);
  await session.call("tap", "TableTool", {
    form: { ACTION: "radec", TABLE_NAME: table, RA: ra, DEC: dec },
    action: `Setting RA/Dec of ${JSON.stringify(table)}`,
    signal,
  });
}

/** Renames a user table and/or its columns (`action=rename`). */
export async function renameTable(
  session: TapPlusSession,
  tableName: string,
  options: { newName?: string; columns?: Record<string, string>; signal?: AbortSignal },
): Promise<string> {
  const user = session.requireUser("renameTable()");
  const table = qualifyUserTable(user, tableName);
  const bare = options.newName ?? table.split(".").pop()!;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(bare)) {
    throw new TypeError(`New table name ${JSON.stringify(bare)} is not allowed`);
  }
  if (!options.newName && !options.columns) {
    throw new TypeError("renameTable() needs newName or columns");
  }
  const form: Record<string, string> = {
    action: "rename",
    table_name: table,
    new_table_name: bare,
  };
  if (options.columns) {
    form.new_column_names = Object.entries(options.columns).map(([a, b]) => `${a}:${b}`).join(",");
  }
  await session.call("tap", "TableTool", {
    form,
    action: `Renaming ${JSON.stringify(table)}`,
    signal: options.signal,
  });
  return `${table.split(".")[0]}.${bare.toLowerCase()}`;
}
