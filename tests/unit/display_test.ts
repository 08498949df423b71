import assert from "node:assert/strict";
import {
  Field,
  Float64,
  Int64,
  makeVector,
  RecordBatch,
  Schema,
  Table,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import {
  bundleOf,
  display,
  installDefaultDisplays,
  installDisplays,
  renderError,
  renderJob,
  renderProducts,
  renderTable,
  renderTableInfo,
} from "../../lib/notebook/mod.ts";
import { toFieldMetadata } from "../../lib/table/metadata.ts";
import { withStatus } from "../../lib/table/reader.ts";
import { HttpError } from "../../lib/http/errors.ts";
import { TapQueryError, UwsJobError } from "../../lib/tap/errors.ts";
import { TableFormatError } from "../../lib/io/errors.ts";

const XSS = "<img src=x onerror=alert(1)>";

function hostileTable(): Table {
  const schema = new Schema([
    new Field(
      XSS,
      new Utf8(),
      true,
      toFieldMetadata({ name: XSS, unit: XSS, ucd: XSS, description: `"${XSS}` }),
    ),
    new Field(
      "ra",
      new Float64(),
      true,
      toFieldMetadata({
        name: "ra",
        unit: "deg",
        ucd: "pos.eq.ra;meta.main",
        description: "Right ascension",
      }),
    ),
  ]);
  const t = new Table({
    [XSS]: vectorFromArray([XSS, "ok"], new Utf8()),
    ra: vectorFromArray([1.5, 2.5], new Float64()),
  });
  return new Table(schema, t.batches.map((b) => new RecordBatch(schema, b.data)));
}

Deno.test("renderTable() escapes markup in values, names, units, UCDs and descriptions", () => {
  const html = renderTable(hostileTable(), { title: XSS })["text/html"]!;
  assert.ok(!html.includes("<img"), html);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(!/title="[^"]*<img/.test(html));
});

Deno.test("renderTable() shows units and UCDs in headers and descriptions as tooltips", () => {
  const html = renderTable(hostileTable())["text/html"]!;
  assert.match(
    html,
    /<th title="Right ascension — float64"[^>]*>ra<br><span[^>]*>deg · <i>pos\.eq\.ra;meta\.main<\/i><\/span><\/th>/,
  );
  const text = renderTable(hostileTable())["text/plain"];
  assert.match(text, /\[deg\]/);
});

Deno.test("renderTable() shows the first and last rows with counts", () => {
  const n = 100;
  const t = tableFromArrays({
    i: Float64Array.from({ length: n }, (_, k) => k),
    s: Array.from({ length: n }, (_, k) => `r${k}`),
  });
  const b = renderTable(t, { head: 3, tail: 2 });
  const html = b["text/html"]!;
  assert.match(html, /100 rows × 2 columns/);
  for (const k of [0, 1, 2, 98, 99]) assert.ok(html.includes(`>r${k}<`), `row ${k}`);
  for (const k of [3, 50, 97]) assert.ok(!html.includes(`>r${k}<`), `row ${k} should be hidden`);
  assert.match(html, /… 95 more rows …/);
  assert.match(b["text/plain"], /… 95 more rows …/);
  assert.equal(b["text/plain"].split("\n").filter((l) => /^\s*\d+\s+r\d+$/.test(l)).length, 5);
});

