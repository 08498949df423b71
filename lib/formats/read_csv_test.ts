import assert from "node:assert/strict";
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int16,
  Int64,
  List,
  Schema,
  Uint8,
  Utf8,
} from "apache-arrow";
import { TableFormatError } from "../io/errors.ts";
import { collectTable } from "../table/reader.ts";
import { CsvSyntaxError } from "./errors.ts";
import { readCsv, readTsv } from "./read_csv.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const enc = new TextEncoder();

/** Splits bytes into chunks of `n` (to exercise records cut between chunks). */
function chunked(bytes: Uint8Array, n: number): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += n) parts.push(bytes.slice(i, i + n));
  return ReadableStream.from(parts);
}

async function rejects(p: Promise<unknown>, cls: typeof TableFormatError, re: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(
      e instanceof cls,
      `expected ${cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`,
    );
    assert.match((e as Error).message, re);
    return true;
  });
}

Deno.test("readCsv() reads RFC 4180: quoted delimiters, newlines, doubled quotes, CRLF", async () => {
  const text = 'id,text,n\r\n1,"a, b",2\r\n2,"line1\r\nline2",3\r\n3,"say ""hi""",4\r\n4,,5';
  const { table } = await collectTable(readCsv(text));
  assert.equal(table.numRows, 4);
  assert.deepEqual(table.getChild("text")!.toArray(), ["a, b", "line1\r\nline2", 'say "hi"', null]);
  assert.deepEqual([...table.getChild("n")!.toArray()], [2n, 3n, 4n, 5n]);
});

Deno.test("readCsv() keeps int64 exact and infers Int64, Float64, Bool and Utf8", async () => {
  const text = "a,b,c,d,e\n" +
    "9223372036854775807,1.5,true,x,12345678901234567890123\n" +
    "-9223372036854775808,2,False,,1\n" +
    ",nan,TRUE,3,2\n";
  const { table } = await collectTable(readCsv(text));
  assert.deepEqual(table.schema.fields.map((f) => String(f.type)), [
    "Int64",
    "Float64",
    "Bool",
    "Utf8",
    "Utf8",
  ]);
  assert.deepEqual([...table.getChild("a")!.toArray()].slice(0, 2), [
    9223372036854775807n,
    -9223372036854775808n,
  ]);
  assert.equal(table.getChild("a")!.get(2), null);
  assert.equal(table.getChild("b")!.get(2), null, "NaN is null");
  assert.deepEqual(table.getChild("c")!.toArray(), [true, false, true]);
  // An integer beyond 64 bits stays text rather than losing digits as a float.
  assert.equal(table.getChild("e")!.get(0), "12345678901234567890123");
});

Deno.test("readCsv() reports a value that does not fit the inferred type, with its line", async () => {
  const text = "a,b\n1,x\n2,y\n3.5,z\n";
  await rejects(
    collectTable(readCsv(text, { inferRows: 2, batchSize: 2 })),
    CsvSyntaxError,
    /"3\.5".*line 4/s,
  );
  // With enough rows to infer from, the column is Float64.
  const { table } = await collectTable(readCsv(text));
  assert.equal(String(table.schema.fields[0]!.type), "Float64");
});

Deno.test("readCsv() rejects malformed rows with line and byte offset, never a short table", async () => {
  await rejects(
    collectTable(readCsv("a,b\n1,2\n3,4,5\n")),
    CsvSyntaxError,
    /3 fields, expected 2.*line 3.*byte 8/,
  );
  await rejects(
    collectTable(readCsv("a,b\n1,2\n3\n")),
    CsvSyntaxError,
    /1 field, expected 2.*line 3/,
  );
  await rejects(
    collectTable(readCsv('a,b\n"1"x,2\n')),
    CsvSyntaxError,
    /after a closing quote.*line 2/,
  );
  await rejects(
    collectTable(readCsv('a,b\n1,"unterminated\n2,3\n')),
    CsvSyntaxError,
    /ended inside a quoted field/,
  );
  const err = await collectTable(
    readCsv("a\n1\nzz\n", { schema: new Schema([new Field("a", new Int16())]) }),
  )
    .catch((e) => e);
  assert.ok(err instanceof CsvSyntaxError);
  assert.equal(err.line, 3);
  assert.equal(err.element, "a");
});

