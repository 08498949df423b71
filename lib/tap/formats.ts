/**
 * Output formats: the short names users write (`votable`, `votable/td`,
 * `csv`, the Gaia archive's `votable_plain`, ...) and what each kind of
 * service expects on the wire, in `FORMAT`, `RESPONSEFORMAT` or both.
 *
 * @module
 */

/** How a service names formats: IVOA TAP 1.1 (DaCHS, most services) or the ESA Gaia archive. */
export type TapDialect = "ivoa" | "gaia";

/** Which request parameter carries the format. */
export type FormatParam = "FORMAT" | "RESPONSEFORMAT" | "both";

/** Short format names understood everywhere in deno-gaia. */
export type FormatName =
  | "votable"
  | "votable/td"
  | "votable/b2"
  | "votable_plain"
  | "votable_gzip"
  | "csv"
  | "tsv"
  | "json"
  | "fits"
  | "ecsv";

const VOT = "application/x-votable+xml";

/**
 * Wire values per dialect. A value not listed here is sent unchanged.
 *
 * @example
 * ```ts
 * import { FORMAT_ALIASES } from "./formats.ts";
 * if (FORMAT_ALIASES.gaia["votable/td"] !== "votable_plain") throw new Error();
 * ```
 */
export const FORMAT_ALIASES: Readonly<Record<TapDialect, Readonly<Record<string, string>>>> = {
  ivoa: {
    "votable": "votable",
    "votable/td": `${VOT};serialization=TABLEDATA`,
    "votable/b2": `${VOT};serialization=BINARY2`,
    "votable_plain": `${VOT};serialization=TABLEDATA`,
    "votable_gzip": "votable",
    "csv": "csv",
    "tsv": "tsv",
    "json": "json",
    "fits": "fits",
    "ecsv": "ecsv",
  },
  gaia: {
    "votable": "votable",
    "votable/td": "votable_plain",
    "votable/b2": "votable",
    "votable_plain": "votable_plain",
    "votable_gzip": "votable_gzip",
    "csv": "csv",
    "tsv": "csv",
    "json": "json",
    "fits": "fits",
    "ecsv": "ecsv",
  },
};

/**
 * The reader family to expect for a format name or MIME type.
 *
 * @example
 * ```ts
 * import { formatFamily } from "./formats.ts";
 * if (formatFamily("application/x-votable+xml;serialization=BINARY2") !== "votable" || formatFamily("votable_plain") !== "votable") throw new Error();
 * ```
 */
export function formatFamily(
  format: string,
): "votable" | "csv" | "tsv" | "json" | "fits" | "ecsv" | undefined {
  const f = format.toLowerCase();
  if (f.includes("votable") || f === "text/xml" || f === "application/xml") return "votable";
  if (f.includes("ecsv")) return "ecsv";
  if (f.includes("tab-separated") || f === "tsv") return "tsv";
  if (f.includes("csv")) return "csv";
  if (f.includes("json")) return "json";
  if (f.includes("fits")) return "fits";
  return undefined;
}

/**
 * The wire value for a format: a short name mapped for the dialect (or by
 * the service's own `overrides`), a MIME type passed through.
 *
 * @example
 * ```ts
 * import { resolveFormat } from "./formats.ts";
 * if (resolveFormat("votable/td", "gaia") !== "votable_plain") throw new Error();
 * if (resolveFormat("votable/b2", "ivoa") !== "application/x-votable+xml;serialization=BINARY2") throw new Error();
 * if (resolveFormat("text/csv", "ivoa") !== "text/csv") throw new Error();
 * ```
 */
export function resolveFormat(
  format: string,
  dialect: TapDialect,
  overrides: Record<string, string> = {},
): string {
  const key = format.trim();
  if (!key) throw new TypeError("The output format must not be empty");
  if (Object.hasOwn(overrides, key)) return overrides[key]!;
  const lower = key.toLowerCase();
  const table = FORMAT_ALIASES[dialect];
  if (Object.hasOwn(table, lower)) return table[lower]!;
  return key;
}

/**
 * Adds the format parameter(s) to a request's parameters.
 *
 * @example
 * ```ts
 * import { setFormatParams } from "./formats.ts";
 * const p = new URLSearchParams();
 * setFormatParams(p, "csv", "both");
 * if (p.get("FORMAT") !== "csv" || p.get("RESPONSEFORMAT") !== "csv") throw new Error(p.toString());
 * ```
 */
export function setFormatParams(
  params: { set(name: string, value: string): void },
  wireValue: string,
  param: FormatParam,
): void {
  if (param === "FORMAT" || param === "both") params.set("FORMAT", wireValue);
  if (param === "RESPONSEFORMAT" || param === "both") params.set("RESPONSEFORMAT", wireValue);
}
