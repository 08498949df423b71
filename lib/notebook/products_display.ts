/**
 * DataLink products: one product as its table with a header naming the
 * product and source; a whole load as counts per product type and the
 * per-ID manifest (found, without products, failed with why).
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { escapeHtml, formatBytes, formatCount, type MimeBundle } from "./format.ts";
import { renderTable } from "./table_display.ts";

/** The shape of one product (lib/datalink `DataLinkProduct` fits). */
export interface ProductLike {
  /** Product type (retrieval type), e.g. `EPOCH_PHOTOMETRY`. */
  type: string;
  /** File name inside the archive's answer. */
  fileName: string;
  /** Format read (`votable`, `csv`, ...). */
  format: string;
  /** The product's (tidy) table. */
  table: Table;
  /** The source, for single-source products. */
  sourceId?: bigint | undefined;
  /** The designation, for single-source products. */
  designation?: string | undefined;
}

/** The shape of a product set (lib/datalink `DataLinkProducts` fits). */
export interface ProductsLike {
  /** Every product file. */
  products: readonly ProductLike[];
  /** The per-ID outcome of the load. */
  manifest: {
    toString(): string;
    failed: ReadonlyArray<{ id: string; error?: string | undefined }>;
    noProduct: ReadonlyArray<{ id: string }>;
  };
  /** Bytes downloaded. */
  bytes: number;
  /** Sources with at least one product. */
  sourceIds: readonly bigint[];
}

/** Whether a value looks like one DataLink product. */
export function isProductLike(x: unknown): x is ProductLike {
  return typeof x === "object" && x !== null && typeof (x as ProductLike).type === "string" &&
    typeof (x as ProductLike).fileName === "string" && "table" in x;
}

/** Whether a value looks like a set of DataLink products. */
export function isProductsLike(x: unknown): x is ProductsLike {
  return typeof x === "object" && x !== null && Array.isArray((x as ProductsLike).products) &&
    typeof (x as ProductsLike).manifest === "object";
}

/**
 * Renders one DataLink product: its tidy table under a header.
 *
 * @param p The product.
 * @returns `{ "text/html", "text/plain" }`.
 */
export function renderProduct(p: ProductLike): MimeBundle {
  const who = p.designation ??
    (p.sourceId !== undefined ? `source ${p.sourceId}` : "several sources");
  return renderTable(p.table, {
    title: `${p.type} of ${who}`,
    facts: { file: p.fileName, format: p.format },
  });
}

/**
 * Renders a product set: counts per type, sources, bytes, and the manifest
 * with the failed IDs and their errors.
 *
 * @param set The products of a load.
 * @returns `{ "text/html", "text/plain" }`.
 *
 * @example
 * ```ts
 * import { renderProducts } from "./products_display.ts";
 * const b = renderProducts({
 *   products: [], bytes: 2048, sourceIds: [],
 *   manifest: { toString: () => "0 found, 0 without products, 1 failed", noProduct: [], failed: [{ id: "1", error: "HTTP 500 <oops>" }] },
 * });
 * if (!b["text/plain"].includes("1 failed") || b["text/html"]!.includes("<oops>")) throw new Error(b["text/plain"]);
 * ```
 */
export function renderProducts(set: ProductsLike): MimeBundle {
  const perType = new Map<string, { files: number; rows: number }>();
  for (const p of set.products) {
    const e = perType.get(p.type) ?? { files: 0, rows: 0 };
    e.files++;
    e.rows += p.table.numRows;
    perType.set(p.type, e);
  }
  const head = `DataLink products: ${formatCount(set.products.length)} files for ${
    formatCount(set.sourceIds.length)
  } sources, ${formatBytes(set.bytes)} downloaded; IDs: ${set.manifest.toString()}`;
  const text = [head];
  for (const [t, e] of perType) {
    text.push(`  ${t}: ${formatCount(e.files)} files, ${formatCount(e.rows)} rows`);
  }
  const failed = set.manifest.failed;
  for (const f of failed.slice(0, 10)) text.push(`  failed ${f.id}: ${f.error ?? "no message"}`);
  if (failed.length > 10) text.push(`  … ${failed.length - 10} more failed IDs`);
  const h = [
    `<div class="deno-gaia-products" style="font-family: system-ui, sans-serif; font-size: 12px">`,
    `<div><b>DataLink products</b> · ${formatCount(set.products.length)} files · ${
      formatCount(set.sourceIds.length)
    } sources · ${escapeHtml(formatBytes(set.bytes))}</div>`,
    `<div style="color: #555">IDs: ${escapeHtml(set.manifest.toString())}</div>`,
    `<table style="border-collapse: collapse; margin-top: 4px"><thead><tr><th style="text-align: left; padding: 1px 8px; border-bottom: 1px solid #999">product</th><th style="text-align: right; padding: 1px 8px; border-bottom: 1px solid #999">files</th><th style="text-align: right; padding: 1px 8px; border-bottom: 1px solid #999">rows</th></tr></thead><tbody>`,
  ];
  for (const [t, e] of perType) {
    h.push(
      `<tr><td style="padding: 1px 8px">${
        escapeHtml(t)
      }</td><td style="padding: 1px 8px; text-align: right">${
        formatCount(e.files)
      }</td><td style="padding: 1px 8px; text-align: right">${formatCount(e.rows)}</td></tr>`,
    );
  }
  h.push("</tbody></table>");
  if (failed.length) {
    h.push(
      `<div role="alert" style="background: #f8d7da; color: #58151c; padding: 2px 6px; margin-top: 4px">${
        formatCount(failed.length)
      } IDs failed:<ul style="margin: 0">${
        failed.slice(0, 10).map((f) =>
          `<li>${escapeHtml(f.id)}: ${escapeHtml(f.error ?? "no message")}</li>`
        ).join("")
      }${failed.length > 10 ? `<li>… ${failed.length - 10} more</li>` : ""}</ul></div>`,
    );
  }
  h.push("</div>");
  return { "text/html": h.join(""), "text/plain": text.join("\n") };
}