Deno.test("readCsv() gives the same table whatever the chunking", async () => {
  const bytes = Deno.readFileSync(new URL("sync-nulls.csv", DACHS));
  const whole = await collectTable(readCsv(bytes));
  for (const n of [1, 7, 64]) {
    const t = await collectTable(readCsv(chunked(bytes, n), { batchSize: 2 }));
    assert.equal(t.table.numRows, 5);
    assert.deepEqual(
      t.table.toArray().map((r) => r.toJSON()),
      whole.table.toArray().map((r) => r.toJSON()),
    );
    assert.equal(t.table.batches.length, 3, "batches of 2 rows");
  }
});

Deno.test("readCsv() reads the DaCHS CSV fixture exactly", async () => {
  const { table, meta } = await collectTable(
    readCsv(Deno.readFileSync(new URL("sync-nulls.csv", DACHS))),
  );
  assert.equal(meta.format, "csv");
  assert.equal(table.numRows, 5);
  assert.equal(table.numCols, 25);
  assert.deepEqual([...table.getChild("source_id")!.toArray()], [
    34634616274944n,
    506565622759429n,
    676577608204294n,
    22676671408635908n,
    64942654294589445n,
  ]);
  assert.equal(table.getChild("solution_id")!.get(2), 1636148068921376768n);
  // Nulls per the README: 2-parameter solution, BP missing, BP+RP+astrometry missing.
  const parallax = table.getChild("parallax")!;
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => parallax.get(i) === null), [
    true,
    false,
    true,
    false,
    false,
  ]);
  assert.equal(table.getChild("parallax")!.nullCount, 2);
  assert.equal(table.getChild("phot_bp_mean_mag")!.nullCount, 2);
  assert.equal(table.getChild("radial_velocity")!.nullCount, 4);
  assert.deepEqual(table.getChild("has_xp_continuous")!.toArray(), [
    false,
    false,
    false,
    true,
    true,
  ]);
  assert.equal(table.getChild("ra")!.get(4), 57.260558899306);
});

Deno.test("readTsv() reads DaCHS TSV: no header, N/A nulls", async () => {
  const { table } = await collectTable(
    readTsv(Deno.readFileSync(new URL("sync-nulls.tsv", DACHS))),
  );
  assert.equal(table.numRows, 5, "the first line is data, not a header");
  assert.equal(table.schema.fields[0]!.name, "col1");
  assert.equal(table.getChild("col3")!.get(4), 64942654294589445n);
  assert.equal(table.getChild("col10")!.nullCount, 2); // parallax
  assert.equal(String(table.getChild("col10")!.type), "Float64");
});

Deno.test("readCsv() reads the small DaCHS answers: count, distances, uploads", async () => {
  const read = async (name: string) =>
    (await collectTable(readCsv(Deno.readFileSync(new URL(name, DACHS))))).table;
  const count = await read("sync-cone-count.csv");
  assert.equal(count.getChild("n")!.get(0), 1020n);
  const top5 = await read("sync-distance-top5.csv");
  assert.equal(top5.numRows, 5);
  assert.equal(top5.getChild("source_id")!.get(0), 66727196026208259n);
  assert.equal(top5.getChild("dist")!.get(0), 0.041870266315350846);
  const upload = await read("sync-upload-select.csv");
  assert.deepEqual(upload.getChild("label")!.toArray(), ["pleiades", "field", "gc"]);
  assert.deepEqual([...upload.getChild("dec")!.toArray()], [24.12, 0, -28.9]);
  const xmatch = await read("sync-upload-xmatch.csv");
  assert.deepEqual([...xmatch.getChild("n")!.toArray()], [277n, 5n, 4n]);
});

