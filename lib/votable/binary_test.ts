import assert from "node:assert/strict";
import type { Table } from "apache-arrow";
import { collectTable } from "../table/reader.ts";
import { readVOTable } from "./read_votable.ts";
import { TruncatedInputError, VOTableSyntaxError } from "./errors.ts";

/*
 * BINARY/BINARY2 documents made byte by byte, to check the column-at-a-time
 * decoders (fixed-size rows) against explicit values, against the
 * row-at-a-time path (the same columns plus a variable-length one) and
 * against themselves fed in chunks that cut base64 quanta and rows anywhere.
 */

const FIELDS = `
<FIELD name="l" datatype="long"><VALUES null="-1"/></FIELD>
<FIELD name="d" datatype="double"/>
<FIELD name="f" datatype="float"/>
<FIELD name="i" datatype="int"><VALUES null="-999"/></FIELD>
<FIELD name="s" datatype="short"><VALUES null="7"/></FIELD>
<FIELD name="ub" datatype="unsignedByte"><VALUES null="255"/></FIELD>
<FIELD name="b" datatype="boolean"/>
<FIELD name="bit" datatype="bit"/>
<FIELD name="c" datatype="char" arraysize="6"/>
<FIELD name="u" datatype="unicodeChar" arraysize="2"/>
<FIELD name="d2" datatype="double" arraysize="2"/>
<FIELD name="fc" datatype="floatComplex"/>`;
const NF = 12;
const VAR_FIELD = `<FIELD name="v" datatype="int" arraysize="*"/>`;

interface Row {
  nulls: number[]; // BINARY2 null flags (column indices)
  l: bigint;
  d: number;
  f: number;
  i: number;
  s: number;
  ub: number;
  b: number; // byte
  bit: number; // byte
  c: string;
  u: string;
  d2: [number, number];
  fc: [number, number];
}

function makeRow(k: number): Row {
  return {
    nulls: k % 11 === 3 ? [0, 2, 8, 11] : k % 13 === 5 ? [1, 3, 4, 5, 6, 7, 9, 10] : [],
    l: k % 17 === 2 ? -1n : (BigInt(k) << 40n) + 5929246508730155392n - (1n << 62n),
    d: k % 19 === 4 ? NaN : k * 1.25 - 100,
    f: k % 23 === 6 ? NaN : k % 23 === 7 ? -Infinity : k / 8,
    i: k % 29 === 1 ? -999 : k * 1000 - 5,
    s: k % 31 === 9 ? 7 : (k % 60000) - 30000,
    ub: k % 37 === 0 ? 255 : k % 250,
    b: [0x54, 0x46, 0x3f, 0x74, 0x30, 0x20][k % 6],
    bit: k % 3 === 0 ? 0x80 : 0x00,
    c: ["", "a", "ab c", "Gaia42", "é"][k % 5],
    u: ["", "β", "日本"][k % 3],
    d2: [k, -k],
    fc: k % 7 === 0 ? [NaN, NaN] : [k / 2, -1],
  };
}

/** The row's bytes (BINARY2 when `mask`), with a trailing int[*] when `withVar`. */
function rowBytes(r: Row, mask: boolean, withVar: boolean): Uint8Array {
  const nf = NF + (withVar ? 1 : 0);
  const maskBytes = mask ? (nf + 7) >> 3 : 0;
  const varItems = withVar ? r.nulls.length : 0;
  const size = maskBytes + 8 + 8 + 4 + 4 + 2 + 1 + 1 + 1 + 6 + 4 + 16 + 8 +
    (withVar ? 4 + 4 * varItems : 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  if (mask) { for (const j of r.nulls) out[j >> 3] |= 0x80 >> (j & 7); }
  let p = maskBytes;
  dv.setBigInt64(p, r.l);
  p += 8;
  dv.setFloat64(p, r.d);
  p += 8;
  dv.setFloat32(p, r.f);
  p += 4;
  dv.setInt32(p, r.i);
  p += 4;
  dv.setInt16(p, r.s);
  p += 2;
  out[p++] = r.ub;
  out[p++] = r.b;
  out[p++] = r.bit;
  const c = new TextEncoder().encode(r.c);
  out.set(c.subarray(0, 6), p);
  p += 6;
  for (let k = 0; k < 2; k++) dv.setUint16(p + 2 * k, k < r.u.length ? r.u.charCodeAt(k) : 0);
  p += 4;
  dv.setFloat64(p, r.d2[0]);
  dv.setFloat64(p + 8, r.d2[1]);
  p += 16;
  dv.setFloat32(p, r.fc[0]);
  dv.setFloat32(p + 4, r.fc[1]);
  p += 8;
  if (withVar) {
    dv.setInt32(p, varItems);
    p += 4;
    for (const j of r.nulls) {
      dv.setInt32(p, j);
      p += 4;
    }
  }
  assert.equal(p, size);
  return out;
}

function base64Lines(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 57) {
    s += btoa(String.fromCharCode(...bytes.subarray(i, i + 57))) + "\n";
  }
  return s;
}

