/**
 * TABLEDATA: the one-pass fast path (text_columns.ts) against the general
 * scanner on the same documents, value for value, null for null, error for
 * error (class, message, byte offset), whole and cut into 1-, 7- and
 * 4093-byte chunks.
 */
import assert from "node:assert/strict";
import { type Table, tableToIPC } from "apache-arrow";
import { collectTable } from "../table/reader.ts";
import { readVOTable } from "./read_votable.ts";
import { fastRowsSwitch } from "./text_columns.ts";

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const digits = (r: Rand, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(r() * 10));
  return s;
};

/** Text a writer or a hostile input may put in a numeric TD. */
function floatText(r: Rand, bad: number): string {
  const x = r();
  if (x < 0.45) {
    const sign = pick(r, ["", "", "-", "+"]);
    const b = digits(r, Math.floor(r() * 18));
    const a = digits(r, Math.floor(r() * 6)) || (b ? "" : "0");
    const e = r() < 0.2
      ? `${pick(r, ["e", "E"])}${pick(r, ["", "-", "+"])}${digits(r, 1 + Math.floor(r() * 3))}`
      : "";
    return `${sign}${a}${b || r() < 0.5 ? "." : ""}${b}${e}`;
  }
  if (x < 0.6) return String((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
  if (x < 0.7) {
    return pick(r, [
      "NaN",
      "nan",
      "-NaN",
      "Inf",
      "-Infinity",
      "infinity",
      "0",
      "-0",
      "-0.0",
      "1e400",
      "-1e-400",
      "0e999",
      "1.7976931348623157e308",
      "5e-324",
      "9007199254740993",
      "0.30000000000000004",
      "123456789012345678901234567890",
      "0.000000000000000000000000000123456789",
      "1.",
      ".5",
      "+.5e+3",
      "",
      " 1.5 ",
      "\n\t2.25\r\n",
      "  ",
      "3.5  ",
      "&#49;.5",
      "<![CDATA[2.5]]>",
      "1<!-- c -->.5",
    ]);
  }
  if (x < 0.7 + bad) return pick(r, ["1.2.3", "1e", ".", "-", "abc", "1,5", "0x10", "1d3", "1e+"]);
  return `${Math.floor(r() * 1000)}.${digits(r, 7)}`;
}

function longText(r: Rand, bad: number): string {
  const x = r();
  if (x < 0.4) return `${pick(r, ["", "-", "+"])}${digits(r, 1 + Math.floor(r() * 18))}`;
  if (x < 0.5) return `${pick(r, ["", "-"])}${1 + Math.floor(r() * 8)}${digits(r, 18)}`;
  if (x < 0.65) {
    return pick(r, [
      "9223372036854775807",
      "-9223372036854775808",
      "-9223372036854775807",
      "4294967296",
      "-4294967296",
      "4294967295",
      "-1",
      "-0",
      "0",
      "00000000000000000000001",
      "0x7fffffffffffffff",
      "0xFFFFFFFFFFFFFFFF",
      "0x10",
      " 42 ",
      "",
      "1636148068921376768",
      "99999",
    ]);
  }
  if (x < 0.65 + bad) {
    return pick(r, [
      "9223372036854775808",
      "-9223372036854775809",
      "18446744073709551616",
      "1.5",
      "abc",
      "12 34",
      "+",
      "99999999999999999999",
    ]);
  }
  return String(Math.floor((r() - 0.5) * 2 ** 53));
}

function intText(r: Rand, bad: number, lim: number): string {
  const x = r();
  if (x < 0.6) return String(lim > 255 ? Math.floor((r() - 0.5) * 2 * lim) : Math.floor(r() * 256));
  if (x < 0.8) {
    const common = ["0", "-0", "+7", " 12", "12 ", "", "0x7f", "99"];
    if (lim === 255) return pick(r, [...common, "255", "0xff"]);
    if (lim === 2 ** 15) return pick(r, [...common, "-1", "0xffff", "32767", "-32768"]);
    return pick(r, [...common, "-1", "0xffffffff", "0x7fffffff", "2147483647", "-2147483648"]);
  }
  if (x < 0.8 + bad) {
    return pick(r, [
      "2147483648",
      "-2147483649",
      "65536",
      "256",
      "-129",
      "1.0",
      "x",
      "12345678901",
      "1e3",
    ]);
  }
  return String(Math.floor(r() * 100));
}

function boolText(r: Rand, bad: number): string {
  if (r() < bad) return pick(r, ["x", "yes", "2", "TT"]);
  return pick(r, ["T", "F", "t", "f", "1", "0", "?", "true", "False", "", " T ", "T "]);
}

function charText(r: Rand): string {
  return pick(r, [
    "Gaia DR3 " + digits(r, 15),
    "NOT_AVAILABLE",
    "",
    "   ",
    "a &amp; b",
    "&lt;x&gt;",
    "&#x3b1; Cen",
    "β Pic",
    "x > y",
    " padded ",
    "<![CDATA[<raw> & stuff]]>",
    "line\nbreak",
    "quote \" ' ",
  ]);
}

interface Col {
  field: string;
  value: (r: Rand, bad: number) => string;
}

const COLS: Col[] = [
  { field: `datatype="double"`, value: floatText },
  { field: `datatype="float"`, value: floatText },
  { field: `datatype="long"`, value: longText },
  {
    field: `datatype="long"><VALUES null="-9223372036854775808"/></FIELD`,
    value: (r, b) => r() < 0.2 ? "-9223372036854775808" : longText(r, b),
  },
  { field: `datatype="int"`, value: (r, b) => intText(r, b, 2 ** 31) },
  {
    field: `datatype="int"><VALUES null="-1"/></FIELD`,
    value: (r, b) => r() < 0.2 ? "-1" : intText(r, b, 2 ** 31),
  },
  { field: `datatype="short"`, value: (r, b) => intText(r, b, 2 ** 15) },
  {
    field: `datatype="short"><VALUES null="0"/></FIELD`,
    value: (r, b) => intText(r, b, 2 ** 15),
  },
  { field: `datatype="unsignedByte"`, value: (r, b) => intText(r, b, 255) },
  {
    field: `datatype="unsignedByte"><VALUES null="255"/></FIELD`,
    value: (r, b) => intText(r, b, 255),
  },
  { field: `datatype="boolean"`, value: boolText },
  { field: `datatype="bit"`, value: (r, b) => pick(r, ["0", "1", ""]) + (r() < b ? "x" : "") },
  { field: `datatype="char" arraysize="*"`, value: charText },
  { field: `datatype="unicodeChar" arraysize="*"`, value: charText },
  {
    field: `datatype="double" arraysize="*"`,
    value: (r) => pick(r, ["", "1 2 3", "NaN 4.5", " 7 ", "1e3\n2"]),
  },
  {
    field: `datatype="int" arraysize="2"`,
    value: (r, b) => pick(r, ["1 2", "-3 4", r() < b ? "1" : "5 6"]),
  },
  { field: `datatype="floatComplex"`, value: (r) => pick(r, ["1 2", "NaN NaN", "", "0.5 -1e3"]) },
];

/** A random TABLEDATA document; `bad` is the share of invalid values, `odd` of odd markup. */
function makeDoc(seed: number, rows: number, bad: number, odd: number, clean = false): string {
  const r = rng(seed);
  const ncol = 1 + Math.floor(r() * 8);
  const cols: Col[] = [];
  for (let i = 0; i < ncol; i++) cols.push(pick(r, COLS));
  let s = `<?xml version="1.0"?>\n<VOTABLE version="1.4"><RESOURCE><TABLE>\n`;
  cols.forEach((c, i) => {
    const f = `<FIELD name="c${i}" ${c.field}`;
    s += f.endsWith("</FIELD") ? `${f}>\n` : `${f}/>\n`;
  });
  s += `<DATA><TABLEDATA>`;
  const ws = () => pick(r, ["", "\n", "\n  ", "\r\n\t", " "]);
  for (let k = 0; k < rows; k++) {
    if (r() < odd) s += pick(r, ["<!-- between rows -->", `<TR ID="r${k}"/>`.slice(0, 0)]);
    s += ws() + (r() < odd ? `<TR ID="r${k}">` : "<TR>");
    for (let i = 0; i < cols.length; i++) {
      let v = cols[i].value(r, bad);
      // Clean documents: only what the fast path reads itself (and NaN, empty cells).
      if (clean && /[\s&<]|0x|inf|^[+-]?0+[0-9]{20}/i.test(v)) v = "";
      s += ws();
      const y = r();
      if (y < odd) s += v === "" ? "<TD />" : `<TD ref="x">${v}</TD>`;
      else if (y < 2 * odd) s += `<TD>${v}</TD >`;
      else if (y < 3 * odd && v === "") s += "<TD/>";
      else if (y < 4 * odd) s += `<!-- c --><TD>${v}</TD>`;
      else s += `<TD>${v}</TD>`;
    }
    if (r() < bad / 4) s += "<TD>1</TD>"; // one cell too many
    s += ws() + "</TR>";
  }
  s += `\n</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n`;
  if (r() < bad) s = s.slice(0, Math.floor(r() * s.length)); // truncated
  return s;
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let o = 0;
  return new ReadableStream({
    pull(c) {
      if (o >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(o, o + size));
        o += size;
      }
    },
  });
}

interface Outcome {
  ipc?: Uint8Array;
  rows?: number;
  error?: string;
  table?: Table;
}

async function read(
  bytes: Uint8Array,
  chunk: number,
  fast: boolean,
  batchSize: number,
): Promise<Outcome> {
  const saved = fastRowsSwitch.enabled;
  fastRowsSwitch.enabled = fast;
  try {
    const src = chunk >= bytes.length ? bytes : chunked(bytes, chunk);
    const { table } = await collectTable(readVOTable(src, { batchSize }));
    return { ipc: tableToIPC(table, "stream"), rows: table.numRows, table };
  } catch (e) {
    const err = e as Error & { offset?: number };
    return { error: `${err.name}: ${err.message} @${err.offset}` };
  } finally {
    fastRowsSwitch.enabled = saved;
  }
}

function same(a: Outcome, b: Outcome, what: string): void {
  assert.equal(a.error, b.error, what);
  assert.equal(a.rows, b.rows, what);
  if (a.ipc && b.ipc) assert.ok(equalBytes(a.ipc, b.ipc), `${what}: tables differ`);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

Deno.test("TABLEDATA fast path: same tables and errors as the general scanner on random documents", async () => {
  let errors = 0, tables = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const bad = seed % 3 === 0 ? 0.05 : 0;
    const odd = seed % 4 === 0 ? 0.05 : 0;
    const doc = new TextEncoder().encode(makeDoc(seed, 1 + (seed % 40), bad, odd));
    const ref = await read(doc, doc.length, false, 7);
    if (ref.error) errors++;
    else tables++;
    for (const chunk of [doc.length, 4093, 7]) {
      same(await read(doc, chunk, true, 7), ref, `seed ${seed}, chunks of ${chunk}`);
    }
  }
  // The generator makes both outcomes often enough for the comparison to mean something.
  assert.ok(errors > 20 && tables > 150, `errors ${errors}, tables ${tables}`);
});

Deno.test("TABLEDATA fast path: blocks of clean rows (bulk appends, nulls, batch edges) as the general scanner reads them", async () => {
  for (let seed = 1000; seed < 1040; seed++) {
    const doc = new TextEncoder().encode(makeDoc(seed, 300 + (seed % 7) * 211, 0, 0, true));
    for (const batch of [7, 600, 100000]) {
      const ref = await read(doc, doc.length, false, batch);
      assert.equal(ref.error, undefined, `seed ${seed}`);
      for (const chunk of [doc.length, 4093]) {
        same(
          await read(doc, chunk, true, batch),
          ref,
          `seed ${seed}, batch ${batch}, chunks of ${chunk}`,
        );
      }
    }
  }
});

Deno.test("TABLEDATA fast path: 1-byte chunks and 1-row batches give the same table", async () => {
  for (const seed of [11, 12, 13]) {
    const doc = new TextEncoder().encode(makeDoc(seed, 30, 0, seed === 12 ? 0.1 : 0));
    const ref = await read(doc, doc.length, false, 1000);
    assert.equal(ref.error, undefined);
    same(
      await read(doc, 1, true, 1),
      await read(doc, doc.length, false, 1),
      `seed ${seed}, 1-row batches`,
    );
    same(await read(doc, 1, true, 1000), ref, `seed ${seed}, 1-byte chunks`);
  }
});

const td = (fields: string, rows: string) =>
  new TextEncoder().encode(
    `<VOTABLE version="1.4"><RESOURCE><TABLE>${fields}<DATA><TABLEDATA>${rows}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`,
  );

Deno.test("TABLEDATA fast path: floats are exactly Number() of their text", async () => {
  const r = rng(99);
  const texts: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = floatText(r, 0).trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) texts.push(t);
  }
  texts.push("9007199254740991", "9007199254740993", "0.1", "2.2250738585072014e-308", "4.9e-324");
  const doc = td(
    `<FIELD name="x" datatype="double"/>`,
    texts.map((t) => `<TR><TD>${t}</TD></TR>`).join("\n"),
  );
  const { table } = await collectTable(readVOTable(doc));
  const x = table.getChild("x")!;
  texts.forEach((t, i) => assert.ok(Object.is(x.get(i), Number(t)), `${t}: ${x.get(i)}`));
});

