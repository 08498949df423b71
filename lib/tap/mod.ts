/**
 * The IVOA TAP 1.1 client: VOSI documents, sync queries, async UWS jobs,
 * uploads and typed errors.
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
