/**
 * The ADQL tokenizer: identifiers, delimited identifiers, string and numeric
 * literals, operators, `--` and `/* *\/` comments.
 *
 * @module
 */
import { AdqlSyntaxError } from "./errors.ts";

/** The kinds of token the lexer produces. */
export type TokenType = "ident" | "quoted" | "string" | "number" | "op" | "eof";

/** One token of ADQL text. */
export interface Token {
  type: TokenType;
  /** The token's source text (for `quoted`/`string`: the unescaped value). */
  text: string;
  /** Upper-cased `text` for identifiers (keyword matching). */
  upper: string;
  /** 0-based offset of the first character. */
  offset: number;
  /** Offset just past the last character. */
  end: number;
}

const OPS3 = new Set<string>();
const OPS2 = new Set(["<>", "!=", "<=", ">=", "||"]);
const OPS1 = new Set(["(", ")", ",", ".", "*", "+", "-", "/", "=", "<", ">", ";"]);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Splits ADQL text into tokens, ending with an `eof` token.
 *
 * @param text The query.
 * @returns The tokens.
 * @throws {AdqlSyntaxError} On an unterminated string, delimited identifier
 * or comment, or a character that cannot start a token.
 *
 * @example Tokenize a query
 * ```ts
 * import { tokenize } from "./lexer.ts";
 * const toks = tokenize("SELECT 'it''s' -- comment\n FROM t");
 * if (toks[1].text !== "it's" || toks[2].upper !== "FROM") throw new Error("bad");
 * ```
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    throw new AdqlSyntaxError("Unexpected NUL character (code 0)", text, nul, "\\0");
  }
  let i = 0;
  const push = (type: TokenType, value: string, start: number, end: number) =>
    out.push({
      type,
      text: value,
      upper: type === "ident" ? value.toUpperCase() : value,
      offset: start,
      end,
    });
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
      continue;
    }
    // comments
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) {
        throw new AdqlSyntaxError("Unterminated comment", text, i, "/*", ["*/"]);
      }
      i = close + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push("ident", text.slice(start, i), start, i);
      continue;
    }
    if (c === 34 /* " */) {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) {
          throw new AdqlSyntaxError(
            "Unterminated delimited identifier",
            text,
            start,
            text.slice(start, start + 20),
            ['closing "'],
          );
        }
        const d = text.charCodeAt(i);
        if (d === 34) {
          if (text.charCodeAt(i + 1) === 34) {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      if (value.length === 0) {
        throw new AdqlSyntaxError("Empty delimited identifier", text, start, '""');
      }
      push("quoted", value, start, i);
      continue;
    }
    if (c === 39 /* ' */) {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) {
          throw new AdqlSyntaxError(
            "Unterminated string literal",
            text,
            start,
            text.slice(start, start + 20),
            ["closing '"],
          );
        }
        const d = text.charCodeAt(i);
        if (d === 39) {
          if (text.charCodeAt(i + 1) === 39) {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      push("string", value, start, i);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      if (c === 48 && (text[i + 1] === "x" || text[i + 1] === "X")) {
        i += 2;
        const hs = i;
        while (i < n && /[0-9a-fA-F]/.test(text[i])) i++;
        if (i === hs) {
          throw new AdqlSyntaxError(
            "Malformed hexadecimal literal",
            text,
            start,
            text.slice(start, i),
          );
        }
      } else {
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 46) {
          i++;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
        if (text[i] === "e" || text[i] === "E") {
          let j = i + 1;
          if (text[j] === "+" || text[j] === "-") j++;
          if (!isDigit(text.charCodeAt(j))) {
            throw new AdqlSyntaxError(
              "Malformed exponent in numeric literal",
              text,
              start,
              text.slice(start, j + 1),
            );
          }
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      if (i < n && isIdentStart(text.charCodeAt(i))) {
        let j = i;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        throw new AdqlSyntaxError(
          `Malformed numeric literal '${text.slice(start, j)}'`,
          text,
          start,
          text.slice(start, j),
        );
      }
      push("number", text.slice(start, i), start, i);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPS3.has(text.slice(i, i + 3))) {
      push("op", text.slice(i, i + 3), start, i + 3);
      i += 3;
      continue;
    }
    if (OPS2.has(two)) {
      push("op", two === "!=" ? "<>" : two, start, i + 2);
      i += 2;
      continue;
    }
    if (OPS1.has(text[i])) {
      push("op", text[i], start, i + 1);
      i++;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    throw new AdqlSyntaxError(`Unexpected character '${ch}'`, text, i, ch);
  }
  push("eof", "", n, n);
  return out;
}
