/**
 * Translates an ADQL syntax tree into DuckDB SQL. User text never reaches
 * the SQL: table and column names are resolved against the archive's
 * tables and re-quoted, literals are re-emitted from their parsed values,
 * functions are mapped from a fixed list. Spherical geometry becomes plain
 * trigonometry (haversine distances, great-circle polygon edges) with a
 * declination band in front so that a table sorted by declination answers
 * cone searches from a few row groups.
 *
 * @module
 */
import type {
  ColumnRef,
  Expr,
  FromItem,
  FunctionCall,
  Identifier,
  SelectStatement,
  TableName,
} from "./ast.ts";
import { AdqlSemanticError, nearestName } from "./errors.ts";

/** What the translator needs to know about a column. */
export interface ColumnInfo {
  /** Column name as stored (the physical DuckDB column name too). */
  name: string;
  /** VOTable datatype (`long`, `double`, `char`, ...). */
  datatype?: string;
  arraysize?: string;
  unit?: string;
  ucd?: string;
  utype?: string;
  description?: string;
  xtype?: string;
}

/** A table the resolver found for an ADQL table name. */
export interface ResolvedTable {
  /** `schema.table` as ADQL users write it. */
  adqlName: string;
  /** The quoted DuckDB name to put in FROM (built by the resolver, not from user text). */
  sql: string;
  columns: ColumnInfo[];
}

/** Callbacks and limits for {@linkcode translateAdql}. */
export interface TranslateOptions {
  /**
   * Finds a table; throws {@linkcode AdqlSemanticError} (unknown table) or an
   * access error. `at` is the table name's offset, for messages.
   */
  resolveTable(name: TableName, at: number): ResolvedTable;
  /**
   * Rows the outermost query may return (the LIMIT becomes `min(TOP, limit)`).
   * Callers pass `maxrec + 1` to detect overflow.
   */
  limit?: number;
}

/** One column of the translated query's result. */
export interface OutputColumn {
  /** Unique output name. */
  name: string;
  /** Metadata of the source column when the item is a plain column reference. */
  source?: ColumnInfo;
  /** Metadata known for computed values (DISTANCE is in degrees, COUNT is long, ...). */
  computed?: Partial<ColumnInfo>;
}

/** The result of {@linkcode translateAdql}. */
export interface Translation {
  sql: string;
  columns: OutputColumn[];
}

type SqlType = "int" | "float" | "string" | "bool" | "unknown";

interface Value {
  sql: string;
  type: SqlType;
  /** Constant numeric value when known (for geometry pre-filters). */
  lit?: number;
  /** Source column when this is a plain column reference. */
  column?: ColumnInfo;
  computed?: Partial<ColumnInfo>;
}

interface Source {
  /** Names by which the source can be qualified (lower-cased unless quoted). */
  alias?: Identifier;
  table?: TableName;
  sqlAlias: string;
  columns: ColumnInfo[];
}

interface Scope {
  sources: Source[];
  /** Column names joined with USING/NATURAL (lower-case): unqualified refs are not ambiguous. */
  using: Set<string>;
  parent?: Scope;
  /** Output aliases, for ORDER BY / HAVING. */
  outputs?: { name: string; quoted: boolean }[];
}

type Geom =
  | { kind: "point"; ra: Value; dec: Value }
  | { kind: "circle"; ra: Value; dec: Value; r: Value }
  | { kind: "box"; ra: Value; dec: Value; w: Value; h: Value }
  | { kind: "polygon"; vertices: { ra: number; dec: number }[] };

/**
 * Quotes a name as a DuckDB identifier (`"` doubled inside).
 *
 * @example
 * ```ts
 * import { quoteSqlIdentifier } from "./translate.ts";
 * if (quoteSqlIdentifier('a"b') !== '"a""b"') throw new Error("bad");
 * ```
 */
