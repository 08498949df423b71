/**
 * The ESA TAP+ extensions: a session shared by the TAP and data servers
 * (login verified, credentials never leaked), user tables, TableTool column
 * metadata, sharing, events, notifications, job search/deletion and GloTS.
 * The Gaia facade (`lib/gaia`) exposes all of it under astroquery's names.
 *
 * @example Credentials never print
 * ```ts
 * import { Credentials } from "./mod.ts";
 * if (String(new Credentials("ann", "s3cret")).includes("s3cret")) throw new Error();
 * ```
 *
 * @module
 */
export { AuthError, type AuthErrorReason, TapPlusError } from "./errors.ts";
export {
  Credentials,
  type CredentialsOptions,
  type CredentialsWarning,
  readCredentialsFile,
  resolveCredentials,
} from "./credentials.ts";
export {
  type TapPlusRequest,
  type TapPlusServer,
  TapPlusSession,
  type TapPlusSessionOptions,
} from "./session.ts";
export {
  deleteUserTable,
  qualifyUserTable,
  type UploadOutcome,
  uploadTable,
  type UploadTableOptions,
  type UserTableSource,
} from "./user_tables.ts";
export {
  type ColumnChange,
  type ColumnFlag,
  flagName,
  loadColumns,
  renameTable,
  setRaDec,
  updateUserTable,
} from "./table_tool.ts";
export {
  addGroupUser,
  createGroup,
  deleteGroup,
  loadGroup,
  loadGroups,
  loadSharedItems,
  loadUser,
  removeGroupUser,
  shareTable,
  unshareTable,
  updateGroup,
} from "./sharing.ts";
export {
  deleteJobs,
  glotsColumns,
  glotsSearchTables,
  type GlotsTable,
  type JobFilter,
  loadEvents,
  loadNotifications,
  searchJobs,
  waitForEvent,
} from "./services.ts";
export {
  type ArchiveEvent,
  EVENT_TYPES,
  type EventCategory,
  eventCategory,
  type EventName,
  parseEvents,
} from "./events.ts";
export { type ArchiveNotification, parseNotifications } from "./notifications.ts";
export {
  type GroupMember,
  parseShareAnswer,
  parseSharedGroups,
  parseSharedItems,
  type SharedGroup,
  type SharedItem,
  type ShareTarget,
} from "./share_documents.ts";
export { type ArchiveUser, parseUserAnswer } from "./users.ts";
export { parseJobSearch } from "./job_search.ts";
