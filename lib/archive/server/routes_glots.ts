/**
 * GloTS (`tap/glots`, PROTOCOL.md 2.12): keyword search over the archive's
 * own tables and their columns, as CSV or VOTable. The local archive knows
 * only itself, so every row names its own TAP service.
 *
 * @module
 */
import { type ArchiveState, canReadFor, origin, tapUser } from "./context.ts";
import { ArchiveHttpError, cdata } from "./http_error.ts";
import type { RequestParams } from "./params.ts";

/** The IVOA identifier the local archive gives itself. */
export const LOCAL_IVOID = "ivo://deno-gaia/local-archive/tap";

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function render(columns: string[], rows: string[][], format: string): Response {
  if (format === "csv") {
    const body = [columns, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
    return new Response(body, { headers: { "content-type": "text/csv;charset=UTF-8" } });
  }
  const fields = columns.map((c) => `<FIELD name="${c}" datatype="char" arraysize="*"/>`).join(
    "\n",
  );
  const trs = rows.map((r) => "<TR>" + r.map((v) => `<TD>${cdata(v)}</TD>`).join("") + "</TR>")
    .join("\n");
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/>
<TABLE>
${fields}
<DATA><TABLEDATA>
${trs}
</TABLEDATA></DATA>
</TABLE>
</RESOURCE>
</VOTABLE>
`;
  return new Response(body, {
    headers: { "content-type": "application/x-votable+xml;charset=UTF-8" },
  });
}

/**
 * `tap/glots?ACTION=search_tables&KEYWORD=...&MODE=all|table_name|table_description&FORMAT=votable|csv`
 * and `ACTION=get_columns&TABLE_NAME=...`.
 */
export function handleGlots(state: ArchiveState, req: Request, params: RequestParams): Response {
  const action = (params.get("ACTION") ?? "").toLowerCase();
  const format = (params.get("FORMAT") ?? "votable").toLowerCase();
  if (format !== "csv" && format !== "votable") {
    throw new ArchiveHttpError(400, `Invalid FORMAT '${format}' for glots: use votable or csv`);
  }
  const user = tapUser(state, req);
  const tables = state.engine.tableset(user, canReadFor(state, user));
  const accessUrl = `${origin(req)}/tap-server/tap`;
  if (action === "search_tables" || action === "search_table") {
    const words = (params.require("KEYWORD")).toLowerCase().split(/\s+/).filter(Boolean);
    const mode = (params.get("MODE") ?? "all").toLowerCase();
    if (!["all", "table_name", "table_description"].includes(mode)) {
      throw new ArchiveHttpError(
        400,
        `Invalid MODE '${mode}': use all, table_name or table_description`,
      );
    }
    const rows = tables.filter((t) => {
      const name = `${t.schema}.${t.name}`.toLowerCase();
      const desc = (t.description ?? "").toLowerCase();
      const hay = mode === "table_name"
        ? name
        : mode === "table_description"
        ? desc
        : `${name} ${desc}`;
      return words.every((w) => hay.includes(w));
    }).map((t) => [accessUrl, LOCAL_IVOID, `${t.schema}.${t.name}`, t.description ?? "", ""]);
    return render(["accessurl", "ivoid", "table_name", "table_desc", "utype"], rows, format);
  }
  if (action === "get_columns") {
    const wanted = params.require("TABLE_NAME").toLowerCase();
    const table = tables.find((t) => `${t.schema}.${t.name}`.toLowerCase() === wanted);
    if (!table) throw new ArchiveHttpError(404, `Table '${wanted}' not found`);
    const rows = table.columns.map((c) => [
      LOCAL_IVOID,
      `${table.schema}.${table.name}`,
      c.name,
      c.description ?? "",
      c.unit ?? "",
      c.ucd ?? "",
      c.utype ?? "",
      c.datatype,
      "",
      c.principal ? "1" : "0",
      c.indexed ? "1" : "0",
      "0",
    ]);
    return render(
      [
        "ivoid",
        "table_name",
        "column_name",
        "description",
        "unit",
        "ucd",
        "utype",
        "datatype",
        "ndhnpmiighpa",
        "principal",
        "indexed",
        "std",
      ],
      rows,
      format,
    );
  }
  throw new ArchiveHttpError(
    400,
    `Unknown glots ACTION '${params.get("ACTION")}': use search_tables or get_columns`,
  );
}
