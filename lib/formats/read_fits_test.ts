import assert from "node:assert/strict";
import { SizeLimitError, TruncatedInputError } from "../io/errors.ts";
import { collectTable } from "../table/reader.ts";
import { FitsFormatError } from "./errors.ts";
import { formatCard } from "./fits_header.ts";
import { readFits } from "./read_fits.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);

/** Builds a FITS file: primary HDU plus one BINTABLE with the given cards and data. */
function fits(cards: string[], data: Uint8Array, opts: { pad?: boolean } = {}): Uint8Array {
  const block = (text: string) => {
    const n = Math.ceil(text.length / 2880) * 2880;
    return new TextEncoder().encode(text.padEnd(n));
  };
  const primary = block(
    [
      formatCard("SIMPLE", true),
      formatCard("BITPIX", 8),
      formatCard("NAXIS", 0),
      formatCard("EXTEND", true),
    ].join("") +
      "END".padEnd(80),
  );
  const header = block(cards.join("") + "END".padEnd(80));
  const padded = opts.pad === false ? data.length : Math.ceil(data.length / 2880) * 2880;
  const out = new Uint8Array(primary.length + header.length + padded);
  out.set(primary);
  out.set(header, primary.length);
  out.set(data, primary.length + header.length);
  return out;
}

function tableCards(
  naxis1: number,
  naxis2: number,
  cols: Record<string, string | number | bigint>[],
  pcount = 0,
) {
  const c = [
    formatCard("XTENSION", "BINTABLE"),
    formatCard("BITPIX", 8),
    formatCard("NAXIS", 2),
    formatCard("NAXIS1", naxis1),
    formatCard("NAXIS2", naxis2),
    formatCard("PCOUNT", pcount),
    formatCard("GCOUNT", 1),
    formatCard("TFIELDS", cols.length),
  ];
  cols.forEach((col, i) => {
    for (const [k, v] of Object.entries(col)) c.push(formatCard(`${k}${i + 1}`, v));
  });
  return c;
}