Deno.test("readCsv() reads the Gaia archive CSV (astroquery fixture), true/false and empty nulls", async () => {
  const { table } = await collectTable(
    readCsv(Deno.readFileSync(new URL("1714556098855O-result.csv", AQ))),
  );
  assert.equal(table.numRows, 1);
  assert.equal(table.numCols, 152);
  assert.equal(table.getChild("source_id")!.get(0), 5929246508730155392n);
  assert.equal(table.getChild("astrometric_primary_flag")!.get(0), false);
  assert.equal(table.getChild("has_xp_continuous")!.get(0), true);
  assert.equal(table.getChild("libname_gspphot")!.get(0), "MARCS");
  assert.equal(table.getChild("classprob_dsc_combmod_quasar")!.get(0), 1.0205575e-13);
  // pseudocolour is empty in the file: a column without any value is Utf8 of nulls.
  assert.equal(table.getChild("pseudocolour")!.get(0), null);
});

Deno.test("readCsv() with a schema: types, metadata, permuted header, header detection", async () => {
  const schema = new Schema([
    new Field("id", new Int64(), true, new Map([["ucd", "meta.id"]])),
    new Field("mag", new Float32()),
    new Field("flag", new Bool()),
    new Field("n", new Uint8()),
    new Field("v", new List(new Field("item", new Float64(), true))),
    new Field("s", new Utf8()),
  ]);
  const body = '1,20.5,T,255,"1 2 3",""\n2,,F,0,"[4, 5]",x\n';
  const plain = await collectTable(readCsv(body, { schema }));
  assert.equal(plain.table.numRows, 2, "no header line detected");
  assert.equal(plain.table.schema.fields[0]!.metadata.get("ucd"), "meta.id");
  assert.equal(plain.table.getChild("mag")!.get(0), 20.5);
  assert.equal(plain.table.getChild("mag")!.get(1), null);
  assert.deepEqual(plain.table.getChild("flag")!.toArray(), [true, false]);
  assert.deepEqual([...plain.table.getChild("v")!.get(0)!.toArray()], [1, 2, 3]);
  assert.deepEqual([...plain.table.getChild("v")!.get(1)!.toArray()], [4, 5]);
  assert.equal(plain.table.getChild("s")!.get(0), "", "a quoted empty field is an empty string");
  const withHeader = await collectTable(readCsv("id,mag,flag,n,v,s\n" + body, { schema }));
  assert.equal(withHeader.table.numRows, 2);
  const permuted = await collectTable(readCsv("s,n,v,flag,mag,id\nq,1,,true,1.5,7\n", { schema }));
  assert.deepEqual(permuted.table.schema.fields.map((f) => f.name), [
    "s",
    "n",
    "v",
    "flag",
    "mag",
    "id",
  ]);
  assert.equal(permuted.table.getChild("id")!.get(0), 7n);
  await rejects(
    collectTable(readCsv("x,y\n1,2\n", { schema, header: true })),
    CsvSyntaxError,
    /2 fields but the schema has 6/,
  );
  await rejects(
    collectTable(readCsv("1,2,T,256,,\n", { schema })),
    CsvSyntaxError,
    /"256".*column "n"/,
  );
});

Deno.test("readCsv() handles BOM, gzip, empty input, blank lines and custom null values", async () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("a,b\n1,2\n")]);
  assert.equal((await collectTable(readCsv(bom))).table.schema.fields[0]!.name, "a");
  const gz = await new Response(
    new Blob([enc.encode("a,b\n1,2\n\n3,4\n")]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  const t = (await collectTable(readCsv(gz))).table;
  assert.equal(t.numRows, 2, "blank lines are skipped");
  const empty = await collectTable(readCsv(""));
  assert.equal(empty.table.numRows, 0);
  const nulls =
    (await collectTable(readCsv("a,b\n-999,x\n1,NULL\n", { nullValues: ["", "-999", "NULL"] })))
      .table;
  assert.equal(nulls.getChild("a")!.get(0), null);
  assert.equal(nulls.getChild("b")!.get(1), null);
  const semi = (await collectTable(readCsv("a;b\n1;2\n", { delimiter: ";" }))).table;
  assert.equal(semi.getChild("b")!.get(0), 2n);
  assert.throws(() => readCsv("a", { delimiter: "::" }), TypeError);
});

