import assert from "node:assert/strict";
import { extractServerMessage } from "../../lib/http/mod.ts";
import { TableFormatError } from "../../lib/io/errors.ts";
import {
  jobParameter,
  parseAvailability,
  parseCapabilities,
  parseJob,
  parseJobList,
  parseResultList,
  parseTableset,
  parseVoDate,
} from "../../lib/tap/mod.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const ESA = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const read = (dir: URL, name: string) => Deno.readTextFileSync(new URL(name, dir));

Deno.test("parseAvailability() reads DaCHS availability", () => {
  const a = parseAvailability(read(DACHS, "availability.xml"));
  assert.equal(a.available, true);
  assert.equal(a.upSince?.toISOString(), "2026-11-25T02:45:03.000Z");
});

Deno.test("parseCapabilities() reads DaCHS formats, uploads and limits", () => {
  const c = parseCapabilities(read(DACHS, "capabilities.xml"));
  assert.deepEqual(c.outputLimit, {
    default: { value: 20000, unit: "row" },
    hard: { value: 20000000, unit: "row" },
  });
  assert.deepEqual(c.uploadLimit, { hard: { value: 20000000, unit: "byte" } });
  assert.equal(c.retentionPeriod.default, 172800);
  assert.equal(c.executionDuration.default, 3600);
  assert.ok(c.uploadMethods.includes("ivo://ivoa.net/std/TAPRegExt#upload-inline"));
  const b2 = c.outputFormats.find((f) => f.aliases.includes("votable/b2"));
  assert.equal(b2?.mime, "application/x-votable+xml;serialization=BINARY2");
  assert.equal(c.languages[0]?.name, "ADQL");
  assert.deepEqual(c.languages[0]?.versions, ["2.0", "2.1"]);
  assert.ok(c.capabilities.some((x) => x.standardID === "ivo://ivoa.net/std/VOSI#tables"));
});

Deno.test("parseTableset() reads the DaCHS tableset with foreign keys", () => {
  const schemas = parseTableset(read(DACHS, "tables.xml"));
  const names = schemas.map((s) => s.name);
  assert.ok(names.includes("gaiadr3") && names.includes("tap_schema"), names.join());
  const gs = schemas.flatMap((s) => s.tables).find((t) => t.name === "gaiadr3.gaia_source")!;
  assert.equal(gs.schema, "gaiadr3");
  assert.equal(gs.columns.length, 25);
  const ra = gs.columns.find((c) => c.name === "ra")!;
  assert.equal(ra.unit, "deg");
  assert.equal(ra.ucd, "pos.eq.ra;meta.main");
  assert.equal(ra.datatype, "double");
  assert.equal(ra.datatypeKind, "VOTableType");
  assert.ok(ra.indexed && !ra.nullable);
  const des = gs.columns.find((c) => c.name === "designation")!;
  assert.equal(des.arraysize, "*");
  const sid = gs.columns.find((c) => c.name === "source_id")!;
  assert.ok(sid.primary);
  const cols = schemas.flatMap((s) => s.tables).find((t) => t.name === "tap_schema.columns")!;
  assert.deepEqual(cols.foreignKeys[0], {
    targetTable: "tap_schema.tables",
    columns: [{ from: "table_name", target: "table_name" }],
  });
});

Deno.test("parseTableset() reads a single-table VOSI document", () => {
  const [schema] = parseTableset(read(DACHS, "tables-gaia_source.xml"));
  assert.equal(schema?.name, "gaiadr3");
  assert.equal(schema?.tables[0]?.name, "gaiadr3.gaia_source");
  assert.equal(schema?.tables[0]?.columns.length, 25);
});

Deno.test("parseTableset() reads ESA esatapplus attributes and TAPType datatypes", () => {
  const schemas = parseTableset(read(ESA, "test_tables_gaia.xml"));
  const ext = schemas.find((s) => s.name === "external")!;
  assert.equal(ext.public, true);
  const apass = ext.tables.find((t) => t.name === "external.apassdr9")!;
  assert.equal(apass.nrows, 61176401);
  assert.equal(apass.esa?.size_bytes, "22474547200");
  assert.equal(apass.esa?.hierarchy, "Other/External catalogues");
  assert.equal(apass.type, "base_table");
  const raj = apass.columns.find((c) => c.name === "raj2000")!;
  assert.equal(raj.esa?.flags, "1");
  assert.equal(raj.std, false);
  assert.ok(raj.primary && raj.indexed);
  const user = parseTableset(read(ESA, "test_table_update.xml"));
  const t6 = user[0]!.tables[0]!;
  assert.equal(user[0]!.public, false);
  assert.equal(t6.name, "user_jsegovia.table6");
  assert.equal(t6.columns[0]!.datatypeKind, "TAPType");
  assert.equal(t6.columns[0]!.datatype, "INTEGER");
  assert.equal(t6.columns[1]!.ucd, undefined, "ucd 'None' is dropped");
});