Deno.test("readFits() reads every TFORM code, TNULL, unsigned TZERO, TSCAL, TDIM, X bits and complex", async () => {
  // Row layout (big-endian): L(1) X3(1) B(1) I(2) J(4) K(8) 4A(4) E(4) D(8) C(8) M(16)
  //   Iu(2, TZERO 32768) Ju(4, TZERO 2^31) Ku(8, TZERO 2^63) Bs(1, TZERO -128) Is(2, TSCAL .5 TZERO 10) 6E TDIM(3,2)(24)
  const cols: Record<string, string | number | bigint>[] = [
    { TTYPE: "l", TFORM: "L" },
    { TTYPE: "x", TFORM: "3X" },
    { TTYPE: "b", TFORM: "B", TNULL: 255 },
    { TTYPE: "i", TFORM: "I", TNULL: -32768, TUNIT: "count" },
    { TTYPE: "j", TFORM: "J", TNULL: -1 },
    { TTYPE: "k", TFORM: "K", TNULL: -9223372036854775808n },
    { TTYPE: "a", TFORM: "4A" },
    { TTYPE: "e", TFORM: "E", TUCD: "phot.mag", TCOMM: "a magnitude" },
    { TTYPE: "d", TFORM: "D" },
    { TTYPE: "c", TFORM: "C" },
    { TTYPE: "m", TFORM: "M" },
    { TTYPE: "iu", TFORM: "I", TZERO: 32768 },
    { TTYPE: "ju", TFORM: "J", TZERO: 2147483648 },
    { TTYPE: "ku", TFORM: "K", TZERO: 9223372036854775808n },
    { TTYPE: "bs", TFORM: "B", TZERO: -128 },
    { TTYPE: "is", TFORM: "I", TSCAL: 0.5, TZERO: 10 },
    { TTYPE: "arr", TFORM: "6E", TDIM: "(3,2)" },
  ];
  const width = 1 + 1 + 1 + 2 + 4 + 8 + 4 + 4 + 8 + 8 + 16 + 2 + 4 + 8 + 1 + 2 + 24;
  const rows = 2;
  const data = new Uint8Array(width * rows);
  const dv = new DataView(data.buffer);
  for (let r = 0; r < rows; r++) {
    let p = r * width;
    const nul = r === 1;
    dv.setUint8(p, nul ? 0 : 0x54); // L: T, then null
    p += 1;
    dv.setUint8(p, 0b10100000); // X: 1,0,1
    p += 1;
    dv.setUint8(p, nul ? 255 : 7);
    p += 1;
    dv.setInt16(p, nul ? -32768 : -300);
    p += 2;
    dv.setInt32(p, nul ? -1 : 123456789);
    p += 4;
    dv.setBigInt64(p, nul ? -9223372036854775808n : 5929246508730155392n);
    p += 8;
    data.set(new TextEncoder().encode(nul ? "\0\0\0\0" : "ab  "), p);
    p += 4;
    dv.setFloat32(p, nul ? NaN : 20.5);
    p += 4;
    dv.setFloat64(p, nul ? NaN : -1.25);
    p += 8;
    dv.setFloat32(p, 1);
    dv.setFloat32(p + 4, -1);
    p += 8;
    dv.setFloat64(p, 2);
    dv.setFloat64(p + 8, -2);
    p += 16;
    dv.setInt16(p, 32767); // 65535
    p += 2;
    dv.setInt32(p, -2147483648); // 0
    p += 4;
    dv.setBigInt64(p, 9223372036854775807n); // 2^64 - 1
    p += 8;
    dv.setUint8(p, 0); // -128
    p += 1;
    dv.setInt16(p, 4); // 10 + 0.5 * 4 = 12
    p += 2;
    for (let i = 0; i < 6; i++) dv.setFloat32(p + 4 * i, i);
  }
  const bytes = fits(tableCards(width, rows, cols), data);
  const { table } = await collectTable(readFits(bytes));
  const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
  assert.deepEqual(types, {
    l: "Bool",
    x: "FixedSizeList[3]<Bool>",
    b: "Uint8",
    i: "Int16",
    j: "Int32",
    k: "Int64",
    a: "Utf8",
    e: "Float32",
    d: "Float64",
    c: "FixedSizeList[2]<Float32>",
    m: "FixedSizeList[2]<Float64>",
    iu: "Uint16",
    ju: "Uint32",
    ku: "Uint64",
    bs: "Int8",
    is: "Float64",
    arr: "FixedSizeList[6]<Float32>",
  });
  const r0 = table.get(0)!.toJSON();
  assert.equal(r0.l, true);
  assert.deepEqual([...r0.x!.toArray()], [true, false, true]);
  assert.equal(r0.b, 7);
  assert.equal(r0.i, -300);
  assert.equal(r0.j, 123456789);
  assert.equal(r0.k, 5929246508730155392n);
  assert.equal(r0.a, "ab");
  assert.equal(r0.e, 20.5);
  assert.equal(r0.d, -1.25);
  assert.deepEqual([...r0.c!.toArray()], [1, -1]);
  assert.deepEqual([...r0.m!.toArray()], [2, -2]);
  assert.equal(r0.iu, 65535);
  assert.equal(r0.ju, 0);
  assert.equal(r0.ku, 18446744073709551615n);
  assert.equal(r0.bs, -128);
  assert.equal(r0.is, 12);
  assert.deepEqual([...r0.arr!.toArray()], [0, 1, 2, 3, 4, 5]);
  const r1 = table.get(1)!.toJSON();
  for (const k of ["l", "b", "i", "j", "k", "a", "e", "d"]) assert.equal(r1[k], null, k);
  const md = (n: string) => table.schema.fields.find((f) => f.name === n)!.metadata;
  assert.equal(md("i").get("unit"), "count");
  assert.equal(md("e").get("ucd"), "phot.mag");
  assert.equal(md("e").get("description"), "a magnitude");
  assert.equal(md("arr").get("arraysize"), "3x2");
  assert.equal(md("k").get("datatype"), "long");
});

