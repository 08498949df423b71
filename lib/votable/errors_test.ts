import assert from "node:assert/strict";
import { TableFormatError, TruncatedInputError } from "../io/errors.ts";
import { collectTable } from "../table/reader.ts";
import { readVOTable } from "./read_votable.ts";
import { parseVOTableDocument } from "./parse_document.ts";
import { VOTableSyntaxError, VOTableUnsupportedError } from "./errors.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const dachs = (name: string) => Deno.readFileSync(new URL(name, DACHS));

function table(fields: string, rows: string, ser = "TABLEDATA"): string {
  return `<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE type="results"><TABLE>${fields}<DATA><${ser}>${rows}</${ser}></DATA></TABLE></RESOURCE></VOTABLE>`;
}

async function rejects(input: string | Uint8Array, cls: typeof TableFormatError, pattern: RegExp) {
  const err = await collectTable(readVOTable(input)).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err}`);
  assert.match(err.message, pattern);
  return err as TableFormatError;
}

Deno.test("readVOTable() rejects every truncation of a document, never giving a short table", async () => {
  for (
    const f of ["upload-t1.vot", "sync-nulls-b2.vot", "sync-nulls-td.vot", "sync-nulls-default.vot"]
  ) {
    const bytes = dachs(f);
    const text = new TextDecoder().decode(bytes);
    const end = new TextEncoder().encode(text.slice(0, text.lastIndexOf("</VOTABLE>") + 9)).length;
    const step = bytes.length > 4000 ? 13 : 1;
    for (let cut = 0; cut < end; cut += step) {
      const err = await collectTable(readVOTable(bytes.subarray(0, cut))).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(err instanceof TableFormatError, `${f} cut at ${cut}: ${err}`);
    }
  }
});

Deno.test("readVOTable() reports a truncated TABLEDATA with the rows read and the byte offset", async () => {
  const doc = table(`<FIELD name="x" datatype="int"/>`, "<TR><TD>1</TD></TR><TR><TD>2</TD></TR>");
  const cut = doc.indexOf("<TR><TD>2") + 6;
  const e = await rejects(
    doc.slice(0, cut),
    TruncatedInputError,
    /inside TABLEDATA after 1 complete rows/,
  );
  assert.equal(e.element, "TABLEDATA");
  assert.equal(e.offset, cut);
});

Deno.test("readVOTable() reports a BINARY2 stream that ends inside a row", async () => {
  const text = new TextDecoder().decode(dachs("sync-nulls-b2.vot"));
  const a = text.indexOf('<STREAM encoding="base64">') + 26;
  const b = text.indexOf("</STREAM>");
  const b64 = text.slice(a, b).replace(/\s+/g, "");
  const shorter = b64.slice(0, b64.length - 40);
  const e = await rejects(
    text.slice(0, a) + shorter + text.slice(b),
    TruncatedInputError,
    /STREAM data ends inside row 5/,
  );
  assert.equal(e.element, "STREAM");
});

Deno.test("readVOTable() rejects gzip data cut short with TruncatedInputError", async () => {
  const gz = new Uint8Array(
    await new Response(
      new Blob([dachs("sync-nulls-td.vot")]).stream().pipeThrough(new CompressionStream("gzip")),
    )
      .arrayBuffer(),
  );
  await rejects(gz.subarray(0, gz.length - 30), TruncatedInputError, /./);
});

Deno.test("readVOTable() names the column, row and offset of a bad TD value", async () => {
  const doc = table(
    `<FIELD name="id" datatype="long"/><FIELD name="ra" datatype="double"/>`,
    "<TR><TD>1</TD><TD>1.5</TD></TR><TR><TD>2</TD><TD>12.x</TD></TR>",
  );
  const e = await rejects(
    doc,
    VOTableSyntaxError,
    /Value "12.x" in row 2 is not a double \(column "ra"/,
  );
  assert.equal(e.offset, new TextEncoder().encode(doc.slice(0, doc.indexOf("12.x"))).length);
  assert.equal(e.element, "TD (column ra)");
  await rejects(
    table(`<FIELD name="n" datatype="short"/>`, "<TR><TD>40000</TD></TR>"),
    VOTableSyntaxError,
    /not a 16-bit short/,
  );
  await rejects(
    table(`<FIELD name="n" datatype="long"/>`, "<TR><TD>9223372036854775808</TD></TR>"),
    VOTableSyntaxError,
    /not a long/,
  );
  await rejects(
    table(`<FIELD name="b" datatype="boolean"/>`, "<TR><TD>yes</TD></TR>"),
    VOTableSyntaxError,
    /boolean/,
  );
  await rejects(
    table(`<FIELD name="v" datatype="int" arraysize="3"/>`, "<TR><TD>1 2</TD></TR>"),
    VOTableSyntaxError,
    /array of 3 items \(it has 2\)/,
  );
});

Deno.test("readVOTable() rejects rows with the wrong number of cells", async () => {
  const f = `<FIELD name="a" datatype="int"/><FIELD name="b" datatype="int"/>`;
  await rejects(
    table(f, "<TR><TD>1</TD></TR>"),
    VOTableSyntaxError,
    /Row 1 has 1 TD cells; the table has 2 FIELDs/,
  );
  await rejects(
    table(f, "<TR><TD>1</TD><TD>2</TD><TD>3</TD></TR>"),
    VOTableSyntaxError,
    /more than 2 TD cells/,
  );
});

Deno.test("readVOTable() rejects malformed XML with the element and offset", async () => {
  const e = await rejects(
    `<VOTABLE><RESOURCE><TABLE><FIELD name="a" datatype="int"/></RESOURCE></TABLE></VOTABLE>`,
    VOTableSyntaxError,
    /Expected <\/TABLE> \(opened at byte 19\), found <\/RESOURCE>/,
  );
  assert.equal(e.offset, 58);
  await rejects(
    `<html><body>502 Bad Gateway</body></html>`,
    VOTableSyntaxError,
    /root element is <html>/,
  );
  await rejects(`{"error": "nope"}`, VOTableSyntaxError, /Not a VOTable: the input starts with/);
  await rejects("", TruncatedInputError, /Input is empty/);
  await rejects(
    `<VOTABLE><RESOURCE><INFO name="a" value="1"></RESOURCE>`,
    VOTableSyntaxError,
    /Expected <\/INFO>/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="char" arraysize="*"/>`, "<TR><TD>a &bogus; b</TD></TR>"),
    VOTableSyntaxError,
    /Unknown character reference "&bogus;"/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, "<TR><TD>1</TD></TR><P/>"),
    VOTableSyntaxError,
    /expected <TR>/,
  );
  await rejects(
    `<VOTABLE><INFO name="a" value="1" name="b"/></VOTABLE>`,
    VOTableSyntaxError,
    /Duplicate attribute/,
  );
  await rejects(`<VOTABLE></VOTABLE><VOTABLE/>`, VOTableSyntaxError, /after <\/VOTABLE>/);
});

