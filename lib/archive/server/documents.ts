/**
 * XML documents of the local archive, shaped like the real Gaia archive's:
 * the VOSI tableset (with `esatapplus:` attributes astroquery needs),
 * capabilities, availability, UWS job documents with the `uws:` prefix and
 * job lists.
 *
 * @module
 */
import type { ColumnDef, TableDef } from "../engine.ts";

export type { ColumnDef, TableDef } from "../engine.ts";
import { cdata, xmlEscape } from "./http_error.ts";
import type { JobRecord } from "./uws.ts";

/** UWS time format of the archive: `2014-06-30T16:44:40.766+0000`. */
export function uwsTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

function columnXml(c: ColumnDef, userTable: boolean): string {
  const flags = c.flags ?? 0;
  const out = [`<column std="false" esatapplus:flags="${flags}" esatapplus:ref="">`];
  out.push(`<name>${xmlEscape(c.name)}</name>`);
  out.push(`<description>${cdata(c.description ?? "")}</description>`);
  if (c.unit) out.push(`<unit>${cdata(c.unit)}</unit>`);
  if (c.ucd) out.push(`<ucd>${xmlEscape(c.ucd)}</ucd>`);
  if (c.utype) out.push(`<utype>${xmlEscape(c.utype)}</utype>`);
  if (userTable) {
    out.push(`<dataType xsi:type="vod:TAPType">${tapType(c)}</dataType>`);
  } else {
    const size = c.arraysize ? ` arraysize="${xmlEscape(c.arraysize)}"` : "";
    out.push(`<dataType xsi:type="vod:VOTableType"${size}>${c.datatype}</dataType>`);
  }
  if (c.indexed || (flags & 16) !== 0) out.push("<flag>indexed</flag>");
  if ((flags & 16) !== 0) out.push("<flag>primary</flag>");
  if (c.principal) out.push("<flag>principal</flag>");
  out.push("</column>");
  return out.join("\n");
}

function tapType(c: ColumnDef): string {
  switch (c.datatype) {
    case "boolean":
      return "BOOLEAN";
    case "unsignedByte":
    case "short":
      return "SMALLINT";
    case "int":
      return "INTEGER";
    case "long":
      return "BIGINT";
    case "float":
      return "REAL";
    case "double":
      return "DOUBLE";
    default:
      return "VARCHAR";
  }
}

/** Options of {@linkcode tablesetXml}. */
export interface TablesetOptions {
  /** Emit tables without columns. */
  onlyTables?: boolean;
  /** Emit schemas only. */
  onlySchemas?: boolean;
  /** Schema descriptions by name. */
  schemaDescriptions?: Record<string, string>;
}

/**
 * The VOSI `tableset` document (PROTOCOL.md 1.1): unqualified elements,
 * fully qualified table names, `esatapplus:flags` on every column.
 *
 * @example
 * ```ts
 * import { tablesetXml } from "./documents.ts";
 * const xml = tablesetXml([{ schema: "gaiadr3", name: "gaia_source", description: "d",
 *   columns: [{ name: "ra", datatype: "double", unit: "deg", description: "RA", flags: 1 }] }]);
 * if (!xml.includes("<name>gaiadr3.gaia_source</name>") || !xml.includes('esatapplus:flags="1"')) {
 *   throw new Error(xml);
 * }
 * ```
 */
export function tablesetXml(tables: TableDef[], o: TablesetOptions = {}): string {
  const bySchema = new Map<string, TableDef[]>();
  for (const t of tables) {
    const list = bySchema.get(t.schema);
    if (list) list.push(t);
    else bySchema.set(t.schema, [t]);
  }
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<vod:tableset xmlns:vod="http://www.ivoa.net/xml/VODataService/v1.1" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="vod:TableSet" ' +
    'xmlns:esatapplus="http://esa.int/xml/EsaTapPlus">',
  ];
  for (const [schema, list] of bySchema) {
    const isUser = schema.startsWith("user_");
    out.push(`<schema esatapplus:public="${!isUser}">`);
    out.push(`<name>${xmlEscape(schema)}</name>`);
    const desc = o.schemaDescriptions?.[schema] ??
      (isUser ? `User schema of ${schema.slice(5)}` : `Schema ${schema} (synthetic local archive)`);
    out.push(`<description>${cdata(desc)}</description>`);
    if (!o.onlySchemas) {
      for (const t of list) {
        out.push(`<table type="base_table" esatapplus:flags="0">`);
        out.push(`<name>${xmlEscape(`${t.schema}.${t.name}`)}</name>`);
        out.push(`<description>${cdata(t.description ?? "")}</description>`);
        if (!o.onlyTables) { for (const c of t.columns) out.push(columnXml(c, isUser)); }
        out.push("</table>");
      }
    }
    out.push("</schema>");
  }
  out.push("</vod:tableset>", "");
  return out.join("\n");
}

