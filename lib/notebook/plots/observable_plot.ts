/**
 * Observable Plot and linkedom, loaded on first use instead of at import:
 * importing the library (`mod.ts`) stays fast for scripts that never draw,
 * while the chart recipes stay synchronous (`plots.hrDiagram(t).toSVG()`).
 * The first access loads the packages with a synchronous `require` of the
 * ES modules (Deno supports it); the never-called dynamic imports below keep
 * both packages in Deno's module graph, so they are installed with the rest.
 *
 * @module
 */
import { createRequire } from "node:module";
import type * as PlotTypes from "@observablehq/plot";
import type * as Linkedom from "linkedom";

const require = createRequire(import.meta.url);

// Never called: statically analysable imports make Deno install the packages
// (a fresh DENO_DIR with only `import type` references fails the require).
const _install = (): Promise<unknown[]> =>
  Promise.all([import("@observablehq/plot"), import("linkedom")]);
void _install;

let plotModule: typeof PlotTypes | undefined;
let linkedomModule: typeof Linkedom | undefined;

function loadPlot(): typeof PlotTypes {
  return plotModule ??= require("@observablehq/plot") as typeof PlotTypes;
}

/**
 * Observable Plot's types, under the same name as the lazy module object.
 */
export declare namespace Plot {
  /** A mark or list of marks. */
  export type Markish = PlotTypes.Markish;
  /** Options of `Plot.plot`. */
  export type PlotOptions = PlotTypes.PlotOptions;
  /** A color scheme name. */
  export type ColorScheme = PlotTypes.ColorScheme;
  /** Options of a rectY mark. */
  export type RectYOptions = PlotTypes.RectYOptions;
  /** Inputs of the binX transform. */
  export type BinXInputs<T> = PlotTypes.BinXInputs<T>;
}

/**
 * Observable Plot (`import * as Plot from "@observablehq/plot"`), loaded the
 * first time one of its members is used.
 *
 * @example
 * ```ts
 * import { Plot } from "./observable_plot.ts";
 * const mark = Plot.dot([[1, 2]]); // loads Plot now
 * if (typeof mark !== "object") throw new Error("no mark");
 * ```
 */
export const Plot: typeof PlotTypes = new Proxy({} as typeof PlotTypes, {
  get: (_, key) => Reflect.get(loadPlot(), key),
  has: (_, key) => Reflect.has(loadPlot(), key),
  ownKeys: () => Reflect.ownKeys(loadPlot()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Reflect.getOwnPropertyDescriptor(loadPlot(), key);
    return d ? { ...d, configurable: true } : undefined;
  },
});

/**
 * linkedom's `parseHTML` (a DOM outside the browser), loaded on first call.
 *
 * @example
 * ```ts
 * import { parseHTML } from "./observable_plot.ts";
 * const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
 * if (!document.body) throw new Error("no body");
 * ```
 */
export function parseHTML(html: string): ReturnType<typeof Linkedom.parseHTML> {
  linkedomModule ??= require("linkedom") as typeof Linkedom;
  return linkedomModule.parseHTML(html);
}
