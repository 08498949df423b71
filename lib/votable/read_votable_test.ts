import assert from "node:assert/strict";
import type { Table } from "apache-arrow";
import { collectTable } from "../table/reader.ts";
import { columnMeta } from "../table/metadata.ts";
import { readVOTable } from "./read_votable.ts";
import { parseVOTableDocument, parseVOTableError } from "./parse_document.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const ASTROQUERY = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const dachs = (name: string) => Deno.readFileSync(new URL(name, DACHS));
const aq = (name: string) => Deno.readFileSync(new URL(name, ASTROQUERY));

/** Rows as JSON text, bigints marked, so tables compare exactly. */
function rowsJson(t: Table): string {
  return JSON.stringify(
    t.toArray().map((r) => r.toJSON()),
    (_k, v) => typeof v === "bigint" ? `${v}n` : v,
  );
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return ReadableStream.from(chunks);
}

const FIVE = [
  "sync-nulls-td.vot",
  "sync-nulls-b2.vot",
  "sync-nulls-default.vot",
  "sync-nulls-responseformat-b2.vot",
];

Deno.test("readVOTable() reads DaCHS' five rows with exact int64 and the documented nulls", async () => {
  const { table, meta } = await collectTable(readVOTable(dachs("sync-nulls-td.vot")));
  assert.equal(table.numRows, 5);
  assert.equal(table.numCols, 25);
  assert.equal(meta.format, "votable/tabledata");
  assert.equal(meta.queryStatus, "OK");
  const ids = [...table.getChild("source_id")!];
  assert.deepEqual(ids, [
    34634616274944n,
    506565622759429n,
    676577608204294n,
    22676671408635908n,
    64942654294589445n,
  ]);
  assert.equal(table.getChild("solution_id")!.get(4), 1636148068921376768n);
  const col = (n: string) => [...table.getChild(n)!];
  // 2-parameter solution: no parallax/pm/ruwe.
  assert.equal(col("parallax")[0], null);
  assert.equal(col("pmra")[0], null);
  assert.equal(col("ruwe")[0], null);
  // BP missing; then BP+RP+astrometry missing.
  assert.equal(col("phot_bp_mean_mag")[1], null);
  assert.equal(col("bp_rp")[1], null);
  assert.notEqual(col("phot_rp_mean_mag")[1], null);
  assert.equal(col("phot_rp_mean_mag")[2], null);
  assert.equal(col("parallax")[2], null);
  // Negative parallax and XP continuous.
  assert.ok((col("parallax")[3] as number) < 0);
  assert.equal(col("has_xp_continuous")[3], true);
  // The bright variable with a radial velocity.
  assert.equal(col("phot_variable_flag")[4], "VARIABLE");
  assert.ok(Math.abs((col("radial_velocity")[4] as number) - 4.763363) < 1e-5);
  assert.deepEqual(col("radial_velocity").slice(0, 4), [null, null, null, null]);
  // Types and metadata.
  assert.equal(String(table.schema.fields.find((f) => f.name === "ra_error")!.type), "Float32");
  const ra = columnMeta(table.schema.fields.find((f) => f.name === "ra")!);
  assert.equal(ra.unit, "deg");
  assert.equal(ra.ucd, "pos.eq.ra;meta.main");
  assert.equal(ra.datatype, "double");
  assert.ok(ra.description && ra.description.length > 5);
});

Deno.test("readVOTable() gives identical tables for TABLEDATA, BINARY and BINARY2 of the same rows", async () => {
  const results = await Promise.all(FIVE.map((f) => collectTable(readVOTable(dachs(f)))));
  const want = rowsJson(results[0].table);
  const types = results[0].table.schema.fields.map((f) => String(f.type)).join();
  for (let i = 1; i < FIVE.length; i++) {
    assert.equal(rowsJson(results[i].table), want, FIVE[i]);
    assert.equal(results[i].table.schema.fields.map((f) => String(f.type)).join(), types, FIVE[i]);
  }
  assert.deepEqual(results.map((r) => r.meta.format), [
    "votable/tabledata",
    "votable/binary2",
    "votable/binary",
    "votable/binary2",
  ]);
});

