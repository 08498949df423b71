import assert from "node:assert/strict";
import {
  type Data,
  Field,
  FixedSizeList,
  Float64,
  Int16,
  Int64,
  List,
  makeVector,
  Schema,
  Struct,
  Table,
  Uint64,
  Utf8,
} from "apache-arrow";
import {
  BoolBuilder,
  builderFor,
  buildersFor,
  type ColumnBuilder,
  finishBatch,
  FixedSizeListBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  Int64Builder,
  Int8Builder,
  ListBuilder,
  Uint32Builder,
  Uint64Builder,
  Utf8Builder,
} from "./builders.ts";

Deno.test("Int64Builder keeps int64 extremes exact through bigints and words", () => {
  const b = new Int64Builder();
  const vals = [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, 64942654294589445n];
  for (const v of vals) b.append(v);
  b.appendWords(-1, 0x7fffffff);
  b.appendNumber(-(2 ** 53) + 1);
  b.appendNull();
  const v = makeVector(b.finish());
  assert.deepEqual(
    v.toArray().slice(0, 8),
    BigInt64Array.from([...vals, 9223372036854775807n, -(2n ** 53n) + 1n]),
  );
  assert.equal(v.get(8), null);
  assert.equal(v.nullCount, 1);
});

Deno.test("Uint64Builder stores values above 2^63", () => {
  const b = new Uint64Builder();
  b.append(18446744073709551615n);
  b.appendWords(0, -0x80000000);
  const v = makeVector(b.finish());
  assert.equal(v.type.toString(), new Uint64().toString());
  assert.equal(v.get(0), 18446744073709551615n);
  assert.equal(v.get(1), 2n ** 63n);
});

Deno.test("builders grow past their initial capacity and keep nulls at the right rows", () => {
  const n = 100_003;
  const i16 = new Int16Builder();
  const s = new Utf8Builder();
  const bo = new BoolBuilder();
  const i64 = new Int64Builder();
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3) {
      i16.appendNull();
      s.appendNull();
      bo.appendNull();
      i64.appendNull();
    } else {
      i16.append(i);
      s.appendString(`row ${i} ✓`);
      bo.append(i % 2 === 0);
      i64.append(BigInt(i) * 100000000000n);
    }
  }
  const schema = new Schema([
    new Field("a", new Int16()),
    new Field("s", new Utf8()),
    new Field("b", bo.type),
    new Field("l", new Int64()),
  ]);
  const t = new Table([finishBatch(schema, [i16, s, bo, i64])]);
  assert.equal(t.numRows, n);
  for (const i of [0, 3, 10, 1023, 1024, 65536, n - 1]) {
    const r = t.get(i)!;
    if (i % 7 === 3) {
      assert.equal(r.a, null);
      assert.equal(r.s, null);
      assert.equal(r.b, null);
      assert.equal(r.l, null);
    } else {
      assert.equal(r.a, (i << 16) >> 16, `row ${i}`);
      assert.equal(r.s, `row ${i} ✓`);
      assert.equal(r.b, i % 2 === 0);
      assert.equal(r.l, BigInt(i) * 100000000000n);
    }
  }
  assert.equal(t.getChild("a")!.nullCount, Math.floor((n - 4) / 7) + 1);
});

Deno.test("finish() empties builders and later batches do not alias earlier ones", () => {
  const b = new Float32Builder();
  b.append(1.5);
  b.appendNull();
  const first = makeVector(b.finish());
  assert.equal(b.length, 0);
  assert.equal(b.nullCount, 0);
  b.append(2.5);
  b.append(3.5);
  const second = makeVector(b.finish());
  assert.equal(first.get(0), 1.5);
  assert.equal(first.get(1), null);
  assert.equal(second.get(1), 3.5);
  assert.equal(second.nullCount, 0);
  assert.equal(second.data[0].nullBitmap?.length ?? 0, 0);
});

Deno.test("Utf8Builder copies multi-byte text and long values from byte ranges", () => {
  const b = new Utf8Builder();
  const text = new TextEncoder().encode("xx" + "αβγ".repeat(1000) + "yy");
  b.appendUtf8Bytes(text, 2, text.length - 2);
  b.appendUtf8Bytes(text, 0, 0);
  b.appendString("😀");
  const v = makeVector(b.finish());
  assert.equal(v.get(0), "αβγ".repeat(1000));
  assert.equal(v.get(1), "");
  assert.equal(v.get(2), "😀");
});

Deno.test("ListBuilder and FixedSizeListBuilder nest and refuse wrong item counts", () => {
  const l = new ListBuilder(new ListBuilder(new Int8Builder()));
  l.values.values.append(1);
  l.values.commit();
  l.values.commit();
  l.commit();
  l.appendNull();
  const v = makeVector(l.finish());
  assert.equal(v.get(0)!.length, 2);
  assert.deepEqual([...v.get(0)!.get(0)!], [1]);
  assert.equal(v.get(1), null);

  const f = new FixedSizeListBuilder(new Uint32Builder(), 3);
  f.values.append(1);
  assert.throws(() => f.commit(), RangeError);
  f.values.append(2);
  f.values.append(3);
  f.commit();
  f.appendNull();
  const fv = makeVector(f.finish());
  assert.deepEqual([...fv.get(0)!], [1, 2, 3]);
  assert.equal(fv.get(1), null);
  assert.equal(fv.data[0].children[0].length, 6);
});

