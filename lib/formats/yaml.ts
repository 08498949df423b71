/**
 * A small YAML reader, enough for ECSV headers: block mappings and
 * sequences (including the compact `- key: value` form and sequences at the
 * same indentation as their key), flow sequences `[a, b]` and flow mappings
 * `{a: b}`, plain, single- and double-quoted scalars (also over several
 * lines), comments, and the `!!omap` tag astropy writes for `meta`.
 *
 * What it cannot read (anchors, aliases, other tags, block scalars `|`/`>`,
 * complex keys) is rejected with a {@linkcode YamlSyntaxError} naming the
 * line and column, never guessed at.
 *
 * @module
 */
import { YamlSyntaxError } from "./errors.ts";

/** A YAML value as read by {@linkcode parseYaml}. */
export type YamlValue =
  | null
  | boolean
  | number
  | string
  | YamlValue[]
  | { [key: string]: YamlValue };

/** Options of {@linkcode parseYaml}. */
export interface ParseYamlOptions {
  /** Added to line numbers in error messages (when the YAML is part of a larger file). @default 0 */
  lineOffset?: number;
  /** Added to byte offsets in error messages. @default 0 */
  byteOffset?: number;
  /**
   * Keep scalars as text: plain scalars are returned as strings (only `null`
   * / `~` / empty become `null`), so `2016.0` or `007` keep their spelling.
   * @default false
   */
  scalarsAsText?: boolean;
}

interface Line {
  /** 0-based index into the source lines. */
  no: number;
  indent: number;
  text: string;
  /** Byte offset (UTF-16 index, close enough for headers) of the line start. */
  start: number;
}

/**
 * Parses the YAML subset used by ECSV headers.
 *
 * @param text The YAML text (without ECSV's `# ` line prefixes).
 * @param options Line and byte offsets for error messages, scalar handling.
 * @returns The parsed value (a mapping for an ECSV header).
 * @throws {YamlSyntaxError} For malformed YAML or YAML features outside the subset.
 *
 * @example A column list as ECSV writes it
 * ```ts
 * import { parseYaml } from "./yaml.ts";
 * const doc = parseYaml([
 *   "delimiter: ','",
 *   "datatype:",
 *   "- {name: ra, datatype: float64, unit: deg}",
 *   "-",
 *   "  name: source_id",
 *   "  datatype: int64",
 *   "  meta: {ucd: meta.id}",
 * ].join("\n")) as Record<string, any>;
 * if (doc.delimiter !== ",") throw new Error("delimiter");
 * if (doc.datatype[0].unit !== "deg") throw new Error("unit");
 * if (doc.datatype[1].meta.ucd !== "meta.id") throw new Error("ucd");
 * ```
 *
 * @example Unsupported features are rejected
 * ```ts
 * import { parseYaml } from "./yaml.ts";
 * import { YamlSyntaxError } from "./errors.ts";
 * try {
 *   parseYaml("a: &anchor 1\nb: *anchor");
 *   throw new Error("should have failed");
 * } catch (e) {
 *   if (!(e instanceof YamlSyntaxError)) throw e;
 * }
 * ```
 */
export function parseYaml(text: string, options: ParseYamlOptions = {}): YamlValue {
  return new YamlParser(text, options).parseDocument();
}

const KEY_RE =
  /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},:&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?:[ \t]+|$)/;

class YamlParser {
  #lines: Line[] = [];
  #i = 0;
  #opts: ParseYamlOptions;

