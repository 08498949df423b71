/**
 * One entry point for the tidy form of any product type.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { epochPhotometry } from "./epoch_photometry.ts";
import { mcmcSamples } from "./mcmc.ts";
import { sampledSpectrum } from "./spectrum.ts";
import { xpContinuous } from "./xp_continuous.ts";

/**
 * Returns the tidy form of a product: epoch photometry one row per
 * observation, XP sampled and RVS one row per sample, XP continuous one row
 * per band with the covariance, MCMC one row per sample; for product types
 * without a tidy form (DR4 types), the table itself with a `source_id`
 * column guaranteed.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { tidyProduct } from "./tidy.ts";
 * const t = tidyProduct("MCMC_MSC", tableFromArrays({ teff1: new Float32Array([5700, 5800]) }), 1n);
 * if (t.getChild("source_id")!.get(0) !== 1n || t.getChild("sample")!.get(1) !== 1) throw new Error();
 * ```
 */
export function tidyProduct(type: string, table: Table, sourceId?: bigint): Table {
  switch (type) {
    case "EPOCH_PHOTOMETRY":
      return epochPhotometry(table, sourceId);
    case "XP_SAMPLED":
      return sampledSpectrum(table, "XP_SAMPLED", sourceId);
    case "RVS":
    case "MEAN_SPECTRUM_RVS":
      return sampledSpectrum(table, "RVS", sourceId);
    case "XP_CONTINUOUS":
      return xpContinuous(table, sourceId);
    default:
      return mcmcSamples(table, sourceId);
  }
}