Deno.test("parseJob() reads DaCHS pending, completed and error jobs", () => {
  const pending = parseJob(read(DACHS, "async-2-job-pending.xml"));
  assert.equal(pending.jobId, "ith383lm");
  assert.equal(pending.phase, "PENDING");
  assert.equal(pending.version, "1.1");
  assert.equal(pending.startTime, undefined);
  assert.equal(pending.executionDuration, 3600);
  assert.equal(pending.destruction?.toISOString(), "2026-11-27T02:45:23.000Z");
  assert.equal(jobParameter(pending, "MAXREC"), "100");
  assert.equal(pending.parameters["format"], "votable/td");
  assert.equal(pending.ownerId, undefined);
  const done = parseJob(read(DACHS, "async-5-job-completed.xml"));
  assert.equal(done.phase, "COMPLETED");
  assert.equal(done.quote?.toISOString(), "2026-11-25T02:45:25.000Z");
  assert.deepEqual(done.results, [{
    id: "result",
    href: "http://localhost:8080/__system__/tap/run/async/ith383lm/results/result",
  }]);
  const err = parseJob(read(DACHS, "async-err-2-job.xml"));
  assert.equal(err.phase, "ERROR");
  assert.equal(err.errorSummary?.type, "fatal");
  assert.equal(err.errorSummary?.hasDetail, false);
  assert.match(err.errorSummary!.message, /Could not parse your query/);
});

Deno.test("parseJobList() reads ESA jobrefs and full job lists", () => {
  const refs = parseJobList(
    read(ESA, "test_jobs_list.xml"),
    "http://gea.esac.esa.int/tap-server/tap/async",
  );
  assert.deepEqual(refs.map((r) => [r.id, r.phase]), [["1479386030738O", "COMPLETED"], [
    "14793860307381",
    "ERROR",
  ]]);
  assert.equal(refs[0]!.url, "http://gea.esac.esa.int/tap-server/tap/async/1479386030738O");
  const full = parseJobList(
    read(ESA, "test_jobs_async.xml"),
    "http://gea.esac.esa.int/tap-server/tap/async",
  );
  assert.ok(full.length >= 1);
  assert.ok(
    full.every((j) => j.url.startsWith("http://gea.esac.esa.int/tap-server/tap/async/") && j.phase),
  );
});

Deno.test("parseResultList() reads the DaCHS result list", () => {
  const r = parseResultList(
    read(DACHS, "async-6-results.xml"),
    "http://localhost:8080/__system__/tap/run/async/ith383lm",
  );
  assert.equal(
    r[0]?.href,
    "http://localhost:8080/__system__/tap/run/async/ith383lm/results/result",
  );
});

Deno.test("UWS and VOSI parsers reject malformed or foreign documents with TableFormatError", () => {
  assert.throws(() => parseJob("<uws:job><uws:phase>"), TableFormatError);
  assert.throws(() => parseJob("<VOTABLE/>"), /Not a UWS job/);
  assert.throws(
    () => parseJob("<job><jobId>a</jobId><phase>DANCING</phase></job>"),
    /Unknown UWS phase/,
  );
  assert.throws(
    () => parseTableset("<html><body>Maintenance</body></html>"),
    /Not a VOSI tableset/,
  );
  assert.throws(
    () => parseAvailability("<availability><available>maybe</available></availability>"),
    TableFormatError,
  );
});

Deno.test("parseVoDate() reads ESA offsets without colon and refuses garbage", () => {
  assert.equal(
    parseVoDate("2016-11-17T13:33:50.755+0100")?.toISOString(),
    "2016-11-17T12:33:50.755Z",
  );
  assert.equal(parseVoDate("2016-11-17")?.toISOString(), "2016-11-17T00:00:00.000Z");
  assert.equal(parseVoDate("yesterday"), undefined);
});

Deno.test("extractServerMessage() reads every DaCHS error fixture", () => {
  const cases: Array<[string, RegExp]> = [
    ["sync-error-syntax.vot", /Could not parse your query/],
    ["sync-error-unknown-table.vot", /nosuchtable/i],
    ["sync-error-unknown-column.vot", /nonexistent/i],
    ["sync-error-bad-format.vot", /Cannot serialize in 'votable\/b'.*hint: Either you gave/],
    ["async-err-3-error.vot", /Could not parse/],
    ["async-9-get-deleted.xml", /could not be located/],
  ];
  for (const [file, re] of cases) {
    const m = extractServerMessage(read(DACHS, file), "text/xml");
    assert.equal(m?.kind, "votable", file);
    assert.match(m!.message, re, file);
  }
});

Deno.test("parseJob() rejects a malformed percent-encoded result link with TableFormatError", () => {
  const doc =
    `<uws:job xmlns:uws="u" xmlns:xlink="x"><uws:jobId>a</uws:jobId><uws:phase>COMPLETED</uws:phase>
    <uws:results><uws:result id="result" xlink:href="http%3A%2F%2Fh%2F%E0%A4%A"/></uws:results></uws:job>`;
  assert.throws(() => parseJob(doc), TableFormatError);
});