  constructor(text: string, opts: ParseYamlOptions) {
    this.#opts = opts;
    const raw = text.split("\n");
    let start = 0;
    for (let no = 0; no < raw.length; no++) {
      let s = raw[no]!;
      const lineStart = start;
      start += s.length + 1;
      if (s.endsWith("\r")) s = s.slice(0, -1);
      const trimmed = s.trimStart();
      const indent = s.length - trimmed.length;
      if (/^ *\t/.test(s) && trimmed !== "") {
        throw this.#err("Tabs are not allowed in YAML indentation", no, indent);
      }
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      if (no === 0 || this.#lines.length === 0) {
        if (trimmed.startsWith("%")) continue; // %YAML / %ECSV directive
      }
      if (indent === 0 && (trimmed === "---" || trimmed.startsWith("--- "))) {
        if (this.#lines.length) throw this.#err("Only one YAML document is supported", no, 0);
        const rest = trimmed.slice(3).trim();
        if (rest && !rest.startsWith("#")) {
          this.#lines.push({ no, indent: 4, text: rest, start: lineStart + 4 });
        }
        continue;
      }
      if (indent === 0 && trimmed === "...") break;
      this.#lines.push({ no, indent, text: trimmed, start: lineStart + indent });
    }
  }

  #err(message: string, no: number, column: number): YamlSyntaxError {
    return new YamlSyntaxError(message, {
      line: no + 1 + (this.#opts.lineOffset ?? 0),
      column: column + 1,
    });
  }

  #errAt(message: string, line: Line, col = 0): YamlSyntaxError {
    return this.#err(message, line.no, line.indent + col);
  }

  parseDocument(): YamlValue {
    if (!this.#lines.length) return null;
    const first = this.#lines[0]!;
    const v = this.#parseBlock(first.indent);
    if (this.#i < this.#lines.length) {
      const l = this.#lines[this.#i]!;
      throw this.#errAt(`Unexpected content "${l.text.slice(0, 40)}" (wrong indentation?)`, l);
    }
    return v;
  }

  /** Parses the block starting at the current line, which has indentation `indent`. */
  #parseBlock(indent: number): YamlValue {
    const line = this.#lines[this.#i]!;
    const { tag, rest } = this.#stripProps(line.text, line);
    if (tag !== undefined) {
      if (rest === "") {
        this.#i++;
        const next = this.#lines[this.#i];
        if (!next || next.indent < indent) return applyTag(tag, null, this, line);
        return applyTag(tag, this.#parseBlock(next.indent), this, line);
      }
      line.text = rest;
    }
    if (isSeqItem(line.text)) return this.#parseSequence(indent);
    if (KEY_RE.test(line.text)) return this.#parseMapping(indent);
    // A lone scalar or flow collection (possibly over several lines).
    this.#i++;
    return this.#parseInline(line.text, line, indent - 1);
  }

  #stripProps(text: string, line: Line): { tag?: string; rest: string } {
    if (text.startsWith("&")) throw this.#errAt("YAML anchors (&) are not supported", line);
    if (text.startsWith("*")) throw this.#errAt("YAML aliases (*) are not supported", line);
    if (text.startsWith("!")) {
      const m = /^(!\S*)\s*(.*)$/.exec(text)!;
      return { tag: m[1]!, rest: m[2]! };
    }
    return { rest: text };
  }

