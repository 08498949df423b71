/**
 * A small pull tokenizer for the non-data part of a VOTable (tags,
 * attributes, text, CDATA, comments, processing instructions), working on a
 * {@linkcode ByteInput} so that it can stop exactly where a DATA section
 * starts and hand the bytes to the row scanners. Headers are small, so this
 * code may allocate per token; row data never comes through here.
 *
 * @module
 */
import type { ByteInput } from "./input.ts";
import { VOTableSyntaxError } from "./errors.ts";

/** A start tag (`empty` for `<X/>`). Names have their namespace prefix removed. */
export interface StartToken {
  kind: "start";
  name: string;
  attrs: Record<string, string>;
  empty: boolean;
  offset: number;
}
/** An end tag. */
export interface EndToken {
  kind: "end";
  name: string;
  offset: number;
}
/** Character data (entities decoded, CDATA included verbatim). */
export interface TextToken {
  kind: "text";
  text: string;
  offset: number;
}
/** Comments, processing instructions and DOCTYPE: nothing to report. */
export interface SkipToken {
  kind: "skip";
}
/** One token of the header. */
export type Token = StartToken | EndToken | TextToken | SkipToken;

const utf8 = new TextDecoder("utf-8");

/** Strips a namespace prefix: `vot:FIELD` -> `FIELD`. */
export function localName(qname: string): string {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
}

function indexOfSeq(buf: Uint8Array, from: number, end: number, seq: number[]): number {
  const first = seq[0];
  for (
    let i = buf.indexOf(first, from);
    i >= 0 && i + seq.length <= end;
    i = buf.indexOf(first, i + 1)
  ) {
    let ok = true;
    for (let k = 1; k < seq.length; k++) {
      if (buf[i + k] !== seq[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

const END_COMMENT = [0x2d, 0x2d, 0x3e]; // -->
const END_PI = [0x3f, 0x3e]; // ?>
const END_CDATA = [0x5d, 0x5d, 0x3e]; // ]]>
const CDATA_OPEN = "<![CDATA[";

/**
 * Reads the next token at `inp.pos`, advancing past it. Returns `null` when
 * the buffer ends inside the token (call `inp.more()` and retry); at the end
 * of the stream, an unfinished token is a truncation that the caller reports.
 */
export function nextToken(inp: ByteInput): Token | null {
  const buf = inp.buf;
  const start = inp.pos;
  const end = inp.len;
  if (buf[start] !== 0x3c) {
    // Text up to the next '<'.
    let lt = buf.indexOf(0x3c, start);
    if (lt < 0 || lt >= end) {
      if (!inp.done) return null;
      lt = end;
    }
    inp.pos = lt;
    return {
      kind: "text",
      text: decodeEntities(utf8.decode(buf.subarray(start, lt)), inp.offset(start)),
      offset: inp.offset(start),
    };
  }
  if (end - start < 2) return null;
  const c1 = buf[start + 1];
  if (c1 === 0x3f) { // <? ... ?>
    const e = indexOfSeq(buf, start + 2, end, END_PI);
    if (e < 0) return null;
    inp.pos = e + 2;
    return { kind: "skip" };
  }
  if (c1 === 0x21) { // <! : comment, CDATA or DOCTYPE
    if (end - start < 9) return null;
    if (buf[start + 2] === 0x2d && buf[start + 3] === 0x2d) {
      const e = indexOfSeq(buf, start + 4, end, END_COMMENT);
      if (e < 0) return null;
      inp.pos = e + 3;
      return { kind: "skip" };
    }
    if (utf8.decode(buf.subarray(start, start + 9)) === CDATA_OPEN) {
      const e = indexOfSeq(buf, start + 9, end, END_CDATA);
      if (e < 0) return null;
      inp.pos = e + 3;
      return {
        kind: "text",
        text: utf8.decode(buf.subarray(start + 9, e)),
        offset: inp.offset(start),
      };
    }
    // DOCTYPE, possibly with an internal subset in [ ... ].
    let depth = 0;
    for (let i = start + 2; i < end; i++) {
      const c = buf[i];
      if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (c === 0x3e && depth <= 0) {
        inp.pos = i + 1;
        return { kind: "skip" };
      }
    }
    return null;
  }
  // A tag: find its '>' outside quotes.
  let quote = 0;
  let gt = -1;
  for (let i = start + 1; i < end; i++) {
    const c = buf[i];
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) {
      gt = i;
      break;
    } else if (c === 0x3c) {
      throw new VOTableSyntaxError(`Unexpected "<" inside a tag`, { offset: inp.offset(i) });
    }
  }
  if (gt < 0) return null;
  inp.pos = gt + 1;
  const offset = inp.offset(start);
  if (c1 === 0x2f) {
    const name = utf8.decode(buf.subarray(start + 2, gt)).trim();
    if (!/^[^\s<>&"'=/]+$/.test(name)) {
      throw new VOTableSyntaxError(`Malformed end tag "</${name}>"`, { offset });
    }
    return { kind: "end", name: localName(name), offset };
  }
  let inner = utf8.decode(buf.subarray(start + 1, gt));
  let empty = false;
  if (inner.endsWith("/")) {
    empty = true;
    inner = inner.slice(0, -1);
  }
  return parseTag(inner, empty, offset);
}

const NAME_RE = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ATTR_RE = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

function parseTag(inner: string, empty: boolean, offset: number): StartToken {
  const m = NAME_RE.exec(inner);
  if (!m) throw new VOTableSyntaxError(`Malformed tag "<${inner.slice(0, 40)}>"`, { offset });
  const name = localName(m[0]);
  const attrs: Record<string, string> = {};
  let i = m[0].length;
  ATTR_RE.lastIndex = i;
  while (i < inner.length) {
    if (/^\s*$/.test(inner.slice(i))) break;
    ATTR_RE.lastIndex = i;
    const a = ATTR_RE.exec(inner);
    if (!a) {
      throw new VOTableSyntaxError(
        `Malformed attribute in <${name}> near "${inner.slice(i, i + 40).trim()}"`,
        { offset, element: name },
      );
    }
    const key = a[1];
    if (key in attrs) {
      throw new VOTableSyntaxError(`Duplicate attribute "${key}" in <${name}>`, {
        offset,
        element: name,
      });
    }
    // XML attribute-value normalisation: literal tab, CR and LF become spaces
    // (character references such as &#10; survive).
    attrs[key] = decodeEntities((a[2] ?? a[3]).replace(/[\t\n\r]/g, " "), offset);
    i = ATTR_RE.lastIndex;
  }
  return { kind: "start", name, attrs, empty, offset };
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Decodes XML character and entity references (`&amp;`, `&#233;`, `&#x2F;`).
 *
 * @throws {VOTableSyntaxError} for an unknown or unterminated reference.
 */
export function decodeEntities(s: string, offset?: number): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&([^;\s&]{0,12})(;?)/g, (all, body: string, semi: string) => {
    if (semi === ";") {
      if (body in NAMED) return NAMED[body];
      let cp = NaN;
      if (/^#x[0-9a-fA-F]+$/.test(body)) cp = parseInt(body.slice(2), 16);
      else if (/^#[0-9]+$/.test(body)) cp = parseInt(body.slice(1), 10);
      if (cp >= 0 && cp <= 0x10ffff) return String.fromCodePoint(cp);
    }
    throw new VOTableSyntaxError(
      `Unknown or unterminated character reference "${all}"`,
      offset !== undefined ? { offset } : {},
    );
  });
}
