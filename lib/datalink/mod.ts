/**
 * DataLink: links and Gaia products (epoch photometry, XP and RVS spectra,
 * MCMC samples) fetched, unpacked in memory and typed as tidy Arrow tables.
 *
 * @example Reading a product from a DataLink ZIP
 * ```ts
 * import { zipSync } from "fflate";
 * import { ZipArchive } from "./mod.ts";
 * const zip = new ZipArchive(zipSync({ "RVS-Gaia DR3 1.csv": new TextEncoder().encode("wavelength,flux\n846,1\n") }));
 * if (zip.entries.length !== 1) throw new Error();
 * ```
 *
 * @module
 */
export * from "./retrieval.ts";
export { DataLinkError, ZipFormatError } from "./errors.ts";
export {
  DEFAULT_MAX_UNPACKED_BYTES,
  isZip,
  ZipArchive,
  type ZipEntryInfo,
  type ZipLimits,
} from "./zip.ts";
export { crc32 } from "./crc32.ts";
export {
  GAIA_TIME_ORIGIN_JD,
  gaiaTimeToDate,
  gaiaTimeToUnixMs,
  unixMsToGaiaTime,
} from "./gaia_time.ts";
export { EPOCH_PHOTOMETRY_SCHEMA, epochPhotometry } from "./epoch_photometry.ts";
export { RVS_WAVELENGTHS, sampledSpectrum, XP_SAMPLED_WAVELENGTHS } from "./spectrum.ts";
export {
  correlationMatrix,
  covarianceMatrix,
  XP_CONTINUOUS_SCHEMA,
  xpContinuous,
} from "./xp_continuous.ts";
export { mcmcSamples } from "./mcmc.ts";
export { tidyProduct } from "./tidy.ts";
export { MissingColumnError } from "./columns.ts";
export { parseProductName, type ProductName } from "./product_name.ts";
export {
  DataLinkProduct,
  type DataLinkProductInit,
  type DataLinkProductViewInit,
} from "./product.ts";
export { ProductSegment } from "./combined.ts";
export { DataLinkProducts } from "./products.ts";
export { DataLinkManifest, type ManifestEntry, type ManifestStatus } from "./manifest.ts";
export { entryFormat, readEntry } from "./read_entry.ts";
export { type UnpackOptions, unpackProducts } from "./unpack.ts";
export {
  type DataLinkId,
  type DataLinkIds,
  type HasTable,
  normaliseIds,
  type SeriesLike,
} from "./ids.ts";
export { type DataLinkLink, DataLinkLinks, DataLinkService, linksFromTable } from "./links.ts";
export {
  type DataLinkLoadOptions,
  type DataLinkProgress,
  GaiaDataLink,
  type GaiaDataLinkOptions,
} from "./gaia_datalink.ts";
