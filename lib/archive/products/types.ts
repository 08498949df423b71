/**
 * DataLink vocabulary of the local archive: retrieval types, formats,
 * data structures and the real archive's product solution ids.
 *
 * @module
 */

/** DR3 retrieval types the local archive serves. */
export type RetrievalType =
  | "EPOCH_PHOTOMETRY"
  | "XP_SAMPLED"
  | "XP_CONTINUOUS"
  | "RVS"
  | "MCMC_GSPPHOT"
  | "MCMC_MSC"
  | "ALL";

/** A single product type (every retrieval type but `ALL`). */
export type ProductType = Exclude<RetrievalType, "ALL">;

/** Product types in the order the archive lists them (links and `ALL`). */
export const PRODUCT_TYPES: readonly ProductType[] = [
  "EPOCH_PHOTOMETRY",
  "XP_CONTINUOUS",
  "XP_SAMPLED",
  "RVS",
  "MCMC_GSPPHOT",
  "MCMC_MSC",
];

/** Output formats of `DATA/data` (lower case, as astroquery sends them). */
export type ProductFormat = "votable" | "votable_plain" | "csv" | "ecsv" | "fits";

/** `DATA_STRUCTURE` values. */
export type DataStructure = "INDIVIDUAL" | "COMBINED" | "RAW";

/** File extension per format, as in the archive's zip entries. */
export const FORMAT_EXTENSIONS: Readonly<Record<ProductFormat, string>> = {
  votable: "xml",
  votable_plain: "xml",
  csv: "csv",
  ecsv: "ecsv",
  fits: "fits",
};

/** MIME type per format (for links `content_type` and single-file answers). */
export const FORMAT_CONTENT_TYPES: Readonly<Record<ProductFormat, string>> = {
  votable: "application/x-votable+xml",
  votable_plain: "application/x-votable+xml",
  csv: "text/csv",
  ecsv: "text/x-ecsv",
  fits: "application/fits",
};

/** `solution_id` of each product type (XP and MCMC values from real archive files). */
export const PRODUCT_SOLUTION_IDS: Readonly<Record<ProductType, bigint>> = {
  EPOCH_PHOTOMETRY: 369295551293819386n,
  XP_SAMPLED: 4545469030156206081n,
  XP_CONTINUOUS: 4545469030156206081n,
  RVS: 4545469030156206081n,
  MCMC_GSPPHOT: 8013174454512009251n,
  MCMC_MSC: 8013174454512009251n,
};

/** A gaia_source row as the products need it (any subset; values as Arrow returns them). */
export type SourceRow = Record<string, unknown>;

/** A number from a row value (number, bigint, numeric string), or NaN. */
export function num(row: SourceRow | undefined, name: string): number {
  const v = row?.[name];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return NaN;
}

/** A boolean from a row value (`true`, 1, `"true"`, `"T"`). */
export function flag(row: SourceRow | undefined, name: string): boolean {
  const v = row?.[name];
  return v === true || v === 1 || v === 1n ||
    (typeof v === "string" && /^(true|t|1)$/i.test(v.trim()));
}

/** A product request cannot be served: unknown type, format or structure, or a product the source lacks. */
export class ProductRequestError extends RangeError {
  /** An error with the given message (say what was asked and what is accepted). */
  constructor(message: string) {
    super(message);
    this.name = "ProductRequestError";
  }
}
