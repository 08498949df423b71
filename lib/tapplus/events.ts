/**
 * TAP+ events (`tap/event`): `type=timestamp` lines, typed by their number.
 *
 * @module
 */

/** The numeric event types of the ESA archive, by name. */
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

/** An event name. */
export type EventName = keyof typeof EVENT_TYPES;

/** The family an event belongs to. */
export type EventCategory =
  | "job"
  | "sharing"
  | "login"
  | "quota"
  | "notification"
  | "table"
  | "unknown";

/** One event. */
export interface ArchiveEvent {
  /** Numeric type as sent. */
  type: number;
  /** Its name, e.g. `JOB_CREATED`; undefined for a number this client does not know. */
  name: EventName | undefined;
  /** The event's family. */
  category: EventCategory;
  /** When it happened. */
  time: Date;
}

const NAMES = new Map<number, EventName>(
  (Object.entries(EVENT_TYPES) as Array<[EventName, number]>).map(([k, v]) => [v, k]),
);

/** The family of a numeric event type. */
export function eventCategory(type: number): EventCategory {
  if (type >= 100 && type < 200) return "job";
  if (type >= 200 && type < 300) return "sharing";
  if (type === 300 || type === 301) return "login";
  if (type >= 400 && type < 500) return "quota";
  if (type >= 500 && type < 600) return "notification";
  if (type >= 4000 && type < 5000) return "table";
  return "unknown";
}

/**
 * Parses a `tap/event` answer: one `type=timestamp` per line (epoch ms).
 * Blank lines are skipped; any other line is an error that quotes it.
 *
 * @throws {SyntaxError} on a line that is not `number=number`
 *
 * @example
 * ```ts
 * import { parseEvents } from "./events.ts";
 * const ev = parseEvents("100=1700000000000\n4000=1700000000500\n");
 * if (ev[0].name !== "JOB_CREATED" || ev[1].category !== "table") throw new Error();
 * if (ev[1].time.getTime() !== 1700000000500) throw new Error();
 * ```
 */
export function parseEvents(text: string): ArchiveEvent[] {
  const out: ArchiveEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const m = /^(\d+)\s*=\s*(-?\d+)$/.exec(line);
    if (!m) {
      throw new SyntaxError(
        `Cannot read event line ${i + 1}: ${
          JSON.stringify(line.slice(0, 100))
        } (expected "type=timestamp")`,
      );
    }
    const type = Number(m[1]);
    out.push({
      type,
      name: NAMES.get(type),
      category: eventCategory(type),
      time: new Date(Number(m[2])),
    });
  }
  return out;
}
