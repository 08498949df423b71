/**
 * Regressions found by the fresh-eyes walkthrough: what `console.log` shows
 * in a `deno run` script for the library's objects.
 */
import assert from "node:assert/strict";
import { Field, RecordBatch, Schema, Table, tableFromArrays } from "apache-arrow";
import { QueryResult } from "../../lib/tap/result.ts";
import { TapQueryError } from "../../lib/tap/errors.ts";
import { UwsJob } from "../../lib/tap/job.ts";
import { TapService } from "../../lib/tap/service.ts";

function wideResult(columns: number, rows: number): QueryResult {
  const arrays: Record<string, BigInt64Array | Float64Array> = {
    source_id: BigInt64Array.from({ length: rows }, (_, r) => 4295806720n + BigInt(r)),
  };
  for (let i = 0; i < columns - 1; i++) {
    arrays[`c${i}`] = Float64Array.from({ length: rows }, (_, r) => r / 7);
  }
  const plain = tableFromArrays(arrays);
  const schema = new Schema(
    plain.schema.fields.map((f) =>
      f.name === "source_id" ? f : new Field(f.name, f.type, true, new Map([["unit", "deg"]]))
    ),
  );
  const table = new Table(schema, plain.batches.map((b) => new RecordBatch(schema, b.data)));
  return new QueryResult(table, {
    adql: "SELECT TOP 5000 *\n  FROM gaiadr3.gaia_source\n  WHERE parallax > 5",
    url: "http://127.0.0.1:8787/tap-server/tap/sync",
    format: "votable/binary2",
    contentType: "application/x-votable+xml",
    status: "OVERFLOW",
    statusMessage: "MAXREC reached",
    maxrec: rows,
  });
}

Deno.test("console.log(QueryResult) is a few lines: summary, columns with units, the query; not the Arrow internals", () => {
  const text = Deno.inspect(wideResult(3, 5000), { colors: false });
  const lines = text.split("\n");
  assert.ok(lines.length <= 6, text);
  assert.match(lines[0]!, /^QueryResult\(5000 rows x 3 columns, votable\/binary2 OVERFLOW/);
  assert.match(text, /columns: source_id \(int64\), c0 \(float64, deg\), c1 \(float64, deg\)/);
  assert.match(text, /adql: {4}SELECT TOP 5000 \* FROM gaiadr3\.gaia_source WHERE parallax > 5/);
  assert.match(text, /status: {2}OVERFLOW: MAXREC reached/);
  assert.doesNotMatch(text, /Field \{|_offsets|metadata: Map|Float64Array/);
});

Deno.test("console.log(QueryResult) of a wide table lists 16 columns then says how many more", () => {
  const text = Deno.inspect(wideResult(152, 2), { colors: false });
  assert.match(text, /c14 \(float64, deg\), \.\.\. 136 more/);
  assert.ok(text.length < 1200, `${text.length} characters`);
});

Deno.test("TapQueryError shows a one-line query once with the caret under it; a multi-line one repeats only the failing line", () => {
  const one = new TapQueryError(
    "Unknown column 'nope' (line 1, column 14)",
    { adql: "SELECT TOP 1 nope FROM gaiadr3.gaia_source", httpStatus: 400 },
  );
  assert.equal(
    one.message,
    "The TAP service reported an error (HTTP 400): Unknown column 'nope' (line 1, column 14)\n" +
      "Query: SELECT TOP 1 nope FROM gaiadr3.gaia_source\n" +
      "                    ^",
  );
  const multi = new TapQueryError("Unknown column 'nope' (line 2, column 14)", {
    adql: "SELECT TOP 1\n  source_id, nope\n  FROM gaiadr3.gaia_source",
  });
  const lines = multi.message.split("\n");
  assert.deepEqual(lines.slice(-2), ["         source_id, nope", "                    ^"]);
  assert.equal(
    multi.message.split("source_id, nope").length,
    3,
    "the query, then its failing line",
  );
});

Deno.test("console.log(UwsJob) is the job's summary and query, not the service's HTTP client", () => {
  const tap = new TapService("http://127.0.0.1:8787/tap-server/tap");
  const job = new UwsJob(tap, "http://127.0.0.1:8787/tap-server/tap/async/1795671383819L", {
    adql: "SELECT TOP 3 source_id\n  FROM gaiadr3.gaia_source",
  });
  const text = Deno.inspect(job, { colors: false });
  assert.equal(
    text,
    "UwsJob(1795671383819L, phase unknown, http://127.0.0.1:8787/tap-server/tap/async/1795671383819L)\n" +
      "  adql: SELECT TOP 3 source_id FROM gaiadr3.gaia_source",
  );
  assert.doesNotMatch(text, /HttpClient|CookieJar/);
});