Deno.test("readFits() reads P and Q variable-length arrays from the heap", async () => {
  // Row: 1PJ(3) descriptor (8) + 1QD(2) descriptor (16) + 1PA(5) (8)
  const cols: Record<string, string>[] = [{ TTYPE: "pj", TFORM: "1PJ(3)" }, {
    TTYPE: "qd",
    TFORM: "1QD(2)",
  }, { TTYPE: "pa", TFORM: "1PA(5)" }];
  const width = 32;
  const heap = new Uint8Array(64);
  const hv = new DataView(heap.buffer);
  hv.setInt32(0, 1);
  hv.setInt32(4, 2);
  hv.setInt32(8, 3); // pj row 0 = [1,2,3] at 0
  hv.setFloat64(12, 0.5); // qd row 0 = [0.5] at 12
  heap.set(new TextEncoder().encode("hello"), 20); // pa row 0 at 20
  const data = new Uint8Array(width * 2 + heap.length);
  const dv = new DataView(data.buffer);
  dv.setUint32(0, 3);
  dv.setUint32(4, 0);
  dv.setBigUint64(8, 1n);
  dv.setBigUint64(16, 12n);
  dv.setUint32(24, 5);
  dv.setUint32(28, 20);
  // row 1: empty arrays
  data.set(heap, width * 2);
  const bytes = fits(tableCards(width, 2, cols, heap.length), data);
  const { table } = await collectTable(readFits(bytes));
  assert.deepEqual([...table.getChild("pj")!.get(0)!.toArray()], [1, 2, 3]);
  assert.equal(table.getChild("pj")!.get(1)!.length, 0);
  assert.deepEqual([...table.getChild("qd")!.get(0)!.toArray()], [0.5]);
  assert.equal(table.getChild("pa")!.get(0), "hello");
  assert.equal(table.getChild("pa")!.get(1), null);
  // A descriptor pointing outside the heap is an error.
  const bad = data.slice();
  new DataView(bad.buffer).setUint32(4, 1000);
  await assert.rejects(
    collectTable(readFits(fits(tableCards(width, 2, cols, heap.length), bad))),
    /outside the heap/,
  );
});

Deno.test("readFits() reads the DaCHS and Gaia archive FITS fixtures (CONTINUE, TNULL, TUCD)", async () => {
  const dachs = await collectTable(readFits(Deno.readFileSync(new URL("sync-nulls.fits", DACHS))));
  assert.equal(dachs.table.numRows, 5);
  assert.equal(dachs.table.getChild("source_id")!.get(4), 64942654294589445n);
  assert.equal(dachs.table.getChild("parallax")!.nullCount, 2);
  assert.equal(dachs.table.getChild("designation")!.get(0), "Gaia DR3 34634616274944");
  const sid = dachs.table.schema.fields.find((f) => f.name === "source_id")!.metadata;
  assert.match(
    sid.get("description")!,
    /^Unique source identifier .* source_id \/ 34359738368\.$/,
    "CONTINUE joined",
  );
  assert.equal(sid.get("null"), "-1");
  const gaia = await collectTable(
    readFits(Deno.readFileSync(new URL("1714556098855O-result.fits", AQ))),
  );
  assert.equal(gaia.meta.name, "votable");
  assert.ok(gaia.meta.params.some((p) => p.name === "STILVERS"));
  const row = gaia.table.get(0)!.toJSON();
  assert.equal(row.source_id, 5929246508730155392n);
  assert.equal(row.vbroad_nb_transits, null, "TNULL107 -32768");
  assert.equal(row.pseudocolour, null, "NaN");
  assert.equal(row.astrometric_n_obs_al, 342);
  assert.equal(row.libname_gspphot, "MARCS");
  const pmra = gaia.table.schema.fields.find((f) => f.name === "pmra")!.metadata;
  assert.equal(pmra.get("ucd"), "pos.pm;pos.eq.ra");
  assert.equal(pmra.get("utype"), "stc:AstroCoords.Velocity3D.Value3.C1");
  assert.equal(pmra.get("unit"), "mas.yr**-1");
});

Deno.test("readFits() reads gzip'd FITS, in small chunks, and chooses the HDU", async () => {
  const bytes = Deno.readFileSync(new URL("sync-nulls.fits", DACHS));
  const gz = await new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
  const parts: Uint8Array[] = [];
  for (let i = 0; i < gz.length; i += 333) parts.push(gz.slice(i, i + 333));
  const t = await collectTable(readFits(ReadableStream.from(parts), { batchSize: 2 }));
  assert.equal(t.table.numRows, 5);
  assert.equal(t.table.batches.length, 3);
  assert.equal((await collectTable(readFits(bytes, { hdu: 1 }))).table.numRows, 5);
  await assert.rejects(collectTable(readFits(bytes, { hdu: 0 })), FitsFormatError);
  await assert.rejects(collectTable(readFits(bytes, { hdu: 2 })), /no HDU 2/);
  await assert.rejects(collectTable(readFits(bytes, { hdu: "nosuch" })), /no HDU named "nosuch"/);
});

