/**
 * `tap/users?USER=<id>` answers: `<id>:<display name>` when the user exists.
 *
 * @module
 */

/** A user of the archive. */
export interface ArchiveUser {
  /** User id. */
  id: string;
  /** Display name. */
  name: string;
}

/**
 * Parses a `tap/users` answer for `userId`; undefined when the user does not
 * exist (empty body, another id, or several lines).
 *
 * @example
 * ```ts
 * import { parseUserAnswer } from "./users.ts";
 * if (parseUserAnswer("ann:Ann Smith\n", "ann")?.name !== "Ann Smith") throw new Error();
 * if (parseUserAnswer("", "ann") !== undefined) throw new Error();
 * ```
 */
export function parseUserAnswer(text: string, userId: string): ArchiveUser | undefined {
  const lines = text.trim().split(/\r?\n/).filter((l) => l.trim());
  if (lines.length !== 1 || !lines[0].startsWith(`${userId}:`)) return undefined;
  return { id: userId, name: lines[0].slice(userId.length + 1).trim() };
}
