/**
 * Errors raised while parsing and checking ADQL.
 *
 * @module
 */

/** A position in ADQL text: 0-based offset, 1-based line and column. */
export interface AdqlPosition {
  /** 0-based character offset into the query text. */
  offset: number;
  /** 1-based line number. */
  line: number;
  /** 1-based column number (in characters). */
  column: number;
}

/**
 * Converts a character offset into a line/column position.
 *
 * @param text The ADQL text.
 * @param offset A 0-based character offset (clamped to the text).
 * @returns The position with 1-based line and column.
 *
 * @example Locate an offset
 * ```ts
 * import { positionAt } from "./errors.ts";
 * const p = positionAt("SELECT *\nFROM t", 10);
 * if (p.line !== 2 || p.column !== 2) throw new Error("wrong position");
 * ```
 */
export function positionAt(text: string, offset: number): AdqlPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/**
 * ADQL text that cannot be parsed. Carries where the problem is and what the
 * parser found and expected.
 *
 * @example Catch a misspelt keyword
 * ```ts
 * import { parseAdql } from "./parser.ts";
 * import { AdqlSyntaxError } from "./errors.ts";
 * try {
 *   parseAdql("SELECT * FORM gaiadr3.gaia_source");
 *   throw new Error("should not parse");
 * } catch (e) {
 *   if (!(e instanceof AdqlSyntaxError) || e.column !== 10) throw e;
 * }
 * ```
 */
export class AdqlSyntaxError extends SyntaxError {
  /** 0-based character offset of the offending token. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The text of the token found (`end of query` at the end). */
  readonly found: string;
  /** What would have been accepted there (may be empty). */
  readonly expected: readonly string[];
  /** The whole query, so servers can quote it. */
  readonly query: string;

  /**
   * Creates the error.
   *
   * @param detail What went wrong, without the position.
   * @param query The full query text.
   * @param offset Where it went wrong.
   * @param found The token found.
   * @param expected What would have been accepted.
   */
  constructor(
    detail: string,
    query: string,
    offset: number,
    found: string,
    expected: readonly string[] = [],
  ) {
    const pos = positionAt(query, offset);
    super(
      `${detail} at line ${pos.line}, column ${pos.column}` +
        (expected.length ? `; expected ${expected.join(" or ")}` : ""),
    );
    this.name = "AdqlSyntaxError";
    this.offset = pos.offset;
    this.line = pos.line;
    this.column = pos.column;
    this.found = found;
    this.expected = expected;
    this.query = query;
  }
}

/** The kind of problem an {@linkcode AdqlSemanticError} reports. */
export type AdqlSemanticErrorKind =
  | "unknown-table"
  | "unknown-column"
  | "ambiguous-column"
  | "unknown-function"
  | "argument-count"
  | "invalid-argument"
  | "unsupported";

/**
 * ADQL that parses but does not make sense against the archive: an unknown
 * table or column (with the nearest known name suggested), an ambiguous
 * column, a function called with the wrong number of arguments.
 *
 * @example Inspect the kind and position
 * ```ts
 * import { AdqlSemanticError } from "./errors.ts";
 * const e = new AdqlSemanticError("unknown-column", "Unknown column 'raa'", "SELECT raa FROM t", 7);
 * if (e.column !== 8 || e.kind !== "unknown-column") throw new Error("bad");
 * ```
 */
export class AdqlSemanticError extends Error {
  /** What kind of problem this is. */
  readonly kind: AdqlSemanticErrorKind;
  /** 0-based offset of the offending name or call. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The whole query. */
  readonly query: string;

  /**
   * Creates the error.
   *
   * @param kind What kind of problem.
   * @param detail The message, without the position.
   * @param query The full query text.
   * @param offset Where the problem is.
   */
  constructor(kind: AdqlSemanticErrorKind, detail: string, query: string, offset: number) {
    const pos = positionAt(query, offset);
    super(`${detail} (line ${pos.line}, column ${pos.column})`);
    this.name = "AdqlSemanticError";
    this.kind = kind;
    this.offset = pos.offset;
    this.line = pos.line;
    this.column = pos.column;
    this.query = query;
  }
}

/**
 * Phrases a parse or semantic error the way the ESA Gaia archive does
 * (`Cannot parse query '<query>' for job '<id>': <message>`), for servers
 * that imitate it.
 *
 * @param error The error thrown by the parser or the engine.
 * @param query The query text.
 * @param jobId The job id to name, if any.
 * @returns The message text.
 *
 * @example Phrase a syntax error like the archive
 * ```ts
 * import { gaiaErrorMessage } from "./errors.ts";
 * import { parseAdql } from "./parser.ts";
 * const q = "SELEC TOP 5 * FROM gaiadr3.gaia_source";
 * try { parseAdql(q); } catch (e) {
 *   if (!gaiaErrorMessage(e, q, "123").startsWith("Cannot parse query 'SELEC TOP 5")) throw e;
 * }
 * ```
 */
export function gaiaErrorMessage(error: unknown, query: string, jobId?: string): string {
  const msg = error instanceof Error ? error.message : String(error);
  if (error instanceof AdqlSyntaxError || error instanceof AdqlSemanticError) {
    return `Cannot parse query '${query}'${jobId ? ` for job '${jobId}'` : ""}: ${msg}`;
  }
  return msg;
}

/** Damerau-free Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/**
 * The candidate nearest to `name` (case-insensitive edit distance), or
 * `undefined` when nothing is reasonably close.
 *
 * @param name The unknown name.
 * @param candidates Known names.
 * @returns The best suggestion.
 *
 * @example Suggest a column
 * ```ts
 * import { nearestName } from "./errors.ts";
 * if (nearestName("paralax", ["ra", "dec", "parallax"]) !== "parallax") throw new Error("bad");
 * ```
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(lower.length / 3))
    ? best
    : undefined;
}
