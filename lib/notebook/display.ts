/**
 * The rich display of everything a notebook user meets: `display(x)` picks
 * the renderer (table, query result, Polars frame, job, table metadata,
 * DataLink products, error) and returns an object that Jupyter shows
 * richly (through `Symbol.for("Jupyter.display")`) and `deno run` prints as
 * compact text (through `Deno.customInspect`).
 *
 * @module
 */
import { renderError } from "./error_display.ts";
import type { MimeBundle } from "./format.ts";
import { asJobLike, renderJob } from "./job_display.ts";
import {
  isProductLike,
  isProductsLike,
  renderProduct,
  renderProducts,
} from "./products_display.ts";
import { renderTable, type TableDisplayOptions } from "./table_display.ts";
import { hasTable, isArrowTable, isDataFrameLike, type TableInput } from "./table_like.ts";
import { isTableInfo, renderTableInfo, type TableInfoLike } from "./tables_display.ts";

/** The symbol Deno's Jupyter kernel looks for on a cell's value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A value with a MIME bundle: Jupyter shows it richly, `console.log` prints its text. */
export class Displayable {
  /** The bundle shown. */
  readonly bundle: MimeBundle;
  /** Wraps a MIME bundle. */
  constructor(bundle: MimeBundle) {
    this.bundle = bundle;
  }
  /** The plain text form. */
  toString(): string {
    return this.bundle["text/plain"];
  }
  /** The HTML form (or the escaped text when there is none). */
  toHTML(): string {
    return this.bundle["text/html"] ??
      `<pre>${this.bundle["text/plain"].replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`;
  }
  /** The bundle for Deno's Jupyter kernel. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.bundle;
  }
  /** Text for `console.log` in `deno run`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.bundle["text/plain"];
  }
}

/**
 * The MIME bundle of any value deno-gaia knows how to show, or `undefined`.
 *
 * @param x A query result (anything with an Arrow `.table` and maybe a
 *   status), an Arrow table, a Polars DataFrame, a job, table metadata (one
 *   or a list), a DataLink product or product set, or an error.
 * @param options Table display options (rows shown, title, ...).
 * @returns The bundle, or `undefined` for other values.
 */
export function bundleOf(x: unknown, options: TableDisplayOptions = {}): MimeBundle | undefined {
  if (x instanceof Error) return renderError(x);
  if (isProductsLike(x)) return renderProducts(x);
  if (isProductLike(x)) return renderProduct(x);
  if (isTableInfo(x)) return renderTableInfo(x);
  if (Array.isArray(x) && x.length > 0 && x.every(isTableInfo)) {
    return renderTableInfo(x as TableInfoLike[]);
  }
  if (hasTable(x)) return renderTable(x.table, { ...resultFacts(x), ...options });
  if (isArrowTable(x) || isDataFrameLike(x)) return renderTable(x, options);
  const job = asJobLike(x);
  if (job) return renderJob(job);
  return undefined;
}

/** What a query result may say about itself besides its table (duck-typed). */
function resultFacts(x: unknown): TableDisplayOptions {
  const o = x as Record<string, unknown>;
  const out: TableDisplayOptions = {};
  const facts: Record<string, string> = {};
  const status = typeof o.status === "string"
    ? o.status
    : typeof o.queryStatus === "string"
    ? o.queryStatus
    : undefined;
  const message = [o.statusMessage, o.queryStatusMessage, o.message].find((m) =>
    typeof m === "string"
  ) as
    | string
    | undefined;
  if (status && ["OK", "OVERFLOW", "ERROR"].includes(status)) out.status = { status, message };
  else if (o.overflow === true || o.truncated === true) {
    out.status = { status: "OVERFLOW", message };
  }
  const limit = o.rowLimit ?? o.maxrec ?? o.maxRec;
  if (typeof limit === "number") out.rowLimit = limit;
  const adql = typeof o.adql === "string"
    ? o.adql
    : typeof o.query === "string"
    ? o.query
    : undefined;
  if (adql) out.title = adql.replace(/\s+/g, " ").trim().slice(0, 200);
  const ms = o.elapsedMs ?? o.elapsed ?? o.durationMs;
  if (typeof ms === "number") {
    facts.elapsed = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  }
  if (typeof o.format === "string") facts.format = o.format;
  if (typeof o.jobId === "string") facts.job = o.jobId;
  else if (typeof o.jobUrl === "string") facts.job = o.jobUrl;
  if (Object.keys(facts).length) out.facts = facts;
  return out;
}

/**
 * Wraps a value for display: make it a cell's last expression in Jupyter,
 * or `console.log` it in a script.
 *
 * @param x Anything {@linkcode bundleOf} knows; other values are shown with `Deno.inspect`.
 * @param options Table display options.
 * @returns A {@linkcode Displayable}.
 *
 * @example A query result with OVERFLOW
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { display } from "./display.ts";
 * const result = { table: tableFromArrays({ ra: new Float64Array([1, 2]) }), status: "OVERFLOW", rowLimit: 2 };
 * const d = display(result);
 * if (!d.toString().includes("OVERFLOW")) throw new Error(d.toString());
 * ```
 */
export function display(x: unknown, options: TableDisplayOptions = {}): Displayable {
  const bundle = bundleOf(x, options);
  if (bundle) return new Displayable(bundle);
  if (Array.isArray(x) && x.length > 0 && typeof x[0] === "object") {
    return new Displayable(renderTable(x as TableInput, options));
  }
  return new Displayable({ "text/plain": Deno.inspect(x, { colors: false, depth: 3 }) });
}

/**
 * Shows a query result (or table) with its status, row and column counts.
 * The same as {@linkcode display}, named for what it is used for most.
 *
 * @param result A query result, an Arrow table or a Polars DataFrame.
 * @param options Table display options.
 * @returns A {@linkcode Displayable}.
 */
export function displayResult(result: unknown, options: TableDisplayOptions = {}): Displayable {
  return display(result, options);
}

/** A class, as {@linkcode installDisplays} takes it. */
export type Ctor = { prototype: object; name: string };

/**
 * Gives classes a Jupyter display (and, with `inspect: true`, a compact
 * `console.log` text) rendered by {@linkcode bundleOf}. Classes that
 * already define their own are left alone. Idempotent.
 *
 * @param classes The classes to equip.
 * @param options `inspect`: also set `Deno.customInspect`. @default false
 * @returns The names of the classes equipped.
 *
 * @example
 * ```ts
 * import { installDisplays } from "./display.ts";
 * class Result { constructor(readonly table: unknown) {} }
 * installDisplays([Result]);
 * if (!(Symbol.for("Jupyter.display") in Result.prototype)) throw new Error();
 * ```
 */
export function installDisplays(
  classes: readonly Ctor[],
  options: { inspect?: boolean } = {},
): string[] {
  const done: string[] = [];
  const jd = Symbol.for("Jupyter.display");
  const ci = Symbol.for("Deno.customInspect");
  for (const c of classes) {
    const proto = c.prototype as Record<symbol, unknown>;
    if (!Object.prototype.hasOwnProperty.call(proto, jd) && !(jd in proto)) {
      Object.defineProperty(proto, jd, {
        value: function (this: unknown) {
          return bundleOf(this) ?? { "text/plain": Deno.inspect(this, { colors: false }) };
        },
        configurable: true,
        writable: true,
      });
      done.push(c.name);
    }
    if (options.inspect && !Object.prototype.hasOwnProperty.call(proto, ci)) {
      Object.defineProperty(proto, ci, {
        value: function (this: unknown) {
          return bundleOf(this)?.["text/plain"] ?? Object.prototype.toString.call(this);
        },
        configurable: true,
        writable: true,
      });
    }
  }
  return done;
}
