import assert from "node:assert/strict";
import type { Table } from "apache-arrow";
import { collectTable } from "../table/reader.ts";
import { columnMeta } from "../table/metadata.ts";
import { readVOTable } from "./read_votable.ts";
import { parseVOTableError } from "./parse_document.ts";
import { encodeVOTable } from "./writer.ts";

const FIELDS = `
<FIELD name="b" datatype="boolean"/>
<FIELD name="bit" datatype="bit"/>
<FIELD name="ub" datatype="unsignedByte"><VALUES null="255"/></FIELD>
<FIELD name="s" datatype="short"><VALUES null="-32768"/></FIELD>
<FIELD name="i" datatype="int"><VALUES null="-999"/></FIELD>
<FIELD name="l" datatype="long"><VALUES null="-9223372036854775808"/></FIELD>
<FIELD name="c1" datatype="char"/>
<FIELD name="c10" datatype="char" arraysize="10"/>
<FIELD name="cv" datatype="char" arraysize="*"/>
<FIELD name="u" datatype="unicodeChar" arraysize="*"/>
<FIELD name="f" datatype="float" unit="mag" ucd="phot.mag;em.opt.G"><DESCRIPTION>G &amp; stuff</DESCRIPTION></FIELD>
<FIELD name="d" datatype="double"/>
<FIELD name="fc" datatype="floatComplex"/>
<FIELD name="dc" datatype="doubleComplex"/>
<FIELD name="i3" datatype="int" arraysize="3"/>
<FIELD name="d2x2" datatype="double" arraysize="2x2"/>
<FIELD name="fv" datatype="float" arraysize="*"/>
<FIELD name="s10v" datatype="short" arraysize="10*"/>
<FIELD name="l2xv" datatype="long" arraysize="2x*"/>
<FIELD name="bits" datatype="bit" arraysize="5"/>
<FIELD name="bools" datatype="boolean" arraysize="*"/>
<FIELD name="dcv" datatype="doubleComplex" arraysize="*"/>
<FIELD name="i" datatype="int" ID="i_again"/>`;

