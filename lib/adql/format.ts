/**
 * Prints an ADQL syntax tree back to ADQL text. Parsing the printed text
 * gives the same tree (apart from offsets).
 *
 * @module
 */
import type { Expr, FromItem, Identifier, SelectStatement, TableName } from "./ast.ts";
import { RESERVED_WORDS } from "./parser.ts";

const REGULAR = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Prints an identifier, delimiting it when it was delimited or when it could
 * not be read back as a regular identifier.
 *
 * @param id The identifier.
 * @returns ADQL text.
 *
 * @example Quote a delimited identifier
 * ```ts
 * import { formatIdentifier } from "./format.ts";
 * if (formatIdentifier({ name: 'a "b"', quoted: true, at: 0 }) !== '"a ""b"""') throw new Error("bad");
 * ```
 */
export function formatIdentifier(id: Identifier): string {
  if (!id.quoted && REGULAR.test(id.name) && !RESERVED_WORDS.has(id.name.toUpperCase())) {
    return id.name;
  }
  return `"${id.name.replaceAll('"', '""')}"`;
}

/**
 * Prints a string literal with `''` escapes.
 *
 * @param value The string.
 * @returns ADQL text, quotes included.
 *
 * @example Escape a quote
 * ```ts
 * import { formatString } from "./format.ts";
 * if (formatString("it's") !== "'it''s'") throw new Error("bad");
 * ```
 */
export function formatString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function tableName(n: TableName): string {
  return [n.catalog, n.schema, n.table].filter((x): x is Identifier => !!x).map(formatIdentifier)
    .join(".");
}

// precedence: higher binds tighter
function prec(e: Expr): number {
  switch (e.kind) {
    case "logical":
      return e.op === "OR" ? 1 : 2;
    case "not":
      return 3;
    case "compare":
    case "between":
    case "like":
    case "isnull":
    case "in":
    case "exists":
      return 4;
    case "binary":
      return e.op === "||" ? 5 : e.op === "+" || e.op === "-" ? 6 : 7;
    case "unary":
      return 8;
    default:
      return 9;
  }
}

function wrap(e: Expr, min: number): string {
  const s = expr(e);
  return prec(e) < min ? `(${s})` : s;
}

function expr(e: Expr): string {
  switch (e.kind) {
    case "number":
      return e.text;
    case "string":
      return formatString(e.value);
    case "null":
      return "NULL";
    case "column":
      return [...e.qualifier, e.name].map(formatIdentifier).join(".");
    case "unary":
      return e.op + (prec(e.operand) >= 9 ? expr(e.operand) : `(${expr(e.operand)})`);
    case "binary": {
      const p = prec(e);
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "function": {
      const name = /^[A-Z_][A-Z0-9_]*$/.test(e.name) && !RESERVED_WORDS.has(e.name)
        ? e.name
        : formatIdentifier({ name: e.name, quoted: true, at: 0 });
      if (e.star) return `${name}(*)`;
      return `${name}(${e.distinct ? "DISTINCT " : ""}${e.args.map(expr).join(", ")})`;
    }
    case "case": {
      let s = "CASE";
      if (e.operand) s += " " + wrap(e.operand, 5);
      for (const w of e.whens) s += ` WHEN ${expr(w.when)} THEN ${expr(w.then)}`;
      if (e.else) s += ` ELSE ${expr(e.else)}`;
      return s + " END";
    }
    case "cast":
      return `CAST(${wrap(e.expr, 5)} AS ${e.type}${
        e.length !== undefined ? `(${e.length})` : ""
      })`;
    case "subquery":
      return `(${formatAdql(e.query)})`;
    case "compare":
      return `${wrap(e.left, 5)} ${e.op} ${wrap(e.right, 5)}`;
    case "logical": {
      const p = prec(e);
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "not":
      return `NOT ${wrap(e.operand, 3)}`;
    case "between":
      return `${wrap(e.expr, 5)}${e.not ? " NOT" : ""} BETWEEN ${wrap(e.low, 5)} AND ${
        wrap(e.high, 5)
      }`;
    case "like":
      return `${wrap(e.expr, 5)}${e.not ? " NOT" : ""} ${e.caseInsensitive ? "ILIKE" : "LIKE"} ${
        wrap(e.pattern, 5)
      }`;
    case "isnull":
      return `${wrap(e.expr, 5)} IS ${e.not ? "NOT " : ""}NULL`;
    case "in":
      return `${wrap(e.expr, 5)}${e.not ? " NOT" : ""} IN (${
        Array.isArray(e.list) ? e.list.map((x) => wrap(x, 5)).join(", ") : formatAdql(e.list)
      })`;
    case "exists":
      return `EXISTS (${formatAdql(e.query)})`;
  }
}

function fromItem(f: FromItem): string {
  switch (f.kind) {
    case "table":
      return tableName(f.name) + (f.alias ? ` AS ${formatIdentifier(f.alias)}` : "");
    case "derived":
      return `(${formatAdql(f.query)}) AS ${formatIdentifier(f.alias)}`;
    case "join": {
      const right = f.right.kind === "join" ? `(${fromItem(f.right)})` : fromItem(f.right);
      let s = `${fromItem(f.left)} ${f.natural ? "NATURAL " : ""}${
        f.type === "INNER" ? "" : f.type + (f.type === "CROSS" ? " " : " OUTER ")
      }JOIN ${right}`;
      if (f.on) s += ` ON ${expr(f.on)}`;
      if (f.using) s += ` USING (${f.using.map(formatIdentifier).join(", ")})`;
      return s;
    }
  }
}

/**
 * Prints a syntax tree as ADQL text, on one line, keywords upper-cased,
 * parentheses only where precedence needs them.
 *
 * @param ast The tree from {@linkcode parseAdql}.
 * @returns ADQL text that parses back to the same tree.
 *
 * @example Normalise a query
 * ```ts
 * import { formatAdql } from "./format.ts";
 * import { parseAdql } from "./parser.ts";
 * const text = formatAdql(parseAdql("select top 3 ra,dec from gaiadr3.gaia_source where (dec>0)"));
 * if (text !== "SELECT TOP 3 ra, dec FROM gaiadr3.gaia_source WHERE dec > 0") throw new Error(text);
 * ```
 */
export function formatAdql(ast: SelectStatement): string {
  let s = "SELECT";
  if (ast.quantifier) s += " " + ast.quantifier;
  if (ast.top !== undefined) s += ` TOP ${ast.top}`;
  s += " " + ast.columns.map((c) => {
    if (c.kind === "star") return c.table ? `${tableName(c.table)}.*` : "*";
    return expr(c.expr) + (c.alias ? ` AS ${formatIdentifier(c.alias)}` : "");
  }).join(", ");
  s += " FROM " + ast.from.map((f) => fromItem(f)).join(", ");
  if (ast.where) s += " WHERE " + expr(ast.where);
  if (ast.groupBy.length) s += " GROUP BY " + ast.groupBy.map((e) => wrap(e, 5)).join(", ");
  if (ast.having) s += " HAVING " + expr(ast.having);
  if (ast.orderBy.length) {
    s += " ORDER BY " +
      ast.orderBy.map((o) => wrap(o.expr, 5) + (o.desc ? " DESC" : "")).join(", ");
  }
  if (ast.offset !== undefined) s += ` OFFSET ${ast.offset}`;
  return s;
}
