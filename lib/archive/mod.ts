/**
 * The local Gaia archive: an offline stand-in for the ESA Gaia archive (TAP,
 * TAP+, UWS jobs, users, sharing, DataLink) over a deterministic SYNTHETIC
 * catalogue, and its ADQL engine.
 *
 * @example
 * ```ts ignore
 * import { startArchive } from "./mod.ts";
 * const archive = await startArchive({ users: [{ name: "demo", password: "gaia-demo" }] });
 * console.log(archive.url); // http://127.0.0.1:<port>
 * await archive.close();
 * ```
 *
 * @module
 */
export {
  type ArchiveLimits,
  type ArchiveOptions,
  type ArchiveRequestInfo,
  type ArchiveUser,
  defaultArchiveDir,
  isLoopbackHost,
  type RunningArchive,
  startArchive,
} from "./server.ts";
export { DEFAULT_LIMITS } from "./server/limits.ts";
export {
  ArchiveEngine,
  type ColumnDatatype,
  type ColumnDef,
  type QueryContext,
  type QueryOutput,
  type TableDef,
} from "./engine.ts";
