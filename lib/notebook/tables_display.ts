/**
 * Table metadata (from `loadTables()` / `loadTable()`): table names with
 * descriptions, and for one table its columns with units, UCDs and flags.
 *
 * @module
 */
import { escapeHtml, formatCount, type MimeBundle } from "./format.ts";

/** The column fields a metadata display reads (TAP_SCHEMA / VOSI columns fit). */
export interface ColumnInfoLike {
  /** Column name. */
  name: string;
  /** Description. */
  description?: string | undefined;
  /** Unit. */
  unit?: string | undefined;
  /** UCD. */
  ucd?: string | undefined;
  /** VOTable/ADQL datatype. */
  datatype?: string | undefined;
  /** Array size. */
  arraysize?: string | undefined;
  /** Whether the column is indexed. */
  indexed?: boolean | undefined;
  /** Whether it is the primary key. */
  primary?: boolean | undefined;
  /** Other flags (ESA `esatapplus:flags`, ...). */
  flags?: readonly string[] | undefined;
}

/** The table fields a metadata display reads (VOSI `TapTable` fits). */
export interface TableInfoLike {
  /** Qualified table name. */
  name: string;
  /** Description. */
  description?: string | undefined;
  /** Table type (`table`, `view`, `output`). */
  type?: string | undefined;
  /** Its columns. */
  columns?: readonly ColumnInfoLike[] | undefined;
  /** Row count, when known. */
  rows?: number | bigint | undefined;
  /** Row count estimate (VOSI `nrows`), used when `rows` is absent. */
  nrows?: number | undefined;
}

/** Whether a value looks like table metadata: a name and a columns array (or a list of such). */
export function isTableInfo(x: unknown): x is TableInfoLike {
  return typeof x === "object" && x !== null && typeof (x as TableInfoLike).name === "string" &&
    Array.isArray((x as TableInfoLike).columns) && !("numRows" in x);
}

/**
 * Renders one table's metadata (its columns) or a list of tables.
 *
 * @param info A table, or an array of tables.
 * @returns `{ "text/html", "text/plain" }`.
 *
 * @example
 * ```ts
 * import { renderTableInfo } from "./tables_display.ts";
 * const b = renderTableInfo({ name: "gaiadr3.gaia_source", description: "Gaia DR3 <main>", columns: [
 *   { name: "ra", unit: "deg", ucd: "pos.eq.ra;meta.main", datatype: "double", description: "Right ascension" },
 * ] });
 * if (!b["text/plain"].includes("ra [deg]") || b["text/html"]!.includes("<main>")) throw new Error(b["text/plain"]);
 * ```
 */
export function renderTableInfo(info: TableInfoLike | readonly TableInfoLike[]): MimeBundle {
  if (Array.isArray(info)) return renderList(info as readonly TableInfoLike[]);
  const t = info as TableInfoLike;
  const cols = t.columns ?? [];
  const rows = t.rows ?? t.nrows;
  const text = [
    `${t.name}: ${formatCount(cols.length)} columns${
      rows !== undefined ? `, ${formatCount(rows)} rows` : ""
    }`,
  ];
  if (t.description) text.push(`  ${oneLine(t.description, 200)}`);
  for (const c of cols) {
    const flags = [
      ...new Set([c.primary ? "primary" : "", c.indexed ? "indexed" : "", ...(c.flags ?? [])]),
    ]
      .filter(Boolean);
    text.push(
      `  ${c.name}${c.unit ? ` [${c.unit}]` : ""}  ${c.datatype ?? ""}${
        c.arraysize ? `(${c.arraysize})` : ""
      }${c.ucd ? `  ${c.ucd}` : ""}${flags.length ? `  {${flags.join(", ")}}` : ""}${
        c.description ? `  — ${oneLine(c.description, 80)}` : ""
      }`,
    );
  }
  const h = [
    `<div class="deno-gaia-tableinfo" style="font-family: system-ui, sans-serif; font-size: 12px">`,
    `<div><b>${escapeHtml(t.name)}</b> · ${formatCount(cols.length)} columns${
      rows !== undefined ? ` · ${formatCount(rows)} rows` : ""
    }</div>`,
  ];
  if (t.description) {
    h.push(`<div style="color: #555; margin: 2px 0 4px">${escapeHtml(t.description)}</div>`);
  }
  h.push(
    `<table style="border-collapse: collapse"><thead><tr>${
      ["column", "unit", "type", "UCD", "description"].map((x) =>
        `<th style="text-align: left; padding: 1px 8px; border-bottom: 1px solid #999">${x}</th>`
      ).join("")
    }</tr></thead><tbody>`,
  );
  for (const c of cols) {
    const flags = [c.primary ? "primary" : "", c.indexed ? "indexed" : ""].filter(Boolean).join(
      ", ",
    );
    h.push(
      `<tr><td style="padding: 1px 8px"><code>${escapeHtml(c.name)}</code>${
        flags ? ` <span style="color: #777">(${flags})</span>` : ""
      }</td><td style="padding: 1px 8px">${
        escapeHtml(c.unit ?? "")
      }</td><td style="padding: 1px 8px">${
        escapeHtml((c.datatype ?? "") + (c.arraysize ? `(${c.arraysize})` : ""))
      }</td><td style="padding: 1px 8px; color: #555"><i>${
        escapeHtml(c.ucd ?? "")
      }</i></td><td style="padding: 1px 8px">${escapeHtml(c.description ?? "")}</td></tr>`,
    );
  }
  h.push("</tbody></table></div>");
  return { "text/html": h.join(""), "text/plain": text.join("\n") };
}

function renderList(list: readonly TableInfoLike[]): MimeBundle {
  const text = [`${formatCount(list.length)} tables`];
  const h = [
    `<div class="deno-gaia-tablelist" style="font-family: system-ui, sans-serif; font-size: 12px"><div><b>${
      formatCount(list.length)
    } tables</b></div><table style="border-collapse: collapse"><thead><tr><th style="text-align: left; padding: 1px 8px; border-bottom: 1px solid #999">table</th><th style="text-align: right; padding: 1px 8px; border-bottom: 1px solid #999">columns</th><th style="text-align: left; padding: 1px 8px; border-bottom: 1px solid #999">description</th></tr></thead><tbody>`,
  ];
  for (const t of list) {
    const n = t.columns?.length;
    text.push(
      `  ${t.name}${n !== undefined ? ` (${n} columns)` : ""}${
        t.description ? `  — ${oneLine(t.description, 80)}` : ""
      }`,
    );
    h.push(
      `<tr><td style="padding: 1px 8px"><code>${
        escapeHtml(t.name)
      }</code></td><td style="padding: 1px 8px; text-align: right">${
        n ?? ""
      }</td><td style="padding: 1px 8px">${
        escapeHtml(oneLine(t.description ?? "", 160))
      }</td></tr>`,
    );
  }
  h.push("</tbody></table></div>");
  return { "text/html": h.join(""), "text/plain": text.join("\n") };
}

function oneLine(s: string, n: number): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}
