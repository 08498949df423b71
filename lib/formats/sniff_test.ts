import assert from "node:assert/strict";
import { collectTable } from "../table/reader.ts";
import { UnknownFormatError } from "./errors.ts";
import { formatFromContentType, formatFromName, openTable, sniffFormat } from "./sniff.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const gzip = (b: Uint8Array) =>
  new Response(new Blob([b as BlobPart]).stream().pipeThrough(new CompressionStream("gzip")))
    .bytes();

/** The content type recorded next to a DaCHS fixture. */
function contentType(name: string): string {
  const h = Deno.readTextFileSync(new URL(`${name}.headers`, DACHS));
  return /^content-type:\s*(.*)$/im.exec(h)![1]!.trim();
}

Deno.test("openTable() picks the reader from the recorded content type of every DaCHS answer", async () => {
  const expected: Record<string, string> = {
    "sync-nulls-default.vot": "votable/binary",
    "sync-nulls-td.vot": "votable/tabledata",
    "sync-nulls-b2.vot": "votable/binary2",
    "sync-nulls-responseformat-b2.vot": "votable/binary2",
    "sync-nulls.csv": "csv",
    "sync-nulls.tsv": "tsv",
    "sync-nulls.json": "json",
    "sync-nulls.fits": "fits",
  };
  for (const [name, format] of Object.entries(expected)) {
    const reader = await openTable(Deno.readFileSync(new URL(name, DACHS)), {
      contentType: contentType(name),
    });
    const { table, meta } = await collectTable(reader);
    assert.equal(meta.format, format, name);
    assert.equal(table.numRows, 5, name);
  }
  // DaCHS errors: HTTP 200, text/xml, VOTable with QUERY_STATUS=ERROR.
  const err = await collectTable(
    await openTable(Deno.readFileSync(new URL("sync-error-syntax.vot", DACHS)), {
      contentType: contentType("sync-error-syntax.vot"),
    }),
  );
  assert.equal(err.meta.queryStatus, "ERROR");
  assert.match(err.meta.queryStatusMessage!, /Could not parse your query/);
});

Deno.test("openTable() sniffs magic bytes, with gzip undone first", async () => {
  const cases: [URL, string][] = [
    [new URL("sync-nulls-b2.vot", DACHS), "votable/binary2"],
    [new URL("sync-nulls.fits", DACHS), "fits"],
    [new URL("sync-nulls.json", DACHS), "json"],
    [new URL("sync-nulls.csv", DACHS), "csv"],
    [new URL("sync-nulls.tsv", DACHS), "tsv"],
    [new URL("1714556098855O-result.ecsv", AQ), "ecsv"],
    [new URL("1714556098855O-result.vot", AQ), "votable/binary2"],
  ];
  for (const [url, format] of cases) {
    const bytes = Deno.readFileSync(url);
    for (const input of [bytes, await gzip(bytes)]) {
      const { meta } = await collectTable(await openTable(input));
      assert.equal(meta.format, format, url.pathname);
    }
  }
});

Deno.test("openTable() trusts bytes over a text content type for an XML error document", async () => {
  const vot = Deno.readFileSync(new URL("sync-error-unknown-table.vot", DACHS));
  const { meta } = await collectTable(await openTable(vot, { contentType: "text/csv" }));
  assert.equal(meta.queryStatus, "ERROR");
});

Deno.test("openTable() honours an explicit format and header=absent", async () => {
  const { table } = await collectTable(
    await openTable("1,2\n3,4\n", { contentType: "text/csv;header=absent" }),
  );
  assert.equal(table.numRows, 2);
  const tsv = await collectTable(await openTable("a\tb\n1\t2\n", { format: "tsv" }));
  assert.equal(tsv.meta.format, "tsv");
  await assert.rejects(openTable("x", { format: "xlsx" }), UnknownFormatError);
});

Deno.test("openTable() refuses what it cannot recognise, naming HTML error pages", async () => {
  await assert.rejects(
    openTable("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"),
    (e: unknown) => {
      assert.ok(e instanceof UnknownFormatError);
      assert.match((e as Error).message, /HTML page/);
      return true;
    },
  );
  await assert.rejects(openTable("just some words"), /Cannot tell the table format/);
});

Deno.test("openTable() names a ZIP archive (the DataLink products of every format) instead of misreading it as CSV", async () => {
  for (const kind of ["csv", "ecsv", "fits", "vot"]) {
    const bytes = await Deno.readFile(
      new URL(`gaia_dr3_source_id_5937083312263887616_dl_products_${kind}.zip`, AQ),
    );
    assert.equal(sniffFormat(bytes.subarray(0, 512)), undefined, kind);
    await assert.rejects(openTable(bytes), (e: unknown) => {
      assert.ok(e instanceof UnknownFormatError, `${kind}: ${e}`);
      assert.match(
        (e as Error).message,
        /is a ZIP archive, not a table .*gaia\.datalink\.load\(\)/,
      );
      return true;
    });
  }
});

Deno.test("formatFromContentType(), formatFromName() and sniffFormat() map the usual names", () => {
  assert.equal(formatFromContentType("application/x-votable+xml;content=datalink"), "votable");
  assert.equal(formatFromContentType("text/tab-separated-values"), "tsv");
  assert.equal(formatFromContentType("application/fits"), "fits");
  assert.equal(formatFromContentType("application/json"), "json");
  assert.equal(formatFromContentType("text/plain"), undefined);
  assert.equal(formatFromName("a.ECSV"), "ecsv");
  assert.equal(formatFromName("a.fits.gz"), "fits");
  assert.equal(formatFromName("a.unknown"), undefined);
  assert.equal(sniffFormat(new TextEncoder().encode('  {"metadata"')), "json");
  assert.equal(sniffFormat(new TextEncoder().encode("<html>")), undefined);
});

Deno.test("openTable() takes the content type of a Response", async () => {
  const body = Deno.readFileSync(new URL("sync-nulls.tsv", DACHS));
  const res = new Response(body, { headers: { "content-type": contentType("sync-nulls.tsv") } });
  const { table, meta } = await collectTable(await openTable(res));
  assert.equal(meta.format, "tsv");
  assert.equal(table.numRows, 5);
});
