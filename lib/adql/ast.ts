/**
 * The ADQL syntax tree produced by {@linkcode parseAdql} and printed by
 * {@linkcode formatAdql}. Every node carries `at`, the 0-based offset of its
 * first character in the query text (for error messages).
 *
 * Identifiers keep whether they were delimited: regular identifiers are
 * case-insensitive (stored as written), delimited ones (`"Weird Name"`) are
 * exact.
 *
 * @module
 */

/** An identifier as written: `ra`, `"Weird Name"`. */
export interface Identifier {
  /** The name (without quotes for delimited identifiers). */
  name: string;
  /** True for a delimited identifier (`"..."`): case-sensitive. */
  quoted: boolean;
  /** Offset in the query text. */
  at: number;
}

/** A possibly qualified table name: `[catalog.][schema.]table`. */
export interface TableName {
  catalog?: Identifier;
  schema?: Identifier;
  table: Identifier;
  at: number;
}

/** A numeric literal; `text` is the literal as written (exact for big integers). */
export interface NumberLiteral {
  kind: "number";
  /** The literal as written: `42`, `1.5e-3`, `0x1F`. */
  text: string;
  /** Its value as a JS number (may be inexact beyond 2^53). */
  value: number;
  /** True when written without a decimal point or exponent. */
  integer: boolean;
  at: number;
}

/** A string literal with `''` escapes undone. */
export interface StringLiteral {
  kind: "string";
  value: string;
  at: number;
}

/** `NULL`. */
export interface NullLiteral {
  kind: "null";
  at: number;
}

/** A column reference `[[schema.]table.]column`. */
export interface ColumnRef {
  kind: "column";
  /** Qualifier parts before the column name (0-3). */
  qualifier: Identifier[];
  name: Identifier;
  at: number;
}

/** Unary `-` or `+`. */
export interface UnaryExpr {
  kind: "unary";
  op: "-" | "+";
  operand: Expr;
  at: number;
}

/** Arithmetic and string concatenation. */
export interface BinaryExpr {
  kind: "binary";
  op: "+" | "-" | "*" | "/" | "||";
  left: Expr;
  right: Expr;
  at: number;
}

/** A function call: math, string, aggregate, geometry or user-defined. */
export interface FunctionCall {
  kind: "function";
  /** Upper-cased name for regular identifiers, exact for delimited ones. */
  name: string;
  args: Expr[];
  /** `COUNT(DISTINCT x)` and friends. */
  distinct: boolean;
  /** `COUNT(*)`. */
  star: boolean;
  at: number;
}

/** `CASE [operand] WHEN ... THEN ... [ELSE ...] END`. */
export interface CaseExpr {
  kind: "case";
  operand?: Expr;
  whens: { when: Expr; then: Expr }[];
  else?: Expr;
  at: number;
}

/** `CAST(expr AS type)`. */
export interface CastExpr {
  kind: "cast";
  expr: Expr;
  /** Upper-cased type name, e.g. `DOUBLE PRECISION`, `VARCHAR`. */
  type: string;
  /** Length for `CHAR(n)`/`VARCHAR(n)`. */
  length?: number;
  at: number;
}

/** A scalar subquery `(SELECT ...)`. */
export interface SubqueryExpr {
  kind: "subquery";
  query: SelectStatement;
  at: number;
}

/** `a = b`, `a <> b`, `a < b`, ... */
export interface CompareExpr {
  kind: "compare";
  op: "=" | "<>" | "<" | ">" | "<=" | ">=";
  left: Expr;
  right: Expr;
  at: number;
}

/** `a AND b`, `a OR b`. */
export interface LogicalExpr {
  kind: "logical";
  op: "AND" | "OR";
  left: Expr;
  right: Expr;
  at: number;
}

/** `NOT a`. */
export interface NotExpr {
  kind: "not";
  operand: Expr;
  at: number;
}

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenExpr {
  kind: "between";
  not: boolean;
  expr: Expr;
  low: Expr;
  high: Expr;
  at: number;
}

/** `x [NOT] LIKE p`, `x [NOT] ILIKE p`. */
export interface LikeExpr {
  kind: "like";
  not: boolean;
  caseInsensitive: boolean;
  expr: Expr;
  pattern: Expr;
  at: number;
}

/** `x IS [NOT] NULL`. */
export interface IsNullExpr {
  kind: "isnull";
  not: boolean;
  expr: Expr;
  at: number;
}

/** `x [NOT] IN (a, b, ...)` or `x [NOT] IN (SELECT ...)`. */
export interface InExpr {
  kind: "in";
  not: boolean;
  expr: Expr;
  list: Expr[] | SelectStatement;
  at: number;
}

/** `EXISTS (SELECT ...)`. */
export interface ExistsExpr {
  kind: "exists";
  query: SelectStatement;
  at: number;
}

/** Any ADQL value or condition expression. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | NullLiteral
  | ColumnRef
  | UnaryExpr
  | BinaryExpr
  | FunctionCall
  | CaseExpr
  | CastExpr
  | SubqueryExpr
  | CompareExpr
  | LogicalExpr
  | NotExpr
  | BetweenExpr
  | LikeExpr
  | IsNullExpr
  | InExpr
  | ExistsExpr;

/** One item of the select list: `*`, `t.*`, or an expression with an optional alias. */
export type SelectItem =
  | { kind: "star"; table?: TableName; at: number }
  | { kind: "expr"; expr: Expr; alias?: Identifier; at: number };

/** A table in FROM with an optional alias. */
export interface TableRef {
  kind: "table";
  name: TableName;
  alias?: Identifier;
  at: number;
}

/** A derived table `(SELECT ...) AS alias`. */
export interface SubqueryRef {
  kind: "derived";
  query: SelectStatement;
  alias: Identifier;
  at: number;
}

/** A join of two FROM items. */
export interface JoinRef {
  kind: "join";
  type: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";
  natural: boolean;
  left: FromItem;
  right: FromItem;
  on?: Expr;
  using?: Identifier[];
  at: number;
}

/** Anything that can appear in FROM. */
export type FromItem = TableRef | SubqueryRef | JoinRef;

/** One ORDER BY key. */
export interface OrderItem {
  expr: Expr;
  desc: boolean;
  at: number;
}

/** A whole ADQL query. */
export interface SelectStatement {
  kind: "select";
  quantifier?: "ALL" | "DISTINCT";
  /** `TOP n`. */
  top?: number;
  columns: SelectItem[];
  /** Comma-separated FROM items (a comma is a cross join). */
  from: FromItem[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: OrderItem[];
  offset?: number;
  at: number;
}
