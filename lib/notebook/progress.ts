/**
 * Progress for long work: downloads (bytes, rows), async job waits (phase,
 * elapsed time) and DataLink batches (sources done). In Jupyter one display
 * is updated in place (`display_id`); in a terminal a bar is redrawn on
 * stderr; elsewhere (CI logs, pipes) it stays silent unless asked.
 *
 * The library itself never prints: pass `progress.callback` (or one of the
 * adapters) as the `onProgress` option of a query or a DataLink load.
 *
 * @module
 */
import { escapeHtml, formatBytes, formatCount, formatDuration, type MimeBundle } from "./format.ts";

/** Where progress goes: `auto` picks Jupyter, else a terminal on stderr, else nothing. */
export type ProgressMode = "auto" | "jupyter" | "terminal" | "silent";

/** What is being counted. */
export type ProgressUnit = "bytes" | "rows" | "sources" | "items";

/** One progress report; every field is optional and sticky (a later update keeps earlier values). */
export interface ProgressState {
  /** Units done (bytes, rows, sources or items, see `unit`). */
  done?: number;
  /** Units expected, when known. */
  total?: number | undefined;
  /** A phase or stage, e.g. `QUEUED`, `EXECUTING`, `downloading`. */
  phase?: string | undefined;
  /** Rows decoded so far (shown next to bytes). */
  rows?: number;
  /** Bytes received so far (shown next to rows or sources). */
  bytes?: number;
  /** IDs or items that failed so far. */
  failed?: number;
  /** A short free text. */
  message?: string | undefined;
}

/** The subset of `Deno.jupyter` used here (replaceable in tests). */
export interface JupyterDisplayApi {
  /** Shows a MIME bundle, or replaces the display `display_id` when `update` is true. */
  display(
    bundle: Record<string, unknown>,
    options: { raw: boolean; update?: boolean; display_id?: string },
  ): Promise<void> | void;
}

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** What is running, e.g. `Downloading result`. @default "Working" */
  label?: string;
  /** Where to show it. @default "auto" */
  mode?: ProgressMode;
  /** What `done`/`total` count. @default "items" */
  unit?: ProgressUnit;
  /** Units expected, when known at the start. */
  total?: number;
  /** Fewest milliseconds between two redraws (the final state is always drawn). @default 150 */
  minInterval?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Jupyter display API, for tests. @default Deno.jupyter in a kernel */
  jupyter?: JupyterDisplayApi;
  /** Terminal writer, for tests. @default stderr */
  write?: (text: string) => void;
  /** Width of the text bar in characters. @default 24 */
  barWidth?: number;
}

let counter = 0;

/** The Deno Jupyter API when running in a kernel, else undefined (it throws outside `deno jupyter`). */
export function jupyterApi(): JupyterDisplayApi | undefined {
  try {
    const j = (Deno as unknown as { jupyter?: JupyterDisplayApi }).jupyter;
    return j && typeof j.display === "function" ? j : undefined;
  } catch {
    return undefined;
  }
}

function stderrIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/**
 * A progress display. Call {@linkcode Progress.update} as work advances
 * (cheap: redraws are throttled), then {@linkcode Progress.finish} or
 * {@linkcode Progress.fail}.
 *
 * @example Text output through a custom writer
 * ```ts
 * import { Progress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = new Progress({ label: "Download", unit: "bytes", total: 2000, mode: "terminal", minInterval: 0, write: (t) => lines.push(t) });
 * p.update({ done: 1000 });
 * await p.finish();
 * if (!lines.some((l) => l.includes("50%")) || !lines.some((l) => l.endsWith("done"))) throw new Error(lines.join("|"));
 * ```
 */
export class Progress {
  /** What is running. */
  readonly label: string;
  /** Where the progress goes, once `auto` is resolved. */
  readonly mode: "jupyter" | "terminal" | "silent";
  /** What `done`/`total` count. */
  readonly unit: ProgressUnit;
  #state: ProgressState = {};
  #started: number;
  #last = -Infinity;
  #now: () => number;
  #minInterval: number;
  #jupyter: JupyterDisplayApi | undefined;
  #write: (text: string) => void;
  #id = `deno-gaia-progress-${Date.now().toString(36)}-${++counter}`;
  #shown = false;
  #chain: Promise<void> = Promise.resolve();
  #ended: "done" | "failed" | undefined;
  #error: string | undefined;
  #barWidth: number;
  #lastLineLength = 0;

