/**
 * A recursive-descent parser for the core of ADQL 2.1.
 *
 * @module
 */
import type {
  CaseExpr,
  ColumnRef,
  Expr,
  FromItem,
  FunctionCall,
  Identifier,
  JoinRef,
  OrderItem,
  SelectItem,
  SelectStatement,
  TableName,
} from "./ast.ts";
import { AdqlSyntaxError } from "./errors.ts";
import { type Token, tokenize } from "./lexer.ts";

/**
 * Words that cannot be used as regular (undelimited) identifiers because the
 * grammar gives them a meaning. Quote them (`"order"`) to use them as names.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "ALL",
  "AND",
  "AS",
  "ASC",
  "BETWEEN",
  "BY",
  "CASE",
  "CAST",
  "CROSS",
  "DESC",
  "DISTINCT",
  "ELSE",
  "END",
  "EXCEPT",
  "EXISTS",
  "FROM",
  "FULL",
  "GROUP",
  "HAVING",
  "ILIKE",
  "IN",
  "INNER",
  "INTERSECT",
  "IS",
  "JOIN",
  "LEFT",
  "LIKE",
  "NATURAL",
  "NOT",
  "NULL",
  "OFFSET",
  "ON",
  "OR",
  "ORDER",
  "OUTER",
  "RIGHT",
  "SELECT",
  "THEN",
  "TOP",
  "UNION",
  "USING",
  "WHEN",
  "WHERE",
  "WITH",
]);

const CAST_TYPES = new Set([
  "SMALLINT",
  "INTEGER",
  "INT",
  "BIGINT",
  "REAL",
  "DOUBLE",
  "CHAR",
  "VARCHAR",
  "TIMESTAMP",
]);

/** Options for {@linkcode parseAdql}. */
export interface ParseOptions {
  /**
   * Longest accepted query, in characters; longer text throws a
   * `RangeError` before parsing.
   * @default 100_000
   */
  maxLength?: number;
  /**
   * Deepest accepted nesting of expressions and subqueries.
   * @default 200
   */
  maxDepth?: number;
}

/**
 * Parses an ADQL query into a syntax tree.
 *
 * @param text The ADQL query.
 * @param options Limits.
 * @returns The syntax tree.
 * @throws {AdqlSyntaxError} With line, column and offset of the first problem.
 * @throws {RangeError} When the query is longer than `maxLength`.
 *
 * @example Parse a cone search
 * ```ts
 * import { parseAdql } from "./parser.ts";
 * const ast = parseAdql(
 *   "SELECT TOP 10 source_id, ra FROM gaiadr3.gaia_source " +
 *     "WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 1))",
 * );
 * if (ast.top !== 10 || ast.columns.length !== 2) throw new Error("bad parse");
 * ```
 */
export function parseAdql(text: string, options: ParseOptions = {}): SelectStatement {
  const maxLength = options.maxLength ?? 100_000;
  if (text.length > maxLength) {
    throw new RangeError(
      `ADQL query is ${text.length} characters long, more than the limit of ${maxLength}; ` +
        "upload long ID lists as a table (TAP_UPLOAD) instead",
    );
  }
  const p = new Parser(text, tokenize(text), options.maxDepth ?? 200);
  const stmt = p.parseQuery();
  p.finish();
  return stmt;
}

class Parser {
  #text: string;
  #toks: Token[];
  #i = 0;
  #depth = 0;
  #maxDepth: number;

  constructor(text: string, toks: Token[], maxDepth: number) {
    this.#text = text;
    this.#toks = toks;
    this.#maxDepth = maxDepth;
  }

