import assert from "node:assert/strict";
import { collectTable } from "../table/reader.ts";
import { parseVOTableDocument } from "./parse_document.ts";
import { readVOTable } from "./read_votable.ts";

const DOC = `<?xml version="1.0"?>
<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <DESCRIPTION>Everything at once</DESCRIPTION>
 <DEFINITIONS><COOSYS ID="old" system="eq_FK5" equinox="J2000"/></DEFINITIONS>
 <INFO name="server" value="test">hello</INFO>
 <TIMESYS ID="tcb" timeorigin="2455197.5" timescale="TCB" refposition="BARYCENTER"/>
 <RESOURCE type="results" name="r1" ID="res1">
  <INFO name="QUERY_STATUS" value="OK"/>
  <PARAM name="RELEASE" datatype="char" arraysize="*" value="Gaia DR3"/>
  <PARAM name="band" datatype="char" arraysize="*" value="G" ucd="instr.bandpass">
   <DESCRIPTION>Photometric band</DESCRIPTION>
   <VALUES><MIN value="0"/><MAX value="10" inclusive="no"/><OPTION name="green" value="G"/><OPTION value="BP"><OPTION value="BP-nested"/></OPTION></VALUES>
  </PARAM>
  <COOSYS ID="icrs" system="ICRS" epoch="J2016.0"/>
  <LINK content-role="doc" href="https://gea.esac.esa.int/archive/documentation/"/>
  <TABLE name="epochs" ID="t1" nrows="2" utype="ts:TimeSeries">
   <DESCRIPTION>Epoch photometry</DESCRIPTION>
   <FIELD name="time" datatype="double" unit="d" ref="tcb" ID="time"><LINK href="https://x/time" title="t"/></FIELD>
   <FIELD name="mag" datatype="float" unit="mag" ID="mag"/>
   <PARAM name="source_id" datatype="long" value="5937083312263887616"/>
   <GROUP name="phot" ucd="phot"><DESCRIPTION>Photometry</DESCRIPTION><FIELDref ref="time"/><FIELDref ref="mag"/><PARAMref ref="bandref"/>
     <PARAM name="flux_unit" datatype="char" arraysize="*" value="e-/s"/><GROUP name="inner"/></GROUP>
   <LINK href="https://x/table"/>
   <DATA><TABLEDATA><TR><TD>1.5</TD><TD>17.25</TD></TR><TR><TD>2.5</TD><TD/></TR></TABLEDATA>
   <INFO name="note" value="after data"/></DATA>
   <INFO name="table_info" value="x"/>
  </TABLE>
  <RESOURCE name="inner"><TABLE name="empty"><FIELD name="z" datatype="int"/></TABLE></RESOURCE>
  <INFO name="QUERY_STATUS" value="OVERFLOW">truncated at MAXREC</INFO>
 </RESOURCE>
 <RESOURCE type="meta" utype="adhoc:service" ID="ancillary" name="ancillary">
  <DESCRIPTION>Ancillary data</DESCRIPTION>
  <PARAM name="standardID" datatype="char" arraysize="*" value="ivo://ivoa.net/std/DataLink#links-1.1"/>
  <PARAM name="accessURL" datatype="char" arraysize="*" value="https://gea.esac.esa.int/data-server/datalink/links"/>
  <PARAM name="contentType" datatype="char" arraysize="*" value="application/x-votable+xml;content=datalink"/>
  <GROUP name="inputParams">
   <PARAM name="ID" datatype="char" arraysize="*" ref="sid" value=""/>
   <PARAM name="RETRIEVAL_TYPE" datatype="char" arraysize="*" value="ALL"><VALUES><OPTION value="ALL"/><OPTION value="EPOCH_PHOTOMETRY"/></VALUES></PARAM>
  </GROUP>
 </RESOURCE>
</VOTABLE>`;

