/**
 * The DataLink `{links}` rows of a source: one row per product the source
 * has, with the real service's layout (ID = designation, `#this`
 * semantics, empty `service_def`/`error_message`/`content_length`), and
 * the links table as Arrow with the archive's FIELD metadata.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import type { ColumnDef } from "../catalogue/mod.ts";
import { availableProducts } from "./product.ts";
import { buildProductTable } from "./product_table.ts";
import type { ProductType, SourceRow } from "./types.ts";

/** One row of a DataLink links table. */
export interface LinkRow {
  /** The source's designation (`Gaia DR3 <source_id>`), whatever ID form was asked. */
  ID: string;
  /** Path and query, relative to the archive root (`/data-server/data?...`); prefix the base URL. */
  access_url: string | null;
  /** Service descriptor reference (always empty here, as in the archive). */
  service_def: string | null;
  /** `#this` for products. */
  semantics: string;
  /** MIME type of the product (`application/x-votable+xml`). */
  content_type: string | null;
  /** Size in bytes; empty in the archive's answers. */
  content_length: bigint | null;
  /** `<product>, source <designation>`. */
  description: string;
  /** Fault text for identifiers that matched nothing, else empty. */
  error_message: string | null;
}

const DESCRIPTIONS: Readonly<Record<ProductType, string>> = {
  EPOCH_PHOTOMETRY: "Epoch photometry",
  XP_CONTINUOUS: "XP continuous",
  XP_SAMPLED: "XP sampled",
  RVS: "RVS",
  MCMC_GSPPHOT: "MCMC GSP-Phot",
  MCMC_MSC: "MCMC MSC",
};

/** Options of {@linkcode linksFor}. */
export interface LinksOptions {
  /** Data release, as in designations. @default "Gaia DR3" */
  release?: string;
}

/**
 * The links of one source (one row per available product).
 *
 * @example
 * ```ts
 * import { linksFor } from "./links.ts";
 * const rows = linksFor({ source_id: 30343944744320n, has_mcmc_msc: true });
 * if (rows[0].ID !== "Gaia DR3 30343944744320") throw new Error(rows[0].ID);
 * if (rows[0].access_url !== "/data-server/data?ID=Gaia+DR3+30343944744320&RETRIEVAL_TYPE=MCMC_MSC") throw new Error(rows[0].access_url!);
 * if (rows[0].description !== "MCMC MSC, source Gaia DR3 30343944744320") throw new Error();
 * ```
 */
export function linksFor(sourceRow: SourceRow, options: LinksOptions = {}): LinkRow[] {
  const release = options.release ?? "Gaia DR3";
  const sid = sourceRow.source_id;
  if (typeof sid !== "bigint" && typeof sid !== "number" && typeof sid !== "string") {
    throw new TypeError(
      `linksFor() needs a row with a source_id, got ${JSON.stringify(Object.keys(sourceRow))}`,
    );
  }
  const designation = `${release} ${String(sid)}`;
  return availableProducts(sourceRow).map((t) => ({
    ID: designation,
    access_url: `/data-server/data?ID=${designation.replaceAll(" ", "+")}&RETRIEVAL_TYPE=${t}`,
    service_def: null,
    semantics: "#this",
    content_type: "application/x-votable+xml",
    content_length: null,
    description: `${DESCRIPTIONS[t]}, source ${designation}`,
    error_message: null,
  }));
}

/** The row DataLink 1.0 prescribes for an identifier that matches nothing. */
export function notFoundLink(id: string): LinkRow {
  return {
    ID: id,
    access_url: null,
    service_def: null,
    semantics: "#this",
    content_type: null,
    content_length: null,
    description: "",
    error_message: `NotFoundFault: ${id} not found`,
  };
}

/** FIELDs of the links table, as the archive writes them. */
export const LINKS_COLUMNS: ColumnDef[] = [
  {
    name: "ID",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.id;meta.main",
    description: "Identifier of the source",
  },
  {
    name: "access_url",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.ref.url",
    description: "URL of the product",
  },
  {
    name: "service_def",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.ref",
    description: "Reference to a service descriptor",
  },
  {
    name: "error_message",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.code.error",
    description: "Error if the link failed",
  },
  {
    name: "semantics",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.code",
    description: "Meaning of the link",
  },
  {
    name: "description",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.note",
    description: "Human-readable description of the link",
  },
  {
    name: "content_type",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.code.mime",
    description: "MIME type of the product",
  },
  {
    name: "content_length",
    datatype: "long",
    unit: "byte",
    ucd: "phys.size;meta.file",
    description: "Size of the product",
  },
];

/**
 * The links rows as an Arrow table in the archive's column order, with
 * `access_url` prefixed by `baseUrl` (e.g. `http://127.0.0.1:8787`).
 *
 * @example
 * ```ts
 * import { linksFor, linksTable } from "./links.ts";
 * const t = linksTable(linksFor({ source_id: 7n, has_xp_sampled: true }), "http://127.0.0.1:1");
 * if (t.getChild("access_url")!.get(0) !== "http://127.0.0.1:1/data-server/data?ID=Gaia+DR3+7&RETRIEVAL_TYPE=XP_SAMPLED") throw new Error();
 * if (t.getChild("content_length")!.get(0) !== null) throw new Error("length should be empty");
 * ```
 */
export function linksTable(rows: LinkRow[], baseUrl = ""): Table {
  const n = rows.length;
  const str = (pick: (r: LinkRow) => string | null) => {
    const valid = Uint8Array.from(rows, (r) => (pick(r) === null ? 0 : 1));
    return { values: rows.map((r) => pick(r) ?? ""), valid };
  };
  const base = baseUrl.replace(/\/+$/, "");
  const c = LINKS_COLUMNS;
  return buildProductTable(n, [
    { def: c[0], ...str((r) => r.ID) },
    { def: c[1], ...str((r) => (r.access_url === null ? null : base + r.access_url)) },
    { def: c[2], ...str((r) => r.service_def) },
    { def: c[3], ...str((r) => r.error_message) },
    { def: c[4], ...str((r) => r.semantics) },
    { def: c[5], ...str((r) => r.description) },
    { def: c[6], ...str((r) => r.content_type) },
    {
      def: c[7],
      values: BigInt64Array.from(rows, (r) => r.content_length ?? 0n),
      valid: Uint8Array.from(rows, (r) => (r.content_length === null ? 0 : 1)),
    },
  ], { product: "links" });
}
