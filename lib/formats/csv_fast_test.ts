/**
 * The CSV fast path (csv_fast.ts) and its fallbacks in the CSV engine: the
 * same table, types, nulls and errors as the general path (`fastPath:
 * false`), whatever the rows hold and however the bytes are chunked.
 */
import assert from "node:assert/strict";
import { Bool, Field, Float64, Int64, Schema, type Table, Utf8 } from "apache-arrow";
import { collectTable } from "../table/reader.ts";
import { CsvSyntaxError } from "./errors.ts";
import { csvEngine, type CsvEngineOptions } from "./read_csv.ts";
import { readEcsv } from "./read_ecsv.ts";

const enc = new TextEncoder();
/** The general path only. */
const GENERAL = { fastPath: false };

function chunked(bytes: Uint8Array, n: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(at, at + n));
        at += n;
      }
    },
  });
}

type Outcome = { table: Table } | { error: string };

async function read(
  text: string,
  chunk: number,
  options: CsvEngineOptions = {},
): Promise<Outcome> {
  try {
    const { table } = await collectTable(
      csvEngine(chunked(enc.encode(text), chunk), { format: "csv", ...options }),
    );
    return { table };
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    return { error: `${e.message} | line ${e.line} | offset ${e.offset}` };
  }
}

function rowsOf(t: Table): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < t.numRows; i++) {
    out.push(t.schema.fields.map((f) => {
      const v = t.getChild(f.name)!.get(i);
      return typeof v === "number" && Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v;
    }));
  }
  return out;
}

function assertSame(fast: Outcome, general: Outcome, what: string): void {
  if ("error" in general || "error" in fast) {
    assert.ok("error" in fast && "error" in general, `${what}: ${JSON.stringify([fast, general])}`);
    // The general path fills a block of rows column by column, so of two bad
    // values it may report a later row's; the fast path goes row by row.
    const line = (e: string) => Number(/\| line (\d+) \|/.exec(e)![1]);
    if (line(fast.error) === line(general.error)) assert.equal(fast.error, general.error, what);
    else {assert.ok(
        line(fast.error) < line(general.error),
        `${what}: ${fast.error} / ${general.error}`,
      );}
    return;
  }
  const a = fast.table, b = general.table;
  assert.deepEqual(
    a.schema.fields.map((f) => `${f.name}:${f.type}`),
    b.schema.fields.map((f) => `${f.name}:${f.type}`),
    what,
  );
  // Batches of batchSize rows, but the inference rows may be handed out in
  // pieces (when inferRows > batchSize), so only their total is compared.
  assert.equal(a.numRows, b.numRows, what);
  const size = Math.max(...b.batches.map((x) => x.numRows), 0);
  assert.ok(a.batches.every((x) => x.numRows <= size || b.batches.length <= 1), what);
  for (const f of a.schema.fields) {
    assert.equal(a.getChild(f.name)!.nullCount, b.getChild(f.name)!.nullCount, `${what} ${f.name}`);
  }
  if (a.numRows > 5000) {
    // Large tables: the Arrow buffers, compared byte for byte.
    for (const f of a.schema.fields) {
      const da = a.getChild(f.name)!.data, db = b.getChild(f.name)!.data;
      for (let k = 0; k < da.length; k++) {
        for (const key of ["values", "valueOffsets", "nullBitmap"] as const) {
          const x = da[k]![key] as ArrayLike<unknown> | undefined;
          const y = db[k]![key] as ArrayLike<unknown> | undefined;
          assert.equal(x?.length, y?.length, `${what} ${f.name} ${key}`);
          if (!x || !y) continue;
          const bx = new Uint8Array(
            (x as Uint8Array).buffer,
            (x as Uint8Array).byteOffset,
            (x as Uint8Array).byteLength,
          );
          const by = new Uint8Array(
            (y as Uint8Array).buffer,
            (y as Uint8Array).byteOffset,
            (y as Uint8Array).byteLength,
          );
          let same = bx.length === by.length;
          for (let i = 0; same && i < bx.length; i++) same = bx[i] === by[i];
          assert.ok(same, `${what} ${f.name} ${key} batch ${k}`);
        }
      }
    }
  } else assert.deepEqual(rowsOf(a), rowsOf(b), what);
}

