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
  /** Catalog part, rarely used. */
  catalog?: Identifier;
  /** Schema part (`gaiadr3`, `user_alice`, `TAP_UPLOAD`). */
  schema?: Identifier;
  /** Table part. */
  table: Identifier;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A numeric literal; `text` is the literal as written (exact for big integers). */
export interface NumberLiteral {
  /** Node kind (discriminant). */
  kind: "number";
  /** The literal as written: `42`, `1.5e-3`, `0x1F`. */
  text: string;
  /** Its value as a JS number (may be inexact beyond 2^53). */
  value: number;
  /** True when written without a decimal point or exponent. */
  integer: boolean;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A string literal with `''` escapes undone. */
export interface StringLiteral {
  /** Node kind (discriminant). */
  kind: "string";
  /** The value. */
  value: string;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `NULL`. */
export interface NullLiteral {
  /** Node kind (discriminant). */
  kind: "null";
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A column reference `[[schema.]table.]column`. */
export interface ColumnRef {
  /** Node kind (discriminant). */
  kind: "column";
  /** Qualifier parts before the column name (0-3). */
  qualifier: Identifier[];
  /** The name. */
  name: Identifier;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** Unary `-` or `+`. */
export interface UnaryExpr {
  /** Node kind (discriminant). */
  kind: "unary";
  /** The operator. */
  op: "-" | "+";
  /** The operand. */
  operand: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** Arithmetic and string concatenation. */
export interface BinaryExpr {
  /** Node kind (discriminant). */
  kind: "binary";
  /** The operator. */
  op: "+" | "-" | "*" | "/" | "||";
  /** Left operand. */
  left: Expr;
  /** Right operand. */
  right: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A function call: math, string, aggregate, geometry or user-defined. */
export interface FunctionCall {
  /** Node kind (discriminant). */
  kind: "function";
  /** Upper-cased name for regular identifiers, exact for delimited ones. */
  name: string;
  /** Arguments, in order. */
  args: Expr[];
  /** `COUNT(DISTINCT x)` and friends. */
  distinct: boolean;
  /** `COUNT(*)`. */
  star: boolean;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `CASE [operand] WHEN ... THEN ... [ELSE ...] END`. */
export interface CaseExpr {
  /** Node kind (discriminant). */
  kind: "case";
  /** The operand. */
  operand?: Expr;
  /** The `WHEN ... THEN ...` branches. */
  whens: { when: Expr; then: Expr }[];
  /** The `ELSE` value. */
  else?: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `CAST(expr AS type)`. */
export interface CastExpr {
  /** Node kind (discriminant). */
  kind: "cast";
  /** The expression. */
  expr: Expr;
  /** Upper-cased type name, e.g. `DOUBLE PRECISION`, `VARCHAR`. */
  type: string;
  /** Length for `CHAR(n)`/`VARCHAR(n)`. */
  length?: number;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A scalar subquery `(SELECT ...)`. */
export interface SubqueryExpr {
  /** Node kind (discriminant). */
  kind: "subquery";
  /** The subquery. */
  query: SelectStatement;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `a = b`, `a <> b`, `a < b`, ... */
export interface CompareExpr {
  /** Node kind (discriminant). */
  kind: "compare";
  /** The operator. */
  op: "=" | "<>" | "<" | ">" | "<=" | ">=";
  /** Left operand. */
  left: Expr;
  /** Right operand. */
  right: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `a AND b`, `a OR b`. */
export interface LogicalExpr {
  /** Node kind (discriminant). */
  kind: "logical";
  /** The operator. */
  op: "AND" | "OR";
  /** Left operand. */
  left: Expr;
  /** Right operand. */
  right: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `NOT a`. */
export interface NotExpr {
  /** Node kind (discriminant). */
  kind: "not";
  /** The operand. */
  operand: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenExpr {
  /** Node kind (discriminant). */
  kind: "between";
  /** True when negated with `NOT`. */
  not: boolean;
  /** The expression. */
  expr: Expr;
  /** Lower bound. */
  low: Expr;
  /** Upper bound. */
  high: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `x [NOT] LIKE p`, `x [NOT] ILIKE p`. */
export interface LikeExpr {
  /** Node kind (discriminant). */
  kind: "like";
  /** True when negated with `NOT`. */
  not: boolean;
  /** True for `ILIKE`. */
  caseInsensitive: boolean;
  /** The expression. */
  expr: Expr;
  /** The pattern (`%` and `_` wildcards). */
  pattern: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `x IS [NOT] NULL`. */
export interface IsNullExpr {
  /** Node kind (discriminant). */
  kind: "isnull";
  /** True when negated with `NOT`. */
  not: boolean;
  /** The expression. */
  expr: Expr;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `x [NOT] IN (a, b, ...)` or `x [NOT] IN (SELECT ...)`. */
export interface InExpr {
  /** Node kind (discriminant). */
  kind: "in";
  /** True when negated with `NOT`. */
  not: boolean;
  /** The expression. */
  expr: Expr;
  /** The values, or a subquery. */
  list: Expr[] | SelectStatement;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** `EXISTS (SELECT ...)`. */
export interface ExistsExpr {
  /** Node kind (discriminant). */
  kind: "exists";
  /** The subquery. */
  query: SelectStatement;
  /** 0-based offset of the node in the query text. */
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
  /** Node kind (discriminant). */
  kind: "table";
  /** The name. */
  name: TableName;
  /** The alias, if any. */
  alias?: Identifier;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A derived table `(SELECT ...) AS alias`. */
export interface SubqueryRef {
  /** Node kind (discriminant). */
  kind: "derived";
  /** The subquery. */
  query: SelectStatement;
  /** The alias, if any. */
  alias: Identifier;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A join of two FROM items. */
export interface JoinRef {
  /** Node kind (discriminant). */
  kind: "join";
  /** The type or join kind. */
  type: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";
  /** True for `NATURAL JOIN`. */
  natural: boolean;
  /** Left operand. */
  left: FromItem;
  /** Right operand. */
  right: FromItem;
  /** The `ON` condition. */
  on?: Expr;
  /** The `USING (...)` columns. */
  using?: Identifier[];
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** Anything that can appear in FROM. */
export type FromItem = TableRef | SubqueryRef | JoinRef;

/** One ORDER BY key. */
export interface OrderItem {
  /** The expression. */
  expr: Expr;
  /** True for `DESC`. */
  desc: boolean;
  /** 0-based offset of the node in the query text. */
  at: number;
}

/** A whole ADQL query. */
export interface SelectStatement {
  /** Node kind (discriminant). */
  kind: "select";
  /** `ALL` or `DISTINCT`. */
  quantifier?: "ALL" | "DISTINCT";
  /** `TOP n`. */
  top?: number;
  /** The select list. */
  columns: SelectItem[];
  /** Comma-separated FROM items (a comma is a cross join). */
  from: FromItem[];
  /** The `WHERE` condition. */
  where?: Expr;
  /** `GROUP BY` keys. */
  groupBy: Expr[];
  /** The `HAVING` condition. */
  having?: Expr;
  /** `ORDER BY` keys. */
  orderBy: OrderItem[];
  /** `OFFSET n`. */
  offset?: number;
  /** 0-based offset of the node in the query text. */
  at: number;
}
