/**
 * The `adql` tagged template: builds ADQL text in which every interpolated
 * value becomes a safe literal (or a quoted identifier, or a nested
 * fragment), so user input can never change the structure of a query.
 *
 * @module
 */

/**
 * A piece of ADQL text built safely (by {@linkcode adql} or the geometry helpers).
 *
 * @example
 * ```ts
 * import { adql, AdqlFragment } from "./template.ts";
 * const f = adql`ra > ${10}`;
 * if (!(f instanceof AdqlFragment) || `${f}` !== "ra > 10") throw new Error();
 * ```
 */
export class AdqlFragment {
  /** The ADQL text. */
  readonly text: string;
  /** @internal use {@linkcode adql} */
  constructor(text: string) {
    this.text = text;
  }
  /** The ADQL text. */
  toString(): string {
    return this.text;
  }
  /** JSON form: the ADQL text. */
  toJSON(): string {
    return this.text;
  }
}

/** A regular ADQL identifier that needs no quotes (lower case, not reserved). */
const REGULAR = /^[a-z][a-z0-9_]*$/;

/**
 * ADQL 2.1 and SQL reserved words that must be quoted when used as names.
 * `dec` is left out on purpose: every TAP service (DaCHS, the Gaia archive)
 * accepts it unquoted, as the universal declination column.
 */
const RESERVED = new Set(
  ("absolute action add all allocate alter and any are as asc assertion at authorization avg begin between bit " +
    "bit_length both by cascade cascaded case cast catalog char character character_length char_length check close " +
    "coalesce collate collation column commit connect connection constraint constraints continue convert corresponding " +
    "count create cross current current_date current_time current_timestamp current_user cursor date day deallocate " +
    "decimal declare default deferrable deferred delete desc describe descriptor diagnostics disconnect distinct domain " +
    "double drop else end end-exec escape except exception exec execute exists external extract false fetch first float " +
    "for foreign found from full get global go goto grant group having hour identity immediate in indicator initially " +
    "inner input insensitive insert int integer intersect interval into is isolation join key language last leading " +
    "left level like local lower match max min minute module month names national natural nchar next no not null " +
    "nullif numeric octet_length of offset on only open option or order outer output overlaps pad partial position " +
    "precision prepare preserve primary prior privileges procedure public read real references relative restrict " +
    "revoke right rollback rows schema scroll second section select session session_user set size smallint some " +
    "space sql sqlcode sqlerror sqlstate substring sum system_user table temporary then time timestamp " +
    "timezone_hour timezone_minute to top trailing transaction translate translation trim true union unique unknown " +
    "update upper usage user using value values varchar varying view when whenever where with work write year zone " +
    "abs acos area asin atan atan2 box ceiling centroid circle contains coord1 coord2 coordsys cos cot degrees " +
    "distance exp floor ilike intersects log log10 mod pi point polygon power radians region rand round sin sqrt tan " +
    "truncate").split(" "),
);

/**
 * A (possibly schema-qualified) identifier: each part is quoted with `"..."`
 * (doubling inner quotes) unless it is a regular lower-case, non-reserved name.
 *
 * @param parts one name, or schema and table (and column) parts; a single
 *   string with dots is split on them (use {@linkcode quotedIdentifier} for a
 *   name that really contains a dot)
 *
 * @example
 * ```ts
 * import { identifier } from "./template.ts";
 * if (identifier("gaiadr3.gaia_source").text !== "gaiadr3.gaia_source") throw new Error();
 * if (identifier("Phot G Mean").text !== '"Phot G Mean"') throw new Error();
 * if (identifier("size").text !== '"size"') throw new Error("reserved word");
 * ```
 */
export function identifier(...parts: string[]): AdqlFragment {
  if (parts.length === 0) throw new TypeError("identifier() needs at least one name");
  const names = parts.length === 1 ? parts[0]!.split(".") : parts;
  return new AdqlFragment(
    names.map((p) => {
      if (typeof p !== "string" || p === "") {
        throw new TypeError(`An ADQL identifier must be a non-empty string, got ${describe(p)}`);
      }
      return REGULAR.test(p) && !RESERVED.has(p) ? p : quote(p);
    }).join("."),
  );
}

/**
 * One identifier, always quoted (case-sensitive, may contain any character
 * but NUL).
 *
 * @example
 * ```ts
 * import { quotedIdentifier } from "./template.ts";
 * if (quotedIdentifier('a"b').text !== '"a""b"') throw new Error();
 * ```
 */
export function quotedIdentifier(name: string): AdqlFragment {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`An ADQL identifier must be a non-empty string, got ${describe(name)}`);
  }
  return new AdqlFragment(quote(name));
}