Deno.test("csv fast path: same tables and errors as the general path (property)", async () => {
  const fc = (await import("fast-check")).default;
  // Values by column flavour; the odd ones send a row (or the inference) to the general path.
  const plain = {
    int: fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      fc.integer({ min: -1000, max: 100000 }).map(String),
      fc.constant(""),
    ),
    float: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.integer({ min: -999999, max: 999999 }).map((n) => (n / 1000).toString()),
      fc.constantFrom("", "-0", "1.0205575E-13", "0.532911197374461", "-0.0739894547723047", "5."),
    ),
    text: fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _]{0,12}$/), fc.constant("")),
    bool: fc.constantFrom("true", "false", "True", "FALSE", ""),
    empty: fc.constant(""),
  };
  const odd = fc.constantFrom(
    '"a, b"',
    '"line1\nline2"',
    '"say ""hi"""',
    '""',
    '"12"',
    " 7",
    "+5",
    "1e400",
    "nan",
    "-inf",
    "12345678901234567890123",
    "00000000000000000000001",
    "0x1F",
    "1",
    "t",
    "x",
    "1.5",
    "-",
    ".",
    "é",
    "N/A",
    "NULL",
  );
  const flavour = fc.constantFrom("int", "float", "text", "bool", "empty");
  const table = fc.tuple(
    fc.array(flavour, { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 400 }),
  ).chain(([kinds, nrows]) =>
    fc.tuple(
      fc.constant(kinds),
      fc.array(
        fc.tuple(
          fc.tuple(...kinds.map((k) => plain[k as keyof typeof plain])),
          fc.option(fc.tuple(fc.nat(kinds.length - 1), odd), { freq: 15 }),
        ),
        { minLength: nrows, maxLength: nrows },
      ),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
      fc.constantFrom(1, 7, 64, 1000, 1 << 16),
      fc.constantFrom<string[] | undefined>(undefined, ["", "N/A"], ["NULL"], ["N/A", "", "-"]),
      fc.constantFrom<[number, number] | undefined>(
        undefined,
        [10, 10],
        [100, 100],
        [1000, 1000],
        [50, 7],
        [300, 64],
      ),
    )
  );
  await fc.assert(
    fc.asyncProperty(table, async ([kinds, rows, eol, lastEol, chunk, nulls, batch]) => {
      const lines = [kinds.map((_, i) => `c${i}`).join(",")];
      for (const [values, change] of rows) {
        const v = values.slice() as string[];
        if (change) v[change[0]] = change[1];
        lines.push(v.join(","));
      }
      const text = lines.join(eol) + (lastEol ? eol : "");
      const opts: CsvEngineOptions = {
        ...(batch ? { inferRows: batch[0], batchSize: batch[1] } : {}),
        ...(nulls ? { nullValues: nulls } : {}),
      };
      const fast = await read(text, chunk, opts);
      const general = await read(text, 1 << 20, { ...opts, ...GENERAL });
      assertSame(fast, general, JSON.stringify(text.slice(0, 300)));
    }),
    { numRuns: 400 },
  );
});

/** A gaia_source-like table: int64 beyond 2^53, floats, nulls, text, bools. */
function gaiaLike(rows: number, eol = "\n"): { text: string; ids: bigint[]; ra: number[] } {
  const lines = ["source_id,designation,ra,parallax,radial_velocity,flag,has_xp"];
  const ids: bigint[] = [];
  const ra: number[] = [];
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < rows; i++) {
    const id = 4295806720n + BigInt(Math.floor(rnd() * 2 ** 40)) * 1000003n + BigInt(i);
    const r = Number((rnd() * 360).toFixed(13));
    ids.push(id);
    ra.push(r);
    const plx = rnd() < 0.3 ? "" : (rnd() * 10 - 2).toPrecision(15);
    const rv = rnd() < 0.9 ? "" : (rnd() * 200 - 100).toFixed(4);
    lines.push(
      `${id},Gaia DR3 ${id},${r},${plx},${rv},${rnd() < 0.5 ? "NOT_AVAILABLE" : ""},${
        rnd() < 0.5 ? "True" : "False"
      }`,
    );
  }
  return { text: lines.join(eol) + eol, ids, ra };
}

