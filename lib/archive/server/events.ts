/**
 * TAP+ events (`tap/event`): what happened in a user's area, as
 * `type=timestamp` lines (timestamps in epoch ms). Kept in memory per user,
 * like the real archive keeps them per session.
 *
 * @module
 */

/** Event type numbers of the Gaia archive (PROTOCOL.md 2.8). */
export const EVENT_TYPES = {
  JOB_CREATED: 100,
  JOB_UPDATED: 101,
  JOB_REMOVED: 102,
  SHARED_ITEM_CREATED: 210,
  SHARED_ITEM_UPDATED: 211,
  SHARED_ITEM_REMOVED: 212,
  SHARED_GROUP_CREATED: 220,
  SHARED_GROUP_UPDATED: 221,
  SHARED_GROUP_REMOVED: 222,
  SHARED_USER_CREATED: 230,
  SHARED_USER_UPDATED: 231,
  SHARED_USER_REMOVED: 232,
  LOGIN: 300,
  LOGOUT: 301,
  DB_QUOTA_UPDATED: 401,
  FILE_QUOTA_UPDATED: 402,
  NOTIFICATION_CREATED: 500,
  NOTIFICATION_REMOVED: 501,
  TABLE_CREATED: 4000,
  TABLE_UPDATED: 4001,
  TABLE_REMOVED: 4002,
} as const;

/**
 * A bounded per-user event log.
 *
 * @example
 * ```ts
 * import { EVENT_TYPES, EventLog } from "./events.ts";
 * const log = new EventLog();
 * log.record("ann", EVENT_TYPES.LOGIN, 1700000000000);
 * if (log.text("ann") !== "300=1700000000000\n") throw new Error(log.text("ann"));
 * if (log.text("bob") !== "") throw new Error("users must not see each other's events");
 * ```
 */
export class EventLog {
  #byUser = new Map<string, { type: number; time: number }[]>();
  #max: number;
  /**
   * An empty log.
   *
   * @param maxPerUser Events kept per user (oldest dropped first).
   */
  constructor(maxPerUser = 1000) {
    this.#max = maxPerUser;
  }

  /** Records an event for a user. */
  record(user: string | undefined, type: number, time = Date.now()): void {
    if (!user) return;
    let list = this.#byUser.get(user);
    if (!list) this.#byUser.set(user, list = []);
    list.push({ type, time });
    if (list.length > this.#max) list.splice(0, list.length - this.#max);
  }

  /** The user's events as text lines, optionally of one type only. */
  text(user: string, type?: number): string {
    const list = (this.#byUser.get(user) ?? []).filter((e) =>
      type === undefined || e.type === type
    );
    return list.map((e) => `${e.type}=${e.time}\n`).join("");
  }
}
