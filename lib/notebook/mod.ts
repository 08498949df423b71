/**
 * Notebook support: rich Jupyter displays for results, tables, jobs,
 * DataLink products and errors; progress displays; and the Plot recipes
 * (`plots.hrDiagram`, `plots.skyMap`, ...).
 *
 * Importing this module equips the library's classes and Arrow's `Table`
 * with a `Symbol.for("Jupyter.display")` method (see
 * {@linkcode installDefaultDisplays}); nothing else happens at import.
 *
 * @example
 * ```ts
 * import { display, plots } from "./mod.ts";
 * const stars = [{ bp_rp: 0.8, phot_g_mean_mag: 11.2 }, { bp_rp: 1.6, phot_g_mean_mag: 14.0 }];
 * const chart = plots.hrDiagram(stars);
 * if (!chart.toSVG().includes("<circle")) throw new Error("no dots");
 * if (!display(stars).toString().includes("2 rows × 2 columns")) throw new Error("no table");
 * ```
 *
 * @module
 */
import { installDefaultDisplays } from "./install.ts";

export * from "./plots/mod.ts";
export {
  bundleOf,
  type Ctor as DisplayableClass,
  display,
  Displayable,
  displayResult,
  installDisplays,
  JUPYTER_DISPLAY,
} from "./display.ts";
export { installDefaultDisplays } from "./install.ts";
export { renderTable, type TableDisplayOptions } from "./table_display.ts";
export { asJobLike, jobElapsed, type JobLike, renderJob } from "./job_display.ts";
export { errorHint, renderError } from "./error_display.ts";
export {
  type ColumnInfoLike,
  isTableInfo,
  renderTableInfo,
  type TableInfoLike,
} from "./tables_display.ts";
export {
  isProductLike,
  isProductsLike,
  type ProductLike,
  type ProductsLike,
  renderProduct,
  renderProducts,
} from "./products_display.ts";
export {
  escapeHtml,
  formatBytes,
  formatCell,
  formatCount,
  formatDuration,
  type MimeBundle,
} from "./format.ts";
export {
  jupyterApi,
  type JupyterDisplayApi,
  Progress,
  progress,
  type ProgressMode,
  type ProgressOptions,
  type ProgressState,
  type ProgressUnit,
} from "./progress.ts";
export {
  asArrowTable,
  ColumnNotFoundError,
  type Columns,
  columnsOf,
  type DataFrameLike,
  type HasTable,
  type TableInput,
} from "./table_like.ts";

installDefaultDisplays();