Deno.test("csv fast path: 150 000 rows in small chunks, exact int64 beyond 2^53, same as the general path", async () => {
  const { text, ids, ra } = gaiaLike(150000);
  for (const chunk of [4093, 1 << 16]) {
    const fast = await read(text, chunk);
    const general = await read(text, 1 << 16, GENERAL);
    assertSame(fast, general, `chunk ${chunk}`);
    const t = (fast as { table: Table }).table;
    assert.equal(t.numRows, 150000);
    assert.deepEqual(t.batches.map((b) => b.numRows), [65536, 65536, 18928]);
    assert.deepEqual(t.schema.fields.map((f) => String(f.type)), [
      "Int64",
      "Utf8",
      "Float64",
      "Float64",
      "Float64",
      "Utf8",
      "Bool",
    ]);
    const id = t.getChild("source_id")!;
    for (const i of [0, 1, 65535, 65536, 131071, 149999]) {
      assert.equal(id.get(i), ids[i]);
      assert.equal(t.getChild("ra")!.get(i), ra[i]);
      assert.equal(t.getChild("designation")!.get(i), `Gaia DR3 ${ids[i]}`);
    }
    assert.ok(ids.some((x) => x > 2n ** 53n));
  }
  // CRLF line ends too.
  const crlf = gaiaLike(3000, "\r\n").text;
  assertSame(await read(crlf, 777), await read(crlf, 1 << 16, GENERAL), "crlf");
});

Deno.test("csv fast path: quoted fields with delimiters, newlines and doubled quotes across chunk boundaries", async () => {
  const lines = ["id,note,x"];
  const notes: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const note = i % 97 === 0 ? `a, "b"\nc ${i}` : i % 89 === 0 ? "" : `n${i}`;
    notes.push(note);
    const quoted = note.includes(",") || note.includes("\n") || note.includes('"');
    lines.push(`${i},${quoted ? `"${note.replaceAll('"', '""')}"` : note},${i / 4}`);
  }
  const text = lines.join("\n") + "\n";
  for (const chunk of [1, 13, 255, 4096]) {
    const r = await read(text, chunk);
    assert.ok("table" in r, "error" in r ? r.error : "");
    const t = r.table;
    assert.equal(t.numRows, 3000);
    for (let i = 0; i < 3000; i++) {
      assert.equal(t.getChild("note")!.get(i), notes[i] === "" ? null : notes[i], `row ${i}`);
      assert.equal(t.getChild("x")!.get(i), i / 4);
    }
    assertSame(r, await read(text, 1 << 16, GENERAL), `chunk ${chunk}`);
  }
});