Deno.test("readFits() rejects malformed, truncated and lying files without allocating what they claim", async () => {
  const cols = [{ TTYPE: "k", TFORM: "K" }];
  const one = new Uint8Array(8);
  // Truncated: NAXIS2 says a million rows, 1 row present.
  await assert.rejects(
    collectTable(readFits(fits(tableCards(8, 1_000_000, cols), one, { pad: false }))),
    (e: unknown) =>
      e instanceof TruncatedInputError && /ends after 1 of 1000000 rows/.test((e as Error).message),
  );
  // Lying sizes beyond maxBytes: refused before reading.
  await assert.rejects(
    collectTable(readFits(fits(tableCards(2 ** 30, 2 ** 20, cols), one), { maxBytes: 1e8 })),
    SizeLimitError,
  );
  // NAXIS1 smaller than the columns.
  await assert.rejects(
    collectTable(readFits(fits(tableCards(4, 1, cols), one))),
    /need 8 bytes per row but NAXIS1 is 4/,
  );
  // Unknown TFORM, missing TFORM.
  await assert.rejects(
    collectTable(readFits(fits(tableCards(8, 1, [{ TTYPE: "z", TFORM: "8Z" }]), one))),
    /Unknown TFORM1 "8Z"/,
  );
  await assert.rejects(
    collectTable(readFits(fits(tableCards(8, 1, [{ TTYPE: "z" }]), one))),
    /Missing TFORM1/,
  );
  // Not FITS, empty, header without END.
  await assert.rejects(collectTable(readFits("hello world")), /Not a FITS file|ends after/);
  await assert.rejects(collectTable(readFits(new Uint8Array(0))), /empty/);
  const noEnd = new TextEncoder().encode(formatCard("SIMPLE", true).padEnd(2880));
  await assert.rejects(collectTable(readFits(noEnd)), TruncatedInputError);
  // No BINTABLE at all.
  const primaryOnly = new TextEncoder().encode(
    (formatCard("SIMPLE", true) + formatCard("BITPIX", 8) + formatCard("NAXIS", 0) +
      "END".padEnd(80)).padEnd(2880),
  );
  await assert.rejects(collectTable(readFits(primaryOnly)), /no BINTABLE/);
});