  #parseSequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.#i < this.#lines.length) {
      const line = this.#lines[this.#i]!;
      if (line.indent !== indent || !isSeqItem(line.text)) break;
      const rest = line.text.slice(1).replace(/^[ \t]+/, "");
      if (rest === "" || rest.startsWith("#")) {
        this.#i++;
        const next = this.#lines[this.#i];
        if (!next || next.indent <= indent) out.push(null);
        else out.push(this.#parseBlock(next.indent));
        continue;
      }
      // Compact nested block: "- key: value" or "- - item": re-read the rest
      // of the line as a block indented to where it starts.
      const col = line.text.length - rest.length;
      const nestedIndent = indent + col;
      if (KEY_RE.test(rest) || isSeqItem(rest) || rest.startsWith("!")) {
        line.text = rest;
        line.indent = nestedIndent;
        out.push(this.#parseBlock(nestedIndent));
        continue;
      }
      this.#i++;
      out.push(this.#parseInline(rest, line, indent, col));
    }
    return out;
  }

  #parseMapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    while (this.#i < this.#lines.length) {
      const line = this.#lines[this.#i]!;
      if (line.indent !== indent) {
        if (line.indent > indent) throw this.#errAt("Unexpected indentation", line);
        break;
      }
      const m = KEY_RE.exec(line.text);
      if (!m) {
        if (isSeqItem(line.text)) break; // a sequence at the parent's level
        throw this.#errAt(`Expected "key: value", found "${line.text.slice(0, 40)}"`, line);
      }
      const key = this.#scalarKey(m[1]!, line);
      if (Object.hasOwn(out, key)) throw this.#errAt(`Duplicate key "${key}"`, line);
      const rest = line.text.slice(m[0].length);
      if (rest === "" || rest.startsWith("#")) {
        this.#i++;
        const next = this.#lines[this.#i];
        if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) {
          out[key] = this.#parseBlock(next.indent);
        } else {
          out[key] = null;
        }
        continue;
      }
      const { tag, rest: after } = this.#stripProps(rest, line);
      if (tag !== undefined && (after === "" || after.startsWith("#"))) {
        this.#i++;
        const next = this.#lines[this.#i];
        let v: YamlValue = null;
        if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) {
          v = this.#parseBlock(next.indent);
        }
        out[key] = applyTag(tag, v, this, line);
        continue;
      }
      this.#i++;
      const v = this.#parseInline(after, line, indent, m[0].length + (rest.length - after.length));
      out[key] = tag !== undefined ? applyTag(tag, v, this, line) : v;
    }
    return out;
  }

  #scalarKey(raw: string, line: Line): string {
    if (raw.startsWith('"') || raw.startsWith("'")) {
      const r = readQuoted(raw, 0, this, line);
      return r.value;
    }
    return raw.trim();
  }

  /**
   * Parses an inline value that starts on `line` at column `col`; continuation
   * lines must be indented more than `parentIndent`.
   */
  #parseInline(text: string, line: Line, parentIndent: number, col = 0): YamlValue {
    let t = text;
    if (t.startsWith("&")) throw this.#errAt("YAML anchors (&) are not supported", line, col);
    if (t.startsWith("*")) throw this.#errAt("YAML aliases (*) are not supported", line, col);
    if (t.startsWith("|") || t.startsWith(">")) {
      throw this.#errAt("YAML block scalars (| and >) are not supported", line, col);
    }
    if (t.startsWith("[") || t.startsWith("{")) {
      // Flow collections may continue on the following lines.
      while (
        !flowComplete(t) && this.#i < this.#lines.length &&
        this.#lines[this.#i]!.indent > parentIndent
      ) {
        t += " " + this.#lines[this.#i]!.text;
        this.#i++;
      }
      const p = new FlowParser(t, this, line, col);
      const v = p.parseValue();
      p.skipSpace();
      if (p.pos < t.length && t[p.pos] !== "#") {
        throw this.#errAt(
          `Unexpected "${t.slice(p.pos, p.pos + 20)}" after a flow collection`,
          line,
          col + p.pos,
        );
      }
      return v;
    }
    if (t.startsWith('"') || t.startsWith("'")) {
      while (!quotedComplete(t) && this.#i < this.#lines.length) {
        const next = this.#lines[this.#i]!;
        t += "\n" + next.text;
        this.#i++;
      }
      const r = readQuoted(t, 0, this, line);
      const after = t.slice(r.end).trim();
      if (after && !after.startsWith("#")) {
        throw this.#errAt(`Unexpected "${after.slice(0, 20)}" after a quoted string`, line, col);
      }
      return r.value;
    }
    // Plain scalar: strip a comment, join continuation lines with spaces.
    let s = stripComment(t);
    if (/:\s/.test(s) || s.endsWith(":")) {
      throw this.#errAt(
        `A plain value cannot contain ": " ("${s.slice(0, 40)}"); quote it`,
        line,
        col,
      );
    }
    while (this.#i < this.#lines.length) {
      const next = this.#lines[this.#i]!;
      if (next.indent <= parentIndent || isSeqItem(next.text) || KEY_RE.test(next.text)) break;
      s += " " + stripComment(next.text);
      this.#i++;
    }
    return this.plainScalar(s);
  }

  plainScalar(s: string): YamlValue {
    const t = s.trim();
    if (t === "" || t === "~" || t === "null" || t === "Null" || t === "NULL") return null;
    if (this.#opts.scalarsAsText) return t;
    if (t === "true" || t === "True" || t === "TRUE") return true;
    if (t === "false" || t === "False" || t === "FALSE") return false;
    if (/^[-+]?[0-9]+$/.test(t)) {
      const n = Number(t);
      return Number.isSafeInteger(n) ? n : t;
    }
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
    if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(t)) return NaN;
    return t;
  }

  error(message: string, line: Line, col: number): YamlSyntaxError {
    return this.#errAt(message, line, col);
  }
}