export function quoteSqlIdentifier(name: string): string {
  if (name.includes("\u0000")) {
    throw new RangeError(`Name ${JSON.stringify(name)} contains a NUL character`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string as a DuckDB string literal (`'` doubled inside).
 *
 * @example
 * ```ts
 * import { quoteSqlString } from "./translate.ts";
 * if (quoteSqlString("it's") !== "'it''s'") throw new Error("bad");
 * ```
 */
export function quoteSqlString(value: string): string {
  if (value.includes("\u0000")) throw new RangeError("A string value contains a NUL character");
  return `'${value.replaceAll("'", "''")}'`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot use non-finite number ${x} in SQL`);
  const s = String(x);
  return x < 0 || Object.is(x, -0) ? `(${s})` : s;
}

const RAD = Math.PI / 180;

/** Argument counts and SQL of the ADQL scalar functions. */
const SCALAR: Record<string, { min: number; max: number; sql?: string; type: SqlType }> = {
  ABS: { min: 1, max: 1, sql: "abs", type: "unknown" },
  CEILING: { min: 1, max: 1, sql: "ceil", type: "float" },
  DEGREES: { min: 1, max: 1, sql: "degrees", type: "float" },
  EXP: { min: 1, max: 1, sql: "exp", type: "float" },
  FLOOR: { min: 1, max: 1, sql: "floor", type: "float" },
  LOG: { min: 1, max: 1, sql: "ln", type: "float" },
  LOG10: { min: 1, max: 1, sql: "log10", type: "float" },
  MOD: { min: 2, max: 2, type: "unknown" },
  PI: { min: 0, max: 0, sql: "pi", type: "float" },
  POWER: { min: 2, max: 2, sql: "pow", type: "float" },
  RADIANS: { min: 1, max: 1, sql: "radians", type: "float" },
  SQRT: { min: 1, max: 1, sql: "sqrt", type: "float" },
  RAND: { min: 0, max: 0, sql: "random", type: "float" },
  ROUND: { min: 1, max: 2, type: "unknown" },
  TRUNCATE: { min: 1, max: 2, type: "unknown" },
  ACOS: { min: 1, max: 1, sql: "acos", type: "float" },
  ASIN: { min: 1, max: 1, sql: "asin", type: "float" },
  ATAN: { min: 1, max: 1, sql: "atan", type: "float" },
  ATAN2: { min: 2, max: 2, sql: "atan2", type: "float" },
  COS: { min: 1, max: 1, sql: "cos", type: "float" },
  COT: { min: 1, max: 1, sql: "cot", type: "float" },
  SIN: { min: 1, max: 1, sql: "sin", type: "float" },
  TAN: { min: 1, max: 1, sql: "tan", type: "float" },
  UPPER: { min: 1, max: 1, sql: "upper", type: "string" },
  LOWER: { min: 1, max: 1, sql: "lower", type: "string" },
  COALESCE: { min: 1, max: 64, sql: "coalesce", type: "unknown" },
  GREATEST: { min: 1, max: 64, sql: "greatest", type: "unknown" },
  LEAST: { min: 1, max: 64, sql: "least", type: "unknown" },
  SIGN: { min: 1, max: 1, sql: "sign", type: "int" },
  GAIA_HEALPIX_INDEX: { min: 2, max: 2, type: "int" },
};
const AGGREGATES = new Set(["COUNT", "SUM", "AVG", "MIN", "MAX"]);
const GEOMETRY = new Set([
  "POINT",
  "CIRCLE",
  "BOX",
  "POLYGON",
  "CONTAINS",
  "INTERSECTS",
  "DISTANCE",
  "COORD1",
  "COORD2",
  "COORDSYS",
  "AREA",
  "CENTROID",
  "REGION",
]);
const UNSUPPORTED: Record<string, string> = {
  IN_UNIT: "IN_UNIT is not supported by this archive; convert units with arithmetic",
  CENTROID: "CENTROID is not supported by this archive",
  REGION: "REGION is not supported by this archive; use POINT, CIRCLE, BOX or POLYGON",
  COORDSYS: "COORDSYS is not supported by this archive (every position is ICRS)",
  CROSSMATCH_POSITIONAL:
    "crossmatch_positional(...) must be the only item of a query 'SELECT crossmatch_positional(...) FROM dual'",
};

/**
 * Translates a parsed ADQL query into DuckDB SQL.
 *
 * @param ast The tree from `parseAdql`.
 * @param text The query text (for error positions).
 * @param options Table resolver and row limit.
 * @returns The SQL and the output columns with their metadata.
 * @throws {AdqlSemanticError} Unknown table/column/function, ambiguous
 * column, wrong argument count, unsupported construct.
 *
 * @example Translate a cone search
 * ```ts
 * import { parseAdql } from "./parser.ts";
 * import { translateAdql } from "./translate.ts";
 * const q = "SELECT source_id FROM gaiadr3.gaia_source " +
 *   "WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 1))";
 * const t = translateAdql(parseAdql(q), q, {
 *   resolveTable: () => ({
 *     adqlName: "gaiadr3.gaia_source",
 *     sql: '"gaiadr3"."gaia_source"',
 *     columns: [{ name: "source_id", datatype: "long" }, { name: "ra" }, { name: "dec" }],
 *   }),
 * });
 * if (!t.sql.includes("BETWEEN 23.12 AND 25.12")) throw new Error(t.sql);
 * ```
 */
export function translateAdql(
  ast: SelectStatement,
  text: string,
  options: TranslateOptions,
): Translation {
  return new Translator(text, options).select(ast, undefined, options.limit);
}

function lowerName(id: Identifier): string {
  return id.quoted ? id.name : id.name.toLowerCase();
}
function sameName(id: Identifier, name: string): boolean {
  return id.quoted ? id.name === name : id.name.toLowerCase() === name.toLowerCase();
}

function datatypeType(dt: string | undefined): SqlType {
  switch (dt) {
    case "short":
    case "int":
    case "long":
    case "unsignedByte":
      return "int";
    case "float":
    case "double":
      return "float";
    case "char":
    case "unicodeChar":
      return "string";
    case "boolean":
      return "bool";
    default:
      return "unknown";
  }
}

class Translator {
  #text: string;
  #opts: TranslateOptions;
  #aliasCounter = 0;

  constructor(text: string, opts: TranslateOptions) {
    this.#text = text;
    this.#opts = opts;
  }

  #err(kind: ConstructorParameters<typeof AdqlSemanticError>[0], msg: string, at: number): never {
    throw new AdqlSemanticError(kind, msg, this.#text, at);
  }

  select(ast: SelectStatement, parent: Scope | undefined, limit?: number): Translation {
    const scope: Scope = { sources: [], using: new Set(), parent };
    const fromSql: string[] = [];
    let dual = false;
    for (const f of ast.from) {
      if (
        ast.from.length === 1 && f.kind === "table" && !f.name.schema &&
        sameName(f.name.table, "dual") && !f.alias
      ) {
        dual = true;
        break;
      }
      fromSql.push(this.#from(f, scope));
    }

    // select list
    const items: string[] = [];
    const columns: OutputColumn[] = [];
    const used = new Map<string, number>();
    const unique = (name: string) => {
      const key = name.toLowerCase();
      const n = used.get(key) ?? 0;
      used.set(key, n + 1);
      if (n === 0) return name;
      let k = n + 1;
      while (used.has(`${key}_${k}`)) k++;
      used.set(`${key}_${k}`, 1);
      return `${name}_${k}`;
    };
    const outputs: { name: string; quoted: boolean }[] = [];
    for (const item of ast.columns) {
      if (item.kind === "star") {
        const srcs = item.table ? [this.#findSource(scope, item.table)] : scope.sources;
        if (srcs.length === 0) {
          this.#err("invalid-argument", "SELECT * needs a table in FROM", item.at);
        }
        const seenUsing = new Set<string>();
        for (const s of srcs) {
          for (const c of s.columns) {
            const lk = c.name.toLowerCase();
            if (!item.table && scope.using.has(lk)) {
              if (seenUsing.has(lk)) continue;
              seenUsing.add(lk);
            }
            const name = unique(c.name);
            items.push(
              `${s.sqlAlias}.${quoteSqlIdentifier(c.name)} AS ${quoteSqlIdentifier(name)}`,
            );
            columns.push({ name, source: c });
            outputs.push({ name, quoted: true });
          }
        }
        continue;
      }
      const v = this.#value(item.expr, scope);
      let base: string;
      if (item.alias) base = item.alias.name;
      else if (item.expr.kind === "column") base = v.column?.name ?? item.expr.name.name;
      else if (item.expr.kind === "function") base = item.expr.name.toLowerCase();
      else base = "expr";
      const name = unique(base);
      items.push(`${v.sql} AS ${quoteSqlIdentifier(name)}`);
      const out: OutputColumn = { name };
      if (v.column) out.source = v.column;
      if (v.computed) out.computed = v.computed;
      columns.push(out);
      outputs.push({ name, quoted: item.alias ? item.alias.quoted : true });
    }
    scope.outputs = outputs;

    let sql = "SELECT ";
    if (ast.quantifier === "DISTINCT") sql += "DISTINCT ";
    sql += items.join(", ");
    if (!dual) sql += " FROM " + fromSql.join(" CROSS JOIN ");
    if (ast.where) sql += " WHERE " + this.#cond(ast.where, scope);
    if (ast.groupBy.length) {
      sql += " GROUP BY " + ast.groupBy.map((g) => this.#orderKey(g, scope, false)).join(", ");
    }
    if (ast.having) sql += " HAVING " + this.#cond(ast.having, scope, true);
    if (ast.orderBy.length) {
      // NULLs sort as the largest value, as in PostgreSQL (behind the real archive)
      sql += " ORDER BY " +
        ast.orderBy.map((o) =>
          this.#orderKey(o.expr, scope, true) + (o.desc ? " DESC NULLS FIRST" : " ASC NULLS LAST")
        ).join(", ");
    }
    let lim = ast.top;
    if (limit !== undefined) lim = lim === undefined ? limit : Math.min(lim, limit);
    if (lim !== undefined) sql += ` LIMIT ${lim}`;
    if (ast.offset !== undefined) sql += ` OFFSET ${ast.offset}`;
    return { sql, columns };
  }

  /** ORDER BY / GROUP BY key: output alias, position, or expression. */
  #orderKey(e: Expr, scope: Scope, preferOutputs: boolean): string {
    if (e.kind === "number" && e.integer) {
      const n = e.value;
      const count = scope.outputs?.length ?? 0;
      if (n < 1 || n > count) {
        this.#err(
          "invalid-argument",
          `Position ${e.text} is out of range: the select list has ${count} column(s)`,
          e.at,
        );
      }
      return String(n);
    }
    if (e.kind === "column" && e.qualifier.length === 0) {
      const out = scope.outputs?.find((o) => sameName(e.name, o.name));
      const inSources = this.#tryColumn(e, scope);
      if (out && (preferOutputs || !inSources)) return quoteSqlIdentifier(out.name);
    }
    return this.#value(e, scope, true).sql;
  }

  #from(f: FromItem, scope: Scope): string {
    switch (f.kind) {
      case "table": {
        const t = this.#opts.resolveTable(f.name, f.name.at);
        const sqlAlias = `t${this.#aliasCounter++}`;
        const src: Source = { table: f.name, sqlAlias, columns: t.columns };
        if (f.alias) src.alias = f.alias;
        for (const s of scope.sources) {
          if (this.#sourceLabel(s) === this.#sourceLabel(src)) {
            this.#err(
              "invalid-argument",
              `Table '${this.#sourceLabel(src)}' appears twice in FROM; give one an alias`,
              f.at,
            );
          }
        }
        scope.sources.push(src);
        return `${t.sql} AS ${sqlAlias}`;
      }
      case "derived": {
        const inner = this.select(f.query, scope.parent);
        const sqlAlias = `t${this.#aliasCounter++}`;
        scope.sources.push({
          alias: f.alias,
          sqlAlias,
          columns: inner.columns.map((c) => ({
            ...(c.source ?? {}),
            ...(c.computed ?? {}),
            name: c.name,
          })),
        });
        return `(${inner.sql}) AS ${sqlAlias}`;
      }
      case "join": {
        const left = this.#from(f.left, scope);
        const leftSources = scope.sources.slice();
        const right = this.#from(f.right, scope);
        const rightSources = scope.sources.slice(leftSources.length);
        const kind = f.type === "CROSS"
          ? "CROSS JOIN"
          : f.type === "INNER"
          ? "JOIN"
          : `${f.type} OUTER JOIN`;
        let using: string[] | undefined;
        if (f.natural) {
          const l = new Set(leftSources.flatMap((s) => s.columns.map((c) => c.name.toLowerCase())));
          using = [
            ...new Set(
              rightSources.flatMap((s) =>
                s.columns.map((c) => c.name.toLowerCase()).filter((n) => l.has(n))
              ),
            ),
          ];
          if (using.length === 0) return `${left} CROSS JOIN ${right}`;
        } else if (f.using) {
          using = f.using.map((id) => {
            const inL = leftSources.some((s) => s.columns.some((c) => sameName(id, c.name)));
            const inR = rightSources.some((s) => s.columns.some((c) => sameName(id, c.name)));
            if (!inL || !inR) {
              this.#err(
                "unknown-column",
                `USING column '${id.name}' is not in both joined tables`,
                id.at,
              );
            }
            const col = [...leftSources, ...rightSources].flatMap((s) => s.columns).find((c) =>
              sameName(id, c.name)
            )!;
            return col.name.toLowerCase();
          });
        }
        if (using) {
          for (const u of using) scope.using.add(u);
          const lcol = (n: string) => {
            const s = leftSources.find((s) => s.columns.some((c) => c.name.toLowerCase() === n))!;
            const c = s.columns.find((c) => c.name.toLowerCase() === n)!;
            return `${s.sqlAlias}.${quoteSqlIdentifier(c.name)}`;
          };
          const rcol = (n: string) => {
            const s = rightSources.find((s) => s.columns.some((c) => c.name.toLowerCase() === n))!;
            const c = s.columns.find((c) => c.name.toLowerCase() === n)!;
            return `${s.sqlAlias}.${quoteSqlIdentifier(c.name)}`;
          };
          const on = using.map((n) => `${lcol(n)} = ${rcol(n)}`).join(" AND ");
          return `(${left} ${kind} ${right} ON ${on})`;
        }
        if (f.on) return `(${left} ${kind} ${right} ON ${this.#cond(f.on, scope)})`;
        return `(${left} ${kind} ${right})`;
      }
    }
  }

  #sourceLabel(s: Source): string {
    if (s.alias) return lowerName(s.alias);
    if (s.table) {
      return [s.table.schema, s.table.table].filter((x): x is Identifier => !!x).map(lowerName)
        .join(".");
    }
    return s.sqlAlias;
  }

  #matchesQualifier(s: Source, q: Identifier[] | TableName): boolean {
    const parts = Array.isArray(q)
      ? q
      : [q.catalog, q.schema, q.table].filter((x): x is Identifier => !!x);
    const last = parts[parts.length - 1];
    if (s.alias) {
      if (parts.length === 1 && sameName(last, s.alias.name)) return true;
    }
    if (s.table) {
      if (!sameName(last, s.table.table.name)) return false;
      if (parts.length >= 2) {
        const schema = parts[parts.length - 2];
        return !!s.table.schema && sameName(schema, s.table.schema.name);
      }
      return true;
    }
    return false;
  }

  #findSource(scope: Scope, q: TableName): Source {
    for (let sc: Scope | undefined = scope; sc; sc = sc.parent) {
      const hits = sc.sources.filter((s) => this.#matchesQualifier(s, q));
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) {
        this.#err("ambiguous-column", `Table reference '${q.table.name}' is ambiguous`, q.at);
      }
    }
    const known = scope.sources.map((s) => this.#sourceLabel(s));
    const near = nearestName(q.table.name, known);
    this.#err(
      "unknown-table",
      `Unknown table or alias '${q.table.name}'` +
        (near ? `; did you mean '${near}'?` : known.length ? `; FROM has ${known.join(", ")}` : ""),
      q.at,
    );
  }

  #tryColumn(ref: ColumnRef, scope: Scope): Value | undefined {
    for (let sc: Scope | undefined = scope; sc; sc = sc.parent) {
      const srcs = ref.qualifier.length
        ? sc.sources.filter((s) => this.#matchesQualifier(s, ref.qualifier))
        : sc.sources;
      const hits: { s: Source; c: ColumnInfo }[] = [];
      for (const s of srcs) {
        for (const c of s.columns) if (sameName(ref.name, c.name)) hits.push({ s, c });
      }
      if (
        hits.length > 1 && !ref.qualifier.length && scope.using.has(hits[0].c.name.toLowerCase())
      ) {
        hits.length = 1;
      }
      if (hits.length > 1) {
        this.#err(
          "ambiguous-column",
          `Column '${ref.name.name}' is ambiguous: it is in ${
            hits.map((h) => this.#sourceLabel(h.s)).join(" and ")
          }; qualify it (e.g. ${this.#sourceLabel(hits[0].s)}.${hits[0].c.name})`,
          ref.at,
        );
      }
      if (hits.length === 1) {
        const { s, c } = hits[0];
        return {
          sql: `${s.sqlAlias}.${quoteSqlIdentifier(c.name)}`,
          type: datatypeType(c.datatype),
          column: c,
        };
      }
      if (ref.qualifier.length && srcs.length) break;
    }
    return undefined;
  }

  #column(ref: ColumnRef, scope: Scope, allowOutputs = false): Value {
    const v = this.#tryColumn(ref, scope);
    if (v) return v;
    if (allowOutputs && ref.qualifier.length === 0) {
      const out = scope.outputs?.find((o) => sameName(ref.name, o.name));
      if (out) return { sql: quoteSqlIdentifier(out.name), type: "unknown" };
    }
    if (ref.qualifier.length) {
      const q: TableName = {
        table: ref.qualifier[ref.qualifier.length - 1],
        at: ref.qualifier[0].at,
      };
      if (ref.qualifier.length >= 2) q.schema = ref.qualifier[ref.qualifier.length - 2];
      const s = this.#findSource(scope, q);
      const near = nearestName(ref.name.name, s.columns.map((c) => c.name));
      this.#err(
        "unknown-column",
        `Unknown column '${ref.name.name}' in table '${this.#sourceLabel(s)}'` +
          (near ? `; did you mean '${near}'?` : ""),
        ref.name.at,
      );
    }
    const all: string[] = [];
    for (let sc: Scope | undefined = scope; sc; sc = sc.parent) {
      for (const s of sc.sources) for (const c of s.columns) all.push(c.name);
    }
    const near = nearestName(ref.name.name, all);
    this.#err(
      "unknown-column",
      `Unknown column '${ref.name.name}'` + (near ? `; did you mean '${near}'?` : ""),
      ref.name.at,
    );
  }

  // ---- conditions ---------------------------------------------------------

  #cond(e: Expr, scope: Scope, allowOutputs = false): string {
    const v = this.#value(e, scope, allowOutputs);
    return v.sql;
  }

  // ---- values -------------------------------------------------------------

  #value(e: Expr, scope: Scope, allowOutputs = false): Value {
    switch (e.kind) {
      case "number": {
        if (/^0x/i.test(e.text)) {
          const b = BigInt(e.text);
          return { sql: b.toString(), type: "int", lit: Number(b) };
        }
        if (e.integer) {
          // digits only (checked by the lexer); exact even beyond 2^53
          const digits = e.text.replace(/^0+(?=\d)/, "");
          return { sql: digits, type: "int", lit: e.value };
        }
        // exponent form: DuckDB reads it as DOUBLE (plain 2.5 would be a DECIMAL)
        const text = num(e.value);
        return { sql: /e/i.test(text) ? text : `${text}e0`, type: "float", lit: e.value };
      }
      case "string":
        return { sql: quoteSqlString(e.value), type: "string" };
      case "null":
        return { sql: "NULL", type: "unknown" };
      case "column":
        return this.#column(e, scope, allowOutputs);
      case "unary": {
        const o = this.#value(e.operand, scope, allowOutputs);
        if (e.op === "+") return o;
        const out: Value = { sql: `(-${o.sql})`, type: o.type };
        if (o.lit !== undefined) out.lit = -o.lit;
        return out;
      }
      case "binary": {
        const l = this.#value(e.left, scope, allowOutputs);
        const r = this.#value(e.right, scope, allowOutputs);
        if (e.op === "||") {
          return {
            sql: `(CAST(${l.sql} AS VARCHAR) || CAST(${r.sql} AS VARCHAR))`,
            type: "string",
          };
        }
        const type: SqlType = l.type === "int" && r.type === "int"
          ? "int"
          : l.type === "unknown" || r.type === "unknown"
          ? "unknown"
          : "float";
        const op = e.op === "/" && type === "int" ? "//" : e.op;
        const out: Value = { sql: `(${l.sql} ${op} ${r.sql})`, type };
        if (l.lit !== undefined && r.lit !== undefined) {
          const x = e.op === "+"
            ? l.lit + r.lit
            : e.op === "-"
            ? l.lit - r.lit
            : e.op === "*"
            ? l.lit * r.lit
            : type === "int"
            ? Math.trunc(l.lit / r.lit)
            : l.lit / r.lit;
          if (Number.isFinite(x)) out.lit = x;
        }
        return out;
      }
      case "case": {
        let sql = "CASE";
        if (e.operand) sql += " " + this.#value(e.operand, scope, allowOutputs).sql;
        let type: SqlType | undefined;
        for (const w of e.whens) {
          const then = this.#value(w.then, scope, allowOutputs);
          type = type === undefined || type === then.type ? then.type : "unknown";
          sql += ` WHEN ${this.#value(w.when, scope, allowOutputs).sql} THEN ${then.sql}`;
        }
        if (e.else) sql += ` ELSE ${this.#value(e.else, scope, allowOutputs).sql}`;
        return { sql: sql + " END", type: type ?? "unknown" };
      }
      case "cast": {
        const v = this.#value(e.expr, scope, allowOutputs);
        const map: Record<string, [string, SqlType, string]> = {
          SMALLINT: ["SMALLINT", "int", "short"],
          INTEGER: ["INTEGER", "int", "int"],
          BIGINT: ["BIGINT", "int", "long"],
          REAL: ["FLOAT", "float", "float"],
          "DOUBLE PRECISION": ["DOUBLE", "float", "double"],
          CHAR: ["VARCHAR", "string", "char"],
          VARCHAR: ["VARCHAR", "string", "char"],
          TIMESTAMP: ["TIMESTAMP", "unknown", "char"],
        };
        const [t, type, datatype] = map[e.type];
        return { sql: `CAST(${v.sql} AS ${t})`, type, computed: { datatype } };
      }
      case "subquery": {
        const t = this.select(e.query, scope);
        if (t.columns.length !== 1) {
          this.#err(
            "invalid-argument",
            `A subquery used as a value must select exactly one column, not ${t.columns.length}`,
            e.at,
          );
        }
        return { sql: `(${t.sql})`, type: "unknown" };
      }
      case "compare": {
        const geo = this.#geometryCompare(e.left, e.right, e.op, scope) ??
          this.#geometryCompare(e.right, e.left, flip(e.op), scope);
        if (geo !== undefined) return { sql: geo, type: "bool" };
        const l = this.#value(e.left, scope, allowOutputs);
        const r = this.#value(e.right, scope, allowOutputs);
        return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: "bool" };
      }
      case "logical": {
        const l = this.#value(e.left, scope, allowOutputs);
        const r = this.#value(e.right, scope, allowOutputs);
        return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: "bool" };
      }
      case "not":
        return { sql: `(NOT ${this.#value(e.operand, scope, allowOutputs).sql})`, type: "bool" };
      case "between": {
        const x = this.#value(e.expr, scope, allowOutputs).sql;
        const lo = this.#value(e.low, scope, allowOutputs).sql;
        const hi = this.#value(e.high, scope, allowOutputs).sql;
        return { sql: `(${x}${e.not ? " NOT" : ""} BETWEEN ${lo} AND ${hi})`, type: "bool" };
      }
      case "like": {
        const x = this.#value(e.expr, scope, allowOutputs).sql;
        const p = this.#value(e.pattern, scope, allowOutputs).sql;
        return {
          sql: `(${x}${e.not ? " NOT" : ""} ${e.caseInsensitive ? "ILIKE" : "LIKE"} ${p})`,
          type: "bool",
        };
      }
      case "isnull":
        return {
          sql: `(${this.#value(e.expr, scope, allowOutputs).sql} IS ${e.not ? "NOT " : ""}NULL)`,
          type: "bool",
        };
      case "in": {
        const x = this.#value(e.expr, scope, allowOutputs).sql;
        if (Array.isArray(e.list)) {
          const items = e.list.map((i) => this.#value(i, scope, allowOutputs).sql);
          return { sql: `(${x}${e.not ? " NOT" : ""} IN (${items.join(", ")}))`, type: "bool" };
        }
        const t = this.select(e.list, scope);
        if (t.columns.length !== 1) {
          this.#err(
            "invalid-argument",
            `The subquery after IN must select exactly one column, not ${t.columns.length}`,
            e.at,
          );
        }
        return { sql: `(${x}${e.not ? " NOT" : ""} IN (${t.sql}))`, type: "bool" };
      }
      case "exists":
        return { sql: `(EXISTS (${this.select(e.query, scope).sql}))`, type: "bool" };
      case "function":
        return this.#call(e, scope, allowOutputs);
    }
  }

  #arity(e: FunctionCall, min: number, max: number): void {
    const n = e.args.length;
    if (n < min || n > max) {
      const want = min === max ? `${min}` : max >= 64 ? `at least ${min}` : `${min} to ${max}`;
      this.#err(
        "argument-count",
        `${e.name} takes ${want} argument${min === 1 && max === 1 ? "" : "s"}, not ${n}`,
        e.at,
      );
    }
  }

  #call(e: FunctionCall, scope: Scope, allowOutputs: boolean): Value {
    const name = e.name;
    if (UNSUPPORTED[name]) this.#err("unsupported", UNSUPPORTED[name], e.at);
    if (AGGREGATES.has(name)) {
      if (e.star) {
        if (name !== "COUNT") this.#err("invalid-argument", `${name}(*) is not allowed`, e.at);
        return { sql: "count(*)", type: "int", computed: { datatype: "long" } };
      }
      this.#arity(e, 1, 1);
      const a = this.#value(e.args[0], scope, allowOutputs);
      const d = e.distinct ? "DISTINCT " : "";
      const fn = name.toLowerCase();
      if (name === "COUNT") {
        return { sql: `count(${d}${a.sql})`, type: "int", computed: { datatype: "long" } };
      }
      const v: Value = {
        // SUM of integers is a 128-bit integer in DuckDB: keep it a long
        sql: name === "SUM" && a.type === "int"
          ? `CAST(sum(${d}${a.sql}) AS BIGINT)`
          : `${fn}(${d}${a.sql})`,
        type: name === "AVG" ? "float" : a.type,
      };
      if ((name === "MIN" || name === "MAX") && a.column) {
        const { name: _n, ...rest } = a.column;
        v.computed = rest;
      } else if (a.column?.unit && name !== "COUNT") v.computed = { unit: a.column.unit };
      return v;
    }
    if (e.star) this.#err("invalid-argument", `${name}(*) is not allowed`, e.at);
    if (e.distinct) this.#err("invalid-argument", `DISTINCT is only allowed in aggregates`, e.at);
    if (GEOMETRY.has(name)) return this.#geometryValue(e, scope);
    const def = SCALAR[name];
    if (!def) {
      const near = nearestName(name, [...Object.keys(SCALAR), ...AGGREGATES, ...GEOMETRY]);
      this.#err(
        "unknown-function",
        `Unknown function '${name}'` + (near ? `; did you mean '${near}'?` : ""),
        e.at,
      );
    }
    this.#arity(e, def.min, def.max);
    const args = e.args.map((a) => this.#value(a, scope, allowOutputs));
    switch (name) {
      case "MOD":
        return {
          sql: `(${args[0].sql} % ${args[1].sql})`,
          type: args[0].type === "int" && args[1].type === "int" ? "int" : "unknown",
        };
      case "ROUND":
        return {
          sql: `round(${args[0].sql}, ${args[1]?.sql ?? "0"})`,
          type: args[0].type === "int" ? "int" : "float",
        };
      case "TRUNCATE":
        return args.length === 1 ? { sql: `trunc(${args[0].sql})`, type: args[0].type } : {
          sql: `(trunc(${args[0].sql} * pow(10, ${args[1].sql})) / pow(10, ${args[1].sql}))`,
          type: "float",
        };
      case "GAIA_HEALPIX_INDEX":
        return {
          sql: `(CAST(${args[1].sql} AS BIGINT) // CAST(34359738368 * pow(4, 12 - ${
            args[0].sql
          }) AS BIGINT))`,
          type: "int",
          computed: { datatype: "long" },
        };
      case "ABS": {
        const v: Value = { sql: `abs(${args[0].sql})`, type: args[0].type };
        if (args[0].column?.unit) v.computed = { unit: args[0].column.unit };
        return v;
      }
    }
    return { sql: `${def.sql}(${args.map((a) => a.sql).join(", ")})`, type: def.type };
  }

  // ---- geometry -------------------------------------------------------------

  #stripCoordSys(e: FunctionCall, counts: number[]): Expr[] {
    let args = e.args;
    if (args.length > 0 && args[0].kind === "string") {
      const cs = args[0].value.trim().toUpperCase();
      if (cs !== "" && cs !== "ICRS" && !cs.startsWith("ICRS ")) {
        this.#err(
          "unsupported",
          `Coordinate system '${args[0].value}' is not supported: positions are ICRS`,
          args[0].at,
        );
      }
      args = args.slice(1);
    }
    if (!counts.includes(args.length)) {
      this.#err(
        "argument-count",
        `${e.name} takes ${
          counts.join(" or ")
        } arguments (after the optional coordinate system), not ${args.length}`,
        e.at,
      );
    }
    return args;
  }

  #num(e: Expr, scope: Scope): Value {
    const v = this.#value(e, scope);
    if (v.type === "string" || v.type === "bool") {
      this.#err("invalid-argument", "A geometry needs numeric coordinates", e.at);
    }
    return v;
  }

  #geom(e: Expr, scope: Scope): Geom {
    if (e.kind !== "function" || !["POINT", "CIRCLE", "BOX", "POLYGON"].includes(e.name)) {
      this.#err(
        "invalid-argument",
        "Expected a geometry (POINT, CIRCLE, BOX or POLYGON) here",
        e.at,
      );
    }
    switch (e.name) {
      case "POINT": {
        const a = this.#stripCoordSys(e, [2]);
        return { kind: "point", ra: this.#num(a[0], scope), dec: this.#num(a[1], scope) };
      }
      case "CIRCLE": {
        const a = this.#stripCoordSys(e, [2, 3]);
        if (a.length === 2) {
          const c = this.#geom(a[0], scope);
          if (c.kind !== "point") {
            this.#err("invalid-argument", "CIRCLE centre must be a POINT", a[0].at);
          }
          return { kind: "circle", ra: c.ra, dec: c.dec, r: this.#num(a[1], scope) };
        }
        return {
          kind: "circle",
          ra: this.#num(a[0], scope),
          dec: this.#num(a[1], scope),
          r: this.#num(a[2], scope),
        };
      }
      case "BOX": {
        const a = this.#stripCoordSys(e, [3, 4]);
        if (a.length === 3) {
          const c = this.#geom(a[0], scope);
          if (c.kind !== "point") {
            this.#err("invalid-argument", "BOX centre must be a POINT", a[0].at);
          }
          return {
            kind: "box",
            ra: c.ra,
            dec: c.dec,
            w: this.#num(a[1], scope),
            h: this.#num(a[2], scope),
          };
        }
        return {
          kind: "box",
          ra: this.#num(a[0], scope),
          dec: this.#num(a[1], scope),
          w: this.#num(a[2], scope),
          h: this.#num(a[3], scope),
        };
      }
      default: {
        let args = e.args;
        if (args.length > 0 && args[0].kind === "string") {
          args = this.#stripCoordSys(e, [args.length - 1]);
        }
        const vertices: { ra: number; dec: number }[] = [];
        const constant = (x: Expr) => {
          const v = this.#num(x, scope);
          if (v.lit === undefined) {
            this.#err("unsupported", "POLYGON vertices must be numeric constants", x.at);
          }
          return v.lit;
        };
        if (args.every((a) => a.kind === "function" && a.name === "POINT")) {
          for (const a of args) {
            const p = this.#geom(a, scope) as { ra: Value; dec: Value };
            if (p.ra.lit === undefined || p.dec.lit === undefined) {
              this.#err("unsupported", "POLYGON vertices must be numeric constants", a.at);
            }
            vertices.push({ ra: p.ra.lit, dec: p.dec.lit });
          }
        } else {
          if (args.length % 2 !== 0) {
            this.#err("argument-count", "POLYGON needs pairs of coordinates", e.at);
          }
          for (let i = 0; i < args.length; i += 2) {
            vertices.push({ ra: constant(args[i]), dec: constant(args[i + 1]) });
          }
        }
        if (vertices.length < 3) {
          this.#err(
            "argument-count",
            `POLYGON needs at least 3 vertices, not ${vertices.length}`,
            e.at,
          );
        }
        return { kind: "polygon", vertices };
      }
    }
  }

  /** SQL for a haversine term hav(θ) between two positions (no asin/sqrt). */
  #hav(ra1: Value, dec1: Value, ra2: Value, dec2: Value): string {
    const cos2 = dec2.lit !== undefined
      ? num(Math.cos(dec2.lit * RAD))
      : `cos(radians(${dec2.sql}))`;
    return `(pow(sin(radians(${dec1.sql} - ${dec2.sql}) / 2), 2) + cos(radians(${dec1.sql})) * ${cos2} * pow(sin(radians(${ra1.sql} - ${ra2.sql}) / 2), 2))`;
  }

  #distance(a: { ra: Value; dec: Value }, b: { ra: Value; dec: Value }): string {
    return `degrees(2 * asin(sqrt(least(1.0, ${this.#hav(a.ra, a.dec, b.ra, b.dec)}))))`;
  }

  /** Boolean SQL: point inside circle, with a declination band pre-filter. */
  #inCircle(p: { ra: Value; dec: Value }, c: { ra: Value; dec: Value; r: Value }): string {
    const parts: string[] = [];
    if (c.r.lit !== undefined) {
      const r = c.r.lit;
      if (r < 0) return "FALSE";
      if (r >= 180) return `(${p.ra.sql} IS NOT NULL AND ${p.dec.sql} IS NOT NULL)`;
      if (c.dec.lit !== undefined) {
        parts.push(`${p.dec.sql} BETWEEN ${num(c.dec.lit - r)} AND ${num(c.dec.lit + r)}`);
      } else {
        parts.push(
          `${p.dec.sql} BETWEEN ${c.dec.sql} - ${num(r)} AND ${c.dec.sql} + ${num(r)}`,
        );
      }
      const h = Math.sin((r * RAD) / 2) ** 2;
      parts.push(`${this.#hav(p.ra, p.dec, c.ra, c.dec)} <= ${num(h)}`);
    } else {
      parts.push(`${this.#distance(p, c)} <= ${c.r.sql}`);
    }
    return `(${parts.join(" AND ")})`;
  }

  #inBox(p: { ra: Value; dec: Value }, b: { ra: Value; dec: Value; w: Value; h: Value }): string {
    // A coordinate box: |Δra| (wrapped) <= w/2 and |Δdec| <= h/2.
    const dra = `abs(((${p.ra.sql} - ${b.ra.sql}) + 540) % 360 - 180)`;
    if (b.dec.lit !== undefined && b.h.lit !== undefined && b.w.lit !== undefined) {
      return `(${p.dec.sql} BETWEEN ${num(b.dec.lit - b.h.lit / 2)} AND ${
        num(b.dec.lit + b.h.lit / 2)
      } AND ${dra} <= ${num(b.w.lit / 2)})`;
    }
    return `(abs(${p.dec.sql} - ${b.dec.sql}) <= ${b.h.sql} / 2 AND ${dra} <= ${b.w.sql} / 2)`;
  }

  #inPolygon(
    p: { ra: Value; dec: Value },
    poly: { vertices: { ra: number; dec: number }[] },
    at: number,
  ): string {
    const v = poly.vertices.map(({ ra, dec }) => unitVector(ra, dec));
    const normals = v.map((a, i) => cross3(a, v[(i + 1) % v.length]));
    // convex when every vertex is on the same side of every other edge
    let sign = 0;
    let convex = true;
    for (let i = 0; i < normals.length && convex; i++) {
      for (let j = 0; j < v.length; j++) {
        if (j === i || j === (i + 1) % v.length) continue;
        const d = dot3(normals[i], v[j]);
        if (Math.abs(d) < 1e-15) continue;
        const s = Math.sign(d);
        if (sign === 0) sign = s;
        else if (s !== sign) {
          convex = false;
          break;
        }
      }
    }
    if (convex && sign === 0) {
      this.#err("invalid-argument", "POLYGON is degenerate (all vertices on one great circle)", at);
    }
    const x = `cos(radians(${p.dec.sql})) * cos(radians(${p.ra.sql}))`;
    const y = `cos(radians(${p.dec.sql})) * sin(radians(${p.ra.sql}))`;
    const z = `sin(radians(${p.dec.sql}))`;
    const lin = (c: number[]) =>
      `(${num(c[0])} * ${x} + ${num(c[1])} * ${y} + ${num(c[2])} * ${z})`;
    if (convex) {
      const inward = normals.map((n) => n.map((c) => c * sign));
      const [lo, hi] = polygonDecRange(v, (z) => inward.every((n) => n[2] * z >= 0));
      const band = `${p.dec.sql} BETWEEN ${num(lo - 1e-9)} AND ${num(hi + 1e-9)} AND `;
      return `(${band}${inward.map((n) => `${lin(n)} >= 0`).join(" AND ")})`;
    }
    // A non-convex polygon: count the edges crossed by the arc from the point to a
    // reference point Q outside it (odd = inside). Q lies just beyond the cap that
    // holds every vertex, which must be smaller than a hemisphere.
    const c = normalize3(v.reduce((s, q) => [s[0] + q[0], s[1] + q[1], s[2] + q[2]], [0, 0, 0]));
    const radius = Math.max(...v.map((q) => Math.acos(Math.min(1, dot3(c, q)))));
    if (!(radius < Math.PI / 2 - 0.03)) {
      this.#err(
        "unsupported",
        "A non-convex POLYGON must fit in less than a hemisphere; split it into smaller polygons joined with OR",
        at,
      );
    }
    const side = normalize3(cross3(c, Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0]));
    const t = Math.min(radius + 0.02, Math.PI / 2);
    const q = c.map((ci, k) => ci * Math.cos(t) + side[k] * Math.sin(t));
    const tests = v.map((a, i) => {
      const b = v[(i + 1) % v.length];
      const n = normals[i];
      const nq = dot3(n, q);
      // P and Q on opposite sides of the edge's great circle, and A and B on
      // opposite sides of the P-Q great circle: (P x Q).A = P.(Q x A)
      return `(CASE WHEN ${lin(n)} * ${num(nq)} < 0 AND ${lin(cross3(q, a))} * ${
        lin(cross3(q, b))
      } < 0 THEN 1 ELSE 0 END)`;
    });
    const inside = (zp: number) => {
      const pt = [0, 0, zp];
      if (dot3(c, pt) < Math.cos(radius)) return false;
      let k = 0;
      v.forEach((a, i) => {
        const b = v[(i + 1) % v.length];
        if (
          dot3(normals[i], pt) * dot3(normals[i], q) < 0 &&
          dot3(pt, cross3(q, a)) * dot3(pt, cross3(q, b)) < 0
        ) k++;
      });
      return k % 2 === 1;
    };
    const [lo, hi] = polygonDecRange(v, inside);
    // Only points in the cap round the vertices can be inside; inside that cap
    // (less than a hemisphere) the arc to Q cannot meet an edge's circle twice.
    return `(${p.dec.sql} BETWEEN ${num(lo - 1e-9)} AND ${num(hi + 1e-9)} AND ${lin(c)} >= ${
      num(Math.cos(radius + 1e-9))
    } AND (${tests.join(" + ")}) % 2 = 1)`;
  }

  #containsSql(a: Geom, b: Geom, at: number): string {
    if (a.kind === "point") {
      switch (b.kind) {
        case "circle":
          return this.#inCircle(a, b);
        case "box":
          return this.#inBox(a, b);
        case "polygon":
          return this.#inPolygon(a, b, at);
        case "point":
          return `(${a.ra.sql} = ${b.ra.sql} AND ${a.dec.sql} = ${b.dec.sql})`;
      }
    }
    if (a.kind === "circle" && b.kind === "circle") {
      return `(${this.#distance(a, b)} + ${a.r.sql} <= ${b.r.sql})`;
    }
    this.#err(
      "unsupported",
      `CONTAINS(${a.kind.toUpperCase()}, ${b.kind.toUpperCase()}) is not supported; ` +
        "supported: CONTAINS(POINT, CIRCLE|BOX|POLYGON) and CONTAINS(CIRCLE, CIRCLE)",
      at,
    );
  }

  #intersectsSql(a: Geom, b: Geom, at: number): string {
    if (a.kind === "point") return this.#containsSql(a, b, at);
    if (b.kind === "point") return this.#containsSql(b, a, at);
    if (a.kind === "circle" && b.kind === "circle") {
      return `(${this.#distance(a, b)} <= ${a.r.sql} + ${b.r.sql})`;
    }
    this.#err(
      "unsupported",
      `INTERSECTS(${a.kind.toUpperCase()}, ${b.kind.toUpperCase()}) is not supported; ` +
        "supported: INTERSECTS(CIRCLE, CIRCLE) and forms with a POINT",
      at,
    );
  }

  #predicateSql(e: FunctionCall, scope: Scope): string {
    this.#arity(e, 2, 2);
    const a = this.#geom(e.args[0], scope);
    const b = this.#geom(e.args[1], scope);
    return e.name === "CONTAINS" ? this.#containsSql(a, b, e.at) : this.#intersectsSql(a, b, e.at);
  }

  /** `1 = CONTAINS(...)`, `DISTANCE(...) < r`: boolean SQL with pre-filters, or undefined. */
  #geometryCompare(
    fnSide: Expr,
    other: Expr,
    op: string,
    scope: Scope,
  ): string | undefined {
    if (fnSide.kind !== "function") return undefined;
    if ((fnSide.name === "CONTAINS" || fnSide.name === "INTERSECTS") && other.kind === "number") {
      if (op !== "=" && op !== "<>") return undefined;
      const cond = this.#predicateSql(fnSide, scope);
      const truth = (other.value === 1) === (op === "=");
      if (other.value !== 0 && other.value !== 1) return op === "=" ? "FALSE" : "TRUE";
      return truth ? cond : `(NOT ${cond})`;
    }
    if (fnSide.name === "DISTANCE" && (op === "<" || op === "<=")) {
      const r = this.#value(other, scope);
      const pts = this.#distancePoints(fnSide, scope);
      if (r.lit === undefined) return undefined;
      const band = pts[1].dec.lit !== undefined
        ? `${pts[0].dec.sql} BETWEEN ${num(pts[1].dec.lit - r.lit)} AND ${
          num(pts[1].dec.lit + r.lit)
        }`
        : pts[0].dec.lit !== undefined
        ? `${pts[1].dec.sql} BETWEEN ${num(pts[0].dec.lit - r.lit)} AND ${
          num(pts[0].dec.lit + r.lit)
        }`
        : `${pts[0].dec.sql} BETWEEN ${pts[1].dec.sql} - ${num(r.lit)} AND ${pts[1].dec.sql} + ${
          num(r.lit)
        }`;
      if (r.lit >= 180) return `(${this.#distance(pts[0], pts[1])} ${op} ${r.sql})`;
      const h = Math.sin((Math.max(r.lit, 0) * RAD) / 2) ** 2;
      const hav = this.#hav(pts[0].ra, pts[0].dec, pts[1].ra, pts[1].dec);
      return `(${band} AND ${hav} ${op} ${num(h)})`;
    }
    return undefined;
  }

  #distancePoints(e: FunctionCall, scope: Scope): { ra: Value; dec: Value }[] {
    if (e.args.length === 4) {
      const a = e.args.map((x) => this.#num(x, scope));
      return [{ ra: a[0], dec: a[1] }, { ra: a[2], dec: a[3] }];
    }
    if (e.args.length !== 2) {
      this.#err(
        "argument-count",
        `DISTANCE takes 2 points or 4 numbers, not ${e.args.length} arguments`,
        e.at,
      );
    }
    const a = this.#geom(e.args[0], scope);
    const b = this.#geom(e.args[1], scope);
    if (a.kind !== "point" || b.kind !== "point") {
      this.#err("invalid-argument", "DISTANCE takes two POINTs", e.at);
    }
    return [a, b];
  }

  #geometryValue(e: FunctionCall, scope: Scope): Value {
    switch (e.name) {
      case "CONTAINS":
      case "INTERSECTS":
        return {
          sql: `CAST(${this.#predicateSql(e, scope)} AS INTEGER)`,
          type: "int",
          computed: { datatype: "int" },
        };
      case "DISTANCE": {
        const [a, b] = this.#distancePoints(e, scope);
        return {
          sql: this.#distance(a, b),
          type: "float",
          computed: { datatype: "double", unit: "deg", ucd: "pos.angDistance" },
        };
      }
      case "COORD1":
      case "COORD2": {
        this.#arity(e, 1, 1);
        const g = this.#geom(e.args[0], scope);
        if (g.kind !== "point") this.#err("invalid-argument", `${e.name} takes a POINT`, e.at);
        const v = e.name === "COORD1" ? g.ra : g.dec;
        return {
          sql: v.sql,
          type: "float",
          computed: {
            datatype: "double",
            unit: "deg",
            ucd: e.name === "COORD1" ? "pos.eq.ra" : "pos.eq.dec",
          },
        };
      }
      case "AREA": {
        this.#arity(e, 1, 1);
        const g = this.#geom(e.args[0], scope);
        const sr2deg = (180 / Math.PI) ** 2;
        const computed = { datatype: "double", unit: "deg**2" };
        if (g.kind === "point") return { sql: "0.0", type: "float", computed };
        if (g.kind === "circle") {
          return {
            sql: `(2 * pi() * (1 - cos(radians(${g.r.sql}))) * ${num(sr2deg)})`,
            type: "float",
            computed,
          };
        }
        if (g.kind === "box") {
          return {
            sql:
              `(radians(${g.w.sql}) * (sin(radians(least(90, ${g.dec.sql} + ${g.h.sql} / 2))) - sin(radians(greatest(-90, ${g.dec.sql} - ${g.h.sql} / 2)))) * ${
                num(sr2deg)
              })`,
            type: "float",
            computed,
          };
        }
        return { sql: num(polygonArea(g.vertices) * sr2deg), type: "float", computed };
      }
      default:
        this.#err(
          "unsupported",
          `${e.name}(...) is a geometry value; use it inside CONTAINS, INTERSECTS, DISTANCE, COORD1/COORD2 or AREA`,
          e.at,
        );
    }
  }
}

