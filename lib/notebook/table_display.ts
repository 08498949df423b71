/**
 * Tables as HTML and text: first and last rows, row and column counts,
 * units and UCDs in the column headers, descriptions as tooltips, the query
 * status, and an OVERFLOW warning that cannot be missed.
 *
 * @module
 */
import type { Field, Table } from "apache-arrow";
import { columnMeta, schemaQueryStatus } from "../table/metadata.ts";
import { escapeHtml, formatCell, formatCount, type MimeBundle } from "./format.ts";
import {
  arrowTypeName,
  asArrowTable,
  type DataFrameLike,
  isDataFrameLike,
  type TableInput,
} from "./table_like.ts";
import { tableFromIPC } from "apache-arrow";

/** Options of {@linkcode renderTable}. */
export interface TableDisplayOptions {
  /** Rows shown from the start. @default 5 */
  head?: number;
  /** Rows shown from the end. @default 5 */
  tail?: number;
  /** Most columns shown (the rest are counted). @default 30 */
  maxColumns?: number;
  /** Longest text shown in a cell. @default 60 */
  maxChars?: number;
  /** A title line above the table (e.g. the query). */
  title?: string;
  /** Extra facts for the header line, e.g. `{ elapsed: "1.2 s", format: "votable/binary2" }`. */
  facts?: Record<string, string>;
  /**
   * The query status, when not in the table's metadata. `OVERFLOW` shows a
   * warning that the result was cut at the row limit.
   */
  status?: { status: string; message?: string | undefined };
  /** The row limit that applied, named in the OVERFLOW warning. */
  rowLimit?: number;
}

interface Slice {
  fields: Field[];
  numRows: number;
  numCols: number;
  head: Table;
  tail: Table | undefined;
  status?: { status: string; message?: string | undefined } | undefined;
}

function sliceOf(input: TableInput, head: number, tail: number): Slice {
  if (isDataFrameLike(input)) {
    const df = input as DataFrameLike & {
      head?(n: number): DataFrameLike;
      tail?(n: number): DataFrameLike;
    };
    const n = df.height;
    const big = n > head + tail && typeof df.head === "function" && typeof df.tail === "function";
    const h = tableFromIPC(big ? df.head!(head).writeIPC() : df.writeIPC());
    const t = big && tail > 0 ? tableFromIPC(df.tail!(tail).writeIPC()) : undefined;
    return {
      fields: h.schema.fields,
      numRows: n,
      numCols: df.columns.length,
      head: big ? h : h.slice(0, Math.min(n, head + tail)),
      tail: t,
    };
  }
  const table = asArrowTable(input, "renderTable()");
  if (!table) {
    // Records: show them through a small Arrow-free path.
    const rows = input as ReadonlyArray<Record<string, unknown>>;
    return recordsSlice(rows, head, tail);
  }
  const n = table.numRows;
  const big = n > head + tail;
  return {
    fields: table.schema.fields,
    numRows: n,
    numCols: table.numCols,
    head: big ? table.slice(0, head) : table,
    tail: big && tail > 0 ? table.slice(n - tail, n) : undefined,
    status: schemaQueryStatus(table.schema),
  };
}

function recordsSlice(
  rows: ReadonlyArray<Record<string, unknown>>,
  head: number,
  tail: number,
): Slice {
  // Records are shown as a table of their keys; build a tiny stand-in with the Table surface we use.
  const names = [...new Set(rows.slice(0, 100).flatMap((r) => Object.keys(r)))];
  const make = (part: ReadonlyArray<Record<string, unknown>>) =>
    ({
      numRows: part.length,
      getChildAt: (i: number) => ({ get: (r: number) => part[r][names[i]] ?? null }),
    }) as unknown as Table;
  const big = rows.length > head + tail;
  return {
    fields: names.map((name) =>
      ({ name, type: undefined, metadata: new Map() }) as unknown as Field
    ),
    numRows: rows.length,
    numCols: names.length,
    head: make(big ? rows.slice(0, head) : rows),
    tail: big && tail > 0 ? make(rows.slice(rows.length - tail)) : undefined,
  };
}

