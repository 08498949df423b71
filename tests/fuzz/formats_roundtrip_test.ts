/**
 * Property tests (fast-check): writing a random table with a writer and
 * reading it back with the matching reader gives the same table — values,
 * nulls, int64/uint64 extremes, unicode — within what each format can carry
 * (noted per format below).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Bool,
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  type Table,
  Table as ArrowTable,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import {
  encodeCsv,
  encodeEcsv,
  encodeFits,
  encodeGaiaJson,
  readCsv,
  readEcsv,
  readFits,
  readJson,
} from "../../lib/formats/mod.ts";
import { builderFor, type ColumnBuilder, finishBatch } from "../../lib/table/builders.ts";
import { collectTable } from "../../lib/table/reader.ts";

const RUNS = Number(Deno.env.get("ROUNDTRIP_RUNS") ?? 60);

type Kind =
  | "bool"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float32"
  | "float64"
  | "utf8"
  | "list_f64"
  | "fixed3_i32";

const TYPES: Record<Kind, () => DataType> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  utf8: () => new Utf8(),
  list_f64: () => new List(new Field("item", new Float64(), true)),
  fixed3_i32: () => new FixedSizeList(3, new Field("item", new Int32(), true)),
};

const f64 = fc.double({ noNaN: true });
const f32 = fc.float({ noNaN: true }).map((x) => Math.fround(x));
const VALUES: Record<Kind, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int64: fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n),
  ),
  uint8: fc.integer({ min: 0, max: 255 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  uint64: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constant(2n ** 64n - 1n)),
  float32: f32.filter(Number.isFinite),
  float64: f64.filter(Number.isFinite),
  utf8: fc.string({ unit: "grapheme", maxLength: 12 }),
  list_f64: fc.array(f64.filter(Number.isFinite), { maxLength: 4 }),
  fixed3_i32: fc.array(
    fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
    {
      minLength: 3,
      maxLength: 3,
    },
  ),
};

interface Spec {
  kinds: Kind[];
  names: string[];
  rows: unknown[][];
}

function specArb(kinds: Kind[], names: fc.Arbitrary<string>): fc.Arbitrary<Spec> {
  return fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 5 }).chain((ks) =>
    fc.record({
      kinds: fc.constant(ks),
      names: fc.uniqueArray(names, { minLength: ks.length, maxLength: ks.length }),
      rows: fc.array(fc.tuple(...ks.map((k) => fc.option(VALUES[k], { nil: null, freq: 4 }))), {
        maxLength: 12,
      }),
    })
  );
}

function build(spec: Spec): Table {
  const fields = spec.kinds.map((k, i) => new Field(spec.names[i]!, TYPES[k](), true));
  const schema = new Schema(fields);
  const builders = fields.map((f) => builderFor(f.type));
  for (const row of spec.rows) {
    row.forEach((v, c) => append(builders[c]!, spec.kinds[c]!, v));
  }
  return new ArrowTable(finishBatch(schema, builders));
}

function append(b: ColumnBuilder, kind: Kind, v: unknown): void {
  if (v === null) return b.appendNull();
  if (kind === "list_f64" || kind === "fixed3_i32") {
    const lb = b as unknown as {
      values: ColumnBuilder & { append(x: unknown): void };
      commit(): void;
    };
    for (const x of v as unknown[]) x === null ? lb.values.appendNull() : lb.values.append(x);
    return lb.commit();
  }
  if (kind === "utf8") {
    return (b as unknown as { appendString(s: string): void }).appendString(v as string);
  }
  (b as unknown as { append(x: unknown): void }).append(v);
}

/** Cells as comparable JSON-ish values. */
function cells(t: Table): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 0; r < t.numRows; r++) {
    out.push(t.schema.fields.map((_, c) => norm(t.getChildAt(c)!.get(r))));
  }
  return out;
}
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
  if (typeof v === "object" && "length" in (v as object) && "get" in (v as object)) {
    const vec = v as { length: number; get(i: number): unknown };
    return Array.from({ length: vec.length }, (_, i) => norm(vec.get(i)));
  }
  return v;
}

