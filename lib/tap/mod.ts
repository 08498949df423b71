/**
 * The IVOA TAP 1.1 client: VOSI documents, sync queries, async UWS jobs,
 * uploads and typed errors.
 *
 * @example Parse a UWS job document (no server needed)
 * ```ts
 * import { parseJob } from "./mod.ts";
 * const info = parseJob('<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0"><uws:jobId>a</uws:jobId><uws:phase>QUEUED</uws:phase></uws:job>');
 * if (info.phase !== "QUEUED") throw new Error(info.phase);
 * ```
 *
 * @example Query a service
 * ```ts ignore
 * import { TapService } from "./mod.ts";
 * const tap = new TapService("http://localhost:8080/tap");
 * const result = await tap.query("SELECT TOP 5 * FROM gaiadr3.gaia_source", { format: "votable/b2" });
 * ```
 *
 * @module
 */
export {
  type AdqlErrorPosition,
  findErrorPosition,
  JobTimeoutError,
  TapQueryError,
  type TapQueryErrorOptions,
  UwsJobError,
  type UwsJobErrorOptions,
} from "./errors.ts";
export {
  ACTIVE_PHASES,
  type ErrorSummary,
  FINAL_PHASES,
  type JobInfo,
  jobParameter,
  type JobPhase,
  type JobRef,
  type JobResult,
  normalizePhase,
  parseJob,
  parseJobList,
  parseResultList,
} from "./uws.ts";
export {
  type Availability,
  type ForeignKey,
  type Limit,
  type OutputFormat,
  parseAvailability,
  parseCapabilities,
  parseTableset,
  parseVoDate,
  type TapCapabilities,
  type TapColumn,
  type TapSchema,
  type TapTable,
} from "./vosi.ts";
export {
  FORMAT_ALIASES,
  formatFamily,
  type FormatName,
  type FormatParam,
  resolveFormat,
  setFormatParams,
  type TapDialect,
} from "./formats.ts";
export { type JobErrorReport, type JobResultOptions, UwsJob, type WaitOptions } from "./job.ts";
export {
  checkStatus,
  type OpenedResult,
  openResultResponse,
  type QueryProgress,
  QueryResult,
  type ResultContext,
  ResultStream,
} from "./result.ts";
export {
  type JobListOptions,
  type QueryOptions,
  type QueryRequest,
  type SubmitOptions,
  TapService,
  type TapServiceOptions,
} from "./service.ts";
export {
  encodeUpload,
  type PolarsLike,
  type PreparedUpload,
  prepareUploads,
  recordsToTable,
  type UploadMap,
  type UploadOptions,
  type UploadValue,
} from "./upload.ts";
