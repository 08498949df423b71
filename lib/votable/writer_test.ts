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
  List,
  Schema,
  Table,
  tableFromArrays,
  Uint8,
  Utf8,
} from "apache-arrow";
import {
  builderFor,
  type ColumnBuilder,
  finishBatch,
  type ListBuilder,
} from "../table/builders.ts";
import { collectTable } from "../table/reader.ts";
import { columnMeta, toFieldMetadata } from "../table/metadata.ts";
import { readVOTable } from "./read_votable.ts";
import { parseVOTableDocument } from "./parse_document.ts";
import { encodeVOTable, encodeVOTableStream } from "./writer.ts";

type Kind =
  | "bool"
  | "ubyte"
  | "short"
  | "int"
  | "long"
  | "float"
  | "double"
  | "string"
  | "fixed"
  | "list"
  | "longlist";

const TYPES: Record<Kind, () => DataType> = {
  bool: () => new Bool(),
  ubyte: () => new Uint8(),
  short: () => new Int16(),
  int: () => new Int32(),
  long: () => new Int64(),
  float: () => new Float32(),
  double: () => new Float64(),
  string: () => new Utf8(),
  fixed: () => new FixedSizeList(3, new Field("item", new Int32(), true)),
  list: () => new List(new Field("item", new Float64(), true)),
  longlist: () => new List(new Field("item", new Int64(), true)),
};

// deno-lint-ignore no-control-regex -- the test removes control characters on purpose
const CONTROL = new RegExp("[\\u0000-\\u001f\\ufffe\\uffff]", "g");
const text = fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(CONTROL, "?"));

function valueArb(kind: Kind): fc.Arbitrary<unknown> {
  switch (kind) {
    case "bool":
      return fc.boolean();
    case "ubyte":
      return fc.integer({ min: 0, max: 255 });
    case "short":
      return fc.integer({ min: -32768, max: 32767 });
    case "int":
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case "long":
      return fc.oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, 2n ** 53n + 1n),
      );
    case "float":
      return fc.float({ noNaN: true });
    case "double":
      return fc.double({ noNaN: true });
    case "string":
      return text;
    case "fixed":
      return fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), {
        minLength: 3,
        maxLength: 3,
      });
    case "list":
      return fc.array(fc.double(), { maxLength: 4 });
    case "longlist":
      return fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 3 });
  }
}

const columnsArb = fc.array(
  fc.constantFrom(...(Object.keys(TYPES) as Kind[])).chain((kind) =>
    fc.tuple(
      fc.constant(kind),
      fc.array(fc.option(valueArb(kind), { freq: 4 }), { minLength: 0, maxLength: 0 }),
    )
  ),
  { minLength: 1, maxLength: 6 },
);

const tableArb = fc.tuple(columnsArb.map((c) => c.map(([k]) => k)), fc.integer({ min: 0, max: 12 }))
  .chain((
    [kinds, rows],
  ) =>
    fc.tuple(
      fc.constant(kinds),
      fc.tuple(...kinds.map((k) =>
        fc.array(fc.option(valueArb(k), { freq: 4 }), { minLength: rows, maxLength: rows })
      )),
      fc.array(fc.constantFrom("deg", "mas", "km/s", "", "mag"), {
        minLength: kinds.length,
        maxLength: kinds.length,
      }),
    )
  );

function build(kinds: Kind[], columns: unknown[][], units: string[]): Table {
  const uniq = kinds.map((k, i) =>
    new Field(
      `c${i} <&> é`,
      TYPES[k](),
      true,
      toFieldMetadata({
        name: `c${i} <&> é`,
        ...(units[i] ? { unit: units[i] } : {}),
        ucd: "meta.id",
        description: `Column ${i} "é"`,
      }),
    )
  );
  const schema = new Schema(uniq);
  const builders: ColumnBuilder[] = uniq.map((f) => builderFor(f.type));
  const n = columns[0]?.length ?? 0;
  for (let r = 0; r < n; r++) {
    kinds.forEach((k, c) => {
      const b = builders[c] as ColumnBuilder & Record<string, (...a: unknown[]) => void>;
      const v = columns[c][r];
      if (v === null) return b.appendNull();
      if (k === "string") return b.appendString(v);
      if (k === "fixed" || k === "list" || k === "longlist") {
        const lb = builders[c] as ListBuilder<ColumnBuilder & { append(x: unknown): void }>;
        for (const x of v as unknown[]) lb.values.append(x);
        return lb.commit();
      }
      b.append(v);
    });
  }
  return new Table([finishBatch(schema, builders)]);
}