Deno.test("TABLEDATA fast path: int64 extremes and 19-digit ids are exact", async () => {
  const vals = [
    "9223372036854775807",
    "-9223372036854775808",
    "5929246508730155392",
    "1636148068921376768",
    "4294967295",
    "4294967296",
    "-4294967296",
    "-1",
    "123456789012345678",
    "1234567890123456",
  ];
  const doc = td(
    `<FIELD name="id" datatype="long"/>`,
    vals.map((t) => `<TR>\n  <TD>${t}</TD>\n</TR>`).join(""),
  );
  const { table } = await collectTable(readVOTable(doc));
  assert.deepEqual([...table.getChild("id")!], vals.map((v) => BigInt(v)));
});

Deno.test("TABLEDATA fast path: a value error has the same offset as before", async () => {
  const doc = td(
    `<FIELD name="a" datatype="double"/><FIELD name="b" datatype="int"/>`,
    `<TR><TD>1.5</TD><TD>2</TD></TR>\n<TR><TD>2.5</TD><TD>3000000000</TD></TR>`,
  );
  const text = new TextDecoder().decode(doc);
  await assert.rejects(collectTable(readVOTable(doc)), (e: Error & { offset?: number }) => {
    assert.equal(e.name, "VOTableSyntaxError");
    assert.match(e.message, /"3000000000" in row 2 is not a 32-bit int/);
    assert.equal(e.offset, text.indexOf("3000000000"));
    return true;
  });
});

