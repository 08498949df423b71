/**
 * One product of one source: which products a source has, and the
 * product table itself, deterministic per `source_id`.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { epochPhotometryProduct } from "./epoch_photometry.ts";
import { mcmcProduct } from "./mcmc.ts";
import { rvsProduct, xpContinuousProduct, xpSampledProduct } from "./spectra.ts";
import {
  flag,
  PRODUCT_TYPES,
  ProductRequestError,
  type ProductType,
  type RetrievalType,
  type SourceRow,
} from "./types.ts";

const HAS: Readonly<Record<ProductType, string>> = {
  EPOCH_PHOTOMETRY: "has_epoch_photometry",
  XP_CONTINUOUS: "has_xp_continuous",
  XP_SAMPLED: "has_xp_sampled",
  RVS: "has_rvs",
  MCMC_GSPPHOT: "has_mcmc_gspphot",
  MCMC_MSC: "has_mcmc_msc",
};

/**
 * The product types a source has, from its `has_*` flags, in the
 * archive's order.
 *
 * @example
 * ```ts
 * import { availableProducts } from "./product.ts";
 * const p = availableProducts({ source_id: 1n, has_xp_sampled: true, has_mcmc_msc: true });
 * if (p.join() !== "XP_SAMPLED,MCMC_MSC") throw new Error(p.join());
 * ```
 */
export function availableProducts(source: SourceRow): ProductType[] {
  return PRODUCT_TYPES.filter((t) => flag(source, HAS[t]));
}

/** Options of {@linkcode makeProduct}. */
export interface MakeProductOptions {
  /** `VALID_DATA=TRUE`: drop epoch photometry rows with NULL flux or rejected by photometry. @default false */
  validData?: boolean;
}

/**
 * The product table of one source (INDIVIDUAL layout), deterministic per
 * `source_id`. `sourceRow` is the source's gaia_source row (magnitudes,
 * colour, position, GSP-Phot values shape the product).
 *
 * @throws {ProductRequestError} For an unknown type or `ALL`.
 *
 * @example
 * ```ts
 * import { makeProduct } from "./product.ts";
 * const t = makeProduct("XP_SAMPLED", 5n, { ra: 1, dec: 2, phot_g_mean_mag: 14, bp_rp: 1 });
 * if (t.numRows !== 343) throw new Error();
 * ```
 */
export function makeProduct(
  type: Exclude<RetrievalType, "ALL">,
  sourceId: bigint,
  sourceRow: SourceRow | undefined,
  options: MakeProductOptions = {},
): Table {
  switch (type) {
    case "EPOCH_PHOTOMETRY":
      return epochPhotometryProduct(sourceId, sourceRow, options.validData ?? false);
    case "XP_SAMPLED":
      return xpSampledProduct(sourceId, sourceRow);
    case "XP_CONTINUOUS":
      return xpContinuousProduct([{ id: sourceId, row: sourceRow }]);
    case "RVS":
      return rvsProduct(sourceId, sourceRow);
    case "MCMC_GSPPHOT":
    case "MCMC_MSC":
      return mcmcProduct(type, sourceId, sourceRow);
    default:
      throw new ProductRequestError(
        `Unknown product type "${type}"; expected one of ${PRODUCT_TYPES.join(", ")}`,
      );
  }
}