function overflowText(rowLimit: number | undefined, numRows: number): string {
  return `OVERFLOW: the result was cut at the row limit (${
    formatCount(rowLimit ?? numRows)
  } rows); ` +
    `more rows match. Raise the limit (e.g. { rowLimit: -1 }) or run it as an async job.`;
}

/**
 * Renders a table, a query result, a Polars DataFrame or records as a
 * MIME bundle: an HTML table for Jupyter and aligned text for terminals.
 *
 * @param input What to show.
 * @param options See {@linkcode TableDisplayOptions}.
 * @returns `{ "text/html", "text/plain" }`.
 *
 * @example Values are escaped, units shown, OVERFLOW warned
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { renderTable } from "./table_display.ts";
 * const t = tableFromArrays({ name: ["<b>x</b>"], ra: new Float64Array([10.5]) });
 * const b = renderTable(t, { status: { status: "OVERFLOW" }, rowLimit: 1 });
 * if (b["text/html"]!.includes("<b>x</b>") || !b["text/html"]!.includes("&lt;b&gt;x&lt;/b&gt;")) throw new Error("not escaped");
 * if (!b["text/plain"].includes("OVERFLOW")) throw new Error(b["text/plain"]);
 * ```
 */
export function renderTable(input: TableInput, options: TableDisplayOptions = {}): MimeBundle {
  const head = options.head ?? 5, tail = options.tail ?? 5;
  const s = sliceOf(input, head, tail);
  const status = options.status ?? s.status;
  const maxCols = options.maxColumns ?? 30;
  const fields = s.fields.slice(0, maxCols);
  const hidden = s.numCols - fields.length;
  const maxChars = options.maxChars ?? 60;
  const cell = (t: Table, r: number, c: number) => {
    const col = t.getChildAt(c);
    return formatCell(col ? col.get(r) : null, fields[c].type, maxChars);
  };
  const rowsOf = (t: Table | undefined) =>
    t ? Array.from({ length: t.numRows }, (_, r) => fields.map((_, c) => cell(t, r, c))) : [];
  const headRows = rowsOf(s.head);
  const tailRows = rowsOf(s.tail);
  const omitted = s.numRows - headRows.length - tailRows.length;
  const metas = fields.map((
    f,
  ) => (f.metadata && f.metadata.size ? columnMeta(f) : { name: f.name }));
  // Numbers align right: by Arrow type, or for records by the values shown.
  const numeric = fields.map((f, c) =>
    f.type !== undefined
      ? /^(u?int|float|decimal)/i.test(arrowTypeName(f.type))
      : [s.head, s.tail].some((t) =>
        t !== undefined && t.numRows > 0 &&
        Array.from({ length: t.numRows }, (_, r) => t.getChildAt(c)?.get(r)).every((v) =>
          v === null || v === undefined || typeof v === "number" || typeof v === "bigint"
        )
      )
  );

  // Header line.
  const facts: string[] = [
    `${formatCount(s.numRows)} row${s.numRows === 1 ? "" : "s"} × ${formatCount(s.numCols)} column${
      s.numCols === 1 ? "" : "s"
    }`,
  ];
  if (status) facts.push(`status ${status.status}`);
  for (const [k, v] of Object.entries(options.facts ?? {})) facts.push(`${k} ${v}`);
  const overflow = status?.status === "OVERFLOW";
  const error = status?.status === "ERROR";

  // ---- HTML
  const h: string[] = [];
  h.push(
    `<div class="deno-gaia-table" style="font-family: system-ui, sans-serif; font-size: 12px; max-width: 100%">`,
  );
  if (options.title) {
    h.push(`<div style="font-weight: 600; margin-bottom: 2px">${escapeHtml(options.title)}</div>`);
  }
  h.push(`<div style="color: #555; margin-bottom: 4px">${escapeHtml(facts.join(" · "))}</div>`);
  if (overflow) {
    h.push(
      `<div role="alert" style="background: #fff3cd; border: 1px solid #e0a800; color: #664d03; padding: 4px 8px; margin: 4px 0; border-radius: 3px">⚠ ${
        escapeHtml(overflowText(options.rowLimit, s.numRows))
      }</div>`,
    );
  }
  if (error || (status?.message && status.status !== "OK")) {
    h.push(
      `<div role="alert" style="background: #f8d7da; border: 1px solid #dc3545; color: #58151c; padding: 4px 8px; margin: 4px 0; border-radius: 3px">${
        escapeHtml(`${status!.status}: ${status!.message ?? "no message from the server"}`)
      }</div>`,
    );
  }
  h.push(
    `<div style="overflow-x: auto"><table style="border-collapse: collapse; font-variant-numeric: tabular-nums">`,
  );
  h.push("<thead><tr>");
  fields.forEach((f, c) => {
    const m = metas[c];
    const tip = [m.description, f.type !== undefined ? arrowTypeName(f.type) : undefined, m.utype]
      .filter(Boolean)
      .join(" — ");
    const sub = [m.unit ? escapeHtml(m.unit) : "", m.ucd ? `<i>${escapeHtml(m.ucd)}</i>` : ""]
      .filter(Boolean);
    h.push(
      `<th title="${escapeHtml(tip)}" style="text-align: ${
        numeric[c] ? "right" : "left"
      }; padding: 2px 8px; border-bottom: 1px solid #999; vertical-align: bottom; white-space: nowrap">${
        escapeHtml(f.name)
      }${
        sub.length
          ? `<br><span style="font-weight: normal; color: #777; font-size: 10px">${
            sub.join(" · ")
          }</span>`
          : ""
      }</th>`,
    );
  });
  if (hidden > 0) {
    h.push(`<th style="color: #777; font-weight: normal">… ${formatCount(hidden)} more</th>`);
  }
  h.push("</tr></thead><tbody>");
  const tr = (row: (string | null)[]) => {
    h.push("<tr>");
    row.forEach((v, c) => {
      const style = `padding: 1px 8px; text-align: ${
        numeric[c] ? "right" : "left"
      }; white-space: nowrap`;
      h.push(
        v === null
          ? `<td style="${style}; color: #aaa">null</td>`
          : `<td style="${style}">${escapeHtml(v)}</td>`,
      );
    });
    if (hidden > 0) h.push("<td></td>");
    h.push("</tr>");
  };
  headRows.forEach(tr);
  if (omitted > 0) {
    h.push(
      `<tr><td colspan="${
        fields.length + (hidden > 0 ? 1 : 0)
      }" style="text-align: center; color: #777; padding: 2px">… ${
        formatCount(omitted)
      } more rows …</td></tr>`,
    );
  }
  tailRows.forEach(tr);
  h.push("</tbody></table></div></div>");

  // ---- text
  const names = fields.map((f) => f.name);
  const units = metas.map((m) => (m.unit ? `[${m.unit}]` : ""));
  const textRows = [...headRows, ...(omitted > 0 ? [null] : []), ...tailRows];
  const widths = names.map((n, c) =>
    Math.min(
      maxChars,
      Math.max(
        n.length,
        units[c].length,
        ...textRows.map((r) => (r ? (r[c] ?? "null").length : 1)),
      ),
    )
  );
  const pad = (v: string, c: number) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]));
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(facts.join(" · "));
  if (overflow) lines.push(`WARNING ${overflowText(options.rowLimit, s.numRows)}`);
  if (error || (status?.message && status.status !== "OK")) {
    lines.push(`${status!.status}: ${status!.message ?? "no message from the server"}`);
  }
  lines.push(names.map(pad).join("  ") + (hidden > 0 ? `  … ${hidden} more columns` : ""));
  if (units.some(Boolean)) lines.push(units.map(pad).join("  ").trimEnd());
  lines.push(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of textRows) {
    lines.push(
      r
        ? r.map((v, c) => pad(v ?? "null", c)).join("  ").trimEnd()
        : `… ${formatCount(omitted)} more rows …`,
    );
  }
  return { "text/html": h.join(""), "text/plain": lines.join("\n") };
}
