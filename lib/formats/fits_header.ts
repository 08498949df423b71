/**
 * FITS header cards: parsing 80-character cards (strings with `''`
 * escapes, long strings continued with `CONTINUE`, logicals, exact 64-bit
 * integers, `D` exponents) and formatting them for the writer.
 *
 * @module
 */
import { FitsFormatError } from "./errors.ts";

/** A FITS keyword value: strings, logicals, integers (bigint beyond 2^53), reals, or null for an undefined value. */
export type FitsValue = string | boolean | number | bigint | null;

/** One header card. */
export interface FitsCard {
  /** The keyword (`NAXIS2`, `TTYPE1`, ...), upper case. */
  keyword: string;
  /** The value; undefined for a card without one (COMMENT, HISTORY, blank). */
  value: FitsValue | undefined;
  /** The text after the `/`, or the card's text for COMMENT and HISTORY. */
  comment: string;
}

/** Size of a FITS block, in bytes. */
export const FITS_BLOCK = 2880;
/** Size of a FITS header card, in bytes. */
export const FITS_CARD = 80;

const latin1 = new TextDecoder("latin1");

/**
 * A parsed FITS header: the cards in order and keyword lookups (the first
 * card with a keyword wins; long strings are already joined).
 *
 * @example
 * ```ts
 * import { FitsHeader } from "./fits_header.ts";
 * const cards = [
 *   "XTENSION= 'BINTABLE'",
 *   "NAXIS2  =                    5 / rows",
 *   "TZERO1  =  9223372036854775808",
 *   "TCOMM1  = 'a long &'",
 *   "CONTINUE  'string'",
 *   "END",
 * ].map((c) => c.padEnd(80)).join("");
 * const h = FitsHeader.parse(new TextEncoder().encode(cards), 0);
 * if (h.get("NAXIS2") !== 5) throw new Error("NAXIS2");
 * if (h.get("TZERO1") !== 9223372036854775808n) throw new Error("TZERO1");
 * if (h.get("TCOMM1") !== "a long string") throw new Error(String(h.get("TCOMM1")));
 * ```
 */
export class FitsHeader {
  /** The cards, `CONTINUE` cards folded into the card they continue. */
  readonly cards: FitsCard[];
  /** Byte offset of the header in the file. */
  readonly offset: number;
  #index = new Map<string, FitsCard>();

  /**
   * Wraps parsed cards (use {@linkcode FitsHeader.parse} to read bytes).
   * @param cards The cards in order.
   * @param offset Byte offset of the header in the file.
   */
  constructor(cards: FitsCard[], offset: number) {
    this.cards = cards;
    this.offset = offset;
    for (const c of cards) if (!this.#index.has(c.keyword)) this.#index.set(c.keyword, c);
  }

  /** The value of a keyword, or undefined. */
  get(keyword: string): FitsValue | undefined {
    return this.#index.get(keyword)?.value;
  }

  /** The comment of a keyword's card, or undefined. */
  comment(keyword: string): string | undefined {
    return this.#index.get(keyword)?.comment;
  }

  /** True when the keyword is present. */
  has(keyword: string): boolean {
    return this.#index.has(keyword);
  }

  /** A keyword that must be an integer (number, or bigint beyond 2^53 when `big`). */
  int(keyword: string, fallback?: number): number {
    const v = this.get(keyword);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === "number" && Number.isInteger(v)) return v;
    throw new FitsFormatError(
      v === undefined
        ? `Missing required keyword ${keyword}`
        : `Keyword ${keyword} must be an integer, found ${JSON.stringify(String(v))}`,
      { offset: this.offset, element: keyword },
    );
  }

  /** A keyword that should be a string, or undefined. */
  str(keyword: string): string | undefined {
    const v = this.get(keyword);
    if (v === undefined || v === null) return undefined;
    return typeof v === "string" ? v : String(v);
  }

  /**
   * Parses cards from `bytes` (a whole number of 2880-byte blocks, `END` included).
   * @param bytes The header blocks.
   * @param offset Byte offset of the header in the file (for error messages).
   */
  static parse(bytes: Uint8Array, offset: number): FitsHeader {
    const cards: FitsCard[] = [];
    for (let at = 0; at + FITS_CARD <= bytes.length; at += FITS_CARD) {
      const text = latin1.decode(bytes.subarray(at, at + FITS_CARD));
      const keyword = text.slice(0, 8).trimEnd();
      if (keyword === "END") return new FitsHeader(cards, offset);
      if (keyword === "CONTINUE") {
        const prev = cards[cards.length - 1];
        const { value } = parseValue(text.slice(8), offset + at, keyword);
        if (
          prev && typeof prev.value === "string" && prev.value.endsWith("&") &&
          typeof value === "string"
        ) {
          prev.value = prev.value.slice(0, -1) + value;
        }
        continue;
      }
      if (
        text.slice(8, 10) === "= " && keyword !== "" && keyword !== "COMMENT" &&
        keyword !== "HISTORY"
      ) {
        const { value, comment } = parseValue(text.slice(10), offset + at, keyword);
        cards.push({ keyword, value, comment });
      } else {
        cards.push({ keyword, value: undefined, comment: text.slice(8).trimEnd() });
      }
    }
    throw new FitsFormatError("Header has no END card", { offset, element: "END" });
  }
}