function isSeqItem(text: string): boolean {
  return text === "-" || text.startsWith("- ") || text.startsWith("-\t");
}

function stripComment(s: string): string {
  const i = s.search(/\s#/);
  return (i >= 0 ? s.slice(0, i) : s).trim();
}

function quotedComplete(t: string): boolean {
  try {
    const q = t[0];
    for (let i = 1; i < t.length; i++) {
      const c = t[i];
      if (q === '"' && c === "\\") {
        i++;
        continue;
      }
      if (c === q) {
        if (q === "'" && t[i + 1] === "'") {
          i++;
          continue;
        }
        return true;
      }
    }
    return false;
  } catch {
    return false;
  }
}

function flowComplete(t: string): boolean {
  let depth = 0;
  let q: string | undefined;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (q) {
      if (q === '"' && c === "\\") i++;
      else if (c === q) {
        if (q === "'" && t[i + 1] === "'") i++;
        else q = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") q = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}

function applyTag(tag: string, v: YamlValue, p: YamlParser, line: Line): YamlValue {
  if (tag === "!!omap") {
    if (v === null) return {};
    if (!Array.isArray(v)) throw p.error("!!omap must tag a sequence of one-key mappings", line, 0);
    const out: { [key: string]: YamlValue } = {};
    for (const item of v) {
      if (
        item === null || typeof item !== "object" || Array.isArray(item) ||
        Object.keys(item).length !== 1
      ) {
        throw p.error("!!omap must tag a sequence of one-key mappings", line, 0);
      }
      Object.assign(out, item);
    }
    return out;
  }
  if (tag === "!!str") return v === null ? "" : String(v);
  if (tag === "!!map" || tag === "!!seq") return v;
  throw p.error(`The YAML tag "${tag}" is not supported`, line, 0);
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  "a": "\x07",
  "b": "\b",
  "t": "\t",
  "\t": "\t",
  "n": "\n",
  "v": "\v",
  "f": "\f",
  "r": "\r",
  "e": "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  "N": "\u0085",
  "_": "\u00a0",
  "L": "\u2028",
  "P": "\u2029",
};

/** Reads a quoted scalar starting at `t[start]`; multi-line values fold line breaks to spaces. */
function readQuoted(
  t: string,
  start: number,
  p: YamlParser,
  line: Line,
): { value: string; end: number } {
  const q = t[start]!;
  let out = "";
  let i = start + 1;
  while (i < t.length) {
    const c = t[i]!;
    if (c === q) {
      if (q === "'" && t[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    if (c === "\n") {
      // Line folding: a single break becomes a space, trailing spaces dropped.
      out = out.replace(/[ \t]+$/, "");
      let breaks = 0;
      while (i < t.length && (t[i] === "\n" || t[i] === " " || t[i] === "\t")) {
        if (t[i] === "\n") breaks++;
        i++;
      }
      out += breaks > 1 ? "\n".repeat(breaks - 1) : " ";
      continue;
    }
    if (q === '"' && c === "\\") {
      const e = t[i + 1];
      if (e === undefined) break;
      if (e === "x" || e === "u" || e === "U") {
        const n = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = t.slice(i + 2, i + 2 + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) {
          throw p.error(`Bad escape "\\${e}${hex}" in a double-quoted string`, line, i);
        }
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + n;
        continue;
      }
      const r = ESCAPES[e];
      if (r === undefined) {
        throw p.error(`Unknown escape "\\${e}" in a double-quoted string`, line, i);
      }
      out += r;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw p.error(`Unterminated ${q === '"' ? "double" : "single"}-quoted string`, line, start);
}

class FlowParser {
  pos = 0;
  constructor(
    readonly t: string,
    readonly p: YamlParser,
    readonly line: Line,
    readonly col: number,
  ) {}

  skipSpace(): void {
    while (this.pos < this.t.length && /\s/.test(this.t[this.pos]!)) this.pos++;
  }

  #fail(msg: string): never {
    throw this.p.error(msg, this.line, this.col + this.pos);
  }

  parseValue(inMap = false): YamlValue {
    this.skipSpace();
    const c = this.t[this.pos];
    if (c === undefined) this.#fail("Unexpected end of a flow collection");
    if (c === "[") return this.#parseSeq();
    if (c === "{") return this.#parseMap();
    if (c === "&" || c === "*") this.#fail("YAML anchors and aliases are not supported");
    if (c === "!") this.#fail("YAML tags inside flow collections are not supported");
    if (c === '"' || c === "'") {
      const r = readQuoted(this.t, this.pos, this.p, this.line);
      this.pos = r.end;
      return r.value;
    }
    const start = this.pos;
    while (this.pos < this.t.length) {
      const ch = this.t[this.pos]!;
      if (ch === "," || ch === "]" || ch === "}") break;
      if (inMap && ch === ":" && /[\s,\]}]/.test(this.t[this.pos + 1] ?? " ")) break;
      if (ch === "#" && /\s/.test(this.t[this.pos - 1] ?? "")) break;
      this.pos++;
    }
    return this.p.plainScalar(this.t.slice(start, this.pos));
  }

  #parseSeq(): YamlValue[] {
    this.pos++;
    const out: YamlValue[] = [];
    this.skipSpace();
    if (this.t[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue());
      this.skipSpace();
      const c = this.t[this.pos];
      if (c === ",") {
        this.pos++;
        this.skipSpace();
        if (this.t[this.pos] === "]") {
          this.pos++;
          return out;
        }
        continue;
      }
      if (c === "]") {
        this.pos++;
        return out;
      }
      this.#fail(`Expected "," or "]" in a flow sequence, found "${c ?? "end of line"}"`);
    }
  }

  #parseMap(): { [key: string]: YamlValue } {
    this.pos++;
    const out: { [key: string]: YamlValue } = {};
    this.skipSpace();
    if (this.t[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      const k = this.parseValue(true);
      if (k !== null && typeof k === "object") this.#fail("Complex mapping keys are not supported");
      const key = k === null ? "" : String(k);
      this.skipSpace();
      let v: YamlValue = null;
      if (this.t[this.pos] === ":") {
        this.pos++;
        this.skipSpace();
        const c = this.t[this.pos];
        if (c !== "," && c !== "}") v = this.parseValue(true);
      }
      if (Object.hasOwn(out, key)) this.#fail(`Duplicate key "${key}"`);
      out[key] = v;
      this.skipSpace();
      const c = this.t[this.pos];
      if (c === ",") {
        this.pos++;
        this.skipSpace();
        if (this.t[this.pos] === "}") {
          this.pos++;
          return out;
        }
        continue;
      }
      if (c === "}") {
        this.pos++;
        return out;
      }
      this.#fail(`Expected "," or "}" in a flow mapping, found "${c ?? "end of line"}"`);
    }
  }
}
