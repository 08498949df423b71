/**
 * TAP+ events (`tap/event`): what happened in a user's area, as
 * `type=timestamp` lines (timestamps in epoch ms). Kept in memory per user,
 * like the real archive keeps them per session.
 *
 * @module
 */

/**
 * Event type numbers of the Gaia archive (PROTOCOL.md 2.8): one table, shared
 * with the client that parses `tap/event` so the two cannot drift apart.
 */
export { EVENT_TYPES } from "../../tapplus/events.ts";

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
