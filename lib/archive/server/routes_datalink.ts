/**
 * DataLink routes of the local archive under `/data-server/` (PROTOCOL.md 3):
 * `datalink/links` (a links VOTable listing the products that exist for each
 * source, an `error_message` row for unknown ids) and `data` (products as one
 * file or a zip with the real archive's entry names). All ID forms: bare
 * source ids, `Gaia DR3 <id>` designations, comma lists, ranges
 * `a-b`, `job:<jobid>.<column>`, `user_<name>.<table>.<column>`; at most
 * `limits.maxDatalinkIds` sources per request.
 *
 * @module
 */
import { tableFromIPC } from "apache-arrow";
import type { Table } from "apache-arrow";
import { linksFor, packageProducts, type RetrievalType } from "../products/mod.ts";
import { type ArchiveState, canReadFor, origin, querySignal } from "./context.ts";
import { ArchiveHttpError, cdata, xmlEscape } from "./http_error.ts";
import type { RequestParams } from "./params.ts";
import { writeZip } from "./zip_writer.ts";

/** One parsed token of an ID parameter. */
export type IdToken =
  | { kind: "id"; sourceId: bigint; release: string; text: string }
  | { kind: "range"; from: bigint; to: bigint; release: string; text: string }
  | { kind: "job"; jobId: string; column: string; text: string }
  | { kind: "table"; table: string; column: string; text: string }
  | { kind: "invalid"; text: string; reason: string };

const RELEASE = "(?:Gaia\\s+(DR1|DR2|EDR3|DR3|DR4)\\s+)";
const DESIGNATION = new RegExp(`^${RELEASE}?(\\d{1,20})$`, "i");
const RANGE = new RegExp(`^${RELEASE}?(\\d{1,20})\\s*-\\s*${RELEASE}?(\\d{1,20})$`, "i");
const JOB_ID = /^job:([0-9]{13,16}[A-Z]{1,4})\.([A-Za-z_][A-Za-z0-9_]{0,63})$/i;
const TABLE_COL = /^(user_[a-z0-9_]{1,64}\.[a-z][a-z0-9_]{0,62})\.([A-Za-z_][A-Za-z0-9_]{0,63})$/i;
const INT64_MAX = (1n << 63n) - 1n;

function releaseName(tag: string | undefined, fallback: string): string {
  return tag ? `Gaia ${tag.toUpperCase()}` : fallback;
}

/**
 * Parses an ID parameter into tokens (never throws: bad tokens become
 * `invalid` entries that the links answer reports per row).
 *
 * @example
 * ```ts
 * import { parseIdParam } from "./routes_datalink.ts";
 * const t = parseIdParam("Gaia DR3 123, 456,10-20,job:1700000000000L.source_id,x", "Gaia DR3");
 * if (t.map((x) => x.kind).join() !== "id,id,range,job,invalid") throw new Error(JSON.stringify(t.map((x) => x.kind)));
 * ```
 */
export function parseIdParam(value: string, release: string): IdToken[] {
  const out: IdToken[] = [];
  for (const raw of value.split(",")) {
    const text = raw.trim().replace(/\s+/g, " ");
    if (!text) continue;
    let m = DESIGNATION.exec(text);
    if (m) {
      const id = BigInt(m[2]);
      if (id > INT64_MAX) out.push({ kind: "invalid", text, reason: "source id out of range" });
      else out.push({ kind: "id", sourceId: id, release: releaseName(m[1], release), text });
      continue;
    }
    m = RANGE.exec(text);
    if (m) {
      const from = BigInt(m[2]), to = BigInt(m[4]);
      if (from > to || to > INT64_MAX) {
        out.push({ kind: "invalid", text, reason: "empty or invalid range" });
      } else {out.push({
          kind: "range",
          from,
          to,
          release: releaseName(m[1] ?? m[3], release),
          text,
        });}
      continue;
    }
    m = JOB_ID.exec(text);
    if (m) {
      out.push({
        kind: "job",
        jobId: m[1].toUpperCase().replace(/^(\d+)/, "$1"),
        column: m[2],
        text,
      });
      continue;
    }
    m = TABLE_COL.exec(text);
    if (m) {
      out.push({ kind: "table", table: m[1].toLowerCase(), column: m[2], text });
      continue;
    }
    out.push({
      kind: "invalid",
      text,
      reason: "not a source id, designation, range, job:<id>.<column> or table column",
    });
  }
  return out;
}

const RETRIEVAL_TYPES: ReadonlySet<string> = new Set([
  "EPOCH_PHOTOMETRY",
  "XP_SAMPLED",
  "XP_CONTINUOUS",
  "RVS",
  "MCMC_GSPPHOT",
  "MCMC_MSC",
  "ALL",
]);