/** What a reader gives back: scalar NaN floats are null; TABLEDATA cannot tell "" or [] from null. */
function expected(t: Table, tabledata: boolean): unknown[] {
  return rows(t).map((r) => {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number" && Number.isNaN(v)) r[k] = null;
      if (tabledata && (v === "" || (Array.isArray(v) && v.length === 0))) r[k] = null;
    }
    return r;
  });
}

function rows(t: Table): Record<string, unknown>[] {
  return t.toArray().map((row) => {
    const o = row.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v && typeof v === "object" && Symbol.iterator in v) o[k] = [...(v as Iterable<unknown>)];
    }
    return o;
  });
}

Deno.test("encodeVOTable() round-trips random tables through TABLEDATA, BINARY2 and BINARY", async () => {
  await fc.assert(
    fc.asyncProperty(
      tableArb,
      fc.integer({ min: 1, max: 64 }),
      async ([kinds, columns, units], chunk) => {
        const t = build(kinds, columns as unknown[][], units);
        for (const serialization of ["tabledata", "binary2"] as const) {
          const bytes = encodeVOTable(t, { serialization });
          const pieces: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.slice(i, i + chunk));
          const { table } = await collectTable(
            readVOTable(ReadableStream.from(pieces), { batchSize: 5 }),
          );
          assert.deepEqual(
            table.schema.fields.map((f) => String(f.type)),
            t.schema.fields.map((f) => String(f.type)),
          );
          assert.deepEqual(rows(table), expected(t, serialization === "tabledata"), serialization);
          assert.deepEqual(
            table.schema.fields.map((
              f,
            ) => [columnMeta(f).name, columnMeta(f).unit, columnMeta(f).description]),
            t.schema.fields.map((
              f,
            ) => [columnMeta(f).name, columnMeta(f).unit, columnMeta(f).description]),
          );
        }
        // BINARY: integer nulls through sentinels (the type minimum) when no value uses them.
        const scalarOnly = kinds.every((k) =>
          !["fixed", "list", "longlist", "string", "bool"].includes(k)
        );
        const usesMin = (columns as unknown[][]).some((c, i) =>
          c.some((v) =>
            v ===
              ({ ubyte: 255, short: -32768, int: -2147483648, long: -(2n ** 63n) } as Record<
                string,
                unknown
              >)[kinds[i]]
          )
        );
        if (scalarOnly && !usesMin) {
          const { table } = await collectTable(
            readVOTable(encodeVOTable(t, { serialization: "binary" })),
          );
          assert.deepEqual(rows(table), expected(t, false), "binary");
        }
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("encodeVOTableStream() writes many batches readable in one piece", async () => {
  const n = 70_000;
  const ids = new BigInt64Array(n).map((_, i) =>
    BigInt(i) * 1_000_000_007n - 9_000_000_000_000_000_000n
  );
  const mags = new Float32Array(n).map((_, i) => (i % 100) / 7);
  const t = tableFromArrays({ source_id: ids, mag: mags });
  const batches = [t.slice(0, 30_001), t.slice(30_001, 30_002), t.slice(30_002)].flatMap((s) =>
    s.batches
  );
  for (const serialization of ["binary2", "tabledata"] as const) {
    const stream = encodeVOTableStream(t.schema, batches, { serialization });
    const { table } = await collectTable(readVOTable(stream, { batchSize: 8192 }));
    assert.equal(table.numRows, n);
    assert.deepEqual(table.getChild("source_id")!.toArray(), ids);
    assert.deepEqual(table.getChild("mag")!.toArray(), mags);
  }
});

Deno.test("encodeVOTable() writes INFOs, PARAMs, COOSYS, status and service descriptors", async () => {
  const t = tableFromArrays({ source_id: BigInt64Array.from([1n, 2n]) });
  const bytes = encodeVOTable(t, {
    serialization: "binary2",
    queryStatus: "OVERFLOW",
    resourceInfos: [{ name: "QUERY", value: "SELECT TOP 2 source_id FROM gaiadr3.gaia_source" }, {
      name: "JOBID",
      value: "1714556098855O",
    }],
    params: [{ name: "RELEASE", datatype: "char", arraysize: "*", value: "Gaia DR3" }],
    coosys: [{ ID: "GAIADR3", system: "ICRS", epoch: "J2016.0" }],
    tableName: "results",
    serviceDescriptors: [{
      ID: "dl",
      name: "links",
      accessURL: "http://localhost/data-server/datalink/links",
      standardID: "ivo://ivoa.net/std/DataLink#links-1.1",
      params: [],
      inputParams: [{ name: "ID", datatype: "char", arraysize: "*", value: "", ref: "source_id" }],
    }],
  });
  const doc = await parseVOTableDocument(bytes);
  assert.equal(doc.queryStatus, "OVERFLOW");
  const res = doc.resources[0];
  assert.deepEqual(res.infos.map((i) => i.name), [
    "QUERY_STATUS",
    "QUERY",
    "JOBID",
    "QUERY_STATUS",
  ]);
  assert.deepEqual(res.infos.map((i) => i.value), [
    "OK",
    "SELECT TOP 2 source_id FROM gaiadr3.gaia_source",
    "1714556098855O",
    "OVERFLOW",
  ]);
  assert.deepEqual(res.params.map((p) => [p.name, p.value]), [["RELEASE", "Gaia DR3"]]);
  assert.deepEqual(res.coosys, [{ ID: "GAIADR3", system: "ICRS", epoch: "J2016.0" }]);
  assert.equal(res.tables[0].name, "results");
  assert.deepEqual([...res.tables[0].table.getChild("source_id")!], [1n, 2n]);
  const sd = doc.serviceDescriptors[0];
  assert.equal(sd.accessURL, "http://localhost/data-server/datalink/links");
  assert.equal(sd.inputParams[0].ref, "source_id");
  const { meta } = await collectTable(readVOTable(bytes));
  assert.equal(meta.queryStatus, "OVERFLOW");
});

Deno.test("encodeVOTable() writes an ERROR document that the reader reports", async () => {
  const bytes = encodeVOTable(new Table(), {
    queryStatus: "ERROR",
    queryStatusMessage: "Column 'nope' <unknown>",
  });
  const { table, meta } = await collectTable(readVOTable(bytes));
  assert.equal(table.numCols, 0);
  assert.equal(meta.queryStatus, "ERROR");
  assert.equal(meta.queryStatusMessage, "Column 'nope' <unknown>");
});

Deno.test("encodeVOTable() refuses what VOTable cannot carry", () => {
  assert.throws(
    () =>
      encodeVOTable(tableFromArrays({ s: ["ok", "bell\u0007"] }), { serialization: "tabledata" }),
    /control character that XML 1.0 cannot carry; use serialization "binary2"/,
  );
  assert.throws(
    () => encodeVOTable(tableFromArrays({ x: [1] }), { serialization: "fits" as "binary2" }),
    RangeError,
  );
  const binaryMin = new Table([finishBatch(
    new Schema([new Field("n", new Int32(), true)]),
    [(() => {
      const b = builderFor(new Int32()) as ColumnBuilder & { append(v: number): void };
      b.append(-2147483648);
      b.appendNull();
      return b;
    })()],
  )]);
  assert.throws(
    () => encodeVOTable(binaryMin, { serialization: "binary" }),
    /null sentinel; use "binary2"/,
  );
});

Deno.test("encodeVOTable() writes strings as unicodeChar when the metadata asks, and control characters in BINARY2", async () => {
  const schema = new Schema([
    new Field("s", new Utf8(), true, toFieldMetadata({ name: "s", datatype: "unicodeChar" })),
  ]);
  const b = builderFor(new Utf8()) as ColumnBuilder & { appendString(s: string): void };
  b.appendString("日本 β\u0007");
  b.appendNull();
  const t = new Table([finishBatch(schema, [b])]);
  const bytes = encodeVOTable(t, { serialization: "binary2" });
  assert.match(new TextDecoder().decode(bytes), /datatype="unicodeChar" arraysize="\*"/);
  const { table } = await collectTable(readVOTable(bytes));
  assert.deepEqual([...table.getChild("s")!], ["日本 β\u0007", null]);
});

Deno.test("encodeVOTable() writes sliced tables and gives made-unique columns their original names", async () => {
  const vot =
    `<VOTABLE><RESOURCE><TABLE><FIELD name="ra" datatype="double"/><FIELD name="ra" datatype="double"/>
    <FIELD name="v" datatype="int" arraysize="2"/><FIELD name="s" datatype="char" arraysize="*"/><FIELD name="w" datatype="long" arraysize="*"/>
    <DATA><TABLEDATA>
    <TR><TD>1</TD><TD>2</TD><TD>1 2</TD><TD>a</TD><TD>1</TD></TR>
    <TR><TD>3</TD><TD>4</TD><TD>3 4</TD><TD>bb</TD><TD>2 3</TD></TR>
    <TR><TD>5</TD><TD/><TD>5 6</TD><TD>ccc</TD><TD>4 5 6</TD></TR>
    </TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>`;
  const { table } = await collectTable(readVOTable(vot));
  assert.deepEqual(table.schema.fields.map((f) => f.name), ["ra", "ra_2", "v", "s", "w"]);
  const tail = table.slice(1);
  for (const serialization of ["tabledata", "binary2", "binary"] as const) {
    const bytes = encodeVOTable(tail, { serialization });
    assert.equal((new TextDecoder().decode(bytes).match(/<FIELD name="ra"/g) ?? []).length, 2);
    const { table: back } = await collectTable(readVOTable(bytes));
    const want = [{ ra: 3, ra_2: 4, v: [3, 4], s: "bb", w: [2n, 3n] }, {
      ra: 5,
      ra_2: null,
      v: [5, 6],
      s: "ccc",
      w: [
        4n,
        5n,
        6n,
      ],
    }];
    assert.deepEqual(rows(back), want, serialization);
  }
});

Deno.test("encodeVOTable() writes non-ASCII strings as unicodeChar in binary serializations", async () => {
  const t = tableFromArrays({ id: Int32Array.from([1, 2]) });
  const b = builderFor(new Utf8()) as ColumnBuilder & { appendString(s: string): void };
  b.appendString("Gaia DR3 1");
  b.appendString("étoile 😀");
  const schema = new Schema([t.schema.fields[0], new Field("label", new Utf8(), true)]);
  const idb = builderFor(new Int32()) as ColumnBuilder & { append(v: number): void };
  idb.append(1);
  idb.append(2);
  const table = new Table([finishBatch(schema, [idb, b])]);
  for (const serialization of ["binary2", "binary", "tabledata"] as const) {
    const bytes = encodeVOTable(table, { serialization });
    const xml = new TextDecoder().decode(bytes);
    assert.match(
      xml,
      serialization === "tabledata"
        ? /name="label" datatype="char"/
        : /name="label" datatype="unicodeChar"/,
    );
    const { table: back } = await collectTable(readVOTable(bytes));
    assert.deepEqual([...back.getChild("label")!], ["Gaia DR3 1", "étoile 😀"]);
  }
});

Deno.test("encodeVOTable() keeps newlines and tabs in attribute values, which readers would normalise", async () => {
  const t = tableFromArrays({ x: Int32Array.from([1]) });
  const query = "SELECT *\n\tFROM gaiadr3.gaia_source\r\nWHERE 1=1";
  const doc = await parseVOTableDocument(
    encodeVOTable(t, { resourceInfos: [{ name: "QUERY", value: query }] }),
  );
  assert.equal(doc.resources[0].infos[0].value, query);
  const raw = await parseVOTableDocument(
    `<VOTABLE><INFO name="q" value="a\nb\tc&#10;d"/></VOTABLE>`,
  );
  assert.equal(raw.infos[0].value, "a b c\nd");
});

Deno.test("encodeVOTable() detects non-ASCII text in dictionary columns too", () => {
  const t = tableFromArrays({ cat: ["étoile", "star"] });
  assert.match(
    new TextDecoder().decode(encodeVOTable(t, { serialization: "binary2" })),
    /datatype="unicodeChar"/,
  );
  const ascii = tableFromArrays({ cat: ["star", "galaxy"] });
  assert.match(
    new TextDecoder().decode(encodeVOTable(ascii, { serialization: "binary2" })),
    /name="cat" datatype="char"/,
  );
});
