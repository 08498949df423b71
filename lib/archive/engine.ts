/**
 * The local archive's query engine: ADQL over DuckDB.
 *
 * Queries are parsed ({@linkcode parseAdql}), checked against the tables the
 * caller may read, translated from the syntax tree to DuckDB SQL (user text is
 * never pasted into SQL) and run on a small pool of connections; results come
 * back as Arrow tables whose fields carry the source columns' units, UCDs and
 * descriptions. User tables (`user_<name>.<table>`), job results
 * (`job_upload."job<ID>"`), per-query uploads (`TAP_UPLOAD.<name>`) and the
 * Gaia archive's `crossmatch_positional(...)` are supported.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  Field,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
} from "apache-arrow";
import { type DuckDBConnection, DuckDBInstance, type DuckDBTypeId } from "@duckdb/node-api";
import type { FunctionCall, SelectStatement, TableName } from "../adql/ast.ts";
import { AdqlSemanticError, nearestName } from "../adql/errors.ts";
import { parseAdql } from "../adql/parser.ts";
import {
  type ColumnInfo,
  type OutputColumn,
  quoteSqlIdentifier,
  quoteSqlString,
  type ResolvedTable,
  translateAdql,
} from "../adql/translate.ts";
import { columnMeta, toFieldMetadata } from "../table/metadata.ts";
import { CATALOGUE_TABLES, catalogueFingerprint, generateCatalogue } from "./catalogue/mod.ts";
import { loadArrowTable, votableDatatypeForArrow } from "./engine/arrow_duckdb.ts";
import { duckdbResultToArrow, votableDatatypeOf } from "./engine/duckdb_arrow.ts";
import {
  AccessDeniedError,
  QueryExecutionError,
  QueryLimitError,
  UserTableError,
} from "./engine/errors.ts";
import type { ColumnChange, ColumnDef, TableDef } from "./engine/types.ts";

export type { ColumnChange, ColumnDatatype, ColumnDef, TableDef } from "./engine/types.ts";
export {
  AccessDeniedError,
  QueryExecutionError,
  QueryLimitError,
  UserTableError,
} from "./engine/errors.ts";

/** Rows given as batches (e.g. from a generator), so large tables need not be one `Table`. */
export interface BatchSource {
  /** The Arrow schema of every batch. */
  schema: Table["schema"];
  /** The batches, read once. */
  batches: Iterable<RecordBatch>;
}

/** Where the engine's public tables come from. */
export interface CatalogueSource {
  /** Definitions of the public tables (schema, name, columns with metadata). */
  tables: TableDef[];
  /**
   * Produces the rows: `"schema.table"` -> Arrow table (or batches). Called
   * only when the cache in `dataDir` is missing or was built with other
   * `rows`/`seed`.
   */
  generate(options: { rows: number; seed: number }):
    | Map<string, Table | BatchSource>
    | Promise<
      Map<string, Table | BatchSource>
    >;
  /** Changes when the generator changes, so caches are rebuilt. @default "1" */
  version?: string;
}

/** Options of {@linkcode ArchiveEngine.open}. */
export interface EngineOptions {
  /** Folder for the DuckDB database file (catalogue cache, user tables, job results); in-memory when absent. */
  dataDir?: string;
  /** Rows of the synthetic `gaia_source`. @default 100_000 */
  rows?: number;
  /** Seed of the synthetic catalogue. @default 20160 */
  seed?: number;
  /** The public tables; default: the synthetic Gaia catalogue of `lib/archive/catalogue/`. */
  catalogue?: CatalogueSource;
  /** Longest accepted ADQL text in characters. @default 100_000 */
  maxQueryLength?: number;
  /** Most rows any query returns, whatever MAXREC says. @default 3_000_000 */
  hardMaxRows?: number;
  /** Longest a query may run, in milliseconds. @default 600_000 */
  queryTimeoutMs?: number;
  /** Most DuckDB connections used at once. @default 8 */
  connections?: number;
  /** DuckDB worker threads. @default the number of CPUs */
  threads?: number;
  /**
   * How catalogue rows reach DuckDB: `"appender"` (Arrow buffers copied into
   * DuckDB data chunks), `"parquet"` (Arrow -> Polars -> temporary Parquet
   * files -> `read_parquet`, 1.5x faster at a million rows but with Polars'
   * start-up cost), or `"auto"`: Parquet from 300 000 rows up. User tables,
   * uploads and job results always use the appender. See docs/adr-engine.md.
   * @default "auto"
   */
  loadMethod?: "appender" | "parquet" | "auto";
  /** Progress while the catalogue is generated and loaded (nothing is printed). */
  onProgress?: (
    event: { stage: "generate" | "load" | "index" | "ready"; table?: string; rows?: number },
  ) => void;
}

/** Who runs a query and what it brings. */
export interface QueryContext {
  /** Logged-in user; undefined = anonymous. */
  user?: string;
  /** `TAP_UPLOAD.<name>` tables for this query only (names case-insensitive). */
  uploads?: Record<string, Table>;
  /** Rows wanted at most; `overflow` is set when more exist. */
  maxrec?: number;
  /** Aborts the query (DuckDB is interrupted). */
  signal?: AbortSignal;
  /**
   * Whether the caller may read a `user_<x>.<table>` or `job_upload."job<ID>"`
   * table (sharing is decided by the server). Default: own user schema and own
   * (or anonymous) jobs only.
   */
  canRead?: (qualifiedName: string) => boolean;
}

/** The answer to a query. */
export interface QueryOutput {
  /** The rows; fields carry unit/ucd/description/datatype metadata. */
  table: Table;
  /** True when the result was cut at `maxrec` (or the hard row limit). */
  overflow: boolean;
}

interface StoredDef extends TableDef {
  /** Job owner for job_upload tables. */
  owner?: string;
  kind: "public" | "user" | "job";
}