/** The VOSI capabilities document for an archive rooted at `tapUrl` (`.../tap-server/tap`). */
export function capabilitiesXml(tapUrl: string, maxRows: number, maxUploadBytes: number): string {
  const u = xmlEscape(tapUrl);
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:vod="http://www.ivoa.net/xml/VODataService/v1.1"
  xmlns:tr="http://www.ivoa.net/xml/TAPRegExt/v1.0">
 <capability standardID="ivo://ivoa.net/std/TAP" xsi:type="tr:TableAccess">
  <interface xsi:type="vs:ParamHTTP" role="std" version="1.1" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1">
   <accessURL use="base">${u}</accessURL>
  </interface>
  <language>
   <name>ADQL</name>
   <version ivo-id="ivo://ivoa.net/std/ADQL#v2.1">2.1</version>
   <description>ADQL 2.1 core (local archive)</description>
   <languageFeatures type="ivo://ivoa.net/std/TAPRegExt#features-adqlgeo">
    <feature><form>POINT</form></feature>
    <feature><form>CIRCLE</form></feature>
    <feature><form>BOX</form></feature>
    <feature><form>POLYGON</form></feature>
    <feature><form>CONTAINS</form></feature>
    <feature><form>INTERSECTS</form></feature>
    <feature><form>DISTANCE</form></feature>
   </languageFeatures>
  </language>
  <outputFormat><mime>application/x-votable+xml</mime><alias>votable</alias></outputFormat>
  <outputFormat><mime>application/x-votable+xml;serialization=TABLEDATA</mime><alias>votable_plain</alias></outputFormat>
  <outputFormat><mime>text/csv</mime><alias>csv</alias></outputFormat>
  <outputFormat><mime>application/json</mime><alias>json</alias></outputFormat>
  <outputFormat><mime>application/fits</mime><alias>fits</alias></outputFormat>
  <outputFormat><mime>text/ecsv</mime><alias>ecsv</alias></outputFormat>
  <uploadMethod ivo-id="ivo://ivoa.net/std/TAPRegExt#upload-inline"/>
  <uploadMethod ivo-id="ivo://ivoa.net/std/TAPRegExt#upload-http"/>
  <retentionPeriod><default>604800</default></retentionPeriod>
  <outputLimit><default unit="row">${maxRows}</default><hard unit="row">${maxRows}</hard></outputLimit>
  <uploadLimit><hard unit="byte">${maxUploadBytes}</hard></uploadLimit>
 </capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#capabilities">
  <interface xsi:type="vs:ParamHTTP" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1"><accessURL use="full">${u}/capabilities</accessURL></interface>
 </capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#availability">
  <interface xsi:type="vs:ParamHTTP" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1"><accessURL use="full">${u}/availability</accessURL></interface>
 </capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#tables">
  <interface xsi:type="vs:ParamHTTP" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1"><accessURL use="full">${u}/tables</accessURL></interface>
 </capability>
</vosi:capabilities>
`;
}

/** The VOSI availability document. */
export function availabilityXml(upSince: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:availability xmlns:vosi="http://www.ivoa.net/xml/VOSIAvailability/v1.0">
 <vosi:available>true</vosi:available>
 <vosi:upSince>${new Date(upSince).toISOString()}</vosi:upSince>
 <vosi:note>deno-gaia local archive (synthetic data)</vosi:note>
</vosi:availability>
`;
}

const UWS_NS =
  'xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink" ' +
  'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function timeEl(name: string, ms: number | undefined): string {
  return ms === undefined
    ? `<uws:${name} xsi:nil="true" />`
    : `<uws:${name}>${uwsTime(ms)}</uws:${name}>`;
}