function doc(rows: Row[], name: "BINARY" | "BINARY2", withVar: boolean, tail = ""): Uint8Array {
  const parts = rows.map((r) => rowBytes(r, name === "BINARY2", withVar));
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextEncoder().encode(
    `<?xml version="1.0"?>\n<VOTABLE version="1.4"><RESOURCE><TABLE>${FIELDS}${
      withVar ? VAR_FIELD : ""
    }\n<DATA><${name}><STREAM encoding="base64">\n${
      base64Lines(all)
    }${tail}</STREAM></${name}></DATA></TABLE></RESOURCE></VOTABLE>\n`,
  );
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let p = 0;
  return new ReadableStream({
    pull(c) {
      if (p >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(p, p + size));
        p += size;
      }
    },
  });
}

/** Every cell as JSON (bigints as strings, NaN as "NaN"), columns in `names`. */
function cells(t: Table, names: string[]): string {
  const out: unknown[] = [];
  for (let r = 0; r < t.numRows; r++) {
    out.push(names.map((n) => {
      const v = t.getChild(n)!.get(r);
      if (v !== null && typeof v === "object") return [...(v as Iterable<unknown>)].map(String);
      return typeof v === "number" && Number.isNaN(v) ? "NaN" : v === null ? null : String(v);
    }));
  }
  return JSON.stringify(out);
}

const NAMES = ["l", "d", "f", "i", "s", "ub", "b", "bit", "c", "u", "d2", "fc"];
const ROWS = Array.from({ length: 700 }, (_, k) => makeRow(k));

/** The values the reader must give for a row, from the spec's null rules. */
function expected(r: Row, binary2: boolean): unknown[] {
  const isNull = (j: number) => binary2 && r.nulls.includes(j);
  const num = (j: number, v: number, sentinel?: number) =>
    isNull(j) || Number.isNaN(v) || v === sentinel ? null : String(v);
  const bool = r.b === 0x54 || r.b === 0x74 || r.b === 0x31
    ? "true"
    : r.b === 0x46 || r.b === 0x66 || r.b === 0x30
    ? "false"
    : null;
  return [
    isNull(0) || r.l === -1n ? null : String(r.l),
    num(1, r.d),
    num(2, Math.fround(r.f)),
    num(3, r.i, -999),
    num(4, r.s, 7),
    num(5, r.ub, 255),
    isNull(6) ? null : bool,
    isNull(7) ? null : String(r.bit === 0x80),
    isNull(8) ? null : r.c,
    isNull(9) ? null : r.u,
    isNull(10) ? null : r.d2.map(String),
    isNull(11) || (Number.isNaN(r.fc[0]) && Number.isNaN(r.fc[1])) ? null : r.fc.map(String),
  ];
}

for (const name of ["BINARY2", "BINARY"] as const) {
  Deno.test(`readVOTable() decodes ${name} fixed-size rows column by column to the expected values`, async () => {
    const { table, meta } = await collectTable(readVOTable(doc(ROWS, name, false)));
    assert.equal(meta.format, name === "BINARY2" ? "votable/binary2" : "votable/binary");
    assert.equal(table.numRows, ROWS.length);
    const want = JSON.stringify(ROWS.map((r) => expected(r, name === "BINARY2")));
    assert.equal(cells(table, NAMES), want);
    const nulls = table.getChild("d")!.nullCount;
    assert.ok(nulls > 0, "some doubles are null");
  });

  Deno.test(`readVOTable() gives the same ${name} values on the row-by-row path (a variable field)`, async () => {
    const fixed = await collectTable(readVOTable(doc(ROWS, name, false)));
    const variable = await collectTable(readVOTable(doc(ROWS, name, true)));
    assert.equal(cells(variable.table, NAMES), cells(fixed.table, NAMES));
    assert.deepEqual(
      variable.table.schema.fields.slice(0, NF).map((f) => String(f.type)),
      fixed.table.schema.fields.map((f) => String(f.type)),
    );
    for (const n of NAMES) {
      assert.equal(variable.table.getChild(n)!.nullCount, fixed.table.getChild(n)!.nullCount, n);
    }
    // The variable column itself: row k holds the null flags' indices.
    const v = variable.table.getChild("v")!;
    assert.deepEqual([...v.get(3)!], [0, 2, 8, 11]);
  });

  Deno.test(`readVOTable() reads ${name} the same in 1-, 3-, 4093-byte chunks and small batches`, async () => {
    for (const withVar of [false, true]) {
      const bytes = doc(ROWS, name, withVar);
      const want = cells((await collectTable(readVOTable(bytes))).table, NAMES);
      for (const [size, batchSize] of [[1, 7], [3, 64], [4093, 100], [4096, 65536]]) {
        const sizes: number[] = [];
        const reader = readVOTable(chunked(bytes, size), { batchSize });
        const { table } = await collectTable({
          meta: reader.meta,
          schema: () => reader.schema(),
          async *[Symbol.asyncIterator]() {
            for await (const b of reader) {
              sizes.push(b.numRows);
              yield b;
            }
          },
        });
        assert.equal(cells(table, NAMES), want, `${size}-byte chunks, withVar ${withVar}`);
        assert.ok(sizes.slice(0, -1).every((n) => n === batchSize), `batches ${sizes}`);
      }
    }
  });
}