const TS = (name: string, description: string, cols: [string, "char" | "int", string][]) => ({
  schema: "tap_schema",
  name,
  description,
  columns: cols.map(([n, datatype, d]) => ({
    name: n,
    datatype,
    description: d,
    ...(datatype === "char" ? { arraysize: "*" } : {}),
  })),
});
/** The TAP_SCHEMA tables (TAP 1.1), filled from the public table definitions. */
const TAP_SCHEMA_TABLES: TableDef[] = [
  TS("schemas", "Schemas of this service", [
    ["schema_name", "char", "Schema name"],
    ["utype", "char", "Schema utype"],
    ["description", "char", "Schema description"],
    ["schema_index", "int", "Recommended sort order"],
  ]),
  TS("tables", "Tables of this service", [
    ["schema_name", "char", "Schema the table belongs to"],
    ["table_name", "char", "Fully qualified table name"],
    ["table_type", "char", "table or view"],
    ["utype", "char", "Table utype"],
    ["description", "char", "Table description"],
    ["table_index", "int", "Recommended sort order"],
  ]),
  TS("columns", "Columns of the tables of this service", [
    ["table_name", "char", "Fully qualified table name"],
    ["column_name", "char", "Column name"],
    ["utype", "char", "Column utype"],
    ["ucd", "char", "Column UCD"],
    ["unit", "char", "Column unit"],
    ["description", "char", "Column description"],
    ["datatype", "char", "VOTable datatype"],
    ["arraysize", "char", "VOTable arraysize"],
    ["xtype", "char", "VOTable xtype"],
    ["size", "int", "Deprecated length"],
    ["principal", "int", "1 if the column is principal"],
    ["indexed", "int", "1 if the column is indexed"],
    ["std", "int", "1 if the column is standard"],
    ["column_index", "int", "Recommended sort order"],
  ]),
  TS("keys", "Foreign keys between tables", [
    ["key_id", "char", "Key identifier"],
    ["from_table", "char", "Table with the foreign key"],
    ["target_table", "char", "Table with the primary key"],
    ["utype", "char", "Key utype"],
    ["description", "char", "Key description"],
  ]),
  TS("key_columns", "Columns of the foreign keys", [
    ["key_id", "char", "Key identifier"],
    ["from_column", "char", "Column in the from table"],
    ["target_column", "char", "Column in the target table"],
  ]),
];

const META_SCHEMA = "deno_gaia_meta";
/** Bumped when the engine stores catalogue tables differently (forces a rebuild of caches). */
const ENGINE_LAYOUT = "2";
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RAD = Math.PI / 180;

function key(schema: string, name: string): string {
  return `${schema.toLowerCase()}.${name.toLowerCase()}`;
}

class Pool {
  #instance: DuckDBInstance;
  #idle: DuckDBConnection[] = [];
  #count = 0;
  #max: number;
  #waiters: ((c: DuckDBConnection) => void)[] = [];
  closed = false;
  constructor(instance: DuckDBInstance, max: number) {
    this.#instance = instance;
    this.#max = max;
  }
  async acquire(): Promise<DuckDBConnection> {
    const c = this.#idle.pop();
    if (c) return c;
    if (this.#count < this.#max) {
      this.#count++;
      return await this.#instance.connect();
    }
    return await new Promise((resolve) => this.#waiters.push(resolve));
  }
  release(c: DuckDBConnection): void {
    if (this.closed) {
      c.closeSync();
      return;
    }
    const w = this.#waiters.shift();
    if (w) w(c);
    else this.#idle.push(c);
  }
  close(): void {
    this.closed = true;
    for (const c of this.#idle) c.closeSync();
    this.#idle = [];
  }
}

/**
 * ADQL over DuckDB for the local archive.
 *
 * @example Query a small table of your own
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { ArchiveEngine } from "./engine.ts";
 * const engine = await ArchiveEngine.open({
 *   catalogue: {
 *     tables: [{ schema: "demo", name: "stars", description: "Three stars", columns: [
 *       { name: "id", datatype: "int", description: "Identifier" },
 *       { name: "ra", datatype: "double", unit: "deg", description: "Right ascension" },
 *       { name: "dec", datatype: "double", unit: "deg", description: "Declination" },
 *     ] }],
 *     generate: () => new Map([["demo.stars", tableFromArrays({
 *       id: Int32Array.from([1, 2, 3]),
 *       ra: Float64Array.from([10, 10.5, 200]),
 *       dec: Float64Array.from([20, 20.2, -5]),
 *     })]]),
 *   },
 * });
 * const { table } = await engine.query(
 *   "SELECT id FROM demo.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 10, 20, 1))",
 *   {},
 * );
 * if (table.numRows !== 2) throw new Error("cone");
 * await engine.close();
 * ```
 */
export class ArchiveEngine {
  #instance: DuckDBInstance;
  #pool: Pool;
  #defs = new Map<string, StoredDef>();
  #options: EngineOptions;
  #uploadCounter = 0;
  #ddl: Promise<unknown> = Promise.resolve();

  private constructor(instance: DuckDBInstance, options: EngineOptions) {
    this.#instance = instance;
    this.#options = options;
    this.#pool = new Pool(instance, options.connections ?? 8);
  }

  /**
   * Opens the engine: loads (or reuses from `dataDir`) the catalogue and the
   * saved user tables and job results.
   *
   * @param options Where data lives, catalogue size and limits.
   * @returns A ready engine; `close()` it when done.
   */
  static async open(options: EngineOptions = {}): Promise<ArchiveEngine> {
    let path = ":memory:";
    if (options.dataDir) {
      await Deno.mkdir(options.dataDir, { recursive: true });
      path = `${options.dataDir.replace(/\/+$/, "")}/archive.duckdb`;
    }
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/lock/i.test(msg)) {
        throw new Deno.errors.Busy(
          `The archive database '${path}' is in use by another process (DuckDB allows one ` +
            "writer); stop that archive or give this one another dataDir",
          { cause: e },
        );
      }
      throw e;
    }
    const engine = new ArchiveEngine(instance, options);
    try {
      await engine.#init();
    } catch (e) {
      engine.#pool.close();
      instance.closeSync();
      throw e;
    }
    return engine;
  }