Deno.test("builderFor() covers nested types and refuses others with a TypeError", () => {
  const t = new List(
    new Field("item", new FixedSizeList(2, new Field("item", new Float64(), true)), true),
  );
  const b = builderFor(t) as ListBuilder<FixedSizeListBuilder<Float32Builder>>;
  b.values.values.append(1);
  b.values.values.append(2);
  b.values.commit();
  b.commit();
  assert.equal(String(makeVector(b.finish()).type), String(t));
  assert.throws(() => builderFor(new Struct([])), /No column builder for Arrow type Struct/);
});

Deno.test("finishBatch() refuses builders of different lengths", () => {
  const schema = new Schema([new Field("a", new Int16()), new Field("b", new Int16())]);
  const [a, b] = buildersFor(schema) as Int16Builder[];
  a.append(1);
  assert.throws(() => finishBatch(schema, [a, b]), /Column "b" has 0 values, expected 1/);
  assert.throws(() => finishBatch(schema, [a]), RangeError);
});

Deno.test("bulk API: extend(), setNull(s)() and Utf8 reserve()/commitRaw() match value-by-value appends", () => {
  const n = 3000;
  const isNull = (i: number) => i % 7 === 3 || (i > 1500 && i < 1510);
  // Reference builders, value by value.
  const f = new Float64Builder(), i32 = new Int32Builder(), i64 = new Int64Builder();
  const bo = new BoolBuilder(), s = new Utf8Builder();
  // Bulk builders: a few values by value first (so that nulls precede bulk
  // slots), then blocks of 1, 500 and the rest.
  const bf = new Float64Builder(), bi = new Int32Builder(), bl = new Int64Builder();
  const bb = new BoolBuilder(), bs = new Utf8Builder();
  const text = (i: number) => (i % 5 === 0 ? "" : `v${i}`);
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    if (isNull(i)) {
      f.appendNull(), i32.appendNull(), i64.appendNull(), bo.appendNull(), s.appendNull();
    } else {
      f.append(i / 3), i32.append(-i), i64.appendWords(i, -i), bo.append(i % 3 === 0);
      s.appendString(text(i));
    }
  }
  const head = 4; // row 3 is null: the validity bitmap exists before the bulk blocks
  for (let i = 0; i < head; i++) {
    if (isNull(i)) {
      bf.appendNull(), bi.appendNull(), bl.appendNull(), bb.appendNull(), bs.appendNull();
    } else {
      bf.append(i / 3), bi.append(-i), bl.appendWords(i, -i), bb.append(i % 3 === 0);
      bs.appendString(text(i));
    }
  }
  for (const size of [1, 500, n - head - 501]) {
    const start = bf.length;
    const nulls = new Int32Array(size);
    let k = 0;
    const fo = bf.extend(size), io = bi.extend(size), lo = bl.extend(size), bo2 = bb.extend(size);
    bs.reserve(size, size * 8);
    const offs = bs.rawOffsets(), bytes = bs.rawBytes();
    let at = offs[start];
    for (let r = 0; r < size; r++) {
      const i = start + r;
      fo[i] = i / 3;
      io[i] = -i;
      lo[2 * i] = i;
      lo[2 * i + 1] = -i;
      if (i % 3 === 0) bo2[i >> 3] |= 1 << (i & 7);
      if (!isNull(i)) at += enc.encodeInto(text(i), bytes.subarray(at)).written;
      offs[i + 1] = at;
      if (isNull(i)) nulls[k++] = i;
    }
    bs.commitRaw(size);
    bf.setNulls(nulls, k), bi.setNulls(nulls, k), bl.setNulls(nulls, k), bb.setNulls(nulls, k);
    bs.setNulls(nulls, k);
    if (k) bf.setNull(nulls[0]); // twice is still one null
  }
  const pairs: [ColumnBuilder, ColumnBuilder][] = [[f, bf], [i32, bi], [i64, bl], [bo, bb], [
    s,
    bs,
  ]];
  for (const [a, b] of pairs) {
    assert.equal(b.length, n);
    assert.equal(b.nullCount, a.nullCount, String(a.type));
    const va = makeVector(a.finish() as Data), vb = makeVector(b.finish() as Data);
    assert.deepEqual([...vb], [...va], String(a.type));
    assert.equal(b.length, 0);
  }
  // A builder whose nulls all come from setNull(): the bitmap is made then.
  const only = new Float32Builder();
  const o = only.extend(20);
  for (let i = 0; i < 20; i++) o[i] = i;
  only.setNull(19);
  only.setNull(0);
  const v = makeVector(only.finish());
  assert.equal(v.nullCount, 2);
  assert.deepEqual([...v].slice(0, 3), [null, 1, 2]);
  assert.equal(v.get(19), null);
  assert.equal(v.get(18), 18);
});

Deno.test("reserve(n): room for a whole batch, so bulk appends never regrow (and copy) the array", () => {
  const f = new Float64Builder();
  f.reserve(100_000);
  const first = f.extend(60_000);
  assert.equal(f.extend(40_000), first, "no regrowth within the reservation");
  assert.notEqual(f.extend(1), first, "past it the array grows");
  const i = new Int64Builder();
  i.reserve(70_000);
  const words = i.extend(70_000);
  assert.ok(words.length >= 140_000);
  assert.equal(i.extend(0), words);
  // A reservation leaves what was appended alone.
  const g = new Int32Builder();
  g.append(7);
  g.reserve(5000);
  g.extend(5000);
  assert.equal(g.finish().values[0], 7);
});