function tooMany(limit: number): ArchiveHttpError {
  return new ArchiveHttpError(
    400,
    `Maximum number of Source Ids reached: at most ${limit} sources per request; split the ids into chunks`,
  );
}

function columnBigints(table: Table, column: string, what: string): bigint[] {
  const field = table.schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
  if (!field) throw new ArchiveHttpError(400, `${what} has no column '${column}'`);
  const vec = table.getChild(field.name)!;
  const out: bigint[] = [];
  for (let i = 0; i < vec.length; i++) {
    const v = vec.get(i);
    if (v === null || v === undefined) continue;
    if (typeof v === "bigint") out.push(v);
    else if (typeof v === "number" && Number.isSafeInteger(v)) out.push(BigInt(v));
    else if (typeof v === "string" && DESIGNATION.test(v.trim())) {
      out.push(BigInt(DESIGNATION.exec(v.trim())![2]));
    } else {throw new ArchiveHttpError(
        400,
        `${what}: column '${column}' does not hold source ids (found '${v}')`,
      );}
  }
  return out;
}

/** A resolved request: the DR3 source ids in order and the tokens that failed. */
interface Resolved {
  ids: { sourceId: bigint; text: string }[];
  errors: { text: string; message: string }[];
}

async function resolveIds(
  state: ArchiveState,
  tokens: IdToken[],
  user: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Resolved> {
  const limit = state.limits.maxDatalinkIds;
  const out: Resolved = { ids: [], errors: [] };
  const push = (sourceId: bigint, text: string) => {
    out.ids.push({ sourceId, text });
    if (out.ids.length > limit) throw tooMany(limit);
  };
  for (const t of tokens) {
    switch (t.kind) {
      case "invalid":
        out.errors.push({
          text: t.text,
          message: `UsageFault: invalid ID '${t.text}': ${t.reason}`,
        });
        break;
      case "id":
        if (t.release !== "Gaia DR3") {
          out.errors.push({
            text: t.text,
            message:
              `NotFoundFault: ${t.release} is not served by the local archive (only synthetic Gaia DR3)`,
          });
        } else push(t.sourceId, t.text);
        break;
      case "range": {
        if (t.release !== "Gaia DR3") {
          out.errors.push({
            text: t.text,
            message: `NotFoundFault: ${t.release} is not served by the local archive`,
          });
          break;
        }
        const q =
          `SELECT source_id FROM gaiadr3.gaia_source WHERE source_id BETWEEN ${t.from} AND ${t.to} ORDER BY source_id`;
        const r = await state.engine.query(q, {
          maxrec: limit + 1,
          signal,
          canRead: canReadFor(state, user),
        });
        if (r.overflow || r.table.numRows + out.ids.length > limit) throw tooMany(limit);
        for (const id of columnBigints(r.table, "source_id", `Range '${t.text}'`)) {
          push(id, `Gaia DR3 ${id}`);
        }
        break;
      }
      case "job": {
        const job = state.jobs.get(t.jobId);
        if (!job || (job.owner !== "anonymous" && job.owner !== user)) {
          throw new ArchiveHttpError(
            404,
            `Job '${t.jobId}' not found (log in at /data-server/login for your own jobs)`,
          );
        }
        const bytes = await state.jobs.resultArrow(job);
        if (!bytes) {
          throw new ArchiveHttpError(400, `Job '${t.jobId}' has no result (phase ${job.phase})`);
        }
        for (const id of columnBigints(tableFromIPC(bytes), t.column, `Job '${t.jobId}'`)) {
          push(id, `Gaia DR3 ${id}`);
        }
        break;
      }
      case "table": {
        if (!user) {
          throw new ArchiveHttpError(
            401,
            `IDs from '${t.table}' need a data-server login (/data-server/login)`,
          );
        }
        if (!state.sharing.canRead(user, t.table)) {
          throw new ArchiveHttpError(403, `Table '${t.table}' is not readable by ${user}`);
        }
        const r = await state.engine.query(`SELECT ${t.column} FROM ${t.table}`, {
          user,
          maxrec: limit + 1,
          signal,
          canRead: canReadFor(state, user),
        }).catch((e) => {
          throw new ArchiveHttpError(
            400,
            `Cannot read ids from '${t.text}': ${(e as Error).message}`,
          );
        });
        if (r.overflow) throw tooMany(limit);
        for (const id of columnBigints(r.table, t.column, `Table '${t.table}'`)) {
          push(id, `Gaia DR3 ${id}`);
        }
        break;
      }
    }
  }
  return out;
}

/** Source rows by id from the catalogue (in chunks of 1000 ids). */
async function lookupRows(
  state: ArchiveState,
  ids: bigint[],
  signal: AbortSignal | undefined,
): Promise<Map<bigint, Record<string, unknown>>> {
  const rows = new Map<bigint, Record<string, unknown>>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    const q = `SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (${chunk.join(",")})`;
    const { table } = await state.engine.query(q, { maxrec: chunk.length, signal });
    const names = table.schema.fields.map((f) => f.name);
    const cols = names.map((n) => table.getChild(n)!);
    const sid = table.getChild("source_id");
    if (!sid) throw new Error("gaiadr3.gaia_source has no source_id column");
    for (let r = 0; r < table.numRows; r++) {
      const rec: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) rec[names[c]] = cols[c].get(r);
      rows.set(BigInt(sid.get(r) as bigint), rec);
    }
  }
  return rows;
}

