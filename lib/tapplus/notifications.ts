/**
 * Archive notifications (`tap/notification?action=GetNotifications`):
 * `<id>[type: <type>,<subtype>]=<message>` lines.
 *
 * @module
 */

/** One notification of the archive. */
export interface ArchiveNotification {
  /** Notification id, e.g. `1653401204784D`. */
  id: string;
  /** Numeric type (e.g. -100 maintenance), when given. */
  type: number | undefined;
  /** Numeric subtype, when given. */
  subtype: number | undefined;
  /** The text to show. */
  message: string;
}

/**
 * Parses the notification list. A line without `=` is kept with the whole
 * line as message (astroquery calls that "Archive down for maintenance").
 *
 * @example
 * ```ts
 * import { parseNotifications } from "./notifications.ts";
 * const n = parseNotifications("1653401204784D[type: -100,-1]=Gaia dev is under maintenance\n");
 * if (n[0].type !== -100 || n[0].message !== "Gaia dev is under maintenance") throw new Error();
 * ```
 */
export function parseNotifications(text: string): ArchiveNotification[] {
  const out: ArchiveNotification[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq < 0) {
      out.push({ id: "", type: undefined, subtype: undefined, message: line });
      continue;
    }
    const head = line.slice(0, eq);
    const m = /^([^[]*)(?:\[type:\s*(-?\d+)\s*,\s*(-?\d+)\s*\])?\s*$/.exec(head);
    out.push({
      id: (m?.[1] ?? head).trim(),
      type: m?.[2] !== undefined ? Number(m[2]) : undefined,
      subtype: m?.[3] !== undefined ? Number(m[3]) : undefined,
      message: line.slice(eq + 1).trim(),
    });
  }
  return out;
}