function quote(name: string): string {
  if (name.includes("\0")) {
    throw new TypeError(`An ADQL identifier cannot contain NUL: ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object (${Object.prototype.toString.call(v)})`;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
    return `${typeof v} ${String(v)}`;
  }
  return typeof v;
}

/**
 * Turns one value into an ADQL literal: finite numbers, bigints, strings
 * (single quotes doubled), `Date`s (ISO 8601 string literal) and fragments.
 * Anything else is a `TypeError`.
 *
 * @example
 * ```ts
 * import { literal } from "./template.ts";
 * if (literal("O'Brien").text !== "'O''Brien'") throw new Error();
 * if (literal(5929246508730155392n).text !== "5929246508730155392") throw new Error();
 * ```
 */
export function literal(value: unknown, where = "value"): AdqlFragment {
  if (value instanceof AdqlFragment) return value;
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(
          `Cannot put ${value} into ADQL (${where}): only finite numbers have a literal`,
        );
      }
      return new AdqlFragment(Object.is(value, -0) ? "0" : String(value));
    case "bigint":
      return new AdqlFragment(value.toString());
    case "string":
      if (value.includes("\0")) {
        throw new TypeError(`Cannot put a string containing NUL into ADQL (${where})`);
      }
      return new AdqlFragment(`'${value.replaceAll("'", "''")}'`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new TypeError(`Cannot put an invalid Date into ADQL (${where})`);
    }
    return new AdqlFragment(`'${value.toISOString()}'`);
  }
  throw new TypeError(
    `Cannot put ${
      describe(value)
    } into ADQL (${where}): use a number, bigint, string, Date, array (IN list), ` +
      "adql.id() for names or a nested adql`` fragment" +
      (typeof value === "boolean"
        ? " (ADQL has no boolean literal: write 1/0 or 'true'/'false' as the column needs)"
        : ""),
  );
}

function interpolate(value: unknown, index: number): string {
  const where = `value #${index + 1}`;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new TypeError(
        `Cannot put an empty array into ADQL (${where}): an IN list needs at least one value`,
      );
    }
    return `(${value.map((v, i) => literal(v, `${where}[${i}]`).text).join(", ")})`;
  }
  return literal(value, where).text;
}

/** The `adql` tag with its helpers. */
export interface AdqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): AdqlFragment;
  /** A (possibly qualified) identifier, quoted when needed: {@linkcode identifier}. */
  id: typeof identifier;
  /** An always-quoted identifier: {@linkcode quotedIdentifier}. */
  quoted: typeof quotedIdentifier;
  /** One literal: {@linkcode literal}. */
  literal: typeof literal;
  /** Joins fragments with a separator (e.g. a column list). */
  join: (parts: Array<AdqlFragment | string>, separator?: string) => AdqlFragment;
}

/**
 * Tagged template for ADQL: every `${value}` becomes a safe literal.
 * Numbers must be finite; bigints stay exact; strings are quoted with `''`
 * escaping; arrays become `(a, b, c)` IN lists; `Date`s become ISO string
 * literals; `adql.id("name")` inserts a quoted identifier; a nested
 * `adql\`...\`` fragment is inserted as ADQL. Anything else (objects,
 * booleans, `null`, `NaN`) throws a `TypeError`.
 *
 * @example Values become literals
 * ```ts
 * import { adql } from "./template.ts";
 * const name = "x' OR 1=1 --";
 * const q = adql`SELECT * FROM ${adql.id("gaiadr3.gaia_source")} WHERE designation = ${name} AND source_id IN ${[1n, 2n]}`;
 * if (q.text !== "SELECT * FROM gaiadr3.gaia_source WHERE designation = 'x'' OR 1=1 --' AND source_id IN (1, 2)") {
 *   throw new Error(q.text);
 * }
 * ```
 *
 * @example Anything else is refused
 * ```ts
 * import { adql } from "./template.ts";
 * let failed = false;
 * try { adql`SELECT ${{ evil: true }}`; } catch (e) { failed = e instanceof TypeError; }
 * if (!failed) throw new Error("objects must be refused");
 * ```
 */
export const adql: AdqlTag = Object.assign(
  (strings: TemplateStringsArray, ...values: unknown[]): AdqlFragment => {
    if (!strings || !Array.isArray(strings.raw)) {
      throw new TypeError("adql must be used as a tagged template: adql`SELECT ...`");
    }
    let out = strings[0]!;
    for (let i = 0; i < values.length; i++) out += interpolate(values[i], i) + strings[i + 1]!;
    return new AdqlFragment(out);
  },
  {
    id: identifier,
    quoted: quotedIdentifier,
    literal: (value: unknown) => literal(value),
    join: (parts: Array<AdqlFragment | string>, separator = ", "): AdqlFragment =>
      new AdqlFragment(
        parts.map((p) => (p instanceof AdqlFragment ? p.text : identifier(p).text)).join(separator),
      ),
  },
);