Deno.test("renderTable() keeps Int64 exact and shows nulls", () => {
  const big = 9223372036854775807n;
  const ids = makeVector(BigInt64Array.of(big, 5937083312263887616n));
  const t = new Table({ source_id: ids, g: vectorFromArray([null, 12.25], new Float64()) });
  const b = renderTable(t);
  assert.ok(b["text/html"]!.includes(">9223372036854775807<"));
  assert.ok(b["text/plain"].includes("5937083312263887616"));
  assert.match(b["text/html"]!, /color: #aaa">null</);
  assert.equal(t.schema.fields[0].type.typeId, new Int64().typeId);
});

Deno.test("renderTable() warns visibly about OVERFLOW from the table's metadata", () => {
  const t = tableFromArrays({ ra: new Float64Array([1, 2]) });
  const schema = withStatus(t.schema, {
    format: "votable",
    queryStatus: "OVERFLOW",
    infos: [],
    params: [],
  });
  const flagged = new Table(schema, t.batches.map((b) => new RecordBatch(schema, b.data)));
  const b = renderTable(flagged, { rowLimit: 2 });
  assert.match(
    b["text/html"]!,
    /role="alert"[^>]*>⚠ OVERFLOW: the result was cut at the row limit \(2 rows\)/,
  );
  assert.match(b["text/plain"], /^WARNING OVERFLOW/m);
  assert.match(b["text/plain"], /status OVERFLOW/);
  assert.doesNotMatch(renderTable(t)["text/html"]!, /OVERFLOW/);
});

Deno.test("display() reads a QueryResult-like object: status, query, format", () => {
  const result = {
    table: tableFromArrays({ ra: new Float64Array([1]) }),
    adql: "SELECT TOP 1 ra FROM gaiadr3.gaia_source",
    status: "OVERFLOW",
    statusMessage: undefined,
    format: "votable/binary2",
    maxrec: 1,
  };
  const text = display(result).toString();
  assert.match(text, /^SELECT TOP 1 ra FROM gaiadr3.gaia_source$/m);
  assert.match(text, /status OVERFLOW · format votable\/binary2/);
  assert.match(text, /row limit \(1 rows\)/);
});

Deno.test("display() renders a Polars DataFrame from its head and tail", async () => {
  const pl = (await import("nodejs-polars")).default;
  const df = pl.DataFrame({ x: Array.from({ length: 1000 }, (_, i) => i) });
  const b = display(df, { head: 2, tail: 2 }).bundle;
  assert.match(b["text/plain"], /1 000 rows × 1 column/);
  assert.match(b["text/plain"], /… 996 more rows …/);
  assert.ok(b["text/html"]!.includes(">999<") && b["text/html"]!.includes(">0<"));
});

Deno.test("display() shows records and falls back to inspect for other values", () => {
  assert.match(display([{ a: 1, b: "x" }]).toString(), /1 row × 2 columns/);
  assert.equal(display(42).toString(), "42");
  assert.equal(bundleOf(42), undefined);
});

Deno.test("renderJob() shows phase, elapsed time, link, error and query, escaped", () => {
  const b = renderJob({
    jobId: "1718000000000O",
    phase: "ERROR",
    url: "http://127.0.0.1:9/tap-server/tap/async/1718000000000O",
    startTime: new Date(1000),
    endTime: new Date(62_000),
    errorSummary: { message: `Table ${XSS} not found` },
    parameters: { QUERY: "SELECT * FROM x" },
  });
  assert.match(b["text/plain"], /^Job 1718000000000O: phase ERROR, took 1 min 01 s/);
  assert.match(b["text/plain"], /error: Table <img/);
  assert.ok(!b["text/html"]!.includes("<img"));
  assert.match(
    b["text/html"]!,
    /<a href="http:\/\/127\.0\.0\.1:9\/tap-server\/tap\/async\/1718000000000O"/,
  );
  assert.match(b["text/html"]!, /SELECT \* FROM x/);
  const running = renderJob({ jobId: "j", phase: "EXECUTING", startTime: new Date(0) }, 4200);
  assert.match(running["text/plain"], /running for 4\.2 s/);
});

Deno.test("display() recognises a job class holding its document in .info", () => {
  class Job {
    info = {
      jobId: "abc",
      phase: "COMPLETED",
      results: [{ id: "result", href: "http://x/r", rows: 12 }],
    };
    get url() {
      return "http://127.0.0.1/async/abc";
    }
  }
  assert.match(
    display(new Job()).toString(),
    /Job abc: phase COMPLETED, 1 result \(12 rows\)\n {2}http:\/\/127\.0\.0\.1\/async\/abc/,
  );
});

Deno.test("renderError() shows the server's message, the ADQL position and a hint", () => {
  const e = new TapQueryError("Incorrect ADQL query (line:1, col:8): unknown column", {
    adql: "SELECT rra FROM t",
  });
  const b = renderError(e);
  assert.match(b["text/plain"], /^TapQueryError: The TAP service reported an error/);
  assert.match(b["text/plain"], /hint: Fix the ADQL at the marked position/);
  assert.match(b["text/html"]!, /\^/);
  const job = new UwsJobError(`Unknown table ${XSS}`, {
    jobUrl: "http://u:secret@127.0.0.1/async/1",
    phase: "ERROR",
  });
  const jb = renderError(job);
  assert.ok(!jb["text/html"]!.includes("<img"));
  assert.ok(!jb["text/plain"].includes("secret"), "credentials never shown");
  assert.match(jb["text/plain"], /job phase: ERROR/);
});

Deno.test("renderError() hints by HTTP status and format errors say where", () => {
  const e401 = new HttpError("Login needed", {
    status: 401,
    url: "http://127.0.0.1/tap?password=hunter2",
  });
  const b = renderError(e401);
  assert.match(b["text/plain"], /hint: .*log in first/);
  assert.ok(!b["text/plain"].includes("hunter2"));
  const fe = new TableFormatError("Unclosed TD", { format: "votable", line: 12, column: 3 });
  assert.match(renderError(fe)["text/plain"], /format: votable, line 12, column 3/);
  assert.match(renderError("plain text")["text/plain"], /^Error: plain text/);
});

Deno.test("renderTableInfo() lists columns with units and flags, and lists of tables", () => {
  const one = renderTableInfo({
    name: "gaiadr3.gaia_source",
    nrows: 1811709771,
    columns: [{
      name: "source_id",
      datatype: "long",
      ucd: "meta.id;meta.main",
      primary: true,
      indexed: true,
    }],
  });
  assert.match(one["text/plain"], /gaiadr3\.gaia_source: 1 columns, 1 811 709 771 rows/);
  assert.match(
    one["text/plain"],
    /source_id {2}long {2}meta\.id;meta\.main {2}\{primary, indexed\}/,
  );
  const list =
    display([{ name: "a.b", columns: [] }, { name: "c.d", description: XSS, columns: [] }]).bundle;
  assert.match(list["text/plain"], /^2 tables/);
  assert.ok(!list["text/html"]!.includes("<img"));
});

Deno.test("renderProducts() counts products per type and lists failed IDs", () => {
  const t = tableFromArrays({ time: new Float64Array([1, 2, 3]) });
  const b = renderProducts({
    products: [
      { type: "EPOCH_PHOTOMETRY", fileName: "a", format: "votable", table: t },
      { type: "EPOCH_PHOTOMETRY", fileName: "b", format: "votable", table: t },
    ],
    bytes: 12_345,
    sourceIds: [1n, 2n],
    manifest: {
      toString: () => "2 found, 0 without products, 1 failed",
      noProduct: [],
      failed: [{ id: "3", error: "HTTP 500" }],
    },
  });
  assert.match(b["text/plain"], /2 files for 2 sources, 12.3 kB downloaded/);
  assert.match(b["text/plain"], /EPOCH_PHOTOMETRY: 2 files, 6 rows/);
  assert.match(b["text/plain"], /failed 3: HTTP 500/);
});

Deno.test("installDisplays() equips classes once and keeps their own displays", () => {
  class A {
    table = tableFromArrays({ x: new Float64Array([1]) });
  }
  class B {
    [Symbol.for("Jupyter.display")]() {
      return { "text/plain": "mine" };
    }
  }
  assert.deepEqual(installDisplays([A, B], { inspect: true }), ["A"]);
  assert.deepEqual(installDisplays([A]), []);
  const a = new A() as unknown as Record<symbol, () => Record<string, string>>;
  assert.match(a[Symbol.for("Jupyter.display")]()["text/html"], /<table/);
  assert.match(Deno.inspect(new A()), /1 row × 1 column/);
  assert.equal(
    (new B() as unknown as Record<symbol, () => Record<string, string>>)
      [Symbol.for("Jupyter.display")]()["text/plain"],
    "mine",
  );
});

Deno.test("installDefaultDisplays() gives Arrow tables and library errors a Jupyter display", () => {
  installDefaultDisplays();
  const t = tableFromArrays({ x: new Float64Array([1]) }) as unknown as Record<
    symbol,
    () => Record<string, string>
  >;
  assert.match(t[Symbol.for("Jupyter.display")]()["text/html"], /1 row × 1 column/);
  const e = new HttpError("x", { status: 500, url: "http://127.0.0.1/" }) as unknown as Record<
    symbol,
    () => Record<string, string>
  >;
  assert.match(e[Symbol.for("Jupyter.display")]()["text/plain"], /^HttpError/);
});

Deno.test("display() reads a UwsJob-like object: id, url, last document, ADQL", () => {
  const job = {
    id: "1718000000001O",
    url: "http://127.0.0.1:8787/tap-server/tap/async/1718000000001O",
    adql: "SELECT TOP 10 * FROM gaiadr3.gaia_source",
    get phase() {
      return undefined;
    },
    lastInfo: undefined,
    info() {
      return Promise.resolve();
    },
  };
  const text = display(job).toString();
  assert.match(
    text,
    /^Job 1718000000001O: phase UNKNOWN\n {2}http:\/\/127\.0\.0\.1:8787\/tap-server\/tap\/async\/1718000000001O/,
  );
  assert.match(text, /query: SELECT TOP 10/);
  const withInfo = {
    ...job,
    lastInfo: {
      jobId: "1718000000001O",
      phase: "EXECUTING",
      startTime: new Date(Date.now() - 2000),
    },
  };
  assert.match(display(withInfo).toString(), /phase EXECUTING, running for \d\.\d s/);
  assert.equal(
    bundleOf({ id: "x", url: "http://example.org/page" }),
    undefined,
    "not every {id, url} is a job",
  );
});

Deno.test("errorHint() tells a permission refusal from a missing table", () => {
  const denied = new TapQueryError(
    "Access denied to table 'user_ann.t' for user 'bob': it is not shared with you",
  );
  assert.match(renderError(denied)["text/plain"], /hint: The table belongs to another user/);
  const missing = new TapQueryError("Table 'user_ann.nope' does not exist");
  assert.match(renderError(missing)["text/plain"], /hint: Check the table name/);
});

Deno.test("renderTable() aligns numbers right for records too", () => {
  const html = renderTable([{ name: "a", n: 1 }, { name: "b", n: null }])["text/html"]!;
  assert.match(html, /text-align: left[^>]*>name</);
  assert.match(html, /text-align: right[^>]*>n</);
});