const ROWS = `
<TR><TD>T</TD><TD>1</TD><TD>7</TD><TD>-5</TD><TD>0x10</TD><TD>9223372036854775807</TD><TD>x</TD><TD>abc</TD>
<TD>a &lt;b&gt; &amp; &#233;&#x1F600;</TD><TD>β Pic</TD><TD>1.5</TD><TD>-1e-300</TD><TD>1 2</TD><TD>3 -4</TD>
<TD>1 2 3</TD><TD>1 2 3 4</TD><TD>0.5 NaN 2</TD><TD>1 2</TD><TD>1 2 -3 4</TD><TD>1 0 1 1 0</TD><TD>T F ?</TD>
<TD>1 2 3 4</TD><TD>42</TD></TR>
<TR><TD>false</TD><TD>0</TD><TD>255</TD><TD>-32768</TD><TD>-999</TD><TD>-9223372036854775808</TD><TD/><TD></TD>
<TD><![CDATA[<raw> & ]]>text</TD><TD/><TD>NaN</TD><TD>+Inf</TD><TD/><TD></TD>
<TD/><TD/><TD/><TD/><TD/><TD>00000</TD><TD/><TD/><TD>-1</TD></TR>
<TR><TD>?</TD><TD>0</TD><TD>0</TD><TD>32767</TD><TD>2147483647</TD><TD>-1</TD><TD> </TD><TD>0123456789</TD>
<TD>  spaces kept  </TD><TD>日本</TD><TD>-0</TD><TD>-Inf</TD><TD>NaN NaN</TD><TD>0 0</TD>
<TD>-1 -2 -3</TD><TD>0 0 0 0</TD><TD>  </TD><TD>1 2 3 4 5 6 7 8 9 10</TD><TD>5 6</TD><TD>11111</TD><TD>1</TD><TD>0 0</TD><TD>0</TD></TR>`;

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE VOTABLE>
<!-- a comment -->
<vot:VOTABLE version="1.3" xmlns:vot="http://www.ivoa.net/xml/VOTable/v1.3"><vot:RESOURCE><vot:TABLE>
${
  FIELDS.replaceAll("<FIELD", "<vot:FIELD").replaceAll("</FIELD", "</vot:FIELD").replaceAll(
    "<VALUES",
    "<vot:VALUES",
  )
    .replaceAll("<DESCRIPTION>", "<vot:DESCRIPTION>").replaceAll(
      "</DESCRIPTION>",
      "</vot:DESCRIPTION>",
    )
}
<vot:DATA><vot:TABLEDATA>${
  ROWS.replaceAll("<TR>", "<vot:TR>").replaceAll("</TR>", "</vot:TR>")
}</vot:TABLEDATA></vot:DATA>
</vot:TABLE></vot:RESOURCE></vot:VOTABLE>`;

function plain(t: Table): unknown[] {
  return t.toArray().map((r) => {
    const o = r.toJSON();
    for (const k of Object.keys(o)) {
      const v = o[k] as unknown;
      if (v && typeof v === "object" && "toArray" in (v as object)) {
        o[k] = [...(v as Iterable<unknown>)].map((x) =>
          x && typeof x === "object" && "toArray" in (x as object)
            ? [...(x as Iterable<unknown>)]
            : x
        );
      }
    }
    return o;
  });
}

Deno.test("readVOTable() maps every datatype and arraysize to the documented Arrow types", async () => {
  const { table } = await collectTable(readVOTable(DOC));
  const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
  assert.deepEqual(types, {
    b: "Bool",
    bit: "Bool",
    ub: "Uint8",
    s: "Int16",
    i: "Int32",
    l: "Int64",
    c1: "Utf8",
    c10: "Utf8",
    cv: "Utf8",
    u: "Utf8",
    f: "Float32",
    d: "Float64",
    fc: "FixedSizeList[2]<Float32>",
    dc: "FixedSizeList[2]<Float64>",
    i3: "FixedSizeList[3]<Int32>",
    d2x2: "FixedSizeList[4]<Float64>",
    fv: "List<Float32>",
    s10v: "List<Int16>",
    l2xv: "List<Int64>",
    bits: "FixedSizeList[5]<Bool>",
    bools: "List<Bool>",
    dcv: "List<FixedSizeList[2]<Float64>>",
    i_2: "Int32",
  });
  const f = columnMeta(table.schema.fields.find((x) => x.name === "f")!);
  assert.deepEqual([f.unit, f.ucd, f.description], ["mag", "phot.mag;em.opt.G", "G & stuff"]);
  assert.equal(columnMeta(table.schema.fields[22]).name, "i");
  assert.equal(columnMeta(table.schema.fields[22]).ID, "i_again");
  assert.equal(columnMeta(table.schema.fields[5]).null, "-9223372036854775808");
});

Deno.test("readVOTable() decodes TABLEDATA values, sentinels, entities and CDATA", async () => {
  const { table } = await collectTable(readVOTable(DOC));
  const [r0, r1, r2] = plain(table) as Record<string, unknown>[];
  assert.deepEqual(r0, {
    b: true,
    bit: true,
    ub: 7,
    s: -5,
    i: 16,
    l: 9223372036854775807n,
    c1: "x",
    c10: "abc",
    cv: "a <b> & é😀",
    u: "β Pic",
    f: 1.5,
    d: -1e-300,
    fc: [1, 2],
    dc: [3, -4],
    i3: [1, 2, 3],
    d2x2: [1, 2, 3, 4],
    fv: [0.5, NaN, 2],
    s10v: [1, 2],
    l2xv: [1n, 2n, -3n, 4n],
    bits: [true, false, true, true, false],
    bools: [true, false, null],
    dcv: [[1, 2], [3, 4]],
    i_2: 42,
  });
  // Sentinels and empty cells are nulls; scalar NaN is null.
  assert.deepEqual(r1, {
    b: false,
    bit: false,
    ub: null,
    s: null,
    i: null,
    l: null,
    c1: null,
    c10: null,
    cv: "<raw> & text",
    u: null,
    f: null,
    d: Infinity,
    fc: null,
    dc: null,
    i3: null,
    d2x2: null,
    fv: null,
    s10v: null,
    l2xv: null,
    bits: [false, false, false, false, false],
    bools: null,
    dcv: null,
    i_2: -1,
  });
  assert.equal(r2.b, null);
  assert.equal(r2.c1, " ");
  assert.equal(r2.cv, "  spaces kept  ");
  assert.equal(r2.u, "日本");
  assert.ok(Object.is(r2.f, -0));
  assert.equal(r2.d, -Infinity);
  assert.equal(r2.fc, null, "a complex (NaN, NaN) is null like a NaN scalar");
  assert.equal(r2.fv, null, "whitespace-only array cell is null");
  assert.deepEqual(r2.s10v, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(r2.l, -1n);
});

Deno.test("encodeVOTable() then readVOTable() keeps every datatype through BINARY2 and BINARY", async () => {
  const { table } = await collectTable(readVOTable(DOC));
  const want = plain(table);
  for (const serialization of ["tabledata", "binary2", "binary"] as const) {
    const bytes = encodeVOTable(table, { serialization });
    const { table: back, meta } = await collectTable(readVOTable(bytes));
    assert.equal(meta.format, `votable/${serialization}`);
    assert.deepEqual(
      back.schema.fields.map((f) => String(f.type)),
      table.schema.fields.map((f) => String(f.type)),
      serialization,
    );
    const got = plain(back) as Record<string, unknown>[];
    const exp = structuredClone(want) as Record<string, unknown>[];
    if (serialization === "binary") {
      // BINARY has no null for strings and booleans in arrays keep '?': strings come back empty.
      for (const r of exp) for (const k of ["c1", "c10", "u"]) if (r[k] === null) r[k] = "";
      // ... and no null for a bit: it comes back false; nor for arrays: a
      // variable one comes back empty, a fixed one filled (NaN, 0, false).
      const fill: Record<string, unknown> = {
        i3: [0, 0, 0],
        d2x2: [NaN, NaN, NaN, NaN],
        bits: [false, false, false, false, false],
      };
      for (const r of exp) {
        if (r.bit === null) r.bit = false;
        for (const k of ["fv", "s10v", "l2xv", "bools", "dcv"]) if (r[k] === null) r[k] = [];
        for (const k of Object.keys(fill)) if (r[k] === null) r[k] = fill[k];
      }
    }
    assert.deepEqual(got, exp, serialization);
    assert.deepEqual(
      back.schema.fields.map((
        f,
      ) => [columnMeta(f).name, columnMeta(f).datatype, columnMeta(f).unit]),
      table.schema.fields.map((
        f,
      ) => [columnMeta(f).name, columnMeta(f).datatype, columnMeta(f).unit]),
    );
  }
});

Deno.test("readVOTable() skips a namespace-prefixed TABLEDATA it was not asked for", async () => {
  const two = DOC.replace(
    "</vot:TABLE>",
    '</vot:TABLE><vot:TABLE><vot:FIELD name="z" datatype="int"/></vot:TABLE>',
  );
  const { table } = await collectTable(readVOTable(two, { table: 1 }));
  assert.deepEqual(table.schema.fields.map((f) => f.name), ["z"]);
  assert.equal(await parseVOTableError(DOC), undefined);
});