function flip(op: string): string {
  return op === "<" ? ">" : op === ">" ? "<" : op === "<=" ? ">=" : op === ">=" ? "<=" : op;
}

/**
 * Declination range (degrees) covered by a convex spherical polygon: its
 * vertices, the latitude extremes of edges that bulge poleward, and a pole
 * when the polygon contains it. `normals` point inside.
 */
function polygonDecRange(v: number[][], poleInside: (z: 1 | -1) => boolean): [number, number] {
  let zmin = Infinity, zmax = -Infinity;
  for (const p of v) {
    zmin = Math.min(zmin, p[2]);
    zmax = Math.max(zmax, p[2]);
  }
  for (let i = 0; i < v.length; i++) {
    const a = v[i], b = v[(i + 1) % v.length];
    const n = cross3(a, b);
    const nn = Math.sqrt(dot3(n, n));
    if (nn < 1e-15) continue;
    const nh = n.map((x) => x / nn);
    // the highest point of this edge's great circle: z-axis projected on its plane
    const u = [-nh[2] * nh[0], -nh[2] * nh[1], 1 - nh[2] * nh[2]];
    const un = Math.sqrt(dot3(u, u));
    if (un < 1e-15) continue; // the edge lies on the equator
    for (const sgn of [1, -1]) {
      const w = u.map((x) => (sgn * x) / un);
      // on the short arc a->b when a->w and w->b turn the same way as a->b
      if (dot3(cross3(a, w), n) >= 0 && dot3(cross3(w, b), n) >= 0) {
        zmin = Math.min(zmin, w[2]);
        zmax = Math.max(zmax, w[2]);
      }
    }
  }
  if (poleInside(1)) zmax = 1;
  if (poleInside(-1)) zmin = -1;
  const deg = (z: number) => Math.asin(Math.max(-1, Math.min(1, z))) / RAD;
  return [deg(zmin), deg(zmax)];
}