/**
 * Finds the `END` card in header bytes read so far.
 * @returns The byte index just after the END card, or -1.
 *
 * @example
 * ```ts
 * import { findEndCard } from "./fits_header.ts";
 * const h = new TextEncoder().encode("SIMPLE  =                    T".padEnd(80) + "END".padEnd(80));
 * if (findEndCard(h) !== 160) throw new Error();
 * ```
 */
export function findEndCard(bytes: Uint8Array): number {
  for (let at = 0; at + FITS_CARD <= bytes.length; at += FITS_CARD) {
    if (
      bytes[at] === 0x45 && bytes[at + 1] === 0x4e && bytes[at + 2] === 0x44 &&
      bytes[at + 3] === 0x20 && bytes[at + 4] === 0x20 && bytes[at + 5] === 0x20 &&
      bytes[at + 6] === 0x20 && bytes[at + 7] === 0x20
    ) return at + FITS_CARD;
  }
  return -1;
}

function parseValue(
  s: string,
  offset: number,
  keyword: string,
): { value: FitsValue; comment: string } {
  const t = s.trimStart();
  if (t.startsWith("'")) {
    let out = "";
    let i = 1;
    for (;;) {
      if (i >= t.length) {
        throw new FitsFormatError(`Unterminated string value of ${keyword}`, {
          offset,
          element: keyword,
        });
      }
      const c = t[i]!;
      if (c === "'") {
        if (t[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      out += c;
      i++;
    }
    const rest = t.slice(i);
    const slash = rest.indexOf("/");
    return { value: out.trimEnd(), comment: slash >= 0 ? rest.slice(slash + 1).trim() : "" };
  }
  const slash = t.indexOf("/");
  const raw = (slash >= 0 ? t.slice(0, slash) : t).trim();
  const comment = slash >= 0 ? t.slice(slash + 1).trim() : "";
  if (raw === "") return { value: null, comment };
  if (raw === "T") return { value: true, comment };
  if (raw === "F") return { value: false, comment };
  if (/^[-+]?[0-9]+$/.test(raw)) {
    const n = Number(raw);
    return { value: Number.isSafeInteger(n) ? n : BigInt(raw), comment };
  }
  const f = raw.replace(/[dD]/, "E");
  if (/^[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?$/.test(f)) {
    return { value: Number(f), comment };
  }
  // Complex values "(re, im)" and anything else are kept as text.
  return { value: raw, comment };
}

/**
 * Formats one header card (or several, when a long string needs `CONTINUE`).
 * Strings are quoted with `''` escapes; non-ASCII characters become `?`.
 *
 * @param keyword Up to 8 characters.
 * @param value The value; `undefined` writes a commentary card (`COMMENT`, `END`).
 * @param comment An optional comment.
 * @returns 80 × n characters.
 *
 * @example
 * ```ts
 * import { formatCard } from "./fits_header.ts";
 * const c = formatCard("TTYPE1", "source_id", "label");
 * if (c.length !== 80 || !c.startsWith("TTYPE1  = 'source_id'")) throw new Error(c);
 * ```
 */
export function formatCard(keyword: string, value: FitsValue | undefined, comment = ""): string {
  const key = keyword.padEnd(8).slice(0, 8);
  if (value === undefined) {
    return (key + (comment ? "  " + ascii(comment) : "")).padEnd(80).slice(0, 80);
  }
  let v: string;
  if (typeof value === "string") {
    const s = ascii(value).replace(/'/g, "''");
    const quoted = `'${s.padEnd(8)}'`;
    if (quoted.length <= 70) {
      v = quoted.padEnd(20);
    } else {
      // Long-string convention: pieces ending in '&', continued by CONTINUE cards.
      const pieces: string[] = [];
      let rest = ascii(value);
      while (rest.length) {
        let n = Math.min(rest.length, 66);
        // Do not split a doubled quote.
        let piece = rest.slice(0, n).replace(/'/g, "''");
        while (piece.length > 66) {
          n--;
          piece = rest.slice(0, n).replace(/'/g, "''");
        }
        pieces.push(piece);
        rest = rest.slice(n);
      }
      let out = (key + "= " + `'${pieces[0]}&'`).padEnd(80);
      for (let i = 1; i < pieces.length; i++) {
        const last = i === pieces.length - 1;
        out += ("CONTINUE  " + `'${pieces[i]}${last ? "" : "&"}'`).padEnd(80);
      }
      return out;
    }
  } else if (typeof value === "boolean") v = (value ? "T" : "F").padStart(20);
  else if (value === null) v = "".padStart(20);
  else if (typeof value === "bigint") v = value.toString().padStart(20);
  else if (Number.isInteger(value)) v = String(value).padStart(20);
  else {
    let s = String(value).toUpperCase();
    if (!/[.EN]/.test(s)) s += ".0";
    v = s.padStart(20);
  }
  let card = key + "= " + v;
  if (comment) card += " / " + ascii(comment);
  return card.padEnd(80).slice(0, 80);
}

function ascii(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}
