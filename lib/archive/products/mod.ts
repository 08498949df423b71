/**
 * DataLink products of the local archive, deterministic per `source_id`:
 * EPOCH_PHOTOMETRY (G/BP/RP series; periodic for variables, consistent
 * with the `vari_*` tables), XP_SAMPLED, XP_CONTINUOUS, RVS, MCMC_GSPPHOT
 * and MCMC_MSC, with the real archive's columns, units, UCDs and PARAMs;
 * the links rows per source; and the packaging of a `DATA/data` request
 * into files named as the archive names them (INDIVIDUAL, COMBINED, RAW;
 * votable, votable_plain, csv, ecsv, fits).
 *
 * @example
 * ```ts
 * import { availableProducts, makeProduct } from "./mod.ts";
 * const row = { source_id: 9n, has_epoch_photometry: true, phot_g_mean_mag: 16, phot_bp_mean_mag: 16.5, phot_rp_mean_mag: 15.4 };
 * for (const type of availableProducts(row)) {
 *   const t = makeProduct(type, 9n, row);
 *   if (t.numRows === 0) throw new Error(type);
 * }
 * ```
 *
 * @module
 */
export {
  type DataStructure,
  FORMAT_CONTENT_TYPES,
  FORMAT_EXTENSIONS,
  PRODUCT_SOLUTION_IDS,
  PRODUCT_TYPES,
  type ProductFormat,
  ProductRequestError,
  type ProductType,
  type RetrievalType,
  type SourceRow,
} from "./types.ts";
export { availableProducts, makeProduct, type MakeProductOptions } from "./product.ts";
export {
  type LinkRow,
  LINKS_COLUMNS,
  linksFor,
  type LinksOptions,
  linksTable,
  notFoundLink,
} from "./links.ts";
export {
  encodeProduct,
  type PackageEntry,
  packageProducts,
  type PackageRequest,
  type PackageResult,
  ZIP_ORDER,
} from "./package.ts";
export {
  EPOCH_PHOTOMETRY_COLUMNS,
  EPOCH_PHOTOMETRY_RAW_COLUMNS,
  epochPhotometryProduct,
  epochPhotometryRaw,
} from "./epoch_photometry.ts";
export {
  RVS_COLUMNS,
  RVS_WAVELENGTHS,
  rvsProduct,
  XP_CONTINUOUS_COLUMNS,
  XP_N_COEFFICIENTS,
  XP_SAMPLED_COLUMNS,
  XP_SAMPLED_WAVELENGTHS,
  xpContinuousProduct,
  xpSampledProduct,
} from "./spectra.ts";
export { MCMC_GSPPHOT_COLUMNS, MCMC_MSC_COLUMNS, MCMC_SAMPLES, mcmcProduct } from "./mcmc.ts";
export {
  buildProductTable,
  GAIA_TIMESYS,
  type ProductColumn,
  type ProductMeta,
  type ProductValues,
  type TimeSys,
} from "./product_table.ts";