const types = (t: Table) => t.schema.fields.map((f) => `${f.name}:${f.type}`);
const plainNames = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const anyNames = fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 });

Deno.test("encodeCsv() -> readCsv() with the schema gives the same table", async () => {
  // CSV carries no types: the reader is given the schema. -0 reads back as 0.
  await fc.assert(
    fc.asyncProperty(specArb(Object.keys(TYPES) as Kind[], anyNames), async (spec) => {
      const t = build(spec);
      const back =
        (await collectTable(readCsv(encodeCsv(t), { schema: t.schema, header: true }))).table;
      assert.deepEqual(types(back), types(t));
      assert.deepEqual(cells(back), cells(t));
    }),
    { numRuns: RUNS },
  );
});

Deno.test("encodeEcsv() -> readEcsv() gives the same table", async () => {
  // ECSV writes nulls as empty fields (nan for floats) and reads "" as null:
  // an empty string comes back null. Types come from the ECSV header.
  await fc.assert(
    fc.asyncProperty(specArb(Object.keys(TYPES) as Kind[], anyNames), async (spec) => {
      const t = build(spec);
      const back = (await collectTable(readEcsv(encodeEcsv(t)))).table;
      assert.deepEqual(types(back), types(t));
      const expected = cells(t).map((row) => row.map((v) => (v === "" ? null : v)));
      assert.deepEqual(cells(back), expected);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("encodeGaiaJson() -> readJson() gives the same table for VOTable-typed columns", async () => {
  // The Gaia JSON metadata uses VOTable datatypes: only types VOTable has
  // (no Int8/Uint16/Uint32/Uint64) come back as themselves.
  const kinds: Kind[] = [
    "bool",
    "uint8",
    "int16",
    "int32",
    "int64",
    "float32",
    "float64",
    "utf8",
    "list_f64",
    "fixed3_i32",
  ];
  await fc.assert(
    fc.asyncProperty(specArb(kinds, anyNames), async (spec) => {
      const t = build(spec);
      const back = (await collectTable(readJson(encodeGaiaJson(t)))).table;
      assert.deepEqual(types(back), types(t));
      assert.deepEqual(cells(back), cells(t));
    }),
    { numRuns: RUNS },
  );
});

Deno.test("encodeFits() -> readFits() gives the same table", async () => {
  // FITS limits: ASCII column names; strings are blank-padded, so trailing
  // spaces and the empty string do not survive ("" reads back null); a null
  // variable-length array reads back empty; a null fixed-size list reads back
  // as a list of null items.
  await fc.assert(
    fc.asyncProperty(specArb(Object.keys(TYPES) as Kind[], plainNames), async (spec) => {
      for (const row of spec.rows) {
        row.forEach((v, c) => {
          if (spec.kinds[c] === "utf8" && typeof v === "string") {
            row[c] = v.replace(/[\s\0]+$/, "").replace(/\0/g, "");
          }
        });
      }
      const t = build(spec);
      const back = (await collectTable(readFits(encodeFits(t)))).table;
      assert.deepEqual(types(back), types(t));
      const expected = cells(t).map((row) =>
        row.map((v, c) => {
          if (v === "") return null;
          if (v === null && spec.kinds[c] === "list_f64") return [];
          if (v === null && spec.kinds[c] === "fixed3_i32") return [null, null, null];
          return v;
        })
      );
      // Null items of an integer fixed-size list are written as 0 (the column
      // has no TNULL for items), so compare those items with nulls as 0.
      const fix = (rows: unknown[][]) =>
        rows.map((row) =>
          row.map((
            v,
            c,
          ) => (spec.kinds[c] === "fixed3_i32" && Array.isArray(v) ? v.map((x) => x ?? 0) : v))
        );
      const got = cells(back);
      assert.deepEqual(fix(got), fix(expected));
    }),
    { numRuns: RUNS },
  );
});