  async #withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#pool.closed) throw new TypeError("The archive engine is closed");
    const c = await this.#pool.acquire();
    try {
      return await fn(c);
    } finally {
      this.#pool.release(c);
    }
  }

  /** Runs schema-changing work one at a time. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#ddl.then(fn, fn);
    this.#ddl = p.catch(() => {});
    return p;
  }

  async #init(): Promise<void> {
    const catalogue = this.#options.catalogue ?? defaultCatalogue();
    const rows = this.#options.rows ?? 100_000;
    const seed = this.#options.seed ?? 20160;
    const stamp = JSON.stringify({
      layout: ENGINE_LAYOUT,
      rows,
      seed,
      version: catalogue.version ?? "1",
      tables: catalogue.tables.map((t) => `${t.schema}.${t.name}`),
    });
    await this.#withConnection(async (con) => {
      await con.run(`CREATE SCHEMA IF NOT EXISTS ${META_SCHEMA}`);
      await con.run(
        `CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.info (k VARCHAR PRIMARY KEY, v VARCHAR)`,
      );
      await con.run(
        `CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.tabledefs (qname VARCHAR PRIMARY KEY, def VARCHAR)`,
      );
      const r = await con.runAndReadAll(
        `SELECT v FROM ${META_SCHEMA}.info WHERE k = 'catalogue'`,
      );
      const current = r.getRows()[0]?.[0];
      if (current !== stamp) {
        this.#options.onProgress?.({ stage: "generate" });
        const data = await catalogue.generate({ rows, seed });
        for (const def of catalogue.tables) {
          const qn = `${def.schema}.${def.name}`;
          const t = data.get(qn);
          if (!t) {
            throw new TypeError(
              `The catalogue defines '${qn}' but its generator produced no rows for it`,
            );
          }
          await con.run(
            `DROP TABLE IF EXISTS ${quoteSqlIdentifier(def.schema)}.${
              quoteSqlIdentifier(def.name)
            }`,
          );
          const hasDec = def.columns.some((c) => c.name === "dec");
          const names = def.columns.length === t.schema.fields.length
            ? def.columns.map((c) => c.name)
            : undefined;
          const s = quoteSqlIdentifier(def.schema);
          await con.run(`CREATE SCHEMA IF NOT EXISTS ${s}`);
          const method = this.#options.loadMethod ?? "auto";
          if (method === "parquet" || (method === "auto" && rows >= 300_000)) {
            const n = await loadViaParquet(
              con,
              def.schema,
              def.name,
              t,
              hasDec ? "dec" : undefined,
            );
            this.#options.onProgress?.({ stage: "load", table: qn, rows: n });
            continue;
          }
          if (!hasDec) {
            const n = await loadArrowTable(con, def.schema, def.name, t, { names });
            this.#options.onProgress?.({ stage: "load", table: qn, rows: n });
            continue;
          }
          // Appended into an in-memory TEMP table (no compression while appending),
          // then copied sorted by declination in parallel: cone searches then
          // read only the row groups of their declination band.
          const staging = `staging_${def.schema}_${def.name}`;
          await con.run(`DROP TABLE IF EXISTS temp.${quoteSqlIdentifier(staging)}`);
          const n = await loadArrowTable(con, undefined, staging, t, { names, temporary: true });
          this.#options.onProgress?.({ stage: "load", table: qn, rows: n });
          await con.run(
            `CREATE TABLE ${s}.${quoteSqlIdentifier(def.name)} AS SELECT * FROM temp.${
              quoteSqlIdentifier(staging)
            } ORDER BY "dec"`,
          );
          await con.run(`DROP TABLE temp.${quoteSqlIdentifier(staging)}`);
          this.#options.onProgress?.({ stage: "index", table: qn });
        }
        await con.run(
          `INSERT OR REPLACE INTO ${META_SCHEMA}.info VALUES ('catalogue', ${
            quoteSqlString(stamp)
          })`,
        );
        if (this.#options.dataDir) await con.run("CHECKPOINT");
      }
      for (const def of catalogue.tables) {
        this.#defs.set(key(def.schema, def.name), { ...def, kind: "public" });
      }
      await this.#buildTapSchema(con, catalogue.tables);
      const saved = await con.runAndReadAll(`SELECT def FROM ${META_SCHEMA}.tabledefs`);
      for (const [json] of saved.getRows()) {
        const d = JSON.parse(String(json)) as StoredDef;
        this.#defs.set(key(d.schema, d.name), d);
      }
    });
    this.#options.onProgress?.({ stage: "ready" });
  }

  /** (Re)creates the TAP_SCHEMA tables describing the public tables (and themselves). */
  async #buildTapSchema(con: DuckDBConnection, tables: TableDef[]): Promise<void> {
    const all = [...tables, ...TAP_SCHEMA_TABLES];
    const str = (v: string | undefined) => (v === undefined ? "NULL" : quoteSqlString(v));
    const q = quoteSqlIdentifier;
    await con.run(`CREATE SCHEMA IF NOT EXISTS "tap_schema"`);
    for (const t of TAP_SCHEMA_TABLES) {
      await con.run(`DROP TABLE IF EXISTS "tap_schema".${q(t.name)}`);
      const cols = t.columns.map((c) =>
        `${q(c.name)} ${c.datatype === "int" ? "INTEGER" : "VARCHAR"}`
      );
      await con.run(`CREATE TABLE "tap_schema".${q(t.name)} (${cols.join(", ")})`);
    }
    const schemas = [...new Set(all.map((t) => t.schema))];
    const rows = (name: string, values: string[][]) =>
      values.length
        ? con.run(
          `INSERT INTO "tap_schema".${q(name)} VALUES ${
            values.map((v) => `(${v.join(", ")})`).join(", ")
          }`,
        )
        : Promise.resolve();
    await rows(
      "schemas",
      schemas.map((s, i) => [
        str(s),
        "NULL",
        str(s === "tap_schema" ? "Table Access Protocol metadata" : `Schema ${s}`),
        String(i),
      ]),
    );
    await rows(
      "tables",
      all.map((t, i) => [
        str(t.schema),
        str(`${t.schema}.${t.name}`),
        str("table"),
        "NULL",
        str(t.description),
        String(i),
      ]),
    );
    await rows(
      "columns",
      all.flatMap((t) =>
        t.columns.map((c, i) => [
          str(`${t.schema}.${t.name}`),
          str(c.name),
          str(c.utype),
          str(c.ucd),
          str(c.unit),
          str(c.description),
          str(c.datatype),
          str(c.arraysize),
          "NULL",
          "NULL",
          c.principal ? "1" : "0",
          c.indexed ? "1" : "0",
          "1",
          String(i),
        ])
      ),
    );
    for (const t of TAP_SCHEMA_TABLES) {
      this.#defs.set(key(t.schema, t.name), { ...t, kind: "public" });
    }
  }

  async #saveDef(con: DuckDBConnection, def: StoredDef): Promise<void> {
    await con.run(
      `INSERT OR REPLACE INTO ${META_SCHEMA}.tabledefs VALUES (${
        quoteSqlString(key(def.schema, def.name))
      }, ${quoteSqlString(JSON.stringify(def))})`,
    );
  }

  async #deleteDef(con: DuckDBConnection, schema: string, name: string): Promise<void> {
    await con.run(
      `DELETE FROM ${META_SCHEMA}.tabledefs WHERE qname = ${quoteSqlString(key(schema, name))}`,
    );
  }

  /**
   * The tables a caller can see: public ones, the caller's `user_<user>`
   * tables, and other users' tables `canRead` allows.
   *
   * @param user The logged-in user, if any.
   * @param canRead Sharing decisions (qualified name -> readable).
   * @returns Table definitions (for VOSI `/tables` and TAP_SCHEMA).
   */
  tableset(user?: string, canRead?: (qualifiedName: string) => boolean): TableDef[] {
    const out: TableDef[] = [];
    for (const d of this.#defs.values()) {
      if (d.kind === "job") continue;
      if (d.kind === "user" && !this.#mayRead(d, user, canRead)) continue;
      const { kind: _k, owner: _o, ...def } = d;
      out.push(structuredClone(def));
    }
    return out;
  }

  #mayRead(d: StoredDef, user: string | undefined, canRead?: (q: string) => boolean): boolean {
    if (d.kind === "public") return true;
    const q = `${d.schema}.${d.name}`;
    if (d.kind === "user") {
      if (user !== undefined && d.schema.toLowerCase() === `user_${user.toLowerCase()}`) {
        return true;
      }
      return canRead?.(q) ?? false;
    }
    if (d.owner === undefined || d.owner === user) return true;
    return canRead?.(q) ?? false;
  }

  #resolver(ctx: QueryContext, uploads: Map<string, { sql: string; def: TableDef }>, text: string) {
    return (name: TableName, at: number): ResolvedTable => {
      const schema = name.schema?.name;
      const table = name.table.name;
      if (name.catalog) {
        throw new AdqlSemanticError(
          "unknown-table",
          `Catalog qualifiers are not supported: '${name.catalog.name}.${schema}.${table}'`,
          text,
          at,
        );
      }
      if (schema !== undefined && schema.toLowerCase() === "tap_upload") {
        const u = uploads.get(table.toLowerCase());
        if (!u) {
          const names = [...uploads.keys()];
          throw new AdqlSemanticError(
            "unknown-table",
            `Unknown upload table 'TAP_UPLOAD.${table}'` +
              (names.length
                ? `; this query uploaded ${names.map((n) => `'${n}'`).join(", ")}`
                : "; no table was uploaded with this query (UPLOAD parameter)"),
            text,
            at,
          );
        }
        return { adqlName: `TAP_UPLOAD.${table}`, sql: u.sql, columns: u.def.columns };
      }
      let def: StoredDef | undefined;
      if (schema !== undefined) {
        def = this.#defs.get(key(schema, table));
        if (def && name.table.quoted && def.name !== table && def.kind !== "job") {
          def = undefined;
        }
        const lowerSchema = schema.toLowerCase();
        if (lowerSchema.startsWith("user_") || lowerSchema === "job_upload") {
          const probe: StoredDef = def ?? {
            schema: lowerSchema,
            name: table,
            description: "",
            columns: [],
            kind: lowerSchema === "job_upload" ? "job" : "user",
            owner: "\u0000nobody",
          };
          if (!this.#mayRead(probe, ctx.user, ctx.canRead ?? undefined)) {
            throw new AccessDeniedError(`${schema}.${table}`, ctx.user);
          }
        }
      } else {
        const hits = [...this.#defs.values()].filter((d) =>
          d.kind === "public" && d.name.toLowerCase() === table.toLowerCase()
        );
        if (hits.length === 1) def = hits[0];
      }
      if (!def) {
        const visible = [...this.#defs.values()].filter((d) =>
          d.kind !== "job" && this.#mayRead(d, ctx.user, ctx.canRead)
        ).map((d) => `${d.schema}.${d.name}`);
        const wanted = schema !== undefined ? `${schema}.${table}` : table;
        const near = nearestName(wanted, visible);
        throw new AdqlSemanticError(
          "unknown-table",
          `Unknown table '${wanted}'` + (near ? `; did you mean '${near}'?` : ""),
          text,
          at,
        );
      }
      return {
        adqlName: `${def.schema}.${def.name}`,
        sql: `${quoteSqlIdentifier(def.schema)}.${quoteSqlIdentifier(def.name)}`,
        columns: def.columns,
      };
    };
  }

  /**
   * Runs an ADQL query.
   *
   * @param adql The query text.
   * @param ctx Who asks, uploads, MAXREC, abort signal, sharing.
   * @returns The rows as Arrow, and whether they were cut at `maxrec`.
   * @throws {AdqlSyntaxError} Unparsable ADQL.
   * @throws {AdqlSemanticError} Unknown table/column/function and the like.
   * @throws {AccessDeniedError} Another user's table.
   * @throws {QueryLimitError} Too long a query, or the time limit.
   * @throws {QueryExecutionError} DuckDB failed the translated query.
   */
  async query(adql: string, ctx: QueryContext = {}): Promise<QueryOutput> {
    const maxLen = this.#options.maxQueryLength ?? 100_000;
    if (adql.length > maxLen) {
      throw new QueryLimitError(
        "query-length",
        `The query is ${adql.length} characters long, more than the limit of ${maxLen}; ` +
          "upload long lists of IDs as a table (TAP_UPLOAD) and join with it instead",
      );
    }
    ctx.signal?.throwIfAborted();
    const ast = parseAdql(adql, { maxLength: maxLen });
    const xm = crossmatchCall(ast);
    if (xm) return await this.#crossmatch(xm, adql, ctx);

    const hard = this.#options.hardMaxRows ?? 3_000_000;
    if (ctx.maxrec !== undefined && (!Number.isInteger(ctx.maxrec) || ctx.maxrec < 0)) {
      throw new QueryLimitError("rows", `MAXREC must be a non-negative integer, not ${ctx.maxrec}`);
    }
    const effective = Math.min(ctx.maxrec ?? hard, hard);

    return await this.#withConnection(async (con) => {
      const uploads = new Map<string, { sql: string; def: TableDef }>();
      const temps: string[] = [];
      try {
        for (const [name, table] of Object.entries(ctx.uploads ?? {})) {
          const temp = `tap_upload_${++this.#uploadCounter}`;
          const names = uniqueNames(table.schema.fields.map((f) => columnMeta(f).name));
          await loadArrowTable(con, undefined, temp, table, { temporary: true, names });
          temps.push(temp);
          uploads.set(name.toLowerCase(), {
            sql: quoteSqlIdentifier(temp),
            def: {
              schema: "TAP_UPLOAD",
              name,
              description: "",
              columns: table.schema.fields.map((f, i) => columnDefFromField(f, names[i])),
            },
          });
        }
        const translation = translateAdql(ast, adql, {
          resolveTable: this.#resolver(ctx, uploads, adql),
          limit: effective + 1,
        });
        // LIMIT effective + 1 in SQL; read `effective` rows and note whether one more exists
        const { table, more } = await this.#run(con, translation.sql, translation.columns, {
          maxRows: effective,
          signal: ctx.signal,
        });
        return { table, overflow: more };
      } finally {
        for (const t of temps) {
          await con.run(`DROP TABLE IF EXISTS temp.${quoteSqlIdentifier(t)}`).catch(() => {});
        }
      }
    });
  }

  async #run(
    con: DuckDBConnection,
    sql: string,
    columns: OutputColumn[] | undefined,
    options: { maxRows?: number; signal?: AbortSignal },
  ): Promise<{ table: Table; typeIds: DuckDBTypeId[]; more: boolean }> {
    return await this.#guarded(con, options.signal, async () => {
      const result = await con.stream(sql);
      return await duckdbResultToArrow(
        result,
        columns ? (typeIds) => fieldsFor(columns, typeIds) : undefined,
        options,
      );
    });
  }

  /** Runs DuckDB work under the time limit and the caller's signal (both interrupt DuckDB). */
  async #guarded<T>(
    con: DuckDBConnection,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.#options.queryTimeoutMs ?? 600_000;
    let timedOut = false;
    const onAbort = () => con.interrupt();
    const timer = setTimeout(() => {
      timedOut = true;
      con.interrupt();
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      return await fn();
    } catch (e) {
      if (timedOut) {
        throw new QueryLimitError(
          "timeout",
          `The query ran longer than the limit of ${timeoutMs / 1000} s and was stopped; ` +
            "narrow it (TOP, a smaller region) or run it as an asynchronous job",
        );
      }
      if (signal?.aborted) throw signal.reason;
      if (e instanceof RangeError || e instanceof TypeError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new QueryExecutionError(msg.replace(/\s*LINE \d+:[\s\S]*$/, ""), { cause: e });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #userSchema(user: string): string {
    if (!NAME_RE.test(user)) {
      throw new UserTableError(
        "invalid-name",
        `user_${user}`,
        `User name '${user}' cannot name a schema: use letters, digits and underscores`,
      );
    }
    return `user_${user.toLowerCase()}`;
  }

  #tableName(name: string, schema: string): string {
    if (!NAME_RE.test(name) || name.length > 64) {
      throw new UserTableError(
        "invalid-name",
        `${schema}.${name}`,
        `Table name '${name}' is not allowed: use up to 64 letters, digits and underscores, ` +
          "starting with a letter, and no schema",
      );
    }
    return name.toLowerCase();
  }

  #userDef(user: string, name: string): StoredDef {
    const schema = this.#userSchema(user);
    const bare = name.includes(".") ? name.slice(name.indexOf(".") + 1) : name;
    if (name.includes(".") && name.slice(0, name.indexOf(".")).toLowerCase() !== schema) {
      throw new AccessDeniedError(name, user);
    }
    const def = this.#defs.get(key(schema, bare));
    if (!def || def.kind !== "user") {
      throw new UserTableError(
        "not-found",
        `${schema}.${bare}`,
        `Table '${schema}.${bare.toLowerCase()}' does not exist`,
      );
    }
    return def;
  }

  /**
   * Creates `user_<user>.<name>` from an Arrow table, with a first column
   * `<name>_oid` (INTEGER, 1..n, flagged PK) as the archive adds.
   *
   * @param user The owner.
   * @param name The table name (no schema; lower-cased).
   * @param table The rows; field metadata gives units, UCDs, descriptions.
   * @param description Table description.
   * @returns The new table's definition.
   * @throws {UserTableError} Invalid or existing name.
   */
  createUserTable(user: string, name: string, table: Table, description = ""): Promise<TableDef> {
    return this.#serial(async () => {
      const schema = this.#userSchema(user);
      const tname = this.#tableName(name, schema);
      if (this.#defs.has(key(schema, tname))) {
        throw new UserTableError(
          "exists",
          `${schema}.${tname}`,
          `Table '${schema}.${tname}' already exists; delete it first or choose another name`,
        );
      }
      const oid = `${tname}_oid`;
      const names = uniqueNames(
        table.schema.fields.map((f) => columnMeta(f).name),
        new Set([oid.toLowerCase()]),
      );
      const def: StoredDef = {
        schema,
        name: tname,
        description,
        kind: "user",
        columns: [
          {
            name: oid,
            datatype: "int",
            description: "Object Identifier",
            flags: 16,
            indexed: true,
            principal: true,
          },
          ...table.schema.fields.map((f, i) => columnDefFromField(f, names[i])),
        ],
      };
      await this.#withConnection(async (con) => {
        await loadArrowTable(con, schema, tname, table, { oidColumn: oid, names });
        await this.#saveDef(con, def);
      });
      this.#defs.set(key(schema, tname), def);
      const { kind: _k, ...out } = def;
      return structuredClone(out);
    });
  }

  /**
   * Deletes `user_<user>.<name>` (`name` may be qualified with the user's schema).
   *
   * @throws {UserTableError} When it does not exist.
   */
  dropUserTable(user: string, name: string): Promise<void> {
    return this.#serial(async () => {
      const def = this.#userDef(user, name);
      await this.#dropStored(def.schema, def.name);
    });
  }

  /** Drops a stored table and its definition (callers hold `#serial`). */
  async #dropStored(schema: string, name: string): Promise<void> {
    await this.#withConnection(async (con) => {
      await con.run(
        `DROP TABLE IF EXISTS ${quoteSqlIdentifier(schema)}.${quoteSqlIdentifier(name)}`,
      );
      await this.#deleteDef(con, schema, name);
    });
    this.#defs.delete(key(schema, name));
  }

  /**
   * Edits column metadata of a user table (flags, UCD, utype, indexed) and
   * renames columns (`newName`).
   *
   * @throws {UserTableError} Unknown table or column, or a clashing new name.
   */
  updateUserTable(
    user: string,
    name: string,
    changes: ColumnChange[],
  ): Promise<void> {
    return this.#serial(async () => {
      const def = structuredClone(this.#userDef(user, name));
      const renames: [string, string][] = [];
      for (const ch of changes) {
        const col = def.columns.find((c) => c.name.toLowerCase() === ch.column.toLowerCase());
        if (!col) {
          const near = nearestName(ch.column, def.columns.map((c) => c.name));
          throw new UserTableError(
            "invalid-column",
            `${def.schema}.${def.name}`,
            `Table '${def.schema}.${def.name}' has no column '${ch.column}'` +
              (near ? `; did you mean '${near}'?` : ""),
          );
        }
        if (ch.flags !== undefined) {
          if (!Number.isInteger(ch.flags) || ch.flags < 0 || ch.flags > 63) {
            throw new UserTableError(
              "invalid-column",
              `${def.schema}.${def.name}`,
              `Flags ${ch.flags} for column '${col.name}' are not valid (0-63: 1 Ra, 2 Dec, 4 Flux, 8 Mag, 16 PK)`,
            );
          }
          // one Ra and one Dec column per table: setting moves the flag
          for (const bit of [1, 2]) {
            if (ch.flags & bit) {
              for (const other of def.columns) {
                if (other !== col && other.flags) other.flags &= ~bit;
              }
            }
          }
          col.flags = ch.flags;
        }
        if (ch.ucd !== undefined) col.ucd = ch.ucd;
        if (ch.utype !== undefined) col.utype = ch.utype;
        if (ch.indexed !== undefined) col.indexed = ch.indexed;
        if (ch.newName !== undefined && ch.newName !== col.name) {
          if (!NAME_RE.test(ch.newName)) {
            throw new UserTableError(
              "invalid-name",
              `${def.schema}.${def.name}`,
              `Column name '${ch.newName}' is not allowed: use letters, digits and underscores`,
            );
          }
          if (
            def.columns.some((c) => c !== col && c.name.toLowerCase() === ch.newName!.toLowerCase())
          ) {
            throw new UserTableError(
              "exists",
              `${def.schema}.${def.name}`,
              `Table '${def.schema}.${def.name}' already has a column '${ch.newName}'`,
            );
          }
          renames.push([col.name, ch.newName]);
          col.name = ch.newName;
        }
      }
      await this.#withConnection(async (con) => {
        const t = `${quoteSqlIdentifier(def.schema)}.${quoteSqlIdentifier(def.name)}`;
        for (const [from, to] of renames) {
          await con.run(
            `ALTER TABLE ${t} RENAME COLUMN ${quoteSqlIdentifier(from)} TO ${
              quoteSqlIdentifier(to)
            }`,
          );
        }
        await this.#saveDef(con, def);
      });
      this.#defs.set(key(def.schema, def.name), def);
    });
  }

  /**
   * Renames `user_<user>.<name>` to `user_<user>.<newName>`.
   *
   * @throws {UserTableError} Unknown table, invalid or existing new name.
   */
  renameUserTable(user: string, name: string, newName: string): Promise<void> {
    return this.#serial(async () => {
      const def = structuredClone(this.#userDef(user, name));
      const target = this.#tableName(
        newName.includes(".") ? newName.slice(newName.indexOf(".") + 1) : newName,
        def.schema,
      );
      if (target === def.name) return;
      if (this.#defs.has(key(def.schema, target))) {
        throw new UserTableError(
          "exists",
          `${def.schema}.${target}`,
          `Table '${def.schema}.${target}' already exists`,
        );
      }
      const old = def.name;
      await this.#withConnection(async (con) => {
        await con.run(
          `ALTER TABLE ${quoteSqlIdentifier(def.schema)}.${quoteSqlIdentifier(old)} RENAME TO ${
            quoteSqlIdentifier(target)
          }`,
        );
        def.name = target;
        await this.#deleteDef(con, def.schema, old);
        await this.#saveDef(con, def);
      });
      this.#defs.delete(key(def.schema, old));
      this.#defs.set(key(def.schema, target), def);
    });
  }

  /**
   * Makes a job's result queryable as `job_upload."job<ID>"`.
   *
   * @param jobId The job id (letters, digits, `_` and `-`).
   * @param owner The job's owner (undefined: anonymous, readable by anyone with the id).
   * @param table The result rows.
   */
  registerJobResult(jobId: string, owner: string | undefined, table: Table): Promise<void> {
    return this.#serial(async () => {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
        throw new UserTableError(
          "invalid-name",
          `job_upload.job${jobId}`,
          `Job id '${jobId}' is not valid: use letters, digits, '_' and '-'`,
        );
      }
      const name = `job${jobId}`;
      const names = uniqueNames(table.schema.fields.map((f) => columnMeta(f).name));
      const def: StoredDef = {
        schema: "job_upload",
        name,
        description: `Results of job ${jobId}`,
        kind: "job",
        columns: table.schema.fields.map((f, i) => columnDefFromField(f, names[i])),
      };
      if (owner !== undefined) def.owner = owner;
      await this.#withConnection(async (con) => {
        await con.run(`DROP TABLE IF EXISTS "job_upload".${quoteSqlIdentifier(name)}`);
        await loadArrowTable(con, "job_upload", name, table, { names });
        await this.#saveDef(con, def);
      });
      this.#defs.set(key("job_upload", name), def);
    });
  }

  /**
   * Forgets a job's result table (`job_upload."job<ID>"`), for example when
   * the job is deleted; a job that was never registered is ignored.
   *
   * @param jobId The job id.
   */
  dropJobResult(jobId: string): Promise<void> {
    return this.#serial(async () => {
      const name = `job${jobId}`;
      if (this.#defs.has(key("job_upload", name))) await this.#dropStored("job_upload", name);
    });
  }

  async #crossmatch(call: FunctionCall, text: string, ctx: QueryContext): Promise<QueryOutput> {
    if (ctx.user === undefined) {
      throw new AccessDeniedError("crossmatch_positional", undefined);
    }
    if (call.args.length !== 6) {
      throw new AdqlSemanticError(
        "argument-count",
        `crossmatch_positional takes 6 arguments (schemaA, tableA, schemaB, tableB, radius_arcsec, result_table), not ${call.args.length}`,
        text,
        call.at,
      );
    }
    const str = (i: number) => {
      const a = call.args[i];
      if (a.kind !== "string") {
        throw new AdqlSemanticError(
          "invalid-argument",
          `Argument ${i + 1} of crossmatch_positional must be a string literal`,
          text,
          a.at,
        );
      }
      return a.value;
    };
    const [sA, tA, sB, tB] = [str(0), str(1), str(2), str(3)];
    const rArg = call.args[4];
    const radius = rArg.kind === "number"
      ? rArg.value
      : rArg.kind === "string" && /^\s*[0-9.eE+-]+\s*$/.test(rArg.value)
      ? Number(rArg.value)
      : NaN;
    if (!(radius > 0 && radius <= 3600)) {
      throw new AdqlSemanticError(
        "invalid-argument",
        `crossmatch_positional radius must be a number of arcseconds in (0, 3600], not ${
          rArg.kind === "number" ? rArg.text : "that"
        }`,
        text,
        rArg.at,
      );
    }
    const resultName = str(5);
    const resolve = this.#resolver(ctx, new Map(), text);
    const ident = (n: string) => ({ name: n, quoted: false, at: call.at });
    const a = resolve({ schema: ident(sA), table: ident(tA), at: call.at }, call.at);
    const b = resolve({ schema: ident(sB), table: ident(tB), at: call.at }, call.at);
    const pick = (t: ResolvedTable) => {
      const cols = t.columns as (ColumnInfo & { flags?: number })[];
      const ra = cols.find((c) => (c.flags ?? 0) & 1) ??
        cols.find((c) => c.ucd?.startsWith("pos.eq.ra;meta.main")) ??
        cols.find((c) => c.name.toLowerCase() === "ra");
      const dec = cols.find((c) => (c.flags ?? 0) & 2) ??
        cols.find((c) => c.ucd?.startsWith("pos.eq.dec;meta.main")) ??
        cols.find((c) => c.name.toLowerCase() === "dec");
      const pk = cols.find((c) => (c.flags ?? 0) & 16) ??
        cols.find((c) => c.name.toLowerCase() === "source_id") ?? cols[0];
      if (!ra || !dec) {
        throw new AdqlSemanticError(
          "invalid-argument",
          `Table '${t.adqlName}' has no columns flagged Ra and Dec; set them first (TableTool, flags Ra/Dec)`,
          text,
          call.at,
        );
      }
      return { ra, dec, pk };
    };
    const ca = pick(a), cb = pick(b);
    const schema = this.#userSchema(ctx.user);
    const tname = this.#tableName(resultName, schema);
    const rdeg = radius / 3600;
    const h = Math.sin((rdeg * RAD) / 2) ** 2;
    const q = quoteSqlIdentifier;
    let nameA = `${tA.toLowerCase()}_${ca.pk.name}`;
    let nameB = `${tB.toLowerCase()}_${cb.pk.name}`;
    if (nameA.toLowerCase() === nameB.toLowerCase()) {
      nameA += "_a";
      nameB += "_b";
    }
    const hav = `pow(sin(radians(b.${q(cb.dec.name)} - a.${
      q(ca.dec.name)
    }) / 2), 2) + cos(radians(a.${q(ca.dec.name)})) * cos(radians(b.${
      q(cb.dec.name)
    })) * pow(sin(radians(b.${q(cb.ra.name)} - a.${q(ca.ra.name)}) / 2), 2)`;
    const sql = `CREATE TABLE ${q(schema)}.${q(tname)} AS SELECT a.${q(ca.pk.name)} AS ${
      q(nameA)
    }, b.${q(cb.pk.name)} AS ${
      q(nameB)
    }, degrees(2 * asin(sqrt(least(1.0, ${hav})))) * 3600 AS "dist" FROM ${a.sql} AS a JOIN ${b.sql} AS b ON b.${
      q(cb.dec.name)
    } BETWEEN a.${q(ca.dec.name)} - ${rdeg} AND a.${q(ca.dec.name)} + ${rdeg} AND ${hav} <= ${h}`;
    return await this.#serial(async () => {
      if (this.#defs.has(key(schema, tname))) {
        throw new UserTableError(
          "exists",
          `${schema}.${tname}`,
          `Table '${schema}.${tname}' already exists; delete it or choose another result name`,
        );
      }
      const def: StoredDef = {
        schema,
        name: tname,
        kind: "user",
        description:
          `Positional crossmatch of ${a.adqlName} and ${b.adqlName} within ${radius} arcsec`,
        columns: [
          {
            name: nameA,
            datatype: votable(ca.pk.datatype) ?? "long",
            description: `${ca.pk.name} of ${a.adqlName}`,
            ucd: "meta.id",
            flags: 16,
            indexed: true,
          },
          {
            name: nameB,
            datatype: votable(cb.pk.datatype) ?? "long",
            description: `${cb.pk.name} of ${b.adqlName}`,
            ucd: "meta.id",
            indexed: true,
          },
          {
            name: "dist",
            datatype: "double",
            unit: "arcsec",
            ucd: "pos.angDistance",
            description: "Angular distance between the matched sources",
          },
        ],
      };
      const count = await this.#withConnection(async (con) => {
        await con.run(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
        await this.#guarded(con, ctx.signal, () => con.run(sql));
        await this.#saveDef(con, def);
        const r = await con.runAndReadAll(`SELECT count(*) FROM ${q(schema)}.${q(tname)}`);
        return BigInt(r.getRows()[0][0] as bigint);
      });
      this.#defs.set(key(schema, tname), def);
      const field = new Field(
        "crossmatch_positional",
        new Int64(),
        true,
        toFieldMetadata({
          name: "crossmatch_positional",
          datatype: "long",
          description: `Rows written to ${schema}.${tname}`,
        }),
      );
      const s = new Schema([field]);
      const child = makeData({
        type: field.type,
        length: 1,
        nullCount: 0,
        data: BigInt64Array.of(count),
      });
      const batch = new RecordBatch(
        s,
        makeData({ type: new Struct([field]), length: 1, nullCount: 0, children: [child] }),
      );
      return { table: new Table(s, batch), overflow: false };
    });
  }

  /** Closes every connection and the database (waits for running schema changes). */
  async close(): Promise<void> {
    await this.#ddl;
    this.#pool.close();
    this.#instance.closeSync();
  }
}

