/**
 * Equips deno-gaia's own classes (and Arrow's `Table`) with Jupyter
 * displays, so a cell whose value is a query result, a table, a DataLink
 * product or an error renders as HTML. Run once when `lib/notebook/mod.ts`
 * is imported; it only defines symbol-keyed methods (no I/O, no permissions).
 *
 * @module
 */
import { Table } from "apache-arrow";
import { installDisplays } from "./display.ts";
import { JobTimeoutError, TapQueryError, UwsJobError } from "../tap/errors.ts";
import { QueryResult } from "../tap/result.ts";
import { AuthError, TapPlusError } from "../tapplus/errors.ts";
import { UwsJob } from "../tap/job.ts";
import { HttpError, NetworkError, TimeoutError } from "../http/errors.ts";
import { SizeLimitError, TableFormatError } from "../io/errors.ts";
import { DataLinkProduct } from "../datalink/product.ts";
import { DataLinkProducts } from "../datalink/products.ts";

/**
 * Installs the displays of the library's classes. Idempotent; classes that
 * define their own display keep it.
 *
 * @returns The names of the classes equipped by this call.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { installDefaultDisplays } from "./install.ts";
 * installDefaultDisplays();
 * const t = tableFromArrays({ ra: new Float64Array([1]) }) as unknown as Record<symbol, () => { "text/html": string }>;
 * if (!t[Symbol.for("Jupyter.display")]()["text/html"].includes("<table")) throw new Error("no display");
 * ```
 */
export function installDefaultDisplays(): string[] {
  return installDisplays([
    Table,
    QueryResult,
    UwsJob,
    DataLinkProduct,
    DataLinkProducts,
    TapQueryError,
    UwsJobError,
    JobTimeoutError,
    AuthError,
    TapPlusError,
    HttpError,
    NetworkError,
    TimeoutError,
    TableFormatError,
    SizeLimitError,
  ]);
}