Deno.test("readVOTable() gives the same result for 1-byte, 7-byte and gzip'd input", async () => {
  for (const f of FIVE) {
    const bytes = dachs(f);
    const want = rowsJson((await collectTable(readVOTable(bytes))).table);
    for (const size of [1, 7]) {
      const { table } = await collectTable(readVOTable(chunked(bytes, size), { batchSize: 2 }));
      assert.equal(rowsJson(table), want, `${f} in ${size}-byte chunks`);
    }
    const gz = new Uint8Array(
      await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer(),
    );
    const { table, meta } = await collectTable(readVOTable(chunked(gz, 100)));
    assert.equal(rowsJson(table), want, `${f} gzip`);
    assert.equal(meta.queryStatus, "OK");
  }
});

Deno.test("readVOTable() yields batches of batchSize rows", async () => {
  const sizes: number[] = [];
  for await (const b of readVOTable(dachs("sync-nulls-b2.vot"), { batchSize: 2 })) {
    sizes.push(b.numRows);
  }
  assert.deepEqual(sizes, [2, 2, 1]);
});

Deno.test("readVOTable() finds DaCHS' OVERFLOW after the TABLE", async () => {
  const { table, meta } = await collectTable(readVOTable(dachs("sync-overflow-maxrec3-td.vot")));
  assert.equal(table.numRows, 3);
  assert.deepEqual([...table.getChild("source_id")!], [
    34634616274944n,
    93664646791168n,
    134655814664198n,
  ]);
  assert.equal(meta.queryStatus, "OVERFLOW");
  assert.equal(meta.infos.filter((i) => i.name === "QUERY_STATUS").length, 2);
  assert.equal(table.schema.metadata.get("query_status"), "OVERFLOW");
});

Deno.test("readVOTable() reads a MAXREC=0 answer as an empty table with its schema", async () => {
  const reader = readVOTable(dachs("sync-maxrec0-td.vot"));
  const schema = await reader.schema();
  assert.deepEqual(schema.fields.map((f) => f.name), ["source_id", "ra", "dec"]);
  const { table, meta } = await collectTable(reader);
  assert.equal(table.numRows, 0);
  assert.equal(meta.queryStatus, "OVERFLOW");
});

const ERRORS: Array<[string, string]> = [
  ["sync-error-syntax.vot", `Could not parse your query: Expected "SELECT"`],
  ["sync-error-unknown-table.vot", "Could not locate table 'gaiadr3.nosuchtable'"],
  ["sync-error-unknown-column.vot", "No such field known: column 'nonexistent'"],
  ["sync-error-bad-format.vot", "Cannot serialize in 'votable/b'"],
  ["async-err-3-error.vot", "Could not parse your query"],
  ["async-9-get-deleted.xml", "could not be located in jobs table"],
];

Deno.test("readVOTable() ends error documents with status ERROR and the server's message", async () => {
  for (const [file, text] of ERRORS) {
    const { table, meta } = await collectTable(readVOTable(dachs(file)));
    assert.equal(meta.queryStatus, "ERROR", file);
    assert.ok(meta.queryStatusMessage?.includes(text), `${file}: ${meta.queryStatusMessage}`);
    assert.equal(table.numRows, 0);
    assert.equal(table.numCols, 0);
    assert.equal(await parseVOTableError(dachs(file)).then((m) => m?.includes(text)), true, file);
  }
  assert.equal(await parseVOTableError(dachs("sync-nulls-b2.vot")), undefined);
  assert.equal(await parseVOTableError("<html><body>Bad gateway</body></html>"), undefined);
});

