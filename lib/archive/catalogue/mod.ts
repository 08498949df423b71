/**
 * The local archive's deterministic synthetic catalogue: table and column
 * definitions (real DR3 names, units, UCDs, descriptions), the generator of
 * `gaiadr3.gaia_source` and its derived tables, and the helpers shared with
 * the DataLink products (HEALPix, coordinates, variability models,
 * simulated epoch photometry). Every table is labelled synthetic.
 *
 * @example
 * ```ts
 * import { generateCatalogue } from "./mod.ts";
 * const tables = generateCatalogue({ rows: 1000 });
 * const gs = tables.get("gaiadr3.gaia_source")!;
 * if (gs.schema.fields.find((f) => f.name === "ra")?.metadata.get("unit") !== "deg") throw new Error("unit");
 * ```
 *
 * @module
 */
export {
  ASTROPHYSICAL_PARAMETERS_COLUMNS,
  CATALOGUE_TABLES,
  type ColumnDatatype,
  type ColumnDef,
  GAIA_SOURCE_COLUMNS,
  GAIA_SOURCE_SOLUTION_ID,
  SYNTHETIC_NOTE,
  type TableDef,
  VARI_CLASSIFIER_RESULT_COLUMNS,
  VARI_ECLIPSING_BINARY_COLUMNS,
  VARI_LONG_PERIOD_VARIABLE_COLUMNS,
  VARI_RRLYRAE_COLUMNS,
  VARI_SUMMARY_COLUMNS,
} from "./columns.ts";
export { AP_SOLUTION_ID, deriveTables, generateCatalogue, VARI_SOLUTION_ID } from "./catalogue.ts";
export {
  BATCH_ROWS,
  type CatalogueOptions,
  type ClusterDef,
  CLUSTERS,
  DEFAULT_ROWS,
  DEFAULT_SEED,
  generateGaiaSourceBatches,
} from "./gaia_source.ts";
export {
  arrowTypeOf,
  ColumnBuffers,
  fieldOf,
  schemaOf,
  type StringColumn,
} from "./arrow_columns.ts";
export { ang2pixNest, SOURCE_ID_PIXEL_FACTOR, sourceIdPixel } from "./healpix.ts";
export {
  galacticToIcrs,
  icrsToEcliptic,
  icrsToGalactic,
  type LonLat,
  separationDeg,
} from "./coordinates.ts";
export {
  deltaMag,
  VARI_CLASS_NAMES,
  VARI_CODE,
  variabilityCode,
  type VariabilityModel,
  variabilityOf,
} from "./variability.ts";
export {
  DR3_TIME_RANGE,
  epochMagError,
  type EpochSeries,
  simulateEpochPhotometry,
  ZERO_POINTS,
} from "./epoch_photometry.ts";
export { Rng, seedFromId } from "./prng.ts";
export {
  gMeanMagError,
  gMinusGrvs,
  gMinusRp,
  msAbsMag,
  msColour,
  parallaxError,
  radialVelocityError,
  teffFromColour,
  xpMeanMagError,
} from "./stellar.ts";
export { catalogueFingerprint } from "./fingerprint.ts";