Deno.test("readFits() decodes many rows in cache-sized blocks across chunk and batch boundaries", async () => {
  // Fast-path columns (L B I J K Ku A E D Ds Es) and value-by-value ones (Iu Is C 2X 2J).
  const cols: Record<string, string | number | bigint>[] = [
    { TTYPE: "l", TFORM: "L" },
    { TTYPE: "b", TFORM: "B", TNULL: 9 },
    { TTYPE: "i", TFORM: "I", TNULL: -7 },
    { TTYPE: "j", TFORM: "J", TNULL: 77 },
    { TTYPE: "k", TFORM: "K", TNULL: 5n },
    { TTYPE: "ku", TFORM: "K", TZERO: 9223372036854775808n },
    { TTYPE: "a", TFORM: "7A" },
    { TTYPE: "e", TFORM: "E" },
    { TTYPE: "d", TFORM: "D" },
    { TTYPE: "ds", TFORM: "D", TSCAL: 2, TZERO: 1 },
    { TTYPE: "es", TFORM: "E", TSCAL: 0.5, TZERO: -3 },
    { TTYPE: "iu", TFORM: "I", TZERO: 32768 },
    { TTYPE: "is", TFORM: "I", TSCAL: 0.25 },
    { TTYPE: "c", TFORM: "C" },
    { TTYPE: "x", TFORM: "2X" },
    { TTYPE: "j2", TFORM: "2J" },
  ];
  const width = 1 + 1 + 2 + 4 + 8 + 8 + 7 + 4 + 8 + 8 + 4 + 2 + 2 + 8 + 1 + 8;
  const strings = ["", "x", "ab c  ", "1234567", "é\0zz", " "];
  const row = (r: number) => ({
    l: [0x54, 0x46, 0, 0x3f][r % 4],
    b: r % 256,
    i: (r % 3000) - 1500,
    j: r % 101 === 0 ? 77 : r * 3,
    k: r % 13 === 0 ? 5n : BigInt(r) * 1234567890123n - 9000000000000000000n,
    ku: BigInt(r) - 3n,
    a: strings[r % strings.length],
    e: r % 7 === 0 ? NaN : r % 7 === 1 ? Infinity : r / 4,
    d: r % 11 === 0 ? NaN : r * -1.5,
    ds: r % 17 === 0 ? NaN : r,
    es: r % 19 === 0 ? NaN : r,
  });
  const rows = 5003; // 5003 × 93 bytes: two 256 KB blocks and a part
  const data = new Uint8Array(width * rows);
  const dv = new DataView(data.buffer);
  for (let r = 0; r < rows; r++) {
    const v = row(r);
    let p = r * width;
    data[p++] = v.l;
    data[p++] = v.b;
    dv.setInt16(p, v.i);
    p += 2;
    dv.setInt32(p, v.j);
    p += 4;
    dv.setBigInt64(p, v.k);
    p += 8;
    dv.setBigInt64(p, BigInt.asIntN(64, v.ku - 9223372036854775808n));
    p += 8;
    data.set(new TextEncoder().encode(v.a), p);
    p += 7;
    dv.setFloat32(p, v.e);
    p += 4;
    dv.setFloat64(p, v.d);
    p += 8;
    dv.setFloat64(p, v.ds);
    p += 8;
    dv.setFloat32(p, v.es);
    p += 4;
    dv.setInt16(p, r % 500);
    p += 2;
    dv.setInt16(p, r);
    p += 2;
    dv.setFloat32(p, r);
    dv.setFloat32(p + 4, -r);
    p += 8;
    data[p++] = r % 2 ? 0x80 : 0x40;
    dv.setInt32(p, r);
    dv.setInt32(p + 4, -r);
    p += 8;
    assert.equal(p, (r + 1) * width);
  }
  const bytes = fits(tableCards(width, rows, cols), data);
  const expect = (r: number) => {
    const v = row(r);
    const a = v.a.replace(/\0.*$/s, "").replace(/ +$/, "");
    return [
      v.l === 0x54 ? true : v.l === 0x46 ? false : null,
      v.b === 9 ? null : v.b,
      v.i === -7 ? null : v.i,
      v.j === 77 ? null : v.j,
      v.k === 5n ? null : v.k,
      BigInt.asUintN(64, v.ku),
      a === "" ? null : a,
      Number.isNaN(v.e) ? null : v.e,
      Number.isNaN(v.d) ? null : v.d,
      Number.isNaN(v.ds) ? null : 1 + 2 * v.ds,
      Number.isNaN(v.es) ? null : -3 + 0.5 * v.es,
      (r % 500) + 32768,
      r * 0.25,
      [r, -r],
      r % 2 ? [true, false] : [false, true],
      [r, -r | 0],
    ];
  };
  const names = cols.map((c) => String(c.TTYPE));
  const check = (t: import("apache-arrow").Table, what: string) => {
    assert.equal(t.numRows, rows, what);
    for (let r = 0; r < rows; r += r < 40 ? 1 : 97) {
      const got = names.map((n) => {
        const v = t.getChild(n)!.get(r);
        return v !== null && typeof v === "object" ? [...(v as Iterable<unknown>)] : v;
      });
      assert.deepEqual(got, expect(r), `${what}, row ${r}`);
    }
    const nulls = (n: string) => t.getChild(n)!.nullCount;
    assert.equal(nulls("d"), Math.ceil(rows / 11), what);
    assert.equal(nulls("j"), Math.ceil(rows / 101), what);
    // "" and " " of every six strings are null.
    assert.equal(nulls("a"), Math.ceil(rows / 6) + Math.ceil((rows - 5) / 6), what);
  };
  for (const [size, batchSize] of [[bytes.length, 65536], [4093, 1000], [65536, 7]]) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) parts.push(bytes.slice(i, i + size));
    const sizes: number[] = [];
    const reader = readFits(ReadableStream.from(parts), { batchSize });
    const batches = [];
    for await (const b of reader) {
      sizes.push(b.numRows);
      batches.push(b);
    }
    const { Table } = await import("apache-arrow");
    check(new Table(batches), `${size}-byte chunks, batchSize ${batchSize}`);
    assert.ok(sizes.slice(0, -1).every((n) => n === batchSize), `batches ${sizes.slice(0, 5)}`);
    assert.equal(sizes.reduce((a, b) => a + b, 0), rows);
  }
  // 1-byte chunks: the first rows only.
  const head = fits(tableCards(width, 40, cols), data.subarray(0, 40 * width));
  const parts = Array.from(head, (b) => new Uint8Array([b]));
  const t = (await collectTable(readFits(ReadableStream.from(parts), { batchSize: 3 }))).table;
  assert.equal(t.numRows, 40);
  for (let r = 0; r < 40; r++) {
    assert.deepEqual(
      names.map((n) => {
        const v = t.getChild(n)!.get(r);
        return v !== null && typeof v === "object" ? [...(v as Iterable<unknown>)] : v;
      }),
      expect(r),
      `1-byte chunks, row ${r}`,
    );
  }
  // Cut inside row 4000 (in the second block): says how many rows arrived.
  const cut = fits(tableCards(width, rows, cols), data.subarray(0, 3999 * width + 10), {
    pad: false,
  });
  await assert.rejects(
    collectTable(readFits(cut)),
    (e: unknown) =>
      e instanceof TruncatedInputError && /ends after 3999 of 5003 rows/.test((e as Error).message),
  );
});