Deno.test("TABLEDATA fast path: exotic whitespace, entities and CDATA inside TD", async () => {
  const doc = td(
    `<FIELD name="a" datatype="double"/><FIELD name="s" datatype="char" arraysize="*"/><FIELD name="n" datatype="long"/>`,
    `<TR>\r\n\t<TD>\t 1.25 \r\n</TD>\t<TD>a&amp;b</TD><TD> 7 </TD></TR>` +
      `<TR><TD><![CDATA[2.5]]></TD><TD><![CDATA[<x>]]></TD><TD>&#56;</TD></TR>` +
      `<TR><TD/><TD></TD><TD/></TR>`,
  );
  const { table } = await collectTable(readVOTable(doc));
  assert.deepEqual([...table.getChild("a")!], [1.25, 2.5, null]);
  assert.deepEqual([...table.getChild("s")!], ["a&b", "<x>", null]);
  assert.deepEqual([...table.getChild("n")!], [7n, 8n, null]);
});

Deno.test("TABLEDATA fast path: a table it gives up on (100 rows with TR attributes first) reads the same", async () => {
  const rows: string[] = [];
  for (let i = 0; i < 300; i++) {
    rows.push(
      `${i < 100 ? `<TR ID="r${i}">` : "<TR>"}<TD>${i}.5</TD><TD>${
        i * 1e12
      }</TD><TD>s${i}</TD></TR>\n`,
    );
  }
  const doc = td(
    `<FIELD name="x" datatype="double"/><FIELD name="n" datatype="long"/><FIELD name="s" datatype="char" arraysize="*"/>`,
    rows.join(""),
  );
  const ref = await read(doc, doc.length, false, 64);
  assert.equal(ref.rows, 300);
  for (const chunk of [doc.length, 4093, 7]) {
    same(await read(doc, chunk, true, 64), ref, `chunks of ${chunk}`);
  }
  assert.equal(ref.table!.getChild("n")!.get(299), 299000000000000n);
});