Deno.test("parseVOTableDocument() reads DaCHS' DataLink service descriptor", async () => {
  for (const f of [...FIVE, "sync-overflow-maxrec3-td.vot", "async-7-result.vot"]) {
    const doc = await parseVOTableDocument(dachs(f));
    assert.equal(doc.serviceDescriptors.length, 1, f);
    const sd = doc.serviceDescriptors[0];
    assert.equal(sd.accessURL, "http://localhost:8080/gaiadr3/q/dl/dlmeta");
    assert.equal(sd.standardID, "ivo://ivoa.net/std/DataLink#links-1.0");
    assert.equal(sd.name, "links");
    assert.deepEqual(sd.inputParams.map((p) => [p.name, p.ref, p.ucd]), [[
      "ID",
      "source_id",
      "meta.id;meta.main",
    ]]);
    assert.equal(doc.resources.length, 2);
    assert.equal(doc.resources[0].type, "results");
    if (FIVE.includes(f)) {
      assert.deepEqual(doc.resources[0].coosys, [{
        ID: "system",
        epoch: "J2016.0",
        system: "ICRS",
      }]);
    }
  }
});

Deno.test("readVOTable() reads DaCHS' DataLink and upload documents", async () => {
  const known = await collectTable(readVOTable(dachs("datalink-links-known.vot")));
  assert.equal(known.table.numRows, 1);
  const row = known.table.get(0)!.toJSON();
  assert.equal(row.ID, "64942654294589445");
  assert.equal(row.semantics, "#auxiliary");
  assert.ok(String(row.access_url).includes("source_id%3D64942654294589445"));
  const unknown = await collectTable(readVOTable(dachs("datalink-links-unknown.vot")));
  assert.ok(String(unknown.table.get(0)!.toJSON().error_message).startsWith("NotFoundFault"));
  const up = await collectTable(readVOTable(dachs("upload-t1.vot")));
  assert.equal(
    rowsJson(up.table),
    JSON.stringify([
      { id: 1, ra: 56.75, dec: 24.12, label: "pleiades" },
      { id: 2, ra: 180, dec: 0, label: "field" },
      { id: 3, ra: 266.4, dec: -28.9, label: "gc" },
    ]),
  );
  const td = await collectTable(readVOTable(dachs("sync-upload-td.vot")));
  assert.equal(td.table.numRows, 3);
  const res = await collectTable(readVOTable(dachs("async-7-result.vot")));
  assert.deepEqual([...res.table.getChild("ra")!], [
    44.9928518232959,
    44.347352857739,
    45.0964456588878,
  ]);
});

Deno.test("readVOTable() reads the Gaia archive's results recorded by astroquery", async () => {
  const b2 = await collectTable(readVOTable(aq("1714556098855O-result.vot")));
  assert.equal(b2.meta.format, "votable/binary2");
  assert.equal(b2.table.numRows, 1);
  assert.equal(b2.table.numCols, 152);
  assert.equal(b2.table.getChild("source_id")!.get(0), 5929246508730155392n);
  assert.equal(b2.table.getChild("solution_id")!.get(0), 1636148068921376768n);
  assert.equal(b2.table.getChild("designation")!.get(0), "Gaia DR3 5929246508730155392");
  assert.equal(b2.meta.queryStatus, "OK");
  assert.equal(b2.meta.infos.find((i) => i.name === "JOBID")?.value, "1714556098855O");
  assert.deepEqual(b2.meta.params.map((p) => [p.name, p.value]), [["RELEASE", "Gaia DR3"]]);

  const td = await collectTable(readVOTable(aq("1710099405832VAL-result.vot")));
  assert.equal(td.meta.format, "votable/tabledata");
  assert.equal(td.table.numRows, 2);
  assert.equal(td.table.getChild("source_id")!.get(0), 4583627001381815936n);

  const plain = await collectTable(readVOTable(aq("1744351221317O-result_plain.vot")));
  assert.deepEqual([...plain.table.getChild("source_id")!], [
    3834447128563320320n,
    3834447162923057280n,
  ]);

  const dr1 = await collectTable(readVOTable(aq("test_job_results.xml")));
  assert.equal(dr1.table.numRows, 5);
  assert.equal(dr1.table.numCols, 57);
  assert.equal(dr1.table.getChild("source_id")!.get(0), 5991063320161776768n);

  const doc = await parseVOTableDocument(aq("1714556098855O-result.vot"));
  assert.equal(doc.version, "1.4");
  assert.deepEqual(doc.resources[0].coosys, [{ ID: "GAIADR3", system: "ICRS", epoch: "J2016.0" }]);
  assert.equal(doc.serviceDescriptors.length, 1);
});