Deno.test("readVOTable() rejects unknown datatypes and arraysizes", async () => {
  await rejects(
    table(`<FIELD name="a" datatype="integer"/>`, ""),
    VOTableSyntaxError,
    /unknown datatype "integer"/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int" arraysize="3x*x2"/>`, ""),
    VOTableSyntaxError,
    /Invalid arraysize "3x\*x2"/,
  );
  await rejects(table(`<FIELD name="a"/>`, ""), VOTableSyntaxError, /has no datatype/);
});

Deno.test("readVOTable() says clearly what it does not support", async () => {
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, `<STREAM href="http://x/data.fits"/>`, "FITS"),
    VOTableUnsupportedError,
    /FITS serialization inside a VOTable is not supported/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, `<STREAM href="http://x/data.bin"/>`, "BINARY2"),
    VOTableUnsupportedError,
    /Remote STREAM data/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, `<STREAM encoding="gzip">AAAA</STREAM>`, "BINARY"),
    VOTableUnsupportedError,
    /encoding "gzip" is not supported/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, `<TR><TD encoding="base64">AAAA</TD></TR>`),
    VOTableUnsupportedError,
    /TD cells with an encoding \(encoding="base64"\) are not supported/,
  );
  await rejects(
    table(`<FIELD name="a" datatype="int"/>`, `<STREAM encoding="base64">AA*A</STREAM>`, "BINARY"),
    VOTableSyntaxError,
    /Invalid character "\*" in base64/,
  );
});

Deno.test("parseVOTableDocument() rejects malformed input too", async () => {
  await assert.rejects(() => parseVOTableDocument("<VOTABLE><RESOURCE>"), TruncatedInputError);
  await assert.rejects(() => parseVOTableDocument("<NOT/>"), VOTableSyntaxError);
});

Deno.test("readVOTable() refuses input larger than maxBytes", async () => {
  await assert.rejects(
    () => collectTable(readVOTable(dachs("sync-nulls-td.vot"), { maxBytes: 1000 })),
    RangeError,
  );
});