Deno.test("parseVOTableDocument() reads resources, tables, params, groups, links and systems", async () => {
  const doc = await parseVOTableDocument(DOC);
  assert.equal(doc.version, "1.5");
  assert.equal(doc.description, "Everything at once");
  assert.deepEqual(doc.infos, [{ name: "server", value: "test", content: "hello" }]);
  assert.deepEqual(doc.coosys, [{ ID: "old", system: "eq_FK5", equinox: "J2000" }]);
  assert.deepEqual(doc.timesys, [{
    ID: "tcb",
    timeorigin: "2455197.5",
    timescale: "TCB",
    refposition: "BARYCENTER",
  }]);
  assert.equal(doc.queryStatus, "OVERFLOW");
  assert.equal(doc.queryStatusMessage, "truncated at MAXREC");

  const r = doc.resources[0];
  assert.deepEqual([r.name, r.ID, r.type], ["r1", "res1", "results"]);
  assert.deepEqual(r.params.map((p) => [p.name, p.value]), [["RELEASE", "Gaia DR3"], [
    "band",
    "G",
  ]]);
  const band = r.params[1];
  assert.equal(band.description, "Photometric band");
  assert.deepEqual(band.values, {
    options: [{ value: "G", name: "green" }, { value: "BP" }, { value: "BP-nested" }],
    min: { value: "0", inclusive: true },
    max: { value: "10", inclusive: false },
  });
  assert.deepEqual(r.coosys, [{ ID: "icrs", system: "ICRS", epoch: "J2016.0" }]);
  assert.deepEqual(r.links, [{
    "content-role": "doc",
    href: "https://gea.esac.esa.int/archive/documentation/",
  }]);

  const t = r.tables[0];
  assert.deepEqual([t.name, t.ID, t.nrows, t.utype, t.description, t.format], [
    "epochs",
    "t1",
    2,
    "ts:TimeSeries",
    "Epoch photometry",
    "votable/tabledata",
  ]);
  assert.deepEqual([...t.table.getChild("mag")!], [17.25, null]);
  assert.deepEqual(t.fields.map((f) => [f.name, f.unit, f.ref]), [["time", "d", "tcb"], [
    "mag",
    "mag",
    undefined,
  ]]);
  assert.deepEqual(t.fields[0].links, [{ href: "https://x/time", title: "t" }]);
  assert.deepEqual(t.params.map((p) => [p.name, p.datatype, p.value]), [[
    "source_id",
    "long",
    "5937083312263887616",
  ]]);
  assert.equal(t.groups.length, 1);
  const g = t.groups[0];
  assert.deepEqual([g.name, g.ucd, g.description], ["phot", "phot", "Photometry"]);
  assert.deepEqual(g.fieldRefs, ["time", "mag"]);
  assert.deepEqual(g.paramRefs, ["bandref"]);
  assert.deepEqual(g.params.map((p) => p.value), ["e-/s"]);
  assert.deepEqual(g.groups.map((x) => x.name), ["inner"]);
  assert.deepEqual(t.infos.map((i) => i.name), ["table_info", "note"]);
  assert.deepEqual(t.links, [{ href: "https://x/table" }]);

  assert.equal(r.resources[0].tables[0].name, "empty");
  assert.equal(r.resources[0].tables[0].table.numRows, 0);
  assert.equal(r.resources[0].tables[0].format, "votable");
  assert.deepEqual(doc.tables.map((x) => x.name), ["epochs", "empty"]);

  assert.equal(doc.serviceDescriptors.length, 1);
  const sd = doc.serviceDescriptors[0];
  assert.deepEqual([sd.ID, sd.name, sd.description], ["ancillary", "ancillary", "Ancillary data"]);
  assert.equal(sd.standardID, "ivo://ivoa.net/std/DataLink#links-1.1");
  assert.equal(sd.contentType, "application/x-votable+xml;content=datalink");
  assert.deepEqual(sd.inputParams.map((p) => [p.name, p.ref ?? null]), [["ID", "sid"], [
    "RETRIEVAL_TYPE",
    null,
  ]]);
  assert.deepEqual(sd.inputParams[1].values?.options.map((o) => o.value), [
    "ALL",
    "EPOCH_PHOTOMETRY",
  ]);
});

Deno.test("readVOTable() meta has the table's and its resources' INFOs and PARAMs, status last", async () => {
  const reader = readVOTable(DOC);
  const schema = await reader.schema();
  assert.deepEqual(schema.fields.map((f) => f.name), ["time", "mag"]);
  assert.equal(reader.meta.queryStatus, "OK", "before the rows only the first status is known");
  const { meta } = await collectTable(reader);
  assert.equal(meta.queryStatus, "OVERFLOW");
  assert.equal(meta.queryStatusMessage, "truncated at MAXREC");
  assert.deepEqual(meta.infos.map((i) => i.name), [
    "server",
    "QUERY_STATUS",
    "QUERY_STATUS",
    "table_info",
    "note",
  ]);
  assert.deepEqual(meta.params.map((p) => p.name), ["RELEASE", "band", "source_id"]);
  assert.equal(meta.name, "epochs");
  assert.equal(meta.description, "Epoch photometry");
});