Deno.test("readVOTable() decodes BINARY2 blocks larger than the column pass block (256 KB)", async () => {
  const many = Array.from({ length: 6000 }, (_, k) => makeRow(k));
  const bytes = doc(many, "BINARY2", false);
  const { table } = await collectTable(readVOTable(chunked(bytes, 1 << 20)));
  assert.equal(table.numRows, many.length);
  assert.equal(cells(table, NAMES), JSON.stringify(many.map((r) => expected(r, true))));
});

Deno.test("readVOTable() reports a bad base64 byte at its offset, ASCII or not", async () => {
  for (const bad of ["*", "é", "\uFEFF"]) {
    const good = new TextDecoder().decode(doc(ROWS.slice(0, 40), "BINARY2", false));
    const at = good.indexOf("\n", good.indexOf("<STREAM")) + 200;
    const text = good.slice(0, at) + bad + good.slice(at);
    const bytes = new TextEncoder().encode(text);
    const offset = new TextEncoder().encode(text.slice(0, at)).length;
    for (const size of [bytes.length, 4093, 3]) {
      await assert.rejects(
        collectTable(readVOTable(chunked(bytes, size))),
        (e: unknown) => {
          assert.ok(e instanceof VOTableSyntaxError, String(e));
          assert.equal(e.offset, offset, `${JSON.stringify(bad)} in ${size}-byte chunks`);
          assert.match(e.message, /Invalid character/);
          return true;
        },
      );
    }
  }
});

Deno.test("readVOTable() rejects a BINARY2 STREAM that ends inside a row", async () => {
  for (const withVar of [false, true]) {
    const rows = ROWS.slice(0, 20);
    const parts = rows.map((r) => rowBytes(r, true, withVar));
    // One row and a half of another, as whole base64 quanta.
    const cut = new Uint8Array(parts[0].length + 6);
    cut.set(parts[0]);
    cut.set(parts[1].subarray(0, 6), parts[0].length);
    const text = `<VOTABLE><RESOURCE><TABLE>${FIELDS}${
      withVar ? VAR_FIELD : ""
    }<DATA><BINARY2><STREAM encoding="base64">${
      base64Lines(cut)
    }</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>`;
    await assert.rejects(
      collectTable(readVOTable(new TextEncoder().encode(text))),
      (e: unknown) => e instanceof TruncatedInputError && /inside row 2/.test(e.message),
    );
  }
});

Deno.test("readVOTable() keeps a base64 quantum cut by a chunk boundary, and still rejects what follows padding", async () => {
  // Chunks of 1-9 bytes cut the quanta everywhere; line breaks inside quanta too.
  const rows = ROWS.slice(0, 30);
  const parts = rows.map((r) => rowBytes(r, true, false));
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const b64 = btoa(String.fromCharCode(...all));
  const spaced = b64.replace(/(.{5})/g, "$1\n \t").replace(/(.{3})/g, "$1\r\n");
  const make = (body: string) =>
    new TextEncoder().encode(
      `<VOTABLE><RESOURCE><TABLE>${FIELDS}<DATA><BINARY2><STREAM encoding="base64">${body}</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>`,
    );
  const want = JSON.stringify(rows.map((r) => expected(r, true)));
  for (const size of [1, 2, 3, 5, 7, 9, 4093]) {
    const { table } = await collectTable(readVOTable(chunked(make(spaced), size)));
    assert.equal(cells(table, NAMES), want, `${size}-byte chunks`);
  }
  // Padding in the middle of the data is an error wherever the chunks are cut.
  const one = rowBytes(rows[0], true, false);
  const padded = btoa(String.fromCharCode(...one.subarray(0, 10))); // ends with "="
  assert.ok(padded.endsWith("="));
  const bad = make(padded + "\n" + btoa(String.fromCharCode(...one.subarray(10))));
  for (const size of [1, 3, 4, 4093]) {
    await assert.rejects(
      collectTable(readVOTable(chunked(bad, size))),
      (e: unknown) => e instanceof VOTableSyntaxError && /Malformed base64/.test(e.message),
      `${size}-byte chunks`,
    );
  }
  // A base64 text ending with one character (not a whole byte) is refused.
  const odd = make(btoa(String.fromCharCode(...one)) + "Q");
  for (const size of [1, 4093]) {
    await assert.rejects(
      collectTable(readVOTable(chunked(odd, size))),
      VOTableSyntaxError,
    );
  }
});