  get #tok(): Token {
    return this.#toks[this.#i];
  }
  #peek(k = 1): Token {
    return this.#toks[Math.min(this.#i + k, this.#toks.length - 1)];
  }
  #next(): Token {
    const t = this.#toks[this.#i];
    if (t.type !== "eof") this.#i++;
    return t;
  }
  #isKw(word: string, t: Token = this.#tok): boolean {
    return t.type === "ident" && t.upper === word;
  }
  #isOp(op: string, t: Token = this.#tok): boolean {
    return t.type === "op" && t.text === op;
  }
  #acceptKw(word: string): Token | undefined {
    return this.#isKw(word) ? this.#next() : undefined;
  }
  #acceptOp(op: string): Token | undefined {
    return this.#isOp(op) ? this.#next() : undefined;
  }
  #describe(t: Token): string {
    if (t.type === "eof") return "end of query";
    return this.#text.slice(t.offset, t.end);
  }
  #fail(expected: string[], t: Token = this.#tok): never {
    const found = this.#describe(t);
    const what = t.type === "eof" ? "Unexpected end of query" : `Unexpected '${found}'`;
    throw new AdqlSyntaxError(what, this.#text, t.offset, found, expected);
  }
  #expectKw(word: string): Token {
    if (!this.#isKw(word)) this.#fail([word]);
    return this.#next();
  }
  #expectOp(op: string): Token {
    if (!this.#isOp(op)) this.#fail([`'${op}'`]);
    return this.#next();
  }
  #enter(): void {
    if (++this.#depth > this.#maxDepth) {
      throw new AdqlSyntaxError(
        `Query nested deeper than ${this.#maxDepth} levels`,
        this.#text,
        this.#tok.offset,
        this.#describe(this.#tok),
      );
    }
  }
  #leave(): void {
    this.#depth--;
  }

  finish(): void {
    this.#acceptOp(";");
    if (this.#tok.type !== "eof") {
      const t = this.#tok;
      if (this.#isKw("UNION") || this.#isKw("EXCEPT") || this.#isKw("INTERSECT")) {
        throw new AdqlSyntaxError(
          `Set operation '${t.upper}' is not supported by this archive`,
          this.#text,
          t.offset,
          t.text,
        );
      }
      this.#fail(["end of query"]);
    }
  }

  #identifier(expected = "an identifier"): Identifier {
    const t = this.#tok;
    if (t.type === "quoted") {
      this.#next();
      return { name: t.text, quoted: true, at: t.offset };
    }
    if (t.type === "ident" && !RESERVED_WORDS.has(t.upper)) {
      this.#next();
      return { name: t.text, quoted: false, at: t.offset };
    }
    this.#fail([expected]);
  }
  #isIdentifierStart(t: Token = this.#tok): boolean {
    return t.type === "quoted" || (t.type === "ident" && !RESERVED_WORDS.has(t.upper));
  }

  #unsignedInteger(what: string): number {
    const t = this.#tok;
    if (t.type !== "number" || !/^[0-9]+$/.test(t.text)) this.#fail([what]);
    this.#next();
    const v = Number(t.text);
    if (!Number.isSafeInteger(v)) {
      throw new AdqlSyntaxError(`${what} '${t.text}' is too large`, this.#text, t.offset, t.text);
    }
    return v;
  }

  parseQuery(): SelectStatement {
    this.#enter();
    if (this.#isKw("WITH")) {
      throw new AdqlSyntaxError(
        "Common table expressions (WITH) are not supported by this archive",
        this.#text,
        this.#tok.offset,
        "WITH",
      );
    }
    const start = this.#expectKw("SELECT");
    const stmt: SelectStatement = {
      kind: "select",
      columns: [],
      from: [],
      groupBy: [],
      orderBy: [],
      at: start.offset,
    };
    if (this.#acceptKw("ALL")) stmt.quantifier = "ALL";
    else if (this.#acceptKw("DISTINCT")) stmt.quantifier = "DISTINCT";
    if (this.#acceptKw("TOP")) stmt.top = this.#unsignedInteger("a row count after TOP");
    do stmt.columns.push(this.#selectItem()); while (this.#acceptOp(","));
    this.#expectKw("FROM");
    do stmt.from.push(this.#fromItem()); while (this.#acceptOp(","));
    if (this.#acceptKw("WHERE")) stmt.where = this.#expr();
    if (this.#isKw("GROUP")) {
      this.#next();
      this.#expectKw("BY");
      do stmt.groupBy.push(this.#valueExpr()); while (this.#acceptOp(","));
    }
    if (this.#acceptKw("HAVING")) stmt.having = this.#expr();
    if (this.#isKw("ORDER")) {
      this.#next();
      this.#expectKw("BY");
      do stmt.orderBy.push(this.#orderItem()); while (this.#acceptOp(","));
    }
    if (this.#acceptKw("OFFSET")) stmt.offset = this.#unsignedInteger("a row count after OFFSET");
    this.#leave();
    return stmt;
  }

  #orderItem(): OrderItem {
    const at = this.#tok.offset;
    const expr = this.#valueExpr();
    let desc = false;
    if (this.#acceptKw("DESC")) desc = true;
    else this.#acceptKw("ASC");
    return { expr, desc, at };
  }

  #selectItem(): SelectItem {
    const t = this.#tok;
    if (this.#isOp("*")) {
      this.#next();
      return { kind: "star", at: t.offset };
    }
    // t.* / schema.t.*
    if (this.#isIdentifierStart()) {
      let k = 1;
      while (this.#isOp(".", this.#peek(k)) && this.#isIdentifierStart(this.#peek(k + 1))) k += 2;
      if (k > 1 && this.#isOp(".", this.#peek(k)) && this.#isOp("*", this.#peek(k + 1))) {
        const parts: Identifier[] = [this.#identifier()];
        while (this.#isOp(".") && !this.#isOp("*", this.#peek())) {
          this.#next();
          parts.push(this.#identifier());
        }
        this.#expectOp(".");
        this.#expectOp("*");
        return { kind: "star", table: this.#tableNameFromParts(parts), at: t.offset };
      } else if (k === 1 && this.#isOp(".", this.#peek()) && this.#isOp("*", this.#peek(2))) {
        const id = this.#identifier();
        this.#next();
        this.#next();
        return { kind: "star", table: { table: id, at: id.at }, at: t.offset };
      }
    }
    const expr = this.#expr();
    let alias: Identifier | undefined;
    if (this.#acceptKw("AS")) alias = this.#identifier("an alias");
    else if (this.#isIdentifierStart()) alias = this.#identifier();
    return alias
      ? { kind: "expr", expr, alias, at: t.offset }
      : { kind: "expr", expr, at: t.offset };
  }

  #tableNameFromParts(parts: Identifier[]): TableName {
    if (parts.length > 3) {
      throw new AdqlSyntaxError(
        "Table name has too many parts",
        this.#text,
        parts[3].at,
        parts[3].name,
        ["catalog.schema.table"],
      );
    }
    const table = parts[parts.length - 1];
    const name: TableName = { table, at: parts[0].at };
    if (parts.length >= 2) name.schema = parts[parts.length - 2];
    if (parts.length === 3) name.catalog = parts[0];
    return name;
  }

  #tableName(): TableName {
    const parts = [this.#identifier("a table name")];
    while (this.#acceptOp(".")) parts.push(this.#identifier("a table name"));
    return this.#tableNameFromParts(parts);
  }

  #fromPrimary(): FromItem {
    const t = this.#tok;
    if (this.#isOp("(")) {
      this.#next();
      if (this.#isKw("SELECT")) {
        const query = this.parseQuery();
        this.#expectOp(")");
        this.#acceptKw("AS");
        const alias = this.#identifier("an alias for the subquery");
        return { kind: "derived", query, alias, at: t.offset };
      }
      this.#enter();
      const inner = this.#fromItem();
      this.#leave();
      this.#expectOp(")");
      return inner;
    }
    const name = this.#tableName();
    let alias: Identifier | undefined;
    if (this.#acceptKw("AS")) alias = this.#identifier("an alias");
    else if (this.#isIdentifierStart()) alias = this.#identifier();
    return alias
      ? { kind: "table", name, alias, at: t.offset }
      : { kind: "table", name, at: t.offset };
  }

  #fromItem(): FromItem {
    let left = this.#fromPrimary();
    for (;;) {
      const t = this.#tok;
      let natural = false;
      let type: JoinRef["type"] | undefined;
      if (this.#isKw("NATURAL")) {
        this.#next();
        natural = true;
      }
      if (this.#acceptKw("INNER")) type = "INNER";
      else if (this.#isKw("LEFT") || this.#isKw("RIGHT") || this.#isKw("FULL")) {
        type = this.#next().upper as "LEFT" | "RIGHT" | "FULL";
        this.#acceptKw("OUTER");
      } else if (!natural && this.#acceptKw("CROSS")) type = "CROSS";
      if (type === undefined && !natural && !this.#isKw("JOIN")) return left;
      this.#expectKw("JOIN");
      const right = this.#fromPrimary();
      const join: JoinRef = {
        kind: "join",
        type: type ?? "INNER",
        natural,
        left,
        right,
        at: t.offset,
      };
      if (!natural && join.type !== "CROSS") {
        if (this.#acceptKw("ON")) join.on = this.#expr();
        else if (this.#acceptKw("USING")) {
          this.#expectOp("(");
          join.using = [];
          do join.using.push(this.#identifier("a column name")); while (this.#acceptOp(","));
          this.#expectOp(")");
        } else this.#fail(["ON", "USING"]);
      }
      left = join;
    }
  }

  // ---- expressions ------------------------------------------------------

  #expr(): Expr {
    this.#enter();
    let left = this.#andExpr();
    while (this.#isKw("OR")) {
      const t = this.#next();
      left = { kind: "logical", op: "OR", left, right: this.#andExpr(), at: t.offset };
    }
    this.#leave();
    return left;
  }

  #andExpr(): Expr {
    let left = this.#notExpr();
    while (this.#isKw("AND")) {
      const t = this.#next();
      left = { kind: "logical", op: "AND", left, right: this.#notExpr(), at: t.offset };
    }
    return left;
  }

  #notExpr(): Expr {
    if (this.#isKw("NOT")) {
      const t = this.#next();
      this.#enter();
      const operand = this.#notExpr();
      this.#leave();
      return { kind: "not", operand, at: t.offset };
    }
    return this.#predicate();
  }

  #predicate(): Expr {
    const t = this.#tok;
    if (this.#isKw("EXISTS")) {
      this.#next();
      this.#expectOp("(");
      const query = this.parseQuery();
      this.#expectOp(")");
      return { kind: "exists", query, at: t.offset };
    }
    const left = this.#valueExpr();
    const op = this.#tok;
    if (op.type === "op" && ["=", "<>", "<", ">", "<=", ">="].includes(op.text)) {
      this.#next();
      return {
        kind: "compare",
        op: op.text as "=",
        left,
        right: this.#valueExpr(),
        at: left.at,
      };
    }
    if (this.#isKw("IS")) {
      this.#next();
      const not = !!this.#acceptKw("NOT");
      this.#expectKw("NULL");
      return { kind: "isnull", not, expr: left, at: left.at };
    }
    let not = false;
    if (this.#isKw("NOT")) {
      const nx = this.#peek();
      if (
        this.#isKw("BETWEEN", nx) || this.#isKw("IN", nx) || this.#isKw("LIKE", nx) ||
        this.#isKw("ILIKE", nx)
      ) {
        this.#next();
        not = true;
      }
    }
    if (this.#acceptKw("BETWEEN")) {
      const low = this.#valueExpr();
      this.#expectKw("AND");
      const high = this.#valueExpr();
      return { kind: "between", not, expr: left, low, high, at: left.at };
    }
    if (this.#isKw("LIKE") || this.#isKw("ILIKE")) {
      const ci = this.#next().upper === "ILIKE";
      return {
        kind: "like",
        not,
        caseInsensitive: ci,
        expr: left,
        pattern: this.#valueExpr(),
        at: left.at,
      };
    }
    if (this.#acceptKw("IN")) {
      this.#expectOp("(");
      if (this.#isKw("SELECT")) {
        const query = this.parseQuery();
        this.#expectOp(")");
        return { kind: "in", not, expr: left, list: query, at: left.at };
      }
      const list: Expr[] = [];
      do list.push(this.#valueExpr()); while (this.#acceptOp(","));
      this.#expectOp(")");
      return { kind: "in", not, expr: left, list, at: left.at };
    }
    if (not) this.#fail(["BETWEEN", "IN", "LIKE"]);
    return left;
  }

  #valueExpr(): Expr {
    this.#enter();
    let left = this.#additive();
    while (this.#isOp("||")) {
      const t = this.#next();
      left = { kind: "binary", op: "||", left, right: this.#additive(), at: t.offset };
    }
    this.#leave();
    return left;
  }

  #additive(): Expr {
    let left = this.#multiplicative();
    while (this.#isOp("+") || this.#isOp("-")) {
      const t = this.#next();
      left = {
        kind: "binary",
        op: t.text as "+",
        left,
        right: this.#multiplicative(),
        at: t.offset,
      };
    }
    return left;
  }

  #multiplicative(): Expr {
    let left = this.#unary();
    while (this.#isOp("*") || this.#isOp("/")) {
      const t = this.#next();
      left = { kind: "binary", op: t.text as "*", left, right: this.#unary(), at: t.offset };
    }
    return left;
  }

  #unary(): Expr {
    if (this.#isOp("-") || this.#isOp("+")) {
      const t = this.#next();
      this.#enter();
      const operand = this.#unary();
      this.#leave();
      return { kind: "unary", op: t.text as "-", operand, at: t.offset };
    }
    return this.#primary();
  }

  #primary(): Expr {
    const t = this.#tok;
    switch (t.type) {
      case "number": {
        this.#next();
        const hex = /^0x/i.test(t.text);
        const integer = hex || /^[0-9]+$/.test(t.text);
        const value = hex ? Number(BigInt(t.text)) : Number(t.text);
        return { kind: "number", text: t.text, value, integer, at: t.offset };
      }
      case "string": {
        this.#next();
        return { kind: "string", value: t.text, at: t.offset };
      }
      case "op": {
        if (t.text === "(") {
          this.#next();
          if (this.#isKw("SELECT")) {
            const query = this.parseQuery();
            this.#expectOp(")");
            return { kind: "subquery", query, at: t.offset };
          }
          const e = this.#expr();
          this.#expectOp(")");
          return e;
        }
        this.#fail(["an expression"]);
        break;
      }
      case "ident": {
        if (t.upper === "NULL") {
          this.#next();
          return { kind: "null", at: t.offset };
        }
        if (t.upper === "CASE") return this.#caseExpr();
        if (t.upper === "CAST") return this.#castExpr();
        if (RESERVED_WORDS.has(t.upper)) this.#fail(["an expression"]);
        if (this.#isOp("(", this.#peek())) return this.#functionCall();
        return this.#columnRef();
      }
      case "quoted": {
        if (this.#isOp("(", this.#peek())) return this.#functionCall();
        return this.#columnRef();
      }
      case "eof":
        this.#fail(["an expression"]);
    }
    this.#fail(["an expression"]);
  }

  #columnRef(): ColumnRef {
    const at = this.#tok.offset;
    const parts = [this.#identifier("a column name")];
    while (this.#isOp(".")) {
      this.#next();
      parts.push(this.#identifier("a column name"));
    }
    if (parts.length > 4) {
      throw new AdqlSyntaxError(
        "Column reference has too many parts",
        this.#text,
        parts[4].at,
        parts[4].name,
      );
    }
    const name = parts.pop()!;
    return { kind: "column", qualifier: parts, name, at };
  }

  #functionCall(): FunctionCall {
    const t = this.#next();
    const name = t.type === "quoted" ? t.text : t.upper;
    this.#expectOp("(");
    const call: FunctionCall = {
      kind: "function",
      name,
      args: [],
      distinct: false,
      star: false,
      at: t.offset,
    };
    if (this.#isOp("*")) {
      this.#next();
      call.star = true;
      this.#expectOp(")");
      return call;
    }
    if (this.#acceptKw("DISTINCT")) call.distinct = true;
    else this.#acceptKw("ALL");
    if (!this.#isOp(")")) {
      do call.args.push(this.#expr()); while (this.#acceptOp(","));
    }
    this.#expectOp(")");
    return call;
  }

  #caseExpr(): CaseExpr {
    const t = this.#next();
    const c: CaseExpr = { kind: "case", whens: [], at: t.offset };
    if (!this.#isKw("WHEN")) c.operand = this.#valueExpr();
    if (!this.#isKw("WHEN")) this.#fail(["WHEN"]);
    while (this.#acceptKw("WHEN")) {
      const when = this.#expr();
      this.#expectKw("THEN");
      c.whens.push({ when, then: this.#expr() });
    }
    if (this.#acceptKw("ELSE")) c.else = this.#expr();
    this.#expectKw("END");
    return c;
  }

  #castExpr(): Expr {
    const t = this.#next();
    this.#expectOp("(");
    const expr = this.#valueExpr();
    this.#expectKw("AS");
    const tt = this.#tok;
    if (tt.type !== "ident" || !CAST_TYPES.has(tt.upper)) {
      this.#fail(["a type (SMALLINT, INTEGER, BIGINT, REAL, DOUBLE PRECISION, CHAR, VARCHAR)"]);
    }
    this.#next();
    let type = tt.upper === "INT" ? "INTEGER" : tt.upper;
    if (type === "DOUBLE") {
      this.#expectKw("PRECISION");
      type = "DOUBLE PRECISION";
    }
    let length: number | undefined;
    if ((type === "CHAR" || type === "VARCHAR") && this.#acceptOp("(")) {
      length = this.#unsignedInteger("a length");
      this.#expectOp(")");
    }
    this.#expectOp(")");
    return length !== undefined
      ? { kind: "cast", expr, type, length, at: t.offset }
      : { kind: "cast", expr, type, at: t.offset };
  }
}