function votable(dt: string | undefined): ColumnDef["datatype"] | undefined {
  const ok = ["boolean", "unsignedByte", "short", "int", "long", "float", "double", "char"];
  return dt && ok.includes(dt) ? dt as ColumnDef["datatype"] : undefined;
}

function crossmatchCall(ast: SelectStatement): FunctionCall | undefined {
  const item = ast.columns[0];
  if (
    ast.columns.length === 1 && item.kind === "expr" && item.expr.kind === "function" &&
    item.expr.name === "CROSSMATCH_POSITIONAL"
  ) {
    return item.expr;
  }
  return undefined;
}

function uniqueNames(names: string[], taken = new Set<string>()): string[] {
  return names.map((n) => {
    let name = n || "col";
    let k = 2;
    while (taken.has(name.toLowerCase())) name = `${n}_${k++}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

function columnDefFromField(f: Field, name: string): ColumnDef {
  const m = columnMeta(f);
  const def: ColumnDef = {
    name,
    datatype: votable(m.datatype) ?? votableDatatypeForArrow(f.type),
    description: m.description ?? "",
  };
  if (def.datatype === "char" && votableDatatypeForArrow(f.type) !== "char") {
    def.datatype = votableDatatypeForArrow(f.type);
  }
  if (m.arraysize && def.datatype === "char") def.arraysize = m.arraysize;
  if (m.unit) def.unit = m.unit;
  if (m.ucd) def.ucd = m.ucd;
  if (m.utype) def.utype = m.utype;
  return def;
}

function fieldsFor(columns: OutputColumn[], typeIds: DuckDBTypeId[]) {
  return columns.map((c, i) => {
    const datatype = votableDatatypeOf(typeIds[i]);
    const src = c.source as (ColumnInfo & { flags?: number }) | undefined;
    const meta: Record<string, string | undefined> = {
      name: c.name,
      datatype,
      unit: src?.unit ?? c.computed?.unit,
      ucd: src?.ucd ?? c.computed?.ucd,
      utype: src?.utype ?? c.computed?.utype,
      description: src?.description ?? c.computed?.description,
    };
    if (src?.arraysize && datatype === "char") meta.arraysize = src.arraysize;
    else if (datatype === "char") meta.arraysize = "*";
    return {
      name: c.name,
      metadata: toFieldMetadata(meta as { name: string }),
    };
  });
}

function defaultCatalogue(): CatalogueSource {
  return {
    tables: CATALOGUE_TABLES,
    generate: (o) => generateCatalogue(o),
    // changes whenever the generator's output changes, so caches are rebuilt
    version: catalogueFingerprint(),
  };
}

/**
 * Loads a table through Polars and temporary Parquet files (optionally
 * sorted). Batches go out in parts of about 250 000 rows, so only one part is
 * copied at a time however large the table.
 */
async function loadViaParquet(
  con: DuckDBConnection,
  schema: string,
  name: string,
  table: Table | BatchSource,
  orderBy?: string,
): Promise<number> {
  const pl = (await import("nodejs-polars")).default;
  const dir = await Deno.makeTempDir({ prefix: "deno-gaia-load-" });
  const files: string[] = [];
  let rows = 0;
  try {
    let part: RecordBatch[] = [];
    let partRows = 0;
    const flush = () => {
      if (part.length === 0) return;
      const file = `${dir}/part-${files.length}.parquet`;
      pl.readIPC(Buffer.from(tableToIPC(new Table(part), "file"))).writeParquet(file);
      files.push(file);
      part = [];
      partRows = 0;
    };
    for (const batch of table.batches) {
      part.push(batch);
      partRows += batch.numRows;
      rows += batch.numRows;
      if (partRows >= 250_000) flush();
    }
    flush();
    const source = files.length
      ? `read_parquet([${files.map(quoteSqlString).join(", ")}])`
      : undefined;
    if (!source) {
      // no rows: create the empty table with the right columns through the appender
      await loadArrowTable(con, schema, name, table);
      return 0;
    }
    await con.run(
      `CREATE TABLE ${quoteSqlIdentifier(schema)}.${
        quoteSqlIdentifier(name)
      } AS SELECT * FROM ${source}${orderBy ? ` ORDER BY ${quoteSqlIdentifier(orderBy)}` : ""}`,
    );
    return rows;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
