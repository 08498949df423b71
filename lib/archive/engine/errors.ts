/**
 * Errors of the local archive's query engine besides ADQL parse and
 * semantic errors (`AdqlSyntaxError`, `AdqlSemanticError`).
 *
 * @module
 */

/**
 * A query or call touched a table the caller may not read or change (another
 * user's private table, or a user schema while not logged in).
 *
 * @example
 * ```ts
 * import { AccessDeniedError } from "./errors.ts";
 * const e = new AccessDeniedError("user_bob.t", "alice");
 * if (!e.message.includes("'user_bob.t'")) throw new Error(e.message);
 * ```
 */
export class AccessDeniedError extends Error {
  /** The table asked for. */
  readonly table: string;
  /** Who asked (undefined: anonymous). */
  readonly user: string | undefined;
  /**
   * Creates the error.
   *
   * @param table Qualified table name.
   * @param user The caller.
   */
  constructor(table: string, user: string | undefined) {
    super(
      user === undefined
        ? `Access denied to table '${table}': log in to read user tables`
        : `Access denied to table '${table}' for user '${user}': it belongs to another user and is not shared with you`,
    );
    this.name = "AccessDeniedError";
    this.table = table;
    this.user = user;
  }
}

/**
 * A limit of the engine was hit: query text too long, too many result rows
 * asked for, a query running longer than its time limit.
 *
 * @example
 * ```ts
 * import { QueryLimitError } from "./errors.ts";
 * const e = new QueryLimitError("timeout", "Query ran longer than 1 s");
 * if (!(e instanceof RangeError) || e.limit !== "timeout") throw new Error("bad");
 * ```
 */
export class QueryLimitError extends RangeError {
  /** Which limit. */
  readonly limit: "query-length" | "rows" | "timeout";
  /**
   * Creates the error.
   *
   * @param limit Which limit.
   * @param message What happened and what to do.
   */
  constructor(limit: "query-length" | "rows" | "timeout", message: string) {
    super(message);
    this.name = "QueryLimitError";
    this.limit = limit;
  }
}

/**
 * A user-table operation named a table that does not exist, or would create
 * one that already exists.
 *
 * @example
 * ```ts
 * import { UserTableError } from "./errors.ts";
 * const e = new UserTableError("not-found", "user_alice.t", "Table 'user_alice.t' does not exist");
 * if (e.kind !== "not-found") throw new Error("bad");
 * ```
 */
export class UserTableError extends Error {
  /** What went wrong. */
  readonly kind: "not-found" | "exists" | "invalid-name" | "invalid-column";
  /** The table concerned. */
  readonly table: string;
  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param table Qualified table name.
   * @param message What happened and what to do.
   */
  constructor(
    kind: "not-found" | "exists" | "invalid-name" | "invalid-column",
    table: string,
    message: string,
  ) {
    super(message);
    this.name = "UserTableError";
    this.kind = kind;
    this.table = table;
  }
}

/**
 * DuckDB rejected or failed the translated query (a type mismatch such as
 * comparing text with a number, a division error, ...). The message is
 * DuckDB's, prefixed with what was being done.
 *
 * @example
 * ```ts
 * import { QueryExecutionError } from "./errors.ts";
 * const e = new QueryExecutionError("Binder Error: x");
 * if (!e.message.startsWith("Query failed")) throw new Error("bad");
 * ```
 */
export class QueryExecutionError extends Error {
  /**
   * Creates the error.
   *
   * @param detail DuckDB's message.
   * @param options `cause`: the DuckDB error.
   */
  constructor(detail: string, options?: ErrorOptions) {
    super(`Query failed: ${detail}`, options);
    this.name = "QueryExecutionError";
  }
}
