/**
 * Escaping and value formatting shared by every display: nothing from the
 * data or a server reaches HTML without {@linkcode escapeHtml}.
 *
 * @module
 */
import { type DataType, Type } from "apache-arrow";

/** A Jupyter MIME bundle: `text/plain` always, `text/html` for rich front ends. */
export interface MimeBundle {
  /** Plain text, for terminals and as the fallback. */
  "text/plain": string;
  /** HTML, for notebooks. */
  "text/html"?: string;
  /** Any other MIME type (e.g. `image/svg+xml`). */
  [mime: string]: string | undefined;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @param s Any text.
 * @returns The text with `& < > " '` escaped.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./format.ts";
 * if (escapeHtml(`<img src=x onerror="alert(1)">`) !== "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") {
 *   throw new Error("not escaped");
 * }
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/** Formats a count with spaces between thousands: `1 234 567`. */
export function formatCount(n: number | bigint): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 }).replace(/,/g, " ");
}

/** Formats a byte count: `512 B`, `1.5 kB`, `12.3 MB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "?";
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1000, i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[i]}`;
}

/** Formats a duration in milliseconds: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 04 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * Formats one table cell for display: floats to at most 7 significant
 * digits, BigInt with all digits, timestamps as ISO dates, arrays
 * shortened, long text cut at `maxChars`. `null` for nulls (callers style it).
 *
 * @param v The cell value as Arrow or a record gives it.
 * @param type The Arrow type, when known (to show timestamps as dates).
 * @param maxChars Longest text kept. @default 80
 * @returns The text, or `null` for a null cell.
 */
export function formatCell(v: unknown, type?: DataType, maxChars = 80): string | null {
  if (v === null || v === undefined) return null;
  if (
    type && (type.typeId === Type.Timestamp || type.typeId === Type.Date) && typeof v === "number"
  ) {
    return new Date(v).toISOString().replace("T", " ").replace(/\.000Z$/, "Z");
  }
  if (typeof v === "number") return formatFloat(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return v.length > maxChars ? v.slice(0, maxChars - 1) + "…" : v;
  if (v instanceof Date) return v.toISOString();
  const arr = ArrayBuffer.isView(v) || Array.isArray(v)
    ? Array.from(v as ArrayLike<unknown>)
    : typeof (v as { toArray?: unknown }).toArray === "function"
    ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray())
    : undefined;
  if (arr) {
    const items = arr.slice(0, 4).map((x) => formatCell(x) ?? "null");
    const text = `[${items.join(", ")}${arr.length > 4 ? `, … ${arr.length} values` : ""}]`;
    return text.length > maxChars ? text.slice(0, maxChars - 1) + "…" : text;
  }
  const s = String(v);
  return s.length > maxChars ? s.slice(0, maxChars - 1) + "…" : s;
}

/** A float with at most 7 significant digits, exponent form for very large or small values. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e9 || a < 1e-4)) return x.toExponential(6).replace(/\.?0+e/, "e");
  return String(Number(x.toPrecision(7)));
}
