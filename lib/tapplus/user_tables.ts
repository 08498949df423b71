/**
 * User tables in the archive's user space (`TAP/Upload`): upload from an
 * Arrow table, a Polars DataFrame, records, a VOTable/CSV file, a URL or a
 * job's results; delete (with `FORCE_REMOVAL`).
 *
 * @module
 */
import { isArrowTable } from "../table/arrow_table.ts";
import type { Table } from "apache-arrow";
import { encodeUpload, isPolarsLike, type PolarsLike } from "../tap/upload.ts";
import type { TapPlusSession } from "./session.ts";

/** What can become a user table. */
export type UserTableSource =
  | Table
  | PolarsLike
  | ReadonlyArray<Record<string, unknown>>
  | URL
  | { path: string; format?: "votable" | "csv" | "ascii" }
  | { bytes: Uint8Array; format?: "votable" | "csv" | "ascii"; fileName?: string }
  | { url: string | URL; format?: string }
  | { jobId: string }
  /** A query result (its Arrow table is uploaded). */
  | { table: Table };

/** Options of {@linkcode uploadTable}. */
export interface UploadTableOptions {
  /** New table name: letters, digits and `_`, no schema (the archive puts it in `user_<login>`). */
  tableName: string;
  /** Table description. */
  description?: string;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/** What an upload did. */
export interface UploadOutcome {
  /** The fully qualified table, `user_<login>.<name>`. */
  table: string;
  /** When the archive ran the upload as an async job (303), its id. */
  jobId?: string;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function checkName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new TypeError(
      `Table name ${
        JSON.stringify(name)
      } is not allowed: use letters, digits and "_" and no schema (the archive puts it in user_<login>)`,
    );
  }
  return name.toLowerCase();
}

/**
 * Qualifies a user table name: `t` → `user_<login>.t`; a qualified name must
 * be in a `user_` schema.
 *
 * @example
 * ```ts
 * import { qualifyUserTable } from "./user_tables.ts";
 * if (qualifyUserTable("ann", "stars") !== "user_ann.stars") throw new Error();
 * if (qualifyUserTable("ann", "user_bob.t") !== "user_bob.t") throw new Error();
 * ```
 */
export function qualifyUserTable(user: string, name: string): string {
  if (!name.includes(".")) return `user_${user}.${name}`;
  if (!name.toLowerCase().startsWith("user_")) {
    throw new TypeError(
      `Table ${JSON.stringify(name)} is not a user table (its schema must start with "user_")`,
    );
  }
  return name;
}

/**
 * Uploads a table into the user's schema (`POST TAP/Upload`).
 *
 * @throws {AuthError} when not logged in
 * @throws {TapPlusError} when the archive refuses it (a name in use, a bad file)
 */
export async function uploadTable(
  session: TapPlusSession,
  source: UserTableSource,
  options: UploadTableOptions,
): Promise<UploadOutcome> {
  const user = session.requireUser("uploadTable()");
  const name = checkName(options.tableName);
  const form = new FormData();
  const empty = () => form.append("FILE", new Blob([]), "");
  form.append("TABLE_NAME", name);
  if (options.description) form.append("TABLE_DESC", options.description);
  form.append("TASKID", "-1");
  if (
    typeof source === "object" && source !== null && "table" in source &&
    isArrowTable(source.table)
  ) {
    source = source.table;
  }
  // encodeUpload() adopts tables of another apache-arrow copy.
  if (isArrowTable(source) || isPolarsLike(source) || Array.isArray(source)) {
    const bytes = encodeUpload(name, source as Table) as Uint8Array;
    form.append("FILE", new Blob([bytes as Uint8Array<ArrayBuffer>]), "pytable");
    form.append("FORMAT", "votable");
  } else if (
    source instanceof URL || (typeof source === "object" && source !== null && "url" in source)
  ) {
    const url = source instanceof URL ? source : new URL(String(source.url));
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(
        `The archive can only fetch http(s) URLs, got ${JSON.stringify(url.toString())}`,
      );
    }
    empty();
    form.append("URL", url.toString());
    form.append("FORMAT", (!(source instanceof URL) && source.format) || "votable");
  } else if (typeof source === "object" && source !== null && "jobId" in source) {
    empty();
    form.append("JOBID", source.jobId);
  } else if (typeof source === "object" && source !== null && "path" in source) {
    const bytes = await Deno.readFile(source.path);
    const fileName = source.path.split(/[\\/]/).pop() || "table";
    form.append("FILE", new Blob([bytes as Uint8Array<ArrayBuffer>]), fileName);
    form.append("FORMAT", source.format ?? (/\.csv$/i.test(fileName) ? "csv" : "votable"));
  } else if (typeof source === "object" && source !== null && "bytes" in source) {
    form.append(
      "FILE",
      new Blob([source.bytes as Uint8Array<ArrayBuffer>]),
      source.fileName ?? "table",
    );
    form.append("FORMAT", source.format ?? "votable");
  } else {
    throw new TypeError(
      "uploadTable() takes an Arrow table, a query result, a Polars DataFrame, records, a URL, {path}, {bytes}, {url} or {jobId}",
    );
  }
  const res = await session.call("tap", "Upload", {
    method: "POST",
    body: form,
    action: `Uploading table ${JSON.stringify(name)}`,
    redirect: "manual",
    signal: options.signal,
  });
  const outcome: UploadOutcome = { table: `user_${user}.${name}` };
  if (res.status >= 300 && res.location) {
    outcome.jobId = res.location.replace(/\/+$/, "").split("/").pop()!;
  }
  return outcome;
}

/**
 * Deletes a user table (`POST TAP/Upload` with `DELETE=TRUE`).
 *
 * @param force `FORCE_REMOVAL=TRUE`: delete even when shared or referenced
 * @throws {TapPlusError} for a missing table or another user's table
 */
export async function deleteUserTable(
  session: TapPlusSession,
  tableName: string,
  options: { force?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const user = session.requireUser("deleteUserTable()");
  const table = qualifyUserTable(user, tableName);
  await session.call("tap", "Upload", {
    method: "POST",
    form: { TABLE_NAME: table, DELETE: "TRUE", FORCE_REMOVAL: options.force ? "TRUE" : "FALSE" },
    action: `Deleting table ${JSON.stringify(table)}`,
    signal: options.signal,
  });
}
