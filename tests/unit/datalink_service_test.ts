/** DataLinkService for any IVOA DataLink service, from a DaCHS result's service descriptor (recorded). */
import assert from "node:assert/strict";
import { DataLinkService } from "../../lib/datalink/mod.ts";
import { parseVOTableDocument } from "../../lib/votable/mod.ts";

const FIX = new URL("../../../shared/fixtures/dachs/", import.meta.url);

Deno.test("DataLinkService.fromDescriptor() calls the service a DaCHS result points to", async () => {
  const doc = await parseVOTableDocument(Deno.readFileSync(new URL("async-7-result.vot", FIX)));
  const sd = doc.serviceDescriptors.find((d) => d.standardID?.includes("DataLink"))!;
  assert.ok(sd, "the recorded result carries a DataLink service descriptor");
  const seen: URLSearchParams[] = [];
  const links = Deno.readFileSync(new URL("datalink-links-known.vot", FIX)) as Uint8Array<
    ArrayBuffer
  >;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    seen.push(new URLSearchParams(await req.text()));
    return new Response(links, { headers: { "content-type": "application/x-votable+xml" } });
  });
  try {
    const svc = DataLinkService.fromDescriptor({
      ...sd,
      accessURL: `http://127.0.0.1:${server.addr.port}/dlmeta`,
    });
    assert.equal(svc.idParam, "ID");
    assert.equal(svc.idColumn, "source_id");
    const table = doc.tables[0].table;
    const ids = table.getChild(svc.idColumn!)!;
    const answer = await svc.links(ids);
    assert.equal(seen[0].get("ID")!.split(",").length, ids.length);
    assert.ok(answer.rows.length > 0);
    assert.ok(answer.rows.every((r) => r.id !== ""));
    assert.ok(answer.links.some((l) => l.accessUrl?.startsWith("http")));
  } finally {
    await server.shutdown();
  }
  assert.throws(
    () => DataLinkService.fromDescriptor({ ...sd, accessURL: undefined as unknown as string }),
    /no accessURL/,
  );
});