Deno.test("readVOTable() picks a table by index and says when it does not exist", async () => {
  const vot =
    `<VOTABLE><RESOURCE><TABLE name="a"><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE>
  <RESOURCE><TABLE name="b"><FIELD name="y" datatype="char" arraysize="*"/><DATA><TABLEDATA><TR><TD>two</TD></TR><TR><TD>three</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE>
  </RESOURCE></VOTABLE>`;
  const second = await collectTable(readVOTable(vot, { table: 1 }));
  assert.deepEqual([...second.table.getChild("y")!], ["two", "three"]);
  assert.equal(second.meta.name, "b");
  await assert.rejects(() => collectTable(readVOTable(vot, { table: 2 })), RangeError);
  const doc = await parseVOTableDocument(vot);
  assert.deepEqual(doc.tables.map((t) => [t.name, t.table.numRows]), [["a", 1], ["b", 2]]);
  assert.equal(doc.resources[0].resources[0].tables[0].name, "b");
});

Deno.test("readVOTable() stops reading when iteration stops early", async () => {
  const rows = "<TR><TD>1</TD><TD>some text</TD></TR>".repeat(20000);
  const bytes = new TextEncoder().encode(
    `<VOTABLE><RESOURCE><TABLE><FIELD name="a" datatype="int"/><FIELD name="b" datatype="char" arraysize="*"/>` +
      `<DATA><TABLEDATA>${rows}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`,
  );
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled * 4096 >= bytes.length) c.close();
      else c.enqueue(bytes.slice(pulled * 4096, ++pulled * 4096));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  for await (const b of readVOTable(stream, { batchSize: 100 })) {
    assert.equal(b.numRows, 100);
    break;
  }
  assert.ok(pulled * 4096 < bytes.length / 2, `read ${pulled * 4096} of ${bytes.length} bytes`);
  assert.ok(cancelled, "the source stream is cancelled");
});

Deno.test("readVOTable() honours an abort signal", async () => {
  const ac = new AbortController();
  ac.abort(new Error("stop"));
  await assert.rejects(
    () => collectTable(readVOTable(dachs("sync-nulls-td.vot"), { signal: ac.signal })),
    /stop/,
  );
});

Deno.test("readVOTable() skips BINARY2 and BINARY tables it was not asked for", async () => {
  const { encodeVOTable } = await import("./writer.ts");
  const { tableFromArrays } = await import("apache-arrow");
  const strip = (b: Uint8Array) => {
    const t = new TextDecoder().decode(b);
    return t.slice(t.indexOf("<TABLE"), t.indexOf("</TABLE>") + 8);
  };
  const a = strip(
    encodeVOTable(tableFromArrays({ a: Float64Array.from([1, 2, 3]) }), {
      serialization: "binary2",
    }),
  );
  const b = strip(
    encodeVOTable(tableFromArrays({ b: Int32Array.from([4, 5]) }), { serialization: "binary" }),
  );
  const c = strip(
    encodeVOTable(tableFromArrays({ c: Int32Array.from([6]) }), { serialization: "tabledata" }),
  );
  const doc = `<VOTABLE><RESOURCE>${a}${b}${c}</RESOURCE></VOTABLE>`;
  for (const [i, name, values] of [[0, "a", [1, 2, 3]], [1, "b", [4, 5]], [2, "c", [6]]] as const) {
    for (const size of [doc.length, 3]) {
      const bytes = new TextEncoder().encode(doc);
      const { table, meta } = await collectTable(readVOTable(chunked(bytes, size), { table: i }));
      assert.deepEqual([...table.getChild(name)!], values);
      assert.equal(meta.format, ["votable/binary2", "votable/binary", "votable/tabledata"][i]);
    }
  }
});

Deno.test("readVOTable() reads a very large cell arriving in small chunks", async () => {
  const big = "x".repeat(3_000_000);
  const doc = new TextEncoder().encode(
    `<VOTABLE><RESOURCE><TABLE><FIELD name="s" datatype="char" arraysize="*"/><DATA><TABLEDATA><TR><TD>${big}</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`,
  );
  const { table } = await collectTable(readVOTable(chunked(doc, 4096)));
  assert.equal((table.getChild("s")!.get(0) as string).length, big.length);
});