function unitVector(ra: number, dec: number): number[] {
  return [
    Math.cos(dec * RAD) * Math.cos(ra * RAD),
    Math.cos(dec * RAD) * Math.sin(ra * RAD),
    Math.sin(dec * RAD),
  ];
}
function dot3(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross3(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function normalize3(a: number[]): number[] {
  const n = Math.sqrt(dot3(a, a));
  return a.map((x) => x / n);
}

/** Area (steradians) of a spherical polygon with great-circle edges (Girard's theorem). */
function polygonArea(vertices: { ra: number; dec: number }[]): number {
  const v = vertices.map(({ ra, dec }) => [
    Math.cos(dec * RAD) * Math.cos(ra * RAD),
    Math.cos(dec * RAD) * Math.sin(ra * RAD),
    Math.sin(dec * RAD),
  ]);
  // sum of triangle areas from vertex 0 (convex polygons), by the Oosterom-Strackee formula
  let total = 0;
  for (let i = 1; i + 1 < v.length; i++) {
    const a = v[0], b = v[i], c = v[i + 1];
    const triple = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
      a[2] * (b[0] * c[1] - b[1] * c[0]);
    const dot = (p: number[], q: number[]) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
    const den = 1 + dot(a, b) + dot(b, c) + dot(c, a);
    total += 2 * Math.atan2(triple, den);
  }
  return Math.abs(total);
}