/** The `<uws:parameters>` element of a job. */
export function parametersXml(job: JobRecord, standalone = false): string {
  const lines = Object.entries(job.parameters).map(([k, v]) =>
    `<uws:parameter id="${xmlEscape(k)}">${cdata(v)}</uws:parameter>`
  );
  const el = `<uws:parameters${standalone ? " " + UWS_NS : ""}>\n${
    lines.join("\n")
  }\n</uws:parameters>`;
  return standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${el}\n` : el;
}

/** The `<uws:results>` element of a job. */
export function resultsXml(job: JobRecord, jobUrl: string, standalone = false): string {
  const r = job.phase === "COMPLETED" ? job.result : undefined;
  const inner = r
    ? `<uws:result id="result" xlink:type="simple" xlink:href="${
      xmlEscape(encodeURIComponent(`${jobUrl}/results/result`))
    }" mime="${xmlEscape(r.mime)}" size="${r.size}" rows="${r.rows}" />`
    : "";
  const el = `<uws:results${standalone ? " " + UWS_NS : ""}>${
    inner ? "\n" + inner + "\n" : ""
  }</uws:results>`;
  return standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${el}\n` : el;
}

function jobBody(job: JobRecord, jobUrl: string, attrs: string): string {
  const err = job.phase === "ERROR" && job.error
    ? `<uws:errorSummary type="fatal" hasDetail="true"><uws:message>${
      cdata(job.error)
    }</uws:message></uws:errorSummary>`
    : `<uws:errorSummary xsi:nil="true" />`;
  const loc = `${job.owner}/${
    new Date(job.creationTime).toISOString().slice(0, 10).replaceAll("-", "/")
  }/${job.jobId}`;
  return [
    `<uws:job${attrs}>`,
    `<uws:jobId>${cdata(job.jobId)}</uws:jobId>`,
    job.runId ? `<uws:runId>${cdata(job.runId)}</uws:runId>` : `<uws:runId xsi:nil="true" />`,
    `<uws:ownerId>${cdata(job.owner)}</uws:ownerId>`,
    `<uws:phase>${job.phase}</uws:phase>`,
    `<uws:quote xsi:nil="true" />`,
    timeEl("startTime", job.startTime),
    timeEl("endTime", job.endTime),
    `<uws:executionDuration>${job.executionDuration}</uws:executionDuration>`,
    `<uws:destruction>${uwsTime(job.destruction)}</uws:destruction>`,
    `<uws:creationTime>${uwsTime(job.creationTime)}</uws:creationTime>`,
    `<uws:locationId>${xmlEscape(loc)}</uws:locationId>`,
    `<uws:name>${cdata(job.name)}</uws:name>`,
    parametersXml(job),
    resultsXml(job, jobUrl),
    err,
    `</uws:job>`,
  ].join("\n");
}

/**
 * The UWS job document with the `uws:` prefix (PROTOCOL.md 1.3).
 *
 * @example
 * ```ts
 * import { jobXml } from "./documents.ts";
 * const xml = jobXml({ jobId: "1700000000000L", owner: "anonymous", phase: "PENDING", runId: "",
 *   name: "", parameters: { query: "SELECT 1" }, creationTime: 0, destruction: 1, executionDuration: 0,
 *   uploads: [] }, "http://127.0.0.1/tap-server/tap/async/1700000000000L");
 * if (!xml.includes("<uws:phase>PENDING</uws:phase>")) throw new Error(xml);
 * ```
 */
export function jobXml(job: JobRecord, jobUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${jobBody(job, jobUrl, " " + UWS_NS)}\n`;
}

/** The standard UWS job list (`GET tap/async`): `uws:jobref` entries and a `total` attribute. */
export function jobRefsXml(jobs: JobRecord[], asyncUrl: string, total: number): string {
  const refs = jobs.map((j) =>
    `<uws:jobref id="${xmlEscape(j.jobId)}" xlink:href="${
      xmlEscape(`${asyncUrl}/${j.jobId}`)
    }"><uws:phase>${j.phase}</uws:phase></uws:jobref>`
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<uws:jobs ${UWS_NS} total="${total}">\n${
    refs.join("\n")
  }${refs.length ? "\n" : ""}</uws:jobs>\n`;
}

/** The TAP+ job list (`GET tap/jobs/async`): full `uws:job` elements. */
export function jobListXml(jobs: JobRecord[], asyncUrl: string, total: number): string {
  const body = jobs.map((j) => jobBody(j, `${asyncUrl}/${j.jobId}`, ""));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<uws:jobs ${UWS_NS} total="${total}">\n${
    body.join("\n")
  }${body.length ? "\n" : ""}</uws:jobs>\n`;
}