Deno.test("readVOTable() reports a bad base64 byte far into one large chunk at its offset", async () => {
  const many = Array.from({ length: 6000 }, (_, k) => makeRow(k));
  const good = new TextDecoder().decode(doc(many, "BINARY2", false));
  const at = good.indexOf("<STREAM") + 300_001;
  for (const bad of ["#", "\u00e9"]) {
    const text = good.slice(0, at) + bad + good.slice(at);
    const bytes = new TextEncoder().encode(text);
    for (const size of [bytes.length, 1 << 20, 65536]) {
      await assert.rejects(
        collectTable(readVOTable(chunked(bytes, size))),
        (e: unknown) =>
          e instanceof VOTableSyntaxError && e.offset === at && /Invalid character/.test(e.message),
        `${JSON.stringify(bad)} in ${size}-byte chunks`,
      );
    }
  }
  // And the same text without the bad byte reads whole in one chunk.
  const { table } = await collectTable(readVOTable(new TextEncoder().encode(good)));
  assert.equal(table.numRows, many.length);
});

Deno.test('readVOTable() decodes char arraysize="*" rows (every row a different size) column by column', async () => {
  const strs = ["", "a", "Gaia DR3 4295806720", "ab\0\0\0", "\u00e9t\u00e9", "NOT_AVAILABLE"];
  const rows = Array.from({ length: 3000 }, (_, k) => ({
    id: BigInt(k) * 4294967311n,
    s: strs[k % strs.length],
    d: k % 9 === 0 ? NaN : k / 7,
    nullS: k % 10 === 1,
    nullId: k % 13 === 2,
  }));
  const enc = new TextEncoder();
  const parts = rows.map((r) => {
    const sb = enc.encode(r.s);
    const b = new Uint8Array(1 + 8 + 4 + sb.length + 8);
    const dv = new DataView(b.buffer);
    b[0] = (r.nullId ? 0x80 : 0) | (r.nullS ? 0x40 : 0);
    dv.setBigInt64(1, r.id);
    dv.setInt32(9, sb.length);
    b.set(sb, 13);
    dv.setFloat64(13 + sb.length, r.d);
    return b;
  });
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const text = `<VOTABLE><RESOURCE><TABLE><FIELD name="id" datatype="long"/>
<FIELD name="s" datatype="char" arraysize="*"/><FIELD name="d" datatype="double"/>
<DATA><BINARY2><STREAM encoding="base64">${
    base64Lines(all)
  }</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>`;
  const bytes = enc.encode(text);
  const want = JSON.stringify(rows.map((r) => [
    r.nullId ? null : String(r.id),
    r.nullS ? null : r.s.replace(/\0+$/, ""),
    Number.isNaN(r.d) ? null : String(r.d),
  ]));
  for (const [size, batchSize] of [[bytes.length, 65536], [1, 1000], [7, 3], [4093, 2048]]) {
    const { table } = await collectTable(readVOTable(chunked(bytes, size), { batchSize }));
    assert.equal(cells(table, ["id", "s", "d"]), want, `${size}-byte chunks`);
  }
});

Deno.test("readVOTable() rejects a negative array length with the row and column", async () => {
  const ok = rowBytes(ROWS[0], true, true);
  const bad = rowBytes(ROWS[3], true, true);
  // The int[*] prefix is the last field: 4 + 4 * items bytes from the end.
  new DataView(bad.buffer).setInt32(bad.length - 4 - 4 * ROWS[3].nulls.length, -2);
  const all = new Uint8Array(ok.length + bad.length);
  all.set(ok);
  all.set(bad, ok.length);
  const text =
    `<VOTABLE><RESOURCE><TABLE>${FIELDS}${VAR_FIELD}<DATA><BINARY2><STREAM encoding="base64">${
      base64Lines(all)
    }</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>`;
  for (const size of [1 << 20, 5]) {
    await assert.rejects(
      collectTable(readVOTable(chunked(new TextEncoder().encode(text), size))),
      (e: unknown) =>
        e instanceof VOTableSyntaxError &&
        /Negative array length -2 in row 2 \(column "v"\)/.test(e.message),
    );
  }
});