Deno.test("csv fast path: a type widened late in the inference rows, and a value past them", async () => {
  const ints = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i * 3}`);
  // A float at row 5000 of 65536 inference rows: the speculation fails and the column is Float64.
  let text = ["a,b", ...ints(5000), "5000,1.5", ...ints(2000)].join("\n") + "\n";
  let t = (await read(text, 1000) as { table: Table }).table;
  assert.equal(String(t.schema.fields[1]!.type), "Float64");
  assert.equal(t.getChild("b")!.get(5000), 1.5);
  assert.equal(t.getChild("b")!.get(4999), 14997);
  // A column empty for 3000 rows, then numbers: Int64, not Utf8.
  text = ["a,b", ...Array.from({ length: 3000 }, (_, i) => `${i},`), "1,42", "2,"].join("\n") +
    "\n";
  t = (await read(text, 1000) as { table: Table }).table;
  assert.equal(String(t.schema.fields[1]!.type), "Int64");
  assert.equal(t.getChild("b")!.get(3000), 42n);
  assert.equal(t.getChild("b")!.nullCount, 3001);
  // Text in an Int64 column after the inference rows: an error naming the line and inferRows.
  text = ["a,b", ...ints(300), "300,x"].join("\n") + "\n";
  const r = await read(text, 100, { inferRows: 200, batchSize: 200 });
  assert.ok("error" in r);
  assert.match(r.error, /"x" in column "b" is not a 64-bit integer.*inferRows.*line 302/s);
  assert.match(r.error, new RegExp(`offset ${text.indexOf("300,x")}$`));
});

Deno.test("csv fast path: malformed rows after many plain ones keep their line and byte offset", async () => {
  const rows = Array.from({ length: 4000 }, (_, i) => `${i},${i / 2},n${i}`);
  const bad = ["a,b,c", ...rows, "4000,1", ...rows].join("\n") + "\n";
  for (const chunk of [333, 1 << 16]) {
    const r = await read(bad, chunk);
    assert.ok("error" in r);
    assert.match(r.error, /2 fields, expected 3 .*\| line 4002 \| offset (\d+)/);
    assert.ok(r.error.endsWith(`offset ${bad.indexOf("4000,1\n")}`), r.error);
  }
  const badValue = ["a,b,c", ...rows, "4000,1.2.3,x", ...rows].join("\n") + "\n";
  const r = await read(badValue, 1 << 16, { inferRows: 1000 });
  assert.ok("error" in r);
  assert.match(r.error, /"1\.2\.3" in column "b" is not a number.*line 4002/s);
});

Deno.test("csv fast path: with a schema, bool words other than true/false and a last row without a line end", async () => {
  const schema = new Schema([
    new Field("id", new Int64()),
    new Field("ok", new Bool()),
    new Field("v", new Float64()),
    new Field("s", new Utf8()),
  ]);
  const text = "id,ok,v,s\n1,true,1.5,a\n2,1,2.5,b\n3,F,,\n4,?,1e3,d\n5,FALSE,-0.25,e";
  for (const chunk of [1, 5, 1000]) {
    const r = await read(text, chunk, { schema });
    assert.ok("table" in r, "error" in r ? r.error : "");
    assert.deepEqual(rowsOf(r.table), [
      [1n, true, 1.5, "a"],
      [2n, true, 2.5, "b"],
      [3n, false, null, null],
      [4n, null, 1000, "d"],
      [5n, false, -0.25, "e"],
    ]);
  }
});

Deno.test("csv fast path: ECSV (space delimiter) reads the same through the fast path", async () => {
  const header = [
    "# %ECSV 1.0",
    "# ---",
    "# datatype:",
    "# - {name: id, datatype: int64}",
    "# - {name: x, datatype: float64}",
    "# - {name: s, datatype: string}",
    "id x s",
  ];
  const body: string[] = [];
  for (let i = 0; i < 2000; i++) {
    body.push(
      `${9007199254740993n + BigInt(i)} ${i % 10 ? (i / 8).toString() : i % 20 ? "nan" : '""'} ${
        i % 13 === 0 ? '""' : i % 7 ? `s${i}` : '"two words"'
      }`,
    );
  }
  const { table } = await collectTable(
    readEcsv(chunked(enc.encode([...header, ...body].join("\n") + "\n"), 301)),
  );
  assert.equal(table.numRows, 2000);
  assert.equal(table.getChild("id")!.get(1999), 9007199254740993n + 1999n);
  assert.equal(table.getChild("x")!.get(10), null, "nan");
  assert.equal(table.getChild("x")!.get(20), null, '""');
  assert.equal(table.getChild("x")!.nullCount, 200);
  assert.equal(table.getChild("x")!.get(11), 11 / 8);
  assert.equal(table.getChild("s")!.get(7), "two words");
  assert.equal(table.getChild("s")!.get(8), "s8");
  assert.equal(table.getChild("s")!.get(13), null, 'ECSV: "" is null');
  assert.equal(table.getChild("s")!.nullCount, Math.ceil(2000 / 13));
});

Deno.test("csv fast path: TSV with N/A nulls and no header (DaCHS) reads the same as the general path", async () => {
  const rows: string[] = [];
  for (let i = 0; i < 5000; i++) {
    rows.push(
      [
        4295806720n + BigInt(i) * 9007199254741n,
        i % 3 ? (i / 7).toString() : "N/A",
        i % 5 ? `s${i}` : "N/A",
        i % 11 ? "" : "N/A", // a column of nulls only
      ].join("\t"),
    );
  }
  const text = rows.join("\n") + "\n";
  const opts = { delimiter: "\t", nullValues: ["", "N/A"], format: "tsv" };
  const fast = await read(text, 1000, opts);
  const general = await read(text, 1 << 16, { ...opts, ...GENERAL });
  assertSame(fast, general, "tsv");
  const t = (fast as { table: Table }).table;
  assert.equal(t.numRows, 5000);
  assert.equal(t.schema.fields[0]!.name, "col1", "no header line (it starts with a number)");
  assert.equal(t.getChild("col1")!.get(4999), 4295806720n + 4999n * 9007199254741n);
  assert.equal(t.getChild("col2")!.get(3), null);
  assert.equal(t.getChild("col2")!.get(4), 4 / 7);
  assert.equal(t.getChild("col3")!.get(5), null);
  assert.equal(t.getChild("col3")!.get(6), "s6");
  assert.equal(String(t.schema.fields[3]!.type), "Utf8");
  assert.equal(t.getChild("col4")!.nullCount, 5000);
});

Deno.test("csv: doubles written in full (16 to 19 significant digits) round exactly as Number() does", async () => {
  const fc = (await import("fast-check")).default;
  const long = fc.oneof(
    // Any double, printed with up to 17 significant digits.
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
    // 16 to 19 digits with the point anywhere, an exponent sometimes.
    fc.tuple(
      fc.stringMatching(/^[1-9][0-9]{15,18}$/),
      fc.nat(19),
      fc.option(fc.integer({ min: -25, max: 5 })),
      fc.boolean(),
    ).map(([d, at, x, neg]) =>
      (neg ? "-" : "") + (at >= d.length ? d : d.slice(0, at) + "." + d.slice(at)) +
      (x === null ? "" : `e${x}`)
    ),
    // Ties and near-ties around 2^53 and powers of two.
    fc.constantFrom(
      "9007199254740993",
      "9007199254740995",
      "18014398509481987",
      "4503599627370496.5",
      "4503599627370497.5",
      "0.30000000000000004",
      "1.0000000000000002",
      "1.00000000000000011102230246251565",
      "9223372036854775807",
      "253.45840143189537",
    ),
  );
  const schema = new Schema([new Field("x", new Float64())]);
  await fc.assert(
    fc.asyncProperty(fc.array(long, { minLength: 1, maxLength: 50 }), async (xs) => {
      const text = xs.join("\n") + "\n";
      for (const fastPath of [true, false]) {
        const { table } = await collectTable(
          csvEngine(text, { format: "csv", schema, header: false, fastPath }),
        );
        const col = table.getChild("x")!;
        xs.forEach((x, i) => assert.ok(Object.is(col.get(i), Number(x)), `${x}: ${col.get(i)}`));
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("csv: chunks are read in place when nothing is pending, and never written to", async () => {
  // Rows of 64 bytes in chunks of 8192: every chunk ends at a row end.
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const row = `${4295806720n * BigInt(i)},${(i / 3).toFixed(6)},name${i}`;
    lines.push(row + ",".padEnd(63 - row.length, "x"));
  }
  const header = "id,x,s,pad".padEnd(63, " ");
  const bytes = enc.encode([header, ...lines].join("\n") + "\n");
  assert.equal(bytes.length % 64, 0);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 8192) chunks.push(bytes.slice(i, i + 8192));
  const copies = chunks.map((c) => c.slice());
  const { table } = await collectTable(
    csvEngine(ReadableStream.from(chunks), { format: "csv", inferRows: 1000, batchSize: 3000 }),
  );
  chunks.forEach((c, i) => assert.deepEqual(c, copies[i], `chunk ${i} unchanged`));
  const general = await read(new TextDecoder().decode(bytes), 1 << 16, {
    inferRows: 1000,
    batchSize: 3000,
    ...GENERAL,
  });
  assertSame({ table }, general, "aligned chunks");
  assert.equal(table.getChild("id")!.get(19999), 4295806720n * 19999n);
  // A bad row after chunks read in place: its line and byte offset are right.
  const bad = new Uint8Array(bytes.length + 8192);
  bad.set(bytes);
  bad.set(enc.encode("1,2\n".padEnd(8192, "\n")), bytes.length);
  const badChunks: Uint8Array[] = [];
  for (let i = 0; i < bad.length; i += 8192) badChunks.push(bad.slice(i, i + 8192));
  const err = await collectTable(
    csvEngine(ReadableStream.from(badChunks), { format: "csv", inferRows: 1000 }),
  ).catch((e) => e);
  assert.ok(err instanceof CsvSyntaxError, String(err));
  assert.equal(err.line, 20002);
  assert.equal(err.offset, bytes.length);
  // A whole buffer as the source: read in place, unchanged.
  const whole = bytes.slice();
  const t2 = (await collectTable(csvEngine(whole, { format: "csv" }))).table;
  assert.deepEqual(whole, bytes);
  assert.equal(t2.numRows, 20000);
  assert.equal(t2.getChild("s")!.get(123), "name123");
});
