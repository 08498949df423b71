/**
 * The vocabulary of the Gaia DataLink data server in one place: retrieval
 * types, formats, data structures and releases, as typed string-literal
 * unions with the lists that validate them. A later release (DR4:
 * `EPOCH_ASTROMETRY`, `EPOCH_IMAGE`, ...) is added here and nowhere else.
 *
 * @module
 */

/** Retrieval types of Gaia DR3 (DR2 only has `EPOCH_PHOTOMETRY`). */
export const DR3_RETRIEVAL_TYPES = [
  "EPOCH_PHOTOMETRY",
  "XP_SAMPLED",
  "XP_CONTINUOUS",
  "MCMC_GSPPHOT",
  "MCMC_MSC",
  "RVS",
  "ALL",
] as const;

/** Retrieval types announced for Gaia DR4 (astroquery's list; not served by DR3). */
export const DR4_RETRIEVAL_TYPES = [
  "MEAN_SPECTRUM_RVS",
  "MCMC_GSP_PHOT",
  "EPOCH_ASTROMETRY",
  "EPOCH_SPECTRUM_RVS",
  "EPOCH_ASTROMETRY_CROWDED_FIELD",
  "EPOCH_PHOTOMETRY_CROWDED_FIELD",
  "EPOCH_IMAGE",
  "EPOCH_PHOTOMETRY_CCD",
  "EPOCH_SPECTRUM_XP_SSO",
  "EPOCH_SPECTRUM_XP_CROWDING",
  "MEAN_SPECTRUM_XP",
  "EPOCH_SPECTRUM_XP",
  "CROWDED_FIELD_IMAGE",
  "EPOCH_ASTROMETRY_BRIGHT",
  "MEAN_SPECTRUM_XP_GRAVLENS",
  "EPOCH_FLAGS_NSS",
  "EPOCH_PARAMETERS_RVS_SINGLE",
  "EPOCH_PARAMETERS_RVS_DOUBLE",
  "EPOCH_FLAGS_VARI",
  "RESIDUAL_IMAGE",
] as const;

/** Every retrieval type the client knows. */
export const RETRIEVAL_TYPES = [...DR3_RETRIEVAL_TYPES, ...DR4_RETRIEVAL_TYPES] as const;

/** A DataLink `RETRIEVAL_TYPE`. */
export type RetrievalType = typeof RETRIEVAL_TYPES[number];

/** A product type: any retrieval type except the `ALL` shorthand. */
export type ProductType = Exclude<RetrievalType, "ALL">;

/** `FORMAT` values of the data server. */
export const DATALINK_FORMATS = ["votable", "votable_plain", "csv", "ecsv", "fits"] as const;

/** A DataLink `FORMAT` (case-insensitive on the wire; lower case here). */
export type DataLinkFormat = typeof DATALINK_FORMATS[number];

/**
 * `DATA_STRUCTURE` values: `INDIVIDUAL` (one file per source and product),
 * `COMBINED` (one file per product with every source), `RAW` (one row per
 * source, arrays kept as arrays). astroquery 0.4.12 calls the first and last
 * `DATAMODEL_STANDARD` and `DATAMODEL_GAIA`; those aliases are accepted.
 */
export const DATA_STRUCTURES = ["INDIVIDUAL", "COMBINED", "RAW"] as const;

/** A DataLink `DATA_STRUCTURE`. */
export type DataStructure = typeof DATA_STRUCTURES[number];

/** Gaia releases whose products the data server serves, by short name. */
export const RELEASES = {
  DR2: "Gaia DR2",
  EDR3: "Gaia EDR3",
  DR3: "Gaia DR3",
  FPR: "Gaia FPR",
  DR4: "Gaia DR4",
} as const;

/** A Gaia release by short name. */
export type Release = keyof typeof RELEASES;

/** Largest number of source IDs the ESA data server accepts per request. */
export const MAX_IDS_PER_REQUEST = 5000;

/** File extension of each format inside a DataLink ZIP. */
export const FORMAT_EXTENSIONS: Record<DataLinkFormat, string> = {
  votable: "xml",
  votable_plain: "xml",
  csv: "csv",
  ecsv: "ecsv",
  fits: "fits",
};

function pick<T extends string>(
  what: string,
  list: readonly T[],
  value: string,
  aliases: Record<string, T> = {},
): T {
  const v = value.trim();
  const hit = list.find((x) => x.toLowerCase() === v.toLowerCase()) ?? aliases[v.toUpperCase()];
  if (hit === undefined) {
    throw new RangeError(`Unknown ${what} ${JSON.stringify(value)}; use one of ${list.join(", ")}`);
  }
  return hit;
}

/**
 * Checks and normalises a retrieval type (case-insensitive).
 *
 * @example
 * ```ts
 * import { toRetrievalType } from "./retrieval.ts";
 * if (toRetrievalType("epoch_photometry") !== "EPOCH_PHOTOMETRY") throw new Error();
 * ```
 */
export function toRetrievalType(value: string): RetrievalType {
  return pick("retrieval type", RETRIEVAL_TYPES, value);
}

/**
 * Checks and normalises a DataLink format (case-insensitive; `"vot"` and
 * `"votable_gzip"` mean `votable`).
 *
 * @example
 * ```ts
 * import { toDataLinkFormat } from "./retrieval.ts";
 * if (toDataLinkFormat("VOTABLE_PLAIN") !== "votable_plain") throw new Error();
 * ```
 */
export function toDataLinkFormat(value: string): DataLinkFormat {
  return pick("DataLink format", DATALINK_FORMATS, value, {
    VOT: "votable",
    VOTABLE_GZIP: "votable",
  });
}

/**
 * Checks and normalises a data structure, accepting astroquery's
 * `DATAMODEL_STANDARD` / `DATAMODEL_GAIA` names.
 *
 * @example
 * ```ts
 * import { toDataStructure } from "./retrieval.ts";
 * if (toDataStructure("DATAMODEL_GAIA") !== "RAW") throw new Error();
 * ```
 */
export function toDataStructure(value: string): DataStructure {
  return pick("data structure", DATA_STRUCTURES, value, {
    DATAMODEL_STANDARD: "INDIVIDUAL",
    DATAMODEL_GAIA: "RAW",
  });
}

/**
 * The data server's release name (`"Gaia DR3"`) for a short name or a full name.
 *
 * @example
 * ```ts
 * import { releaseName } from "./retrieval.ts";
 * if (releaseName("dr2") !== "Gaia DR2" || releaseName("Gaia DR3") !== "Gaia DR3") throw new Error();
 * ```
 */
export function releaseName(value: string): string {
  const v = value.trim().replace(/^gaia\s*/i, "").toUpperCase();
  const hit = (RELEASES as Record<string, string>)[v];
  if (!hit) {
    throw new RangeError(
      `Unknown Gaia release ${JSON.stringify(value)}; use one of ${
        Object.keys(RELEASES).join(", ")
      }`,
    );
  }
  return hit;
}