Deno.test("readCsv() truncated gzip is an error, not a short table", async () => {
  const lines = ["a,b"];
  for (let i = 0; i < 5000; i++) lines.push(`${i},${i * 2}`);
  const gz = await new Response(
    new Blob([enc.encode(lines.join("\n"))]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  await assert.rejects(collectTable(readCsv(gz.subarray(0, gz.length - 200))), TableFormatError);
});

Deno.test("readCsv() schema() resolves before iteration and batches follow", async () => {
  const reader = readCsv("a,b\n1,x\n2,y\n3,z\n", { batchSize: 2 });
  const schema = await reader.schema();
  assert.deepEqual(schema.fields.map((f) => String(f.type)), ["Int64", "Utf8"]);
  const sizes: number[] = [];
  for await (const b of reader) sizes.push(b.numRows);
  assert.deepEqual(sizes, [2, 1]);
});

Deno.test("readCsv() parses decimal text exactly as Number() does", async () => {
  const fc = (await import("fast-check")).default;
  const schema = new Schema([new Field("x", new Float64())]);
  const decimal = fc.tuple(
    fc.boolean(),
    fc.stringMatching(/^[0-9]{1,20}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,20}$/)),
    fc.option(
      fc.tuple(
        fc.constantFrom("e", "E"),
        fc.constantFrom("", "+", "-"),
        fc.integer({ min: 0, max: 400 }),
      ),
    ),
  ).map(([neg, a, b, ex]) =>
    (neg ? "-" : "") + a + (b !== null ? "." + b : "") + (ex ? ex.join("") : "")
  );
  await fc.assert(
    fc.asyncProperty(fc.array(decimal, { minLength: 1, maxLength: 40 }), async (xs) => {
      const { table } = await collectTable(
        readCsv(xs.join("\n") + "\n", { schema, header: false }),
      );
      const col = table.getChild("x")!;
      xs.forEach((x, i) =>
        assert.ok(Object.is(col.get(i), Number(x)), `${x}: ${col.get(i)} vs ${Number(x)}`)
      );
    }),
    { numRuns: 300 },
  );
});

Deno.test("readCsv() reads every 64-bit integer exactly, and rejects one out of range", async () => {
  const fc = (await import("fast-check")).default;
  const schema = new Schema([new Field("x", new Int64())]);
  const ints = fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 10n ** 18n, -(10n ** 9n), 999999999n),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(ints, { minLength: 1, maxLength: 40 }), async (xs) => {
      const { table } = await collectTable(
        readCsv(xs.join("\n") + "\n", { schema, header: false }),
      );
      const col = table.getChild("x")!;
      xs.forEach((x, i) => assert.equal(col.get(i), x));
    }),
    { numRuns: 300 },
  );
  for (
    const bad of ["9223372036854775808", "-9223372036854775809", "99999999999999999999", "1e3"]
  ) {
    await rejects(
      collectTable(readCsv(bad + "\n", { schema, header: false })),
      CsvSyntaxError,
      /not a 64-bit integer/,
    );
  }
});

Deno.test("readCsv() honours signal and maxBytes", async () => {
  const rows = ["a,b"];
  for (let i = 0; i < 20000; i++) rows.push(`${i},${i}`);
  const bytes = enc.encode(rows.join("\n"));
  await assert.rejects(
    collectTable(readCsv(chunked(bytes, 4096), { maxBytes: 10000 })),
    /limit of 10000 bytes/,
  );
  const ctrl = new AbortController();
  const reader = readCsv(chunked(bytes, 4096), {
    signal: ctrl.signal,
    batchSize: 100,
    inferRows: 100,
  });
  await assert.rejects(
    (async () => {
      for await (const _ of reader) ctrl.abort(new DOMException("stop", "AbortError"));
    })(),
    (e: unknown) => (e as Error).name === "AbortError",
  );
});