function dataUser(state: ArchiveState, req: Request): string | undefined {
  return state.dataSessions.fromRequest(req, "data-server")?.user;
}

function linksRow(cells: (string | undefined)[]): string {
  return "<TR>" +
    cells.map((c) => (c === undefined || c === "" ? "<TD/>" : `<TD>${cdata(c)}</TD>`)).join("") +
    "</TR>";
}

/** `datalink/links?ID=...` (GET or POST form). */
export async function handleLinks(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const release = params.get("RELEASE") ?? "Gaia DR3";
  const linking = (params.get("LINKING_PARAMETER") ?? "SOURCE_ID").toUpperCase();
  if (linking !== "SOURCE_ID") {
    throw new ArchiveHttpError(
      400,
      `LINKING_PARAMETER '${linking}' is not served by the local archive: use SOURCE_ID`,
    );
  }
  const user = dataUser(state, req);
  const tokens = parseIdParam(params.require("ID"), release);
  const resolved = await resolveIds(state, tokens, user, querySignal(state));
  const rows = await lookupRows(state, resolved.ids.map((i) => i.sourceId), querySignal(state));
  const base = origin(req);
  const trs: string[] = [];
  for (const e of resolved.errors) {
    trs.push(linksRow([e.text, "", "", e.message, "#this", "", "", ""]));
  }
  for (const { sourceId, text } of resolved.ids) {
    const row = rows.get(sourceId);
    const designation = `Gaia DR3 ${sourceId}`;
    if (!row) {
      trs.push(
        linksRow([
          text,
          "",
          "",
          `NotFoundFault: source '${designation}' not found in the local archive`,
          "#this",
          "",
          "",
          "",
        ]),
      );
      continue;
    }
    for (const link of linksFor(row, { release: "Gaia DR3" })) {
      trs.push(linksRow([
        link.ID,
        link.access_url === null ? "" : base + link.access_url,
        link.service_def ?? "",
        link.error_message ?? "",
        link.semantics,
        link.description,
        link.content_type ?? "",
        link.content_length === null ? "" : String(link.content_length),
      ]));
    }
  }
  const jobId = state.jobs.newId().replace(/[A-Z]+$/, "ODL");
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results">
<INFO name="standardID" value="ivo://ivoa.net/std/DataLink#links-1.0"/>
<INFO name="QUERY_STATUS" value="OK"/>
<INFO name="JOBID" value="${jobId}">${cdata(jobId)}</INFO>
<INFO name="JOBNAME" value="">${
    cdata(`Datalink job for user ${xmlEscape(user ?? "anonymous")}`)
  }</INFO>
<INFO name="CAPTION" value="SYNTHETIC DATA from the deno-gaia local archive"/>
<TABLE>
<FIELD name="ID" ucd="meta.id;meta.main" datatype="char" arraysize="*"/>
<FIELD name="access_url" ucd="meta.ref.url" datatype="char" arraysize="*"/>
<FIELD name="service_def" ucd="meta.ref" datatype="char" arraysize="*"/>
<FIELD name="error_message" ucd="meta.code.error" datatype="char" arraysize="*"/>
<FIELD name="semantics" ucd="meta.code" datatype="char" arraysize="*"/>
<FIELD name="description" ucd="meta.note" datatype="char" arraysize="*"/>
<FIELD name="content_type" ucd="meta.code.mime" datatype="char" arraysize="*"/>
<FIELD name="content_length" ucd="phys.size;meta.file" datatype="long" unit="byte"/>
<DATA><TABLEDATA>
${trs.join("\n")}
</TABLEDATA></DATA>
</TABLE>
</RESOURCE>
</VOTABLE>
`;
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/x-votable+xml;charset=UTF-8" },
  });
}

const FORMATS: Record<
  string,
  { format: "votable" | "votable_plain" | "csv" | "ecsv" | "fits"; mime: string }
> = {
  votable: { format: "votable", mime: "application/x-votable+xml" },
  votable_plain: { format: "votable_plain", mime: "application/x-votable+xml" },
  csv: { format: "csv", mime: "text/csv" },
  ecsv: { format: "ecsv", mime: "text/ecsv" },
  fits: { format: "fits", mime: "application/fits" },
};

const STRUCTURES: Record<string, "INDIVIDUAL" | "COMBINED" | "RAW"> = {
  INDIVIDUAL: "INDIVIDUAL",
  DATAMODEL_STANDARD: "INDIVIDUAL",
  COMBINED: "COMBINED",
  RAW: "RAW",
  DATAMODEL_GAIA: "RAW",
};

/** `data?ID=&RETRIEVAL_TYPE=&FORMAT=&DATA_STRUCTURE=&RELEASE=&VALID_DATA=&USE_ZIP_ALWAYS=`. */
export async function handleData(
  state: ArchiveState,
  req: Request,
  params: RequestParams,
): Promise<Response> {
  const retrieval = params.require("RETRIEVAL_TYPE").trim().toUpperCase();
  if (!RETRIEVAL_TYPES.has(retrieval)) {
    throw new ArchiveHttpError(
      400,
      `Invalid RETRIEVAL_TYPE '${retrieval}': the local archive serves ${
        [...RETRIEVAL_TYPES].join(", ")
      }`,
    );
  }
  const fmtName = (params.get("FORMAT") ?? "votable").trim().toLowerCase();
  const fmt = FORMATS[fmtName];
  if (!fmt) {
    throw new ArchiveHttpError(
      400,
      `Invalid FORMAT '${fmtName}': use votable, votable_plain, csv, ecsv or fits`,
    );
  }
  const structName = (params.get("DATA_STRUCTURE") ?? "INDIVIDUAL").trim().toUpperCase();
  const dataStructure = STRUCTURES[structName];
  if (!dataStructure) {
    throw new ArchiveHttpError(
      400,
      `Invalid DATA_STRUCTURE '${structName}': use INDIVIDUAL (DATAMODEL_STANDARD), COMBINED or RAW (DATAMODEL_GAIA)`,
    );
  }
  const release = (params.get("RELEASE") ?? "Gaia DR3").trim().replace(/\s+/g, " ");
  if (release.toUpperCase() !== "GAIA DR3") {
    throw new ArchiveHttpError(
      400,
      `RELEASE '${release}' is not served by the local archive: use Gaia DR3`,
    );
  }
  const linking = (params.get("LINKING_PARAMETER") ?? "SOURCE_ID").toUpperCase();
  if (linking !== "SOURCE_ID") {
    throw new ArchiveHttpError(
      400,
      `LINKING_PARAMETER '${linking}' is not served by the local archive: use SOURCE_ID`,
    );
  }
  const validData = params.bool("VALID_DATA");
  const zipAlways = params.bool("USE_ZIP_ALWAYS");
  const user = dataUser(state, req);
  const tokens = parseIdParam(params.require("ID"), "Gaia DR3");
  const resolved = await resolveIds(state, tokens, user, querySignal(state));
  if (resolved.errors.length) {
    throw new ArchiveHttpError(
      400,
      `Invalid ID: ${resolved.errors.map((e) => `${e.text} (${e.message})`).join("; ")}`,
    );
  }
  const ids = [...new Set(resolved.ids.map((i) => i.sourceId))];
  const rows = await lookupRows(state, ids, querySignal(state));
  const { entries } = packageProducts(
    {
      ids,
      retrieval: retrieval as RetrievalType,
      format: fmt.format,
      dataStructure,
      release: "Gaia DR3",
      validData,
    },
    (id: bigint) => rows.get(id),
  );
  if (entries.length === 0) {
    throw new ArchiveHttpError(
      404,
      `No ${retrieval} products exist for the requested ${
        ids.length === 1 ? "source" : "sources"
      }` +
        (ids.length ? "" : " (no source ids given)"),
    );
  }
  if (entries.length === 1 && !zipAlways) {
    const e = entries[0];
    return new Response(e.bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        "content-type": fmt.mime,
        "content-disposition": `attachment;filename="${e.fileName.replace(/["\\\r\n]/g, "_")}"`,
      },
    });
  }
  const zip = writeZip(entries.map((e) => ({ name: e.fileName, bytes: e.bytes })));
  return new Response(zip as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment;filename="${state.jobs.newId()}.zip"`,
    },
  });
}
