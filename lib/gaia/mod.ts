/**
 * The Gaia facade: `gaia` (the default client: ESA, or `GAIA_ARCHIVE`),
 * `Gaia` (any archive, mirror or local archive), astroquery.gaia's methods
 * in camelCase, DataLink as `gaia.datalink`, TAP+ user space, sharing and
 * events, and `propagate()` for epoch propagation.
 *
 * @example
 * ```ts
 * import { Gaia } from "./mod.ts";
 * const g = new Gaia({ url: "https://gea.esac.esa.int", release: "DR2" });
 * if (g.mainTable !== "gaiadr2.gaia_source") throw new Error();
 * ```
 *
 * @module
 */
export {
  type ConeSearchOptions,
  type CoreLoader,
  type CrossMatchBasicOptions,
  type CrossMatchOptions,
  defaultLocalDataDir,
  Gaia,
  type GaiaOptions,
  type GaiaQueryOptions,
  type LocalArchiveOptions,
  type QueryObjectOptions,
  startLocalArchive,
  SYNC_ROW_LIMIT,
} from "./gaia.ts";
export { archiveSpec, clientFor, gaia } from "./default_client.ts";
export {
  archiveAt,
  type ArchivePreset,
  ESA_ARCHIVE_URL,
  type GaiaRelease,
  MIRRORS,
  RELEASE_INFO,
  type ReleaseInfo,
  releaseInfo,
} from "./archives.ts";
export {
  NameResolutionError,
  parsePosition,
  type PositionInput,
  resolveName,
  SESAME_URL,
  type SkyPosition,
  toPosition,
} from "./coordinates.ts";
export {
  type AstrometricState,
  AU_KM_YR_PER_S,
  julianEpoch,
  propagate,
  type PropagateOptions,
  propagateState,
} from "./propagate.ts";