Deno.test("readVOTable() transcodes ISO-8859-1 and UTF-16 documents, and refuses unknown encodings", async () => {
  const body =
    `<VOTABLE><RESOURCE><INFO name="who" value="Hélène"/><TABLE><FIELD name="s" datatype="char" arraysize="*"/>` +
    `<DATA><TABLEDATA><TR><TD>café</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`;
  const latin1 = Uint8Array.from(
    `<?xml version="1.0" encoding="ISO-8859-1"?>${body}`,
    (c) => c.charCodeAt(0),
  );
  assert.equal(latin1.includes(0xe9), true);
  const a = await collectTable(readVOTable(chunked(latin1, 5)));
  assert.equal(a.table.getChild("s")!.get(0), "café");
  assert.equal(a.meta.infos[0].value, "Hélène");
  const text = `<?xml version="1.0" encoding="UTF-16"?>${body}`;
  const utf16 = new Uint8Array(2 + text.length * 2);
  utf16[0] = 0xff;
  utf16[1] = 0xfe;
  for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
  const b = await collectTable(readVOTable(utf16));
  assert.equal(b.table.getChild("s")!.get(0), "café");
  await assert.rejects(
    () => collectTable(readVOTable(`<?xml version="1.0" encoding="x-no-such"?>${body}`)),
    /character encoding "x-no-such" is not supported/,
  );
});

Deno.test("parseVOTableDocument() reads the Gaia DataLink products (BINARY2 with variable arrays)", async () => {
  const { unzipSync } = await import("fflate");
  const zip = unzipSync(aq("gaia_dr3_source_id_5937083312263887616_dl_products_vot.zip"));
  const get = async (prefix: string) => {
    const name = Object.keys(zip).find((n) => n.startsWith(prefix))!;
    const doc = await parseVOTableDocument(zip[name]);
    assert.equal(doc.tables[0].format, "votable/binary2");
    return doc.tables[0].table;
  };
  const mcmc = await get("MCMC_MSC");
  assert.equal(mcmc.numRows, 100);
  assert.equal(mcmc.getChild("source_id")!.get(0), 5937083312263887616n);
  const sampled = await get("XP_SAMPLED");
  assert.equal(sampled.numRows, 343);
  assert.equal(sampled.getChild("wavelength")!.get(0), 336);
  const cont = await get("XP_CONTINUOUS");
  assert.equal(cont.numRows, 1);
  const row = cont.get(0)!.toJSON();
  const n = row.bp_n_parameters as number;
  assert.equal(n, 55);
  assert.equal((row.bp_coefficients as { length: number }).length, n);
  assert.equal((row.bp_coefficient_errors as { length: number }).length, n);
  assert.equal((row.bp_coefficient_correlations as { length: number }).length, (n * (n - 1)) / 2);
  assert.equal(
    String(cont.schema.fields.find((f) => f.name === "bp_coefficients")!.type),
    "List<Float64>",
  );
});

Deno.test("readVOTable: nrows only sizes the first batch; a claim too big or too small changes nothing", async () => {
  const doc = (nrows: string) =>
    `<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE type="results"><TABLE nrows="${nrows}">` +
    `<FIELD name="id" datatype="long"/><FIELD name="x" datatype="double"/>` +
    `<FIELD name="tag" datatype="char" arraysize="8"/><DATA><TABLEDATA>` +
    Array.from(
      { length: 70_000 },
      (_, i) => `<TR><TD>${i}</TD><TD>${i / 2}</TD><TD>t${i % 97}</TD></TR>`,
    )
      .join("") +
    `</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`;
  for (const nrows of ["70000", "3", "999999999999999", "-1", "lots"]) {
    const { table } = await collectTable(readVOTable(doc(nrows)));
    assert.equal(table.numRows, 70_000, nrows);
    assert.equal(table.getChild("id")!.get(69_999), 69_999n, nrows);
    assert.equal(table.getChild("x")!.get(65_537), 65_537 / 2, nrows);
    assert.equal(table.getChild("tag")!.get(69_999), `t${69_999 % 97}`, nrows);
  }
});