  /** Creates a progress display (nothing is shown until the first update). */
  constructor(options: ProgressOptions = {}) {
    this.label = options.label ?? "Working";
    this.unit = options.unit ?? "items";
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#minInterval = options.minInterval ?? 150;
    this.#barWidth = options.barWidth ?? 24;
    const mode = options.mode ?? "auto";
    if (!["auto", "jupyter", "terminal", "silent"].includes(mode)) {
      throw new RangeError(
        `Progress: mode must be "auto", "jupyter", "terminal" or "silent", got ${
          JSON.stringify(mode)
        }`,
      );
    }
    this.#jupyter = options.jupyter ??
      (mode === "auto" || mode === "jupyter" ? jupyterApi() : undefined);
    if (mode === "jupyter" && !this.#jupyter) {
      throw new TypeError(
        'Progress: mode "jupyter" needs the Deno Jupyter kernel (Deno.jupyter is not available here)',
      );
    }
    this.#write = options.write ?? ((t) => Deno.stderr.writeSync(new TextEncoder().encode(t)));
    this.mode = mode === "auto"
      ? (this.#jupyter ? "jupyter" : options.write || stderrIsTerminal() ? "terminal" : "silent")
      : mode;
    if (options.total !== undefined) this.#state.total = options.total;
  }

  /** The state shown, merged from every update. */
  get state(): Readonly<ProgressState> {
    return this.#state;
  }

  /** Milliseconds since the display was created. */
  get elapsed(): number {
    return this.#now() - this.#started;
  }

  /**
   * Merges a report into the state and redraws (at most every `minInterval` ms).
   *
   * @param state What changed.
   */
  update(state: ProgressState): void {
    if (this.#ended) return;
    for (const [k, v] of Object.entries(state)) {
      if (v !== undefined) (this.#state as Record<string, unknown>)[k] = v;
    }
    const t = this.#now();
    if (t - this.#last < this.#minInterval) return;
    this.#last = t;
    this.#draw();
  }

  /** A callback for any `onProgress` option: `(state) => progress.update(state)`. */
  get callback(): (state: ProgressState) => void {
    return (s) => this.update(s);
  }

  /**
   * An adapter for the TAP layer's `onProgress` (stage, loaded bytes, total,
   * rows, job phase): shows phase while the job waits, then bytes and rows.
   */
  get onQueryProgress(): (
    p: {
      stage: string;
      loaded: number;
      total: number | undefined;
      rows: number;
      phase?: string | undefined;
    },
  ) => void {
    return (p) =>
      this.update({
        phase: p.phase && p.stage === "waiting"
          ? p.phase
          : p.stage === "done"
          ? undefined
          : p.stage,
        bytes: p.loaded,
        done: this.unit === "rows" ? p.rows : p.loaded,
        total: this.unit === "bytes" ? p.total : undefined,
        rows: p.rows,
      });
  }

  /** An adapter for an async job's wait (`job.wait({ onProgress })`): shows its phase. */
  get onJob(): (p: { phase: string; elapsed?: number }) => void {
    return (p) => this.update({ phase: p.phase });
  }

  /**
   * An adapter for DataLink loads (`gaia.datalink.load(ids, { onProgress })`):
   * sources done of the total (`sourcesDone`/`sourcesTotal`, or
   * `done`/`total`), bytes and failures.
   */
  get onBatch(): (p: Record<string, unknown>) => void {
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    return (p) =>
      this.update({
        done: num(p.sourcesDone) ?? num(p.done) ?? num(p.sources) ?? num(p.completed),
        total: num(p.sourcesTotal) ?? num(p.total),
        bytes: num(p.bytes) ?? num(p.loaded),
        failed: num(p.failed),
        phase: typeof p.phase === "string" ? p.phase : undefined,
      });
  }

  /** An adapter for the HTTP layer's download progress (`loaded`, `total` bytes). */
  get onDownload(): (p: { loaded: number; total: number | undefined }) => void {
    return (p) => this.update({ done: p.loaded, bytes: p.loaded, total: p.total });
  }

  /**
   * Marks the work done and draws the final state.
   *
   * @param message A closing note, e.g. `12 345 rows`.
   */
  finish(message?: string): Promise<void> {
    if (this.#ended) return this.#chain;
    if (message !== undefined) this.#state.message = message;
    this.#ended = "done";
    this.#draw();
    if (this.mode === "terminal") this.#write("\n");
    return this.#chain;
  }

  /**
   * Marks the work failed and shows why.
   *
   * @param error The error (its message is shown).
   */
  fail(error: unknown): Promise<void> {
    if (this.#ended) return this.#chain;
    this.#ended = "failed";
    this.#error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.#draw();
    if (this.mode === "terminal") this.#write("\n");
    return this.#chain;
  }

  /** The current state as text: `label [####----] 50% 1.0 kB / 2.0 kB · 3 rows · 1.2 s`. */
  toText(): string {
    const parts: string[] = [this.label];
    const frac = this.#fraction();
    if (frac !== undefined) {
      const full = Math.round(frac * this.#barWidth);
      parts.push(
        `[${"█".repeat(full)}${"░".repeat(this.#barWidth - full)}] ${Math.floor(frac * 100)}%`,
      );
    }
    const facts = this.#facts();
    if (facts.length) parts.push(facts.join(" · "));
    if (this.#ended === "done") parts.push("done");
    if (this.#ended === "failed") parts.push(`failed: ${this.#error}`);
    return parts.join("  ");
  }

  /** The current state as a MIME bundle (an HTML bar and the text). */
  toBundle(): MimeBundle {
    const frac = this.#fraction();
    const colour = this.#ended === "failed"
      ? "#dc3545"
      : this.#ended === "done"
      ? "#198754"
      : "#0d6efd";
    const pct = frac !== undefined ? Math.floor(frac * 100) : undefined;
    const bar = pct !== undefined || this.#ended
      ? `<div style="display: inline-block; width: 220px; height: 10px; background: #e9ecef; border-radius: 3px; vertical-align: middle; margin: 0 8px"><div style="width: ${
        pct ?? (this.#ended === "done" ? 100 : 0)
      }%; height: 100%; background: ${colour}; border-radius: 3px"></div></div>`
      : `<span style="margin: 0 8px; color: ${colour}">⏳</span>`;
    const tail = [
      ...(pct !== undefined ? [`${pct}%`] : []),
      ...this.#facts(),
      ...(this.#ended === "done" ? ["done"] : []),
    ];
    const err = this.#ended === "failed"
      ? `<div style="color: #dc3545">${escapeHtml(`failed: ${this.#error}`)}</div>`
      : "";
    return {
      "text/html":
        `<div class="deno-gaia-progress" style="font-family: system-ui, sans-serif; font-size: 12px"><b>${
          escapeHtml(this.label)
        }</b>${bar}${escapeHtml(tail.join(" · "))}${err}</div>`,
      "text/plain": this.toText(),
    };
  }

  #fraction(): number | undefined {
    const { done, total } = this.#state;
    if (done === undefined || total === undefined || !(total > 0)) return undefined;
    return Math.max(0, Math.min(1, done / total));
  }

  #facts(): string[] {
    const s = this.#state;
    const out: string[] = [];
    if (s.phase) out.push(s.phase);
    const fmt = (n: number) => (this.unit === "bytes" ? formatBytes(n) : formatCount(n));
    if (s.done !== undefined) {
      out.push(
        `${fmt(s.done)}${s.total !== undefined ? ` / ${fmt(s.total)}` : ""}${
          this.unit === "bytes" ? "" : ` ${this.unit}`
        }`,
      );
    }
    if (s.rows !== undefined && this.unit !== "rows") out.push(`${formatCount(s.rows)} rows`);
    if (s.bytes !== undefined && this.unit !== "bytes") out.push(formatBytes(s.bytes));
    if (s.failed) out.push(`${formatCount(s.failed)} failed`);
    if (s.message) out.push(s.message);
    out.push(formatDuration(this.elapsed));
    return out;
  }

  #draw(): void {
    if (this.mode === "silent") return;
    if (this.mode === "terminal") {
      const line = this.toText();
      const pad = Math.max(0, this.#lastLineLength - line.length);
      this.#lastLineLength = line.length;
      this.#write(`\r${line}${" ".repeat(pad)}`);
      return;
    }
    const bundle = this.toBundle();
    const first = !this.#shown;
    this.#shown = true;
    const api = this.#jupyter!;
    // Jupyter display calls are async: keep them in order.
    this.#chain = this.#chain.then(() =>
      api.display(
        bundle as Record<string, unknown>,
        first ? { raw: true, display_id: this.#id } : {
          raw: true,
          update: true,
          display_id: this.#id,
        },
      )
    ).then(() => {}, () => {});
  }
}

/**
 * Starts a progress display.
 *
 * @param label What is running.
 * @param options See {@linkcode ProgressOptions}.
 * @returns The {@linkcode Progress}.
 *
 * @example Silent outside a terminal or notebook
 * ```ts
 * import { progress } from "./progress.ts";
 * const p = progress("Loading epoch photometry", { unit: "sources", total: 1000, mode: "silent" });
 * p.update({ done: 500, bytes: 1_500_000 });
 * if (!p.toText().includes("500 / 1 000 sources")) throw new Error(p.toText());
 * await p.finish();
 * ```
 */
export function progress(label: string, options: Omit<ProgressOptions, "label"> = {}): Progress {
  return new Progress({ ...options, label });
}
