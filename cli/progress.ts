/**
 * Progress and summaries on stderr for the command-line tools: a redrawn
 * bar while bytes arrive (the terminal mode of `lib/notebook/progress.ts`,
 * silent with `--quiet` or when stderr is not a terminal) and the one-line
 * throughput summary (`rows, columns, seconds, MB/s`) the commands print.
 *
 * @module
 */
import { formatBytes, formatCount } from "../lib/notebook/format.ts";
import { type Progress, progress } from "../lib/notebook/progress.ts";

/** Options of {@linkcode cliProgress}. */
export interface CliProgressOptions {
  /** No bar at all. @default false */
  quiet?: boolean;
  /** What is counted. @default "bytes" */
  unit?: "bytes" | "rows" | "sources" | "items";
  /** Units expected, when known (e.g. a file's size). */
  total?: number;
}

/**
 * Starts a stderr progress bar: drawn only when stderr is a terminal and not
 * `quiet` (so CI logs and pipes stay clean).
 *
 * @example
 * ```ts
 * import { cliProgress } from "./progress.ts";
 * const bar = cliProgress("Reading", { quiet: true, total: 100 });
 * bar.update({ done: 50 });
 * await bar.finish();
 * ```
 */
export function cliProgress(label: string, options: CliProgressOptions = {}): Progress {
  let tty = false;
  try {
    tty = Deno.stderr.isTerminal();
  } catch { /* no stderr */ }
  return progress(label, {
    mode: options.quiet || !tty ? "silent" : "terminal",
    unit: options.unit ?? "bytes",
    ...(options.total !== undefined ? { total: options.total } : {}),
  });
}

/** What {@linkcode summaryLine} reports. */
export interface TransferSummary {
  /** Rows read or written. */
  rows: number;
  /** Columns. */
  columns: number;
  /** Bytes read (decompressed). */
  bytes: number;
  /** Elapsed milliseconds. */
  ms: number;
}

/**
 * Formats `rows × columns, size in seconds (MB/s)` for stderr.
 *
 * @example
 * ```ts
 * import { summaryLine } from "./progress.ts";
 * const s = summaryLine({ rows: 200000, columns: 25, bytes: 59_506_251, ms: 1000 });
 * if (!s.includes("200 000 rows") || !s.includes("59.5 MB/s")) throw new Error(s);
 * ```
 */
export function summaryLine(s: TransferSummary): string {
  const seconds = s.ms / 1000;
  const rate = seconds > 0 ? (s.bytes / 1e6 / seconds).toFixed(1) : "∞";
  return `${formatCount(s.rows)} rows × ${s.columns} columns, ${formatBytes(s.bytes)} in ${
    seconds.toFixed(2)
  } s (${rate} MB/s)`;
}
